/**
 * The journaled integer FIFO (engine/intFifo.ts) that holds the I/O-interruption requests of
 * each ISC (css §5.4: arrival order, at most one request per subchannel): the same values and
 * stores whether or not the journal records, each change a compact entry, and every position
 * of the journal reads back exactly — through an array that moves its values to index 0 and one
 * that grows.
 */
import * as assert from 'node:assert/strict';
import { IntFifo } from '../../../model/engine/intFifo';
import { Journal } from '../../../model/engine/journal';
import { JOURNAL_COMPACT_ENTRY_BYTES } from '../../../model/engine/memoryEstimate';

type Op = ['push', number] | ['shift'] | ['remove', number];

/** A mix of pushes, takes from the front and withdrawals from the middle (TSCH, CSCH: css §5.4). */
function ops(): Op[] {
  const out: Op[] = [];
  let seed = 12;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  let len = 0;
  for (let i = 0; i < 400; i++) {
    const r = rnd();
    if (len === 0 || r < 0.45) {
      out.push(['push', Math.floor(rnd() * 0x10000)]);
      len++;
    } else if (r < 0.8) {
      out.push(['shift']);
      len--;
    } else {
      out.push(['remove', Math.floor(rnd() * len)]);
      len--;
    }
  }
  return out;
}

function apply(q: IntFifo, ref: number[], op: Op): void {
  if (op[0] === 'push') {
    q.push(op[1]);
    ref.push(op[1]);
  } else if (op[0] === 'shift') assert.equal(q.shift(), ref.shift());
  else {
    q.removeAt(op[1]);
    ref.splice(op[1], 1);
  }
}

describe('engine: journaled integer FIFO (I/O-interruption requests)', () => {
  it('holds what an array would, front first; indexOf / at / toArray agree with it', () => {
    const q = new IntFifo(new Journal());
    const ref: number[] = [];
    for (const op of ops()) {
      apply(q, ref, op);
      assert.deepEqual(q.toArray(), ref);
      assert.equal(q.length, ref.length);
      if (ref.length) {
        assert.equal(q.at(0), ref[0]);
        assert.equal(q.indexOf(ref[ref.length - 1]), ref.indexOf(ref[ref.length - 1]));
      }
      assert.equal(q.indexOf(0x10000), -1);
    }
  });

  it('journaled: every position reads back exactly, step by step and after a redo; lean runs make the same stores', () => {
    const j = new Journal();
    const q = new IntFifo(j);
    const lean = new Journal();
    lean.recording = false;
    const l = new IntFifo(lean);
    // the elements (capacity is not state: trailing never-written zeros left out), head and length
    const snap = (x: IntFifo) => {
      const items = Array.from(x.items);
      while (items.length && items[items.length - 1] === 0) items.pop();
      return JSON.stringify([items, x.head, x.len]);
    };
    const snaps = new Map<number, string>([[0, snap(q)]]);
    const ref: number[] = [];
    const leanRef: number[] = [];
    for (const op of ops()) {
      apply(q, ref, op);
      apply(l, leanRef, op);
      snaps.set(j.position, snap(q));
    }
    // the mix moved its values to index 0 and grew the array (4 → 32)
    assert.equal(q.items.length, 32);
    // the lean FIFO made the same stores: the same elements and capacity, head and length
    assert.equal(snap(l), snap(q));
    assert.equal(l.items.length, q.items.length);
    for (let p = j.position; p >= 0; p--) {
      j.undoTo(p);
      if (snaps.has(p)) assert.equal(snap(q), snaps.get(p), `undone to ${p}`);
    }
    j.redoTo(j.length);
    assert.equal(snap(q), snap(l));
  });

  it('a push and a take per iteration are two compact entries (len 0 → 1 → 0; the element already holds the value)', () => {
    const j = new Journal();
    const q = new IntFifo(j);
    q.push(0xffff);
    q.shift();
    const stored = j.estimatedBytes;
    const at = j.length;
    for (let i = 0; i < 10; i++) {
      q.push(0xffff);
      assert.equal(q.shift(), 0xffff);
    }
    assert.equal(j.length - at, 20);
    // 20 numbers: compact entries (a run of them after two groups), never a value entry
    assert.ok(j.estimatedBytes - stored <= 20 * JOURNAL_COMPACT_ENTRY_BYTES);
    assert.equal((j.estimatedBytes - stored) % JOURNAL_COMPACT_ENTRY_BYTES, 0);
  });

  it('refuses a change while the journal is positioned in the past, and changes nothing', () => {
    const j = new Journal();
    const q = new IntFifo(j);
    q.push(1);
    q.push(2);
    j.undoTo(2); // after the first push's element and length (two entries)
    assert.throws(() => q.push(3), /truncateFuture/);
    assert.deepEqual(q.toArray(), [1]);
  });
});
