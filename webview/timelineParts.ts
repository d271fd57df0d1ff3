/**
 * Pieces of the I/O timeline that are not the drawing loop: the theme colours (one per lane, one
 * per flow), the hover cards of an event and of a lane's header, and text clipping for canvas labels.
 */
import type { TimelineResponse, TimelineRow } from '../debug-adapter/protocol';
import { h, isHighContrast, themeColor } from './common';

export interface Colours {
  fg: string; dim: string; bg: string; grid: string; header: string; current: string; currentEdge: string; hover: string; selected: string;
  lanes: string[]; flows: string[]; border: string; font: string;
}

export function readColours(): Colours {
  const hc = isHighContrast();
  const charts = ['charts-blue', 'charts-green', 'charts-orange', 'charts-purple', 'charts-red', 'charts-yellow'];
  const fallback = ['#3794ff', '#89d185', '#d18616', '#b180d7', '#f14c4c', '#cca700'];
  const c = charts.map((n, i) => themeColor(n, fallback[i]));
  return {
    fg: themeColor('editor-foreground', '#cccccc'),
    dim: themeColor('descriptionForeground', '#999999'),
    bg: themeColor('editor-background', '#1e1e1e'),
    grid: hc ? themeColor('contrastBorder', '#6fc3df') : themeColor('editorIndentGuide-background1', themeColor('tree-indentGuidesStroke', '#585858')),
    header: themeColor('sideBarSectionHeader-background', themeColor('editorGroupHeader-tabsBackground', '#252526')),
    current: themeColor('editor-stackFrameHighlightBackground', 'rgba(255,255,0,0.2)'),
    currentEdge: themeColor('debugIcon-stopForeground', themeColor('charts-yellow', '#cca700')),
    hover: themeColor('list-hoverBackground', 'rgba(128,128,128,0.15)'),
    selected: themeColor('list-inactiveSelectionBackground', 'rgba(128,128,128,0.3)'),
    border: hc ? themeColor('contrastActiveBorder', '#f38518') : themeColor('focusBorder', '#007fd4'),
    // scenario, guest, QEMU, vfio-ccw, host cio, machine/channel, device, mm
    lanes: [themeColor('foreground', '#cccccc'), c[1], c[3], c[2], c[5], c[0], themeColor('terminal-ansiCyan', '#11a8cd'), c[4]],
    flows: [c[3], c[2], c[0], c[4]],
    font: themeColor('font-family', 'sans-serif'),
  };
}

/** The hover card of a lane's header: its whole name and how many events it has. */
export function laneCard(name: string, events: number, kind: string): Node[] {
  return [
    h('div', { class: 'card-title' }, name),
    h('div', { class: 'card-sub' }, `${events.toLocaleString('en')} event${events === 1 ? '' : 's'}${kind ? ` of kind ${kind}` : ''}`),
  ];
}

/** The hover card / details of one event: text, fields, call stack. */
export function card(r: TimelineRow, meta: Omit<TimelineResponse, 'rows'>): Node[] {
  const [seq, time, lane, kind, flow, , text, fields, stack] = r;
  return [
    h('div', { class: 'card-title' }, `${text}`),
    h('div', { class: 'card-sub' }, `${meta.kinds[kind]} · ${meta.lanes[lane]} · seq ${seq} · time ${time}${flow >= 0 ? ` · flow ${flow}` : ''}`),
    h('pre', { class: 'card-fields' }, fields),
    ...(stack ? [h('div', { class: 'card-sub' }, 'call stack (innermost first)'), h('pre', { class: 'card-stack' }, stack)] : []),
  ];
}

export function clip(ctx: CanvasRenderingContext2D, s: string, w: number): string {
  if (w <= 8) return '';
  if (ctx.measureText(s).width <= w) return s;
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ctx.measureText(s.slice(0, mid) + '…').width <= w) lo = mid;
    else hi = mid - 1;
  }
  return s.slice(0, lo) + '…';
}
