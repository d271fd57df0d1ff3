/**
 * Events as a few 32-bit words (issue 12 "compact journal records"): the kinds a long run emits
 * by the million (CCW fetch and chaining, page faults, grabs and releases, statements,
 * instructions, status) are stored in the history as words in a shared Int32Array and decoded
 * back into the same object, field for field and in the same key order, when the debugger
 * asks for a record. The field lists are a data table; an event that does not fit its row
 * exactly (another key order, a value out of range, an extra key) is kept as the object itself
 * (history.ts), so the encoding can never change what a record says.
 */
import type { ModelEvent, ModelEventKind } from './events';
import { internedStringBytes } from './memoryEstimate';

/**
 * Field types: `i` a signed 32-bit integer, `u` an unsigned one, `o` an optional signed integer
 * (the key is present, its value may be undefined), `s` a string (interned), `b` a boolean,
 * `v` a bigint in 0..2^64-1 (two words), `c` a `{ refcount, pincount }` pair (page.grab's
 * counts before the grab, gup §3.1).
 */
type FieldType = 'i' | 'u' | 'o' | 's' | 'b' | 'v' | 'c';

/** Field name and type, in the key order the emitting code writes them. */
type Row = ReadonlyArray<readonly [string, FieldType]>;

/** The encoded kinds: the ones long runs emit per CCW, per page or per statement. */
const ROWS: Partial<Record<ModelEventKind, Row>> = {
  'stmt': [['line', 'i'], ['text', 's']],
  'instr': [['name', 's'], ['sch', 'i'], ['cc', 'i'], ['detail', 's']],
  'sch.start': [['sch', 'i'], ['lpum', 'i']],
  'ccw.fetch': [['sch', 'i'], ['addr', 'u'], ['cmd', 'i'], ['flags', 'i'], ['count', 'i'], ['cda', 'u'], ['ccwLine', 'o']],
  'ccw.chain': [['sch', 'i'], ['next', 'u'], ['how', 's']],
  'sch.status': [['sch', 'i'], ['stctl', 'i'], ['dstat', 'i'], ['cstat', 'i'], ['cpa', 'u'], ['count', 'i'], ['cc', 'i']],
  'irq.queued': [['sch', 'i'], ['isc', 'i']],
  'irq.presented': [['sch', 'i'], ['isc', 'i'], ['intparm', 'u']],
  'page.fault': [['pid', 'i'], ['vaddr', 'v'], ['pfn', 'i'], ['zero', 'b']],
  'page.grab': [
    ['pid', 'i'], ['vaddr', 'v'], ['pfn', 'i'], ['foll', 's'], ['refcount', 'i'], ['pincount', 'i'],
    ['before', 'c'], ['refs', 'i'], ['path', 's'], ['flags', 's'], ['rule', 's'],
  ],
  'page.release': [['pfn', 'i'], ['how', 's'], ['refcount', 'i'], ['pincount', 'i'], ['dirty', 'b']],
};

const WIDTH: Record<FieldType, number> = { i: 1, u: 1, o: 2, s: 1, b: 1, v: 2, c: 2 };

/** Field types as small numbers (the encoder's switch compares numbers, not strings). */
const T_I = 0, T_U = 1, T_O = 2, T_S = 3, T_B = 4, T_V = 5, T_C = 6;
const TYPE_CODE: Record<FieldType, number> = { i: T_I, u: T_U, o: T_O, s: T_S, b: T_B, v: T_V, c: T_C };

/** Kind names by id (id 0: not encoded, the record keeps the object). */
export const KIND_NAMES: readonly (ModelEventKind | undefined)[] = [undefined, ...(Object.keys(ROWS) as ModelEventKind[])];
const KIND_IDS = new Map<string, number>(KIND_NAMES.map((k, i) => [k ?? '', i]));
const ROW_BY_ID: readonly (Row | undefined)[] = KIND_NAMES.map((k) => (k ? ROWS[k] : undefined));
/** Per kind id: field names and type codes, in row order (the encoder's loop reads these). */
const NAMES_BY_ID: readonly (readonly string[])[] = ROW_BY_ID.map((r) => (r ? r.map(([n]) => n) : []));
const TYPES_BY_ID: readonly Uint8Array[] = ROW_BY_ID.map((r) => Uint8Array.from(r ? r.map(([, t]) => TYPE_CODE[t]) : []));
/** Words per encoded kind id. */
export const KIND_WORDS: readonly number[] = ROW_BY_ID.map((r) => (r ? r.reduce((n, [, t]) => n + WIDTH[t], 0) : 0));

/** The id of an encodable kind, else 0. */
export function kindId(kind: string): number {
  return KIND_IDS.get(kind) ?? 0;
}

const M32 = 0xffff_ffffn;
const TWO32 = 0x1_0000_0000;

/** StringTable.idAt's slots (at least every kind's fields, SLOT_BASE) and ways per slot. */
const STRING_SLOTS = 128;
const STRING_WAYS = 4; // idAt compares these four ways

/** Interns strings as small ids (the same few names and rules recur for every page). */
export class StringTable {
  readonly list: string[] = [];
  private readonly ids = new Map<string, number>();
  /**
   * The last strings looked up, STRING_WAYS per slot the caller picks (a field of a kind),
   * replaced in turn: one to four compares, no Map lookup (issue 12: a loop's SSCH, TPI and TSCH
   * instr events alternate their names and details in one slot, and missed a one-way cache).
   */
  private readonly lastS: Array<string | undefined> = new Array<string | undefined>(STRING_SLOTS * STRING_WAYS).fill(undefined);
  private readonly lastId = new Int32Array(STRING_SLOTS * STRING_WAYS);
  private readonly nextWay = new Uint8Array(STRING_SLOTS);

  /** Estimated bytes held (memoryEstimate.ts: the string, its list slot and map entry). */
  bytes = 0;

  id(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.list.length;
      this.list.push(s);
      this.ids.set(s, id);
      this.bytes += internedStringBytes(s);
    }
    return id;
  }

  /** id(s), remembering the answer in `slot` (< STRING_SLOTS): the same field of consecutive events mostly holds one of a few strings. */
  idAt(slot: number, s: string): number {
    // the first way inline (small enough to inline into the per-page and per-instruction word
    // writers, issue 12); the other ways and the Map in a call
    const b = slot * STRING_WAYS;
    if (this.lastS[b] === s) return this.lastId[b];
    return this.otherWays(b, s);
  }

  /** idAt past its first way: the slot's other ways, else the Map (remember). */
  private otherWays(b: number, s: string): number {
    const ls = this.lastS;
    if (ls[b + 1] === s) return this.lastId[b + 1];
    if (ls[b + 2] === s) return this.lastId[b + 2];
    if (ls[b + 3] === s) return this.lastId[b + 3];
    return this.remember(b, s);
  }

  /** idAt's miss: the id, kept in the slot's ways in turn (`nextWay`). */
  private remember(b: number, s: string): number {
    const id = this.id(s);
    const way = this.nextWay[b / STRING_WAYS];
    this.nextWay[b / STRING_WAYS] = (way + 1) & (STRING_WAYS - 1);
    this.lastS[b + way] = s;
    this.lastId[b + way] = id;
    return id;
  }
}

/** A string slot per (kind, field) for StringTable.idAt. */
const SLOT_BASE: readonly number[] = (() => {
  const base: number[] = [];
  let n = 0;
  for (const row of ROW_BY_ID) {
    base.push(n);
    n += row?.length ?? 0;
  }
  if (n > STRING_SLOTS) throw new Error(`eventCodec: ${n} string slots do not fit StringTable's ${STRING_SLOTS}`);
  return base;
})();

/**
 * Write `e`'s fields at `words[at…]` (the caller reserved KIND_WORDS[id] words). Returns false
 * when the event does not match its row exactly; the caller then keeps the object.
 */
export function encodeEvent(e: ModelEvent, id: number, words: Int32Array, at: number, strings: StringTable): boolean {
  const names = NAMES_BY_ID[id];
  const types = TYPES_BY_ID[id];
  const nf = names.length;
  const o = e as unknown as Record<string, unknown>;
  // the keys, in order: 'kind' then the row's (a different shape decodes differently: refuse
  // it); each value is read by the for-in key itself (V8's fast path for o[key] in for-in)
  let f = -1;
  let w = at;
  const slot = SLOT_BASE[id];
  for (const key in o) {
    if (f < 0) {
      if (key !== 'kind') return false;
      f = 0;
      continue;
    }
    if (f >= nf || key !== names[f]) return false;
    const v = o[key];
    switch (types[f]) {
      case T_I:
        if (typeof v !== 'number' || (v | 0) !== v) return false;
        words[w++] = v;
        break;
      case T_U:
        if (typeof v !== 'number' || v >>> 0 !== v) return false;
        words[w++] = v | 0;
        break;
      case T_O:
        if (v === undefined) {
          words[w++] = 0;
          words[w++] = 0;
        } else {
          if (typeof v !== 'number' || (v | 0) !== v) return false;
          words[w++] = 1;
          words[w++] = v;
        }
        break;
      case T_S:
        if (typeof v !== 'string') return false;
        words[w++] = strings.idAt(slot + f, v);
        break;
      case T_B:
        if (typeof v !== 'boolean') return false;
        words[w++] = v ? 1 : 0;
        break;
      case T_V:
        if (typeof v !== 'bigint' || v < 0n || v > 0xffff_ffff_ffff_ffffn) return false;
        if (v < 0x20_0000_0000_0000n) {
          // below 2^53 the number is exact: no bigint made to split it
          const n = Number(v);
          words[w++] = n | 0; // ToInt32: n mod 2^32, exact below 2^53 (no float modulo)
          words[w++] = Math.floor(n / TWO32) | 0;
        } else {
          words[w++] = Number(v & M32) | 0;
          words[w++] = Number(v >> 32n) | 0;
        }
        break;
      case T_C: {
        if (typeof v !== 'object' || v === null) return false;
        const c = v as Record<string, unknown>;
        let n = 0;
        for (const key in c) {
          if (key !== (n === 0 ? 'refcount' : n === 1 ? 'pincount' : '')) return false;
          n++;
        }
        if (n !== 2 || typeof c.refcount !== 'number' || (c.refcount | 0) !== c.refcount || typeof c.pincount !== 'number' || (c.pincount | 0) !== c.pincount) return false;
        words[w++] = c.refcount;
        words[w++] = c.pincount;
        break;
      }
    }
    f++;
  }
  return f === nf;
}

/** The event kind `id` stored at `words[at…]`, as the object that was emitted. */
export function decodeEvent(id: number, words: Int32Array, at: number, strings: StringTable): ModelEvent {
  const row = ROW_BY_ID[id]!;
  const o: Record<string, unknown> = { kind: KIND_NAMES[id] };
  let w = at;
  for (const [name, t] of row) {
    switch (t) {
      case 'i': o[name] = words[w++]; break;
      case 'u': o[name] = words[w++] >>> 0; break;
      case 'o': o[name] = words[w++] === 0 ? (w++, undefined) : words[w++]; break;
      case 's': o[name] = strings.list[words[w++]]; break;
      case 'b': o[name] = words[w++] === 1; break;
      case 'v': {
        const lo = words[w++] >>> 0;
        const hi = words[w++] >>> 0;
        // below 2^53 the sum is exact: one bigint allocated instead of four
        o[name] = hi < 0x20_0000 ? BigInt(hi * 0x1_0000_0000 + lo) : (BigInt(hi) << 32n) | BigInt(lo);
        break;
      }
      case 'c': o[name] = { refcount: words[w++], pincount: words[w++] }; break;
    }
  }
  return o as unknown as ModelEvent;
}

/**
 * Direct encoders of the two events a GUP call emits per page (issue 12): the same words
 * `encodeEvent` writes for the object `{ kind: 'page.grab', pid, vaddr, … }` / `{ kind:
 * 'page.release', … }` (a unit test checks them against it), written from the values themselves,
 * so a page loop builds no event object when only the history keeps the event (machine.ts
 * `emitWords`). The arguments are the row's fields in order; numbers are 32-bit integers (the
 * page store's typed-array values and indexes), `vaddr` a user address below 2^64.
 */
export const PAGE_GRAB_ID = kindId('page.grab');
export const PAGE_RELEASE_ID = kindId('page.release');
export const PAGE_FAULT_ID = kindId('page.fault');
const GRAB_SLOT = SLOT_BASE[PAGE_GRAB_ID];
const RELEASE_SLOT = SLOT_BASE[PAGE_RELEASE_ID];

/**
 * Words of a value in 0..2^64-1 at words[w], words[w+1] (as encodeEvent's `v`): a bigint, or the
 * same value as a number when it is an integer below 2^53 (exact; no bigint made per page).
 */
function putU64(words: Int32Array, w: number, v: bigint | number): void {
  if (typeof v === 'number') {
    words[w] = v | 0; // ToInt32: the low word, exact below 2^53 (a float modulo is a C call per page)
    words[w + 1] = Math.floor(v / TWO32) | 0;
  } else if (v < 0x20_0000_0000_0000n) {
    const n = Number(v);
    words[w] = n | 0;
    words[w + 1] = Math.floor(n / TWO32) | 0;
  } else {
    words[w] = Number(v & M32) | 0;
    words[w + 1] = Number(v >> 32n) | 0;
  }
}

/** page.grab's words (13) into words[0…]; `vaddr` a bigint, or a number when an integer below 2^53. */
export function pageGrabWords(
  words: Int32Array, strings: StringTable, pid: number, vaddr: bigint | number, pfn: number, foll: string, refcount: number, pincount: number,
  beforeRefcount: number, beforePincount: number, refs: number, path: string, flags: string, rule: string,
): void {
  words[0] = pid;
  putU64(words, 1, vaddr);
  words[3] = pfn;
  words[4] = strings.idAt(GRAB_SLOT + 3, foll);
  words[5] = refcount;
  words[6] = pincount;
  words[7] = beforeRefcount;
  words[8] = beforePincount;
  words[9] = refs;
  words[10] = strings.idAt(GRAB_SLOT + 8, path);
  words[11] = strings.idAt(GRAB_SLOT + 9, flags);
  words[12] = strings.idAt(GRAB_SLOT + 10, rule);
}

/** page.fault's words (5) into words[0…] (a fault per page of a first GUP, issue 12). */
export function pageFaultWords(words: Int32Array, pid: number, vaddr: bigint | number, pfn: number, zero: boolean): void {
  words[0] = pid;
  putU64(words, 1, vaddr);
  words[3] = pfn;
  words[4] = zero ? 1 : 0;
}

/** page.release's words (5) into words[0…]. */
export function pageReleaseWords(words: Int32Array, strings: StringTable, pfn: number, how: string, refcount: number, pincount: number, dirty: boolean): void {
  words[0] = pfn;
  words[1] = strings.idAt(RELEASE_SLOT + 1, how);
  words[2] = refcount;
  words[3] = pincount;
  words[4] = dirty ? 1 : 0;
}

/**
 * The `instr` event's words (4) into words[0…], as encodeEvent writes `{ kind: 'instr', name, sch,
 * cc, detail }`, from the values themselves (every I/O instruction emits one, issue 12). False
 * when `sch` or `cc` is not a 32-bit integer: the caller then emits the object (kept as it is).
 */
export const INSTR_ID = kindId('instr');
const INSTR_SLOT = SLOT_BASE[INSTR_ID];

export function instrWords(words: Int32Array, strings: StringTable, name: string, sch: number, cc: number, detail: string): boolean {
  if ((sch | 0) !== sch || (cc | 0) !== cc) return false;
  words[0] = strings.idAt(INSTR_SLOT, name);
  words[1] = sch;
  words[2] = cc;
  words[3] = strings.idAt(INSTR_SLOT + 3, detail);
  return true;
}

/**
 * The words of the two events a channel program emits per CCW (css §3.4), as encodeEvent writes
 * `{ kind: 'ccw.fetch', sch, addr, cmd, flags, count, cda, ccwLine }` (8 words) and `{ kind:
 * 'ccw.chain', sch, next, how }` (3 words), from the values themselves: a journaled CCW builds no
 * event object when only the history keeps it (issue 12: encodeEvent's key walk was 7 % of a
 * journaled CCW). False when a value does not fit its row: the caller then emits the object.
 */
export const CCW_FETCH_ID = kindId('ccw.fetch');
export const CCW_CHAIN_ID = kindId('ccw.chain');
const CHAIN_SLOT = SLOT_BASE[CCW_CHAIN_ID];

export function ccwFetchWords(words: Int32Array, sch: number, addr: number, cmd: number, flags: number, count: number, cda: number, ccwLine: number | undefined): boolean {
  if ((sch | 0) !== sch || addr >>> 0 !== addr || (cmd | 0) !== cmd || (flags | 0) !== flags || (count | 0) !== count || cda >>> 0 !== cda) return false;
  if (ccwLine !== undefined && (ccwLine | 0) !== ccwLine) return false;
  words[0] = sch;
  words[1] = addr | 0;
  words[2] = cmd;
  words[3] = flags;
  words[4] = count;
  words[5] = cda | 0;
  words[6] = ccwLine === undefined ? 0 : 1;
  words[7] = ccwLine === undefined ? 0 : ccwLine;
  return true;
}

export function ccwChainWords(words: Int32Array, strings: StringTable, sch: number, next: number, how: string): boolean {
  if ((sch | 0) !== sch || next >>> 0 !== next) return false;
  words[0] = sch;
  words[1] = next | 0;
  words[2] = strings.idAt(CHAIN_SLOT + 2, how);
  return true;
}

/**
 * The words of an event whose row holds only 32-bit numbers ('i' and 'u' fields: `sch.start`,
 * `sch.status`, `irq.queued`, `irq.presented`), the values given in row order: what encodeEvent
 * writes for the object (issue 12: an SSCH/TSCH cycle emits one of each). False when a value does
 * not fit its field or the kind has other fields: the caller then emits the object.
 */
export function numberRowWords(id: number, words: Int32Array, a: number, b: number, c = 0, d = 0, e = 0, f = 0, g = 0): boolean {
  const types = TYPES_BY_ID[id];
  const n = types.length;
  if (n > 7) return false;
  for (let k = 0; k < n; k++) {
    const v = k === 0 ? a : k === 1 ? b : k === 2 ? c : k === 3 ? d : k === 4 ? e : k === 5 ? f : g;
    const t = types[k];
    if (t === T_I) {
      if ((v | 0) !== v) return false;
    } else if (t !== T_U || v >>> 0 !== v) return false;
    words[k] = v | 0;
  }
  return true;
}

/**
 * The `stmt` event's words (2), as encodeEvent writes `{ kind: 'stmt', line, text }`: made once
 * per scenario statement and emitted again each time it runs (issue 12, round 10: a statement's
 * record went through the frozen-event ways of `HistoryStore.push`); undefined when the line is
 * not a 32-bit integer (the caller emits the object). String ids are never reused, so the words
 * stay valid for the history that interned the text.
 */
export const STMT_ID = kindId('stmt');

export function stmtWords(strings: StringTable, line: number, text: string): Int32Array | undefined {
  if ((line | 0) !== line) return undefined;
  const words = new Int32Array(KIND_WORDS[STMT_ID]);
  words[0] = line;
  words[1] = strings.id(text);
  return words;
}

export const SCH_START_ID = kindId('sch.start');
export const SCH_STATUS_ID = kindId('sch.status');
export const IRQ_QUEUED_ID = kindId('irq.queued');
export const IRQ_PRESENTED_ID = kindId('irq.presented');
