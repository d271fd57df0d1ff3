import * as assert from 'node:assert/strict';
import { Journal } from '../../../model/engine/journal';
import { Machine } from '../../../model/engine/machine';
import { JOURNAL_COMPACT_ENTRY_BYTES } from '../../../model/engine/memoryEstimate';

describe('engine: journal (time travel, PRODUCT §3)', () => {
  it('undo then redo restores every kind of slot exactly', () => {
    const j = new Journal();
    const obj = { a: 1, b: 'x' };
    const owner = { arr: new Int32Array(4) };
    const q: number[] = [];
    const map = new Map<string, number>();
    j.set(obj, 'a', 2);
    j.setElem(owner, 'arr', 2, -1024);
    j.push(q, 7);
    j.push(q, 8);
    j.shift(q);
    j.splice(q, 0, 0, 5, 6);
    j.mapSet(map, 'k', 1);
    j.mapDelete(map, 'k');
    const after = JSON.stringify({ obj, arr: Array.from(owner.arr), q, map: [...map] });
    j.undoTo(0);
    assert.deepEqual({ obj, arr: Array.from(owner.arr), q, map: [...map] }, { obj: { a: 1, b: 'x' }, arr: [0, 0, 0, 0], q: [], map: [] });
    j.redoTo(j.length);
    assert.equal(JSON.stringify({ obj, arr: Array.from(owner.arr), q, map: [...map] }), after);
  });

  it('journals typed-array writes by owner and field, so a grown array is still addressed', () => {
    const j = new Journal();
    const owner = { arr: new Int32Array(2) };
    j.setElem(owner, 'arr', 1, 5);
    const bigger = new Int32Array(4);
    bigger.set(owner.arr);
    owner.arr = bigger;
    j.setElem(owner, 'arr', 3, 9);
    j.undoTo(0);
    assert.deepEqual(Array.from(owner.arr), [0, 0, 0, 0]);
  });

  it('a long span undone or redone at once (coalesced) gives the states of a step-by-step walk (issue 12)', () => {
    const j = new Journal();
    const o: { n: number; b: boolean; m: number | undefined } = { n: 0, b: false, m: 0 };
    const owner = { arr: new Int32Array(8) };
    const q: number[] = [];
    const map = new Map<number, number>();
    const snap = () => JSON.stringify({ o, arr: Array.from(owner.arr), q, map: [...map] });
    const at = new Map<number, string>([[0, snap()]]);
    // deterministic mix: numbers, booleans, a property that is sometimes undefined (object entries
    // on the same slot as numeric ones), typed-array elements, a queue and a map
    for (let i = 1; i <= 3000; i++) {
      j.set(o, 'n', i);
      if (i % 3 === 0) j.set(o, 'b', !o.b);
      j.set(o, 'm', i % 5 === 0 ? undefined : i);
      j.setElem(owner, 'arr', i % 8, i * 7);
      if (i % 2 === 0) j.push(q, i);
      else if (q.length > 3) j.shift(q);
      if (i % 4 === 0) j.mapSet(map, i % 16, i);
      if (i % 500 === 0) at.set(j.position, snap());
    }
    const end = j.position;
    const last = snap();
    for (const [pos, expected] of [...at].reverse()) {
      j.undoTo(pos);
      assert.equal(snap(), expected, `undone to ${pos}`);
    }
    j.redoTo(end);
    assert.equal(snap(), last);
    for (const [pos, expected] of at) {
      j.undoTo(pos);
      assert.equal(snap(), expected, `undone from the end to ${pos}`);
      j.redoTo(end);
      assert.equal(snap(), last, `redone from ${pos}`);
    }
  });

  it('values are stored as 32-bit words when they fit (int32, uint32), else on the side; all undo and redo exactly (issue 12)', () => {
    const j = new Journal();
    const o = { v: 0 as number };
    const f = { a: new Float64Array(2), u: new Uint32Array(2) };
    const values = [-5, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff, -0, 0.5, 2 ** 40, -(2 ** 31), Number.NaN, 3];
    const states: string[] = [];
    const snap = () => `${Object.is(o.v, -0) ? '-0' : o.v} ${Array.from(f.a).map((x) => (Object.is(x, -0) ? '-0' : x)).join(',')} ${f.u[1]}`;
    states.push(snap());
    for (const v of values) {
      j.set(o, 'v', v);
      states.push(snap());
      j.setElem(f, 'a', 1, v);
      states.push(snap());
      j.setElem(f, 'u', 1, v);
      if (j.length === states.length) states.push(snap());
    }
    for (let p = j.length; p >= 0; p--) {
      j.undoTo(p);
      assert.equal(snap(), states[p], `at ${p}`);
    }
    j.redoTo(j.length);
    assert.equal(snap(), states[j.length]);
    // entries whose old or new value is a fraction, −0, NaN or past 32 bits keep them on the side
    assert.ok(j.estimatedBytes > j.storedEntries * JOURNAL_COMPACT_ENTRY_BYTES);
  });

  it('refuses to record while positioned in the past', () => {
    const j = new Journal();
    const o = { v: 0 };
    j.set(o, 'v', 1);
    j.undoTo(0);
    assert.throws(() => j.set(o, 'v', 2), /truncateFuture/);
    j.truncateFuture();
    j.set(o, 'v', 2);
    assert.equal(j.length, 1);
  });
});

describe('engine: machine (virtual time, queue)', () => {
  it('runs queued actions in time order, FIFO within a time, and undoes the queue', () => {
    const m = new Machine();
    const seen: number[] = [];
    m.onAction('t', (arg) => seen.push(arg));
    m.schedule('t', 1, 5);
    m.schedule('t', 2, 1);
    m.schedule('t', 3, 1);
    const mark = m.journal.position;
    while (m.runNextAction());
    assert.deepEqual(seen, [2, 3, 1]);
    assert.equal(m.state.time, 5);
    m.journal.undoTo(mark);
    assert.equal(m.queue.length, 3);
    assert.equal(m.state.time, 0);
  });

  it('records the call stack and thread of each event', () => {
    const m = new Machine();
    m.onThread(7, () => m.within('outer', () => m.within('inner', () => m.emit({ kind: 'warn', message: 'x', ref: 'r' }, 'instruction')), 3));
    assert.deepEqual(m.history[0].frames, [{ name: 'inner' }, { name: 'outer', line: 3 }]);
    assert.equal(m.history[0].thread, 7);
  });

  it('boolean properties are compact entries that undo and redo to booleans, and lastWriteBefore finds them (issue 12)', () => {
    const j = new Journal();
    const st = { waiting: false, n: 0 };
    j.set(st, 'waiting', true);
    j.set(st, 'n', 1);
    j.set(st, 'waiting', false);
    assert.equal(j.estimatedBytes, 3 * JOURNAL_COMPACT_ENTRY_BYTES);
    assert.equal(j.lastWriteBefore(st, 'waiting', undefined, 3), 2);
    assert.equal(j.lastWriteBefore(st, 'waiting', undefined, 2), 0);
    j.undoTo(2);
    assert.deepEqual(st, { waiting: true, n: 1 });
    j.undoTo(0);
    assert.deepEqual(st, { waiting: false, n: 0 });
    j.redoTo(3);
    assert.deepEqual(st, { waiting: false, n: 1 });
    j.undoTo(1);
    assert.strictEqual(st.waiting, true);
  });

  it('lean (not recording): queue and map changes apply with no entries', () => {
    const j = new Journal();
    j.recording = false;
    const q: number[] = [];
    const map = new Map<number, number>();
    j.push(q, 1);
    j.push(q, 2);
    assert.equal(j.shift(q), 1);
    j.splice(q, 0, 0, 9);
    j.mapSet(map, 1, 10);
    j.mapSet(map, 2, 20);
    j.mapDelete(map, 1);
    j.mapDelete(map, 3);
    assert.deepEqual([q, [...map]], [[9, 2], [[2, 20]]]);
    assert.equal(j.length, 0);
  });
});

