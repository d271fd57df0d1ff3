/**
 * VFIO Lab activation: wires the debug adapter, the launch configuration providers, the session
 * tracker, the views and the commands, and returns the API. Everything else lives in one
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
import { registerFunctionBreakpointCommand } from './functionBreakpointCommand';
import { config } from './config';
import { registerConfigurationProviders } from './debugConfigProvider';
import type { HostServices } from './host';
import { registerLanguageFeatures } from './language';
import { RadixStore } from './radix';
import { DEBUG_TYPE, SessionTracker } from './sessionTracker';
import { registerTesting } from './testing/scenarioTests';
import { useScenarioRunner } from './testing/scenarioRunner';
import { registerViews } from './views/registerViews';
import { registerWebviews } from './webviews';
import { useRealPath } from './workspaceFileAccess';

export function activate(context: vscode.ExtensionContext, host: HostServices): VfioLabApi {
  // Node-only services (include confinement on real paths, Testing view worker threads), when the host has them
  if (host.realPath) useRealPath(host.realPath);
  if (host.testWorkers) useScenarioRunner(host.testWorkers(context.extensionUri));
  const radix = new RadixStore(context.globalState);
  const tracker = new SessionTracker();
  // the tree views, their actions, the status bar item and the walkthrough commands (issue 10)
  const views = registerViews(context, tracker, radix);
  const tests = registerTesting();
  context.subscriptions.push(
    radix,
    tracker,
    registerConfigurationProviders(),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new VlabAdapterFactory(context.extensionUri, host)),
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
