/**
 * What differs between the two extension hosts VFIO Lab runs in, and how it finds out which one
 * it is in. The shared activation (`extension.ts`) takes a `HostServices`; the Node entry
 * (`node.ts`) fills in what needs Node.js or a child process, the browser entry (`browser.ts`)
 * leaves it out, so nothing Node-only is bundled for the web worker extension host.
 */
import type * as vscode from 'vscode';
import type { DeferredModule } from './deferred';
import type { ScenarioRunner } from './testing/scenarioRunner';

/** Which bundle is running: `dist/extension.js` (package.json `main`) or `dist/browser.js` (`browser`). */
export type BundleKind = 'node' | 'browser';
/** Where it runs: VS Code's Node.js extension host, or its web worker extension host. */
export type ExtensionHostKind = 'node' | 'webworker' | 'unknown';

export interface HostServices {
  readonly bundle: BundleKind;
  /**
   * The standalone debug adapter (`vfioLab.adapter: standalone`): only a host that can start a
   * Node.js process provides it; without it the adapter runs inline.
   */
  readonly standaloneAdapter?: (extensionUri: vscode.Uri) => vscode.DebugAdapterDescriptor;
  /**
   * The real path of a file (symlinks resolved), so `include` confinement holds on the target
   * and not on the path text (issue 13); without it links are judged by `vscode.workspace.fs.stat`.
   */
  readonly realPath?: (p: string) => Promise<string>;
  /**
   * Runs Testing-view scenarios off the extension host's thread (worker_threads), cancellable
   * and time-capped; without it they run in-process in slices (scenarioRunner.ts).
   */
  readonly testWorkers?: (extensionUri: vscode.Uri) => (parallel: number) => ScenarioRunner;
}

/** Reported by the API and the `vfioLab.showExtensionHost` command. */
export interface HostInfo {
  readonly bundle: BundleKind;
  readonly extensionHost: ExtensionHostKind;
  /** `vscode.env.uiKind`: desktop or web (code-server and vscode.dev are web with a Node host too). */
  readonly uiKind: 'desktop' | 'web';
  /** Time to load the extension's modules and run `activate()` (performance.now() around both), in ms. */
  activationMs: number;
  /**
   * The modules deferred to first use (deferred.ts) that were loaded by the end of activation:
   * none, unless activation itself needed one (it does not).
   */
  loadedAtActivation: DeferredModule[];
}

/**
 * A web worker has `WorkerGlobalScope` and no `process.versions.node`; the Node extension host
 * has the opposite. Decided at run time, so the report cannot be wrong about which host loaded
 * the bundle.
 */
export function detectExtensionHost(): ExtensionHostKind {
  const g = globalThis as { WorkerGlobalScope?: unknown; process?: { versions?: { node?: unknown } } };
  if (typeof g.process?.versions?.node === 'string') return 'node';
  return typeof g.WorkerGlobalScope === 'function' ? 'webworker' : 'unknown';
}
