/**
 * The Testing view's worker thread (Node extension host): receives one ScenarioJob, runs it and
 * posts the ScenarioJobResult back. Bundled separately (npm run bundle:worker → dist/testWorker.js)
 * and started by workerRunner.ts, which terminates it on cancellation or at the time cap.
 */
import { parentPort } from 'worker_threads';
import { runScenarioJob, type ScenarioJob } from './job';

parentPort?.on('message', (job: ScenarioJob) => {
  try {
    parentPort?.postMessage({ ok: runScenarioJob(job) });
  } catch (e) {
    parentPort?.postMessage({ error: (e instanceof Error ? e.message : String(e)).split('\n')[0] });
  }
});
