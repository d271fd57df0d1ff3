/**
 * VFIO Lab activation: wires the debug adapter, the launch configuration providers, the session
 * tracker, the three views and the commands, and returns the API. Everything else lives in one
 * file per concern next to this one.
 */
import * as vscode from 'vscode';
import { VlabAdapterFactory } from './adapterFactory';
import { createApi, type VfioLabApi } from './api';
import { registerCommands } from './commands';
import { config } from './config';
import { registerConfigurationProviders } from './debugConfigProvider';
import { registerLanguageFeatures } from './language';
import { RadixStore } from './radix';
import { DEBUG_TYPE, SessionTracker } from './sessionTracker';
import { registerTesting } from './testing/scenarioTests';
import { CrwQueuesView } from './views/crwQueuesView';
import { registerRowDecorations } from './views/decorations';
import { PagesView } from './views/pagesView';
import { SubchannelsView } from './views/subchannelsView';
import { registerWebviews } from './webviews';

export function activate(context: vscode.ExtensionContext): VfioLabApi {
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
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new VlabAdapterFactory(context.extensionUri)),
    registerCommands({ tracker, radix, views }),
    registerLanguageFeatures(),
    tests,
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (config.affectsViews(e)) tracker.refresh();
    }),
  );
  registerWebviews(context);
  return createApi(views, tracker, radix, tests);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
