/**
 * Journaled stores of the vfio-ccw stack (model/linux/cio/journaled.ts, issue 12): a store that
 * changes nothing records nothing; while journaling a change replaces the struct with one entry
 * (the old struct is left as it was); lean runs change it in place; stepping back and forth over
 * many I/O cycles (also a coalesced walk) gives back every region byte; ORBs are compared field by
 * field (css §2); page arrays and vfio_pfn nodes are values, replaced and never changed in place.
 */
import * as assert from 'node:assert/strict';
import { Machine } from '../../../model/engine/machine';
import { ORB_FIELDS, type OrbFields } from '../../../model/css/orb';
import { sameOrb, storeBytes, storeU32 } from '../../../model/linux/cio/journaled';
import { header, run, SCH } from './helpers';

const orb = (): OrbFields => ({
  intparm: 0x1234, key: 0, spnd: 0, str: 0, mod: 0, sync: 0, fmt: 1, pfch: 1, isic: 0, alcc: 0, ssic: 0,
  b: 0, c64: 1, i2k: 0, lpm: 0xff, ils: 0, midaw: 0, orbx: 0, cpa: 0x1000,
});

describe('vfio-ccw journaled stores (issue 12)', () => {
  it('a store of the bytes already there records nothing and keeps the struct', () => {
    const m = new Machine();
    const owner = { io: new Uint8Array([1, 2, 3, 4]) };
    const before = owner.io;
    storeBytes(m, owner, 'io', 1, [2, 3]);
    assert.equal(m.journal.length, 0);
    assert.equal(owner.io, before);
  });

  it('while journaling a change replaces the struct with one entry; the old struct is unchanged; undo/redo', () => {
    const m = new Machine();
    const owner = { io: new Uint8Array([1, 2, 3, 4]) };
    const old = owner.io;
    storeBytes(m, owner, 'io', 1, [9, 3, 8]);
    assert.equal(m.journal.length, 1);
    assert.notEqual(owner.io, old);
    assert.deepEqual([...owner.io], [1, 9, 3, 8]);
    assert.deepEqual([...old], [1, 2, 3, 4]);
    m.journal.undoTo(0);
    assert.deepEqual([...owner.io], [1, 2, 3, 4]);
    m.journal.redoTo(1);
    assert.deepEqual([...owner.io], [1, 9, 3, 8]);
  });

  it('lean runs change the struct in place and record nothing', () => {
    const m = new Machine();
    m.setLean();
    const owner = { io: new Uint8Array(8) };
    const same = owner.io;
    storeU32(m, owner, 'io', 4, 0xfffffff0); // ret_code -16 (-EBUSY) as the region holds it (css §8.1)
    assert.equal(owner.io, same);
    assert.deepEqual([...owner.io], [0, 0, 0, 0, 0xff, 0xff, 0xff, 0xf0]);
    assert.equal(m.journal.length, 0);
  });

  it('lean runs: a whole byte array is copied at its offset, a part of a number array byte by byte modulo 256; the journaled store gives the same bytes', () => {
    const lean = new Machine();
    lean.setLean();
    const journaled = new Machine();
    const a = { io: new Uint8Array(8) };
    const b = { io: new Uint8Array(8) };
    for (const [m, o] of [[lean, a], [journaled, b]] as const) {
      // the io region's SCSW area written whole (css §8.1: QEMU's pwrite copies its buffer in)
      storeBytes(m, o, 'io', 2, new Uint8Array([0x11, 0x22, 0x33]));
      // from = 1, len = 2 of a number array; 0x1ff is stored as 0xff
      storeBytes(m, o, 'io', 5, [0x99, 0x1ff, 0x44, 0x55], 1, 2);
    }
    assert.deepEqual([...a.io], [0, 0, 0x11, 0x22, 0x33, 0xff, 0x44, 0]);
    assert.deepEqual([...b.io], [...a.io]);
    assert.equal(lean.journal.length, 0);
    assert.equal(journaled.journal.length, 2); // one struct replacement per store that changes bytes
  });

  it('css §2: sameOrb compares every ORB field and the reserved bits', () => {
    assert.equal(sameOrb(undefined, orb()), false);
    assert.equal(sameOrb(orb(), orb()), true);
    const names = ORB_FIELDS.map((d) => d.name.slice('orb.'.length));
    assert.equal(names.length, 20); // css §2 table: 19 fields and the reserved bits 26–30
    for (const k of names) {
      const changed = { ...orb(), [k]: ((orb() as unknown as Record<string, number>)[k] ?? 0) + 1 } as OrbFields;
      assert.equal(sameOrb(orb(), changed), false, k);
    }
  });
});

describe('vfio-ccw I/O cycles on the journal (css §8.1, §10.2, issue 12)', () => {
  const cycles = (n: number) => header('6.18', `data msg at 0x2000 ascii "HELLO, CHANNEL!!"\ndata buf at 0x3000 zero 16\nprogram echo at 0x1000\n  WRITE CC count 16 data msg\n  READ SLI count 16 data buf\nend\nrepeat ${n}\n  ssch 0.0.0007 cpa=echo\n  wait interrupt\n  tpi\n  tsch 0.0.0007\nend\n`);

  it('an identical restart stores neither the host ORB nor QEMU\'s ORB again', () => {
    const one = run(cycles(1));
    const two = run(cycles(2));
    const p1 = one.v.vfio.device(SCH);
    const p2 = two.v.vfio.device(SCH);
    assert.deepEqual({ ...p2.hostOrb }, { ...p1.hostOrb });
    assert.equal(two.v.vfio.devices.get(SCH)!.stats.requests, 2);
    // the second start wrote the same ORB: the object stored by the first is still the one in place
    const hostOrb = p2.hostOrb;
    const qemuOrb = two.v.qemu.device(SCH)!.orb;
    const j = two.r.m.journal;
    const end = j.position;
    // the first cycle's guest TSCH (each cycle: the host's TSCH in do_io_irq, then the guest's)
    const tschs = two.r.m.history.filter((h) => h.event.kind === 'instr' && h.event.name === 'TSCH');
    assert.equal(tschs.length, 4);
    j.undoTo(tschs[1].journalPos);
    assert.equal(p2.hostOrb, hostOrb);
    assert.equal(two.v.qemu.device(SCH)!.orb, qemuOrb);
    j.redoTo(end);
  });

  it('page arrays and vfio_pfn nodes are values: each change stores a new one, the stored ones never change; stepping back restores them (css §9.2, gup §10.1 step 8)', () => {
    const { r, v } = run(cycles(1));
    const j = r.m.journal;
    const end = j.position;
    const p = v.vfio.device(SCH);
    const grabs = r.m.history.filter((h) => h.event.kind === 'page.grab');
    const releases = r.m.history.filter((h) => h.event.kind === 'page.release');
    assert.equal(grabs.length, 2); // WRITE 16 bytes at 0x2000, READ 16 bytes into 0x3000: one page each
    assert.equal(releases.length, 2);
    const pfn = (h: (typeof grabs)[number]): number => (h.event.kind === 'page.grab' ? h.event.pfn : -1);
    // at the second CCW's grab: the first CCW's run is recorded and its host IDAW translated
    // (css §9.2: host IDAW = host page of the guest IDAW + guest address mod 4K); the second not yet
    j.undoTo(grabs[1].journalPos);
    const [pa0, pa1] = p.cp.chains[0].pa;
    assert.deepEqual(pa0, { iova: [0x2000], host: [pfn(grabs[0]) * 4096], runs: [{ iova: 0x2000, npage: 1 }], idal: pa0.idal });
    assert.deepEqual(pa1, { iova: [0x3000], host: [0x3000], runs: [], idal: pa1.idal });
    const seen = JSON.stringify(pa0);
    // cp_free's first put_pfn: the node is still in the tree with ref_count 0 (gup §10.1 step 8)
    j.redoTo(releases[0].journalPos);
    assert.equal(r.mm.vfio.vpfn(0x2000n)?.refCount, 0);
    assert.equal(r.mm.vfio.vpfn(0x3000n)?.refCount, 1);
    assert.equal(p.cp.chains[0].pa[0], pa0);
    // the second: the first CCW's runs are gone from the chain, in a new array; the one stored at the grab is unchanged
    j.redoTo(releases[1].journalPos);
    assert.equal(r.mm.vfio.vpfn(0x2000n), undefined);
    assert.equal(r.mm.vfio.vpfn(0x3000n)?.refCount, 0);
    assert.deepEqual(p.cp.chains[0].pa[0].runs, []);
    assert.notEqual(p.cp.chains[0].pa[0], pa0);
    assert.equal(JSON.stringify(pa0), seen);
    j.redoTo(end);
    assert.equal(p.cp.chains.length, 0);
    assert.equal(r.mm.vfio.vpfn(0x2000n), undefined);
    assert.equal(JSON.stringify(pa0), seen);
    j.undoTo(grabs[1].journalPos);
    assert.equal(p.cp.chains[0].pa[0], pa0);
    j.redoTo(end);
  });

  it('stepping back over 12 cycles (a coalesced walk) and forward again gives back every region byte', () => {
    const { r, v } = run(cycles(12));
    const j = r.m.journal;
    const end = j.position;
    const p = v.vfio.device(SCH);
    const d = v.qemu.device(SCH)!;
    const snap = () => JSON.stringify({
      io: [...p.io], irb: [...p.irb], cmd: [...p.cmd], schib: [...v.cio.subchannel(SCH).schib], esw: [...d.esw],
      state: p.state, stats: p.stats, qstats: d.stats, orb: d.orb, hostOrb: p.hostOrb, cp: p.cp.initialized, pins: r.mm.pinsHeld(),
    });
    const atEnd = snap();
    // before the first start: the first `ssch` statement's record
    const first = r.m.history.find((h) => h.event.kind === 'stmt' && h.event.text.startsWith('ssch'))!;
    const start = first.journalPos;
    assert.ok(end - start >= 1024, `${end - start} entries: the walk is coalesced`);
    j.undoTo(start);
    const atStart = snap();
    assert.deepEqual([...p.io], new Array(124).fill(0)); // nothing written to the io region yet
    assert.equal(p.stats.requests, 0);
    j.redoTo(end);
    assert.equal(snap(), atEnd);
    j.undoTo(start);
    assert.equal(snap(), atStart);
    j.redoTo(end);
    assert.equal(p.stats.requests, 12);
    assert.equal(d.stats.ioIrqs, 12);
  });
});
