/**
 * Wires one picture webview (a sidebar view or an editor panel) to the followed VFIO Lab debug
 * session: the HTML with a strict CSP (nonce script, no remote resource), the session state on
 * every stop, and the custom requests the webview asks for (only the pictures' own).
 */
import * as vscode from 'vscode';
import * as P from '../../debug-adapter/protocol';
import type { HostToWebview, PictureCommand, PictureKind, WebviewToHost } from './messages';
import type { SessionFollower } from './sessionFollower';

const ALLOWED = new Set<PictureCommand>([P.TIMELINE_REQUEST, P.TRAVEL_REQUEST, P.PAGE_MAP_REQUEST, P.PAGE_MAP_FIND_REQUEST]);

const TITLES: Record<PictureKind, string> = { timeline: 'VFIO Lab I/O timeline', pageMap: 'VFIO Lab page map' };

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')] };
}

/** What a picture has done so far (command `vfioLab.pictures.state`, for tests and bug reports). */
export interface PictureState {
  kind: PictureKind;
  /** The webview script has loaded and asked for the session state. */
  ready: boolean;
  /** The session phase last sent to the webview. */
  phase: string;
  /** Requests answered, and the last one: its command, error, and a summary of its answer. */
  answered: number;
  last?: { command: string; error?: string; summary?: Record<string, unknown> };
}

export class PictureHost implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  readonly state: PictureState;

  constructor(
    private readonly webview: vscode.Webview,
    kind: PictureKind,
    extensionUri: vscode.Uri,
    private readonly follower: SessionFollower,
  ) {
    this.state = { kind, ready: false, phase: '', answered: 0 };
    webview.options = webviewOptions(extensionUri);
    webview.html = html(webview, kind, extensionUri);
    this.disposables.push(
      webview.onDidReceiveMessage((m: WebviewToHost) => this.receive(m)),
      follower.onDidChange(() => this.postSession()),
    );
  }

  private post(m: HostToWebview): void {
    void this.webview.postMessage(m);
  }

  private postSession(): void {
    const s = this.follower.state;
    this.state.phase = s.phase;
    this.post({ type: 'session', phase: s.phase, seq: s.seq, time: s.time, name: s.session?.name ?? '' });
  }

  private answer(id: number, command: string, body: unknown, error?: string): void {
    this.state.answered++;
    this.state.last = { command, ...(error !== undefined ? { error } : { summary: summarize(body) }) };
    this.post(error !== undefined ? { type: 'response', id, error } : { type: 'response', id, body });
  }

  private async receive(m: WebviewToHost): Promise<void> {
    if (!m || typeof m !== 'object') return;
    if (m.type === 'ready') {
      this.state.ready = true;
      this.postSession();
      return;
    }
    if (m.type === 'reveal') {
      try {
        await vscode.commands.executeCommand('vfioLab.pages.reveal', { pid: m.pid, vaddr: m.vaddr });
      } catch (e) {
        void vscode.window.showWarningMessage(`VFIO Lab: cannot reveal ${m.vaddr} in Pages: ${e instanceof Error ? e.message : String(e)}`);
      }
      return;
    }
    if (m.type !== 'request') return;
    const session = this.follower.state.session;
    if (!ALLOWED.has(m.command)) {
      this.answer(m.id, String(m.command), undefined, `not a picture request: ${String(m.command)}`);
      return;
    }
    if (!session || this.follower.state.phase === 'none') {
      this.answer(m.id, m.command, undefined, 'no VFIO Lab debug session');
      return;
    }
    try {
      // Travelling stops the debugger, and VS Code opens the stop's source (a scenario line or a
      // kernel frame's explanation) in the focused editor group: focus the first group first so
      // the picture, opened beside it, stays in sight.
      if (m.command === P.TRAVEL_REQUEST) await vscode.commands.executeCommand('workbench.action.focusFirstEditorGroup');
      const body: unknown = await session.customRequest(m.command, m.args);
      this.answer(m.id, m.command, body);
    } catch (e) {
      this.answer(m.id, m.command, undefined, e instanceof Error ? e.message : String(e));
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** The scalar fields of an answer (not its rows or cell arrays). */
function summarize(body: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (body && typeof body === 'object') {
    for (const [k, v] of Object.entries(body)) if (typeof v === 'number' || (typeof v === 'string' && v.length < 40)) out[k] = v;
  }
  return out;
}

function html(webview: vscode.Webview, kind: PictureKind, extensionUri: vscode.Uri): string {
  const nonce = makeNonce();
  const base = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(base, `${kind}.js`));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(base, 'pictures.css'));
  // No remote resource, no inline script or style without the nonce (STYLE "Pictures").
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}" nonce="${nonce}">
<title>${TITLES[kind]}</title>
</head>
<body data-picture="${kind}">
<div id="app" role="application" aria-label="${TITLES[kind]}"></div>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}

function makeNonce(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (let i = 0; i < 32; i++) s += chars[Math.floor(Math.random() * chars.length)];
  return s;
}
