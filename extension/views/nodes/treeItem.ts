/** Small helpers shared by the node classes to build `vscode.TreeItem`s. */
import * as vscode from 'vscode';
import { decorationUri, type RowDecoration } from '../decorations';

export interface ItemSpec {
  id: string;
  label: string;
  description?: string;
  /** Markdown text (no HTML, untrusted). */
  tooltip?: string;
  icon?: string;
  iconColor?: string;
  contextValue?: string;
  collapsible?: vscode.TreeItemCollapsibleState;
  decoration?: RowDecoration;
}

export function makeItem(spec: ItemSpec): vscode.TreeItem {
  const item = new vscode.TreeItem(spec.label, spec.collapsible ?? vscode.TreeItemCollapsibleState.None);
  item.id = spec.id;
  if (spec.description !== undefined) item.description = spec.description;
  if (spec.tooltip !== undefined) item.tooltip = new vscode.MarkdownString(spec.tooltip);
  if (spec.icon) item.iconPath = new vscode.ThemeIcon(spec.icon, spec.iconColor ? new vscode.ThemeColor(spec.iconColor) : undefined);
  if (spec.contextValue) item.contextValue = spec.contextValue;
  if (spec.decoration) item.resourceUri = decorationUri(spec.decoration);
  return item;
}

export const Collapsed = vscode.TreeItemCollapsibleState.Collapsed;
export const Expanded = vscode.TreeItemCollapsibleState.Expanded;
