/**
 * A field row: `pmcw.lpm [w2.0-7]` with its value in the view's radix (STYLE: peripheral-viewer).
 * `contextValue` is `field.rw` for MSCH-modifiable fields (css §5.3) and `field.ro` otherwise, so
 * the edit action appears only where the architecture allows it.
 */
import type * as vscode from 'vscode';
import type { FieldRow } from '../../../debug-adapter/protocol';
import type { SessionModel } from '../../sessionModel';
import { fieldDescription, fieldLabel, fieldTooltip } from '../format';
import type { ViewKind } from '../viewKinds';
import { BaseNode, type RenderContext } from './baseNode';
import { makeItem } from './treeItem';

export const FIELD_RW = 'field.rw';
export const FIELD_RO = 'field.ro';

export class FieldNode extends BaseNode {
  constructor(
    parent: BaseNode,
    id: string,
    readonly row: FieldRow,
    /** The session the row was read from (edits go there). */
    readonly model: SessionModel,
    /** The view the row is in (its radix applies to copies). */
    readonly view: ViewKind,
    /** Subchannel number for SCHIB fields; undefined for rows that are not SCHIB fields (CRW). */
    readonly sch?: number,
  ) {
    super(parent, id);
  }

  get editable(): boolean {
    return this.row.editable && this.sch !== undefined;
  }

  toTreeItem(ctx: RenderContext): vscode.TreeItem {
    const { row } = this;
    return makeItem({
      id: this.id,
      label: fieldLabel(row),
      description: fieldDescription(row, ctx.radix),
      tooltip: fieldTooltip(row),
      icon: !row.valid ? 'circle-slash' : row.changed ? 'diff-modified' : this.editable ? 'symbol-property' : 'symbol-field',
      iconColor: !row.valid ? 'disabledForeground' : row.changed ? 'gitDecoration.modifiedResourceForeground' : undefined,
      contextValue: this.editable ? FIELD_RW : FIELD_RO,
      decoration: !row.valid ? 'invalid' : row.changed ? 'changed' : undefined,
    });
  }
}
