/**
 * The page map webview: every page of one VMA as a cell in address order, coloured by the chosen
 * metric (pincount, refcount, maybe_dma_pinned, dirty, zone), folios outlined, with a legend, a
 * hover card, zoom, a vaddr/PFN search box and "Reveal in Pages" (STYLE "Pictures": a memory heat
 * map). Cells arrive as typed arrays in windows of CHUNK pages (`vlab/pageMap`) and only the
 * visible rows are drawn, so a million pages stay fluid.
 */
import type { PageMapResponse } from '../debug-adapter/protocol';
import { PAGE_MAP_FIND_REQUEST, PAGE_MAP_FLAG as F, PAGE_MAP_REQUEST } from '../debug-adapter/protocol';
import { Bridge, contentPoint, decodeI32, decodeU8, fitCanvas, h, hex, themeKind, type SessionMessage } from './common';
import { PictureFrame, zoomButtons } from './pictureFrame';
import { METRICS, bucketOf, legend, legendNote, pinsOf, type Metric } from './pageMapColors';
import { readPalette, scale } from './pageMapPalette';

const CHUNK = 65_536;
const ZOOMS = [1, 2, 3, 4, 6, 8, 12, 16, 24];
const GUTTER = 120;
const PAD = 8;

interface Cells {
  pfn: Int32Array; head: Int32Array; refcount: Int32Array; pincount: Int32Array; flags: Uint8Array; zone: Uint8Array; order: Uint8Array;
}

class PageMap {
  private readonly bridge = new Bridge((m) => this.onSession(m));
  private readonly procSelect = h('select', { 'aria-label': 'Process' });
  private readonly vmaSelect = h('select', { 'aria-label': 'VMA' });
  private readonly metricSelect = h('select', { 'aria-label': 'Colour by' });
  private readonly search = h('input', { type: 'text', placeholder: '0x7f… or pfn 0x12', 'aria-label': 'Find a user address or PFN', spellcheck: 'false' });
  private readonly legendBox = h('div', { class: 'legend', 'aria-label': 'Legend' });
  private readonly frame = new PictureFrame('Pages; arrows move, Enter shows details, + and − zoom, / searches');

  private palette = readPalette();
  private metric: Metric = 'pincount';
  private zoom = 5; // index into ZOOMS: 8 px
  /** Until the user zooms, each VMA is shown at the largest cell size at which it fits. */
  private autoZoom = true;
  private phase: SessionMessage['phase'] = 'none';
  private stopSeq = -1;
  private gen = 0;
  private pid = -1;
  private vma = '';
  private pages = 0;
  private zones: string[] = [];
  private readonly chunks = new Map<number, Cells>();
  private readonly inFlight = new Set<number>();
  private selected = -1;

  constructor(root: HTMLElement) {
    for (const [m, label] of METRICS) this.metricSelect.append(h('option', { value: m }, label));
    this.metricSelect.onchange = () => {
      this.metric = this.metricSelect.value as Metric;
      this.drawLegend();
      this.draw();
    };
    this.procSelect.onchange = () => this.choose(Number(this.procSelect.value), undefined);
    this.vmaSelect.onchange = () => this.choose(this.pid, this.vmaSelect.value);
    const find = h('button', { title: 'Find (Enter)' }, 'Find');
    find.onclick = () => this.find();
    this.search.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') this.find();
    });
    const zoom = zoomButtons(() => this.userZoom(this.zoom - 1), () => this.userZoom(this.zoom + 1));
    const tools = [this.procSelect, this.vmaSelect, h('label', {}, 'colour by ', this.metricSelect), ...zoom, this.search, find];
    this.frame.mount(root, tools, [this.legendBox], {
      scroll: () => this.draw(),
      hover: (e) => this.hover(e),
      click: (p) => {
        const i = this.cellAt(p.x, p.y);
        if (i >= 0) this.select(i);
      },
      key: (e) => this.key(e),
      resize: () => this.layout(),
      theme: () => {
        this.palette = readPalette();
        this.drawLegend();
        this.draw();
      },
    });
    this.drawLegend();
    this.showEmpty();
    this.bridge.ready();
  }

  private onSession(m: SessionMessage): void {
    this.phase = this.frame.phase(m);
    if (m.phase === 'none') {
      this.stopSeq = -1;
      this.gen++;
      this.chunks.clear();
      this.pages = 0;
      this.showEmpty();
      return;
    }
    if (m.phase === 'running') return;
    if (m.seq !== this.stopSeq) {
      this.stopSeq = m.seq;
      this.choose(this.pid >= 0 ? this.pid : undefined, this.vma || undefined);
    }
  }

  private showEmpty(): void {
    this.frame.empty('Debug a .vlab scenario with a process and VMAs: every page appears here as a cell coloured by pincount, refcount, maybe_dma_pinned, dirty or zone.');
    this.draw();
  }

  /** Show process `pid`'s VMA `vma` (defaults: the adapter's first); a stale choice falls back. */
  private choose(pid: number | undefined, vma: string | undefined, then?: () => void): void {
    this.gen++;
    this.chunks.clear();
    this.inFlight.clear();
    const gen = this.gen;
    this.bridge
      .request(PAGE_MAP_REQUEST, { pid, vma, from: 0, count: CHUNK })
      .catch(() => this.bridge.request(PAGE_MAP_REQUEST, { from: 0, count: CHUNK }))
      .then((r) => {
        if (gen !== this.gen) return;
        this.frame.message.textContent = '';
        this.accept(r);
        then?.();
      })
      .catch((e: Error) => {
        if (gen !== this.gen) return;
        this.frame.message.textContent = e.message;
          this.pages = 0;
        this.layout();
      });
  }

  private accept(r: PageMapResponse): void {
    const changed = r.pid !== this.pid || r.vma !== this.vma;
    if (changed) {
      this.selected = -1;
      this.frame.details.textContent = '';
    }
    this.pid = r.pid;
    this.vma = r.vma;
    this.pages = r.pages;
    this.zones = r.zones;
    this.chunks.set(Math.floor(r.from / CHUNK), decode(r));
    this.procSelect.replaceChildren(...r.processes.map((p) => h('option', { value: String(p.pid) }, `${p.name} (pid ${p.pid})`)));
    this.procSelect.value = String(r.pid);
    const proc = r.processes.find((p) => p.pid === r.pid);
    this.vmaSelect.replaceChildren(
      ...(proc?.vmas ?? []).map((v) => h('option', { value: v.start }, `${v.start}–${v.end} ${v.kind} ${v.prot} · ${v.pages.toLocaleString('en')} pages, ${v.mapped.toLocaleString('en')} mapped`)),
    );
    this.vmaSelect.value = r.vma;
    this.frame.status.textContent = `stop seq ${r.seq}`;
    this.drawLegend();
    if (changed && this.autoZoom) this.fit();
    this.layout();
  }

  /** The largest cell size at which the whole VMA fits the view (1 px when none does). */
  private fit(): void {
    const H = this.frame.scroller.clientHeight;
    for (let z = ZOOMS.length - 1; z >= 0; z--) {
      this.zoom = z;
      if (Math.ceil(this.pages / this.cols) * this.cell + 2 * PAD <= H) return;
    }
  }

  private fetchChunk(c: number): void {
    if (this.phase === 'none' || this.chunks.has(c) || this.inFlight.has(c) || c * CHUNK >= this.pages) return;
    const gen = this.gen;
    this.inFlight.add(c);
    this.bridge
      .request(PAGE_MAP_REQUEST, { pid: this.pid, vma: this.vma, from: c * CHUNK, count: CHUNK })
      .then((r) => {
        if (gen !== this.gen) return;
        this.inFlight.delete(c);
        this.chunks.set(c, decode(r));
        this.draw();
      })
      .catch((e: Error) => {
        if (gen !== this.gen) return;
        this.inFlight.delete(c);
        this.frame.message.textContent = e.message;
      });
  }

  private find(): void {
    const query = this.search.value.trim();
    this.bridge
      .request(PAGE_MAP_FIND_REQUEST, { query, pid: this.pid >= 0 ? this.pid : undefined })
      .then((f) => {
        this.frame.message.textContent = '';
        const go = () => {
          this.select(f.index);
          this.scrollTo(f.index);
        };
        if (f.pid !== this.pid || f.vma !== this.vma) this.choose(f.pid, f.vma, go);
        else go();
      })
      // a bad or unmapped address: say so, change nothing
      .catch((e: Error) => (this.frame.message.textContent = e.message));
  }

  private get cell(): number {
    return ZOOMS[this.zoom];
  }

  private get cols(): number {
    const avail = Math.max(1, this.frame.canvas.clientWidth - GUTTER - PAD);
    // a power of two, so a 2 MiB folio (512 pages) fills whole rows
    let c = 1;
    while (c * 2 * this.cell <= avail) c *= 2;
    return c;
  }

  private userZoom(z: number): void {
    this.autoZoom = false;
    this.setZoom(z);
  }

  private setZoom(z: number): void {
    const first = this.firstVisible();
    this.zoom = Math.max(0, Math.min(ZOOMS.length - 1, z));
    this.layout();
    this.scrollTo(first, true);
  }

  private layout(): void {
    const rows = Math.ceil(this.pages / this.cols);
    this.frame.spacer.style.height = `${rows * this.cell + 2 * PAD}px`;
    this.draw();
  }

  private firstVisible(): number {
    return Math.floor(Math.max(0, this.frame.scroller.scrollTop - PAD) / this.cell) * this.cols;
  }

  private scrollTo(i: number, top = false): void {
    const y = Math.floor(i / this.cols) * this.cell;
    const H = this.frame.scroller.clientHeight;
    if (top) this.frame.scroller.scrollTop = y;
    else if (y < this.frame.scroller.scrollTop || y + this.cell + 2 * PAD > this.frame.scroller.scrollTop + H) this.frame.scroller.scrollTop = Math.max(0, y - H / 2);
    this.draw();
  }

  private cellAt(x: number, y: number): number {
    const col = Math.floor((x - GUTTER) / this.cell);
    const row = Math.floor((y - PAD) / this.cell);
    if (col < 0 || col >= this.cols || row < 0) return -1;
    const i = row * this.cols + col;
    return i < this.pages ? i : -1;
  }

  private at(i: number): { c: Cells; k: number } | undefined {
    const c = this.chunks.get(Math.floor(i / CHUNK));
    return c ? { c, k: i % CHUNK } : undefined;
  }

  private draw(): void {
    const ctx = fitCanvas(this.frame.canvas);
    const W = this.frame.canvas.clientWidth;
    const H = this.frame.canvas.clientHeight;
    const p = this.palette;
    ctx.clearRect(0, 0, W, H);
    const cell = this.cell;
    const cols = this.cols;
    const top = this.frame.scroller.scrollTop;
    const colours = scale(this.metric, p);
    const firstRow = Math.max(0, Math.floor((top - PAD) / cell));
    const lastRow = Math.min(Math.ceil(this.pages / cols) - 1, Math.floor((top + H - PAD) / cell));
    for (let c = Math.floor((firstRow * cols) / CHUNK); c <= Math.floor(((lastRow + 1) * cols - 1) / CHUNK); c++) this.fetchChunk(c);
    let drawn = 0;
    let mapped = 0;
    let pinned = 0;
    const heads = new Set<number>();
    const gap = cell >= 6 ? 1 : 0;
    const yOf = (row: number) => PAD + row * cell - top;
    ctx.font = `11px ${p.font}`;
    ctx.textBaseline = 'top';
    const labelEvery = Math.max(1, Math.ceil(16 / cell));
    const vmaStart = this.vma ? BigInt(this.vma) : 0n;
    for (let row = firstRow; row <= lastRow; row++) {
      const y = yOf(row);
      if (row % labelEvery === 0) {
        ctx.fillStyle = p.dim;
        ctx.fillText('0x' + (vmaStart + BigInt(row * cols) * 4096n).toString(16), 4, y);
      }
      for (let col = 0; col < cols; col++) {
        const i = row * cols + col;
        if (i >= this.pages) break;
        const a = this.at(i);
        const x = GUTTER + col * cell;
        if (!a) continue;
        const { c, k } = a;
        drawn++;
        const b = bucketOf(this.metric, c.flags[k], c.refcount[k], c.pincount[k], c.zone[k]);
        if (b < 0) {
          if (cell >= 6) {
            ctx.fillStyle = p.empty;
            ctx.fillRect(x + cell / 2 - 0.5, y + cell / 2 - 0.5, 1, 1);
          }
          continue;
        }
        mapped++;
        if (c.flags[k] & F.maybeDmaPinned) pinned++;
        ctx.fillStyle = colours[b % colours.length];
        // a large folio reads as one block (no gaps inside; its outline is drawn below)
        const g = c.order[k] > 0 ? 0 : gap;
        ctx.fillRect(x, y, cell - g, cell - g);
        if (c.order[k] > 0) heads.add(c.head[k]);
      }
    }
    // folio outlines: an edge wherever the neighbour belongs to another folio (large folios only)
    if (cell >= 3 && heads.size) {
      ctx.strokeStyle = p.outline;
      ctx.lineWidth = cell >= 8 ? 1.5 : 1;
      ctx.beginPath();
      const headAt = (i: number) => {
        if (i < 0 || i >= this.pages) return -2;
        const a = this.at(i);
        return a && a.c.order[a.k] > 0 ? a.c.head[a.k] : -2;
      };
      for (let row = firstRow; row <= lastRow; row++) {
        const y = yOf(row);
        for (let col = 0; col < cols; col++) {
          const i = row * cols + col;
          const hd = headAt(i);
          if (hd < 0) continue;
          const x = GUTTER + col * cell;
          if (col === 0 || headAt(i - 1) !== hd) edge(ctx, x, y, x, y + cell);
          if (col === cols - 1 || headAt(i + 1) !== hd) edge(ctx, x + cell, y, x + cell, y + cell);
          if (headAt(i - cols) !== hd) edge(ctx, x, y, x + cell, y);
          if (headAt(i + cols) !== hd) edge(ctx, x, y + cell, x + cell, y + cell);
        }
      }
      ctx.stroke();
    }
    if (this.selected >= 0) {
      const row = Math.floor(this.selected / cols);
      const x = GUTTER + (this.selected % cols) * cell;
      ctx.strokeStyle = p.selected;
      ctx.lineWidth = 2;
      ctx.strokeRect(x - 1, yOf(row) - 1, cell + 2, cell + 2);
    }
    const d = this.frame.canvas.dataset;
    d.pid = String(this.pid);
    d.vma = this.vma;
    d.metric = this.metric;
    d.pages = String(this.pages);
    d.drawnCells = String(drawn);
    d.mappedCells = String(mapped);
    d.pinnedCells = String(pinned);
    d.folios = String(heads.size);
    d.selected = String(this.selected);
    // where cell i is drawn, for tests that click a cell as a user would: x = GUTTER + (i % cols) ×
    // cell, y = PAD + ⌊i / cols⌋ × cell − scrollTop, in the scroller's box
    d.geometry = `${GUTTER},${PAD},${cell},${cols},${top}`;
    // the cells on screen, first-last (a partly shown row counts): zooming in narrows it
    d.range = this.pages ? `${firstRow * cols}-${Math.min(this.pages, (lastRow + 1) * cols) - 1}` : '';
    d.theme = themeKind();
  }

  private drawLegend(): void {
    const labels = legend(this.metric, this.zones.length ? this.zones : ['normal', 'movable', 'cma', 'device']);
    const colours = scale(this.metric, this.palette);
    const items = labels.map((l, i) => h('span', { class: 'legend-item' }, swatch(colours[i % colours.length]), l));
    const note = legendNote(this.metric);
    this.legendBox.replaceChildren(...items, h('span', { class: 'legend-item' }, swatchOutline(), 'large folio'), ...(note ? [h('span', { class: 'legend-note' }, note)] : []));
  }

  private describe(i: number): Node[] {
    const a = this.at(i);
    const vaddr = '0x' + ((this.vma ? BigInt(this.vma) : 0n) + BigInt(i) * 4096n).toString(16);
    if (!a || !(a.c.flags[a.k] & F.mapped)) return [h('div', { class: 'card-title' }, `${vaddr}: no page mapped (no PTE)`)];
    const { c, k } = a;
    const f = c.flags[k];
    const pin = c.pincount[k];
    const lines = [
      `pfn        ${hex(c.pfn[k])}${c.head[k] >= 0 && c.head[k] !== c.pfn[k] ? ` (folio head ${hex(c.head[k])})` : ''}`,
      `order      ${c.order[k]}${c.order[k] ? ` (${1 << c.order[k]} pages)` : ''}`,
      `refcount   ${c.refcount[k]}`,
      `pincount   ${pin >= 0 ? pin : `— (no exact counter; ≈ ${pinsOf(pin, c.refcount[k])} pin(s) by bias)`}`,
      `maybe_dma_pinned ${f & F.maybeDmaPinned ? 'yes' : 'no'}`,
      `dirty      ${f & F.dirty ? 'yes' : 'no'}`,
      `zone       ${this.zones[c.zone[k]] ?? c.zone[k]}`,
      `pte        ${f & F.writable ? 'writable' : 'read-only'}${f & F.zeroPage ? ', shared zero page' : ''}${f & F.freed ? ', folio freed while mapped' : ''}`,
    ];
    return [h('div', { class: 'card-title' }, `pid ${this.pid} ${vaddr}`), h('pre', { class: 'card-fields' }, lines.join('\n'))];
  }

  private hover(e: MouseEvent): void {
    const p = contentPoint(e, this.frame.scroller);
    const i = this.cellAt(p.x, p.y);
    this.frame.hoverCard(e, i < 0 ? undefined : this.describe(i));
  }

  private select(i: number): void {
    this.selected = i;
    const a = this.at(i);
    const vaddr = '0x' + ((this.vma ? BigInt(this.vma) : 0n) + BigInt(i) * 4096n).toString(16);
    const parts = this.describe(i);
    if (a && a.c.flags[a.k] & F.mapped) {
      const reveal = h('button', { class: 'reveal', title: 'Show this page in the Pages view' }, 'Reveal in Pages');
      reveal.onclick = () => this.bridge.reveal(this.pid, vaddr);
      parts.push(reveal);
    }
    this.frame.details.replaceChildren(...parts);
    this.draw();
  }

  private key(e: KeyboardEvent): void {
    if (!this.pages) return;
    const cols = this.cols;
    const page = Math.max(1, Math.floor(this.frame.scroller.clientHeight / this.cell) - 1) * cols;
    const cur = Math.max(0, this.selected);
    const move = (i: number) => {
      const t = Math.max(0, Math.min(this.pages - 1, i));
      this.select(t);
      this.scrollTo(t);
    };
    const action = new Map<string, () => void>([
      ['ArrowRight', () => move(cur + 1)],
      ['ArrowLeft', () => move(cur - 1)],
      ['ArrowDown', () => move(cur + cols)],
      ['ArrowUp', () => move(cur - cols)],
      ['PageDown', () => move(cur + page)],
      ['PageUp', () => move(cur - page)],
      ['Home', () => move(0)],
      ['End', () => move(this.pages - 1)],
      ['Enter', () => this.select(cur)],
      ['+', () => this.userZoom(this.zoom + 1)],
      ['=', () => this.userZoom(this.zoom + 1)],
      ['-', () => this.userZoom(this.zoom - 1)],
      ['/', () => this.search.focus()],
    ]).get(e.key);
    if (action) {
      e.preventDefault();
      action();
    }
  }
}

function decode(r: PageMapResponse): Cells {
  return {
    pfn: decodeI32(r.pfn), head: decodeI32(r.head), refcount: decodeI32(r.refcount), pincount: decodeI32(r.pincount),
    flags: decodeU8(r.flags), zone: decodeU8(r.zone), order: decodeU8(r.order),
  };
}

function edge(ctx: CanvasRenderingContext2D, x1: number, y1: number, x2: number, y2: number): void {
  ctx.moveTo(x1, y1);
  ctx.lineTo(x2, y2);
}

function swatch(colour: string): HTMLElement {
  const s = h('span', { class: 'swatch' });
  s.style.background = colour;
  return s;
}

function swatchOutline(): HTMLElement {
  return h('span', { class: 'swatch outline' });
}

new PageMap(document.getElementById('app')!);
