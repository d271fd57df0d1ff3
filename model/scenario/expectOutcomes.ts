/**
 * Each `expect` statement's outcome after a run, for the reports that show one entry per
 * statement (the Testing view, the Run CodeLens): a statement inside a `repeat` runs once per
 * iteration, so its results are not "the i-th result of the i-th statement" (issue 12: a loop's
 * later failures were lost and the statements after the loop showed as not run).
 */
import type { Stmt } from './ast';
import type { ExpectResult, Runner } from './runner';

export interface ExpectOutcomeResult {
  /** No run of the statement failed. */
  ok: boolean;
  /** Of its first failing run, else of its last run. */
  expected: string;
  actual: string;
  /** Runs of the statement, and how many failed. */
  runs: number;
  failed: number;
}

export interface StatementOutcome {
  /** The expect statement (line, text, file when it came from an include). */
  stmt: Stmt;
  /** Undefined when the run ended before reaching it. */
  result?: ExpectOutcomeResult;
}

/** A failing statement whose failures all lie beyond `maxExpectResults` has no result text kept. */
const NOT_KEPT = '(not kept: beyond the limit maxExpectResults)';

/** Every `expect` statement of the runner's scenario, in statement order, with its outcome. */
export function expectOutcomes(runner: Runner): StatementOutcome[] {
  const firstFailure = new Map<number, ExpectResult>();
  const last = new Map<number, ExpectResult>();
  for (const r of runner.expects) {
    if (r.stmt < 0) continue; // typed at the debug console
    last.set(r.stmt, r);
    if (!r.ok && !firstFailure.has(r.stmt)) firstFailure.set(r.stmt, r);
  }
  const { runs, failed } = runner.expectTally;
  const out: StatementOutcome[] = [];
  runner.scenario.statements.forEach((stmt, i) => {
    if (stmt.k !== 'expect') return;
    const n = runs[i] ?? 0;
    if (n === 0) {
      out.push({ stmt });
      return;
    }
    const f = failed[i];
    const shown = f > 0 ? firstFailure.get(i) : last.get(i);
    out.push({ stmt, result: { ok: f === 0, expected: shown?.expected ?? NOT_KEPT, actual: shown?.actual ?? NOT_KEPT, runs: n, failed: f } });
  });
  return out;
}

/** " (failed K of N runs)" / " (all N runs passed)" for a statement that ran more than once, else "". */
export function runsNote(r: Pick<ExpectOutcomeResult, 'runs' | 'failed'>): string {
  if (r.runs <= 1) return '';
  return r.failed ? ` (failed ${r.failed} of ${r.runs} runs)` : ` (all ${r.runs} runs passed)`;
}

/** A failed expect's values: "expected X, actual Y" and, for a statement that ran more than once, runsNote. */
export function failedText(r: Pick<ExpectOutcomeResult, 'expected' | 'actual' | 'runs' | 'failed'>): string {
  return `expected ${r.expected}, actual ${r.actual}${runsNote(r)}`;
}
