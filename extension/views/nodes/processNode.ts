/** A process of the GUP half (`qemu`, pid 1000), listing its VMAs. */
import type * as vscode from 'vscode';
import type { ProcessView } from '../../../debug-adapter/protocol';
import { mdEscape, processDescription, processLabel } from '../format';
import { BaseNode, type RenderContext } from './baseNode';
import { Expanded, makeItem } from './treeItem';
import { VmaNode } from './vmaNode';

export class ProcessNode extends BaseNode {
  constructor(
    id: string,
    readonly process: ProcessView,
  ) {
    super(undefined, id);
  }

  toTreeItem(_ctx: RenderContext): vscode.TreeItem {
    return makeItem({
      id: this.id,
      label: processLabel(this.process),
      description: processDescription(this.process),
      tooltip: `**Process ${mdEscape(this.process.name)}** (pid ${this.process.pid})`,
      icon: 'server-process',
      contextValue: 'process',
      collapsible: Expanded,
    });
  }

  override getChildren(): BaseNode[] {
    return this.process.vmas.map((vma, i) => new VmaNode(this, this.childId(`${i}:${vma.start}`), vma));
  }
}
