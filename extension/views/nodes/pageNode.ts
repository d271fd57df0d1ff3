/** A page row: `pfn 0x.. vaddr` with `ref 1025 pin 1  maybe-pinned dirty` (gup §3). */
import type * as vscode from 'vscode';
import type { PageRow } from '../../../debug-adapter/protocol';
import { pageDescription, pageLabel, pageTooltip } from '../format';
import { BaseNode, type RenderContext } from './baseNode';
import { makeItem } from './treeItem';

export class PageNode extends BaseNode {
  constructor(
    parent: BaseNode,
    id: string,
    readonly page: PageRow,
  ) {
    super(parent, id);
  }

  toTreeItem(ctx: RenderContext): vscode.TreeItem {
    const p = this.page;
    const pinned = p.maybeDmaPinned || (p.pincount ?? 0) > 0;
    return makeItem({
      id: this.id,
      label: pageLabel(p),
      description: pageDescription(p, ctx.radix),
      tooltip: pageTooltip(p),
      icon: pinned ? 'pinned' : p.dirty ? 'circle-filled' : 'file-binary',
      iconColor: p.changed ? 'gitDecoration.modifiedResourceForeground' : undefined,
      contextValue: pinned ? 'page.pinned' : 'page',
      decoration: p.changed ? 'changed' : undefined,
    });
  }
}
