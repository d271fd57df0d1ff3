/**
 * How the Testing view runs a ScenarioJob: behind one interface, a worker thread in the Node
 * extension host (workerRunner.ts, injected by the Node entry through `useScenarioRunner`) or,
 * in the browser, in-process. This module has no Node import, so the web bundle can include it.
 */
import { deferred } from '../deferred';
import type { ScenarioJob, ScenarioJobResult } from './job';

/** The job runner (parser, runner, model): loaded by the first in-process run, not at activation (issue 14). */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose (deferred.ts)
const jobs = deferred('scenarioJob', () => require('./job') as typeof import('./job'));

/** Why a job did not produce a result. */
export type JobFailure = { failed: 'cancelled' } | { failed: 'timeout'; seconds: number } | { failed: 'error'; message: string };

export interface CancelToken {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

export interface ScenarioRunner {
  /** Runs the job; a cancelled token or the time cap ends it (off-thread runners stop their worker). */
  run(job: ScenarioJob, token: CancelToken, timeoutSeconds: number): Promise<ScenarioJobResult | JobFailure>;
  /** How many jobs may run at once (parallel batches). */
  readonly parallel: number;
  /** Releases what the runner keeps between jobs (idle workers); called when the run ends. */
  dispose?(): void;
}

/**
 * The browser fallback: runs on the calling thread. It cannot be interrupted mid-run, so the step
 * cap (limit maxSteps) is its bound; a cancelled token stops it before it starts.
 */
export class InProcessRunner implements ScenarioRunner {
  readonly parallel = 1;

  async run(job: ScenarioJob, token: CancelToken): Promise<ScenarioJobResult | JobFailure> {
    if (token.isCancellationRequested) return { failed: 'cancelled' };
    // let the test run's UI update before a long synchronous run
    await new Promise((r) => setTimeout(r, 0));
    if (token.isCancellationRequested) return { failed: 'cancelled' };
    try {
      return jobs().runScenarioJob(job);
    } catch (e) {
      return { failed: 'error', message: (e instanceof Error ? e.message : String(e)).split('\n')[0] };
    }
  }
}

let factory: (parallel: number) => ScenarioRunner = () => new InProcessRunner();

/** The Node entry installs the worker-thread runner here. */
export function useScenarioRunner(make: (parallel: number) => ScenarioRunner): void {
  factory = make;
}

export function createScenarioRunner(parallel: number): ScenarioRunner {
  return factory(parallel);
}

export function isFailure(r: ScenarioJobResult | JobFailure): r is JobFailure {
  return 'failed' in r;
}
