/** QEMU's mapping rows (css §10.2, §10.3, §10.4) and region layouts (css §8.1). */
import * as assert from 'node:assert/strict';
import { ioReadOutcome, requestOutcome } from '../../../model/qemu/mapping';
import { addedRegions, ASYNC_REGION, CRW_REGION, IO_REGION, numIrqs, REGION_FLAG, regionOffset, SCHIB_REGION } from '../../../model/linux/vfio-ccw/regions';
import { kernelFeatures } from '../../../model/kernel/version';
import { header, run, SCH, drain } from './helpers';

describe('QEMU: region write errno → guest (css §10.2)', () => {
  const rows: Array<[number, 'ssch' | 'hsch' | 'csch', unknown]> = [
    [124, 'ssch', { cc: 0 }], [-16, 'ssch', { cc: 2 }], [-19, 'ssch', { cc: 3 }], [-13, 'ssch', { cc: 3 }],
    [-22, 'ssch', { unitException: true }], [-95, 'ssch', { unitException: true }], [-5, 'ssch', { unitException: true }],
    [-14, 'ssch', { unitException: true }], [8, 'hsch', { cc: 0 }], [-16, 'hsch', { cc: 2 }], [-19, 'hsch', { cc: 3 }],
    [-22, 'hsch', { unitException: true }], [8, 'csch', { cc: 0 }], [-19, 'csch', { cc: 3 }], [-13, 'csch', { cc: 3 }],
    [-5, 'csch', { unitException: true }],
  ];
  for (const [ret, instr, want] of rows) it(`${instr} ${ret} → ${JSON.stringify(want)}`, () => assert.deepEqual(requestOutcome(ret, instr), want));
});

describe('QEMU: io-region read result → guest SCSW (css §10.4)', () => {
  it('ENODEV → deferred cc 3', () => assert.deepEqual(ioReadOutcome({ kind: 'error', errno: 19 }), { kind: 'deferred-cc3' }));
  it('EFAULT → CDC', () => assert.deepEqual(ioReadOutcome({ kind: 'error', errno: 14 }), { kind: 'status', cstat: 0x08 }));
  it('other error → PRG', () => assert.deepEqual(ioReadOutcome({ kind: 'error', errno: 5 }), { kind: 'status', cstat: 0x20 }));
  it('short read → CCC', () => assert.deepEqual(ioReadOutcome({ kind: 'short' }), { kind: 'status', cstat: 0x04 }));
  it('ok → IRB copied', () => assert.deepEqual(ioReadOutcome({ kind: 'ok' }), { kind: 'copy-irb' }));
  for (const [errno, cstat] of [[14, 0x08], [5, 0x20]] as const) {
    it(`driven: error ${errno} → CSTAT 0x${cstat.toString(16)}, STCTL 0x17, interruption`, () => {
      const { r, v } = run(header());
      const before = r.m.history.length;
      v.qemu.ioNotifier(SCH, { kind: 'error', errno });
      assert.equal(v.qemu.core.schib.get(SCH, 'scsw.cstat'), cstat);
      assert.equal(v.qemu.core.schib.get(SCH, 'scsw.stctl'), 0x17);
      assert.ok(v.qemu.interruptionPending());
      // no deferred cc 3: no guest.status record (the deferred-cc3 exception filter's event)
      assert.ok(r.m.history.slice(before).every((h) => h.event.kind !== 'guest.status'));
    });
  }
  it('driven: ENODEV → SCSW.CC 3, STCTL alert + pending, and a guest.status record of it', () => {
    const { r, v } = run(header());
    const before = r.m.history.length;
    v.qemu.ioNotifier(SCH, { kind: 'error', errno: 19 });
    assert.equal(v.qemu.core.schib.get(SCH, 'scsw.cc'), 3);
    assert.equal(v.qemu.core.schib.get(SCH, 'scsw.stctl'), 0x11);
    // css §10.4: what the guest sees gets its own record, before the interruption is queued
    const kinds = r.m.history.slice(before).map((h) => h.event);
    assert.deepEqual(kinds.filter((e) => e.kind === 'guest.status'), [{ kind: 'guest.status', sch: SCH, stctl: 0x11, cc: 3, from: 'enodev' }]);
    assert.ok(kinds.findIndex((e) => e.kind === 'guest.status') < kinds.findIndex((e) => e.kind === 'irq.queued'));
  });
});

describe('QEMU: STSCH refresh copies exactly PNOM, LPUM, PAM, POM and ORs PNO (css §10.3)', () => {
  it('guest LPM, PIM, CHPIDs, ISC, ENA, INTPARM untouched', () => {
    const { r, v } = run(header());
    const g = v.qemu.core.schib;
    const before = { lpm: g.get(SCH, 'pmcw.lpm'), pim: g.get(SCH, 'pmcw.pim'), isc: g.get(SCH, 'pmcw.isc'), ena: g.get(SCH, 'pmcw.ena'), c0: g.get(SCH, 'pmcw.chpid0') };
    // the host side changes: LPUM and PAM
    v.css.core.schib.set(SCH, 'pmcw.lpum', 0x40);
    v.css.core.schib.set(SCH, 'pmcw.pam', 0x40);
    v.css.core.schib.set(SCH, 'pmcw.pom', 0x7f);
    v.css.core.schib.set(SCH, 'pmcw.pnom', 0x80);
    v.css.core.schib.set(SCH, 'scsw.pno', 1);
    v.css.core.schib.set(SCH, 'pmcw.lpm', 0x11);
    v.qemu.stsch(0x00010007);
    assert.equal(g.get(SCH, 'pmcw.lpum'), 0x40);
    assert.equal(g.get(SCH, 'pmcw.pam'), 0x40);
    assert.equal(g.get(SCH, 'pmcw.pom'), 0x7f);
    assert.equal(g.get(SCH, 'pmcw.pnom'), 0x80);
    assert.equal(g.get(SCH, 'scsw.pno'), 1);
    assert.deepEqual({ lpm: g.get(SCH, 'pmcw.lpm'), pim: g.get(SCH, 'pmcw.pim'), isc: g.get(SCH, 'pmcw.isc'), ena: g.get(SCH, 'pmcw.ena'), c0: g.get(SCH, 'pmcw.chpid0') }, before);
    // PNO is never cleared by a refresh
    v.css.core.schib.set(SCH, 'scsw.pno', 0);
    v.qemu.stsch(0x00010007);
    assert.equal(g.get(SCH, 'scsw.pno'), 1);
    drain(r);
  });
  it('the guest SCHIB is built from sysfs with LPM 0 and DNV 1 (css §7.2, §10.1)', () => {
    const { v } = run('kernel 6.18\ntopology vfio\nchpid 40\nchpid 41\ndevice 0.0.4321 schid 0.0.0009 type echo chpids 40,41\n');
    const g = v.qemu.core.schib;
    assert.equal(g.get(9, 'pmcw.lpm'), 0);
    assert.equal(g.get(9, 'pmcw.dnv'), 1);
    assert.equal(g.get(9, 'pmcw.ena'), 0);
    assert.equal(g.get(9, 'pmcw.dev'), 0x4321);
    assert.equal(g.get(9, 'pmcw.chpid1'), 0x41);
  });
});

describe('QEMU: CRW forwarding and throttling (css §10.5, §6.3)', () => {
  it('forwards every CRW verbatim, one machine check per batch', () => {
    const { r, v } = run(header());
    for (let i = 0; i < 3; i++) v.vfio.queueCrw(v.vfio.device(SCH), 4, 6, 0x40 + i);
    drain(r);
    assert.deepEqual(v.qemu.crws.crws, [0x04060040, 0x04060041, 0x04060042]);
    assert.equal(v.qemu.mchk.injected, 1);
  });
});

describe('vfio-ccw regions as data (css §8.1, §8.2)', () => {
  it('sizes, offsets, subtypes, flags', () => {
    assert.deepEqual([IO_REGION.size, ASYNC_REGION.size, SCHIB_REGION.size, CRW_REGION.size], [124, 8, 52, 8]);
    assert.deepEqual([regionOffset(0), regionOffset(1), regionOffset(2), regionOffset(3)], [0, 0x400, 0x800, 0xc00]);
    assert.deepEqual([ASYNC_REGION.subtype, SCHIB_REGION.subtype, CRW_REGION.subtype], [1, 2, 3]);
    assert.equal(IO_REGION.flags, REGION_FLAG.READ | REGION_FLAG.WRITE);
    assert.equal(SCHIB_REGION.flags, REGION_FLAG.READ | REGION_FLAG.CAPS);
    assert.deepEqual(IO_REGION.layout.ret_code, [120, 4]);
    assert.deepEqual(IO_REGION.layout.irb_area, [24, 96]);
  });
  it('regions and IRQ indexes by version', () => {
    assert.deepEqual(addedRegions(kernelFeatures({ major: 5, minor: 7 })).map((r) => r.name), ['async']);
    assert.deepEqual(addedRegions(kernelFeatures({ major: 5, minor: 8 })).map((r) => r.name), ['async', 'schib', 'crw']);
    assert.equal(numIrqs(kernelFeatures({ major: 5, minor: 7 })), 1);
    assert.equal(numIrqs(kernelFeatures({ major: 5, minor: 8 })), 2);
    assert.equal(numIrqs(kernelFeatures({ major: 6, minor: 18 })), 3);
  });
  it('every region access rule: bounds, read-only, unknown index, closed fd', () => {
    const { v } = run(header());
    const vf = v.vfio;
    assert.equal(vf.read(SCH, 0, 124).ret, 124);
    assert.equal(vf.read(SCH, 0, 125).ret, -22);
    assert.equal(vf.read(SCH, 123, 2).ret, -22);
    assert.equal(vf.read(SCH, 0x400, 8).ret, 8);
    assert.equal(vf.read(SCH, 0x404, 8).ret, -22);
    assert.equal(vf.read(SCH, 0x800, 52).ret, 52);
    assert.equal(vf.read(SCH, 0xc00, 8).ret, 8);
    assert.equal(vf.read(SCH, 0x1000, 1).ret, -22);
    assert.equal(vf.read(SCH, -1, 1).ret, -22);
    assert.equal(vf.read(SCH, 0, 0).ret, 0);
    assert.equal(vf.write(SCH, 0x800, new Uint8Array(4)), -22);
    assert.equal(vf.write(SCH, 0xc00, new Uint8Array(4)), -22);
    assert.equal(vf.write(SCH, 0x400, new Uint8Array(9)), -22);
    assert.equal(vf.write(SCH, 0x1000, new Uint8Array(4)), -22);
    vf.close(SCH);
    assert.equal(vf.read(SCH, 0, 4).ret, -9);
    assert.equal(vf.write(SCH, 0, new Uint8Array(4)), -9);
  });
  it('the CRW region: 8 zero bytes when empty; read pops one and re-signals while more remain', () => {
    const { r, v } = run(header());
    const p = v.vfio.device(SCH);
    v.vfio.setIrq(SCH, 'crw', false); // keep QEMU from draining
    v.vfio.queueCrw(p, 4, 6, 0x40);
    v.vfio.queueCrw(p, 4, 2, 0x40);
    v.vfio.setIrq(SCH, 'crw', true);
    const a = v.vfio.read(SCH, 0xc00, 8);
    assert.deepEqual(Array.from(a.data), [4, 6, 0, 0x40, 0, 0, 0, 0]);
    assert.equal(p.work.crw, true); // more remain: work queued to signal again
    const b = v.vfio.read(SCH, 0xc00, 8);
    assert.deepEqual(Array.from(b.data.subarray(0, 4)), [4, 2, 0, 0x40]);
    const c = v.vfio.read(SCH, 0xc00, 8);
    assert.deepEqual(Array.from(c.data), [0, 0, 0, 0, 0, 0, 0, 0]);
    drain(r);
  });
});

describe('QEMU: SSCH operand checks of a frozen ORB given again (css §2, §8.1, issue 12)', () => {
  const SID = 0x00010007;
  const base = Object.freeze({
    intparm: 0x11, key: 0, spnd: 0, str: 0, mod: 0, sync: 0, fmt: 1, pfch: 1, isic: 0, alcc: 0, ssic: 0,
    b: 0, c64: 0, i2k: 0, lpm: 0xff, ils: 0, midaw: 0, orbx: 0, cpa: 0x1000,
  });
  const lab = () => run(header('6.18', 'data buf at 0x3000 zero 16\nprogram rd at 0x1000\n  READ SLI count 16 data buf\nend\n'));

  it('an ORB with reserved bits 26–30 set is refused every time it is given (operand exception)', () => {
    const { v } = lab();
    const bad = Object.freeze({ ...base, reserved: 1 });
    for (let i = 0; i < 2; i++) {
      assert.throws(() => v.qemu.ssch(SID, bad), /operand exception: ORB word 1 reserved bits 26–30/);
    }
    assert.equal(v.vfio.device(SCH).stats.requests, 0);
  });

  it('the same frozen ORB started twice writes the same orb_area words both times; a bad one after it is still refused', () => {
    const { r, v } = lab();
    const p = v.vfio.device(SCH);
    const words = () => [0, 4, 8].map((o) => ((p.io[o] << 24) | (p.io[o + 1] << 16) | (p.io[o + 2] << 8) | p.io[o + 3]) >>> 0);
    assert.equal(v.qemu.ssch(SID, base), 0);
    const first = words();
    // css §2 word 0 = intparm; word 1: FMT (bit 8), PFCH (bit 9), LPM (bits 16–23); word 2 = CPA
    assert.deepEqual(first, [0x11, 0x00c0ff00, 0x1000]);
    drain(r);
    v.qemu.tpi();
    assert.equal(v.qemu.tsch(SID).cc, 0);
    assert.equal(v.qemu.ssch(SID, base), 0);
    assert.deepEqual(words(), first);
    assert.equal(p.stats.requests, 2);
    assert.throws(() => v.qemu.ssch(SID, Object.freeze({ ...base, midaw: 1 })), /MIDAW/);
  });
});
