/**
 * The API `activate` returns, for the host tests (and other extensions):
 * `snapshotView(view)` is the fully expanded current tree of a view, built through the same
 * providers the views use; `onDidReceiveState` fires after each `vlab/state` has been applied.
 */
import type * as vscode from 'vscode';
import type { StateEventBody } from '../debug-adapter/protocol';
import type { RadixStore } from './radix';
import type { SessionTracker } from './sessionTracker';
import type { SnapshotNode } from './views/snapshot';
import type { Radix } from './views/format';
import { isViewKind, type ViewKind } from './views/viewKinds';
import type { VlabView } from './views/vlabView';
import type { ScenarioTests } from './testing/scenarioTests';
import type { BaseNode } from './views/nodes/baseNode';
import { statusText } from './statusBar';

export type { SnapshotNode } from './views/snapshot';
export type { Radix } from './views/format';
export type { ViewKind } from './views/viewKinds';

export interface VfioLabApi {
  /** The fully expanded tree of a view; `[]` when no `vlab` session is stopped. */
  snapshotView(view: ViewKind): Promise<SnapshotNode[]>;
  /**
   * The row reached by following labels that start with each of `path` (as the user would expand
   * them), for passing to the row commands in tests; undefined when there is none.
   */
  nodeAt(view: ViewKind, path: string[]): Promise<unknown>;
  /** The status bar item's text, undefined while it is hidden. */
  statusText(): string | undefined;
  /** The radix a view currently shows. */
  radix(view: ViewKind): Radix;
  setRadix(view: ViewKind, radix: Radix): Promise<void>;
  /** Fires after each `vlab/state` event was applied to the session's model. */
  readonly onDidReceiveState: vscode.Event<{ session: vscode.DebugSession; body: StateEventBody }>;
  /** The Testing view's scenarios: run a file (or all) and read each item's last outcome. */
  readonly testing: {
    run(uri?: vscode.Uri, token?: vscode.CancellationToken): Promise<void>;
    items(): Array<{ id: string; label: string; children: Array<{ id: string; label: string; line: number }> }>;
    outcome(id: string): { state: string; message?: string } | undefined;
    /** The test output recorded for a file item in its last run (CRLF lines). */
    output(id: string): string | undefined;
  };
}

export function createApi(views: Record<ViewKind, VlabView>, tracker: SessionTracker, radix: RadixStore, tests: ScenarioTests): VfioLabApi {
  return {
    snapshotView(view) {
      if (!isViewKind(view)) return Promise.reject(new Error(`unknown view '${String(view)}': use subchannels, channelPaths, crwQueues or pages`));
      return views[view].snapshot();
    },
    async nodeAt(view, path) {
      if (!isViewKind(view)) throw new Error(`unknown view '${String(view)}'`);
      const provider = views[view];
      let node: BaseNode | undefined;
      for (const p of path) {
        const children: BaseNode[] = await provider.getChildren(node);
        let found: BaseNode | undefined;
        for (const c of children) {
          const item = provider.getTreeItem(c);
          const label = typeof item.label === 'string' ? item.label : item.label?.label ?? '';
          if (label.startsWith(p)) {
            found = c;
            break;
          }
        }
        if (!found) return undefined;
        node = found;
      }
      return node;
    },
    statusText: () => statusText(tracker.current),
    radix: (view) => radix.get(view),
    setRadix: (view, value) => radix.set(view, value),
    onDidReceiveState: tracker.onDidReceiveState,
    testing: {
      run: (uri, token) => tests.runForApi(uri, token),
      items: () => {
        const out: ReturnType<VfioLabApi['testing']['items']> = [];
        tests.controller.items.forEach((f) => {
          const children: Array<{ id: string; label: string; line: number }> = [];
          f.children.forEach((c) => void children.push({ id: c.id, label: c.label, line: (c.range?.start.line ?? -1) + 1 }));
          out.push({ id: f.id, label: f.label, children });
        });
        return out;
      },
      outcome: (id) => tests.outcomes.get(id),
      output: (id) => tests.outputs.get(id),
    },
  };
}
