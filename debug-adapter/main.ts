/**
 * Standalone debug adapter over stdio, for any DAP client (nvim-dap, Emacs dap-mode, Theia)
 * and for the DAP tests. Opens no network port.
 */
import { promises as fs } from 'fs';
import { VlabSession } from './session';

const session = new VlabSession({ readFile: (p) => fs.readFile(p, 'utf8') });
session.setRunAsServer(false);
session.start(process.stdin, process.stdout);
