/**
 * Pages view (PRODUCT §4, issue 10): vmstat counters on top, then process → its locked_vm /
 * pinned_vm → VMA → folio rows. Each VMA pages its own rows (`vfioLab.pages.limit` per step, a
 * "next" row for more), only when expanded; a filter (pinned only, pincount > N, dirty, zone,
 * address or PFN range) and a sort (pincount / refcount) narrow what is listed. Counts say folios
 * and pages. `reveal(pid, vaddr)` shows one page's row (the page map's "reveal in Pages").
 */
import type { PageFilter, PageSort } from '../../debug-adapter/protocol';
import { config } from '../config';
import type { SessionModel } from '../sessionModel';
import { filterDescription } from './pagesFormat';
import type { BaseNode } from './nodes/baseNode';
import { FolioNode } from './nodes/folioNode';
import { MessageNode } from './nodes/messageNode';
import { ProcessNode } from './nodes/processNode';
import { VmaNode, type PagesQueryState } from './nodes/vmaNode';
import { VmstatNode } from './nodes/vmstatNode';
import { VlabView } from './vlabView';

export class PagesView extends VlabView implements PagesQueryState {
  filter: PageFilter = {};
  sort: PageSort = 'vaddr';
  /** Rows shown per VMA key beyond the first step ("next" clicked). */
  private readonly extra = new Map<string, number>();
  private lastRoots: BaseNode[] = [];

  get pageSize(): number {
    return config.pagesLimit();
  }

  shown(key: string): number {
    return this.pageSize + (this.extra.get(key) ?? 0);
  }

  protected override viewDescription(): string {
    // the base constructor asks before this class's fields are set
    return this.filter ? filterDescription(this.filter, this.sort) : '';
  }

  /** A new filter or sort: every VMA starts again at its first step. */
  setQuery(filter: PageFilter, sort: PageSort): void {
    this.filter = filter;
    this.sort = sort;
    this.extra.clear();
    this.refresh();
  }

  /** "Next 1,000": the VMA shows one more step of rows; only that VMA is fetched again. */
  showMore(vma: BaseNode): number | undefined {
    if (!(vma instanceof VmaNode)) return undefined;
    this.extra.set(vma.key, (this.extra.get(vma.key) ?? 0) + this.pageSize);
    this.refreshNode(vma);
    return this.shown(vma.key);
  }

  /** `showMore` for the VMA of `pid` starting at `start` (0x hex). */
  async showMoreOf(pid: number, start: string): Promise<number | undefined> {
    await this.getChildren();
    const proc = this.lastRoots.find((n): n is ProcessNode => n instanceof ProcessNode && n.process.pid === pid);
    const vma = proc?.getChildren().find((n): n is VmaNode => n instanceof VmaNode && n.vma.start === start);
    return vma ? this.showMore(vma) : undefined;
  }

  protected async rootNodes(model: SessionModel): Promise<BaseNode[]> {
    const answer = await model.pagesSummary({ filter: this.filter });
    const nodes: BaseNode[] = [new VmstatNode('vmstat', answer.vmstat, model)];
    if (answer.processes.length === 0) {
      nodes.push(new MessageNode(undefined, 'pages/none', 'No processes', { description: 'add a process statement to the scenario' }));
    }
    for (const p of answer.processes) nodes.push(new ProcessNode(`proc/${p.pid}`, p, model, this));
    this.lastRoots = nodes;
    return nodes;
  }

  /**
   * Reveal the row of the folio mapping `vaddr` in process `pid`: its VMA is paged far enough to
   * hold it. Returns a one-line reason when it cannot be shown (unmapped, filtered out).
   */
  async reveal(pid: number, vaddr: string): Promise<string | undefined> {
    const model = this.tracker.current;
    if (!model?.hasState || model.running) return 'no stopped VFIO Lab debug session';
    await this.getChildren();
    const proc = this.lastRoots.find((n): n is ProcessNode => n instanceof ProcessNode && n.process.pid === pid);
    if (!proc) return `no process with pid ${pid}`;
    const addr = BigInt(vaddr);
    const vma = proc.getChildren().find((n): n is VmaNode => n instanceof VmaNode && addr >= BigInt(n.vma.start) && addr < BigInt(n.vma.end));
    if (!vma) return `${vaddr} is not inside a VMA of pid ${pid}`;
    const found = await model.vmaPages({ pid, start: vma.vma.start, filter: this.filter, sort: this.sort, count: 1, find: vaddr });
    if (found.found === 'unmapped') return `no page is mapped at ${vaddr} in pid ${pid}`;
    if (found.found === undefined || found.found < 0) return `the page at ${vaddr} is not listed by the current filter (${filterDescription(this.filter, this.sort) || 'interesting pages only'}): clear the filter to see it`;
    const need = found.found + 1;
    if (need > this.shown(vma.key)) this.extra.set(vma.key, Math.ceil(need / this.pageSize) * this.pageSize - this.pageSize);
    const rows = await vma.getChildren();
    const row = rows.find((n): n is FolioNode => n instanceof FolioNode && BigInt(n.folio.vaddr) <= addr && addr < BigInt(n.folio.vaddr) + BigInt(n.folio.nrPages) * 4096n);
    if (!row) return `the page at ${vaddr} could not be found in its VMA's rows`;
    this.refreshNode(vma);
    await this.revealNode(row);
    return undefined;
  }
}
