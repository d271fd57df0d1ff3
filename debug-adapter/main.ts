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

/** Rounds of warmUp()'s small scenario: its step back, views and both radixes of the variables. */
const WARM_UP_ROUNDS = 4;

// Compile the hot paths before the first request (stdin is buffered meanwhile): the model and
// the views, then the request path through a session of its own, which also runs most of what
// warmUp() does, so warmUp() needs only a few rounds (sessionWarmup.ts SESSION_GROUPS).
warmUp(WARM_UP_ROUNDS);
// the adapter serves its client however the warm-up ends (it does not reject; were it to, the
// client must still be answered)
void warmUpSession().catch(() => undefined).then(() => {
  const session = new VlabSession(new NodeFileAccess());
  session.setRunAsServer(false);
  serveStdio(session, process.stdin, process.stdout, process.stderr);
});
