/**
 * The compact history (issue 12: records as typed arrays, events as words, materialised on
 * demand): every record reads back as the record emitted — seq, journal position, time, thread,
 * granularity, frames and the event field for field in the same key order — whether its event
 * was encoded or kept as the object; trimming and truncation keep seqs increasing and positions
 * right; listeners get records only for the kinds they read; and the estimate is what the
 * arrays hold.
 */
import * as assert from 'node:assert/strict';
import { Machine } from '../../../model/engine/machine';
import type { HistoryRecord, ModelEvent } from '../../../model/engine/events';
import { HISTORY_RECORD_BYTES, HISTORY_RUN_BYTES } from '../../../model/engine/memoryEstimate';
import { HISTORY_EPOCH } from '../../../model/engine/history';
import { CCW_FETCH_ID, ccwFetchWords, KIND_WORDS } from '../../../model/engine/eventCodec';

/** One event of each encoded kind (eventCodec.ts), with the key order their emitters use, and some kept as objects. */
const EVENTS: ModelEvent[] = [
  { kind: 'stmt', line: 3, text: 'ssch 0.0.0007 cpa=chain' },
  { kind: 'instr', name: 'SSCH', sch: 7, cc: 0, detail: 'orb@0x200' },
  { kind: 'sch.start', sch: 7, lpum: 0x80 },
  { kind: 'ccw.fetch', sch: 7, addr: 0x7fff_fff8, cmd: 3, flags: 0x40, count: 8, cda: 0x8000_0100, ccwLine: 12 },
  { kind: 'ccw.fetch', sch: 7, addr: 0x1008, cmd: 3, flags: 0, count: 8, cda: 0x100, ccwLine: undefined },
  { kind: 'ccw.chain', sch: 7, next: 0x1008, how: 'command' },
  { kind: 'sch.status', sch: 7, stctl: 0x07, dstat: 0x0c, cstat: 0, cpa: 0x1010, count: 0, cc: 0 },
  { kind: 'irq.queued', sch: 7, isc: 3 },
  { kind: 'irq.presented', sch: 7, isc: 3, intparm: 0xffff_ffff },
  { kind: 'page.fault', pid: 1000, vaddr: 0x1_0000_0000n, pfn: 42, zero: false },
  { kind: 'page.fault', pid: 1000, vaddr: 0xffff_ffff_ffff_f000n, pfn: 43, zero: true },
  {
    kind: 'page.grab', pid: 1000, vaddr: 0x1_0000_1000n, pfn: 44, foll: 'FOLL_PIN', refcount: 1025, pincount: 1,
    before: { refcount: 1, pincount: 0 }, refs: 1, path: 'slow', flags: 'FOLL_WRITE|FOLL_LONGTERM', rule: 'gup §3.1 E4',
  },
  { kind: 'page.release', pfn: 44, how: 'unpin_user_page', refcount: 1, pincount: 0, dirty: true },
  // kept as objects: kinds not encoded, a value out of a row's range, another key order, an extra key
  { kind: 'warn', message: 'x', ref: 'gup §9', note: true },
  { kind: 'ccw.data', sch: 7, addr: 0x100, count: 2, write: false, bytes: [1, 2] },
  { kind: 'sch.start', sch: 7, lpum: 0.5 },
  { kind: 'ccw.chain', sch: 7, how: 'tic', next: 0x2000 } as ModelEvent,
  { kind: 'irq.queued', sch: 7, isc: 3, extra: 1 } as unknown as ModelEvent,
];

/** Emit every event, each at its own time, thread and stack; returns what each record must read back as. */
function emitAll(m: Machine): Array<Omit<HistoryRecord, 'journalPos'>> {
  const state = { n: 0 };
  const out: Array<Omit<HistoryRecord, 'journalPos'>> = [];
  EVENTS.forEach((e, i) => {
    m.journal.set(state, 'n', i + 1); // one journal entry per record
    m.state.time = 10 * Math.floor(i / 3);
    m.onThread(1 + (i % 2), () => m.within('outer', () => m.within(`f${i % 4}`, () => m.emit(e, i % 3 === 0 ? 'statement' : i % 3 === 1 ? 'ccw' : 'instruction'), i)));
    out.push({ seq: i, time: 10 * Math.floor(i / 3), thread: 1 + (i % 2), granularity: i % 3 === 0 ? 'statement' : i % 3 === 1 ? 'ccw' : 'instruction', frames: [{ name: `f${i % 4}`, line: i }, { name: 'outer' }], event: e });
  });
  return out;
}

describe('engine: compact history (issue 12)', () => {
  it('every record reads back as emitted: event fields in their key order, frames, time, thread, granularity', () => {
    const m = new Machine();
    const expected = emitAll(m);
    assert.equal(m.history.length, EVENTS.length);
    expected.forEach((x, i) => {
      const r = m.history[i];
      assert.deepEqual({ ...r, journalPos: undefined }, { ...x, journalPos: undefined }, `record ${i}`);
      assert.equal(r.journalPos, i + 1);
      assert.deepEqual(Object.keys(r.event), Object.keys(x.event), `record ${i} key order`);
      assert.equal(m.records.kind(i), x.event.kind);
    });
  });

  it('the array view answers the Array methods and for…of like the array it replaces', () => {
    const m = new Machine();
    emitAll(m);
    const h = m.history;
    assert.deepEqual(h.filter((r) => r.event.kind === 'ccw.fetch').map((r) => r.seq), [3, 4]);
    assert.equal(h.findIndex((r) => r.event.kind === 'page.grab'), 11);
    assert.equal(h.find((r) => r.event.kind === 'warn')?.seq, 13);
    assert.equal(h.some((r) => r.event.kind === 'end'), false);
    assert.deepEqual(h.slice(1, 3).map((r) => r.event.kind), ['instr', 'sch.start']);
    assert.deepEqual([...h].map((r) => r.seq), EVENTS.map((_e, i) => i));
    assert.equal(h[EVENTS.length], undefined);
    assert.equal(h[0], h[0], 'a record read twice is the same object while cached');
  });

  it('dropping the oldest keeps seqs increasing and positions relative to the kept journal', () => {
    const m = new Machine();
    emitAll(m);
    assert.equal(m.dropOldestHistory(5), 5);
    assert.equal(m.history.length, EVENTS.length - 5);
    assert.equal(m.history[0].seq, 5);
    // record 5 was at position 6: the 6 entries up to it are dropped, its state is the new start
    assert.equal(m.history[0].journalPos, 0);
    assert.equal(m.history[1].journalPos, 1);
    assert.equal(m.journal.position, EVENTS.length - 6);
    assert.equal(m.history[0].event.kind, EVENTS[5].kind);
    assert.deepEqual(m.history[8].event, EVENTS[13]);
    m.truncateHistory(4);
    assert.equal(m.history.length, 4);
    m.emit({ kind: 'irq.queued', sch: 1, isc: 2 }, 'instruction');
    assert.equal(m.history[4].seq, 9);
    assert.deepEqual(m.history[4].event, { kind: 'irq.queued', sch: 1, isc: 2 });
  });

  it('the view\'s epoch changes when records are dropped or forgotten, not when they are appended', () => {
    const m = new Machine();
    const epoch = () => (m.history as { readonly [HISTORY_EPOCH]?: number })[HISTORY_EPOCH];
    const e0 = epoch();
    emitAll(m);
    assert.equal(epoch(), e0);
    m.truncateHistory(m.history.length);
    assert.equal(epoch(), e0, 'truncating to the length forgets nothing');
    m.truncateHistory(10);
    const e1 = epoch();
    assert.notEqual(e1, e0);
    m.dropOldestHistory(2);
    assert.notEqual(epoch(), e1);
  });

  it('a reusable cursor reads records in place; its event is decoded only when read', () => {
    const m = new Machine();
    emitAll(m);
    const c = m.records.newCursor();
    assert.equal(c.at(3).seq, 3);
    assert.equal(c.granularity, 'statement');
    assert.deepEqual(c.event, EVENTS[3]);
    assert.equal(c.at(11).thread, 2);
    assert.deepEqual(c.event, EVENTS[11]);
  });

  it('listeners get a record only for the kinds they read; the history keeps every record', () => {
    const m = new Machine();
    const all: string[] = [];
    const warns: number[] = [];
    m.onEvent((r) => all.push(r.event.kind));
    m.onEvent((r) => warns.push(r.seq), ['warn']);
    emitAll(m);
    assert.equal(all.length, EVENTS.length);
    assert.deepEqual(warns, [13]);
  });

  it('the estimate counts records, words, kept objects, runs and strings, and drops with the records', () => {
    const m = new Machine();
    emitAll(m);
    const full = m.records.estimatedBytes;
    assert.ok(full >= EVENTS.length * HISTORY_RECORD_BYTES, `${full}`);
    m.dropOldestHistory(EVENTS.length - 1);
    assert.ok(m.records.estimatedBytes < full);
    assert.equal(m.historyBytes, m.records.estimatedBytes + m.journal.estimatedBytes);
  });

  it('a per-page event whose words grow by one step from record to record is a word run: read back exactly, across drops and truncation', () => {
    const m = new Machine();
    // a pin of pages whose vaddr crosses 2^32 (the low word wraps: the run must end, not lie)
    const grab = (k: number): ModelEvent => ({
      kind: 'page.grab', pid: 1000, vaddr: 0xffff_0000n + BigInt(k) * 4096n, pfn: 100 + k, foll: 'FOLL_PIN', refcount: 1025, pincount: 0,
      before: { refcount: 1, pincount: 0 }, refs: 1, path: 'slow', flags: 'FOLL_WRITE|FOLL_LONGTERM', rule: 'FOLL_PIN on a small page',
    });
    const release = (k: number, dirty = false): ModelEvent => ({ kind: 'page.release', pfn: 100 + k, how: 'unpin_user_pages', refcount: 1, pincount: 0, dirty });
    const want: ModelEvent[] = [];
    const emit = (e: ModelEvent) => {
      want.push(e);
      m.emit(e, 'instruction');
    };
    for (let k = 0; k < 40; k++) emit(grab(k));
    emit({ kind: 'irq.queued', sch: 1, isc: 2 });
    for (let k = 0; k < 40; k++) emit(release(k));
    const h = m.records;
    assert.deepEqual(m.history.map((r) => r.event), want);
    // records 0 and 1 keep their words; 2..15 follow them; vaddr 0x1_0000_0000 (k = 16) breaks the step
    assert.deepEqual([0, 1, 2, 15, 16, 17, 18, 39].map((i) => h.inRun(i)), [false, false, true, true, false, false, true, true]);
    assert.equal(h.inRun(40), false);
    assert.equal(h.inRun(43), true);
    // 13-word grabs: 4 plain records + 2 headers of 30 words; releases: 2 plain + 1 header of 14
    assert.equal(h.estimatedBytes - h.strings.bytes, 81 * HISTORY_RECORD_BYTES + 4 * (4 * 13 + 2 * 30 + 2 + 2 * 5 + 14) + HISTORY_RUN_BYTES);
    // dropping into the middle of a run keeps its header: the members left read back the same
    m.dropOldestHistory(5);
    assert.deepEqual(m.history.map((r) => r.event), want.slice(5));
    m.dropOldestHistory(15);
    assert.deepEqual(m.history.map((r) => r.event), want.slice(20));
    // truncating inside the release run, then emitting the next page continues it
    m.truncateHistory(30);
    assert.deepEqual(m.history.map((r) => r.event), want.slice(20, 50));
    m.emit(release(9), 'instruction');
    m.emit(release(11, true), 'instruction');
    assert.equal(h.inRun(30), true);
    assert.equal(h.inRun(31), false);
    assert.deepEqual(m.history.map((r) => r.event), [...want.slice(20, 50), release(9), release(11, true)]);
  });

  it('kinds interleaved at a fixed distance (a fault, then a grab, page after page) each make their own run', () => {
    const m = new Machine();
    const want: ModelEvent[] = [];
    for (let k = 0; k < 12; k++) {
      const fault: ModelEvent = { kind: 'page.fault', pid: 7, vaddr: 0x10000000n + BigInt(k) * 4096n, pfn: 10 + k, zero: false };
      const release: ModelEvent = { kind: 'page.release', pfn: 10 + k, how: 'put_page', refcount: 1, pincount: 0, dirty: false };
      want.push(fault, release);
      m.emit(fault, 'instruction');
      m.emit(release, 'instruction');
    }
    const h = m.records;
    assert.deepEqual(m.history.map((r) => r.event), want);
    // records 0–3 keep their words, each kind's third record (4, 5) starts its run
    assert.deepEqual(want.map((_, i) => h.inRun(i)), want.map((_, i) => i >= 4));
    m.dropOldestHistory(7);
    m.truncateHistory(9);
    assert.deepEqual(m.history.map((r) => r.event), want.slice(7, 16));
    const next: ModelEvent = { kind: 'page.release', pfn: 18, how: 'put_page', refcount: 1, pincount: 0, dirty: false };
    m.emit({ kind: 'page.fault', pid: 7, vaddr: 0x10008000n, pfn: 18, zero: false }, 'instruction');
    m.emit(next, 'instruction');
    assert.deepEqual([h.inRun(9), h.inRun(10)], [true, true]);
    assert.deepEqual(m.history.map((r) => r.event), [...want.slice(7, 18)]);
  });

  it('emitWords from one reused array: run members and kept words read back as emit makes them, whatever the array holds later', () => {
    // a NOP chain's fetches (css §3.4 command chaining: addr + 8 per CCW), one breaking the step,
    // the words built in the same scratch array each time as css/channel.ts does
    const fetch = (k: number): ModelEvent => ({ kind: 'ccw.fetch', sch: 7, addr: 0x1000 + 8 * k + (k >= 6 ? 8 : 0), cmd: 3, flags: 0x40, count: 0, cda: 0, ccwLine: 4 + k });
    const a = new Machine();
    const b = new Machine();
    const scratch = new Int32Array(KIND_WORDS[CCW_FETCH_ID]);
    const want: ModelEvent[] = [];
    for (let k = 0; k < 10; k++) {
      const e = fetch(k);
      want.push(e);
      a.emit(e, 'ccw');
      assert.equal(ccwFetchWords(scratch, 7, e.kind === 'ccw.fetch' ? e.addr : 0, 3, 0x40, 0, 0, 4 + k), true);
      b.emitWords(CCW_FETCH_ID, 'ccw.fetch', scratch, 'ccw');
    }
    scratch.fill(-1);
    assert.deepEqual(b.history.map((r) => r.event), want);
    // records 0, 1 keep their words, 2–5 are a run; the step breaks at 6 (two plain), 8 and 9 run again
    const runs = want.map((_, i) => b.records.inRun(i));
    assert.deepEqual(runs, [false, false, true, true, true, true, false, false, true, true]);
    assert.deepEqual(want.map((_, i) => a.records.inRun(i)), runs);
    assert.equal(b.records.estimatedBytes, a.records.estimatedBytes);
  });

  it('a channel program advancing time by one per CCW keeps one stepped (time, thread) run; times read back exactly', () => {
    // a fetch and a chain per CCW at the CCW's time (css/channel.ts), as on the channel's thread
    const emitProgram = (m: Machine, times: number[], threads: number[]): void => {
      times.forEach((t, i) => {
        m.state.time = t;
        m.onThread(threads[i], () => m.emit({ kind: 'irq.queued', sch: 1, isc: 3 }, 'ccw'));
      });
    };
    const n = 40;
    const stepped = Array.from({ length: n }, (_, i) => 100 + Math.floor(i / 2));
    const one = new Machine();
    emitProgram(one, stepped.map(() => 100), stepped.map(() => 5));
    const m = new Machine();
    emitProgram(m, stepped, stepped.map(() => 5));
    assert.deepEqual(m.history.map((r) => r.time), stepped);
    // the same bytes as the records all at one time: one run
    assert.equal(m.records.estimatedBytes, one.records.estimatedBytes);
    // a record at the group's time again (a third record in a group) breaks the step: a new run
    m.state.time = 100 + n / 2 - 1;
    m.onThread(5, () => m.emit({ kind: 'irq.queued', sch: 1, isc: 3 }, 'ccw'));
    assert.equal(m.records.estimatedBytes, one.records.estimatedBytes + HISTORY_RECORD_BYTES + HISTORY_RUN_BYTES);
    // dropping into the middle of the stepped run and truncating inside it keep every time
    m.dropOldestHistory(7);
    assert.deepEqual(m.history.map((r) => r.time), [...stepped.slice(7), 100 + n / 2 - 1]);
    m.truncateHistory(20);
    assert.deepEqual(m.history.map((r) => r.time), stepped.slice(7, 27));
    // the run goes on after the truncation: the next CCW's records at the next time
    m.onThread(5, () => {
      m.state.time = 100 + 27 / 2 + 0.5;
      m.emit({ kind: 'irq.queued', sch: 1, isc: 3 }, 'ccw');
    });
    assert.deepEqual(m.history.map((r) => r.time), [...stepped.slice(7, 27), 114]);
  });

  it('stepped runs read back every time through a seeded mix of groups, drops and truncations', () => {
    // groups of 1–3 records a time step apart (CCWs with one, two or three events), sometimes the
    // same time again or a jump; the history must read back each record's time (timeIn)
    let seed = 12345;
    const rnd = (n: number): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
    const m = new Machine();
    let want: number[] = [];
    let t = 0;
    for (let round = 0; round < 60; round++) {
      const per = 1 + rnd(3);
      const groups = rnd(12);
      for (let g = 0; g < groups; g++) {
        t += rnd(8) === 0 ? 5 : rnd(8) === 0 ? 0 : 1;
        for (let k = 0; k < per; k++) {
          m.state.time = t;
          m.emit({ kind: 'irq.queued', sch: 1, isc: 3 }, 'ccw');
          want.push(t);
        }
      }
      if (rnd(5) === 0 && want.length > 4) {
        const keep = want.length - 1 - rnd(want.length >> 1);
        m.truncateHistory(keep);
        want = want.slice(0, keep);
      }
      if (rnd(7) === 0 && want.length > 4) {
        const drop = rnd(want.length >> 1);
        m.dropOldestHistory(drop);
        want = want.slice(drop);
      }
      assert.deepEqual(m.history.map((r) => r.time), want, `round ${round}`);
    }
  });

  it('times and threads that do not continue a step exactly are runs of their own and read back as emitted', () => {
    const m = new Machine();
    // 0.1, 0.3, 0.5: 0.1 + 2 × (0.3 − 0.1) is not 0.5 in floating point; a thread switch; a step of 2 then 3
    const times = [0.1, 0.3, 0.5, 7, 8, 9, 20, 22, 25, 25, 26, 27];
    const threads = [1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2];
    times.forEach((t, i) => {
      m.state.time = t;
      m.onThread(threads[i], () => m.emit({ kind: 'irq.queued', sch: 1, isc: 3 }, 'ccw'));
    });
    assert.deepEqual(m.history.map((r) => [r.time, r.thread]), times.map((t, i) => [t, threads[i]]));
  });
});
