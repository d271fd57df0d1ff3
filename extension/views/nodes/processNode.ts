/** A process of the GUP half (`qemu`, pid 1000): its locked_vm / pinned_vm, then its VMAs. */
import type * as vscode from 'vscode';
import type { ProcessSummary } from '../../../debug-adapter/protocol';
import type { SessionModel } from '../../sessionModel';
import { CHANGED_MARK, mdEscape } from '../format';
import { BaseNode, type RenderContext } from './baseNode';
import { CounterNode } from './counterNode';
import { Expanded, makeItem } from './treeItem';
import { VmaNode, type PagesQueryState } from './vmaNode';

export class ProcessNode extends BaseNode {
  constructor(
    id: string,
    readonly process: ProcessSummary,
    readonly model: SessionModel,
    readonly state: PagesQueryState,
  ) {
    super(undefined, id);
  }

  toTreeItem(_ctx: RenderContext): vscode.TreeItem {
    const p = this.process;
    const folios = p.vmas.reduce((n, v) => n + v.matchingFolios, 0);
    const pages = p.vmas.reduce((n, v) => n + v.matchingPages, 0);
    const changed = p.counters.some((c) => c.previous !== undefined);
    const what = folios === pages ? `${pages.toLocaleString('en-US')} page${pages === 1 ? '' : 's'}` : `${folios.toLocaleString('en-US')} folio${folios === 1 ? '' : 's'} (${pages.toLocaleString('en-US')} pages)`;
    return makeItem({
      id: this.id,
      label: p.name,
      description: [`pid ${p.pid}`, `${p.vmas.length} VMA${p.vmas.length === 1 ? '' : 's'}`, what, changed ? CHANGED_MARK : ''].filter(Boolean).join('  '),
      tooltip: `**Process ${mdEscape(p.name)}** (pid ${p.pid}): ${what} listed in ${p.vmas.length} VMA(s).`,
      icon: 'server-process',
      contextValue: 'process',
      collapsible: Expanded,
    });
  }

  override getChildren(): BaseNode[] {
    const p = this.process;
    return [
      ...p.counters.map((c) => new CounterNode(this, this.childId(c.name), c, this.model, p.pid)),
      ...p.vmas.map((vma) => new VmaNode(this, this.childId(`vma:${vma.start}`), p.pid, vma, this.model, this.state)),
    ];
  }
}
