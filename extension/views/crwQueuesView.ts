/**
 * CRW Queues view: the machine's queue, vfio-ccw's CRW list and the guest's queue; each CRW
 * decoded (RSC, ERC, RSID, flags) with its raw word, fields below; overflow shown (css §6).
 */
import type { SessionModel } from '../sessionModel';
import type { BaseNode } from './nodes/baseNode';
import { CrwQueueNode } from './nodes/crwQueueNode';
import { MessageNode } from './nodes/messageNode';
import { VlabView } from './vlabView';

export class CrwQueuesView extends VlabView {
  protected async rootNodes(model: SessionModel): Promise<BaseNode[]> {
    const answer = await model.crwQueues();
    if (answer.queues.length === 0) return [new MessageNode(undefined, 'crw/none', 'No CRW queues')];
    return answer.queues.map((q, i) => new CrwQueueNode(`crwq/${i}:${q.name}`, q, model));
  }
}
