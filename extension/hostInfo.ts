/**
 * `VFIO Lab: Show Extension Host`: which bundle runs, in which extension host, and how long
 * `activate()` took. Users see whether the web (browser) build is in use; the end-to-end tests
 * read the same message to prove the extension ran in the web worker extension host.
 */
import * as vscode from 'vscode';
import { loadedModules, type DeferredModule } from './deferred';
import { detectExtensionHost, type HostInfo, type HostServices } from './host';

export { loadedModules } from './deferred';

export const SHOW_EXTENSION_HOST_COMMAND = 'vfioLab.showExtensionHost';

const HOST_NAMES: Record<HostInfo['extensionHost'], string> = {
  node: 'Node.js extension host',
  webworker: 'web worker extension host',
  unknown: 'unrecognised extension host',
};

export function hostInfoOf(host: HostServices): HostInfo {
  return {
    bundle: host.bundle,
    extensionHost: detectExtensionHost(),
    uiKind: vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop',
    activationMs: 0,
    loadedAtActivation: [],
  };
}

/** One line, stable so tests can parse it: `... in the web worker extension host (browser bundle, activated in 4.2 ms)`. */
export function describeHost(info: HostInfo): string {
  return `VFIO Lab runs in the ${HOST_NAMES[info.extensionHost]} (${info.bundle} bundle, ${info.uiKind} UI, activated in ${info.activationMs.toFixed(1)} ms)`;
}

/** The command's answer: the report, and the deferred modules loaded by now (first uses since activation). */
export type HostReport = HostInfo & { loaded: DeferredModule[] };

export function registerHostInfoCommand(info: HostInfo): vscode.Disposable {
  return vscode.commands.registerCommand(SHOW_EXTENSION_HOST_COMMAND, (): HostReport => {
    void vscode.window.showInformationMessage(describeHost(info));
    return { ...info, loaded: loadedModules() };
  });
}
