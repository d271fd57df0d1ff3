/**
 * Statements that run as resumable work (engine/steps.ts; issue 13 "long REPL work"): the
 * gup_test selftest and one gup_test ioctl walk every page of their buffer; a GUP call
 * (`pin_user_pages …`, `get_user_pages* …`) walks its pages, a release (`unpin_user_pages …`,
 * `put_page …`) puts them. The scenario runner drives them to the end at once (exec/gup.ts); the
 * debug console runs them in slices (`execNowSteps`), with the same rules and the same result.
 */
import type { Stmt } from '../ast';
import type { Runner } from '../runner';
import { GUEST_CPU_THREAD } from '../../engine/ids';
import { onThreadSteps, SLICE_UNITS, withinSteps, type Steps } from '../../engine/steps';
import { statementLimitProblem } from '../statementLimits';
import { LimitError } from '../../limits';

/** The statement kinds that are resumable work. */
export const RESUMABLE_KINDS: ReadonlySet<Stmt['k']> = new Set(['gup_test', 'gup_test_ioctl', 'gup', 'release', 'vfio_type1']);

/**
 * Pages from which a GUP call or a release typed in the console runs as a job: below, the work
 * is a few slices (≈20 ms journaled at the ~200 k pages/s of test/bench/gup.ts) and runs at once.
 */
export const JOB_MIN_PAGES = 4 * SLICE_UNITS;

/** Releases whose page loop yields (mm/release.ts); the others put one page or one folio run. */
const SLICED_RELEASES: ReadonlySet<string> = new Set(['unpin_user_pages', 'unpin_user_pages_dirty_lock', 'unpin_folios']);

/** True when the console runs `st` as a job (long resumable work); the rest runs at once. */
export function isConsoleJob(r: Runner, st: Stmt): boolean {
  if (st.k === 'gup_test' || st.k === 'gup_test_ioctl') return true;
  if (st.k === 'gup') return st.nr >= JOB_MIN_PAGES;
  // `vfio map` pins the whole range at map time only with an IOMMU domain (vfioType1.ts pinMapDma)
  if (st.k === 'vfio_type1' && st.op === 'map') return r.mm.vfio.container.iommuDomain && st.size! >> 12n >= BigInt(JOB_MIN_PAGES);
  // `vfio unmap` puts back what the IOMMU-backed domain pinned at map time
  if (st.k === 'vfio_type1' && st.op === 'unmap') return r.mm.vfio.iommuPinnedIn(st.iova!, st.size!) >= JOB_MIN_PAGES;
  if (st.k === 'release') return SLICED_RELEASES.has(st.api) && (st.n ?? r.bindings.get(st.target)?.length ?? 0) >= JOB_MIN_PAGES;
  return false;
}

/** The statement's work as resumable steps; undefined when `st` is not resumable. */
export function resumableSteps(r: Runner, st: Stmt): Steps<void> | undefined {
  if (st.k === 'gup_test') return gupTestSteps(r, st);
  if (st.k === 'gup_test_ioctl') return gupTestIoctlSteps(r, st);
  if (st.k === 'gup') return gupSteps(r, st);
  if (st.k === 'release') return releaseSteps(r, st);
  if (st.k === 'vfio_type1' && st.op === 'map') return vfioMapSteps(r, st);
  if (st.k === 'vfio_type1' && st.op === 'unmap') return vfioUnmapSteps(r, st);
  return undefined;
}

function* gupSteps(r: Runner, st: Extract<Stmt, { k: 'gup' }>): Steps<void> {
  const res = yield* r.mm.gupSteps(st.api, r.pid(st.proc), st.start, st.nr, st.flags, st.pagesNull ? { pagesNull: true } : {});
  r.setRet(BigInt(res.ret));
  if (!st.bind) return;
  const old = r.bindings.get(st.bind);
  r.m.journal.mapSet(r.bindings, st.bind, res.pages);
  BOUND_BY_GUP.add(res.pages);
  // A loop that pins `-> b` again lets go of b's previous array: in a lean run its only holder was
  // the binding (no journal keeps old values, nothing else took it), so the next pin of the same
  // size may fill it instead of a fresh one (Mm.recyclePages). Journaled, the entry just made
  // keeps it for undo, and it is never reused.
  if (old !== undefined && old !== res.pages && r.m.isLean && !r.m.journal.recording && BOUND_BY_GUP.has(old) && !boundElsewhere(r, old)) {
    BOUND_BY_GUP.delete(old);
    r.mm.recyclePages(old);
  }
}

/**
 * Arrays a GUP statement bound (fresh from Mm.gupSteps, held by nothing else): only these are
 * ever recycled; others (`dio` binds the pages its in-flight I/O holds, pipes and vfio bind their
 * own) never are. Weak: not model state, gone with the arrays.
 */
const BOUND_BY_GUP = new WeakSet<number[]>();

/** Is `pages` still bound to some name? (No statement copies one binding to another; checked anyway.) */
function boundElsewhere(r: Runner, pages: number[]): boolean {
  for (const a of r.bindings.values()) if (a === pages) return true;
  return false;
}

function* vfioMapSteps(r: Runner, st: Extract<Stmt, { k: 'vfio_type1' }>): Steps<void> {
  r.setRet(BigInt(yield* r.mm.vfio.mapSteps(r.pid(st.proc!), st.iova!, st.vaddr!, st.size!, st.prot!)));
}

function* vfioUnmapSteps(r: Runner, st: Extract<Stmt, { k: 'vfio_type1' }>): Steps<void> {
  r.setRet(BigInt(yield* r.mm.vfio.unmapSteps(st.iova!, st.size!)));
}

function* releaseSteps(r: Runner, st: Extract<Stmt, { k: 'release' }>): Steps<void> {
  const pages = r.bindings.get(st.target);
  if (!pages) throw new Error(`no pages are bound to '${st.target}'`);
  const first = st.api === 'unpin_user_page' || st.api === 'put_page' || st.api === 'unpin_folio';
  yield* r.mm.releaseSteps(st.api, first ? pages.slice(0, 1) : pages, st.makeDirty, st.n);
}

function* gupTestSteps(r: Runner, st: Extract<Stmt, { k: 'gup_test' }>): Steps<void> {
  const res = yield* r.mm.gupTest.selftestSteps(st.argv);
  r.setRet(BigInt(res.exitCode));
}

function* gupTestIoctlSteps(r: Runner, st: Extract<Stmt, { k: 'gup_test_ioctl' }>): Steps<void> {
  const res = yield* r.mm.gupTest.ioctlSteps(r.pid(st.proc), st.cmd, {
    addr: st.addr, size: st.size, nrPagesPerCall: st.nr, gupFlags: st.gupFlags, testFlags: st.testFlags, whichPages: st.which,
  });
  r.setRet(BigInt(res.ret));
  r.mm.gupTest.setLast(res);
}

/**
 * Runner.execNow for a resumable statement: the same limit check as Runner.exec, each slice run
 * as the guest CPU inside the statement's frame; returns an error text (like execNow) or undefined.
 */
export function* execNowSteps(r: Runner, st: Stmt): Steps<string | undefined> {
  const steps = resumableSteps(r, st);
  if (!steps) return `'${st.k}' is not resumable work`;
  const over = statementLimitProblem(st, r.limits, undefined, r.mm.pages.count);
  if (over) return new LimitError(over.limit, over.what, r.limits).message;
  try {
    yield* onThreadSteps(r.m, GUEST_CPU_THREAD, withinSteps(r.m, st.text, steps, st.line));
    return undefined;
  } catch (e) {
    if (e instanceof Error) return e.message;
    throw e;
  }
}
