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
import { config } from '../config';
import { debugViewId, VIEW_IDS, VIEW_TITLES, type ViewKind } from './viewKinds';

export abstract class VlabView implements vscode.TreeDataProvider<BaseNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<BaseNode | undefined | void>();
  readonly onDidChangeTreeData = this.emitter.event;
  /** The view in the VFIO Lab container and its twin in Run and Debug (`vfioLab.views.location`). */
  private readonly treeViews: vscode.TreeView<BaseNode>[];
  /** Root nodes of the last stop: reused while running and across radix changes. */
  private roots: { model: SessionModel; nodes: Promise<BaseNode[]> } | undefined;
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  /** Ids of the root rows last built (`owns`). */
  private rootIds = new Set<string>();

  constructor(
    readonly kind: ViewKind,
    protected readonly tracker: SessionTracker,
    protected readonly radix: RadixStore,
  ) {
    this.treeViews = [VIEW_IDS[kind], debugViewId(kind)].map((id) => vscode.window.createTreeView(id, { treeDataProvider: this, showCollapseAll: true }));
    this.disposables.push(
      ...this.treeViews,
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

  /** The tree view the user sees: the one in the container `vfioLab.views.location` names. */
  get treeView(): vscode.TreeView<BaseNode> {
    return this.treeViews.find((t) => t.visible) ?? this.treeViews[config.viewsLocation() === 'debug' ? 1 : 0]!;
  }

  /** Redraw one node and what is below it (a VMA's next page of rows). */
  protected refreshNode(node: BaseNode): void {
    this.emitter.fire(node);
  }

  /** Is the node one of this view's rows (row actions find the view of a context-menu row)? */
  owns(node: BaseNode): boolean {
    let n: BaseNode | undefined = node;
    while (n.parent) n = n.parent;
    return this.rootIds.has(n.id);
  }

  /** Select and show a row in the visible tree view. */
  protected async revealNode(node: BaseNode): Promise<void> {
    await this.treeView.reveal(node, { select: true, focus: false, expand: false });
  }

  /** Extra text after the radix in the view's title (a filter, "changed only"). */
  protected viewDescription(): string {
    return '';
  }

  /** Redraw from the nodes already held (radix change). */
  protected redraw(): void {
    this.updateDescription();
    this.emitter.fire();
  }

  private updateDescription(): void {
    const model = this.tracker.current;
    const parts: string[] = [this.radix.get(this.kind)];
    if (model?.live && model.running) parts.push('running');
    const extra = this.viewDescription();
    if (extra) parts.push(extra);
    for (const t of this.treeViews) t.description = parts.join(' · ');
  }

  getTreeItem(node: BaseNode): vscode.TreeItem {
    return node.toTreeItem({ view: this.kind, radix: this.radix.get(this.kind) });
  }

  getParent(node: BaseNode): BaseNode | undefined {
    return node.parent;
  }

  async getChildren(node?: BaseNode): Promise<BaseNode[]> {
    if (node) return await node.getChildren();
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
      const nodes = await this.rootNodes(model);
      this.rootIds = new Set(nodes.map((n) => n.id));
      return nodes;
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
