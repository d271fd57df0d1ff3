/**
 * What the channel's hot path computes once (issue 12) is computed again whenever it can change:
 * SSCH's SCSW word 0 folded once per frozen ORB (instructions.ts `sschScsw0`), the lean action
 * queue's direct push and pop (engine/actionQueue.ts), the one-read SCSW words of a CCW and of the ending
 * status, `GuestMemory.inRange` in its inlinable form. Each test runs journaled and lean.
 */
import * as assert from 'node:assert/strict';
import { Machine } from '../../../model/engine/machine';
import { GuestMemory } from '../../../model/guest/memory';
import type { OrbFields } from '../../../model/css/css';
import { CMD, CCW_FLAG } from '../../../model/css/ccw';
import { SKEY } from '../../../model/css/keys';
import { FIELD } from '../../../model/css/schib';
import { parseSid } from '../../../model/css/instructions';
import { ProgramInterruption } from '../../../model/css/program-interruption';
import { decodeCcwInto, type Ccw } from '../../../model/css/ccw';
import { lab, orb, program, run, f, SID, PROG, type Lab } from './helpers';

const MODES = [['journaled', false], ['lean', true]] as const;

function labIn(lean: boolean): Lab {
  const l = lab();
  if (lean) l.m.setLean();
  return l;
}

/** SCSW word-0 fields SSCH takes from the ORB (css §1.3), in this order. */
const FROM_ORB = ['scsw.key', 'scsw.sctl', 'scsw.fmt', 'scsw.pfch', 'scsw.isic', 'scsw.alcc', 'scsw.ssi'];
const word0 = (l: Lab): number[] => FROM_ORB.map((n) => f(l, n));

/** One SSCH → end → TSCH cycle; returns the SSCH condition code. */
function cycle(l: Lab, o: OrbFields): number {
  const cc = l.css.ssch(SID, o);
  run(l);
  assert.equal(l.css.tsch(SID).cc, 0); // css §5.2 TSCH cc 0: status was pending
  return cc;
}

describe('css hot path (issue 12): values computed once are recomputed when they can change', () => {
  for (const [mode, lean] of MODES) {
    it(`${mode}: SSCH stores each ORB's flags in SCSW word 0, one frozen ORB after another and an unfrozen ORB changed in place (css §1.3, §5.3)`, () => {
      const l = labIn(lean);
      program(l, [{ cmd: CMD.NOP }]);
      const a = Object.freeze(orb({ key: 3, spnd: 1, pfch: 1, alcc: 1, ssic: 1 }));
      const b = Object.freeze(orb({ key: 5, spnd: 0, pfch: 0, alcc: 0, ssic: 0 }));
      assert.equal(l.css.ssch(SID, a), 0);
      // css §1.3: KEY, SCTL (ORB SPND), FMT, PFCH, ISIC, ALCC, SSI (ORB SSIC); css §5.3 FCTL start, ACTL start pending
      assert.deepEqual(word0(l), [3, 1, 1, 1, 0, 1, 1]);
      assert.deepEqual([f(l, 'scsw.fctl'), f(l, 'scsw.actl')], [0x4, 0x20]);
      run(l);
      l.css.tsch(SID);
      assert.equal(cycle(l, b), 0);
      l.css.ssch(SID, b);
      assert.deepEqual(word0(l), [5, 0, 1, 0, 0, 0, 0]); // b's flags, not a's folded ones
      run(l);
      l.css.tsch(SID);
      l.css.ssch(SID, a);
      assert.deepEqual(word0(l), [3, 1, 1, 1, 0, 1, 1]); // a again
      run(l);
      l.css.tsch(SID);
      // an unfrozen ORB may change between two SSCHs while staying the same object
      const u = orb({ key: 7 });
      l.css.ssch(SID, u);
      assert.equal(f(l, 'scsw.key'), 7);
      run(l);
      l.css.tsch(SID);
      u.key = 9;
      u.pfch = 0;
      l.css.ssch(SID, u);
      assert.deepEqual([f(l, 'scsw.key'), f(l, 'scsw.pfch')], [9, 0]);
    });

    it(`${mode}: SSCH with a folded ORB still resets the deferred cc, ESWF, ZCC, ECTL and PNO the subchannel holds (css §5.3)`, () => {
      const l = labIn(lean);
      program(l, [{ cmd: CMD.NOP }]);
      const a = Object.freeze(orb({ key: 2 }));
      assert.equal(cycle(l, a), 0);
      const s = l.css.core.schib;
      const sch = 7;
      s.set(sch, 'scsw.cc', 3);
      s.set(sch, 'scsw.eswf', 1);
      s.set(sch, 'scsw.zcc', 1);
      s.set(sch, 'scsw.ectl', 1);
      s.set(sch, 'scsw.pno', 1);
      assert.equal(l.css.ssch(SID, a), 0);
      assert.deepEqual(['scsw.cc', 'scsw.eswf', 'scsw.zcc', 'scsw.ectl', 'scsw.pno'].map((n) => f(l, n)), [0, 0, 0, 0, 0]);
      assert.equal(f(l, 'scsw.key'), 2);
    });

    it(`${mode}: a CCW rewritten between two starts of the same program is fetched as written (css §3.1, §3.6)`, () => {
      const l = labIn(lean);
      program(l, [{ cmd: CMD.NOP }]);
      const a = Object.freeze(orb());
      assert.equal(cycle(l, a), 0);
      l.css.ssch(SID, a);
      run(l);
      assert.deepEqual([f(l, 'scsw.stctl'), f(l, 'scsw.dstat'), f(l, 'scsw.cstat')], [0x07, 0x0c, 0]);
      l.css.tsch(SID);
      // css §3.6: command code with low nibble 0 → program check, CPA = CCW + 8
      program(l, [{ cmd: 0x10 }]);
      l.css.ssch(SID, a);
      run(l);
      assert.deepEqual([f(l, 'scsw.stctl'), f(l, 'scsw.cstat'), f(l, 'scsw.cpa')], [0x17, 0x20, PROG + 8]);
      l.css.tsch(SID);
      // and back: a chain of two NOPs (css §3.4 command chaining) ends after the second
      program(l, [{ cmd: CMD.NOP, flags: CCW_FLAG.CC }, { cmd: CMD.NOP }]);
      l.css.ssch(SID, a);
      run(l);
      assert.deepEqual([f(l, 'scsw.stctl'), f(l, 'scsw.dstat'), f(l, 'scsw.cpa')], [0x07, 0x0c, PROG + 16]);
    });

    it(`${mode}: a storage-key change between two starts is seen by the CCW fetch (css §11.7)`, () => {
      const l = labIn(lean);
      program(l, [{ cmd: CMD.NOP }]);
      const k3 = Object.freeze(orb({ key: 3 }));
      assert.equal(cycle(l, k3), 0);
      // css §11.7: fetch-protected frame (F = 1) with key 5 ≠ ORB key 3 → protection check, CSTAT 0x10
      l.mem.skeys.set(PROG, 0x50 | SKEY.F);
      l.css.ssch(SID, k3);
      run(l);
      assert.deepEqual([f(l, 'scsw.stctl'), f(l, 'scsw.cstat'), f(l, 'scsw.cpa')], [0x17, 0x10, PROG + 8]);
      l.css.tsch(SID);
      // key 3 with F = 1: the ORB key matches, the fetch is allowed again
      l.mem.skeys.set(PROG, 0x30 | SKEY.F);
      l.css.ssch(SID, k3);
      run(l);
      assert.deepEqual([f(l, 'scsw.stctl'), f(l, 'scsw.dstat'), f(l, 'scsw.cstat')], [0x07, 0x0c, 0]);
    });

    it(`${mode}: a CCW in the last doubleword of storage runs; a TIC past the end is a program check (css §3.4, §3.6)`, () => {
      const l = labIn(lean);
      const last = 0x10000 - 8; // 64 KiB of guest storage
      program(l, [{ cmd: CMD.NOP }], last);
      l.css.ssch(SID, orb({ cpa: last }));
      run(l);
      assert.deepEqual([f(l, 'scsw.stctl'), f(l, 'scsw.dstat'), f(l, 'scsw.cpa')], [0x07, 0x0c, 0x10000]);
      l.css.tsch(SID);
      program(l, [{ cmd: CMD.TIC, cda: 0x10000 }], last);
      l.css.ssch(SID, orb({ cpa: last }));
      run(l);
      // [unverified: chosen program check for a CCW outside guest memory]: CSTAT 0x20, CPA = 0x10000 + 8
      assert.deepEqual([f(l, 'scsw.stctl'), f(l, 'scsw.cstat'), f(l, 'scsw.cpa')], [0x17, 0x20, 0x10008]);
    });

    it(`${mode}: the action queue holds what a journaled queue holds after every push and pop (actionQueue.ts)`, () => {
      const ref = new Machine();
      const m = new Machine();
      if (lean) m.setLean();
      const snap = (x: Machine) => [x.state.time, ...x.queue.map((a) => `${a.kind}:${a.arg}@${a.time}`)];
      const seen: string[][] = [[], []];
      [ref, m].forEach((x, k) => {
        x.onAction('a', (arg) => {
          seen[k].push(`a${arg}@${x.state.time}`);
          if (arg < 3) x.schedule('a', arg + 1, 1); // reschedules itself at the end, as the channel does per CCW
        });
        x.onAction('b', (arg) => seen[k].push(`b${arg}@${x.state.time}`));
      });
      const ops: Array<(x: Machine) => unknown> = [
        (x) => x.schedule('a', 1, 2),
        (x) => x.schedule('b', 9, 5),
        (x) => x.schedule('b', 8, 1), // before the others: inserted, not appended
        (x) => x.runNextAction(),
        (x) => x.runNextAction(),
        (x) => x.schedule('b', 7, 0),
        (x) => x.cancel('b', 9),
        (x) => x.runNextAction(),
        (x) => x.runNextAction(),
        (x) => x.runNextAction(),
        (x) => x.runNextAction(), // empty now: the next push starts at element 0 again
        (x) => x.schedule('b', 6, 3),
        (x) => x.runNextAction(),
      ];
      for (const op of ops) {
        assert.equal(op(m), op(ref));
        assert.deepEqual(snap(m), snap(ref));
      }
      assert.deepEqual(seen[1], seen[0]);
      assert.deepEqual(seen[0], ['b8@1', 'a1@2', 'b7@2', 'a2@3', 'a3@4', 'b6@7']);
      assert.equal(m.hasPendingActions(), false);
    });
  }

  it('SCHIB set and put take exactly the integers 0…max of the field, as checkFits defines them (css §1.1, §1.3 field widths)', () => {
    const l = lab();
    const s = l.css.core.schib;
    const sch = 7;
    // scsw.count: 16 bits (css §1.3); pmcw.intparm: 32 bits (css §1.1)
    const cases: Array<[string, number, boolean]> = [
      ['scsw.count', 0, true], ['scsw.count', 0xffff, true], ['scsw.count', 0x10000, false], ['scsw.count', -1, false],
      ['scsw.count', 1.5, false], ['scsw.count', NaN, false], ['scsw.count', Infinity, false], ['scsw.count', -0, true],
      ['pmcw.intparm', 0xffffffff, true], ['pmcw.intparm', 2 ** 32, false], ['pmcw.intparm', 2 ** 32 + 1, false],
    ];
    for (const [name, value, ok] of cases) {
      const before = s.get(sch, name);
      if (ok) {
        s.set(sch, name, value);
        assert.equal(s.get(sch, name), value >>> 0, `${name} := ${value}`);
      } else {
        assert.throws(() => s.set(sch, name, value), new RegExp(`${name.replace('.', '\\.')}: value .* does not fit`), `${name} := ${value}`);
        assert.equal(s.get(sch, name), before); // nothing stored
        const a = FIELD[name as keyof typeof FIELD];
        assert.throws(() => s.put(a.word, 0, a, value), /does not fit/);
      }
    }
  });

  it('GuestMemory.inRange: integer address and length with address + length ≤ size, as Number.isInteger defines them', () => {
    const mem = new GuestMemory(new Machine(), 0x10000);
    const cases: Array<[number, number, boolean]> = [
      [0, 0, true], [0, 0x10000, true], [0xfff8, 8, true], [0xfff9, 8, false], [0x10000, 0, true], [0x10000, 1, false],
      [-1, 1, false], [1.5, 1, false], [0, 1.5, false], [0, -1, false], [NaN, 1, false], [1, NaN, false],
      [Infinity, 0, false], [-0, 0, true], [2 ** 32, 0, false], [2 ** 32 + 8, 8, false], [0x7fffffff, 1, false],
    ];
    for (const [addr, len, want] of cases) {
      const byDefinition = Number.isInteger(addr) && Number.isInteger(len) && addr >= 0 && len >= 0 && addr + len <= mem.size;
      assert.equal(byDefinition, want, `definition (${addr}, ${len})`);
      assert.equal(mem.inRange(addr, len), want, `inRange(${addr}, ${len})`);
    }
  });
  it('parseSid: the SID words of subchannel set 0 take the shortcut; at its edges the checks of css §5.1 decide as before', () => {
    const cases: Array<[number, { sch: number; provided: boolean } | RegExp]> = [
      [0x00010000, { sch: 0, provided: true }], [0x0001ffff, { sch: 0xffff, provided: true }], [0x00011234, { sch: 0x1234, provided: true }],
      // the shortcut needs an integer word: these go to the checks
      [65536.5, /not a 32-bit word/], [-0x10000, /not a 32-bit word/], [NaN, /not a 32-bit word/], [2 ** 32 + 0x10000, /not a 32-bit word/],
      [0x0000ffff, /bit 15/], [0x00020000, /bit 15/], [0x00110007, /bits 8–11/], [0x01010007, /CSSID ≠ 0 requires M = 1/],
      // other subchannel sets and M = 1: valid words, not the shortcut's
      [0x00030005, { sch: 5, provided: false }], [0x00090005, { sch: 5, provided: true }], [0x01090005, { sch: 5, provided: false }],
    ];
    for (const [sid, want] of cases) {
      if (want instanceof RegExp) {
        assert.throws(() => parseSid(sid), (e: unknown) => e instanceof ProgramInterruption && e.pic === 'operand' && want.test(e.message), `SID ${sid}`);
      } else assert.deepEqual(parseSid(sid), want, `SID ${sid}`);
    }
  });

  it('decodeCcwInto: format 1 inline, format 0 apart (css §3.1); a format-0 TIC has no flags or count', () => {
    const out: Ccw = { cmd: 0, flags: 0, count: 0, cda: 0, fmt: 1, raw: [0, 0] };
    assert.deepEqual({ ...decodeCcwInto(out, 0x03600008, 0x00001000, 1), raw: [...out.raw] }, { cmd: 0x03, flags: 0x60, count: 8, cda: 0x1000, fmt: 1, raw: [0x03600008, 0x00001000] });
    assert.deepEqual({ ...decodeCcwInto(out, 0x02001000, 0x20000010, 0), raw: [...out.raw] }, { cmd: 0x02, flags: 0x20, count: 16, cda: 0x1000, fmt: 0, raw: [0x02001000, 0x20000010] });
    // format 0: command codes x8 are TIC (css §3.4), whatever the flag and count bytes hold
    assert.deepEqual({ ...decodeCcwInto(out, 0x18002000, 0xff00ffff, 0), raw: [...out.raw] }, { cmd: CMD.TIC, flags: 0, count: 0, cda: 0x2000, fmt: 0, raw: [0x18002000, 0xff00ffff] });
  });
  it('GuestMemory.readU32: the big-endian word of the four bytes at any address inside memory, journaled writes and undo seen; undefined past the end', () => {
    const m = new Machine();
    const mem = new GuestMemory(m, 0x2000);
    mem.write(0x1ff8, [0x80, 0x01, 0x02, 0x03, 0xfe, 0xdc, 0xba, 0x98]);
    const byBytes = (a: number) => ((mem.bytes[a] << 24) | (mem.bytes[a + 1] << 16) | (mem.bytes[a + 2] << 8) | mem.bytes[a + 3]) >>> 0;
    for (let a = 0x1ff8; a <= 0x1ffc; a++) assert.equal(mem.readU32(a), byBytes(a), `readU32(0x${a.toString(16)})`);
    assert.equal(mem.readU32(0x1ff8), 0x80010203); // bit 31 set: an unsigned word
    assert.equal(mem.readU32(0x1ffc), 0xfedcba98);
    for (const a of [0x1ffd, 0x2000, -1, 0.5, NaN]) assert.equal(mem.readU32(a), undefined, `readU32(${a})`);
    // the journal's undo writes the byte array back: the word view reads what it holds
    const pos = m.journal.position;
    mem.write(0x1ff8, [0, 0, 0, 0x2a]);
    assert.equal(mem.readU32(0x1ff8), 0x2a);
    m.journal.undoTo(pos);
    assert.equal(mem.readU32(0x1ff8), 0x80010203);
  });

});
