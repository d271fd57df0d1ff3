/**
 * The web worker extension host entry (package.json `browser`, bundled to `dist/browser.js` for
 * vscode.dev, github.dev and code-server's web worker host): the shared activation with no
 * Node-only services. The debug adapter runs inline, files are read through `vscode.workspace.fs`.
 *
 * The same file is the one copy of the model in the VSIX: the Node entry (`dist/extension.js`)
 * loads it for `activateWith`, the standalone adapter (`dist/debugAdapter.js`) and the Testing
 * view's worker (`dist/testWorker.js`) take the model from `library()`. Loading this file runs
 * nothing heavy (issue 14): the extension's modules are required inside `activateWith`, the model
 * and the adapter on first use (deferred.ts) or through `library()` (esbuild initialises a
 * required module on first use), and nothing imports `vscode` at load time, so the adapter can
 * load it outside VS Code.
 */
import type * as vscode from 'vscode';
import type { VfioLabApi } from './api';
import type { HostInfo, HostServices } from './host';

/**
 * Activates with a host's services and adds the host report (`api.host`, `VFIO Lab: Show
 * Extension Host`); `activationMs` covers loading the extension's modules plus `activate`.
 */
export function activateWith(context: vscode.ExtensionContext, host: HostServices): VfioLabApi & { host: HostInfo } {
  const started = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose, see above
  const shared = require('./extension') as typeof import('./extension');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose, see above
  const report = require('./hostInfo') as typeof import('./hostInfo');
  const info = report.hostInfoOf(host);
  const api = Object.assign(shared.activate(context, host), { host: info });
  context.subscriptions.push(report.registerHostInfoCommand(info));
  info.activationMs = performance.now() - started;
  info.loadedAtActivation = report.loadedModules();
  return api;
}

export function activate(context: vscode.ExtensionContext): VfioLabApi & { host: HostInfo } {
  return activateWith(context, { bundle: 'browser' });
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

/** The model and the adapter for the Node.js bundles beside this one (library.ts, tools/build.mjs). */
export function library(): typeof import('./library') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- initialised only when asked
  return require('./library') as typeof import('./library');
}
