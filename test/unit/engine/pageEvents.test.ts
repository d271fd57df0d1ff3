/**
 * Page events written as codec words (issue 12): a GUP page loop hands page.grab and
 * page.release to the machine as the words eventCodec.ts stores (`pageGrabWords`,
 * `pageReleaseWords`, `Machine.emitWords`), with no event object unless a listener reads the
 * kind. These words must be exactly those `encodeEvent` writes for the object the loop used to
 * emit, a record made from them must read back as that object, a listener must get it, and a
 * lean run with nobody reading the kind must build nothing (`Machine.listens`) yet use up the event's sequence number (`unheard`).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Machine } from '../../../model/engine/machine';
import type { HistoryRecord, ModelEvent } from '../../../model/engine/events';
import { encodeEvent, KIND_WORDS, PAGE_GRAB_ID, PAGE_FAULT_ID, PAGE_RELEASE_ID, pageFaultWords, pageGrabWords, pageReleaseWords, StringTable } from '../../../model/engine/eventCodec';
import { parseScenario } from '../../../model/scenario/parser';
import { Runner } from '../../../model/scenario/runner';

const ROOT = path.resolve(__dirname, '../../../..');

/** A page.grab as mm/gup.ts builds it (gup §3.1: counts before and after, refs, the rule applied). */
const GRAB = {
  kind: 'page.grab', pid: 1000, vaddr: 0x7fff_ffff_f000n, pfn: 4242, foll: 'FOLL_PIN', refcount: 1025, pincount: 0,
  before: { refcount: 1, pincount: 0 }, refs: 1, path: 'slow', flags: 'FOLL_WRITE|FOLL_LONGTERM|FOLL_PIN',
  rule: 'FOLL_PIN on a small page: refcount +1 × GUP_PIN_COUNTING_BIAS (1024) (gup §3.1)',
} as const satisfies ModelEvent;
/** A page.release as mm/release.ts builds it (gup §3.5, §6). */
const RELEASE = { kind: 'page.release', pfn: 4242, how: 'unpin_user_pages', refcount: 1, pincount: 0, dirty: true } as const satisfies ModelEvent;

function grabWords(strings: StringTable, e: typeof GRAB | (Omit<typeof GRAB, 'vaddr'> & { vaddr: bigint })): Int32Array {
  const w = new Int32Array(16);
  pageGrabWords(w, strings, e.pid, e.vaddr, e.pfn, e.foll, e.refcount, e.pincount, e.before.refcount, e.before.pincount, e.refs, e.path, e.flags, e.rule);
  return w;
}

describe('engine: page events as codec words (issue 12)', () => {
  it('pageGrabWords / pageReleaseWords write the words encodeEvent writes for the same event', () => {
    const strings = new StringTable();
    for (const vaddr of [0n, 0x1000n, 0x7fff_ffff_f000n, 0xffff_ffff_ff60_0000n]) {
      const e = { ...GRAB, vaddr };
      const want = new Int32Array(16);
      assert.ok(encodeEvent(e, PAGE_GRAB_ID, want, 0, strings));
      assert.deepEqual([...grabWords(strings, e).subarray(0, KIND_WORDS[PAGE_GRAB_ID])], [...want.subarray(0, KIND_WORDS[PAGE_GRAB_ID])], `vaddr 0x${vaddr.toString(16)}`);
    }
    const want = new Int32Array(8);
    assert.ok(encodeEvent(RELEASE, PAGE_RELEASE_ID, want, 0, strings));
    const got = new Int32Array(8);
    pageReleaseWords(got, strings, RELEASE.pfn, RELEASE.how, RELEASE.refcount, RELEASE.pincount, RELEASE.dirty);
    assert.deepEqual([...got.subarray(0, KIND_WORDS[PAGE_RELEASE_ID])], [...want.subarray(0, KIND_WORDS[PAGE_RELEASE_ID])]);
  });

  it('pageFaultWords writes the words encodeEvent writes for page.fault, the address exact below and above 2^53', () => {
    const strings = new StringTable();
    assert.equal(KIND_WORDS[PAGE_FAULT_ID], 5); // pid, vaddr (2 words), pfn, zero
    for (const vaddr of [0n, 0x1000n, 0x1_0000_0000n, 0x7fff_ffff_f000n, 0xffff_ffff_ff60_0000n]) {
      for (const zero of [false, true]) {
        const e = { kind: 'page.fault' as const, pid: 1000, vaddr, pfn: 0x12345, zero };
        const want = new Int32Array(8);
        assert.ok(encodeEvent(e, PAGE_FAULT_ID, want, 0, strings));
        const got = new Int32Array(8);
        pageFaultWords(got, e.pid, vaddr, e.pfn, zero);
        assert.deepEqual([...got], [...want], `vaddr 0x${vaddr.toString(16)} zero ${zero}`);
        if (vaddr < 0x20_0000_0000_0000n) {
          pageFaultWords(got, e.pid, Number(vaddr), e.pfn, zero);
          assert.deepEqual([...got], [...want], `vaddr 0x${vaddr.toString(16)} as a number`);
        }
      }
    }
  });

  it('emitWords makes the record emit makes: the history reads back the event, a listener gets it, frames and positions as emit', () => {
    const a = new Machine();
    const b = new Machine();
    const got: HistoryRecord[] = [];
    b.onEvent((r) => got.push(r), ['page.grab', 'page.release']);
    a.within('try_grab_folio', () => a.emit(GRAB, 'instruction'));
    a.within('gup_put_folio', () => a.emit(RELEASE, 'instruction'));
    const w = new Int32Array(16);
    b.within('try_grab_folio', () => {
      pageGrabWords(w, b.records.strings, GRAB.pid, GRAB.vaddr, GRAB.pfn, GRAB.foll, GRAB.refcount, GRAB.pincount, 1, 0, 1, GRAB.path, GRAB.flags, GRAB.rule);
      b.emitWords(PAGE_GRAB_ID, 'page.grab', w, 'instruction');
    });
    b.within('gup_put_folio', () => {
      pageReleaseWords(w, b.records.strings, RELEASE.pfn, RELEASE.how, RELEASE.refcount, RELEASE.pincount, RELEASE.dirty);
      b.emitWords(PAGE_RELEASE_ID, 'page.release', w, 'instruction');
    });
    assert.equal(b.history.length, 2);
    for (let i = 0; i < 2; i++) {
      const x = a.history[i];
      const y = b.history[i];
      assert.deepEqual(y.event, x.event);
      assert.deepEqual(Object.keys(y.event), Object.keys(x.event), 'key order');
      assert.deepEqual(y.frames, x.frames);
      assert.equal(y.seq, x.seq);
      assert.equal(y.journalPos, x.journalPos);
      assert.deepEqual(got[i].event, x.event);
      assert.deepEqual(got[i].frames, x.frames);
    }
    assert.deepEqual(got.map((r) => r.event.kind), ['page.grab', 'page.release']);
  });

  it('listens(kind): always in a journaled run; in a lean run only when a listener reads the kind', () => {
    const m = new Machine();
    assert.equal(m.listens('page.grab'), true);
    m.setLean();
    assert.equal(m.listens('page.grab'), false);
    const l = (): void => undefined;
    m.onEvent(l, ['warn']);
    assert.equal(m.listens('page.grab'), false);
    assert.equal(m.listens('warn'), true);
    m.onEvent(l);
    assert.equal(m.listens('page.grab'), true);
    m.offEvent(l);
    m.offEvent(l);
    assert.equal(m.listens('page.grab'), false);
  });

  it('a journaled GUP example with no page listener keeps the events a listener of every kind sees', () => {
    const file = path.join(ROOT, 'examples/gup-pinning.vlab');
    const text = fs.readFileSync(file, 'utf8');
    const run = (listen: boolean): { history: ModelEvent[]; heard: ModelEvent[] } => {
      const r = new Runner(parseScenario(text, file).scenario);
      const heard: ModelEvent[] = [];
      if (listen) r.m.onEvent((x) => heard.push(x.event));
      r.runToEnd(1_000_000);
      return { history: r.m.history.map((x) => x.event), heard };
    };
    const quiet = run(false);
    const loud = run(true);
    const kinds = new Set(quiet.history.map((e) => e.kind));
    assert.ok(kinds.has('page.grab') && kinds.has('page.release'), 'the example grabs and releases pages (gup §3.1, §3.5)');
    assert.deepEqual(quiet.history, loud.heard);
    assert.deepEqual(loud.history, loud.heard);
  });

  it('a lean run that reads no page events numbers the events it hears as a journaled run does', () => {
    const file = path.join(ROOT, 'examples/gup-pinning.vlab');
    const text = fs.readFileSync(file, 'utf8');
    const seqs = (lean: boolean): Array<[number, number]> => {
      const r = new Runner(parseScenario(text, file).scenario);
      if (lean) r.m.setLean();
      const got: Array<[number, number]> = [];
      r.m.onEvent((x) => got.push([x.seq, x.event.kind === 'stmt' ? x.event.line : -1]), ['stmt']);
      r.runToEnd(1_000_000);
      return got;
    };
    const journaled = seqs(false);
    // page.grab / page.release (gup §3.1, §3.5) between the statements take their numbers in both runs
    assert.ok(journaled.some(([s], i) => i > 0 && s - journaled[i - 1][0] > 2), 'page events lie between statements');
    assert.deepEqual(seqs(true), journaled);
  });
});
