/** One subchannel (`0.0.0007`, device number and type), expanding to its SCHIB groups. */
import type * as vscode from 'vscode';
import type { SubchannelView } from '../../../debug-adapter/protocol';
import type { SessionModel } from '../../sessionModel';
import { subchannelDescription, subchannelLabel, subchannelTooltip } from '../format';
import { BaseNode, type RenderContext } from './baseNode';
import { GroupNode } from './groupNode';
import { Collapsed, Expanded, makeItem } from './treeItem';

export class SubchannelNode extends BaseNode {
  constructor(
    id: string,
    readonly sch: SubchannelView,
    readonly model: SessionModel,
    /** Expanded at first sight (few subchannels); later VS Code remembers the user's choice. */
    private readonly expand: boolean,
    private readonly changedOnly = false,
  ) {
    super(undefined, id);
  }

  toTreeItem(_ctx: RenderContext): vscode.TreeItem {
    return makeItem({
      id: this.id,
      label: subchannelLabel(this.sch),
      description: subchannelDescription(this.sch),
      tooltip: subchannelTooltip(this.sch),
      // status pending outranks activity: an interruption condition waits for TSCH (css §1.3)
      icon: this.sch.statusPending ? 'bell-dot' : this.sch.active ? 'pulse' : 'circuit-board',
      iconColor: this.sch.statusPending ? 'charts.yellow' : this.sch.active ? 'debugIcon.startForeground' : undefined,
      contextValue: this.sch.statusPending ? 'subchannel.pending' : this.sch.active ? 'subchannel.active' : 'subchannel',
      collapsible: this.expand ? Expanded : Collapsed,
    });
  }

  override getChildren(): BaseNode[] {
    return this.sch.groups
      .map((g, i) => [g, i] as const)
      .filter(([g]) => !this.changedOnly || g.fields.some((f) => f.changed))
      .map(([g, i]) => new GroupNode(this, this.childId(`${i}:${g.name}`), g, this.model, this.sch.sch, this.sch.side, this.changedOnly));
  }
}
