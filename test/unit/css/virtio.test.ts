/**
 * Stock virtio-ccw devices (model/devices/virtio.ts, QEMU hw/s390x/virtio-ccw.c; virtio spec
 * §4.3) and device removal (model/css/removal.ts, QEMU ccw_device_unplug) on the machine.
 */
import * as assert from 'node:assert/strict';
import { lab, program, start, f, bytes, run, events, SCH, SID, DEVNO, BUF, orb } from './helpers';
import { VirtioDevice, offeredFeatures } from '../../../model/devices/virtio';
import { configBytes, hostFeatures, VIRTIO_CMD, VIRTIO_LEGACY_FEATURES } from '../../../model/devices/virtioTypes';
import { decodeCrwWord } from '../../../model/css/crw';

const virtio = (l: ReturnType<typeof lab>) => l.css.device(SCH) as VirtioDevice;

describe('devices: virtio-ccw (QEMU virtio_ccw_cb, virtio spec §4.3)', () => {
  const ids: Array<[Parameters<typeof lab>[0], number]> = [
    [{ type: 'virtio-net' }, 1], [{ type: 'virtio-blk' }, 2], [{ type: 'virtio-rng' }, 4], [{ type: 'virtio-balloon' }, 5],
  ];
  for (const [spec, id] of ids) {
    it(`${spec!.type} SENSE ID: FF, CU 0x3832, CU model = device ID ${id}, device type/model 0 (css §3.3)`, () => {
      const l = lab(spec);
      program(l, [{ cmd: 0xe4, count: 7, cda: BUF }]);
      start(l);
      assert.deepEqual([f(l, 'scsw.stctl'), f(l, 'scsw.dstat'), f(l, 'scsw.cstat'), f(l, 'scsw.count')], [0x07, 0x0c, 0, 0]);
      assert.deepEqual(bytes(l, BUF, 7), [0xff, 0x38, 0x32, id, 0, 0, 0]);
    });
  }

  it('SENSE ID with count 4 and no SLI: byte 0 still X\'FF\', incorrect length (css §3.2, §4; issue 11)', () => {
    const l = lab({ type: 'virtio-rng' });
    program(l, [{ cmd: 0xe4, count: 4, cda: BUF }]);
    start(l);
    assert.deepEqual([f(l, 'scsw.stctl'), f(l, 'scsw.cstat')], [0x17, 0x40]);
    assert.deepEqual(bytes(l, BUF, 4), [0xff, 0x38, 0x32, 4]);
  });

  it('a virtio command first makes the device legacy (revision 0); SET_VIRTIO_REV then rejects: UC only (css §5.3)', () => {
    const l = lab({ type: 'virtio-net' });
    assert.equal(virtio(l).revision, -1);
    l.mem.write(BUF, [0, 0, 0, 0, 0]);
    l.mem.write(BUF + 0x10, [0, 1, 0, 0]);
    program(l, [{ cmd: VIRTIO_CMD.READ_FEAT, count: 5, cda: BUF }]);
    start(l);
    assert.equal(virtio(l).revision, 0);
    // legacy: index 0 offers the legacy bits too (bit 24 NOTIFY_ON_EMPTY, 27 ANY_LAYOUT)
    assert.deepEqual(bytes(l, BUF, 4), [0x20, 0x80, 0x0f, 0x39]);
    l.css.tsch(SID);
    program(l, [{ cmd: VIRTIO_CMD.SET_VIRTIO_REV, count: 4, cda: BUF + 0x10 }]);
    start(l);
    assert.deepEqual([f(l, 'scsw.stctl'), f(l, 'scsw.dstat'), f(l, 'scsw.count')], [0x17, 0x02, 4]);
    assert.equal(virtio(l).state.sense[0], 0x80);
  });

  it('SET_VIRTIO_REV with a trailing data length: the device takes 4 + length bytes (data chained)', () => {
    const l = lab({ type: 'virtio-blk' });
    l.mem.write(BUF, [0, 2, 0, 2]);
    l.mem.write(BUF + 0x10, [0xaa, 0xbb]);
    program(l, [{ cmd: VIRTIO_CMD.SET_VIRTIO_REV, flags: 0x80, count: 4, cda: BUF }, { cmd: VIRTIO_CMD.SET_VIRTIO_REV, count: 2, cda: BUF + 0x10 }]);
    start(l);
    assert.deepEqual([f(l, 'scsw.stctl'), f(l, 'scsw.dstat'), f(l, 'scsw.cstat')], [0x07, 0x0c, 0]);
    assert.equal(virtio(l).revision, 2);
  });

  it('SET_VIRTIO_REV count 6 for a 4-byte block without SLI: incorrect length; with SLI none', () => {
    for (const [flags, cstat, stctl] of [[0, 0x40, 0x17], [0x20, 0, 0x07]] as const) {
      const l = lab({ type: 'virtio-blk' });
      l.mem.write(BUF, [0, 1, 0, 0, 9, 9]);
      program(l, [{ cmd: VIRTIO_CMD.SET_VIRTIO_REV, flags, count: 6, cda: BUF }]);
      start(l);
      assert.deepEqual([f(l, 'scsw.stctl'), f(l, 'scsw.cstat'), f(l, 'scsw.count')], [stctl, cstat, 2]);
      assert.equal(virtio(l).revision, 1);
    }
  });

  it('READ_FEAT offers bits 32-63 only from revision 1, index 0 without the legacy bits', () => {
    const h = hostFeatures('net');
    assert.equal(offeredFeatures(h, 0, 1), 0);
    assert.equal(offeredFeatures(h, 1, 1), 1); // VERSION_1 (bit 32)
    assert.equal(offeredFeatures(h, 1, 0), Number(h & ~VIRTIO_LEGACY_FEATURES & 0xffffffffn));
    assert.equal(offeredFeatures(h, 0, 0), Number(h & 0xffffffffn));
    assert.equal(offeredFeatures(h, 1, 2), 0);
    assert.equal(hostFeatures('rng'), (1n << 24n) | (1n << 27n) | (1n << 28n) | (1n << 29n) | (1n << 32n));
  });

  it('configuration space: big-endian for a legacy driver, little-endian from revision 1; the balloon always LE', () => {
    assert.deepEqual(configBytes('blk', 0).slice(0, 8), [0, 0, 0, 0, 0, 0, 0x08, 0x00]);
    assert.deepEqual(configBytes('blk', 1).slice(0, 8), [0x00, 0x08, 0, 0, 0, 0, 0, 0]);
    assert.equal(configBytes('blk', 1).length, 32);
    assert.deepEqual(configBytes('net', 0), [0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x00, 0x01]);
    assert.deepEqual(configBytes('balloon', 0), configBytes('balloon', 1));
    assert.deepEqual(configBytes('rng', 1), []);
  });

  it('legacy SET_VQ: a queue not 4K-aligned or too small is refused (unit check, sense 0x80)', () => {
    const l = lab({ type: 'virtio-net' });
    // queue 0x10000, align 2048, index 0, num 256
    l.mem.write(BUF, [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0x08, 0, 0, 0, 1, 0]);
    program(l, [{ cmd: VIRTIO_CMD.SET_VQ, count: 16, cda: BUF }]);
    start(l);
    assert.deepEqual([f(l, 'scsw.stctl'), f(l, 'scsw.dstat')], [0x17, 0x0e]);
    assert.equal(virtio(l).state.sense[0], 0x80);
    l.css.tsch(SID);
    // align 4096, num 128 < the queue's 256
    l.mem.write(BUF, [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0x80]);
    start(l);
    assert.equal(f(l, 'scsw.dstat'), 0x0e);
    l.css.tsch(SID);
    l.mem.write(BUF, [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0x10, 0, 0, 0, 1, 0]);
    start(l);
    assert.equal(f(l, 'scsw.dstat'), 0x0c);
    assert.equal(virtio(l).virtio().queues[0].desc, 0x10000n);
  });

  it('SET_IND_ADAPTER while classic indicators are set: command reject; VDEV_RESET clears them', () => {
    const l = lab({ type: 'virtio-blk' });
    l.mem.write(BUF, [0, 0, 0, 0, 0, 0, 0x30, 0]);
    program(l, [{ cmd: VIRTIO_CMD.SET_IND, flags: 0x40, count: 8, cda: BUF }, { cmd: VIRTIO_CMD.SET_IND_ADAPTER, count: 25, cda: BUF + 0x10 }]);
    start(l);
    assert.deepEqual([f(l, 'scsw.stctl'), f(l, 'scsw.dstat')], [0x17, 0x02]);
    assert.equal(virtio(l).virtio().indicators, 0x3000n);
    l.css.tsch(SID);
    program(l, [{ cmd: VIRTIO_CMD.VDEV_RESET }]);
    start(l);
    assert.equal(f(l, 'scsw.dstat'), 0x0c);
    assert.equal(virtio(l).virtio().indicators, 0n);
  });

  it('Step Back undoes the negotiation exactly (journal)', () => {
    const l = lab({ type: 'virtio-net' });
    const before = l.m.journal.position;
    l.mem.write(BUF, [0, 1, 0, 0]);
    program(l, [{ cmd: VIRTIO_CMD.SET_VIRTIO_REV, count: 4, cda: BUF }]);
    start(l);
    assert.equal(virtio(l).revision, 1);
    const end = l.m.journal.position;
    l.m.journal.undoTo(before);
    assert.equal(virtio(l).revision, -1);
    l.m.journal.redoTo(end);
    assert.equal(virtio(l).revision, 1);
  });
});

describe('machine remove device (QEMU ccw_device_unplug; css §5.2, §6.3)', () => {
  it('ENA/DNV off, CRW RSC 3 ERC 4 RSID = subchannel, then not provided: cc 3, STSCH cc 3 past the last', () => {
    const l = lab();
    assert.equal(l.css.removeDevice(DEVNO), SCH);
    const crw = decodeCrwWord(l.css.stcrw().crw);
    assert.deepEqual([crw.rsc, crw.erc, crw.rsid, crw.chn], [3, 4, SCH, false]);
    assert.equal(l.css.hasSubchannel(SCH), false);
    assert.equal(l.css.ssch(SID, orb()), 3);
    assert.equal(l.css.tsch(SID).cc, 3);
    assert.equal(l.css.stsch(SID).cc, 3);
    assert.equal(l.css.msch(SID, { 'pmcw.isc': 1 }), 3);
    assert.deepEqual(events(l, 'log').map((e) => e.source), ['machine', 'machine']);
  });

  it('a hole below the last subchannel stores a zero SCHIB with cc 0 (css §5.2)', () => {
    const l = lab();
    l.css.addDevice({ devno: 0x2000, sch: 9, type: 'echo', chpids: [0x50], enabled: true, isc: 3 });
    l.css.removeDevice(DEVNO);
    const r = l.css.stsch(SID);
    assert.equal(r.cc, 0);
    assert.deepEqual(Array.from(r.schib), new Array<number>(52).fill(0));
  });

  it('withdraws the pending interruption and ends a program in flight without status', () => {
    const l = lab();
    program(l, [{ cmd: 0x03 }]);
    start(l);
    assert.equal(l.css.interruptionPending(), true);
    l.css.removeDevice(DEVNO);
    assert.equal(l.css.interruptionPending(), false);
    const l2 = lab();
    program(l2, [{ cmd: 0x03 }]);
    assert.equal(l2.css.ssch(SID, orb()), 0);
    l2.css.removeDevice(DEVNO);
    assert.equal(run(l2), 0);
    assert.equal(l2.css.interruptionPending(), false);
    assert.equal(events(l2, 'sch.status').length, 0);
  });

  it('an unknown device number is a clear error; Step Back restores the device exactly', () => {
    const l = lab({ type: 'virtio-net' });
    assert.throws(() => l.css.removeDevice(0x4321), /device number 0x4321 is not defined/);
    assert.throws(() => l.css.removeDevice(0x10000), /out of range/);
    const image = Array.from(l.css.stsch(SID).schib);
    const pos = l.m.journal.position;
    l.css.removeDevice(DEVNO);
    l.m.journal.undoTo(pos);
    assert.equal(l.css.device(SCH)?.type, 'virtio-net');
    assert.deepEqual(Array.from(l.css.stsch(SID).schib), image);
    assert.equal(l.css.crwQueue().crws.length, 0);
  });
});
