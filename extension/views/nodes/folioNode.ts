/**
 * A folio row: a small page, or a large folio (a 512-page THP) as one row that says how many pages
 * it covers, expandable to its subpages (gup §3.1, §3.2: refcount and pincount are the folio's).
 */
import type * as vscode from 'vscode';
import type { FolioRow } from '../../../debug-adapter/protocol';
import type { SessionModel } from '../../sessionModel';
import { formatCount } from '../format';
import { folioDescription, folioLabel, folioTooltip } from '../pagesFormat';
import { BaseNode, rowContext, type RenderContext, type RowValue } from './baseNode';
import { Collapsed, makeItem } from './treeItem';

/** QEMU's anonymous VMA backing guest RAM starts here (model/qemu/topology.ts QEMU_GUEST_BASE). */
const QEMU_PID = 1000;
const QEMU_GUEST_BASE = 0x7f0000000000n;

export class FolioNode extends BaseNode {
  constructor(
    parent: BaseNode,
    id: string,
    readonly folio: FolioRow,
    readonly model: SessionModel,
    readonly pid: number,
  ) {
    super(parent, id);
  }

  override rowValue(): RowValue {
    const f = this.folio;
    const rv: RowValue = { model: this.model, value: f.pincount ?? f.refcount, width: 0, expression: `${f.expression}.${f.pincount === null ? "refcount" : "pincount"}`, slot: { kind: 'page', pfn: f.pfn } };
    // QEMU's guest-RAM VMA: the page is guest memory, readable with readMemory
    const off = BigInt(f.vaddr) - QEMU_GUEST_BASE;
    if (this.pid === QEMU_PID && off >= 0n && off < 0x80000000n) rv.address = Number(off);
    return rv;
  }

  toTreeItem(ctx: RenderContext): vscode.TreeItem {
    const f = this.folio;
    const pinned = f.maybeDmaPinned || (f.pincount ?? 0) > 0;
    return makeItem({
      id: this.id,
      label: folioLabel(f),
      description: folioDescription(f, ctx.radix),
      tooltip: folioTooltip(f),
      icon: pinned ? 'pinned' : f.nrPages > 1 ? 'layers' : f.dirty ? 'circle-filled' : 'file-binary',
      iconColor: f.changed ? 'gitDecoration.modifiedResourceForeground' : undefined,
      contextValue: rowContext(pinned ? 'page.pinned' : 'page', this.rowValue()),
      decoration: f.changed ? 'changed' : undefined,
      collapsible: f.nrPages > 1 ? Collapsed : undefined,
    });
  }

  override getChildren(): BaseNode[] {
    const f = this.folio;
    if (f.nrPages <= 1) return [];
    const base = BigInt(f.vaddr);
    return Array.from({ length: f.nrPages }, (_, i) => new SubpageNode(this, this.childId(i), i, f.pfn + i, base + BigInt(i) * 4096n));
  }
}

/** One 4 KiB subpage of a large folio: its PFN and address (its counts are the folio's). */
export class SubpageNode extends BaseNode {
  constructor(
    parent: BaseNode,
    id: string,
    readonly index: number,
    readonly pfn: number,
    readonly vaddr: bigint,
  ) {
    super(parent, id);
  }

  toTreeItem(_ctx: RenderContext): vscode.TreeItem {
    return makeItem({
      id: this.id,
      label: `0x${this.vaddr.toString(16)}  pfn ${formatCount(this.pfn, 'hex')}`,
      description: this.index === 0 ? 'head page' : `subpage ${this.index}`,
      tooltip: `Subpage ${this.index} of the folio: refcount and pincount are the folio's (gup §3.1, §3.2).`,
      icon: 'file-binary',
      contextValue: 'subpage',
    });
  }
}
