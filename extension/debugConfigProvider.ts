/**
 * Launch configurations for `vlab`: F5 on a `.vlab` file works without a launch.json (the empty
 * configuration is filled from the active editor), "create a launch.json" offers a default, and
 * the Run and Debug dropdown lists the open scenarios (dynamic configurations).
 */
import * as vscode from 'vscode';
import { DEBUG_TYPE } from './sessionTracker';

export const LANGUAGE_ID = 'vlab';

/** The launch attributes declared in package.json `contributes.debuggers[0].configurationAttributes.launch`. */
export interface VlabLaunchConfiguration extends vscode.DebugConfiguration {
  type: typeof DEBUG_TYPE;
  request: 'launch';
  /** Scenario file: a path, or a URI string in a virtual workspace. */
  program: string;
  stopOnEntry?: boolean;
  trace?: boolean;
  /** Time-travel memory bound; from the setting vfioLab.history.maxBytes when not given. */
  maxHistoryBytes?: number;
  /** Raised resource limits (model/limits.ts); from the setting vfioLab.limits when not given. */
  limits?: Record<string, number>;
}

/**
 * The setting vfioLab.history.maxBytes as the launch attribute `maxHistoryBytes`, unless the
 * configuration sets it (the adapter checks the range and answers a bad value with an error).
 */
export function withHistoryBound(config: vscode.DebugConfiguration): vscode.DebugConfiguration {
  if (config.maxHistoryBytes === undefined) {
    const bytes = vscode.workspace.getConfiguration('vfioLab').get<number>('history.maxBytes');
    if (typeof bytes === 'number') config.maxHistoryBytes = bytes;
  }
  if (config.limits === undefined) {
    const limits = vscode.workspace.getConfiguration('vfioLab').get<Record<string, number>>('limits');
    if (limits && typeof limits === 'object' && Object.keys(limits).length) config.limits = { ...limits };
  }
  return config;
}

/** What the adapter gets as `program` for a document: its path, or its URI when it is not a local file. */
export function programOf(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? uri.fsPath : uri.toString();
}

export function basename(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}

export function launchConfigFor(uri: vscode.Uri, options: { stopOnEntry?: boolean; name?: string } = {}): VlabLaunchConfiguration {
  return {
    type: DEBUG_TYPE,
    request: 'launch',
    name: options.name ?? `Debug ${basename(uri)}`,
    program: programOf(uri),
    stopOnEntry: options.stopOnEntry ?? true,
  };
}

/** The `.vlab` document of the active editor, if any. */
export function activeScenario(): vscode.Uri | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc) return undefined;
  if (doc.languageId === LANGUAGE_ID || doc.uri.path.endsWith('.vlab')) return doc.uri;
  return undefined;
}

export class VlabConfigurationProvider implements vscode.DebugConfigurationProvider {
  /** The default written into a new launch.json (same as package.json `initialConfigurations`). */
  provideDebugConfigurations(): vscode.DebugConfiguration[] {
    return [{ type: DEBUG_TYPE, request: 'launch', name: 'Debug scenario', program: '${file}', stopOnEntry: true }];
  }

  resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration | undefined {
    // F5 without launch.json: VS Code passes an empty configuration.
    if (!config.type && !config.request && !config.name) {
      const uri = activeScenario();
      if (!uri) {
        void vscode.window.showInformationMessage('VFIO Lab: open a .vlab scenario to debug it.');
        return undefined;
      }
      return withHistoryBound(launchConfigFor(uri));
    }
    if (!config.program) {
      const uri = activeScenario();
      if (!uri) {
        void vscode.window.showErrorMessage('VFIO Lab: the launch configuration has no "program" and no .vlab file is open.');
        return undefined; // abort the launch
      }
      config.program = programOf(uri);
    }
    return withHistoryBound(config);
  }
}

/** Run and Debug dropdown: one entry per open `.vlab` editor. */
export class VlabDynamicConfigurationProvider implements vscode.DebugConfigurationProvider {
  provideDebugConfigurations(): vscode.DebugConfiguration[] {
    const seen = new Set<string>();
    const configs: vscode.DebugConfiguration[] = [];
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.languageId !== LANGUAGE_ID || seen.has(doc.uri.toString())) continue;
      seen.add(doc.uri.toString());
      configs.push(launchConfigFor(doc.uri));
    }
    return configs;
  }
}

export function registerConfigurationProviders(): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new VlabConfigurationProvider()),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new VlabDynamicConfigurationProvider(), vscode.DebugConfigurationProviderTriggerKind.Dynamic),
  );
}
