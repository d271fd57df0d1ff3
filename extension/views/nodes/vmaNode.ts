/**
 * A VMA (`start–end`, kind, protection, how many folios / pages match the filter). Its folio rows
 * are fetched only when it is expanded, a page (1,000 rows by default) at a time, with a
 * "next 1,000" row at the end (issue 10: per-VMA paging instead of one global limit).
 */
import type * as vscode from 'vscode';
import type { PageFilter, PageSort, VmaSummary } from '../../../debug-adapter/protocol';
import type { SessionModel } from '../../sessionModel';
import { mdEscape } from '../format';
import { vmaSummaryDescription } from '../pagesFormat';
import { BaseNode, type RenderContext } from './baseNode';
import { FolioNode } from './folioNode';
import { errorNode, MessageNode } from './messageNode';
import { MoreNode } from './moreNode';
import { Collapsed, Expanded, makeItem } from './treeItem';

/** What the Pages view asks for: the filter, the sort and how many rows each VMA shows. */
export interface PagesQueryState {
  filter: PageFilter;
  sort: PageSort;
  pageSize: number;
  /** Rows shown in a VMA (a multiple of pageSize; it grows with "next"). */
  shown(key: string): number;
}

export class VmaNode extends BaseNode {
  constructor(
    parent: BaseNode,
    id: string,
    readonly pid: number,
    readonly vma: VmaSummary,
    readonly model: SessionModel,
    readonly state: PagesQueryState,
  ) {
    super(parent, id);
  }

  /** Key of the VMA across stops (its paging survives a stop). */
  get key(): string {
    return `${this.pid}:${this.vma.start}`;
  }

  toTreeItem(_ctx: RenderContext): vscode.TreeItem {
    const n = this.vma.matchingFolios;
    return makeItem({
      id: this.id,
      label: `${this.vma.start}–${this.vma.end}`,
      description: vmaSummaryDescription(this.vma),
      tooltip: `**VMA** \`${mdEscape(this.vma.start)}–${mdEscape(this.vma.end)}\` of pid ${this.pid}\n\n${mdEscape(vmaSummaryDescription(this.vma))}.\n\nLONGTERM rules by VMA kind: gup §5.`,
      icon: 'symbol-namespace',
      contextValue: 'vma',
      collapsible: n === 0 ? undefined : n <= 64 ? Expanded : Collapsed,
    });
  }

  override async getChildren(): Promise<BaseNode[]> {
    const { filter, sort } = this.state;
    const count = Math.min(this.state.shown(this.key), 10_000);
    try {
      const answer = await this.model.vmaPages({ pid: this.pid, start: this.vma.start, filter, sort, offset: 0, count });
      const rows: BaseNode[] = answer.rows.map((f) => new FolioNode(this, this.childId(f.vaddr), f, this.model, this.pid));
      if (answer.total > answer.rows.length) rows.push(new MoreNode(this, this.childId('more'), this, answer.rows.length, answer.total, this.state.pageSize));
      if (rows.length === 0) rows.push(new MessageNode(this, this.childId('none'), 'No folio matches the filter', { icon: 'filter' }));
      return rows;
    } catch (err) {
      return [errorNode(this, this.childId('error'), 'the pages of this VMA', err)];
    }
  }
}
