/**
 * gup_test as resumable work (model/engine/steps.ts, gupTest.ts `selftestSteps` / `ioctlSteps`):
 * driven one slice at a time — as the Debug Console does (issue 13) — it gives exactly what the
 * one-shot `selftest` / `ioctl` give: the same output, counts, history records (events, call
 * stacks, threads, journal positions) and journal.
 */
import * as assert from 'node:assert/strict';
import type { Machine } from '../../../model/engine/machine';
import { SLICE_UNITS, type StepProgress, type Steps } from '../../../model/engine/steps';
import type { Mm } from '../../../model/linux/mm/mm';
import { BUF, PID, setup } from './helpers';

/** Everything observable of a run: records with their stacks, journal length, counters. */
function fingerprint(m: Machine, mm: Mm): string {
  const recs = m.history.map((h) => JSON.stringify([h.seq, h.journalPos, h.thread, h.granularity, h.frames.map((f) => f.name), h.event], (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
  return [...recs, `journal ${m.journal.length}`, `vmstat ${JSON.stringify(mm.vmstat)}`, `pins ${mm.pinsHeld()}`].join('\n');
}

/** Drive `steps` one slice at a time, checking the progress it reports; returns the result and the slice count. */
function sliced<T>(steps: Steps<T>): { value: T; slices: number } {
  let slices = 0;
  let last: StepProgress = { done: 0, total: 0 };
  for (;;) {
    const r = steps.next();
    slices++;
    if (r.done) return { value: r.value, slices };
    assert.ok(r.value.done > last.done, 'progress grows with every slice');
    assert.ok(r.value.done - last.done >= SLICE_UNITS, 'a slice is at least SLICE_UNITS of work');
    last = { ...r.value };
  }
}

describe('mm: gup_test in slices equals gup_test at once (gup §8; issue 13 console jobs)', () => {
  const cases: Array<[string, string[]]> = [
    ['6.18', ['-u', '-m', '32']], // GUP_FAST_BENCHMARK, put_page per page (gup §8.1)
    ['6.18', ['-a', '-m', '16', '-n', '3']], // PIN_FAST, short last chunk
    ['6.18', ['-b', '-m', '8', '-r', '2']], // PIN_BASIC_TEST twice: verify_dma_pinned
    ['6.18', ['-a', '-t', '-m', '12', '-n', '5']], // THP: unpin_user_pages batches folios (gup §2.1): chunks never split one
    ['6.3', ['-L', '-m', '8', '-t']], // PIN_LONGTERM_BENCHMARK
    ['5.11', ['-U', '-m', '8', '-j', '2']], // two "threads"
    ['5.6', ['-u', '-m', '16']], // gup_benchmark era
    ['6.18', ['-ct', '-m', '2', '-F', '0x1', '0', '19', '0x1000']], // dump pages, out of range zeroed
    ['6.18', ['-H', '-m', '1']], // mmap fails: no work
  ];
  for (const [ver, argv] of cases) {
    it(`${ver} gup_test ${argv.join(' ')}`, () => {
      const one = setup(ver);
      const expected = one.mm.gupTest.selftest(argv);
      const two = setup(ver);
      const { value, slices } = sliced(two.mm.gupTest.selftestSteps(argv));
      assert.deepEqual(value, expected);
      assert.equal(fingerprint(two.m, two.mm), fingerprint(one.m, one.mm));
      // the big runs really are sliced (the console yields between slices)
      // the runs of 8 MiB and more (≥ 2,048 pages touched, got, put) really are sliced: the console yields between slices
      const mib = Number(argv[argv.indexOf('-m') + 1]);
      if (mib >= 8) assert.ok(slices >= 3, `${slices} slices`);
    });
  }

  it('one ioctl (PIN_BASIC_TEST over 4,096 pages, 7 per call) in slices equals the one-shot ioctl', () => {
    const run = (slicedRun: boolean) => {
      const s = setup('6.18');
      s.mm.addVma(PID, BUF, 4096n * 4096n, 'anon', { read: true, write: true });
      const a = { addr: BUF, size: 4096n * 4096n, nrPagesPerCall: 7, gupFlags: 1 };
      const res = slicedRun ? sliced(s.mm.gupTest.ioctlSteps(PID, 'PIN_BASIC_TEST', a)).value : s.mm.gupTest.ioctl(PID, 'PIN_BASIC_TEST', a);
      return { res, fp: fingerprint(s.m, s.mm), vmstat: { ...s.mm.vmstat } };
    };
    const a = run(false);
    const b = run(true);
    assert.deepEqual(b.res, a.res);
    assert.equal(b.fp, a.fp);
    // gup §4: one acquired and one released per pinned page; balanced after put_back_pages (gup §8.1)
    assert.deepEqual(a.vmstat, { nr_foll_pin_acquired: 4096, nr_foll_pin_released: 4096 });
    assert.equal(a.res.size, 4096n * 4096n); // gup §8.1: size out = bytes covered
  });
});
