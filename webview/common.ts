/**
 * What both picture webviews share: the typed message bridge to the extension, theme colours read
 * from VS Code's CSS variables (canvas cannot use `var()`), base64 typed-array decoding, and small
 * DOM helpers. Runs in the webview (DOM), bundled by esbuild; loads nothing remote.
 */
import type { HostToWebview, PictureCommand, PictureRequests, WebviewToHost } from '../extension/webviews/messages';

interface VsCodeApi {
  postMessage(m: WebviewToHost): void;
  getState(): unknown;
  setState(s: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export const vscodeApi = acquireVsCodeApi();

export type SessionMessage = Extract<HostToWebview, { type: 'session' }>;

/** Requests to the followed session through the extension, answered by id. */
export class Bridge {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (b: unknown) => void; reject: (e: Error) => void }>();

  constructor(onSession: (m: SessionMessage) => void) {
    window.addEventListener('message', (ev: MessageEvent<HostToWebview>) => {
      const m = ev.data;
      if (!m || typeof m !== 'object') return;
      if (m.type === 'session') onSession(m);
      else if (m.type === 'response') {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.error !== undefined) p.reject(new Error(m.error));
        else p.resolve(m.body);
      }
    });
  }

  ready(): void {
    vscodeApi.postMessage({ type: 'ready' });
  }

  request<C extends PictureCommand>(command: C, args: PictureRequests[C][0]): Promise<PictureRequests[C][1]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (b: unknown) => void, reject });
      vscodeApi.postMessage({ type: 'request', id, command, args });
    });
  }

  reveal(pid: number, vaddr: string): void {
    vscodeApi.postMessage({ type: 'reveal', pid, vaddr });
  }
}

/** A VS Code theme colour for canvas drawing (`--vscode-…` variable), with a fallback. */
export function themeColor(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(`--vscode-${name}`).trim();
  return v || fallback;
}

export function isHighContrast(): boolean {
  return document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light');
}

/** `light`, `dark`, `high-contrast` or `high-contrast-light`, from the body class VS Code sets. */
export function themeKind(): string {
  const c = document.body.classList;
  return c.contains('vscode-high-contrast-light') ? 'high-contrast-light' : c.contains('vscode-high-contrast') ? 'high-contrast' : c.contains('vscode-light') ? 'light' : 'dark';
}

/** Call `cb` when VS Code switches theme (it changes the body's class and the CSS variables). */
export function onThemeChange(cb: () => void): void {
  new MutationObserver(cb).observe(document.body, { attributes: true, attributeFilter: ['class', 'style'] });
}

function bytes(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export const decodeI32 = (b64: string): Int32Array => new Int32Array(bytes(b64).buffer);
export const decodeU8 = (b64: string): Uint8Array => bytes(b64);

/** Create an element with attributes and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

/** The canvas's backing store follows its CSS size and the device pixel ratio; returns the 2D context scaled to CSS pixels. */
export function fitCanvas(c: HTMLCanvasElement): CanvasRenderingContext2D {
  const r = c.getBoundingClientRect();
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(r.width * dpr));
  const hgt = Math.max(1, Math.round(r.height * dpr));
  if (c.width !== w || c.height !== hgt) {
    c.width = w;
    c.height = hgt;
  }
  const ctx = c.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

export const hex = (n: number): string => '0x' + n.toString(16);

/** The pointer's position in a scrolling element's content (offsetX/Y depend on which child is hit). */
export function contentPoint(e: MouseEvent, el: HTMLElement): { x: number; y: number } {
  const r = el.getBoundingClientRect();
  return { x: e.clientX - r.left, y: e.clientY - r.top + el.scrollTop };
}
