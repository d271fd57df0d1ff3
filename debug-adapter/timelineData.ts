/**
 * The I/O timeline's data: every history record mapped to a lane (the actor that did it) and a
 * flow (the chain of events one CRW or one I/O travels along), kept in typed arrays so a million
 * events cost a few MB and a window of rows is a slice (STYLE "Pictures": Perfetto's tracks and
 * flow arrows).
 *
 * Lanes come from the record's thread and its call stack: the innermost frame that names a layer
 * decides (a host STSCH issued by `cio_update_schib` is host cio's; the same instruction from
 * `fsm_io_helper` is vfio-ccw's). Instruction handlers (`ioinst_handle_*`, `css_do_*`) are skipped:
 * they execute for their caller.
 */
import type { HistoryRecord, ModelEvent, ModelFrame } from '../model/engine/events';
import { CHANNEL_THREAD_BASE, GUEST_CPU_THREAD } from '../model/engine/ids';
import { HISTORY_CURSOR, HISTORY_EPOCH } from '../model/engine/history';
import { QEMU_THREAD } from '../model/qemu/threads';
import * as P from './protocol';
import { describeText, fieldsText, stackText } from './timelineText';

export const LANE = {
  scenario: 0, guest: 1, qemu: 2, vfio: 3, cio: 4, machine: 5, device: 6, mm: 7,
} as const;
export type LaneNo = (typeof LANE)[keyof typeof LANE];

/** The kinds of events.ts, in a fixed order; kinds added later get the next indices. */
const KNOWN_KINDS = [
  'stmt', 'instr', 'exception', 'sch.start', 'ccw.fetch', 'ccw.data', 'ccw.chain', 'ccw.check', 'sch.status', 'irq.queued',
  'irq.presented', 'crw.queued', 'chp.state', 'page.fault', 'page.grab', 'page.release', 'gup.return', 'warn', 'log', 'expect', 'end',
];

/** QEMU's functions (hw/vfio/ccw.c, hw/s390x/css.c) that the host kernel never runs. */
const QEMU_FUNCS = new Set([
  'vfio_ccw_handle_request', 'vfio_ccw_handle_store', 'vfio_ccw_crw_read', 'vfio_ccw_io_notifier_handler', 'vfio_ccw_crw_notifier_handler',
  'vfio_ccw_req_notifier_handler', 'vfio_ccw_register_irq_notifier', 'vfio_ccw_realize', 'vfio_ccw_unrealize', 'css_crw_add_to_queue',
  'css_generate_sch_crws', 'css_inject_io_interrupt', 'css_conditional_io_interrupt', 'sch_handle_start_func_passthrough',
]);
/** The machine itself (SCLP, the channel subsystem's own CRW queue). */
const MACHINE_FUNCS = new Set(['chp_machine_event', 'css_queue_crw']);
/** Host Linux common I/O layer (drivers/s390/cio) outside vfio-ccw. */
const CIO_FUNCS = new Set(['crw_collect_info', 'do_io_irq', 'chp_process_crw', 'cfg_func', 's390_vary_chpid', 'css_evaluate_subchannel', 'css_process_crw', 'stcps']);
const CIO_PREFIXES = ['cio_', 'chsc_', 'chp_cfg', 'chp_configure', 'sclp_'];
/** vfio-ccw (drivers/s390/cio/vfio_ccw_*.c). */
const VFIO_PREFIXES = ['vfio_ccw_', 'fsm_', 'cp_', 'ccwchain_', 'page_array_'];
/** Frames that execute an instruction for their caller (the caller's lane counts). */
const EXECUTOR = /^(ioinst_handle_|css_do_|stcrw$|stsch$|msch$|ssch$|tsch$|tpi$)/;

function laneOfFrame(f: ModelFrame, vfio: boolean): LaneNo | undefined {
  const n = f.name;
  if (EXECUTOR.test(n)) return undefined;
  if (vfio && QEMU_FUNCS.has(n)) return LANE.qemu;
  if (MACHINE_FUNCS.has(n)) return LANE.machine;
  if (CIO_FUNCS.has(n) || CIO_PREFIXES.some((p) => n.startsWith(p))) return LANE.cio;
  if (VFIO_PREFIXES.some((p) => n.startsWith(p))) return LANE.vfio;
  return undefined;
}

function laneOfThread(thread: number, vfio: boolean): LaneNo {
  if (thread >= CHANNEL_THREAD_BASE) return LANE.machine;
  if (thread === QEMU_THREAD) return vfio ? LANE.qemu : LANE.machine;
  if (thread === GUEST_CPU_THREAD) return LANE.guest;
  return LANE.cio;
}

/**
 * Lane decided by the call stack alone, per distinct stack: records share one frozen frames array
 * per distinct stack (machine.ts StackNode), so a million events cost a few lookups each.
 * -1: no frame names a layer.
 */
const stackLanes = [new WeakMap<readonly ModelFrame[], number>(), new WeakMap<readonly ModelFrame[], number>()];

function laneOfStack(frames: readonly ModelFrame[], vfio: boolean): number {
  const cache = stackLanes[vfio ? 1 : 0];
  let l = cache.get(frames);
  if (l === undefined) {
    l = -1;
    for (const f of frames) {
      // the statement frame (it has a line) ends the search: the thread decides
      if (f.line !== undefined) break;
      const x = laneOfFrame(f, vfio);
      if (x !== undefined) {
        l = x;
        break;
      }
    }
    cache.set(frames, l);
  }
  return l;
}

/** The lane of one record (`vfio`: the scenario runs the vfio-ccw topology, so QEMU exists). */
export function laneOf(r: HistoryRecord, vfio: boolean): LaneNo {
  const e = r.event;
  switch (e.kind) {
    case 'stmt': case 'expect': case 'end': return LANE.scenario;
    case 'page.fault': case 'page.grab': case 'page.release': case 'gup.return': return LANE.mm;
    case 'chp.state': return LANE.machine;
    case 'ccw.data': return LANE.device;
    case 'crw.queued':
      if (e.queue === 'machine') return LANE.machine;
      if (e.queue.startsWith('vfio-ccw')) return LANE.vfio;
      if (e.queue === 'guest') return vfio ? LANE.qemu : LANE.guest;
      break;
    default: break;
  }
  if (r.thread >= CHANNEL_THREAD_BASE) return LANE.machine;
  if (r.thread === QEMU_THREAD) return laneOfThread(r.thread, vfio);
  const l = laneOfStack(r.frames, vfio);
  return l >= 0 ? (l as LaneNo) : laneOfThread(r.thread, vfio);
}

const IO_OPENERS = new Set(['SSCH', 'RSCH', 'HSCH', 'CSCH', 'XSCH']);
const IO_MEMBERS = new Set(['SSCH', 'RSCH', 'HSCH', 'CSCH', 'XSCH', 'TSCH', 'TPI']);
const CRW_IN_DETAIL = /crw=0x([0-9a-f]{8})/;

/** Which of the stack tests below a distinct stack passes (bits), cached per interned frames array. */
const stackMarks = new WeakMap<readonly ModelFrame[], number>();
const MARK_TRANSLATE = 1;
const MARK_COMPLETION = 2;
const MARK_CHP_EVENT = 4;

function marksOf(frames: readonly ModelFrame[]): number {
  let m = stackMarks.get(frames);
  if (m === undefined) {
    m = 0;
    for (const f of frames) {
      if (isTranslate(f.name)) m |= MARK_TRANSLATE;
      if (isCompletion(f.name)) m |= MARK_COMPLETION;
      if (isChpEvent(f.name)) m |= MARK_CHP_EVENT;
    }
    stackMarks.set(frames, m);
  }
  return m;
}
/** vfio-ccw's channel-program translation (pins) and its completion (unpins), css §9.2. */
const isTranslate = (n: string) => n === 'cp_prefetch' || n === 'fsm_io_request';
const isCompletion = (n: string) => n === 'cp_free' || n === 'vfio_ccw_sch_io_todo' || n === 'cp_update_scsw';
/** Host cio's handling of a channel-path event (css §8.4). */
const isChpEvent = (n: string) => n.endsWith('_chp_event') || n.startsWith('chsc_chp_') || n === 'chp_process_crw';

/**
 * Assigns flows, one record at a time in history order. A CRW flow starts at the machine's
 * channel-path change (or a machine CRW) and follows the CRW's raw value through vfio-ccw's list,
 * QEMU's guest queue and the guest's STCRW (css §6, §8.4, §10.5). An I/O flow follows one
 * subchannel from the start function (with vfio-ccw's translation and pins before the host SSCH,
 * css §9.2) to the guest's TSCH.
 */
class FlowTracker {
  private next = 0;
  private readonly last = new Map<number, number>(); // flow → seq of its latest event
  private readonly byCrw = new Map<number, number>(); // raw CRW → flow
  private readonly byRsid = new Map<number, number>(); // chpid → flow opened by chp.state (this statement)
  private readonly io = new Map<number, number>(); // sch → open I/O flow
  private ctxCrw = -1; // CRW flow being handled by the host in this statement
  private lastIo = -1;
  private pending: number[] = []; // indices of translate events waiting for their SSCH

  /** `arrays`: the index, whose arrays are replaced when they grow. */
  constructor(private readonly arrays: { flows: Int32Array; prevs: Int32Array }) {}

  private open(): number {
    return this.next++;
  }

  private join(i: number, flow: number): void {
    this.arrays.flows[i] = flow;
    this.arrays.prevs[i] = this.last.get(flow) ?? -1;
    this.last.set(flow, this.seq);
  }

  /** seq of the record being added (read once: `add` may be given a cursor that moves on). */
  private seq = -1;

  add(i: number, r: HistoryRecord, lane: LaneNo): void {
    this.seq = r.seq;
    this.arrays.flows[i] = -1;
    this.arrays.prevs[i] = -1;
    const e: ModelEvent = r.event;
    switch (e.kind) {
      case 'stmt':
        this.ctxCrw = -1;
        this.byRsid.clear();
        this.pending = [];
        return;
      case 'chp.state': {
        const f = this.open();
        this.byRsid.set(e.chpid, f);
        this.ctxCrw = f;
        this.join(i, f);
        return;
      }
      case 'crw.queued': {
        const rsid = e.crw & 0xffff;
        let f = this.byCrw.get(e.crw);
        if (e.queue === 'machine') f = this.byRsid.get(rsid) ?? this.open();
        else if (f === undefined) f = this.ctxCrw >= 0 ? this.ctxCrw : this.open();
        this.byCrw.set(e.crw, f);
        if (lane !== LANE.qemu && lane !== LANE.guest) this.ctxCrw = f;
        this.join(i, f);
        return;
      }
      case 'instr': {
        if (e.name === 'STCRW') {
          const m = CRW_IN_DETAIL.exec(e.detail);
          const f = m ? this.byCrw.get(parseInt(m[1], 16)) : undefined;
          if (f !== undefined && e.cc === 0) {
            this.join(i, f);
            if (lane === LANE.guest) this.byCrw.delete(parseInt(m![1], 16));
          }
          return;
        }
        if (IO_OPENERS.has(e.name) && (e.cc === 0 || this.pending.length)) {
          let f = this.io.get(e.sch);
          if (f === undefined) this.io.set(e.sch, (f = this.open()));
          for (const p of this.pending) this.join(p, f);
          this.pending = [];
          this.join(i, f);
          this.lastIo = f;
          return;
        }
        if (IO_MEMBERS.has(e.name)) {
          const f = this.io.get(e.sch);
          if (f === undefined) return;
          this.join(i, f);
          this.lastIo = f;
          // the guest's TSCH ends the I/O (css §5.6): status is cleared
          if (e.name === 'TSCH' && lane === LANE.guest && e.cc === 0) this.io.delete(e.sch);
          return;
        }
        if (this.ctxCrw >= 0 && (lane === LANE.cio || lane === LANE.vfio) && (marksOf(r.frames) & MARK_CHP_EVENT) !== 0) this.join(i, this.ctxCrw);
        return;
      }
      case 'sch.start': case 'ccw.fetch': case 'ccw.data': case 'ccw.chain': case 'ccw.check': case 'sch.status':
      case 'irq.queued': case 'irq.presented': {
        const f = this.io.get(e.sch);
        if (f !== undefined) {
          this.join(i, f);
          this.lastIo = f;
        }
        return;
      }
      case 'page.fault': case 'page.grab': case 'page.release': case 'gup.return':
        if (marksOf(r.frames) & MARK_TRANSLATE) this.pending.push(i);
        else if (this.lastIo >= 0 && this.last.has(this.lastIo) && marksOf(r.frames) & MARK_COMPLETION) this.join(i, this.lastIo);
        return;
      default:
        return;
    }
  }
}

/** Lanes, kinds and flows of a whole history, extended as history grows, rebuilt when it is rewritten. */
export class TimelineIndex {
  private lanes = new Uint8Array(0);
  private kinds = new Uint8Array(0);
  /** Written by the flow tracker (hence not private). */
  flows = new Int32Array(0);
  prevs = new Int32Array(0);
  private n = 0;
  private first: HistoryRecord | undefined;
  private lastRec: HistoryRecord | undefined;
  /** The history's epoch when last brought up to date (model/engine/history.ts HISTORY_EPOCH). */
  private epoch: number | undefined;
  private tracker: FlowTracker | undefined;
  private readonly names = [...KNOWN_KINDS];
  private readonly kindNo = new Map(KNOWN_KINDS.map((k, i) => [k, i]));
  private filterKey = '';
  private filtered: Int32Array | undefined;

  constructor(private readonly history: () => readonly HistoryRecord[], private readonly vfio: boolean) {}

  /** Bring the arrays up to date with history; O(new records) unless history was rewritten. */
  update(): number {
    const h = this.history();
    // the machine's history materialises records per read: its epoch says when it was rewritten
    // (a plain array of records: their identity does)
    const epoch = (h as { readonly [HISTORY_EPOCH]?: number })[HISTORY_EPOCH];
    const rewritten = epoch !== undefined
      ? epoch !== this.epoch || this.n > h.length
      : h[0] !== this.first || this.n > h.length || (this.n > 0 && h[this.n - 1] !== this.lastRec);
    this.epoch = epoch;
    if (rewritten) {
      this.n = 0;
      this.first = h[0];
      this.tracker = undefined;
      this.filterKey = '';
    }
    if (h.length > this.lanes.length) this.grow(h.length);
    this.tracker ??= new FlowTracker(this);
    // the machine's history view offers a cursor: a million records are read, none materialised
    const cursor = (h as { readonly [HISTORY_CURSOR]?: () => { at(i: number): HistoryRecord } })[HISTORY_CURSOR]?.();
    for (let i = this.n; i < h.length; i++) {
      const r = cursor ? cursor.at(i) : h[i];
      const lane = laneOf(r, this.vfio);
      this.lanes[i] = lane;
      this.kinds[i] = this.kindIndex(r.event.kind);
      this.tracker.add(i, r, lane);
    }
    if (this.n !== h.length) this.filterKey = '';
    this.n = h.length;
    this.lastRec = h[h.length - 1];
    return this.n;
  }

  private grow(min: number): void {
    let cap = Math.max(1024, this.lanes.length);
    while (cap < min) cap *= 2;
    const lanes = new Uint8Array(cap);
    lanes.set(this.lanes.subarray(0, this.n));
    const kinds = new Uint8Array(cap);
    kinds.set(this.kinds.subarray(0, this.n));
    const flows = new Int32Array(cap);
    flows.set(this.flows.subarray(0, this.n));
    const prevs = new Int32Array(cap);
    prevs.set(this.prevs.subarray(0, this.n));
    this.lanes = lanes;
    this.kinds = kinds;
    this.flows = flows;
    this.prevs = prevs;
  }

  private kindIndex(kind: string): number {
    let k = this.kindNo.get(kind);
    if (k === undefined) {
      k = this.names.length;
      this.names.push(kind);
      this.kindNo.set(kind, k);
    }
    return k;
  }

  lane(i: number): number {
    return this.lanes[i];
  }

  kind(i: number): number {
    return this.kinds[i];
  }

  flow(i: number): number {
    return this.flows[i];
  }

  prevSeq(i: number): number {
    return this.prevs[i];
  }

  get kindNames(): readonly string[] {
    return this.names;
  }

  private countsKey = '';
  private counts: number[] = [];

  /** Events per lane, among those of the kinds in `kindSet` (all when undefined). */
  laneCounts(kindSet: Set<number> | undefined): number[] {
    const key = `${this.n}|${kindSet ? [...kindSet].sort((a, b) => a - b).join(',') : '*'}`;
    if (key === this.countsKey) return this.counts;
    const counts = new Array<number>(P.TIMELINE_LANES.length).fill(0);
    for (let i = 0; i < this.n; i++) if (!kindSet || kindSet.has(this.kinds[i])) counts[this.lanes[i]]++;
    this.countsKey = key;
    this.counts = counts;
    return counts;
  }

  /** History indices matching the filter (undefined: all match). */
  select(laneMask: number, kindSet: Set<number> | undefined): Int32Array | undefined {
    if (laneMask === ALL_LANES && !kindSet) return undefined;
    const key = `${laneMask}|${kindSet ? [...kindSet].sort((a, b) => a - b).join(',') : '*'}`;
    if (key === this.filterKey && this.filtered) return this.filtered;
    let count = 0;
    const out = new Int32Array(this.n);
    for (let i = 0; i < this.n; i++) {
      if ((laneMask & (1 << this.lanes[i])) === 0) continue;
      if (kindSet && !kindSet.has(this.kinds[i])) continue;
      out[count++] = i;
    }
    this.filterKey = key;
    this.filtered = out.subarray(0, count);
    return this.filtered;
  }
}

const ALL_LANES = (1 << P.TIMELINE_LANES.length) - 1;

/** Answers `vlab/timeline` from the history and an index kept up to date across requests. */
export class TimelineData {
  private readonly index: TimelineIndex;

  constructor(private readonly history: () => readonly HistoryRecord[], vfio: boolean) {
    this.index = new TimelineIndex(history, vfio);
  }

  /** Lane and flow of every record (tests, bench). */
  get idx(): TimelineIndex {
    this.index.update();
    return this.index;
  }

  rows(args: P.TimelineArgs, cursor: number): P.TimelineResponse {
    const a = (args ?? {}) as P.TimelineArgs;
    const count = a.count ?? 500;
    if (!Number.isInteger(count) || count < 1 || count > P.TIMELINE_MAX_ROWS) throw new Error(`timeline: 'count' must be an integer 1..${P.TIMELINE_MAX_ROWS}`);
    if (a.fromSeq !== undefined && !Number.isInteger(a.fromSeq)) throw new Error("timeline: 'fromSeq' must be an integer");
    if (a.fromIndex !== undefined && (!Number.isInteger(a.fromIndex) || a.fromIndex < 0)) throw new Error("timeline: 'fromIndex' must be an integer ≥ 0");
    const n = this.index.update();
    const h = this.history();
    const laneMask = a.lanes === undefined ? ALL_LANES : lanesMask(a.lanes);
    const kindSet = a.kinds === undefined ? undefined : this.kindSet(a.kinds);
    const sel = this.index.select(laneMask, kindSet);
    const total = sel ? sel.length : n;
    const at = (k: number) => (sel ? sel[k] : k);
    // first selected position whose history index is ≥ i (binary search over sel)
    const lowerBound = (i: number) => {
      if (!sel) return Math.min(Math.max(i, 0), n);
      let lo = 0;
      let hi = sel.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (sel[mid] < i) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    let start: number;
    if (a.fromIndex !== undefined) start = Math.min(a.fromIndex, total);
    else if (a.fromSeq !== undefined) start = lowerBound(indexOfSeq(h, a.fromSeq));
    else start = 0;
    const rows: P.TimelineRow[] = [];
    const idx = this.index;
    for (let k = start; k < Math.min(total, start + count); k++) {
      const i = at(k);
      const r = h[i];
      rows.push([r.seq, r.time, idx.lane(i), idx.kind(i), idx.flow(i), idx.prevSeq(i), describeText(r), fieldsText(r.event), stackText(r)]);
    }
    const cur = h[cursor];
    return {
      total,
      index: start,
      historyLength: n,
      currentSeq: cur ? cur.seq : -1,
      currentIndex: cur ? lowerBound(cursor) : -1,
      lanes: [...P.TIMELINE_LANES],
      kinds: [...idx.kindNames],
      timeRange: [h[0]?.time ?? 0, h[n - 1]?.time ?? 0],
      laneCounts: [...idx.laneCounts(kindSet)],
      rows,
    };
  }

  private kindSet(kinds: unknown): Set<number> {
    if (!Array.isArray(kinds)) throw new Error("timeline: 'kinds' must be a list of event kinds");
    const names = this.index.kindNames;
    const out = new Set<number>();
    for (const k of kinds) {
      const i = names.indexOf(String(k));
      if (i < 0) throw new Error(`timeline: unknown event kind '${String(k)}' (kinds: ${names.join(', ')})`);
      out.add(i);
    }
    return out;
  }
}

function lanesMask(lanes: unknown): number {
  if (!Array.isArray(lanes)) throw new Error("timeline: 'lanes' must be a list of lane names");
  let m = 0;
  for (const l of lanes) {
    const i = (P.TIMELINE_LANES as readonly string[]).indexOf(String(l));
    if (i < 0) throw new Error(`timeline: unknown lane '${String(l)}' (lanes: ${P.TIMELINE_LANES.join(', ')})`);
    m |= 1 << i;
  }
  return m;
}

/** History index of the first record with seq ≥ `seq` (seq grows along history). */
export function indexOfSeq(h: readonly HistoryRecord[], seq: number): number {
  let lo = 0;
  let hi = h.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (h[mid].seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
