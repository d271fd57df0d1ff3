/**
 * VFIO Lab activation: wires the debug adapter, the launch configuration providers, the session
 * tracker, the three views and the commands, and returns the API. Everything else lives in one
 * file per concern next to this one.
 *
 * Shared by both extension hosts: the entries are `node.ts` (Node.js extension host,
 * `dist/extension.js`) and `browser.ts` (web worker extension host, `dist/browser.js`), which pass
 * the host's services. Everything registered here runs in the browser too, so nothing here may
 * import a Node.js module (test/package/bundles.test checks the browser bundle).
 */
import * as vscode from 'vscode';
import { VlabAdapterFactory } from './adapterFactory';
import { createApi, type VfioLabApi } from './api';
import { registerCommands } from './commands';
import { config } from './config';
import { registerConfigurationProviders } from './debugConfigProvider';
import type { HostServices } from './host';
import { registerLanguageFeatures } from './language';
import { RadixStore } from './radix';
import { DEBUG_TYPE, SessionTracker } from './sessionTracker';
import { registerTesting } from './testing/scenarioTests';
import { CrwQueuesView } from './views/crwQueuesView';
import { registerRowDecorations } from './views/decorations';
import { PagesView } from './views/pagesView';
import { SubchannelsView } from './views/subchannelsView';

export function activate(context: vscode.ExtensionContext, host: HostServices): VfioLabApi {
  const radix = new RadixStore(context.globalState);
  const tracker = new SessionTracker();
  const views = {
    subchannels: new SubchannelsView('subchannels', tracker, radix),
    crwQueues: new CrwQueuesView('crwQueues', tracker, radix),
    pages: new PagesView('pages', tracker, radix),
  };
  const tests = registerTesting();
  context.subscriptions.push(
    radix,
    tracker,
    views.subchannels,
    views.crwQueues,
    views.pages,
    registerRowDecorations(),
    registerConfigurationProviders(),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new VlabAdapterFactory(context.extensionUri, host)),
    registerCommands({ tracker, radix, views }),
    registerLanguageFeatures(),
    tests,
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (config.affectsViews(e)) tracker.refresh();
    }),
  );
  return createApi(views, tracker, radix, tests);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
