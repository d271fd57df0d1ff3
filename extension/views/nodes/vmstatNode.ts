/** `/proc/vmstat` FOLL_PIN counters (gup §4) on top of the Pages view, each marked when it changed. */
import type * as vscode from 'vscode';
import type { CounterRow } from '../../../debug-adapter/protocol';
import type { SessionModel } from '../../sessionModel';
import { CHANGED_MARK, formatCount } from '../format';
import { BaseNode, type RenderContext } from './baseNode';
import { CounterNode } from './counterNode';
import { Expanded, makeItem } from './treeItem';

export class VmstatNode extends BaseNode {
  constructor(
    id: string,
    readonly counters: CounterRow[],
    readonly model: SessionModel,
  ) {
    super(undefined, id);
  }

  toTreeItem(ctx: RenderContext): vscode.TreeItem {
    const get = (n: string) => this.counters.find((c) => c.name === n)?.value;
    const acq = get('nr_foll_pin_acquired');
    const rel = get('nr_foll_pin_released');
    const changed = this.counters.filter((c) => c.previous !== undefined).length;
    return makeItem({
      id: this.id,
      label: 'vmstat',
      description: [
        acq !== undefined && rel !== undefined ? `pins ${formatCount(acq - rel, ctx.radix)} held` : 'no FOLL_PIN counters in this kernel (gup §4)',
        changed ? `${CHANGED_MARK} ${changed} changed` : '',
      ].filter(Boolean).join('  '),
      tooltip: '**/proc/vmstat** page-pin counters (gup §4): nr\\_foll\\_pin\\_acquired − nr\\_foll\\_pin\\_released = pins held.',
      icon: 'graph',
      contextValue: 'vmstat',
      collapsible: Expanded,
    });
  }

  override getChildren(): BaseNode[] {
    return this.counters.map((c) => new CounterNode(this, this.childId(c.name), c, this.model));
  }
}
