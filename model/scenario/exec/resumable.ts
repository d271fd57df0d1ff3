/**
 * Statements that run as resumable work (engine/steps.ts; issue 13 "long REPL work"): the
 * gup_test selftest and one gup_test ioctl walk every page of their buffer. The scenario runner
 * drives them to the end at once (exec/gup.ts); the debug console runs them in slices
 * (`execNowSteps`), with the same rules and the same result.
 */
import type { Stmt } from '../ast';
import type { Runner } from '../runner';
import { GUEST_CPU_THREAD } from '../../engine/ids';
import { onThreadSteps, withinSteps, type Steps } from '../../engine/steps';
import { statementLimitProblem } from '../statementLimits';
import { LimitError } from '../../limits';

/** The statement kinds that are resumable work. */
export const RESUMABLE_KINDS: ReadonlySet<Stmt['k']> = new Set(['gup_test', 'gup_test_ioctl']);

/** The statement's work as resumable steps; undefined when `st` is not resumable. */
export function resumableSteps(r: Runner, st: Stmt): Steps<void> | undefined {
  if (st.k === 'gup_test') return gupTestSteps(r, st);
  if (st.k === 'gup_test_ioctl') return gupTestIoctlSteps(r, st);
  return undefined;
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
