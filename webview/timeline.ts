/**
 * The I/O timeline webview: history events as a sequence diagram, one column (lane) per actor,
 * one row per event going down in time, flow arrows from each event to the next one of the same
 * CRW or I/O (STYLE "Pictures": Perfetto tracks and flows, Trace Compass sequence diagrams).
 * Only the visible rows are fetched (`vlab/timeline` windows of CHUNK rows) and drawn, so a
 * million events scroll like ten. Click (or Enter) travels in time to the event (`vlab/travel`).
 */
import type { TimelineResponse, TimelineRow } from '../debug-adapter/protocol';
import { TIMELINE_REQUEST, TRAVEL_REQUEST } from '../debug-adapter/protocol';
import { Bridge, contentPoint, fitCanvas, h, themeKind, type SessionMessage } from './common';
import { PictureFrame, zoomButtons } from './pictureFrame';
import { layoutLanes, type LaneColumn } from './timelineLayout';
import { card, clip, laneCard, readColours } from './timelineParts';

const CHUNK = 256;
const HEADER = 24;
const GUTTER = 84;
const LANE_KEYS = ['scenario', 'guest', 'QEMU', 'vfio-ccw', 'host cio', 'machine/channel', 'device', 'mm'];
/** Kernel-side lanes: a flow arrow from one of these into QEMU is an eventfd signal (css §10.5). */
const KERNEL_LANES = new Set([3, 4, 7]);
const QEMU_LANE = 2;

class Timeline {
  private readonly bridge = new Bridge((m) => this.onSession(m));
  private readonly frame = new PictureFrame('Events; arrows select, Enter travels in time, + and − zoom, C jumps to the current stop');
  private readonly kindSelect = h('select', { 'aria-label': 'Event kind' });
  private readonly laneBar = h('div', { class: 'lanes', role: 'group', 'aria-label': 'Lanes' });

  private colours = readColours();
  private rowH = 20;
  private lanesOn = new Set(LANE_KEYS.map((_, i) => i));
  private kind = '';
  private phase: SessionMessage['phase'] = 'none';
  private stopSeq = -1;
  /** Bumped on each stop or filter change: answers for an older generation are dropped. */
  private gen = 0;
  private meta: Omit<TimelineResponse, 'rows'> | undefined;
  private readonly chunks = new Map<number, TimelineRow[]>();
  private readonly inFlight = new Set<number>();
  private hoverK = -1;
  private selectedK = -1;
  private followCurrent = true;
  /** Lane columns of the last draw (layoutColumns). */
  private laneCols: LaneColumn[] = [];

  constructor(root: HTMLElement) {
    const zoom = zoomButtons(() => this.zoom(-2), () => this.zoom(2));
    const toCurrent = h('button', { title: 'Show the current stop (C)' }, 'Current stop');
    toCurrent.onclick = () => this.scrollToCurrent();
    LANE_KEYS.forEach((name, i) => {
      const b = h('button', { class: 'lane-toggle', 'aria-pressed': 'true', 'data-lane': name, title: `Show or hide the ${name} lane` }, name);
      b.onclick = () => this.toggleLane(i, b);
      this.laneBar.append(b);
    });
    this.kindSelect.append(h('option', { value: '' }, 'all kinds'));
    this.kindSelect.onchange = () => {
      this.kind = this.kindSelect.value;
      this.refetch();
    };
    this.frame.mount(root, [this.laneBar, this.kindSelect, ...zoom, toCurrent], [], {
      scroll: () => {
        this.followCurrent = false;
        this.draw();
      },
      hover: (e) => this.hover(e),
      leave: () => {
        this.hoverK = -1;
        this.draw();
      },
      click: (p) => {
        const k = this.rowAt(p.y);
        if (k >= 0) this.select(k, true);
      },
      key: (e) => this.key(e),
      resize: () => this.draw(),
      theme: () => {
        this.colours = readColours();
        this.draw();
      },
    });
    this.showEmpty();
    this.bridge.ready();
  }

  private onSession(m: SessionMessage): void {
    this.phase = this.frame.phase(m);
    if (m.phase === 'none') {
      this.stopSeq = -1;
      this.meta = undefined;
      this.chunks.clear();
      this.gen++;
      this.showEmpty();
      return;
    }
    if (m.phase === 'running') return;
    this.frame.message.textContent = '';
    if (m.seq !== this.stopSeq || !this.meta) {
      this.stopSeq = m.seq;
      this.followCurrent = true;
      this.refetch();
    }
  }

  private showEmpty(): void {
    this.frame.empty('Debug a .vlab scenario: its events appear here as a sequence diagram in lanes (guest, QEMU, vfio-ccw, host cio, machine/channel, device, mm).');
    this.draw();
  }

  private filterArgs(): { lanes?: string[]; kinds?: string[] } {
    const a: { lanes?: string[]; kinds?: string[] } = {};
    if (this.lanesOn.size !== LANE_KEYS.length) a.lanes = LANE_KEYS.filter((_, i) => this.lanesOn.has(i));
    if (this.kind) a.kinds = [this.kind];
    return a;
  }

  /** Drop every loaded row and ask again (a stop, a filter change). */
  private refetch(): void {
    this.gen++;
    this.chunks.clear();
    this.inFlight.clear();
    this.selectedK = -1;
    this.fetchChunk(this.firstVisible() / CHUNK | 0, true);
  }

  private fetchChunk(c: number, first = false): void {
    if (this.phase === 'none' || this.inFlight.has(c) || this.chunks.has(c)) return;
    const gen = this.gen;
    this.inFlight.add(c);
    this.bridge
      .request(TIMELINE_REQUEST, { fromIndex: c * CHUNK, count: CHUNK, ...this.filterArgs() })
      .then((r) => {
        if (gen !== this.gen) return;
        this.inFlight.delete(c);
        const { rows, ...meta } = r;
        this.meta = meta;
        this.chunks.set(c, rows);
        this.updateKinds(meta.kinds);
        this.updateLaneButtons();
        this.frame.spacer.style.height = `${HEADER + meta.total * this.rowH}px`;
        if (first && this.followCurrent) this.scrollToCurrent();
        this.draw();
      })
      .catch((e: Error) => {
        if (gen !== this.gen) return;
        this.inFlight.delete(c);
        this.frame.message.textContent = e.message;
      });
  }

  private updateKinds(kinds: string[]): void {
    if (this.kindSelect.options.length === kinds.length + 1) return;
    const keep = this.kindSelect.value;
    this.kindSelect.replaceChildren(h('option', { value: '' }, 'all kinds'), ...kinds.map((k) => h('option', { value: k }, k)));
    this.kindSelect.value = keep;
  }

  private toggleLane(i: number, b: HTMLButtonElement): void {
    if (this.lanesOn.has(i) && this.lanesOn.size === 1) return; // at least one lane stays
    if (this.lanesOn.has(i)) this.lanesOn.delete(i);
    else this.lanesOn.add(i);
    b.setAttribute('aria-pressed', String(this.lanesOn.has(i)));
    this.updateLaneButtons();
    this.refetch();
  }

  private zoom(d: number): void {
    const k = this.firstVisible();
    this.rowH = Math.max(12, Math.min(36, this.rowH + d));
    if (this.meta) this.frame.spacer.style.height = `${HEADER + this.meta.total * this.rowH}px`;
    this.frame.scroller.scrollTop = k * this.rowH;
    this.draw();
  }

  private firstVisible(): number {
    return Math.max(0, Math.floor(this.frame.scroller.scrollTop / this.rowH));
  }

  private scrollToCurrent(): void {
    if (!this.meta || this.meta.currentIndex < 0) return;
    const target = this.meta.currentIndex * this.rowH - this.frame.scroller.clientHeight / 2;
    this.frame.scroller.scrollTop = Math.max(0, target);
    this.followCurrent = true;
    this.draw();
  }

  private row(k: number): TimelineRow | undefined {
    return this.chunks.get((k / CHUNK) | 0)?.[k % CHUNK];
  }

  /** Row under content coordinate y (the scroller's content: HEADER, then one row per event). */
  private rowAt(y: number): number {
    if (y - this.frame.scroller.scrollTop < HEADER) return -1; // the lane header is drawn over the rows
    const k = Math.floor((y - HEADER) / this.rowH);
    return this.meta && k >= 0 && k < this.meta.total ? k : -1;
  }

  /** Lanes switched on that have no event under the kind filter: they get no column (a bare
   * colour square told nothing); the status line and their toggle buttons name them instead. */
  private emptyLanes(): number[] {
    const counts = this.meta?.laneCounts;
    return counts ? LANE_KEYS.map((_, i) => i).filter((i) => this.lanesOn.has(i) && counts[i] === 0) : [];
  }

  /** Lanes with a column: switched on and (once the counts are known) with at least one event. */
  private columns(): number[] {
    const empty = new Set(this.emptyLanes());
    return LANE_KEYS.map((_, i) => i).filter((i) => this.lanesOn.has(i) && !empty.has(i));
  }

  /**
   * Lay out the lane columns for one draw: each column first gets room for its name in the header
   * (so "machine/channel" is not cut), then the rest is shared, the scenario lane taking 1.5 shares
   * (statement text). When even the names do not fit, the shares alone decide and names end in "…".
   */
  private layoutColumns(ctx: CanvasRenderingContext2D, width: number): void {
    this.laneCols = layoutLanes(this.columns(), (l) => ctx.measureText(LANE_KEYS[l]).width + 24, GUTTER, width);
  }

  /** Column of a lane, as laid out for the last draw. */
  private laneX(lane: number): { x: number; w: number } {
    return this.laneCols.find((c) => c.lane === lane) ?? { x: GUTTER, w: 0 };
  }

  /** The lane whose header column holds x (-1 in the seq · time gutter). */
  private laneAtX(x: number): number {
    return this.laneCols.find((c) => x >= c.x && x < c.x + c.w)?.lane ?? -1;
  }

  /** Lane toggles say how many events each lane has; an empty one is marked and says so. */
  private updateLaneButtons(): void {
    const counts = this.meta?.laneCounts;
    this.laneBar.querySelectorAll<HTMLButtonElement>('button.lane-toggle').forEach((b, i) => {
      const n = counts?.[i];
      const empty = n === 0;
      b.classList.toggle('empty', empty);
      b.title = n === undefined ? `Show or hide the ${LANE_KEYS[i]} lane` : `${LANE_KEYS[i]}: ${empty ? 'no events' : `${n.toLocaleString('en')} event${n === 1 ? '' : 's'}`}${this.kind ? ` of kind ${this.kind}` : ''} — click to ${this.lanesOn.has(i) ? 'hide' : 'show'} the lane`;
    });
  }

  private draw(): void {
    const ctx = fitCanvas(this.frame.canvas);
    const W = this.frame.canvas.clientWidth;
    const H = this.frame.canvas.clientHeight;
    const col = this.colours;
    ctx.clearRect(0, 0, W, H);
    ctx.font = `${Math.min(13, this.rowH - 6)}px ${this.colours.font}`;
    ctx.textBaseline = 'middle';
    const shown = this.columns();
    this.layoutColumns(ctx, W);
    const headers: string[] = [];
    // lane separators and header
    ctx.fillStyle = col.header;
    ctx.fillRect(0, 0, W, HEADER);
    ctx.strokeStyle = col.grid;
    ctx.lineWidth = 1;
    for (const l of shown) {
      const { x, w } = this.laneX(l);
      ctx.beginPath();
      ctx.moveTo(x + 0.5, 0);
      ctx.lineTo(x + 0.5, H);
      ctx.stroke();
      ctx.fillStyle = col.lanes[l];
      ctx.fillRect(x + 6, HEADER / 2 - 4, 8, 8);
      ctx.fillStyle = col.fg;
      // a name too long for its column ends in "…"; hovering the header shows it whole
      const name = clip(ctx, LANE_KEYS[l], w - 22);
      ctx.fillText(name, x + 18, HEADER / 2);
      headers.push(`${name}:${Math.round(x)}:${Math.round(w)}`);
    }
    ctx.fillStyle = col.dim;
    ctx.fillText('seq · time', 6, HEADER / 2);
    const drawnLanes = new Set<string>();
    const visible: string[] = [];
    let drawnRows = 0;
    let arrows = 0;
    const meta = this.meta;
    if (meta) {
      const top = this.frame.scroller.scrollTop;
      const first = Math.max(0, Math.floor(top / this.rowH));
      const last = Math.min(meta.total - 1, Math.ceil((top + H - HEADER) / this.rowH));
      for (let c = (first / CHUNK) | 0; c <= ((last / CHUNK) | 0); c++) this.fetchChunk(c);
      const yOf = (k: number) => HEADER + k * this.rowH - top + this.rowH / 2;
      const seqToK = new Map<number, number>();
      for (let k = first; k <= last; k++) {
        const r = this.row(k);
        if (r) seqToK.set(r[0], k);
      }
      ctx.save();
      ctx.beginPath();
      ctx.rect(0, HEADER, W, H - HEADER);
      ctx.clip();
      // the current stop: a band on its row, or a line where it falls between filtered rows
      if (meta.currentIndex >= 0) {
        const y = HEADER + meta.currentIndex * this.rowH - top;
        const cur = this.row(meta.currentIndex);
        if (cur && cur[0] === meta.currentSeq) {
          ctx.fillStyle = col.current;
          ctx.fillRect(0, y, W, this.rowH);
        }
        ctx.fillStyle = col.currentEdge;
        ctx.fillRect(0, y, 3, this.rowH);
      }
      for (let k = first; k <= last; k++) {
        const y = yOf(k);
        if (k === this.selectedK || k === this.hoverK) {
          ctx.fillStyle = k === this.selectedK ? col.selected : col.hover;
          ctx.fillRect(0, y - this.rowH / 2, W, this.rowH);
        }
        const r = this.row(k);
        if (!r) {
          ctx.fillStyle = col.dim;
          ctx.fillText('…', GUTTER + 6, y);
          continue;
        }
        const [seq, time, lane, , flow, prevSeq, text] = r;
        const future = meta.currentSeq >= 0 && seq > meta.currentSeq;
        ctx.globalAlpha = future ? 0.55 : 1;
        ctx.fillStyle = seq === meta.currentSeq ? col.currentEdge : col.dim;
        ctx.fillText(clip(ctx, `${seq === meta.currentSeq ? '▶ ' : ''}${seq} · ${time}`, GUTTER - 8), 6, y);
        const { x, w } = this.laneX(lane);
        if (lane === 0) {
          // statements: a rule across every lane, so each statement's events read as a block
          ctx.strokeStyle = col.grid;
          ctx.beginPath();
          ctx.moveTo(GUTTER, y - this.rowH / 2 + 0.5);
          ctx.lineTo(W, y - this.rowH / 2 + 0.5);
          ctx.stroke();
        }
        // flow arrow from the previous event of the same CRW / I/O
        if (flow >= 0 && prevSeq >= 0) {
          const pk = seqToK.get(prevSeq);
          const prev = pk === undefined ? undefined : this.row(pk);
          if (prev && pk !== undefined) {
            arrows++;
            this.arrow(ctx, this.laneX(prev[2]).x + 10, yOf(pk), x + 10, y, col.flows[flow % col.flows.length], KERNEL_LANES.has(prev[2]) && lane === QEMU_LANE ? 'eventfd' : '');
          } else if (prevSeq < (this.row(first)?.[0] ?? -1)) {
            arrows++;
            this.arrow(ctx, x + 10, HEADER, x + 10, y, col.flows[flow % col.flows.length], '');
          }
        }
        ctx.fillStyle = col.lanes[lane];
        ctx.beginPath();
        ctx.arc(x + 10, y, Math.max(3, this.rowH / 5), 0, Math.PI * 2);
        ctx.fill();
        if (seq === meta.currentSeq) {
          ctx.strokeStyle = col.border;
          ctx.lineWidth = 2;
          ctx.stroke();
          ctx.lineWidth = 1;
        }
        // one event per row: its label may run on over the lanes to its right; when that is too
        // short for it (the rightmost lanes) and the row's left is wider, it ends left of the dot
        ctx.fillStyle = col.fg;
        const right = Math.max(w - 22, W - x - 24);
        const left = x - GUTTER - 12;
        if (ctx.measureText(text).width > right && left > right) {
          ctx.textAlign = 'right';
          ctx.fillText(clip(ctx, text, left), x + 2, y);
          ctx.textAlign = 'left';
        } else ctx.fillText(clip(ctx, text, right), x + 18, y);
        ctx.globalAlpha = 1;
        drawnRows++;
        drawnLanes.add(LANE_KEYS[lane]);
        visible.push(`${seq}|${LANE_KEYS[lane]}|${meta.kinds[r[3]]}|${Math.round(y)}`);
      }
      ctx.restore();
      const empty = this.emptyLanes().map((l) => LANE_KEYS[l]);
      this.frame.status.textContent = `${meta.total.toLocaleString('en')} of ${meta.historyLength.toLocaleString('en')} events · stop seq ${meta.currentSeq}${empty.length ? ` · no events in ${empty.join(', ')}` : ''}`;
    }
    // for tests and assistive tools: what is on screen
    const d = this.frame.canvas.dataset;
    d.total = String(meta?.total ?? 0);
    d.currentSeq = String(meta?.currentSeq ?? -1);
    d.drawnRows = String(drawnRows);
    d.drawnLanes = [...drawnLanes].join(',');
    // each lane column as drawn: `name as shown:x:width`
    d.headers = headers.join(';');
    d.emptyLanes = this.emptyLanes().map((l) => LANE_KEYS[l]).join(',');
    d.arrows = String(arrows);
    d.visible = visible.join(';');
    d.theme = themeKind();
    this.frame.scroller.setAttribute('aria-rowcount', String(meta?.total ?? 0));
  }

  private arrow(ctx: CanvasRenderingContext2D, x1: number, y1: number, x2: number, y2: number, colour: string, label: string): void {
    ctx.strokeStyle = colour;
    ctx.fillStyle = colour;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.moveTo(x1, y1);
    const mid = (y1 + y2) / 2;
    ctx.bezierCurveTo(x1, mid, x2, mid, x2, y2 - 5);
    ctx.stroke();
    ctx.beginPath();
    ctx.moveTo(x2, y2 - 3);
    ctx.lineTo(x2 - 4, y2 - 9);
    ctx.lineTo(x2 + 4, y2 - 9);
    ctx.closePath();
    ctx.fill();
    if (label) {
      ctx.font = `italic ${Math.min(11, this.rowH - 8)}px ${this.colours.font}`;
      ctx.fillText(label, (x1 + x2) / 2 + 4, mid - 6);
      ctx.font = `${Math.min(13, this.rowH - 6)}px ${this.colours.font}`;
    }
    ctx.lineWidth = 1;
  }

  private hover(e: MouseEvent): void {
    const p = contentPoint(e, this.frame.scroller);
    const k = this.rowAt(p.y);
    if (k !== this.hoverK) {
      this.hoverK = k;
      this.draw();
    }
    const r = k >= 0 ? this.row(k) : undefined;
    // over the header: the lane's whole name and its number of events
    const lane = p.y - this.frame.scroller.scrollTop < HEADER ? this.laneAtX(p.x) : -1;
    if (lane >= 0 && this.meta) this.frame.hoverCard(e, laneCard(LANE_KEYS[lane], this.meta.laneCounts[lane] ?? 0, this.kind));
    else this.frame.hoverCard(e, r && this.meta ? card(r, this.meta) : undefined);
  }

  /** Select row k; `travel`: the debugger goes there (it answers with a stop, which refreshes). */
  private select(k: number, travel: boolean): void {
    this.selectedK = k;
    const r = this.row(k);
    if (r && this.meta) this.frame.details.replaceChildren(...card(r, this.meta));
    this.draw();
    if (travel && r && this.phase === 'stopped' && r[0] !== this.meta?.currentSeq) {
      this.bridge.request(TRAVEL_REQUEST, { seq: r[0] }).catch((e: Error) => (this.frame.message.textContent = e.message));
    }
  }

  private key(e: KeyboardEvent): void {
    if (!this.meta) return;
    const page = Math.max(1, Math.floor(this.frame.scroller.clientHeight / this.rowH) - 1);
    const move = (k: number) => {
      const t = Math.max(0, Math.min(this.meta!.total - 1, k));
      this.select(t, false);
      const y = t * this.rowH;
      if (y < this.frame.scroller.scrollTop) this.frame.scroller.scrollTop = y;
      else if (y + this.rowH + HEADER > this.frame.scroller.scrollTop + this.frame.scroller.clientHeight) this.frame.scroller.scrollTop = y + this.rowH + HEADER - this.frame.scroller.clientHeight;
    };
    const cur = this.selectedK >= 0 ? this.selectedK : Math.max(0, this.meta.currentIndex);
    const handled = new Map<string, () => void>([
      ['ArrowDown', () => move(cur + 1)],
      ['ArrowUp', () => move(cur - 1)],
      ['PageDown', () => move(cur + page)],
      ['PageUp', () => move(cur - page)],
      ['Home', () => move(0)],
      ['End', () => move(this.meta!.total - 1)],
      ['Enter', () => this.select(cur, true)],
      ['+', () => this.zoom(2)],
      ['=', () => this.zoom(2)],
      ['-', () => this.zoom(-2)],
      ['c', () => this.scrollToCurrent()],
    ]).get(e.key);
    if (handled) {
      e.preventDefault();
      handled();
    }
  }
}

new Timeline(document.getElementById('app')!);
