/**
 * Base of every row in the VFIO Lab trees (STYLE: peripheral-viewer, one class per tree level
 * under a base that knows how to render itself and list its children). Nodes hold the data of
 * one stop; a new stop builds new nodes. Ids are paths, so VS Code keeps expansion state across
 * stops. Rows that show a value say so through `rowValue()`, which the row actions (copy, copy as
 * hex, reveal the last change, data breakpoint, open memory) read.
 */
import type * as vscode from 'vscode';
import type { SlotRef } from '../../../debug-adapter/protocol';
import type { SessionModel } from '../../sessionModel';
import type { Radix } from '../format';
import type { ViewKind } from '../viewKinds';

export interface RenderContext {
  view: ViewKind;
  radix: Radix;
}

/** What a row shows, for the row actions. */
export interface RowValue {
  /** The session the row was read from. */
  model: SessionModel;
  value: number | bigint;
  /** Bits, for zero-padded hex (counts: 0 = no padding). */
  width: number;
  /** A scenario expression naming the value (data breakpoints). */
  expression?: string;
  /** The model slot behind the row (`vlab/lastChange`). */
  slot?: SlotRef;
  /** A guest absolute address the row names (open memory). */
  address?: number;
}

/** `field.rw value bp slot mem`: a base context plus what the row actions may do (package.json menus match words). */
export function rowContext(base: string, rv: RowValue | undefined): string {
  if (!rv) return base;
  return [base, 'value', rv.expression ? 'bp' : '', rv.slot ? 'slot' : '', rv.address !== undefined ? 'mem' : ''].filter(Boolean).join(' ');
}

export abstract class BaseNode {
  constructor(
    readonly parent: BaseNode | undefined,
    /** Unique within the view; `parent.id/key`. */
    readonly id: string,
  ) {}

  abstract toTreeItem(ctx: RenderContext): vscode.TreeItem;

  getChildren(): BaseNode[] | Promise<BaseNode[]> {
    return [];
  }

  /** The value the row shows, when it shows one. */
  rowValue(): RowValue | undefined {
    return undefined;
  }

  /** The id of a child with this key. */
  protected childId(key: string | number): string {
    return `${this.id}/${key}`;
  }
}
