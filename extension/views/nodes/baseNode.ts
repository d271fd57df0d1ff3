/**
 * Base of every row in the VFIO Lab trees (STYLE: peripheral-viewer, one class per tree level
 * under a base that knows how to render itself and list its children). Nodes hold the data of
 * one stop; a new stop builds new nodes. Ids are paths, so VS Code keeps expansion state across
 * stops.
 */
import type * as vscode from 'vscode';
import type { Radix } from '../format';
import type { ViewKind } from '../viewKinds';

export interface RenderContext {
  view: ViewKind;
  radix: Radix;
}

export abstract class BaseNode {
  constructor(
    readonly parent: BaseNode | undefined,
    /** Unique within the view; `parent.id/key`. */
    readonly id: string,
  ) {}

  abstract toTreeItem(ctx: RenderContext): vscode.TreeItem;

  getChildren(): BaseNode[] {
    return [];
  }

  /** The id of a child with this key. */
  protected childId(key: string | number): string {
    return `${this.id}/${key}`;
  }
}
