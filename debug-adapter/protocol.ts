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
  /**
   * Time-travel memory: estimated bytes held (≤ the launch attribute maxHistoryBytes), and the
   * seq of the oldest kept stop (> 0 once history was trimmed; older seqs are gone).
   */
  historyBytes?: number;
  oldestSeq?: number;
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
  /** The value's meaning by name: flag names (`CE|DE`) or the enumeration (fieldDecode.ts). */
  decoded?: string;
  /** A scenario expression evaluating to the value (data breakpoints, watches). */
  expression?: string;
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
  /** SCSW status pending (css §1.3 STCTL bit 0x01): an interruption condition waits for TSCH. */
  statusPending?: boolean;
  /** Short state text for the row: `status pending (primary|secondary)`, `start pending`, `idle`. */
  state?: string;
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
  /** Queued since the previous stop. */
  isNew?: boolean;
}

export interface CrwQueueView {
  /** `machine`, `vfio-ccw 0.0.0007`, `guest` */
  name: string;
  crws: CrwView[];
  overflow: boolean;
  /** The queue's contents differ from the previous stop. */
  changed?: boolean;
  /** Number of CRWs the queue held at the previous stop, when it changed. */
  previousCount?: number;
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

// ---- issue 10: views that scale, channel paths, row actions (h10a) ----------------------------

/**
 * Which folios the Pages view lists (all conditions must hold). Values are checked by the
 * adapter (`pagesQuery.ts`): a bad filter is an error response, never a silently empty list.
 */
export interface PageFilter {
  /** Only interesting folios: pinned, refcount not idle, dirty, or changed since the last stop (default true). */
  interestingOnly?: boolean;
  /** Only folios with pins: exact pincount > 0 or maybe_dma_pinned (gup §3.2, §3.3). */
  pinnedOnly?: boolean;
  /** Only folios whose exact pincount (0 where the folio has no counter, gup §3.2) is greater than this. */
  minPincount?: number;
  dirtyOnly?: boolean;
  /** `normal`, `movable`, `cma`, `device`. */
  zone?: string;
  /** Virtual address range `[from, to)`, `0x` hex text. */
  vaddrFrom?: string;
  vaddrTo?: string;
  /** PFN range `[from, to)`. */
  pfnFrom?: number;
  pfnTo?: number;
}

/** `vaddr` ascending (default), `pincount` / `refcount` descending. */
export type PageSort = 'vaddr' | 'pincount' | 'refcount';

/** A counter with its change since the previous stop (vmstat, locked_vm, pinned_vm). */
export interface CounterRow {
  name: string;
  value: number;
  /** The value at the previous stop, when it differs. */
  previous?: number;
  /** A scenario expression that evaluates to the value (data breakpoints, watches). */
  expression: string;
}

export interface VmaSummary {
  start: string;
  end: string;
  kind: string;
  prot: string;
  /** Size of the VMA in 4 KiB pages. */
  sizePages: number;
  /** Folios passing the filter, and the 4 KiB pages they cover (a THP folio is 512 pages). */
  matchingFolios: number;
  matchingPages: number;
}

export interface ProcessSummary {
  pid: number;
  name: string;
  counters: CounterRow[];
  vmas: VmaSummary[];
}

export const PAGES_SUMMARY_REQUEST = 'vlab/pagesSummary';
export interface PagesSummaryArgs {
  filter?: PageFilter;
}
export interface PagesSummaryResponse {
  vmstat: CounterRow[];
  processes: ProcessSummary[];
  /** Page slots in the model. */
  totalPages: number;
}

/** At most this many rows in one `vlab/vmaPages` answer. */
export const MAX_VMA_PAGE_ROWS = 10_000;

export const VMA_PAGES_REQUEST = 'vlab/vmaPages';
export interface VmaPagesArgs {
  pid: number;
  /** The VMA's start, `0x` hex. */
  start: string;
  filter?: PageFilter;
  sort?: PageSort;
  offset?: number;
  /** 1..MAX_VMA_PAGE_ROWS (default 1000). */
  count?: number;
  /** Also answer where the folio mapping this address sits in the sorted list (`vfioLab.pages.reveal`). */
  find?: string;
}
export interface FolioRow extends PageRow {
  /** 4 KiB pages in the folio (1 for a small page, 512 for a PMD THP). */
  nrPages: number;
  /** A scenario expression naming the page: `page(PID, 0xVADDR)`. */
  expression: string;
}
export interface VmaPagesResponse {
  /** Folios passing the filter in this VMA. */
  total: number;
  offset: number;
  rows: FolioRow[];
  /** With `find`: the index of the folio mapping that address, -1 when it is not listed, or `unmapped`. */
  found?: number | 'unmapped';
}

/** One channel path as the machine, host cio and the guest see it (css §1.2, §7.1). */
export interface ChannelPathView {
  chpid: number;
  /** `0x40` */
  id: string;
  /** Channel-path type code, and its text as `lschp` prints it (hex). */
  type: number;
  typeName: string;
  /** Machine: SCLP configured (true) or standby (false), css §7.1. */
  configured: boolean;
  /** Machine: physical path online (machine CRW ERC 2 / 6), css §6.2. */
  online: boolean;
  operational: boolean;
  /** Host cio vary state (chp0.XX/status, css §7.1); undefined in the native topology. */
  hostVary?: 'online' | 'offline';
  /** Guest: subchannels that use the path with its PAM bit set / all that use it (QEMU's SCHIB), vfio topology. */
  guestAvailable?: number;
  guestUsing?: number;
  /** Total subchannels using the path when more than the listed ones (`subchannels` is capped at 256). */
  subchannelCount?: number;
  /** Subchannels using the path, with the path's bit in each mask. */
  subchannels: Array<{ sid: string; sch: number; mask: number; pim: boolean; pam: boolean; pom: boolean; lpm: boolean; guestPam?: boolean }>;
  changed: boolean;
}

export const CHANNEL_PATHS_REQUEST = 'vlab/channelPaths';
export interface ChannelPathsResponse {
  topology: 'native' | 'vfio';
  paths: ChannelPathView[];
}

/** A model slot a view row shows, for `vlab/lastChange`. */
export type SlotRef =
  | { kind: 'schib'; sch: number; side?: 'guest' | 'host'; field: string }
  | { kind: 'page'; pfn: number }
  | { kind: 'counter'; name: string; pid?: number }
  | { kind: 'crwQueue'; name: string }
  | { kind: 'chpid'; chpid: number };

/** Which history record last wrote the slot, before the current stop. */
export const LAST_CHANGE_REQUEST = 'vlab/lastChange';
export interface LastChangeArgs {
  slot: SlotRef;
}
export interface LastChangeResponse {
  /** false: nothing in the kept history wrote the slot (it has its initial value). */
  found: boolean;
  seq?: number;
  time?: number;
  /** Scenario line (1-based) of the statement, and the file (the CCW's own file for CCW events). */
  line?: number;
  file?: string;
  /** What happened, e.g. `sch 0x7 fetch CCW @0x1000 …`. */
  description?: string;
}

/**
 * Add a data breakpoint on a scenario expression (a row's `evaluateName`, e.g.
 * `page(qemu, 0x7f0000000000).pincount`): the adapter adds it to its list as if set through
 * setDataBreakpoints and sends a DAP `breakpoint` event (reason `new`). Errors: an expression
 * that does not parse or names nothing the scenario knows.
 */
export const DATA_BREAKPOINT_REQUEST = 'vlab/dataBreakpoint';
export interface DataBreakpointArgs {
  expression: string;
}
export interface DataBreakpointResponse {
  /** `expr:` + the expression, usable in setDataBreakpoints. */
  dataId: string;
  description: string;
}

/** The names function breakpoints accept (the "Add Function Breakpoint…" picker). */
export const FUNCTION_NAMES_REQUEST = 'vlab/functionNames';
export interface FunctionNamesResponse {
  /** I/O instructions (css §5): stop at a statement executing one. */
  instructions: string[];
  /** Kernel / QEMU functions the model shows in frames: stop when one is entered. */
  functions: string[];
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
