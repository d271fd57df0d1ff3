/**
 * The Node extension host's ScenarioRunner: each job runs in its own worker thread
 * (dist/testWorker.js, built by `npm run bundle:worker`), so a long or hostile scenario never
 * blocks the extension host. The worker is terminated when the test run is cancelled or the
 * file exceeds its time cap, and its heap is bounded (resourceLimits), so a file can take
 * neither the host's time nor its memory. Imported only from the Node entry (node.ts).
 */
import { Worker } from 'worker_threads';
import type { ScenarioJob, ScenarioJobResult } from './job';
import type { CancelToken, JobFailure, ScenarioRunner } from './scenarioRunner';

/** Heap of one worker at most (the model's limits keep a scenario far below it). */
const WORKER_HEAP_MB = 512;

export class WorkerRunner implements ScenarioRunner {
  readonly where = 'worker thread';

  constructor(private readonly script: string, readonly parallel: number) {}

  run(job: ScenarioJob, token: CancelToken, timeoutSeconds: number): Promise<ScenarioJobResult | JobFailure> {
    if (token.isCancellationRequested) return Promise.resolve({ failed: 'cancelled' });
    return new Promise((resolve) => {
      let settled = false;
      const worker = new Worker(this.script, { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB }, stdout: true, stderr: true });
      const finish = (r: ScenarioJobResult | JobFailure) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        sub.dispose();
        void worker.terminate();
        resolve(r);
      };
      const timer = setTimeout(() => finish({ failed: 'timeout', seconds: timeoutSeconds }), timeoutSeconds * 1000);
      const sub = token.onCancellationRequested(() => finish({ failed: 'cancelled' }));
      worker.on('message', (m: { ok: ScenarioJobResult } | { error: string }) => finish('ok' in m ? m.ok : { failed: 'error', message: m.error }));
      worker.on('error', (e: Error & { code?: string }) =>
        finish({ failed: 'error', message: e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `the scenario ran out of its worker's ${WORKER_HEAP_MB} MB heap` : e.message.split('\n')[0] }));
      worker.on('exit', (code) => finish({ failed: 'error', message: `the test worker exited (code ${code})` }));
      worker.postMessage(job);
    });
  }
}
