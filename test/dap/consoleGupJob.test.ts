/**
 * A large GUP call or release typed in the Debug Console is a console job (issue 13 "long REPL
 * work"; model/scenario/exec/resumable.ts `isConsoleJob`, debug-adapter/consoleJob.ts): the
 * pin's page loop runs in slices, other requests are answered before its evaluate, progress is
 * reported, and `cancel` undoes it to the stop exactly. Orders of messages are asserted, never times.
 */
import * as assert from 'node:assert/strict';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { fixture, launchWithProgress, stateSnapshot, step, useAdapter, waitFor, watch, type ProgressRecord } from './client';

const BIGPIN = fixture('bigpin.vlab');
/** bigpin.vlab's VMA: 128 MiB = 32,768 pages of 4 KiB. */
const PAGES = 32768;
const BUF = '0x7f0000000000';
const PIN = `pin_user_pages qemu ${BUF} ${PAGES} FOLL_WRITE -> big`;

describe('DAP: a large pin_user_pages / unpin_user_pages in the Debug Console runs as a job (issue 13)', function () {
  this.timeout(120000);
  let dc: DebugClient;
  let progress: ProgressRecord[];

  useAdapter((c) => (dc = c), async () => {
    progress = [];
    // stop at bigpin.vlab line 6 `expect ret == 2`: bufs holds 2 pinned pages
    await launchWithProgress(dc, BIGPIN, 6, progress);
  });

  const value = (e: string): Promise<string> => watch(dc, e);
  const int = async (e: string): Promise<number> => parseInt(await value(e), 10);

  /** Everything a cancelled job must leave as it was: counters, refcount and pincount, the stop and history. */
  const snapshot = (): Promise<string[]> =>
    stateSnapshot(dc, ['vmstat.nr_foll_pin_acquired', 'vmstat.nr_foll_pin_released', 'pins_held', 'ret', 'bufs[0].pincount', 'bufs[0].refcount', `page(1000, 0x7f0000100000).refcount`, 'big.count']);

  it(`threads is answered before a running \`${PIN}\` ends; progress increases; the counts of gup §3.6 / §4`, async () => {
    const order: string[] = [];
    const job = dc.evaluateRequest({ expression: PIN, context: 'repl' }).then((r) => (order.push('evaluate'), r));
    await waitFor(() => progress.some((p) => p.event === 'progressStart'));
    const threads = dc.threadsRequest().then((r) => (order.push('threads'), r));
    const busyRead = dc.evaluateRequest({ expression: 'vmstat.nr_foll_pin_acquired', context: 'watch' }).then(() => 'answered', (e: Error) => (order.push('busy'), e.message));
    const [t] = await Promise.all([threads, job]);
    assert.deepEqual(order, ['threads', 'busy', 'evaluate']);
    assert.deepEqual(t.body.threads.map((x) => x.name), ['guest CPU 0']);
    assert.match(await busyRead, /^evaluate: busy: the Debug Console is running 'pin_user_pages qemu 0x7f0000000000 32768 FOLL_WRITE -> big' \(\d+%\); wait for it or cancel it$/);
    const mine = progress.filter((p) => p.body.progressId === progress[0].body.progressId);
    assert.equal(mine[0].body.cancellable, true);
    assert.equal(mine[mine.length - 1].event, 'progressEnd');
    const pct = mine.filter((p) => p.body.percentage !== undefined).map((p) => p.body.percentage!);
    // progress.ts sends at most one update per 250 ms: how many depends on the machine's speed
    for (let i = 1; i < pct.length; i++) assert.ok(pct[i] > pct[i - 1] && pct[i] <= 100, `percentages increase: ${pct.join(', ')}`);
    // gup §2.4: ret = pages pinned. The 2 pages of bufs are pinned twice now.
    assert.equal(await int('ret'), PAGES);
    assert.equal(await int('big.count'), PAGES);
    // gup §4: nr_foll_pin_acquired += refs, one per pinned small page (the scenario's 2 first)
    assert.equal(await int('vmstat.nr_foll_pin_acquired'), 2 + PAGES);
    assert.equal(await int('vmstat.nr_foll_pin_released'), 0);
    // gup §3.6: a small page faulted in (R0 = 1) and pinned k times has refcount 1 + 1024k
    assert.equal(await int('bufs[0].refcount'), 1 + 2 * 1024);
    assert.equal(await int(`page(1000, 0x7f0000100000).refcount`), 1 + 1024);
    // the release of all of them is a job too: gup §4 nr_foll_pin_released += 1 per page, gup §3.6 −1024 per unpin
    const rel = dc.evaluateRequest({ expression: 'unpin_user_pages big', context: 'repl' });
    const before = progress.length;
    await rel;
    assert.ok(progress.slice(before).some((p) => p.event === 'progressStart'), 'the unpin ran as a job (its progress shown at once)');
    assert.equal(await int('vmstat.nr_foll_pin_released'), PAGES);
    assert.equal(await int('bufs[0].refcount'), 1 + 1024);
    assert.equal(await int(`page(1000, 0x7f0000100000).refcount`), 1);
    assert.equal(await value('pins_held'), '2');
  });

  it('cancel mid-way: "cancelled", vmstat, refcount, pincount, the stop and the history exactly as before', async () => {
    // record ahead of the stop first (the scenario's end), so the history to restore is longer than the stop
    await step(dc, 'next');
    await step(dc, 'stepBack');
    const before = await snapshot();
    assert.ok(before.includes('vmstat.nr_foll_pin_acquired = 2'), before.join('; ')); // gup §4: the scenario's 2 pins
    const job = dc.evaluateRequest({ expression: PIN, context: 'repl' }).then(() => 'completed', (e: Error) => e.message);
    // mid-way: a model read answers busy with the job's percentage (between two slices)
    for (;;) {
      const busy = await value('pins_held');
      assert.match(busy, /busy/, 'the job is still running');
      if (Number(/\((\d+)%\)/.exec(busy)![1]) >= 30) break;
    }
    const start = progress.find((p) => p.event === 'progressStart')!;
    await dc.send('cancel', { requestId: start.body.requestId });
    assert.equal(await job, 'cancelled');
    assert.equal(progress[progress.length - 1].body.message, 'cancelled');
    assert.deepEqual(await snapshot(), before);
    // usable: the same stops as before, then the pin completes
    assert.equal((await step(dc, 'next')).body.reason, 'step');
    assert.equal((await step(dc, 'stepBack')).body.reason, 'step');
    assert.deepEqual(await snapshot(), before);
    await dc.evaluateRequest({ expression: PIN, context: 'repl' });
    assert.equal(await int('vmstat.nr_foll_pin_acquired'), 2 + PAGES);
    // a completed console statement is an edit at the stop: Step Back undoes it (PRODUCT §3)
    await step(dc, 'stepBack');
    assert.equal(await value('vmstat.nr_foll_pin_acquired'), '2');
  });

  it('vfio_iommu_map_dma / vfio_iommu_unmap_dma of 64 MiB with an IOMMU domain are jobs: threads answered first; gup §10.1 and §4 counts', async () => {
    for (const st of ['vfio_set_iommu VFIO_TYPE1v2_IOMMU', 'vfio_test_hook iommu_domain on', 'setrlimit qemu RLIMIT_MEMLOCK unlimited']) {
      await dc.evaluateRequest({ expression: st, context: 'repl' });
    }
    assert.equal(progress.length, 0); // short statements are no jobs
    const order: string[] = [];
    const job = dc.evaluateRequest({ expression: `vfio_iommu_map_dma qemu 0x100000 ${BUF} 64M VFIO_DMA_MAP_FLAG_READ|VFIO_DMA_MAP_FLAG_WRITE`, context: 'repl' }).then((r) => (order.push('evaluate'), r));
    await waitFor(() => progress.some((p) => p.event === 'progressStart'));
    const threads = dc.threadsRequest().then((r) => (order.push('threads'), r));
    await Promise.all([threads, job]);
    assert.deepEqual(order, ['threads', 'evaluate']);
    assert.equal(progress[progress.length - 1].event, 'progressEnd');
    assert.equal(await int('ret'), 0); // gup §10.1 VFIO_IOMMU_MAP_DMA: 0
    // gup §10.1 (IOMMU-backed domain): every page of the range pinned at map time and accounted in locked_vm
    assert.equal(await int('locked_vm(qemu)'), 16384);
    // gup §4: one nr_foll_pin_acquired per page pinned (pin_user_pages_remote, FOLL_LONGTERM), after the scenario's 2
    assert.equal(await int('vmstat.nr_foll_pin_acquired'), 2 + 16384);
    // gup §3.6: bufs[0] pinned twice now (the scenario and the map)
    assert.equal(await int('bufs[0].refcount'), 1 + 2 * 1024);
    // unmapping puts those pins back, as a job too: gup §10.1 ret = bytes unmapped, locked_vm back to 0
    const before = progress.length;
    await dc.evaluateRequest({ expression: 'vfio_iommu_unmap_dma 0x100000 64M', context: 'repl' });
    assert.ok(progress.slice(before).some((p) => p.event === 'progressStart'), 'the unmap ran as a job');
    assert.equal(await int('ret'), 64 * 1024 * 1024);
    assert.equal(await int('locked_vm(qemu)'), 0);
    // gup §4: one nr_foll_pin_released per page unpinned; gup §3.6: −1024 per unpin of a small page
    assert.equal(await int('vmstat.nr_foll_pin_released'), 16384);
    assert.equal(await int('bufs[0].refcount'), 1 + 1024);
  });

  it('a small pin (under JOB_MIN_PAGES) is no job: no progress, answered at once', async () => {
    const r = await dc.evaluateRequest({ expression: `pin_user_pages qemu ${BUF} 8 FOLL_WRITE -> few`, context: 'repl' });
    assert.match(r.body.result, /ret = 8|gup\.return/);
    assert.equal(progress.length, 0);
    assert.equal(await int('vmstat.nr_foll_pin_acquired'), 2 + 8); // gup §4
  });
});
