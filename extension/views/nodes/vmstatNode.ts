/** `/proc/vmstat` counters (gup §4) and the locked_vm of vfio pinning (gup §10), on top of the Pages view. */
import type * as vscode from 'vscode';
import { formatCount, mdEscape, vmstatDescription, type Radix } from '../format';
import { BaseNode, type RenderContext } from './baseNode';
import { Collapsed, makeItem } from './treeItem';

const COUNTER_MEANING: Record<string, string> = {
  nr_foll_pin_acquired: 'Pins taken with FOLL_PIN (one per page, or per folio batch), gup §4.',
  nr_foll_pin_released: 'Pins released by unpin_user_page*() (gup §4). acquired − released = pins held.',
  locked_vm: 'Pages accounted against RLIMIT_MEMLOCK by vfio_pin_pages (gup §10).',
};

export class VmstatNode extends BaseNode {
  constructor(
    id: string,
    readonly vmstat: Record<string, number>,
    readonly lockedVm: number,
  ) {
    super(undefined, id);
  }

  toTreeItem(ctx: RenderContext): vscode.TreeItem {
    return makeItem({
      id: this.id,
      label: 'vmstat',
      description: vmstatDescription(this.vmstat, this.lockedVm, ctx.radix),
      tooltip: '**/proc/vmstat** page-pin counters (gup §4) and `locked_vm` (gup §10).',
      icon: 'graph',
      contextValue: 'vmstat',
      collapsible: Collapsed,
    });
  }

  override getChildren(): BaseNode[] {
    const rows = Object.keys(this.vmstat)
      .sort()
      .map((name) => new CounterNode(this, this.childId(name), name, this.vmstat[name]!));
    rows.push(new CounterNode(this, this.childId('locked_vm'), 'locked_vm', this.lockedVm));
    return rows;
  }
}

export class CounterNode extends BaseNode {
  constructor(
    parent: BaseNode,
    id: string,
    readonly name: string,
    readonly value: number,
  ) {
    super(parent, id);
  }

  toTreeItem(ctx: RenderContext): vscode.TreeItem {
    const radix: Radix = ctx.radix;
    const meaning = COUNTER_MEANING[this.name];
    return makeItem({
      id: this.id,
      label: this.name,
      description: formatCount(this.value, radix),
      tooltip: `**${mdEscape(this.name)}** = ${this.value} (\`${formatCount(this.value, 'hex')}\`)${meaning ? `\n\n${mdEscape(meaning)}` : ''}`,
      icon: 'symbol-number',
      contextValue: 'counter',
    });
  }
}
