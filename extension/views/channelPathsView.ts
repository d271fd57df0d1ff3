/**
 * Channel Paths view (PRODUCT §4, issue 10): each CHPID with its type and its state as the
 * machine (configured / standby, online), host cio (vary online / offline) and the guest (PAM of
 * its subchannels) see it, and the subchannels using it with the path's bit in PIM / PAM / POM /
 * LPM. Context actions vary and configure the path through the debug console's statement path
 * (`chchp`, undoable by Step Back).
 */
import type { SessionModel } from '../sessionModel';
import type { BaseNode } from './nodes/baseNode';
import { ChpidNode } from './nodes/chpidNode';
import { MessageNode } from './nodes/messageNode';
import { VlabView } from './vlabView';

export class ChannelPathsView extends VlabView {
  /** The row of a CHPID at the current stop. */
  async nodeFor(chpid: number): Promise<ChpidNode | undefined> {
    const roots = await this.getChildren();
    return roots.find((n): n is ChpidNode => n instanceof ChpidNode && n.path.chpid === chpid);
  }

  protected async rootNodes(model: SessionModel): Promise<BaseNode[]> {
    const answer = await model.channelPaths();
    if (answer.paths.length === 0) return [new MessageNode(undefined, 'chp/none', 'No channel paths defined', { description: 'add a chpid statement to the scenario' })];
    return answer.paths.map((p) => new ChpidNode(`chp/${p.id}`, p, answer.topology, model));
  }
}
