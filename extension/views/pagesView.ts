/**
 * Pages view: vmstat counters and locked_vm on top, then process → VMA → page rows with
 * refcount, pincount, maybe-DMA-pinned, dirty (gup §3–4, §10). Only interesting pages and at
 * most `vfioLab.pages.limit` rows are requested, so a model with a million pages stays fast.
 */
import { config } from '../config';
import type { SessionModel } from '../sessionModel';
import { pagesSummary } from './format';
import type { BaseNode } from './nodes/baseNode';
import { MessageNode } from './nodes/messageNode';
import { ProcessNode } from './nodes/processNode';
import { VmstatNode } from './nodes/vmstatNode';
import { VlabView } from './vlabView';

export class PagesView extends VlabView {
  protected async rootNodes(model: SessionModel): Promise<BaseNode[]> {
    const interestingOnly = config.pagesInterestingOnly();
    const limit = config.pagesLimit();
    const answer = await model.pages({ interestingOnly, limit });
    const nodes: BaseNode[] = [new VmstatNode('vmstat', answer.vmstat, answer.lockedVm)];
    const truncated = answer.shownPages >= limit;
    nodes.push(
      new MessageNode(undefined, 'pages/summary', pagesSummary(answer.shownPages, answer.totalPages, interestingOnly), {
        description: truncated ? `limit ${limit}` : undefined,
        tooltip: [
          interestingOnly
            ? 'Only interesting pages are listed: pinned (nonzero pin count), refcount changed, or dirty. Set `vfioLab.pages.interestingOnly` to false to list every page.'
            : 'Every page is listed, up to the limit.',
          `At most ${limit} rows are requested (\`vfioLab.pages.limit\`).`,
        ].join('\n\n'),
        icon: truncated ? 'warning' : 'filter',
      }),
    );
    for (const [i, p] of answer.processes.entries()) nodes.push(new ProcessNode(`proc/${i}:${p.pid}`, p));
    return nodes;
  }
}
