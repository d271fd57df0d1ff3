/** A counter row (vmstat, locked_vm, pinned_vm) with its change since the previous stop (gup §4, §10). */
import type * as vscode from 'vscode';
import type { CounterRow } from '../../../debug-adapter/protocol';
import type { SessionModel } from '../../sessionModel';
import { counterDescription, counterTooltip } from '../pagesFormat';
import { BaseNode, rowContext, type RenderContext, type RowValue } from './baseNode';
import { makeItem } from './treeItem';

export class CounterNode extends BaseNode {
  constructor(
    parent: BaseNode | undefined,
    id: string,
    readonly counter: CounterRow,
    readonly model: SessionModel,
    /** The process of a per-process counter (locked_vm, pinned_vm). */
    readonly pid?: number,
  ) {
    super(parent, id);
  }

  override rowValue(): RowValue {
    const c = this.counter;
    return { model: this.model, value: c.value, width: 0, expression: c.expression, slot: { kind: 'counter', name: c.name, ...(this.pid !== undefined ? { pid: this.pid } : {}) } };
  }

  toTreeItem(ctx: RenderContext): vscode.TreeItem {
    const changed = this.counter.previous !== undefined;
    return makeItem({
      id: this.id,
      label: this.counter.name,
      description: counterDescription(this.counter, ctx.radix),
      tooltip: counterTooltip(this.counter),
      icon: changed ? 'diff-modified' : 'symbol-number',
      iconColor: changed ? 'gitDecoration.modifiedResourceForeground' : undefined,
      contextValue: rowContext('counter', this.rowValue()),
      decoration: changed ? 'changed' : undefined,
    });
  }
}
