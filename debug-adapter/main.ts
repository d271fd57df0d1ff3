/**
 * Standalone debug adapter over stdio, for any DAP client (nvim-dap, Emacs dap-mode, Theia)
 * and for the DAP tests. Opens no network port. Input is read by framing.ts (robust against
 * malformed frames, bounded message size); output is the library's.
 */
import { NodeFileAccess } from './nodeFileAccess';
import { VlabSession } from './session';
import { warmUp } from './warmup';
import { warmUpSession } from './sessionWarmup';
import { serveStdio } from './framing';
import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';

// Compile the hot paths before the first request (stdin is buffered meanwhile): the model and
// the views, then the request path through a session of its own.
warmUp();
/**
 * One full collection, of what the warm-up left (its sessions, machines and histories), before
 * the client is served: otherwise V8 collects it during the client's first steps. Measured on
 * hello.vlab (a new adapter per session, so the first steps are most of the samples): p99 step
 * 5.2–7.5 ms with it (7 runs), 8.0–16.1 ms without (11 runs; dap-steprtt, 600 samples each).
 * Node offers `gc` only behind --expose-gc, a flag a client's launch command does not carry, so
 * it is set here and the function taken from a new context, the only one that sees it. Best
 * effort: without it the adapter serves as before. The collection also discards the optimised
 * code of 18 request handlers that referred to the warm-up's objects ("weak objects"); a minor
 * collection, which keeps it, measured no better at scale nor on hello.vlab (architecture.md,
 * round 16).
 */
function collectWarmUpGarbage(): void {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    if (typeof gc === 'function') gc();
  } catch {
    // a runtime without the flag or the global: V8 collects it later, as before
  }
}

// the adapter serves its client however the warm-up ends (it does not reject; were it to, the
// client must still be answered)
void warmUpSession().catch(() => undefined).then(() => {
  collectWarmUpGarbage();
  const session = new VlabSession(new NodeFileAccess());
  session.setRunAsServer(false);
  serveStdio(session, process.stdin, process.stdout, process.stderr);
});
