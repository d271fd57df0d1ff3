/**
 * What the Node.js bundles beside the browser bundle take from it instead of carrying a second
 * copy of the model (tools/build.mjs maps their imports to `require('./browser.js').library()`):
 * the standalone debug adapter (`dist/debugAdapter.js`) and the Testing view's worker thread
 * (`dist/testWorker.js`). Loaded only through `library()` in browser.ts, so the extension hosts
 * never initialise the session and the model when they load the bundle (issue 14).
 */
export { VlabSession } from '../debug-adapter/session';
export { warmUp, flatScenario } from '../debug-adapter/warmup';
export { Response } from '@vscode/debugadapter';
export { DEFAULT_LIMITS, limitMessage } from '../model/limits';
export { runScenarioJob } from './testing/job';
