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

// Compile the hot paths before the first request (stdin is buffered meanwhile): the model and
// the views, then the request path through a session of its own.
warmUp();
// the adapter serves its client however the warm-up ends (it does not reject; were it to, the
// client must still be answered)
void warmUpSession().catch(() => undefined).then(() => {
  const session = new VlabSession(new NodeFileAccess());
  session.setRunAsServer(false);
  serveStdio(session, process.stdin, process.stdout, process.stderr);
});
