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
