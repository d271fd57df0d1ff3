/**
 * VFIO Lab activation: wires the debug adapter, the launch configuration providers, the session
 * tracker, the three views and the commands, and returns the API. Everything else lives in one
 * file per concern next to this one.
 */
import * as vscode from 'vscode';
import { VlabAdapterFactory } from './adapterFactory';
import { createApi, type VfioLabApi } from './api';
import { registerCommands } from './commands';
import { registerFunctionBreakpointCommand } from './functionBreakpointCommand';
import { config } from './config';
import { registerConfigurationProviders } from './debugConfigProvider';
import { registerLanguageFeatures } from './language';
import { installNodeHost } from './nodeHost';
import { RadixStore } from './radix';
import { DEBUG_TYPE, SessionTracker } from './sessionTracker';
import { registerTesting } from './testing/scenarioTests';
import { registerViews } from './views/registerViews';
import { registerWebviews } from './webviews';

export function activate(context: vscode.ExtensionContext): VfioLabApi {
  installNodeHost(context.extensionUri); // Node-only services (include real paths, test workers)
  const radix = new RadixStore(context.globalState);
  const tracker = new SessionTracker();
  // the tree views, their actions, the status bar item and the walkthrough commands (issue 10)
  const views = registerViews(context, tracker, radix);
  const tests = registerTesting();
  context.subscriptions.push(
    radix,
    tracker,
    registerConfigurationProviders(),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new VlabAdapterFactory(context.extensionUri)),
    registerCommands({ tracker, radix, views }),
    registerFunctionBreakpointCommand(),
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
