/**
 * A GUP call, a release and a vfio map and unmap as resumable work (issue 13 "long REPL work":
 * gup.ts `callSteps`, release.ts `releaseSteps`, vfioType1.ts `mapSteps` / `unmapSteps`): driven one slice at a time —
 * as the Debug Console does — they give exactly what the one-shot calls (`gup`, `release`, `map`)
 * give: the same result, history records (events, call stacks, threads, journal positions),
 * journal and final state, in several kernel eras.
 */
import * as assert from 'node:assert/strict';
import type { Machine } from '../../../model/engine/machine';
import { runToEnd, SLICE_UNITS, type StepProgress, type Steps } from '../../../model/engine/steps';
import type { Mm } from '../../../model/linux/mm/mm';
import { BUF, PID, setup } from './helpers';

const IOVA = 0x100000000n;

/** Records with their stacks, the journal (length, bytes, every element change) and the page store. */
function fingerprint(m: Machine, mm: Mm): string {
  const big = (_k: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);
  const recs = m.history.map((h) => JSON.stringify([h.seq, h.journalPos, h.thread, h.granularity, h.frames.map((f) => f.name), h.event], big));
  const changes = [...m.journal.elemsChangedBetween(0, m.journal.length).values()].map((fields) => [...fields].map(([f, idx]) => [f, [...idx]]));
  const s = mm.pages;
  return [
    ...recs,
    `journal ${m.journal.length} ${m.journal.compactBytes} ${JSON.stringify(changes)}`,
    `vmstat ${JSON.stringify(mm.vmstat)} pins ${mm.pinsHeld()} locked_vm ${mm.lockedVm(PID)}`,
    `refcount ${Array.from(s.refcount.subarray(0, s.count)).join(',')}`,
    `pincount ${Array.from(s.pincount.subarray(0, s.count)).join(',')}`,
  ].join('\n');
}

/** Drive `steps` one slice at a time (checking the progress it reports); returns the result and the slice count. */
function sliced<T>(steps: Steps<T>): { value: T; slices: number } {
  let slices = 0;
  let last: StepProgress = { done: 0, total: 0 };
  for (;;) {
    const r = steps.next();
    slices++;
    if (r.done) return { value: r.value, slices };
    assert.ok(r.value.done <= r.value.total, 'progress within its total');
    // a slice is at least SLICE_UNITS pages (a long-term retry pass, gup §5, starts its count again)
    if (r.value.total === last.total && r.value.done > last.done) assert.ok(r.value.done - last.done >= SLICE_UNITS, 'a slice is at least SLICE_UNITS pages');
    assert.ok(r.value.done >= SLICE_UNITS, 'the first yield comes after SLICE_UNITS pages');
    last = { ...r.value };
  }
}

/** A process with `pages` of anonymous memory at BUF (ZONE_MOVABLE when `movable`: the long-term pin migrates, gup §5). */
function world(ver: string, pages: number, movable = false) {
  const s = setup(ver);
  s.mm.addVma(PID, BUF, BigInt(pages) * 4096n, 'anon', { read: true, write: true }, movable ? { zone: 'movable' } : {});
  return s;
}

const ERAS = ['5.6', '5.10', '6.18'];
const N = 5000; // five slices of SLICE_UNITS

describe('mm: GUP, release and vfio map in slices equal the one-shot calls (issue 13 console jobs)', () => {
  for (const ver of ERAS) {
    it(`${ver}: pin_user_pages of ${N} untouched pages (faults, FOLL_WRITE | FOLL_LONGTERM), then unpin_user_pages_dirty_lock`, () => {
      const flags = ['FOLL_WRITE', 'FOLL_LONGTERM'];
      const api = ver === '5.6' ? 'get_user_pages' : 'pin_user_pages';
      const rel = ver === '5.6' ? 'put_page' : 'unpin_user_pages_dirty_lock';
      const one = world(ver, N);
      const a = one.mm.gup(api, PID, BUF, N, flags);
      one.mm.release(rel, a.pages, true);
      const two = world(ver, N);
      const g = sliced(two.mm.gupSteps(api, PID, BUF, N, flags));
      assert.deepEqual(g.value, a);
      assert.equal(g.value.ret, N); // gup §2.4: the number of pages pinned
      assert.ok(g.slices >= Math.ceil(N / SLICE_UNITS), `${g.slices} slices`);
      const r = sliced(two.mm.releaseSteps(rel, g.value.pages, true));
      assert.ok(r.slices >= Math.ceil(N / SLICE_UNITS), `${r.slices} release slices`);
      assert.equal(fingerprint(two.m, two.mm), fingerprint(one.m, one.mm));
      if (ver !== '5.6') {
        // gup §4: one nr_foll_pin_acquired per page pinned and one nr_foll_pin_released per page unpinned
        assert.deepEqual({ ...two.mm.vmstat }, { nr_foll_pin_acquired: N, nr_foll_pin_released: N });
      }
      assert.equal(two.mm.pinsHeld(), 0);
    });
  }

  for (const ver of ['5.18', '6.18']) {
    it(`${ver}: pin_user_pages_fast over half-touched ZONE_MOVABLE memory (fast walk, slow path, migrate and retry, gup §5)`, () => {
      const run = (slicedRun: boolean) => {
        const s = world(ver, N, true);
        for (let i = 0; i < N / 2; i++) s.mm.touch(PID, BUF + BigInt(i) * 4096n, true);
        const steps = s.mm.gupSteps('pin_user_pages_fast', PID, BUF, N, ['FOLL_WRITE', 'FOLL_LONGTERM']);
        const res = slicedRun ? sliced(steps).value : runToEnd(steps);
        return { res, fp: fingerprint(s.m, s.mm) };
      };
      const a = run(false);
      const b = run(true);
      assert.deepEqual(b.res, a.res);
      assert.equal(a.res.ret, N);
      assert.equal(b.fp, a.fp);
      assert.match(a.fp, /check_and_migrate_movable_pages/); // the movable pages were migrated (gup §5, 5.13+)
    });
  }

  for (const ver of ['5.10', '6.18']) {
    it(`${ver}: pin_user_pages_fast of ${N} present pages: the lockless walk alone, in slices`, () => {
      const run = (slicedRun: boolean) => {
        const s = world(ver, N);
        for (let i = 0; i < N; i++) s.mm.touch(PID, BUF + BigInt(i) * 4096n, true);
        const steps = s.mm.gupSteps('pin_user_pages_fast', PID, BUF, N, ['FOLL_WRITE']);
        const out = slicedRun ? sliced(steps) : { value: runToEnd(steps), slices: 1 };
        return { ...out, fp: fingerprint(s.m, s.mm), mm: s.mm };
      };
      const a = run(false);
      const b = run(true);
      assert.deepEqual(b.value, a.value);
      assert.equal(a.value.ret, N); // gup §2.4
      assert.ok(b.slices >= Math.ceil(N / SLICE_UNITS), `${b.slices} slices`);
      assert.equal(b.fp, a.fp);
      assert.doesNotMatch(a.fp, /__get_user_pages/); // all pages taken by the fast walk
      // gup §4: one nr_foll_pin_acquired per page pinned
      assert.equal(b.mm.vmstat.nr_foll_pin_acquired, N);
    });
  }

  for (const ver of ['5.10', '6.18']) {
    it(`${ver}: vfio map of ${N} pages with an IOMMU domain (vfio_pin_pages_remote, gup §10.1), then unmap`, () => {
      const run = (slicedRun: boolean) => {
        const s = world(ver, N);
        s.mm.vfio.setConfig('iommuDomain', true);
        s.mm.setRlimitMemlock(PID, 2 * N * 4096); // gup §10.1: locked_vm + 1 > RLIMIT_MEMLOCK refuses the map
        const steps = s.mm.vfio.mapSteps(PID, IOVA, BUF, BigInt(N) * 4096n, 3);
        const out = slicedRun ? sliced(steps) : { value: runToEnd(steps), slices: 1 };
        const mapped = { fp: fingerprint(s.m, s.mm), lockedVm: s.mm.lockedVm(PID), pins: s.mm.pinsHeld() };
        assert.equal(s.mm.vfio.iommuPinnedIn(IOVA, BigInt(N) * 4096n), N);
        const un = s.mm.vfio.unmapSteps(IOVA, BigInt(N) * 4096n);
        const unmapped = slicedRun ? sliced(un) : { value: runToEnd(un), slices: 1 };
        return { ...out, mapped, unmapped, fp: fingerprint(s.m, s.mm), mm: s.mm };
      };
      const a = run(false);
      const b = run(true);
      assert.equal(a.value, 0);
      assert.equal(b.value, 0);
      assert.ok(b.slices >= Math.ceil(N / SLICE_UNITS), `${b.slices} slices`);
      assert.equal(b.mapped.fp, a.mapped.fp);
      // gup §10.1: an IOMMU-backed domain pins every page at map time and accounts it in locked_vm
      assert.equal(b.mapped.lockedVm, N);
      assert.equal(b.mapped.pins, N);
      // VFIO_IOMMU_UNMAP_DMA returns the bytes unmapped (gup §10.1); every pin put back, locked_vm 0
      assert.equal(a.unmapped.value, N * 4096);
      assert.equal(b.unmapped.value, N * 4096);
      assert.ok(b.unmapped.slices >= Math.ceil(N / SLICE_UNITS), `${b.unmapped.slices} unmap slices`);
      assert.equal(b.fp, a.fp);
      assert.equal(b.mm.lockedVm(PID), 0);
      assert.equal(b.mm.pinsHeld(), 0);
      // gup §4: acquired and released balance once no pin is outstanding
      assert.deepEqual({ ...b.mm.vmstat }, { nr_foll_pin_acquired: N, nr_foll_pin_released: N });
    });
  }

  it('6.18: a cancelled slice run undone through the journal leaves the state of before (console cancel)', () => {
    const s = world('6.18', N);
    const before = fingerprint(s.m, s.mm);
    const pos = s.m.journal.position;
    const steps = s.mm.gupSteps('pin_user_pages', PID, BUF, N, ['FOLL_WRITE']);
    steps.next();
    steps.next();
    assert.ok(s.mm.vmstat.nr_foll_pin_acquired >= 2 * SLICE_UNITS);
    steps.return({ ret: 0, pages: [] });
    s.m.journal.undoTo(pos);
    assert.deepEqual({ ...s.mm.vmstat }, { nr_foll_pin_acquired: 0, nr_foll_pin_released: 0 });
    assert.equal(s.mm.pinsHeld(), 0);
    const state = (fp: string) => fp.split('\n').filter((l) => /^(vmstat|refcount|pincount) /.test(l));
    assert.deepEqual(state(fingerprint(s.m, s.mm)), state(before));
  });
});
