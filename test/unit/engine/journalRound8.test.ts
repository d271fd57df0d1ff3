/**
 * Round 8 of issue 12's journaled paths: BIG entries (bigint properties in the int32 range, the
 * runner's condition code), noteBool, run detection by each slot's chain of entries (tested
 * against the period-by-period search it replaces: the same stored entries), the two-way slot
 * cache (many owners whose field names share a set), and the history's frozen-event ways and
 * the string table's ways. Every walk is checked against snapshots taken while recording.
 */
import * as assert from 'node:assert/strict';
import { Journal } from '../../../model/engine/journal';
import { HistoryStore } from '../../../model/engine/history';
import { StringTable } from '../../../model/engine/eventCodec';
import type { ModelEvent } from '../../../model/engine/events';
import { JOURNAL_COMPACT_ENTRY_BYTES, JOURNAL_OBJECT_ENTRY_BYTES } from '../../../model/engine/memoryEstimate';

/** A state with a bigint condition code, as the runner keeps it (css §5.2: cc 0–3 of SSCH / TSCH / TPI). */
interface Regs {
  cc: bigint;
  pc: number;
  waiting: boolean;
}

describe('engine: journal round 8 (issue 12)', () => {
  it('BIG: a bigint property in the int32 range is one compact entry; undo and redo restore each value exactly', () => {
    const j = new Journal();
    const r: Regs = { cc: -1n, pc: 0, waiting: false };
    const snap = () => `${r.cc}/${r.pc}/${r.waiting}`;
    const snaps = [snap()];
    // css §5.2: SSCH cc 0, TPI cc 1 (interruption code stored), TSCH cc 0; then a cc past int32
    const ccs = [0n, 1n, 0n, 3n, 2n, 0x7fff_ffffn, -0x8000_0000n, 0x8000_0000n, 5n];
    for (const cc of ccs) {
      j.set(r, 'cc', cc);
      snaps.push(snap());
    }
    assert.equal(j.length, ccs.length);
    // the value past int32 (2^31) and the one after it (leaving it) are property objects; the rest compact
    assert.equal(j.estimatedBytes, 7 * JOURNAL_COMPACT_ENTRY_BYTES + 2 * JOURNAL_OBJECT_ENTRY_BYTES);
    for (let p = j.length; p >= 0; p--) {
      j.undoTo(p);
      assert.equal(snap(), snaps[p], `undone to ${p}`);
      assert.equal(typeof r.cc, 'bigint');
    }
    for (let p = 0; p <= j.length; p++) {
      j.redoTo(p);
      assert.equal(snap(), snaps[p], `redone to ${p}`);
    }
    assert.equal(r.cc, 5n);
    assert.equal(j.lastWriteBefore(r, 'cc', undefined, j.length), ccs.length - 1);
    assert.equal(j.lastWriteBefore(r, 'pc', undefined, j.length), -1);
  });

  it('BIG: a counted bigint forms a RUN; it reverts in order, step by step and coalesced', () => {
    const j = new Journal();
    const r: Regs = { cc: 0n, pc: 0, waiting: false };
    const snap = () => `${r.cc}/${r.pc}`;
    const snaps = [snap()];
    for (let k = 1; k <= 1500; k++) {
      j.set(r, 'cc', BigInt(k * 3));
      snaps.push(snap());
      j.set(r, 'pc', k);
      snaps.push(snap());
    }
    assert.equal(j.length, 3000);
    assert.equal(j.storedEntries, 5, 'two template groups of (cc, pc) and one RUN entry');
    for (let p = 3000; p >= 2990; p--) {
      j.undoTo(p);
      assert.equal(snap(), snaps[p], `at ${p}`);
    }
    assert.equal(r.cc, BigInt(1495 * 3));
    for (const p of [1, 2, 3, 1001, 0]) {
      j.undoTo(p);
      assert.equal(snap(), snaps[p], `coalesced undo to ${p}`);
      j.redoTo(3000);
      assert.equal(snap(), snaps[3000], `coalesced redo from ${p}`);
    }
    assert.equal(j.lastWriteBefore(r, 'cc', undefined, 1001), 1000);
  });

  it('BIG and PROP entries of one property in one coalesced walk: the value at the target, whatever the kinds', () => {
    const j = new Journal();
    const r = { cc: 0n as bigint | undefined };
    const snaps = [String(r.cc)];
    for (let k = 1; k <= 1200; k++) {
      j.set(r, 'cc', k % 5 === 4 ? undefined : k % 7 === 6 ? 0x1_0000_0000n + BigInt(k) : BigInt(k));
      snaps[j.position] = String(r.cc);
    }
    assert.equal(j.length, 1200);
    for (const p of [1199, 1100, 37, 0]) {
      j.undoTo(p);
      assert.equal(String(r.cc), snaps[p], `undone to ${p}`);
    }
    j.redoTo(1200);
    assert.equal(String(r.cc), snaps[1200]);
    j.undoTo(1150);
    j.redoTo(1160);
    assert.equal(String(r.cc), snaps[1160]);
  });

  it('noteBig: the entries a bigint `set` makes (compact in int32, else a property object); refused while positioned in the past', () => {
    const viaSet = new Journal();
    const viaNote = new Journal();
    const a: Regs = { cc: -1n, pc: 0, waiting: false };
    const b: Regs = { cc: -1n, pc: 0, waiting: false };
    // css §5.2 condition codes, the same value again (no entry), then a value past int32 and back
    const ccs = [0n, 1n, 1n, 0n, 0x8000_0000n, 2n];
    const snaps = [String(b.cc)];
    for (const cc of ccs) {
      viaSet.set(a, 'cc', cc);
      viaNote.noteBig(b, 'cc', b.cc, cc);
      b.cc = cc;
      snaps.push(String(b.cc));
    }
    assert.equal(viaNote.length, viaSet.length);
    assert.equal(viaNote.length, 5);
    assert.equal(viaNote.estimatedBytes, viaSet.estimatedBytes);
    assert.equal(viaNote.estimatedBytes, 3 * JOURNAL_COMPACT_ENTRY_BYTES + 2 * JOURNAL_OBJECT_ENTRY_BYTES);
    const distinct = snaps.filter((x, i) => i === 0 || x !== snaps[i - 1]);
    for (let p = viaNote.length; p >= 0; p--) {
      viaNote.undoTo(p);
      assert.equal(String(b.cc), distinct[p], `undone to ${p}`);
      assert.equal(typeof b.cc, 'bigint');
    }
    assert.throws(() => viaNote.noteBig(b, 'cc', b.cc, 3n), /positioned in the past/);
    viaNote.redoTo(viaNote.length);
    assert.equal(b.cc, 2n);
  });

  it('noteBool: the entry a boolean `set` makes; refused while positioned in the past', () => {
    const j = new Journal();
    const st = { lastTic: false, next: 8 };
    j.noteBool(st, 'lastTic', st.lastTic, true);
    st.lastTic = true;
    j.noteBool(st, 'lastTic', st.lastTic, true); // the same value: no entry
    j.set(st, 'next', 16);
    assert.equal(j.length, 2);
    j.undoTo(0);
    assert.deepEqual(st, { lastTic: false, next: 8 });
    assert.throws(() => j.noteBool(st, 'lastTic', false, true), /positioned in the past/);
    j.redoTo(2);
    assert.deepEqual(st, { lastTic: true, next: 16 });
  });

  it('run detection by slot chains stores what the period-by-period search stored (a queue-like slot twice per group, after a drop and a truncation)', () => {
    // an action queue per CCW: len 1 → 0, time t → t + 1, cur / ccws / next, time[0], len 0 → 1 (7 entries, len twice)
    const cycle = (j: Journal, q: { len: number; time: Float64Array }, s: { time: number }, ch: { cur: number; ccws: number; next: number }) => {
      j.noteNum(q, 'len', q.len, 0);
      q.len = 0;
      j.set(s, 'time', s.time + 1);
      j.set(ch, 'cur', ch.next);
      j.set(ch, 'ccws', ch.ccws + 1);
      j.set(ch, 'next', ch.next + 8);
      j.setElem(q, 'time', 0, s.time + 1);
      j.noteNum(q, 'len', q.len, 1);
      q.len = 1;
    };
    const j = new Journal();
    const q = { len: 1, time: new Float64Array(4) };
    const s = { time: 0 };
    const ch = { cur: 0, ccws: 0, next: 4096 };
    const snap = () => JSON.stringify([q.len, Array.from(q.time), s, ch]);
    const snaps = [snap()];
    for (let k = 0; k < 300; k++) {
      cycle(j, q, s, ch);
      snaps[j.position] = snap();
    }
    // the counts below are what round 7's period-by-period search stored for the same entries
    // (checked against that build): the first cycle (cur 0 → 4096, len 1 → 0 once) starts no
    // group, so two groups of seven stored twice over, then the RUN entry (and a second one)
    assert.equal(j.length, 2100);
    assert.equal(j.storedEntries, 30);
    // dropping starts the chains over: the first entries after it are searched period by period
    j.dropOldest(700);
    for (let k = 0; k < 300; k++) {
      cycle(j, q, s, ch);
      snaps[j.position + 700] = snap();
    }
    assert.equal(j.length, 3500);
    assert.equal(j.storedEntries, 15);
    // truncation inside the run, then an entry the run does not predict: stored; after it, runs again
    j.undoTo(3500 - 73);
    j.truncateFuture();
    j.set(ch, 'next', 99);
    assert.equal(j.storedEntries, 16);
    for (let k = 0; k < 50; k++) cycle(j, q, s, ch);
    assert.equal(j.length, 3777);
    assert.equal(j.storedEntries, 46);
    // positions before the truncation still read back as they were recorded (700 dropped)
    for (const p of [3395, 2093, 700, 7, 0]) {
      j.undoTo(p);
      assert.equal(snap(), snaps[p + 700], `at ${p}`);
    }
    j.redoTo(3777);
    // 589 whole cycles and four entries of the 590th (len, time, cur, ccws) kept, next := 99, 50 cycles
    assert.deepEqual([q.len, s.time, ch.ccws, ch.next], [1, 640, 640, 99 + 8 * 50]);
  });

  it('slot cache: forty owners whose field names share a cache set, written in turn, undo and redo exactly', () => {
    const j = new Journal();
    // 'time' / 'tick' / 'tack' (length 4, first letter t) fall into the same set of the cache
    const owners = Array.from({ length: 40 }, () => ({ time: 0, tick: 0, tack: 0 }));
    const snap = () => JSON.stringify(owners);
    const snaps = [snap()];
    for (let round = 1; round <= 6; round++) {
      for (let o = 0; o < owners.length; o++) {
        const f = (['time', 'tick', 'tack'] as const)[(o + round) % 3];
        j.set(owners[o], f, round * 100 + o);
        snaps.push(snap());
      }
    }
    for (let p = j.length; p >= 0; p -= 7) {
      j.undoTo(p);
      assert.equal(snap(), snaps[p], `undone to ${p}`);
    }
    j.undoTo(0);
    assert.equal(snap(), snaps[0]);
    j.redoTo(j.length);
    assert.equal(snap(), snaps[j.length]);
    assert.equal(j.lastWriteBefore(owners[5], 'time', undefined, j.length), 40 * 3 + 5, 'rounds 1 and 4 wrote owners[5].time: round 4 last');
  });
});

describe('engine: history frozen-event ways and string ways (issue 12 round 8)', () => {
  it('a loop of five frozen statement events, then ten more: every record decodes to its event', () => {
    const h = new HistoryStore(() => []);
    const stmts = ['repeat 100', 'ssch 0.0.ffff cpa=one', 'wait interrupt', 'tpi', 'tsch 0.0.ffff'].map((text, i) => Object.freeze({ kind: 'stmt', line: 10 + i, text }) as ModelEvent);
    const more = Array.from({ length: 10 }, (_, i) => Object.freeze({ kind: 'stmt', line: 100 + i, text: `s${i}` }) as ModelEvent);
    const want: ModelEvent[] = [];
    for (let round = 0; round < 6; round++) for (const e of stmts) want.push(e);
    for (let round = 0; round < 3; round++) for (const e of more) want.push(e);
    for (const e of stmts) want.push(e);
    want.forEach((e, i) => h.push(i, 0, 0, 'statement', 0, e));
    assert.equal(h.length, want.length);
    for (let i = 0; i < want.length; i++) assert.deepEqual(h.view[i].event, want[i], `record ${i}`);
  });

  it('an unfrozen event changed between two pushes is encoded again each time', () => {
    const h = new HistoryStore(() => []);
    const e = { kind: 'stmt', line: 1, text: 'a' } as ModelEvent & { line: number; text: string };
    for (let i = 0; i < 100; i++) {
      e.line = i;
      e.text = `t${i % 6}`;
      h.push(i, 0, 0, 'statement', 0, e);
    }
    for (let i = 0; i < 100; i++) assert.deepEqual(h.view[i].event, { kind: 'stmt', line: i, text: `t${i % 6}` });
  });

  it('StringTable: six strings in turn through one slot keep the ids they were first given', () => {
    const t = new StringTable();
    const words = ['SSCH', 'TPI', 'TSCH', 'STSCH', 'MSCH', 'HSCH'];
    const first = words.map((w) => t.idAt(3, w));
    assert.deepEqual(first, [0, 1, 2, 3, 4, 5]);
    for (let k = 0; k < 60; k++) assert.equal(t.idAt(3, words[k % 6]), k % 6);
    // the same strings built anew (other string objects, the same content)
    const heads = ['SS', 'T', 'TS', 'STS', 'MS', 'HS'];
    const tails = ['CH', 'PI', 'CH', 'CH', 'CH', 'CH'];
    for (let k = 0; k < 12; k++) assert.equal(t.idAt(3, heads[k % 6] + tails[k % 6]), k % 6);
    assert.equal(t.idAt(3, 'RSCH'), 6);
    assert.equal(t.list.length, 7, 'one string interned past the six');
  });
});
