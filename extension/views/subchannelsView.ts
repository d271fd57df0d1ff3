/**
 * Subchannels view: each subchannel → PMCW / SCSW / MBA / MDA → fields `name [bits] value`,
 * changed values marked, invalid SCSW fields dimmed, MSCH-modifiable fields editable.
 */
import { config } from '../config';
import type { SessionModel } from '../sessionModel';
import type { BaseNode } from './nodes/baseNode';
import { MessageNode } from './nodes/messageNode';
import { SubchannelNode } from './nodes/subchannelNode';
import { VlabView } from './vlabView';

/** Up to this many subchannels start expanded. */
const EXPAND_UP_TO = 4;

export class SubchannelsView extends VlabView {
  /** Only fields changed since the previous stop (view-title toggle). */
  changedOnly = false;

  protected override viewDescription(): string {
    return this.changedOnly ? 'changed only' : '';
  }

  setChangedOnly(on: boolean): void {
    this.changedOnly = on;
    this.refresh();
  }

  protected async rootNodes(model: SessionModel): Promise<BaseNode[]> {
    const limit = config.subchannelsLimit();
    const answer = await model.subchannels({ limit });
    const shown = answer.subchannels;
    if (shown.length === 0) return [new MessageNode(undefined, 'subchannels/none', 'No subchannels defined', { description: 'add a device statement to the scenario' })];
    const seen = new Set<string>();
    const nodes: BaseNode[] = shown.map((sch) => {
      let key = `sch/${sch.sid}${sch.side ? '/' + sch.side : ''}`;
      if (seen.has(key)) key = `${key}#${seen.size}`;
      seen.add(key);
      return new SubchannelNode(key, sch, model, shown.length <= EXPAND_UP_TO, this.changedOnly);
    });
    if (answer.total > shown.length) {
      const more = answer.total - shown.length;
      nodes.push(
        new MessageNode(undefined, 'subchannels/more', `… ${more.toLocaleString('en-US')} more subchannel${more === 1 ? '' : 's'}`, {
          description: `showing ${shown.length} of ${answer.total.toLocaleString('en-US')}`,
          tooltip: 'Raise the `vfioLab.subchannels.limit` setting to list more.',
          icon: 'ellipsis',
        }),
      );
    }
    return nodes;
  }
}
