/** A VMA (`start–end`, kind, protection), listing the pages shown in it. */
import type * as vscode from 'vscode';
import type { VmaView } from '../../../debug-adapter/protocol';
import { mdEscape, vmaDescription, vmaLabel } from '../format';
import { BaseNode, type RenderContext } from './baseNode';
import { PageNode } from './pageNode';
import { Collapsed, Expanded, makeItem } from './treeItem';

export class VmaNode extends BaseNode {
  constructor(
    parent: BaseNode,
    id: string,
    readonly vma: VmaView,
  ) {
    super(parent, id);
  }

  toTreeItem(_ctx: RenderContext): vscode.TreeItem {
    const n = this.vma.pages.length;
    return makeItem({
      id: this.id,
      label: vmaLabel(this.vma),
      description: vmaDescription(this.vma),
      tooltip: `**VMA** \`${mdEscape(vmaLabel(this.vma))}\`\n\nkind ${mdEscape(this.vma.kind)}, ${mdEscape(this.vma.prot)}; ${n} page row${n === 1 ? '' : 's'} shown.\n\nLONGTERM rules by VMA kind: gup §5.`,
      icon: 'symbol-namespace',
      contextValue: 'vma',
      collapsible: n === 0 ? undefined : n <= 64 ? Expanded : Collapsed,
    });
  }

  override getChildren(): BaseNode[] {
    return this.vma.pages.map((p) => new PageNode(this, this.childId(p.vaddr), p));
  }
}
