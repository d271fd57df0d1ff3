/** The navigator: stepping over history, time travel and bounded history (PRODUCT §3, §6). */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseScenario } from '../../../model/scenario/parser';
import { Runner } from '../../../model/scenario/runner';
import { Navigator } from '../../../debug-adapter/navigator';

const ROOT = path.resolve(__dirname, '../../../..');
const runner = (file: string) => new Runner(parseScenario(fs.readFileSync(path.join(ROOT, file), 'utf8'), file).scenario);

describe('debug-adapter: navigator', () => {
  it('reverse-continue to the start and replay reproduce every SCHIB word and page count', () => {
    const r = runner('examples/hello.vlab');
    const nav = new Navigator(r);
    const snapshots: string[] = [];
    const snap = () => JSON.stringify([Array.from(r.css.schibWords(7)), Array.from(r.mm.pages.refcount.slice(0, 8)), r.mm.vmstat, r.state.pc]);
    for (;;) {
      const x = nav.forward(() => true, 1);
      if (x === 'end') break;
      if (x !== 'budget') snapshots.push(snap()); // a step that emitted nothing moves no cursor
    }
    const last = nav.cursor;
    nav.backward(() => false);
    assert.equal(nav.cursor, 0);
    assert.equal(snap(), snapshots[0]);
    for (let i = 1; i <= last; i++) {
      assert.notEqual(nav.forward(() => true, 1), 'budget'); // replay never runs the runner
      assert.equal(snap(), snapshots[i], `record ${i}`);
    }
  });

  it('bounds the history in bytes: trimmed oldest first, seqs keep increasing, what remains is exact (issue 13)', function () {
    this.timeout(30_000); // 30,000 steps
    const r = runner('test/fixtures/tic-loop.vlab');
    const cap = 1024 * 1024;
    const nav = new Navigator(r, cap);
    let peak = 0;
    let lastSeq = -1;
    for (let i = 0; i < 30_000; i++) {
      const x = nav.forward(() => true, 1);
      if (x === 'end') assert.fail('a TIC loop never ends (css §3.4)');
      if (x !== 'budget') {
        assert.ok(x.seq > lastSeq, `seq ${x.seq} after ${lastSeq}`);
        lastSeq = x.seq;
      }
      peak = Math.max(peak, r.m.historyBytes);
    }
    assert.ok(peak <= cap, `estimate ${peak} > cap ${cap}`);
    assert.ok(nav.dropped > 0);
    // seq = index + records dropped: unique and increasing across trims
    r.m.history.forEach((rec, i) => assert.equal(rec.seq, nav.dropped + i));
    const here = JSON.stringify(Array.from(r.css.schibWords(7)));
    const cur = nav.cursor;
    assert.equal(nav.backward(() => false), 'start');
    assert.equal(nav.cursor, 0);
    nav.forward((_rec, i) => i === cur, 100_000);
    assert.equal(JSON.stringify(Array.from(r.css.schibWords(7))), here);
  });

  it('an edit at the entry stop is undone by one step back; a refused edit adds no stop (issue 13 undo hole)', () => {
    const text = ['chpid 40', 'device 0.0.1234 schid 0.0.0007 type echo chpids 40 enabled', 'expect sch(0.0.0007).pmcw.lpm == 0x80'].join('\n');
    const r = new Runner(parseScenario(text, 'edit.vlab').scenario);
    const nav = new Navigator(r);
    const first = nav.forward(() => true, 10);
    assert.ok(first !== 'end' && first !== 'budget' && first.event.kind === 'stmt');
    assert.throws(() => nav.editHere(() => { throw new Error('refused'); }), /refused/);
    assert.equal(r.m.history.length, 1);
    // define the subchannel from the console at the entry stop (state before line 1 ran)
    nav.editHere(() => r.execNow(parseScenario('chpid 41', 'repl').scenario.statements[0]));
    assert.equal(nav.cursor, 1);
    assert.deepEqual(r.m.history.map((x) => x.seq), [0, 1]);
    assert.equal(r.css.core.chpids.has(0x41), true);
    assert.equal(nav.backward(() => true), r.m.history[0]);
    assert.equal(r.css.core.chpids.has(0x41), false); // stepping back undid the edit
    nav.forward(() => false, 1000);
    assert.deepEqual(r.expects.map((e) => e.ok), [true]); // css §1.1: LPM = PIM = 0x80 from the one CHPID
  });

  it('trims history while walking already-recorded records after a stop (journal behind the cursor)', () => {
    // one statement records many events at once (a big pin), the stop is before it, then `next`
    const text = ['process p pid 1', 'vma p 0x10000000 size 4M anon rw', 'pin_user_pages p 0x10000000 1024 FOLL_WRITE -> b', 'unpin_user_pages b', 'expect vmstat.nr_foll_pin_released == 1024'].join('\n');
    const r = new Runner(parseScenario(text, 'trim.vlab').scenario);
    // 32 KiB: a journaled page costs ≈ 42 bytes (three 13-byte records, journal and event words in runs, issue 12)
    const nav = new Navigator(r, 32 * 1024);
    const isStmt = (rec: { event: { kind: string } }) => rec.event.kind === 'stmt';
    const stops: number[] = [];
    for (;;) {
      const x = nav.forward(isStmt, 1_000_000);
      if (x === 'end') break;
      if (x !== 'budget') stops.push(x.event.kind === 'stmt' ? x.event.line : -1);
    }
    assert.deepEqual(stops, [1, 2, 3, 4, 5]);
    assert.ok(nav.dropped > 0);
    assert.deepEqual(r.expects.map((e) => e.ok), [true]);
    assert.equal(r.mm.vmstat.nr_foll_pin_acquired, 1024); // gup §4: one per pinned page
  });

  it('walking the records of one large statement does not trim per step (the scale stall, issue 13)', () => {
    // One pin of 4096 pages records thousands of events in one runner step. A trim limited to the
    // records before the cursor freed a few per step at O(history) each: quadratic, and the scale
    // scenario (10^6 pages) never finished. Trims now happen only at the live end, each freeing a
    // quarter of the bound, so their number is bounded by the bytes recorded, not the steps.
    const text = ['process p pid 1', 'vma p 0x10000000 size 16M anon rw', 'pin_user_pages p 0x10000000 4096 FOLL_WRITE -> b', 'unpin_user_pages b', 'expect vmstat.nr_foll_pin_released == 4096'].join('\n');
    const r = new Runner(parseScenario(text, 'trim.vlab').scenario);
    const cap = 64 * 1024; // the 4096 pages record ≈ 166 KiB (issue 12 runs)
    const nav = new Navigator(r, cap);
    let trims = 0;
    let records = 0;
    const drop = r.m.dropOldestHistory.bind(r.m);
    r.m.dropOldestHistory = (n: number) => {
      trims++;
      return drop(n);
    };
    for (;;) {
      const x = nav.forward(() => true, 1);
      if (x === 'end') break;
      if (x !== 'budget') records++;
      assert.ok(nav.cursor >= 0 && nav.cursor < r.m.history.length);
    }
    assert.ok(records > 8192, `records ${records}`); // gup §4: one page grab per page, each way
    assert.ok(trims >= 1 && trims <= 4, `trims ${trims}`); // one per large statement at the live end
    assert.deepEqual(r.expects.map((e) => e.ok), [true]);
    assert.ok(r.m.historyBytes <= cap, `historyBytes ${r.m.historyBytes}`);
  });
});

describe('debug-adapter: navigator, statements recorded before they run (Runner.announce)', () => {
  const PIN = [
    'kernel 6.18',
    'process p pid 1000',
    'vma p 0x100000000 size 64M anon rw',
    'pin_user_pages p 0x100000000 4096 FOLL_WRITE -> a',
    'expect ret == 4096',
    'unpin_user_pages a',
    'expect vmstat.nr_foll_pin_released == 4096', // gup §4: one per page unpinned
  ].join('\n');
  const make = () => new Runner(parseScenario(PIN, 'pin.vlab').scenario);
  const statementAt = (nav: Navigator) => nav.forward((rec) => rec.granularity === 'statement', 1_000_000);
  /** A runner on PIN and its navigator, stopped at the statement whose text starts with `text`. */
  const stoppedAt = (text: string): { r: Runner; nav: Navigator } => {
    const r = make();
    const nav = new Navigator(r);
    let stop = statementAt(nav);
    while (stop !== 'end' && stop !== 'budget' && !(stop.event.kind === 'stmt' && stop.event.text.startsWith(text))) stop = statementAt(nav);
    assert.ok(stop !== 'end' && stop !== 'budget');
    return { r, nav };
  };
  const stmtTexts = (r: Runner) => r.m.history.filter((rec) => rec.event.kind === 'stmt').map((rec) => (rec.event.kind === 'stmt' ? rec.event.text : ''));

  it('a stop at a statement has not run it: the journal is at its end, nothing is undone; the next step runs it once', () => {
    const { r, nav } = stoppedAt('pin_user_pages');
    const j = r.m.journal;
    // the stop is the last record and the journal's end: the pin has not run (gup §4: no pin counted)
    assert.equal(nav.cursor, r.m.history.length - 1);
    assert.equal(j.position, j.length);
    assert.equal(r.mm.vmstat.nr_foll_pin_acquired, 0);
    const entries = j.length;
    // the next statement stop: the pin ran once (gup §4: one nr_foll_pin_acquired per page)
    const next = statementAt(nav);
    assert.ok(next !== 'end' && next !== 'budget' && next.event.kind === 'stmt' && next.event.text === 'expect ret == 4096');
    assert.equal(r.mm.vmstat.nr_foll_pin_acquired, 4096);
    assert.equal(j.position, j.length);
    assert.ok(j.length > entries);
    // each statement recorded once, in order
    assert.deepEqual(stmtTexts(r), ['process p pid 1000', 'vma p 0x100000000 size 64M anon rw', 'pin_user_pages p 0x100000000 4096 FOLL_WRITE -> a', 'expect ret == 4096']);
    // back to the pin's stop and forward again: the same states (time travel), no statement recorded twice
    const back = nav.backward((rec) => rec.granularity === 'statement');
    assert.ok(back !== 'start' && back.event.kind === 'stmt' && back.event.text.startsWith('pin_user_pages'));
    assert.equal(r.mm.vmstat.nr_foll_pin_acquired, 0);
    statementAt(nav);
    assert.equal(r.mm.vmstat.nr_foll_pin_acquired, 4096);
    while (statementAt(nav) !== 'end');
    assert.deepEqual(stmtTexts(r), [
      'process p pid 1000', 'vma p 0x100000000 size 64M anon rw', 'pin_user_pages p 0x100000000 4096 FOLL_WRITE -> a',
      'expect ret == 4096', 'unpin_user_pages a', 'expect vmstat.nr_foll_pin_released == 4096',
    ]);
    assert.deepEqual(r.expects.map((e) => e.ok), [true, true]);
    // gup §4: every pin released
    assert.equal(r.mm.vmstat.nr_foll_pin_released, 4096);
  });

  it('an edit at an announced stop records the statement again, with the edited state, and runs it from there', () => {
    const { r, nav } = stoppedAt('expect ret == 4096');
    const before = r.m.history.length;
    // an edit that changes nothing still forks the timeline: the statement's record comes again
    nav.editHere(() => undefined);
    assert.equal(r.m.history.length, before + 1);
    const cur = nav.current!;
    assert.ok(cur.event.kind === 'stmt' && cur.event.text === 'expect ret == 4096');
    while (statementAt(nav) !== 'end');
    assert.deepEqual(r.expects.map((e) => e.ok), [true, true]);
    assert.equal(stmtTexts(r).filter((t) => t === 'expect ret == 4096').length, 2);
    assert.equal(stmtTexts(r).filter((t) => t.startsWith('pin_user_pages')).length, 1);
  });

  it('a lazy walk in slices leaves the journal ahead between slices; settleIfLazy and the stop bring it to the cursor (issue 12)', () => {
    const { r, nav } = stoppedAt('pin_user_pages');
    const j = r.m.journal;
    const journalAt = (i: number) => r.m.records.journalPos(i);
    // slices of 1,000 records through the pin's 8,192+ records (gup §4: a grab per page), lazily
    const toExpect = (rec: { event: { kind: string; text?: string } }) => rec.event.kind === 'stmt' && rec.event.text === 'expect ret == 4096';
    let slices = 0;
    let settledAt = -1;
    let x = nav.forward(toExpect, 1000, true);
    while (x === 'budget') {
      slices++;
      // between slices the journal is where the last settle or the runner left it (the pin's
      // end), not at the cursor: a lazy walk over recorded records does not move it
      assert.equal(j.position, settledAt < 0 ? j.length : settledAt);
      assert.ok(journalAt(nav.cursor) !== j.position);
      if (slices === 3) {
        // what a request in the middle of the run does (session.ts dispatchRequest): settle first
        nav.settleIfLazy();
        assert.equal(j.position, journalAt(nav.cursor));
        // the state there is the pin part-way: the pins counted so far, fewer than 4,096 (gup §4)
        const part = r.mm.vmstat.nr_foll_pin_acquired;
        assert.ok(part > 0 && part < 4096, `nr_foll_pin_acquired ${part}`);
        nav.settleIfLazy(); // settled: nothing to do
        assert.equal(j.position, journalAt(nav.cursor));
        settledAt = j.position;
      }
      x = nav.forward(toExpect, 1000, true);
    }
    assert.ok(slices >= 8, `slices ${slices}`);
    // the stop itself is settled (forward settles on a found record)
    assert.ok(x !== 'end' && toExpect(x));
    assert.equal(j.position, journalAt(nav.cursor));
    assert.equal(r.mm.vmstat.nr_foll_pin_acquired, 4096);
    // not lazy: each 'budget' return is settled
    const b = stoppedAt('pin_user_pages');
    assert.equal(b.nav.forward(toExpect, 1000), 'budget');
    assert.equal(b.r.m.journal.position, b.r.m.records.journalPos(b.nav.cursor));
  });
});
