/**
 * The exceptions a run reports (CLI, Testing view, Run CodeLens): those no `expect exception …`
 * checked, each (line, message) once with how often it happened. A statement that fails in a
 * `repeat` fails once per iteration: one entry, not one per iteration (issue 12 round 13: a loop
 * of 10^5 failing iterations printed 10^5 lines and gave the Testing view 10^5 messages).
 */
import type { Runner } from './runner';

export interface ExceptionOutcome {
  line: number;
  /** The message, with " (N times)" when it happened more than once at that line. */
  message: string;
  count: number;
}

export function exceptionOutcomes(runner: Pick<Runner, 'exceptions'>): ExceptionOutcome[] {
  const byKey = new Map<string, ExceptionOutcome>();
  for (const x of runner.exceptions) {
    if (x.checked) continue;
    const key = `${x.line}\u0000${x.message}`;
    const o = byKey.get(key);
    if (o === undefined) byKey.set(key, { line: x.line, message: x.message, count: 1 });
    else o.count++;
  }
  return [...byKey.values()].map((o) => (o.count > 1 ? { ...o, message: `${o.message} (${o.count} times)` } : o));
}
