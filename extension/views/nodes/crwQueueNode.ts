/** A CRW queue (`machine`, `vfio-ccw 0.0.0007`, `guest`), listing its CRWs and its overflow state. */
import type * as vscode from 'vscode';
import type { CrwQueueView } from '../../../debug-adapter/protocol';
import type { SessionModel } from '../../sessionModel';
import { crwQueueDescription, crwQueueTooltip } from '../format';
import { BaseNode, rowContext, type RenderContext, type RowValue } from './baseNode';
import { CrwNode } from './crwNode';
import { MessageNode } from './messageNode';
import { Collapsed, Expanded, makeItem } from './treeItem';

export class CrwQueueNode extends BaseNode {
  constructor(
    id: string,
    readonly queue: CrwQueueView,
    readonly model: SessionModel,
  ) {
    super(undefined, id);
  }

  override rowValue(): RowValue {
    const rv: RowValue = { model: this.model, value: this.queue.crws.length, width: 0, slot: { kind: 'crwQueue', name: this.queue.name } };
    // `crwq.count` reads the machine queue (model/scenario/paths.ts)
    if (this.queue.name === 'machine') rv.expression = 'crwq.count';
    return rv;
  }

  toTreeItem(_ctx: RenderContext): vscode.TreeItem {
    const { queue } = this;
    const empty = queue.crws.length === 0 && !queue.overflow;
    return makeItem({
      id: this.id,
      label: queue.name,
      description: crwQueueDescription(queue),
      tooltip: crwQueueTooltip(queue),
      icon: queue.overflow ? 'warning' : 'list-ordered',
      iconColor: queue.overflow ? 'list.warningForeground' : queue.changed ? 'gitDecoration.modifiedResourceForeground' : undefined,
      contextValue: rowContext(queue.overflow ? 'crwQueue.overflow' : 'crwQueue', this.rowValue()),
      decoration: queue.changed ? 'changed' : undefined,
      collapsible: empty ? undefined : queue.crws.length <= 8 ? Expanded : Collapsed,
    });
  }

  override getChildren(): BaseNode[] {
    const rows: BaseNode[] = this.queue.crws.map((crw, i) => new CrwNode(this, this.childId(i), crw, i, this.model, this.queue.name));
    if (this.queue.overflow) {
      rows.push(
        new MessageNode(this, this.childId('overflow'), 'overflow: CRWs were lost', {
          description: 'OFLW set in the next CRW stored',
          tooltip: 'The queue was full when a CRW had to be added; the lost reports are gone and the next CRW made pending has OFLW set (css §6.1, §6.3).',
          icon: 'warning',
          iconColor: 'list.warningForeground',
        }),
      );
    }
    return rows;
  }
}
