/** An informational row: "… 1,024 more subchannels", a request error, a summary line. */
import type * as vscode from 'vscode';
import { BaseNode, type RenderContext } from './baseNode';
import { makeItem } from './treeItem';

export interface MessageOptions {
  description?: string;
  tooltip?: string;
  icon?: string;
  iconColor?: string;
}

export class MessageNode extends BaseNode {
  constructor(
    parent: BaseNode | undefined,
    id: string,
    readonly label: string,
    readonly options: MessageOptions = {},
  ) {
    super(parent, id);
  }

  toTreeItem(_ctx: RenderContext): vscode.TreeItem {
    const { description, tooltip, icon, iconColor } = this.options;
    return makeItem({ id: this.id, label: this.label, description, tooltip, icon: icon ?? 'info', iconColor, contextValue: 'message' });
  }
}

/** A request failed: say which and why, and keep the view usable. */
export function errorNode(parent: BaseNode | undefined, id: string, what: string, err: unknown): MessageNode {
  const message = err instanceof Error ? err.message : String(err);
  return new MessageNode(parent, id, `Could not read ${what}`, { description: message, tooltip: message, icon: 'error', iconColor: 'errorForeground' });
}
