/**
 * Standalone debug adapter over stdio, for any DAP client (nvim-dap, Emacs dap-mode, Theia)
 * and for the DAP tests. Opens no network port.
 */
import { NodeFileAccess } from './nodeFileAccess';
import { VlabSession } from './session';
import { warmUp } from './warmup';

// Compile the hot paths before the first request (stdin is buffered meanwhile).
warmUp();

const session = new VlabSession(new NodeFileAccess());
session.setRunAsServer(false);
session.start(process.stdin, process.stdout);
