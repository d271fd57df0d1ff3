/**
 * The fully expanded tree of a view as plain data, built through the view's own
 * TreeDataProvider (getChildren + getTreeItem), so what tests see is what the user sees.
 */
import type * as vscode from 'vscode';

export interface SnapshotNode {
  label: string;
  description?: string;
  tooltip?: string;
  children: SnapshotNode[];
}

function text(value: string | vscode.TreeItemLabel | vscode.MarkdownString | boolean | undefined): string | undefined {
  if (value === undefined || typeof value === 'boolean') return undefined;
  if (typeof value === 'string') return value;
  if ('value' in value) return value.value;
  return value.label;
}

export async function snapshotTree<T>(provider: vscode.TreeDataProvider<T>, element?: T): Promise<SnapshotNode[]> {
  const children = (await provider.getChildren(element)) ?? [];
  const out: SnapshotNode[] = [];
  for (const child of children) {
    const item = await provider.getTreeItem(child);
    const node: SnapshotNode = { label: text(item.label) ?? '', children: [] };
    const description = text(item.description);
    if (description !== undefined) node.description = description;
    const tooltip = text(item.tooltip);
    if (tooltip !== undefined) node.tooltip = tooltip;
    node.children = await snapshotTree(provider, child);
    out.push(node);
  }
  return out;
}
