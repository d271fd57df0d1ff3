/**
 * Base of the three VFIO Lab tree views: owns the TreeView, redraws on a stop (never while
 * running), shows nothing without a stopped `vlab` session (the welcome content then says how to
 * start one), and renders nodes in the view's radix. Subclasses only turn the session's answers
 * into root nodes.
 */
import * as vscode from 'vscode';
import type { RadixStore } from '../radix';
import type { SessionModel } from '../sessionModel';
import type { SessionTracker } from '../sessionTracker';
import type { BaseNode } from './nodes/baseNode';
import { errorNode, MessageNode } from './nodes/messageNode';
import { snapshotTree, type SnapshotNode } from './snapshot';
import { VIEW_IDS, VIEW_TITLES, type ViewKind } from './viewKinds';

export abstract class VlabView implements vscode.TreeDataProvider<BaseNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<BaseNode | undefined | void>();
  readonly onDidChangeTreeData = this.emitter.event;
  readonly treeView: vscode.TreeView<BaseNode>;
  /** Root nodes of the last stop: reused while running and across radix changes. */
  private roots: { model: SessionModel; nodes: Promise<BaseNode[]> } | undefined;
  private readonly disposables: vscode.Disposable[] = [this.emitter];

  constructor(
    readonly kind: ViewKind,
    protected readonly tracker: SessionTracker,
    protected readonly radix: RadixStore,
  ) {
    this.treeView = vscode.window.createTreeView(VIEW_IDS[kind], { treeDataProvider: this, showCollapseAll: true });
    this.disposables.push(
      this.treeView,
      tracker.onDidChange((change) => (change === 'state' ? this.refresh() : this.updateDescription())),
      radix.onDidChange((view) => {
        if (view === kind) this.redraw();
      }),
    );
    this.updateDescription();
  }

  /** Forget the last answers and redraw (a stop, a session change, an edit, a setting). */
  refresh(): void {
    this.roots = undefined;
    this.redraw();
  }

  /** Redraw from the nodes already held (radix change). */
  private redraw(): void {
    this.updateDescription();
    this.emitter.fire();
  }

  private updateDescription(): void {
    const model = this.tracker.current;
    const parts: string[] = [this.radix.get(this.kind)];
    if (model?.live && model.running) parts.push('running');
    this.treeView.description = parts.join(' · ');
  }

  getTreeItem(node: BaseNode): vscode.TreeItem {
    return node.toTreeItem({ view: this.kind, radix: this.radix.get(this.kind) });
  }

  getParent(node: BaseNode): BaseNode | undefined {
    return node.parent;
  }

  async getChildren(node?: BaseNode): Promise<BaseNode[]> {
    if (node) return node.getChildren();
    const model = this.tracker.current;
    if (!model?.hasState) return [];
    if (this.roots?.model !== model) {
      if (model.running) {
        // Views never fetch while running: this view was hidden at the last stop.
        return [new MessageNode(undefined, `${this.kind}/running`, 'Running…', { description: 'shown at the next stop', icon: 'loading~spin' })];
      }
      this.roots = { model, nodes: this.buildRoots(model) };
    }
    return this.roots.nodes;
  }

  private async buildRoots(model: SessionModel): Promise<BaseNode[]> {
    try {
      return await this.rootNodes(model);
    } catch (err) {
      this.roots = undefined; // ask again at the next redraw
      return [errorNode(undefined, `${this.kind}/error`, VIEW_TITLES[this.kind].toLowerCase(), err)];
    }
  }

  protected abstract rootNodes(model: SessionModel): Promise<BaseNode[]>;

  /** The fully expanded tree as data; refetches from a stopped session so it is never stale. */
  async snapshot(): Promise<SnapshotNode[]> {
    const model = this.tracker.current;
    if (model?.hasState && !model.running) {
      model.invalidate();
      this.roots = undefined;
    }
    return snapshotTree(this, undefined);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
