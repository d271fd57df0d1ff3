/**
 * The Node extension host's ScenarioRunner: jobs run in worker threads (dist/testWorker.js, built
 * by tools/build.mjs), so a long or hostile scenario never blocks the extension host. A
 * run keeps up to `parallel` workers and reuses them from file to file (starting one costs about
 * as much as running a small scenario); a worker is terminated — and replaced for the next file —
 * when the test run is cancelled or its file exceeds the time cap, and its heap is bounded
 * (resourceLimits), so a file can take neither the host's time nor its memory. Imported only from
 * the Node entry (node.ts).
 */
import { Worker } from 'worker_threads';
import type { ScenarioJob, ScenarioJobResult } from './job';
import type { CancelToken, JobFailure, ScenarioRunner } from './scenarioRunner';

/** Heap of one worker at most (the model's limits keep a scenario far below it). */
const WORKER_HEAP_MB = 512;

type Reply = { ok: ScenarioJobResult } | { error: string };

export class WorkerRunner implements ScenarioRunner {
  private readonly idle: Worker[] = [];

  constructor(private readonly script: string, readonly parallel: number) {}

  private spawn(): Worker {
    return new Worker(this.script, { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB }, stdout: true, stderr: true });
  }

  run(job: ScenarioJob, token: CancelToken, timeoutSeconds: number): Promise<ScenarioJobResult | JobFailure> {
    if (token.isCancellationRequested) return Promise.resolve({ failed: 'cancelled' });
    const worker = this.idle.pop() ?? this.spawn();
    return new Promise((resolve) => {
      let settled = false;
      const finish = (r: ScenarioJobResult | JobFailure, reusable: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        sub.dispose();
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        if (reusable) this.idle.push(worker);
        else void worker.terminate();
        resolve(r);
      };
      const onMessage = (m: Reply) => finish('ok' in m ? m.ok : { failed: 'error', message: m.error }, true);
      const onError = (e: Error & { code?: string }) =>
        finish({ failed: 'error', message: e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `the scenario ran out of its worker's ${WORKER_HEAP_MB} MB heap` : e.message.split('\n')[0] }, false);
      const onExit = (code: number) => finish({ failed: 'error', message: `the test worker exited (code ${code})` }, false);
      const timer = setTimeout(() => finish({ failed: 'timeout', seconds: timeoutSeconds }, false), timeoutSeconds * 1000);
      const sub = token.onCancellationRequested(() => finish({ failed: 'cancelled' }, false));
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      worker.postMessage(job);
    });
  }

  /** Ends the idle workers (the run is over). */
  dispose(): void {
    for (const w of this.idle.splice(0)) void w.terminate();
  }
}
