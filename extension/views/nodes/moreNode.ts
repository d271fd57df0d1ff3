/** `Next 1,000 of 100,000…`: clicking it shows the next page of rows of a VMA (issue 10). */
import * as vscode from 'vscode';
import { BaseNode, type RenderContext } from './baseNode';
import { makeItem } from './treeItem';

export const PAGES_MORE_COMMAND = 'vfioLab.pages.more';

export class MoreNode extends BaseNode {
  constructor(
    parent: BaseNode,
    id: string,
    /** The VMA node whose list grows. */
    readonly owner: BaseNode,
    readonly shown: number,
    readonly total: number,
    readonly pageSize: number,
  ) {
    super(parent, id);
  }

  toTreeItem(_ctx: RenderContext): vscode.TreeItem {
    const next = Math.min(this.pageSize, this.total - this.shown);
    const item = makeItem({
      id: this.id,
      label: `Next ${next.toLocaleString('en-US')}…`,
      description: `${this.shown.toLocaleString('en-US')} of ${this.total.toLocaleString('en-US')} folios shown`,
      tooltip: `Show the next ${next} folios of this VMA (rows per step: \`vfioLab.pages.limit\`).`,
      icon: 'ellipsis',
      contextValue: 'more',
    });
    item.command = { command: PAGES_MORE_COMMAND, title: 'Show more', arguments: [this] };
    return item;
  }
}

export function isMoreNode(x: unknown): x is MoreNode {
  return x instanceof MoreNode;
}

export type { vscode };
