/**
 * A field row: `lpm [w2.0-7]` with its value in the view's radix and its decoded meaning
 * (`0x0c  CE|DE`), the group prefix left to the group row (STYLE: peripheral-viewer).
 * `contextValue` starts with `field.rw` for MSCH-modifiable fields (css §5.3) and `field.ro`
 * otherwise, so the edit action appears only where the architecture allows it.
 */
import type * as vscode from 'vscode';
import type { FieldRow } from '../../../debug-adapter/protocol';
import type { SessionModel } from '../../sessionModel';
import { fieldDescription, fieldLabel, fieldTooltip } from '../format';
import type { ViewKind } from '../viewKinds';
import { BaseNode, rowContext, type RenderContext, type RowValue } from './baseNode';
import { makeItem } from './treeItem';

export const FIELD_RW = 'field.rw';
export const FIELD_RO = 'field.ro';

/** Fields that hold a guest absolute address (css §1.3 CPA: 8 bytes past the last CCW executed). */
const ADDRESS_FIELDS = new Set(['scsw.cpa']);

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
    /** Which SCHIB of a passthrough subchannel (vfio topology). */
    readonly side?: 'guest' | 'host',
  ) {
    super(parent, id);
  }

  get editable(): boolean {
    return this.row.editable && this.sch !== undefined;
  }

  override rowValue(): RowValue {
    const { row } = this;
    const rv: RowValue = { model: this.model, value: row.value, width: row.width };
    if (row.expression) rv.expression = row.expression;
    if (this.sch !== undefined) rv.slot = { kind: 'schib', sch: this.sch, field: row.name, ...(this.side ? { side: this.side } : {}) };
    if (ADDRESS_FIELDS.has(row.name) && row.valid && row.value !== 0) rv.address = row.value;
    return rv;
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
      contextValue: rowContext(this.editable ? FIELD_RW : FIELD_RO, this.rowValue()),
      decoration: !row.valid ? 'invalid' : row.changed ? 'changed' : undefined,
    });
  }
}
