/**
 * Control flow: `repeat N … end` runs its body N times (issue 12: the workloads a benchmark or a
 * stress test needs are scenarios a user could write). Each statement of the body is a stop on
 * every iteration, journaled like any other, so breakpoints inside the loop and Step Back across
 * iterations work. The parser pairs `repeat` with its `end` (parser.ts); N is bounded by the
 * limit maxSteps (model/limits.ts): every iteration is at least one step.
 */
import type { StatementDef } from './types';

export const CONTROL_STATEMENTS: readonly StatementDef[] = [
  {
    name: 'repeat', syntax: 'repeat N … end', ref: 'PRODUCT §2',
    help: 'Runs the statements up to the matching `end` N times (0 skips them); loops nest. Every statement inside is a stop on every iteration. N is at most maxSteps.',
    parse(c) {
      const n = c.number('an iteration count');
      // the exact bound is the limit maxSteps (statementLimits.ts reports it at N)
      return { k: 'repeat', count: n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n), end: -1 };
    },
  },
];
