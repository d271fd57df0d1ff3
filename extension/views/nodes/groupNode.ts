/** A SCHIB word group of one subchannel: PMCW, SCSW, MBA or MDA (css §1), listing its fields. */
import type * as vscode from 'vscode';
import type { FieldGroup } from '../../../debug-adapter/protocol';
import type { SessionModel } from '../../sessionModel';
import { groupDescription, groupTooltip } from '../format';
import { BaseNode, type RenderContext } from './baseNode';
import { FieldNode } from './fieldNode';
import { Collapsed, makeItem } from './treeItem';

const GROUP_MEANING: Record<string, string> = {
  PMCW: 'Path-management-control word (css §1.1): interruption parameter, ISC, enable/valid bits, device number, path masks (LPM, PNOM, LPUM, PIM, PAM, POM), CHPIDs.',
  SCSW: 'Subchannel-status word (css §1.3): function, activity and status control, CCW address, device and subchannel status, residual count. Fields are valid only in some states.',
  MBA: 'Measurement-block address (css §1): the format-1 block (64 bytes, MBFC = 1); format-0 blocks are at the SCHM origin + MBI × 32.',
  MDA: 'Model-dependent area (css §1): the model shows the address of the last measurement-block update here [unverified: chosen].',
};

export class GroupNode extends BaseNode {
  constructor(
    parent: BaseNode,
    id: string,
    readonly group: FieldGroup,
    readonly model: SessionModel,
    readonly sch: number,
    readonly side: 'guest' | 'host' | undefined,
    /** Only fields changed since the previous stop ("changed only" toggle). */
    readonly changedOnly = false,
  ) {
    super(parent, id);
  }

  toTreeItem(_ctx: RenderContext): vscode.TreeItem {
    return makeItem({
      id: this.id,
      label: this.group.name,
      description: groupDescription(this.group),
      tooltip: groupTooltip(this.group, GROUP_MEANING[this.group.name] ?? ''),
      icon: 'symbol-struct',
      contextValue: 'group',
      collapsible: Collapsed,
    });
  }

  override getChildren(): BaseNode[] {
    const seen = new Set<string>();
    const out: BaseNode[] = [];
    this.group.fields.forEach((row, i) => {
      const key = seen.has(row.name) ? `${row.name}#${i}` : row.name;
      seen.add(row.name);
      if (!this.changedOnly || row.changed) out.push(new FieldNode(this, this.childId(key), row, this.model, 'subchannels', this.sch, this.side));
    });
    return out;
  }
}
