/**
 * Long Debug Console work in slices (issue 13 "long REPL work", debug-adapter/consoleJob.ts):
 * `gup_test` typed in the console runs one slice per turn of the adapter's event loop, so other
 * requests are answered before its evaluate; it reports increasing progress, and `cancel` (by the
 * evaluate's seq or the progressId) undoes it to the state before, leaving the session usable.
 * Orders of messages are asserted, never times.
 */
import * as assert from 'node:assert/strict';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { fixture, launchWithProgress, stateSnapshot, step, useAdapter, waitFor, watch, type ProgressRecord } from './client';

const PINLEAK = fixture('pinleak.vlab');
/** gup_test's default buffer: -m 128 MiB = 32,768 pages of 4 KiB (gup §8.2 "-m N ... default 128"). */
const PAGES = 32768;
/** The selftest's own area (model/linux/mm/gupTest.ts GUP_TEST_MMAP_BASE). */
const AREA = '0x7e0000000000';
/** Its process (gupTest.ts GUP_TEST_PID; `gup_test` is a path head, so the pid names it). */
const PID = 9000;

describe('DAP: long Debug Console work runs in slices, with progress and cancel (issue 13)', function () {
  this.timeout(120000);
  let dc: DebugClient;
  let progress: ProgressRecord[];

  useAdapter((c) => (dc = c), async () => {
    progress = [];
    // stop after the pin (pinleak.vlab line 6 `expect ret == 2`): bufs holds 2 pinned pages
    await launchWithProgress(dc, PINLEAK, 6, progress);
  });

  /** The integer a watch shows ("32770 (0x8002)" → 32770). */
  const int = async (e: string): Promise<number> => parseInt(await value(e), 10);
  const value = (e: string): Promise<string> => watch(dc, e);

  /** Everything a cancelled job must leave as it was: counters, pincounts, the stop and history. */
  const snapshot = (): Promise<string[]> =>
    stateSnapshot(dc, ['vmstat.nr_foll_pin_acquired', 'vmstat.nr_foll_pin_released', 'pins_held', 'ret', 'bufs[0].pincount', 'bufs[0].refcount', `page(${PID}, ${AREA}).refcount`]);

  it('threads and stackTrace are answered before a running `gup_test -u` ends; model reads answer busy; progress increases', async () => {
    const order: string[] = [];
    const job = dc.evaluateRequest({ expression: 'gup_test -u', context: 'repl' }).then((r) => {
      order.push('evaluate');
      return r;
    });
    await waitFor(() => progress.some((p) => p.event === 'progressStart'));
    const threads = dc.threadsRequest().then((r) => (order.push('threads'), r));
    const stack = dc.stackTraceRequest({ threadId: 1 }).then((r) => (order.push('stackTrace'), r));
    // consoleJob.ts: a read of model values mid-statement answers busy, one line; so does a second job
    const busyRead = dc.evaluateRequest({ expression: 'vmstat.nr_foll_pin_acquired', context: 'watch' }).then(() => 'answered', (e: Error) => (order.push('busy'), e.message));
    const second = dc.evaluateRequest({ expression: 'gup_test -a', context: 'repl' }).then(() => 'answered', (e: Error) => e.message);
    const [t, s, r] = await Promise.all([threads, stack, job]);
    assert.deepEqual(order, ['threads', 'stackTrace', 'busy', 'evaluate']);
    assert.deepEqual(t.body.threads.map((x) => x.name), ['guest CPU 0']);
    assert.equal(s.body.stackFrames[0].line, 6);
    assert.match(await busyRead, /^evaluate: busy: the Debug Console is running 'gup_test -u' \(\d+%\); wait for it or cancel it$/);
    assert.match(await second, /^evaluate: busy: the Debug Console is running 'gup_test -u' \(\d+%\); wait for it or cancel it$/);
    // gup §8.2: 5.11+ prefixes the command name; no ", truncated" since all 128 MiB were covered;
    // the times are the model's own (1 us per GUP call and per page, -n 1: 2 per page; put: 1 + pages)
    assert.ok(r.body.result.includes(`\n./gup_test: GUP_FAST_BENCHMARK: Time: get:${2 * PAGES} put:${PAGES + 1} us\n`), r.body.result.slice(-300));
    assert.ok(!r.body.result.includes('truncated'));
    // progress: a cancellable start naming the evaluate, increasing percentages, one end
    const mine = progress.filter((p) => p.body.progressId === progress[0].body.progressId);
    assert.equal(mine[0].event, 'progressStart');
    assert.equal(mine[0].body.cancellable, true);
    assert.equal(mine[mine.length - 1].event, 'progressEnd');
    const pct = mine.filter((p) => p.body.percentage !== undefined).map((p) => p.body.percentage!);
    assert.ok(pct.length >= 3, `progress updates: ${JSON.stringify(mine)}`);
    for (let i = 1; i < pct.length; i++) assert.ok(pct[i] > pct[i - 1] && pct[i] <= 100, `percentages increase: ${pct.join(', ')}`);
    // gup §4: FOLL_GET is not a pin, the vmstat pin counters do not move; gup §8.1: put_page per page (refcount back)
    assert.equal(await value('vmstat.nr_foll_pin_acquired'), '2');
    assert.equal(await value(`page(${PID}, ${AREA}).refcount`), '1');
  });

  it('cancel by the evaluate\'s seq mid-way: "cancelled", the state and history as before, the session usable', async () => {
    // record ahead of the stop first (the scenario's end), so that the history it must restore is longer than the stop
    await step(dc, 'next');
    await step(dc, 'stepBack');
    const before = await snapshot();
    assert.ok(before.includes('history 11') && before.includes('stop seq 8'), before.join('; '));
    // -m 1024 (gup §8.2): 8× the default work, so the job is still running when the cancel comes,
    // however fast the model pins; progress updates are at most one per 250 ms (progress.ts), and the
    // first one means the job is mid-way (no wait on a percentage the job may finish before)
    let settled = false;
    const job = dc.evaluateRequest({ expression: 'gup_test -a -m 1024', context: 'repl' }).then(() => 'completed', (e: Error) => e.message).finally(() => (settled = true));
    await waitFor(() => settled || progress.some((p) => p.event === 'progressUpdate' && (p.body.percentage ?? 0) > 0));
    assert.equal(settled, false, 'the job ended before its first progress update: nothing to cancel mid-way');
    const start = progress.find((p) => p.event === 'progressStart')!;
    assert.ok(typeof start.body.requestId === 'number' && start.body.requestId > 0);
    await dc.send('cancel', { requestId: start.body.requestId });
    assert.equal(await job, 'cancelled');
    assert.equal(progress[progress.length - 1].event, 'progressEnd');
    assert.equal(progress[progress.length - 1].body.message, 'cancelled');
    assert.deepEqual(await snapshot(), before);
    // usable: step, step back, evaluate, and the same stops as before
    const next = await step(dc, 'next');
    assert.equal(next.body.reason, 'step');
    const back = await step(dc, 'stepBack');
    assert.equal(back.body.reason, 'step');
    assert.deepEqual(await snapshot(), before);
    assert.equal(await value('vmstat.nr_foll_pin_acquired'), '2'); // gup §4: the scenario's 2 pins only
  });

  it('cancel by progressId; then a completed `gup_test -a` gives the counts of gup §4 and Step Back undoes it', async () => {
    const before = await snapshot();
    const job = dc.evaluateRequest({ expression: 'gup_test -a', context: 'repl' }).then(() => 'completed', (e: Error) => e.message);
    await waitFor(() => progress.some((p) => p.event === 'progressUpdate'));
    await dc.send('cancel', { progressId: progress[0].body.progressId });
    assert.equal(await job, 'cancelled');
    assert.deepEqual(await snapshot(), before);
    const r = await dc.evaluateRequest({ expression: 'gup_test -a', context: 'repl' });
    // gup §8.2: PIN_FAST_BENCHMARK line; gup §4: acquired and released grow by one per pinned page,
    // and balance (pins held unchanged: unpin_user_pages in put_back_pages, gup §8.1)
    assert.match(r.body.result, /\n\.\/gup_test: PIN_FAST_BENCHMARK: Time: get:\d+ put:\d+ us\n/);
    assert.equal(await int('vmstat.nr_foll_pin_acquired'), 2 + PAGES);
    assert.equal(await int('vmstat.nr_foll_pin_released'), PAGES);
    assert.equal(await value('pins_held'), '2');
    assert.equal(await value(`page(${PID}, ${AREA}).refcount`), '1');
    // a completed console statement is an edit at the stop: Step Back undoes it (PRODUCT §3)
    await step(dc, 'stepBack');
    assert.equal(await value('vmstat.nr_foll_pin_acquired'), '2');
  });
});
