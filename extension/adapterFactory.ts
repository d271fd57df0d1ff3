/**
 * Where the debug adapter runs (`vfioLab.adapter`): `inline` in the extension host (default; the
 * only mode in a browser) or `standalone` as `node dist/debugAdapter.js` over stdio, the same
 * executable other DAP clients use.
 */
import * as vscode from 'vscode';
import { VlabSession } from '../debug-adapter/session';
import { config } from './config';
import { WorkspaceFileAccess } from './workspaceFileAccess';

/** A web-worker extension host (browser) has no Node.js and no child processes. */
function canSpawn(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

export class VlabAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly extensionUri: vscode.Uri) {}

  createDebugAdapterDescriptor(_session: vscode.DebugSession): vscode.DebugAdapterDescriptor {
    if (config.adapter() === 'standalone') {
      if (canSpawn()) {
        const script = vscode.Uri.joinPath(this.extensionUri, 'dist', 'debugAdapter.js');
        return new vscode.DebugAdapterExecutable('node', [script.fsPath]);
      }
      void vscode.window.showWarningMessage('VFIO Lab: the standalone debug adapter needs Node.js; running the adapter inline instead.');
    }
    return new vscode.DebugAdapterInlineImplementation(new VlabSession(new WorkspaceFileAccess()));
  }
}
