/** One CRW: decoded label (RSC / ERC / RSID), raw word in the description, fields as children. */
import type * as vscode from 'vscode';
import type { CrwView } from '../../../debug-adapter/protocol';
import type { SessionModel } from '../../sessionModel';
import { crwFieldRows } from '../crwFields';
import { crwDescription, crwLabel, crwTooltip } from '../format';
import { BaseNode, rowContext, type RenderContext, type RowValue } from './baseNode';
import { FieldNode } from './fieldNode';
import { Collapsed, makeItem } from './treeItem';

export class CrwNode extends BaseNode {
  constructor(
    parent: BaseNode,
    id: string,
    readonly crw: CrwView,
    /** Position in the queue: 0 is what the next STCRW stores. */
    readonly index: number,
    readonly model: SessionModel,
    /** The queue's name (`machine`, `vfio-ccw 0.0.0007`, `guest`). */
    readonly queue: string,
  ) {
    super(parent, id);
  }

  override rowValue(): RowValue {
    return { model: this.model, value: this.crw.raw >>> 0, width: 32, slot: { kind: 'crwQueue', name: this.queue } };
  }

  toTreeItem(ctx: RenderContext): vscode.TreeItem {
    return makeItem({
      id: this.id,
      label: crwLabel(this.crw),
      description: crwDescription(this.crw, ctx.radix),
      tooltip: `${crwTooltip(this.crw)}\n\nQueue position ${this.index}${this.index === 0 ? ' (the next STCRW stores this one)' : ''}.${this.crw.isNew ? '\n\n● Queued since the previous stop.' : ''}`,
      icon: this.crw.oflw ? 'warning' : this.crw.isNew ? 'mail-read' : 'mail',
      iconColor: this.crw.oflw ? 'list.warningForeground' : this.crw.isNew ? 'gitDecoration.modifiedResourceForeground' : undefined,
      contextValue: rowContext('crw', this.rowValue()),
      decoration: this.crw.isNew ? 'changed' : undefined,
      collapsible: Collapsed,
    });
  }

  override getChildren(): BaseNode[] {
    return crwFieldRows(this.crw).map((row) => new FieldNode(this, this.childId(row.name), row, this.model, 'crwQueues'));
  }
}
