/**
 * The frame both pictures (timeline, page map) draw in: a toolbar ending in a status line, an
 * alert line, a canvas under a scroller whose spacer gives the scroll range (only the visible
 * part is drawn), a details box and a hover card; the pointer, keyboard, resize and theme
 * wiring; and the session phases as the host reports them (STYLE "Pictures").
 */
import { contentPoint, h, onThemeChange, type SessionMessage } from './common';

/** What a picture does with the frame's input. */
export interface FrameHandlers {
  scroll(): void;
  hover(e: MouseEvent): void;
  /** The pointer left the picture (the hover card is already hidden). */
  leave?(): void;
  /** A click at a point of the scroller's content. */
  click(p: { x: number; y: number }): void;
  key(e: KeyboardEvent): void;
  resize(): void;
  /** VS Code switched theme: read the colours again and redraw. */
  theme(): void;
}

export class PictureFrame {
  readonly wrap = h('div', { class: 'canvas-wrap' });
  readonly canvas = h('canvas', { class: 'picture', 'aria-hidden': 'true' });
  readonly scroller: HTMLDivElement;
  readonly spacer = h('div', { class: 'spacer' });
  readonly status = h('span', { class: 'status', role: 'status' });
  readonly tooltip = h('div', { class: 'tooltip', role: 'tooltip' });
  readonly details = h('div', { class: 'details', 'aria-live': 'polite' });
  readonly message = h('div', { class: 'message', role: 'alert' });

  /** `label`: the scroller's accessible name, which says the keys. */
  constructor(label: string) {
    this.scroller = h('div', { class: 'scroller', tabindex: '0', role: 'grid', 'aria-label': label });
  }

  /** Lay out under `root`: toolbar (`tools`, then the status), the message, `above` the canvas, the canvas, details, hover card. */
  mount(root: HTMLElement, tools: Node[], above: Node[], on: FrameHandlers): void {
    root.append(h('div', { class: 'toolbar' }, ...tools, this.status), this.message, ...above, this.wrap, this.details, this.tooltip);
    this.wrap.append(this.canvas, this.scroller);
    this.scroller.append(this.spacer);
    this.scroller.addEventListener('scroll', () => on.scroll());
    this.scroller.addEventListener('mousemove', (e) => on.hover(e));
    this.scroller.addEventListener('mouseleave', () => {
      this.tooltip.style.display = 'none';
      on.leave?.();
    });
    this.scroller.addEventListener('click', (e) => on.click(contentPoint(e, this.scroller)));
    this.scroller.addEventListener('keydown', (e) => on.key(e));
    new ResizeObserver(() => on.resize()).observe(this.wrap);
    onThemeChange(() => on.theme());
  }

  /** Show `card` beside the pointer, kept inside the window; no card hides it. */
  hoverCard(e: MouseEvent, card: Node[] | undefined): void {
    if (!card) {
      this.tooltip.style.display = 'none';
      return;
    }
    this.tooltip.replaceChildren(...card);
    this.tooltip.style.display = 'block';
    const x = Math.min(e.clientX + 14, window.innerWidth - this.tooltip.offsetWidth - 8);
    const y = Math.min(e.clientY + 14, window.innerHeight - this.tooltip.offsetHeight - 8);
    this.tooltip.style.left = `${Math.max(0, x)}px`;
    this.tooltip.style.top = `${Math.max(0, y)}px`;
  }

  /** No session (or it ended): `text` says what would show here; nothing to scroll. */
  empty(text: string): void {
    this.status.textContent = '';
    this.details.textContent = '';
    this.message.textContent = text;
    this.spacer.style.height = '0px';
  }

  /** Record the session's phase on the body (`data-phase`, for styles and tests); running says so in the status. */
  phase(m: SessionMessage): SessionMessage['phase'] {
    document.body.dataset.phase = m.phase;
    if (m.phase === 'running') this.status.textContent = 'running…';
    return m.phase;
  }
}

/** The − and + zoom buttons of a picture's toolbar. */
export function zoomButtons(out: () => void, into: () => void): [HTMLButtonElement, HTMLButtonElement] {
  const zoomOut = h('button', { title: 'Zoom out (−)', 'aria-label': 'Zoom out' }, '−');
  const zoomIn = h('button', { title: 'Zoom in (+)', 'aria-label': 'Zoom in' }, '+');
  zoomOut.onclick = out;
  zoomIn.onclick = into;
  return [zoomOut, zoomIn];
}
