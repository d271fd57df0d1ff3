/**
 * The Node.js extension host entry (package.json `main`, bundled to `dist/extension.js`): the
 * shared activation, loaded from the browser bundle (`./browser` resolves to `./browser.js` at
 * run time, see tools/build.mjs), plus what needs Node.js — the standalone debug adapter started
 * as a `node` child process, real paths for `include` confinement, the Testing view's worker threads. Node-only services belong here, never in `extension.ts`, so that the
 * browser bundle stays free of them (test/package/bundles.test checks its imports).
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { VfioLabApi } from './api';
import { activateWith } from './browser';
import type { HostInfo, HostServices } from './host';
import { WorkerRunner } from './testing/workerRunner';

const NODE_HOST: HostServices = {
  bundle: 'node',
  standaloneAdapter: (extensionUri) =>
    new vscode.DebugAdapterExecutable('node', [vscode.Uri.joinPath(extensionUri, 'dist', 'debugAdapter.js').fsPath]),
  realPath: (p) => fs.realpath(p),
  testWorkers: (extensionUri) => {
    const script = path.join(extensionUri.fsPath, 'dist', 'testWorker.js');
    return (parallel) => new WorkerRunner(script, parallel);
  },
};

export function activate(context: vscode.ExtensionContext): VfioLabApi & { host: HostInfo } {
  return activateWith(context, NODE_HOST);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
