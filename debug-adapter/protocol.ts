/**
 * Custom DAP requests and events between the VFIO Lab debug adapter and the extension's views.
 * Declared once here; `debug-adapter/` implements them and `extension/` calls them, so both
 * sides are checked by the compiler against the same types (STYLE: vscode-js-debug).
 *
 * Views never poll: the adapter sends `vlab/state` after every `stopped` event, and the views
 * then ask only for what is expanded.
 */

/** Sent by the adapter right after each `stopped` event (and once on terminate with live=false). */
export const STATE_EVENT = 'vlab/state';
export interface StateEventBody {
  /** History sequence number of the stop; views use it to detect changes. */
  seq: number;
  /** Virtual time of the machine at the stop. */
  time: number;
  live: boolean;
}

/** One SCHIB/IRB field as a row: `name [bits] value` (STYLE: peripheral-viewer). */
export interface FieldRow {
  /** Reference spelling, e.g. `pmcw.lpm`, `scsw.stctl`. */
  name: string;
  /** IBM bit numbering inside its word, e.g. `w2.0-7`. */
  bits: string;
  value: number;
  width: number;
  meaning: string;
  /** Reference section, e.g. `css §1.1`. */
  ref: string;
  /** SCSW field-validity rules (css §1.3); always true for PMCW fields. */
  valid: boolean;
  /** Value differs from the previous stop. */
  changed: boolean;
  /** Modifiable by MSCH (css §5.3): the view offers editing through `vlab/setField`. */
  editable: boolean;
}

export interface FieldGroup {
  /** `PMCW`, `SCSW`, `MBA`, `MDA`. */
  name: string;
  /** Raw values of the group's words, in order (not word numbers: those are in each field's `bits`). */
  words: number[];
  fields: FieldRow[];
}

export interface SubchannelView {
  /** `guest` (QEMU's virtual subchannel) or `host` (the machine's) for passthrough subchannels. */
  side?: 'guest' | 'host';
  sch: number;
  /** `0.0.0007` */
  sid: string;
  /** `0.0.1234` */
  devno: string;
  deviceType: string;
  /** A channel program is in flight (a channel thread exists). */
  active: boolean;
  groups: FieldGroup[];
}

export const SUBCHANNELS_REQUEST = 'vlab/subchannels';
export interface SubchannelsArgs {
  /** Only these subchannels (numbers); all when omitted (bounded by `limit`). */
  only?: number[];
  limit?: number;
}
export interface SubchannelsResponse {
  total: number;
  subchannels: SubchannelView[];
}

export interface CrwView {
  raw: number;
  rsc: number;
  erc: number;
  rsid: number;
  sol: boolean;
  oflw: boolean;
  chn: boolean;
  anc: boolean;
  /** e.g. `RSC 4 channel path, ERC 6 permanent error not initialized, RSID 0x40` (css §6.1) */
  decoded: string;
}

export interface CrwQueueView {
  /** `machine`, `vfio-ccw 0.0.0007`, `guest` */
  name: string;
  crws: CrwView[];
  overflow: boolean;
}

export const CRW_QUEUES_REQUEST = 'vlab/crwQueues';
export interface CrwQueuesResponse {
  queues: CrwQueueView[];
}

export interface PageRow {
  pfn: number;
  vaddr: string;
  refcount: number;
  /** Exact pin count of the folio (gup §3.2); null for small pages without the field. */
  pincount: number | null;
  maybeDmaPinned: boolean;
  dirty: boolean;
  zeroPage: boolean;
  order: number;
  zone: string;
  changed: boolean;
}

export interface VmaView {
  start: string;
  end: string;
  kind: string;
  prot: string;
  pages: PageRow[];
}

export interface ProcessView {
  pid: number;
  name: string;
  vmas: VmaView[];
}

export const PAGES_REQUEST = 'vlab/pages';
export interface PagesArgs {
  /** Only pages with nonzero pins, changed refcount, or dirty (default true). */
  interestingOnly?: boolean;
  /** At most this many page rows in total (default 1000): the view stays fast with 1M pages. */
  limit?: number;
}
export interface PagesResponse {
  vmstat: Record<string, number>;
  lockedVm: number;
  totalPages: number;
  shownPages: number;
  processes: ProcessView[];
}

/** Edit a SCHIB field through MSCH semantics (css §5.3); undoable with stepBack. */
export const SET_FIELD_REQUEST = 'vlab/setField';
export interface SetFieldArgs {
  sch: number;
  field: string;
  /** Decimal, `0x` hex or `0b` binary text, as typed by the user. */
  value: string;
}
export interface SetFieldResponse {
  /** The MSCH condition code. */
  cc: number;
  value: number;
}

// ---- Pictures: the I/O timeline and the page map (webviews) ----------------------------------

/**
 * Lanes of the I/O timeline, top to bottom of the sequence diagram (PRODUCT §4). `scenario`
 * carries the statements (the anchors a user steps by); the others are the actors.
 */
export const TIMELINE_LANES = ['scenario', 'guest', 'QEMU', 'vfio-ccw', 'host cio', 'machine/channel', 'device', 'mm'] as const;
export type TimelineLane = (typeof TIMELINE_LANES)[number];

/** Rows one `vlab/timeline` answer may carry (a screen shows a few hundred). */
export const TIMELINE_MAX_ROWS = 5000;

/**
 * The events of history as compact rows, for the timeline webview (virtualised: it asks only for
 * the rows it shows). Rows are those matching the filter, in history order.
 */
export const TIMELINE_REQUEST = 'vlab/timeline';
export interface TimelineArgs {
  /** First row: the first matching event with seq ≥ fromSeq. */
  fromSeq?: number;
  /** Alternatively the index of the first row among the matching events (scrolling). */
  fromIndex?: number;
  /** Rows wanted, 1..TIMELINE_MAX_ROWS (default 500). */
  count?: number;
  /** Only these lanes (names from TIMELINE_LANES); all when omitted. */
  lanes?: string[];
  /** Only these event kinds (`ccw.fetch`, `crw.queued`, ...); all when omitted. */
  kinds?: string[];
}
/**
 * One event: [seq, virtual time, lane index, kind index, flow id (-1 none), seq of the previous
 * event of the same flow (-1 none), one-line text, fields (`name=value` lines), call stack].
 */
export type TimelineRow = [number, number, number, number, number, number, string, string, string];
export interface TimelineResponse {
  /** Matching events in the whole history. */
  total: number;
  /** Index among the matching events of rows[0]. */
  index: number;
  /** Events in history (unfiltered). */
  historyLength: number;
  /** seq of the current stop (-1 none): the timeline marks it. */
  currentSeq: number;
  /** Index among the matching events of the first one at or after the current stop. */
  currentIndex: number;
  lanes: string[];
  /** Names of the kind indices used in rows (every kind known so far). */
  kinds: string[];
  /** Virtual time of the first and last event of history. */
  timeRange: [number, number];
  /** Events per lane in the whole history (kind filter applied, lane filter not): empty lanes can be drawn narrow. */
  laneCounts: number[];
  rows: TimelineRow[];
}

/** Travel in time to a history event (the timeline's click): the debugger stops there (`goto`). */
export const TRAVEL_REQUEST = 'vlab/travel';
export interface TravelArgs {
  seq: number;
}
export interface TravelResponse {
  seq: number;
  time: number;
}

/** Cells one `vlab/pageMap` answer may carry (≈ 18 bytes a cell before base64). */
export const PAGE_MAP_MAX_CELLS = 262_144;

/** Bits of `PageMapResponse.flags`, one byte per cell. */
export const PAGE_MAP_FLAG = {
  /** A PTE maps this page (else every other array holds -1/0 for the cell). */
  mapped: 1,
  writable: 2,
  /** folio_maybe_dma_pinned() (gup §3.3). */
  maybeDmaPinned: 4,
  /** PG_dirty on the folio (gup §6). */
  dirty: 8,
  /** The shared zero page (gup §0.2). */
  zeroPage: 16,
  /** Head of a large folio. */
  head: 32,
  /** The folio was freed while still mapped (gup §3.5). */
  freed: 64,
} as const;

/**
 * One process's VMA as a run of cells, one per page in address order, as little-endian typed
 * arrays in base64 (no object per page: a VMA may have a million pages).
 */
export const PAGE_MAP_REQUEST = 'vlab/pageMap';
export interface PageMapArgs {
  /** Default: the first process. */
  pid?: number;
  /** VMA start address (`0x` hex); default: the process's first VMA. */
  vma?: string;
  /** First page index inside the VMA (default 0). */
  from?: number;
  /** Pages wanted, 1..PAGE_MAP_MAX_CELLS (default 65,536). */
  count?: number;
}
export interface PageMapVma {
  start: string;
  end: string;
  kind: string;
  prot: string;
  /** Pages the VMA spans. */
  pages: number;
  /** Pages with a PTE. */
  mapped: number;
}
export interface PageMapProcess {
  pid: number;
  name: string;
  vmas: PageMapVma[];
}
export interface PageMapResponse {
  processes: PageMapProcess[];
  pid: number;
  vma: string;
  /** Pages the selected VMA spans. */
  pages: number;
  from: number;
  count: number;
  /** Int32Array base64: PFN of each page, -1 when no PTE. */
  pfn: string;
  /** Int32Array base64: head PFN of the page's folio (folio outlines), -1 when no PTE. */
  head: string;
  /** Int32Array base64: the folio's `_refcount`. */
  refcount: string;
  /** Int32Array base64: the folio's exact pin counter (gup §3.2), -1 where the era/order has none. */
  pincount: string;
  /** Uint8Array base64: PAGE_MAP_FLAG bits. */
  flags: string;
  /** Uint8Array base64: index into `zones`. */
  zone: string;
  /** Uint8Array base64: folio order. */
  order: string;
  zones: string[];
  /** seq of the stop this describes. */
  seq: number;
}

/** Find the page of a user address or PFN for the page map's search box. */
export const PAGE_MAP_FIND_REQUEST = 'vlab/pageMapFind';
export interface PageMapFindArgs {
  /** `0x…` user virtual address (in `pid`), or `pfn N` / `pfn 0x…`. */
  query: string;
  pid?: number;
}
export interface PageMapFindResponse {
  pid: number;
  vma: string;
  /** Page index inside the VMA. */
  index: number;
  pfn: number;
  vaddr: string;
}
