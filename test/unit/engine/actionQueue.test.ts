/**
 * The engine's action queue (actionQueue.ts ActionQueue, issue 12): actions kept as typed-array
 * elements, run in time order and FIFO within a time, cancelled by kind and argument, every change
 * journaled so stepping back and forth restores the queue exactly. Also the closure-free frames
 * (`enter` / `leave`), `listens` / `unheard`, with which hot paths skip events nobody hears, and
 * the journal's `noteNum` / `noteElem` (a change its caller stores with a constant key).
 */
import * as assert from 'node:assert/strict';
import { hearSlot, Machine } from '../../../model/engine/machine';
import { Journal } from '../../../model/engine/journal';

/** The queue as "kind:arg@time" strings, in run order. */
const queued = (m: Machine): string[] => m.queue.map((a) => `${a.kind}:${a.arg}@${a.time}`);

describe('engine: action queue (issue 12)', () => {
  it('an action scheduled before later ones goes before them, after those of its own time (FIFO)', () => {
    const m = new Machine();
    m.schedule('a', 1, 5);
    m.schedule('a', 2, 9);
    m.schedule('b', 3, 5);
    m.schedule('b', 4, 1);
    assert.deepEqual(queued(m), ['b:4@1', 'a:1@5', 'b:3@5', 'a:2@9']);
    const seen: string[] = [];
    m.onAction('a', (arg) => seen.push(`a${arg}@${m.state.time}`));
    m.onAction('b', (arg) => seen.push(`b${arg}@${m.state.time}`));
    while (m.runNextAction());
    assert.deepEqual(seen, ['b4@1', 'a1@5', 'b3@5', 'a2@9']);
    assert.equal(m.hasPendingActions(), false);
  });

  it('cancel removes exactly the actions of that kind and argument, wherever they are', () => {
    const m = new Machine();
    m.schedule('channel', 7, 1);
    m.schedule('channel', 8, 2);
    m.schedule('device-status', 7, 3);
    m.schedule('channel', 7, 4);
    m.cancel('channel', 7);
    assert.deepEqual(queued(m), ['channel:8@2', 'device-status:7@3']);
    m.cancel('never-scheduled', 7); // an unknown kind cancels nothing
    m.cancel('channel', 8);
    m.cancel('device-status', 7);
    assert.deepEqual(queued(m), []);
  });

  it('schedule, run and cancel are undone and redone to the same queue and time', () => {
    const m = new Machine();
    const seen: number[] = [];
    m.onAction('t', (arg) => {
      seen.push(arg);
      if (arg < 3) m.schedule('t', arg + 10, 2); // an action that schedules the next
    });
    m.schedule('t', 1, 1);
    m.schedule('t', 2, 1);
    m.schedule('t', 3, 4);
    const start = m.journal.position;
    m.runNextAction(); // 1 at time 1 schedules 11 at 3
    const mid = m.journal.position;
    const midQueue = queued(m);
    assert.deepEqual(midQueue, ['t:2@1', 't:11@3', 't:3@4']);
    m.cancel('t', 11);
    while (m.runNextAction());
    // 11 was cancelled; 2 (time 1) scheduled 12 at time 3, before 3 at time 4
    assert.deepEqual(seen, [1, 2, 12, 3]);
    assert.equal(m.state.time, 4);
    m.journal.undoTo(mid);
    assert.deepEqual(queued(m), midQueue);
    assert.equal(m.state.time, 1);
    m.journal.undoTo(start);
    assert.deepEqual(queued(m), ['t:1@1', 't:2@1', 't:3@4']);
    assert.equal(m.state.time, 0);
    m.journal.redoTo(m.journal.length);
    assert.deepEqual(queued(m), []);
    assert.equal(m.state.time, 4);
  });

  it('a queue longer than its arrays grows, and one that reached their end moves back to the front, both undoable', () => {
    const m = new Machine();
    m.onAction('t', () => undefined);
    // 40 actions: past the initial 16 elements twice
    for (let i = 0; i < 40; i++) m.schedule('t', i, 1 + i);
    assert.equal(m.queue.length, 40);
    assert.deepEqual(m.queue.map((a) => a.arg), Array.from({ length: 40 }, (_, i) => i));
    // run 30, then schedule 40 more: the 10 left move to the front of the arrays
    for (let i = 0; i < 30; i++) m.runNextAction();
    const before = m.journal.position;
    for (let i = 40; i < 80; i++) m.schedule('t', i, 100 + i);
    assert.deepEqual(m.queue.map((a) => a.arg), Array.from({ length: 50 }, (_, i) => 30 + i));
    m.journal.undoTo(before);
    assert.deepEqual(m.queue.map((a) => a.arg), Array.from({ length: 10 }, (_, i) => 30 + i));
    m.journal.redoTo(m.journal.length);
    assert.deepEqual(m.queue.map((a) => `${a.arg}@${a.time}`), Array.from({ length: 50 }, (_, i) => `${30 + i}@${i < 10 ? 31 + i : 130 + 30 + i}`));
  });

  it('an action whose kind has no handler is an engine error naming the kind', () => {
    const m = new Machine();
    m.schedule('nobody', 0, 1);
    assert.throws(() => m.runNextAction(), /no handler for queued action 'nobody'/);
  });
});

describe('engine: closure-free frames and unheard events (issue 12)', () => {
  it('enter/leave record the same frames as within, and leave restores the stack after a throw', () => {
    const m = new Machine();
    const outer = m.enter('outer', 3);
    m.enter('inner');
    m.emit({ kind: 'warn', message: 'x', ref: 'r' }, 'instruction');
    m.leave(outer);
    m.within('outer', () => m.within('inner', () => m.emit({ kind: 'warn', message: 'y', ref: 'r' }, 'instruction')), 3);
    assert.deepEqual(m.history[0].frames, [{ name: 'inner' }, { name: 'outer', line: 3 }]);
    assert.deepEqual(m.history[1].frames, m.history[0].frames);
    const mark = m.enter('failing');
    try {
      m.enter('deeper');
      throw new Error('boom');
    } catch {
      // the caller's finally gives the mark back
    } finally {
      m.leave(mark);
    }
    m.emit({ kind: 'warn', message: 'z', ref: 'r' }, 'instruction');
    assert.deepEqual(m.history[2].frames, []);
  });

  it('listens: always with history; lean only for kinds a listener reads; unheard events keep the numbering', () => {
    const m = new Machine();
    assert.equal(m.listens('ccw.fetch'), true); // journaled: the history records every event
    m.setLean();
    assert.equal(m.listens('ccw.fetch'), false);
    const seqs: number[] = [];
    const l = (r: { seq: number }) => seqs.push(r.seq);
    m.onEvent(l, ['ccw.chain']);
    assert.equal(m.listens('ccw.fetch'), false);
    assert.equal(m.listens('ccw.chain'), true);
    m.unheard(); // seq 0: a ccw.fetch nobody hears
    m.emit({ kind: 'ccw.chain', sch: 7, next: 0x1008, how: 'command' }, 'ccw'); // seq 1
    assert.deepEqual(seqs, [1]);
    m.offEvent(l);
    assert.equal(m.listens('ccw.chain'), false);
    m.onEvent(() => undefined); // a listener of every kind
    assert.equal(m.listens('ccw.fetch'), true);
  });

  it('hears(slot) answers what listens(kind) answers, through every listener change', () => {
    const kinds = ['ccw.fetch', 'ccw.chain', 'sch.status', 'warn'] as const;
    const slots = kinds.map((k) => hearSlot(k));
    assert.equal(new Set(slots).size, kinds.length); // one slot per kind
    assert.equal(hearSlot('ccw.chain'), slots[1]); // the same slot every time
    const m = new Machine();
    const same = (why: string) => kinds.forEach((k, i) => assert.equal(m.hears(slots[i]), m.listens(k), `${why}: ${k}`));
    same('journaled');
    assert.equal(m.hears(slots[0]), true);
    m.setLean();
    same('lean, no listener');
    assert.equal(m.hears(slots[0]), false);
    const a = () => undefined;
    const b = () => undefined;
    m.onEvent(a, ['ccw.chain', 'warn']);
    same('lean, a');
    assert.deepEqual(kinds.map((_, i) => m.hears(slots[i])), [false, true, false, true]);
    m.onEvent(b, ['sch.status']);
    same('lean, a and b');
    m.offEvent(a);
    same('lean, b');
    assert.deepEqual(kinds.map((_, i) => m.hears(slots[i])), [false, false, true, false]);
    m.onEvent(a); // every kind
    same('lean, all');
    assert.deepEqual(kinds.map((_, i) => m.hears(slots[i])), [true, true, true, true]);
  });
});

describe('engine: journal notes of numbers the caller stores (issue 12)', () => {
  it('noteNum / noteElem record what set / setElem would, undo and redo it, and refuse to record in the past', () => {
    const j = new Journal();
    const o = { n: 5, words: new Uint32Array(4) };
    j.noteNum(o, 'n', o.n, 7);
    o.n = 7;
    j.noteElem(o, 'words', 2, o.words[2], 0xfffffffe);
    o.words[2] = 0xfffffffe;
    j.noteNum(o, 'n', o.n, 7); // unchanged: no entry
    assert.equal(j.length, 2);
    j.undoTo(0);
    assert.equal(o.n, 5);
    assert.equal(o.words[2], 0);
    assert.throws(() => j.noteNum(o, 'n', o.n, 9), /truncateFuture/);
    j.redoTo(2);
    assert.equal(o.n, 7);
    assert.equal(o.words[2], 0xfffffffe);
    assert.equal(j.lastWriteBefore(o, 'n', undefined, 2), 0);
    assert.equal(j.lastWriteBefore(o, 'words', 2, 2), 1);
  });
});
