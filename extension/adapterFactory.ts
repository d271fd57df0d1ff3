/**
 * Where the debug adapter runs (`vfioLab.adapter`): `inline` in the extension host (default; the
 * only mode in a browser) or `standalone` as `node dist/debugAdapter.js` over stdio, the same
 * executable other DAP clients use. The standalone descriptor comes from the Node entry
 * (`node.ts`); the browser entry has none, so the adapter falls back to inline there.
 */
import * as vscode from 'vscode';
import { config } from './config';
import { deferred } from './deferred';
import type { HostServices } from './host';
import { WorkspaceFileAccess } from './workspaceFileAccess';

/** The session and the model behind it: loaded by the first debug session, not at activation (issue 14). */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose (deferred.ts)
const adapter = deferred('debugAdapter', () => require('../debug-adapter/session') as typeof import('../debug-adapter/session'));

export class VlabAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly host: HostServices,
  ) {}

  createDebugAdapterDescriptor(_session: vscode.DebugSession): vscode.DebugAdapterDescriptor {
    if (config.adapter() === 'standalone') {
      if (this.host.standaloneAdapter) return this.host.standaloneAdapter(this.extensionUri);
      void vscode.window.showWarningMessage('VFIO Lab: the standalone debug adapter needs Node.js; running the adapter inline instead.');
    }
    return new vscode.DebugAdapterInlineImplementation(new (adapter().VlabSession)(new WorkspaceFileAccess()));
  }
}
