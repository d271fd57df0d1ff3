/**
 * The two pictures (PRODUCT §4): the I/O timeline and the page map, each as a view in the VFIO
 * Lab container and as an editor panel opened by a command (more room for a million events or
 * pages). One call from activation: `registerWebviews(context)`.
 */
import * as vscode from 'vscode';
import type { PictureKind } from './messages';
import { PictureHost, webviewOptions, type PictureState } from './pictureHost';
import { SessionFollower } from './sessionFollower';

export const TIMELINE_VIEW = 'vfioLab.timeline';
export const PAGE_MAP_VIEW = 'vfioLab.pageMap';
export const OPEN_TIMELINE_COMMAND = 'vfioLab.openTimeline';
export const OPEN_PAGE_MAP_COMMAND = 'vfioLab.openPageMap';
/** Internal (not in the palette): what each open picture has done, for tests and bug reports. */
export const PICTURES_STATE_COMMAND = 'vfioLab.pictures.state';

const PANEL_TITLES: Record<PictureKind, string> = { timeline: 'I/O Timeline', pageMap: 'Page Map' };

class PictureViewProvider implements vscode.WebviewViewProvider {
  constructor(
    private readonly kind: PictureKind,
    private readonly extensionUri: vscode.Uri,
    private readonly follower: SessionFollower,
    private readonly hosts: Set<PictureHost>,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    const host = new PictureHost(view.webview, this.kind, this.extensionUri, this.follower);
    this.hosts.add(host);
    view.onDidDispose(() => {
      this.hosts.delete(host);
      host.dispose();
    });
  }
}

export function registerWebviews(context: vscode.ExtensionContext): void {
  const follower = new SessionFollower();
  const panels = new Map<PictureKind, vscode.WebviewPanel>();
  const hosts = new Set<PictureHost>();
  const open = (kind: PictureKind) => {
    const existing = panels.get(kind);
    if (existing) {
      existing.reveal();
      return;
    }
    // Beside the scenario: a stop reveals its line in the scenario's group, the picture stays in sight
    const panel = vscode.window.createWebviewPanel(`vfioLab.${kind}Panel`, PANEL_TITLES[kind], { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, {
      ...webviewOptions(context.extensionUri),
      // keeps the scroll position and loaded windows when another tab covers it (a few MB)
      retainContextWhenHidden: true,
    });
    const host = new PictureHost(panel.webview, kind, context.extensionUri, follower);
    hosts.add(host);
    panels.set(kind, panel);
    panel.onDidDispose(() => {
      hosts.delete(host);
      host.dispose();
      panels.delete(kind);
    });
  };
  context.subscriptions.push(
    follower,
    vscode.window.registerWebviewViewProvider(TIMELINE_VIEW, new PictureViewProvider('timeline', context.extensionUri, follower, hosts)),
    vscode.window.registerWebviewViewProvider(PAGE_MAP_VIEW, new PictureViewProvider('pageMap', context.extensionUri, follower, hosts)),
    vscode.commands.registerCommand(OPEN_TIMELINE_COMMAND, () => open('timeline')),
    vscode.commands.registerCommand(OPEN_PAGE_MAP_COMMAND, () => open('pageMap')),
    vscode.commands.registerCommand(PICTURES_STATE_COMMAND, (): PictureState[] => [...hosts].map((h) => ({ ...h.state }))),
    { dispose: () => panels.forEach((p) => p.dispose()) },
  );
}
