/**
 * A scenario run as a test (the Testing view; pure, no vscode): runs headless and returns each
 * `expect` with its result, the exceptions with their lines, and whether the run finished.
 */
import type { Scenario } from '../ast';
import { Runner } from '../runner';
import { expectOutcomes, type StatementOutcome } from '../expectOutcomes';
import { exceptionOutcomes } from '../exceptionOutcomes';

export type ExpectOutcome = StatementOutcome;

export interface TestRunResult {
  expects: ExpectOutcome[];
  exceptions: Array<{ line?: number; message: string }>;
  finished: boolean;
  steps: number;
}

export function runScenarioTest(scenario: Scenario, maxSteps = 10_000_000): TestRunResult {
  const runner = new Runner(scenario);
  runner.m.setLean();
  let steps = 0;
  // a wait's actions run several per call (runner.steps); each counts as a step
  while (steps < maxSteps) {
    const k = runner.steps(maxSteps - steps);
    if (k === 0) break;
    steps += k;
  }
  // exceptions checked by an `expect exception == …` right after them were expected
  const exceptions: TestRunResult['exceptions'] = exceptionOutcomes(runner).map((x) => ({ line: x.line, message: x.message }));
  const expects = expectOutcomes(runner);
  if (!runner.done) exceptions.push({ message: `stopped after ${maxSteps} steps: runaway channel program?` });
  return { expects, exceptions, finished: runner.done, steps };
}
