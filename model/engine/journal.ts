/**
 * The undo journal: the one place every state change of the machine goes through.
 *
 * Each entry records the old and the new value of one slot, so the journal can be walked
 * backwards (undo, for stepBack / reverseContinue) and forwards again (redo, for stepping
 * through intermediate states of an atomic action). A slot is either a property of a plain
 * object, an element of a typed array held in a named property of an owner object (the owner
 * is recorded, not the array, so stores may grow their arrays without invalidating the
 * journal), or an element of a plain array (queues).
 *
 * Typed-array writes (pages, SCHIB words, guest memory) are most of the entries, so they are
 * stored compactly in parallel typed arrays (17 bytes an entry, no object: the old and new
 * values as 32-bit words, signed or unsigned, or — a fraction, a value past 32 bits — as an
 * index into a side pair of Float64 arrays); the other kinds are small objects kept beside them.
 *
 * Runs (issue 12): a GUP call writes the same few slots for every page — refcount[pfn] 1 → 1025,
 * then nr_foll_pin_acquired n → n + 1 — so its entries repeat a group of P compact entries
 * whose index, old and new values grow by the same step from group to group. When a new entry
 * is exactly what the two groups before it predict (group g: first + g × (second − first), in
 * every field), it is not stored: a RUN entry after the two template groups counts how many
 * entries continue them. Positions still count every entry, so each history record keeps a
 * position whose state it reproduces exactly (the middle of a pin shows exactly the pages
 * pinned so far): an entry inside a run is computed from its template when it is applied.
 *
 * Nothing outside the journal may assign model state; the invariant "undo(redo(x)) = x" is
 * checked by the engine tests.
 *
 * One file, over the usual size on purpose: the entry store, runs and walks share the hot-path
 * typed arrays as private fields; split into classes, every entry read would go through another
 * object (issue 12 measured the walks per entry).
 */

import { grow } from './typedArrays';
import { JOURNAL_COMPACT_ENTRY_BYTES, JOURNAL_OBJECT_ENTRY_BYTES, JOURNAL_VALUE_ENTRY_BYTES, JOURNAL_WIDE_VALUES_BYTES } from './memoryEstimate';

/**
 * What mapSet / mapDelete need of a map: a Map, or a structure with a Map's behaviour for these
 * four calls (the vfio type1 pfn list, model/linux/mm/vfioPfnList.ts).
 */
export interface MapLike<K, V> {
  has(key: K): boolean;
  get(key: K): V | undefined;
  set(key: K, value: V): unknown;
  delete(key: K): boolean;
}

export type TypedArray = Int32Array | Uint32Array | Uint8Array | Uint16Array | Float64Array;

type ObjEntry =
  | { k: 'prop'; obj: Record<string, unknown>; key: string; old: unknown; neu: unknown }
  | { k: 'splice'; arr: unknown[]; index: number; removed: unknown[]; inserted: unknown[] }
  | { k: 'mapSet'; map: Map<unknown, unknown>; key: unknown; had: boolean; old: unknown; neu: unknown }
  | { k: 'mapDel'; map: Map<unknown, unknown>; key: unknown; old: unknown };

const ELEM = 1;
const OBJ = 0;
/** A property of a plain object whose old and new values are both numbers: compact, like ELEM. */
const NUM = 2;
/** A property whose old and new values are both booleans (flags such as `waiting`): compact, 0/1. */
const BOOL = 3;
/** Slots interned past twice those kept at the last compaction before dropOldest compacts again. */
const SLOT_COMPACT_MIN = 1024;
/** Run detection's chain ring (extendRun), larger than 2 × RUN_MAX_PERIOD: a power of two, less one. */
const CHAIN_MASK = 127;
/** Sets of slotId()'s two-way cache (a power of two). */
const SLOT_CACHE_SETS = 32;
/** Spans at least this long are undone / redone coalesced (see coalesced()). */
const COALESCE_MIN = 1024;

/**
 * A property change with a non-number/boolean value: an object entry like OBJ, whose `index`
 * holds the property's slot id (shared with its NUM / BOOL / BIG entries), so a coalesced walk writes
 * each property once whatever its values' types.
 */
const PROP = 4;
/**
 * A push onto / shift off a plain array (the machine's action queue, most of them): the value
 * itself sits in `objs` (no entry object), `index` holds the array's slot id (owner: the array).
 */
const PUSH = 5;
const SHIFT = 6;
/**
 * A run of `index` entries continuing the 2 × `ref` compact entries just before it (one group of
 * `ref` entries, then the next). Only the last physical entry may be a run that still grows.
 */
const RUN = 7;
/**
 * A property whose old and new values are both bigints in the int32 range (the runner's `cc`,
 * issue 12: an SSCH → TPI → TSCH cycle changed it three times, each an entry object): compact,
 * the values as numbers, written back as BigInt(value).
 */
const BIG = 8;
const INT32_MIN = -0x8000_0000n;
const INT32_MAX = 0x7fff_ffffn;
/**
 * Longest group a run repeats (a grab writes refcount and a vmstat counter: 2; alloc up to 5; a
 * journaled SSCH → TPI → TSCH loop iteration 29–31, round 10: test/unit/engine/longRuns.test.ts).
 */
const RUN_MAX_PERIOD = 32;
/** Bits of `kind` above the entry kind: how old / new are stored (compact kinds only). */
const KIND_MASK = 15;
const ENC_MASK = 0x30;
/** Both values are int32: in oldv / neuv as they are. */
const ENC_I32 = 0;
/** Both values are uint32 (SCHIB words, addresses): in oldv / neuv as their bits. */
const ENC_U32 = 0x10;
/** Otherwise: oldv holds an index (+ wideBase) into wideOld / wideNew. */
const ENC_WIDE = 0x20;
/** Kinds whose `ref` points into `objs`. */
const inObjs = (k: number): boolean => k === OBJ || k === PROP || k === PUSH || k === SHIFT;
const isCompact = (k: number): boolean => k === ELEM || k === NUM || k === BOOL || k === BIG;
/** Compact kinds of a property (not a typed-array element): a coalesced walk writes each once. */
const isPropValue = (k: number): boolean => k === NUM || k === BOOL || k === BIG;
/** Group g's value of a field whose first two groups hold a and b (the same formula records and replays). */
const nth = (a: number, b: number, g: number): number => a + g * (b - a);
/** Same value, -0 told from 0 (a property may hold either). */
const same = (x: number, y: number): boolean => x === y && (x !== 0 || 1 / x === 1 / y);

export class Journal {
  /**
   * Stored ("physical") entries: kind (ELEM / NUM / BOOL / BIG / OBJ / PROP / PUSH / SHIFT / RUN), and per
   * entry: slot id (ELEM, NUM, BOOL, BIG) or object index (OBJ, PROP, PUSH, SHIFT); a RUN's period and count.
   */
  private kind = new Uint8Array(1024);
  private ref = new Int32Array(1024);
  private index = new Int32Array(1024);
  private oldv = new Int32Array(1024);
  private neuv = new Int32Array(1024);
  /** Values of ENC_WIDE entries, in stored order; `wideBase` of them were dropped from the front. */
  private wideOld = new Float64Array(64);
  private wideNew = new Float64Array(64);
  private wn = 0;
  private wideBase = 0;
  /** Stored entries. */
  private plen = 0;
  /** Entries (positions): stored ones, plus each run's count, less its RUN entry. */
  private len = 0;
  /** Per run, in order: its RUN entry's stored index and the position of its first entry (< 0: dropped into it). */
  private runPhys = new Int32Array(16);
  private runLog = new Float64Array(16);
  private runs = 0;
  /** locate()'s last span: positions [spanLo, spanHi) are stored at position + spanDelta, or are run spanRun's. */
  private spanLo = 0;
  private spanHi = 0;
  private spanDelta = 0;
  private spanRun = -1;
  /** The entry load() read: kind, slot, index, old and new value, and the stored entry it came from. */
  private ek = 0;
  private er = 0;
  private ei = 0;
  private eo = 0;
  private en = 0;
  private ep = 0;
  /**
   * Entry objects (OBJ, PROP) and pushed / shifted values (PUSH, SHIFT); `ref` holds their index
   * + objBase (objects dropped from the front shift it).
   */
  private objs: unknown[] = [];
  /** How many of `objs` are PUSH / SHIFT values (for the estimate). */
  private values = 0;
  private objBase = 0;
  /** Slots after the last compactSlots() (it runs again once there are twice as many, + SLOT_COMPACT_MIN). */
  private slotsKept = 0;
  /** Interned (owner, field) pairs of typed-array slots. */
  private slotOwner: Array<Record<string, unknown>> = [];
  private slotField: string[] = [];
  private slotIds = new Map<object, Map<string, number>>();
  /** slotId()'s last answer. */
  private lastOwner: object | undefined;
  private lastField: string | undefined;
  private lastId = -1;
  /** slotId()'s two-way cache: SLOT_CACHE_SETS sets of two (owner, field) → id. */
  private cacheOwner: Array<object | undefined> = new Array<object | undefined>(2 * SLOT_CACHE_SETS).fill(undefined);
  private cacheField: Array<string | undefined> = new Array<string | undefined>(2 * SLOT_CACHE_SETS).fill(undefined);
  private cacheId = new Int32Array(2 * SLOT_CACHE_SETS);
  /** Number of entries currently applied; entries [pos, len) are undone (the "future"). */
  private pos = 0;
  /** When false, changes are applied but not recorded (bulk setup, headless runs). */
  recording = true;
  /** The stored RUN entry whose template the tpl* arrays hold (cacheTemplate), −1 none. */
  private tplRun = -1;
  private tplKind = new Int32Array(RUN_MAX_PERIOD);
  private tplSlot = new Int32Array(RUN_MAX_PERIOD);
  private tplIa = new Float64Array(RUN_MAX_PERIOD);
  private tplIb = new Float64Array(RUN_MAX_PERIOD);
  private tplOa = new Float64Array(RUN_MAX_PERIOD);
  private tplOb = new Float64Array(RUN_MAX_PERIOD);
  private tplNa = new Float64Array(RUN_MAX_PERIOD);
  private tplNb = new Float64Array(RUN_MAX_PERIOD);
  /** Per template entry: its slot's owner and field (note() compares them, no slot table read). */
  private tplOwner: Array<object | undefined> = new Array<object | undefined>(RUN_MAX_PERIOD).fill(undefined);
  private tplField: string[] = new Array<string>(RUN_MAX_PERIOD).fill('');
  /**
   * The next entry the run at tplRun predicts (issue 12): its count when cached (index[tplRun]),
   * its template entry q and group g — so extending a run is compares, no division and, in
   * `note`, no slot lookup (the template's slot is checked against the owner and field).
   */
  private tplNext = -1;
  private tplQ = 0;
  private tplG = 0;
  /**
   * Run detection's chains (extendRun): per slot id the last stored compact entry of that slot,
   * and per stored entry (mod CHAIN_MASK + 1) the one of its slot before it; valid for entries
   * stored from `chainFrom` on (dropping, forgetting and renumbering start them over).
   */
  private lastAt = new Int32Array(64).fill(-1);
  private prevSame = new Int32Array(CHAIN_MASK + 1);
  private chainFrom = 0;
  /** Per slot id: the coalesced walk that last wrote it (coalesced()). */
  private stamp = new Uint32Array(64);
  private stampGen = 0;
  /** Per slot id: 1 while lastWriteBefore looks for it (cleared again before it returns). */
  private watchMark = new Uint8Array(64);
  /**
   * Bumped whenever positions stop naming the same states (entries dropped from the front, or a
   * future forgotten): a reader caching "state at position p" must start over when it changes.
   */
  private gen = 0;

  get epoch(): number {
    return this.gen;
  }

  get position(): number {
    return this.pos;
  }

  get length(): number {
    return this.len;
  }

  /** Entries stored (a run's entries after its template take one); for tests and the estimate. */
  get storedEntries(): number {
    return this.plen;
  }

  /** Bytes held by the compact part of the journal (for the benchmarks). */
  get compactBytes(): number {
    return this.kind.byteLength + this.ref.byteLength + this.index.byteLength + this.oldv.byteLength + this.neuv.byteLength +
      this.wideOld.byteLength + this.wideNew.byteLength + this.runPhys.byteLength + this.runLog.byteLength;
  }

  /**
   * Estimated bytes of the recorded entries (memoryEstimate.ts); the history bound uses it.
   * Counts stored entries, not array capacity: capacity shrinks when entries are dropped
   * (dropOldest). A run's entries past its template cost its one RUN entry.
   */
  get estimatedBytes(): number {
    const objs = this.objs.length - this.values;
    return (this.plen - objs - this.values) * JOURNAL_COMPACT_ENTRY_BYTES + objs * JOURNAL_OBJECT_ENTRY_BYTES + this.values * JOURNAL_VALUE_ENTRY_BYTES + this.wn * JOURNAL_WIDE_VALUES_BYTES;
  }

  /**
   * Estimated bytes of the stored entries between two positions (from ≤ to), as estimatedBytes
   * counts them: a stretch inside a run costs nothing (for choosing how many records to drop).
   */
  bytesBetween(from: number, to: number): number {
    if (to <= from) return 0;
    const hi = this.storedAt(Math.min(to, this.len));
    let bytes = 0;
    for (let p = this.storedAt(Math.max(0, from)); p < hi; p++) {
      const k = this.kind[p];
      const base = k & KIND_MASK;
      if (base === OBJ || base === PROP) bytes += JOURNAL_OBJECT_ENTRY_BYTES;
      else if (base === PUSH || base === SHIFT) bytes += JOURNAL_VALUE_ENTRY_BYTES;
      else bytes += JOURNAL_COMPACT_ENTRY_BYTES + ((k & ENC_MASK) === ENC_WIDE ? JOURNAL_WIDE_VALUES_BYTES : 0);
    }
    return bytes;
  }

  /** The stored entry holding position e (a run's RUN entry for a position inside it; plen at the end). */
  private storedAt(e: number): number {
    if (this.runs === 0) return e;
    this.locate(e);
    return this.spanRun >= 0 ? this.runPhys[this.spanRun] : e + this.spanDelta;
  }

  set<T extends object, K extends keyof T & string>(obj: T, key: K, value: T[K]): void {
    this.guard();
    const old = obj[key];
    if (old === value) return;
    obj[key] = value;
    if (!this.recording) return;
    if (typeof old === 'number' && typeof value === 'number') {
      // counters, positions, addresses: no entry object (most property changes are these)
      this.note(NUM, obj, key, 0, old, value);
      return;
    }
    if (typeof old === 'boolean' && typeof value === 'boolean') {
      this.note(BOOL, obj, key, 0, old ? 1 : 0, value ? 1 : 0);
      return;
    }
    if (typeof old === 'bigint' && typeof value === 'bigint') {
      this.bigChange(obj, key, old, value);
      return;
    }
    this.propChange(obj, key, old, value);
  }

  /** A property change other than number → number or boolean → boolean: an object entry (PROP). */
  private propChange(obj: object, key: string, old: unknown, value: unknown): void {
    const e = this.recordObj({ k: 'prop', obj: obj as unknown as Record<string, unknown>, key, old, neu: value }, PROP);
    this.index[e] = this.slotId(obj as unknown as Record<string, unknown>, key);
  }

  /** A bigint property change: compact (BIG) while both values are int32, else PROP. */
  private bigChange(obj: object, key: string, old: bigint, value: bigint): void {
    if (old >= INT32_MIN && old <= INT32_MAX && value >= INT32_MIN && value <= INT32_MAX) this.note(BIG, obj, key, 0, Number(old), Number(value));
    else this.propChange(obj, key, old, value);
  }

  /** owner[field][i] = value, for a typed array stored under `field`. */
  setElem<T extends object>(owner: T, field: keyof T & string, i: number, value: number): void {
    this.guard();
    const arr = (owner as unknown as Record<string, TypedArray>)[field];
    const old = arr[i];
    arr[i] = value;
    const neu = arr[i]; // after the array's own wrapping/clamping
    if (old === neu || !this.recording) return;
    this.note(ELEM, owner, field, i, old, neu);
  }

  /**
   * setElem for a caller that holds the array itself (`arr` is owner[field]): the same entry,
   * without looking the array up by name (the page store writes one per page pinned or unpinned).
   */
  setElemIn<T extends object>(owner: T, field: keyof T & string, arr: TypedArray, i: number, value: number): void {
    this.guard();
    const old = arr[i];
    arr[i] = value;
    const neu = arr[i];
    if (old === neu || !this.recording) return;
    this.note(ELEM, owner, field, i, old, neu);
  }

  push<V>(arr: V[], value: V): void {
    this.guard();
    arr.push(value);
    if (this.recording) this.recordValue(PUSH, arr, value);
  }

  shift<V>(arr: V[]): V | undefined {
    this.guard();
    if (arr.length === 0) return undefined;
    const value = arr.shift() as V;
    if (this.recording) this.recordValue(SHIFT, arr, value);
    return value;
  }

  splice<V>(arr: V[], index: number, deleteCount: number, ...inserted: V[]): V[] {
    this.guard();
    const removed = arr.splice(index, deleteCount, ...inserted);
    if (this.recording) this.recordObj({ k: 'splice', arr: arr as unknown[], index, removed, inserted });
    return removed;
  }

  /**
   * `arr[index] = value` for an element that exists, or an append when `index` is the length:
   * the same entry as `splice(arr, index, 1 or 0, value)`, but a lean run (not recording) just
   * assigns — no rest array, no removed array (issue 12: the vfio-ccw translator replaces a
   * CCW's page array and host CCW this way several times per I/O).
   */
  spliceOne<V>(arr: V[], index: number, value: V): void {
    this.guard();
    const replace = index < arr.length;
    if (!this.recording) {
      if (replace || index === arr.length) arr[index] = value;
      else arr.splice(index, 0, value); // past the end: where splice puts it (the end)
      return;
    }
    const removed = replace ? [arr[index]] : [];
    if (replace) arr[index] = value;
    else arr.splice(index, 0, value);
    this.recordObj({ k: 'splice', arr: arr as unknown[], index: Math.min(index, arr.length - 1), removed, inserted: [value] });
  }

  mapSet<K, V>(map: MapLike<K, V>, key: K, value: V): void {
    this.guard();
    // not recording (lean runs): no entry object, no extra lookups (issue 12)
    if (!this.recording) {
      map.set(key, value);
      return;
    }
    const had = map.has(key);
    const old = map.get(key);
    map.set(key, value);
    // a MapLike entry is walked like a Map's: undo and redo call only its set and delete
    this.recordObj({ k: 'mapSet', map: map as unknown as Map<unknown, unknown>, key, had, old, neu: value });
  }

  mapDelete<K, V>(map: MapLike<K, V>, key: K): void {
    this.guard();
    if (!this.recording) {
      map.delete(key);
      return;
    }
    if (!map.has(key)) return;
    const old = map.get(key);
    map.delete(key);
    this.recordObj({ k: 'mapDel', map: map as unknown as Map<unknown, unknown>, key, old });
  }

  /**
   * Typed-array slots changed between two journal positions (either order), with each slot's
   * value at position `from`. Views use it to mark what changed since the previous stop at a
   * cost proportional to the changes, not to the size of the model.
   */
  elemsChangedBetween(from: number, to: number): Map<object, Map<string, Map<number, number>>> {
    const out = new Map<object, Map<string, Map<number, number>>>();
    const lo = Math.max(0, Math.min(from, to));
    const hi = Math.min(this.len, Math.max(from, to));
    const forward = from <= to;
    // entries of one slot come in long runs (a pin writes refcount, then pincount, ... per page):
    // the slot's map is looked up once per run, not three times per entry
    const bySlot = new Map<number, Map<number, number>>();
    let lastRef = -1;
    let slots: Map<number, number> | undefined;
    for (let e = lo; e < hi; e++) {
      this.load(e);
      if (this.ek !== ELEM) continue;
      const r = this.er;
      if (r !== lastRef) {
        lastRef = r;
        slots = bySlot.get(r);
        if (!slots) {
          const owner = this.slotOwner[r];
          const field = this.slotField[r];
          let fields = out.get(owner);
          if (!fields) out.set(owner, (fields = new Map()));
          slots = fields.get(field);
          if (!slots) fields.set(field, (slots = new Map()));
          bySlot.set(r, slots);
        }
      }
      // forward: the first old value is the value at `from`; backward: the last new value is
      if (forward) {
        if (!slots!.has(this.ei)) slots!.set(this.ei, this.eo);
      } else slots!.set(this.ei, this.en);
    }
    return out;
  }

  /**
   * Calls `visit(key)` for every entry between two journal positions (either order) that changed
   * `owner`: for a typed-array owner (`setElem`) the element index, any field; for a Map
   * (`mapSet` / `mapDelete`) the key. A slot changed several times is visited several times. No
   * allocation per entry: views keep derived sets up to date with it (debug-adapter/liveSet.ts).
   */
  forEachChangeOf(owner: object, from: number, to: number, visit: (key: unknown) => void): void {
    const lo = Math.max(0, Math.min(from, to));
    const hi = Math.min(this.len, Math.max(from, to));
    const isMap = owner instanceof Map;
    const fields = isMap ? undefined : this.slotIds.get(owner);
    if (!isMap && !fields) return;
    // the owner's slot ids as a mark per slot id, as lastWriteBefore: one typed-array read per entry
    if (this.watchMark.length < this.slotOwner.length) this.watchMark = new Uint8Array(Math.max(this.slotOwner.length, this.watchMark.length * 2));
    const mark = this.watchMark;
    const marked: number[] = [];
    if (fields) for (const id of fields.values()) (mark[id] = 1), marked.push(id);
    const kind = this.kind;
    const ref = this.ref;
    const idx = this.index;
    // span by span (locate): stored entries tested in place, a run's from its template; a step
    // over a 10^6-page pin syncs a view across 9 × 10^6 entries, with a load() each (issue 12)
    for (let e = lo; e < hi; ) {
      let end = hi;
      let delta = 0;
      if (this.runs !== 0) {
        this.locate(e);
        if (this.spanHi < end) end = this.spanHi;
        if (this.spanRun >= 0) {
          // runs hold compact entries only: a Map's (object) entries are never in one
          if (!isMap) this.visitRunElems(this.spanRun, e, end, mark, visit);
          e = end;
          continue;
        }
        delta = this.spanDelta;
      }
      for (; e < end; e++) {
        const p = e + delta;
        const k = kind[p] & KIND_MASK;
        if (isMap) {
          if (k !== OBJ) continue;
          const o = this.objs[ref[p] - this.objBase] as ObjEntry;
          if ((o.k === 'mapSet' || o.k === 'mapDel') && o.map === owner) visit(o.key);
        } else if (k === ELEM && mark[ref[p]] === 1) visit(idx[p]);
      }
    }
    for (const id of marked) mark[id] = 0;
  }

  /** forEachChangeOf inside run r: the element index of every position from…to−1 whose template entry is a marked ELEM. */
  private visitRunElems(r: number, from: number, to: number, mark: Uint8Array, visit: (key: unknown) => void): void {
    const rp = this.runPhys[r];
    const period = this.ref[rp];
    const base = rp - 2 * period;
    let any = false;
    for (let q = 0; q < period && !any; q++) any = (this.kind[base + q] & KIND_MASK) === ELEM && mark[this.ref[base + q]] === 1;
    if (!any) return;
    const j0 = from - this.runLog[r];
    let q = j0 % period;
    let g = (j0 - q) / period + 2;
    for (let e = from; e < to; e++) {
      const a = base + q;
      if ((this.kind[a] & KIND_MASK) === ELEM && mark[this.ref[a]] === 1) visit(nth(this.index[a], this.index[a + period], g));
      if (++q === period) {
        q = 0;
        g++;
      }
    }
  }

  /**
   * Position of the last entry before `before` that wrote a slot, or -1: a typed-array element
   * (`owner[field][index]`, any field when `field` is undefined), a numeric or other property
   * (`owner[field]`, `index` undefined), or a queue (`owner` an array: push / shift / splice).
   * Views use it to find the event that last changed what a row shows (issue 10 "reveal"); with
   * `after`, only entries at or past it are looked at (data breakpoints ask per record span).
   */
  lastWriteBefore(owner: object, field: string | undefined, index: number | undefined, before: number, after = 0): number {
    const hi = Math.min(this.len, before);
    const fields = this.slotIds.get(owner);
    // the owner's matching slot ids as a mark per slot id: one typed-array read per entry (a data
    // breakpoint scans the whole journal in a reverse-continue across 10^7 steps, issue 12)
    if (this.watchMark.length < this.slotOwner.length) this.watchMark = new Uint8Array(Math.max(this.slotOwner.length, this.watchMark.length * 2));
    const mark = this.watchMark;
    const marked: number[] = [];
    if (fields) for (const [f, id] of fields) if (field === undefined || f === field) (mark[id] = 1), marked.push(id);
    const isIndex = index !== undefined;
    const want = isIndex ? index : -1;
    const lo = Math.max(0, after);
    let found = -1;
    // Stored entries outside runs are tested in place, span by span (no load() per entry: a data
    // breakpoint's reverse-continue scans 10^7 of them, issue 12); entries inside a run are
    // computed from its template.
    const kind = this.kind;
    const ref = this.ref;
    const idx = this.index;
    scan: for (let e = hi - 1; e >= lo; ) {
      let stop = lo;
      let delta = 0;
      if (this.runs !== 0) {
        this.locate(e);
        if (this.spanLo > stop) stop = this.spanLo;
        if (this.spanRun >= 0) {
          const hit = this.lastWriteInRun(e, stop, mark, isIndex, want);
          if (hit !== -2) {
            if (hit >= 0) { found = hit; break scan; }
            e = stop - 1;
            continue;
          }
          for (; e >= stop; e--) {
            this.load(e);
            const k = this.ek;
            if (k === ELEM ? isIndex && this.ei === want && mark[this.er] === 1 : !isIndex && mark[this.er] === 1) { found = e; break scan; }
          }
          continue;
        }
        delta = this.spanDelta;
      }
      for (; e >= stop; e--) {
        const p = e + delta;
        const k = kind[p] & KIND_MASK;
        if (k === ELEM) {
          if (isIndex && idx[p] === want && mark[ref[p]] === 1) { found = e; break scan; }
        } else if (isPropValue(k)) {
          if (!isIndex && mark[ref[p]] === 1) { found = e; break scan; }
        } else if (k === PROP) {
          // a PROP entry's `index` is the slot id of (obj, key): marked iff obj is the owner and key matches
          if (mark[idx[p]] === 1) { found = e; break scan; }
        } else if (k === PUSH || k === SHIFT) {
          if (this.slotOwner[idx[p]] === owner) { found = e; break scan; }
        } else {
          const o = this.objs[ref[p] - this.objBase] as ObjEntry;
          if (o.k === 'prop' ? o.obj === owner && (field === undefined || o.key === field) : o.k === 'mapSet' || o.k === 'mapDel' ? o.map === owner : o.arr === owner) { found = e; break scan; }
        }
      }
    }
    for (const id of marked) mark[id] = 0;
    return found;
  }

  /** Undo entries until position == target. */
  undoTo(target: number): void {
    if (target < 0 || target > this.pos) throw new RangeError(`journal undo target ${target} outside 0..${this.pos}`);
    if (this.pos - target >= COALESCE_MIN) {
      this.coalesced(target, this.pos, false);
      this.pos = target;
      return;
    }
    while (this.pos > target) {
      this.pos--;
      this.apply(this.pos, false);
    }
  }

  /** Redo entries until position == target. */
  redoTo(target: number): void {
    if (target < this.pos || target > this.len) throw new RangeError(`journal redo target ${target} outside ${this.pos}..${this.len}`);
    if (target - this.pos >= COALESCE_MIN) {
      this.coalesced(this.pos, target, true);
      this.pos = target;
      return;
    }
    while (this.pos < target) {
      this.apply(this.pos, true);
      this.pos++;
    }
  }

  /**
   * Undo (or redo) entries [lo, hi) in one go (issue 12: reverse-continue across 10^7 steps). A
   * numeric or boolean property ends with the old value of its first entry in the span (the new
   * value of its last), so it is written once, not once per entry; everything else — typed-array
   * elements, queues, maps, properties that also change through object entries — is applied
   * entry by entry in order, as a short walk does.
   */
  private coalesced(lo: number, hi: number, forward: boolean): void {
    if (this.stamp.length < this.slotOwner.length) this.stamp = new Uint32Array(Math.max(this.slotOwner.length, this.stamp.length * 2));
    const stamp = this.stamp;
    const gen = ++this.stampGen;
    // pass 1: entries applied in order; pass 2: properties, once each (their slot id)
    const kind = this.kind;
    const ref = this.ref;
    const idx = this.index;
    const vals = forward ? this.neuv : this.oldv;
    // pass 1 writes plain int32 typed-array elements through each slot's array, looked up once
    // per walk (pass 1 writes no property, so owner[field] stays the same array throughout it).
    // Both passes go span by span: stored entries in place, entries inside a run through load().
    const arrs: Array<TypedArray | undefined> = new Array(this.slotOwner.length);
    // pass 1: forward lo → hi, backward hi − 1 → lo; pass 2 the other way
    for (let pass = 1; pass <= 2; pass++) {
      const up = pass === 1 ? forward : !forward;
      let e = up ? lo : hi - 1;
      while (up ? e < hi : e >= lo) {
        this.spanOf(e);
        const end = up ? Math.min(hi, this.spanHi) : Math.max(lo, this.spanLo) - 1;
        const d = up ? 1 : -1;
        if (this.spanRun >= 0) {
          e = this.coalesceRun(e, end, d, pass, forward, gen);
          for (; e !== end; e += d) this.coalesceOne(e, pass, forward, gen);
          continue;
        }
        const delta = this.spanDelta;
        if (pass === 1) {
          for (; e !== end; e += d) {
            const p = e + delta;
            const kb = kind[p];
            if (kb === ELEM) {
              const sl = ref[p];
              const a = arrs[sl] ?? (arrs[sl] = this.slotOwner[sl][this.slotField[sl]] as TypedArray);
              a[idx[p]] = vals[p];
              continue;
            }
            const k = kb & KIND_MASK;
            if (isPropValue(k) || k === PROP) continue;
            this.load(e);
            this.applyLoaded(forward);
          }
        } else {
          for (; e !== end; e += d) {
            const p = e + delta;
            const k = kind[p] & KIND_MASK;
            if (!isPropValue(k) && k !== PROP) continue;
            const slot = k === PROP ? idx[p] : ref[p];
            if (stamp[slot] === gen) continue;
            stamp[slot] = gen;
            this.load(e);
            this.applyLoaded(forward);
          }
        }
      }
    }
  }

  /** Like locate(), also when there are no runs: the span holding position e. */
  private spanOf(e: number): void {
    if (this.runs !== 0) {
      this.locate(e);
      return;
    }
    this.spanRun = -1;
    this.spanLo = -Infinity;
    this.spanHi = Infinity;
    this.spanDelta = 0;
  }

  /**
   * Forget the oldest `count` entries (bounded history): positions shift down by `count`, and
   * nothing before the new position 0 can be undone any more. Dropping into a run (or its
   * template) keeps the template stored: the run's remaining entries are computed from it.
   */
  dropOldest(count: number): void {
    if (count <= 0) return;
    if (count > this.pos) throw new RangeError(`journal: cannot drop ${count} entries, only ${this.pos} are applied`);
    this.gen++;
    this.tplRun = -1;
    const storedBefore = this.plen;
    // the stored entries to cut: up to the one holding position `count`, or the template of its run
    let cut: number;
    let keepRun = 0;
    while (keepRun < this.runs && count >= this.runLog[keepRun] + this.index[this.runPhys[keepRun]]) keepRun++;
    const inRun = keepRun < this.runs && count >= this.runLog[keepRun] - 2 * this.ref[this.runPhys[keepRun]];
    if (inRun) cut = this.runPhys[keepRun] - 2 * this.ref[this.runPhys[keepRun]];
    else {
      this.spanHi = this.spanLo = 0;
      this.locate(count);
      cut = count + this.spanDelta; // not inside a run: a stored entry (or the end)
    }
    let objsDropped = 0;
    let wideDropped = 0;
    for (let e = 0; e < cut; e++) {
      const k = this.kind[e] & KIND_MASK;
      if (inObjs(k)) objsDropped++;
      if (k === PUSH || k === SHIFT) this.values--;
      if ((this.kind[e] & ENC_MASK) === ENC_WIDE) wideDropped++;
    }
    for (const a of [this.kind, this.ref, this.index, this.oldv, this.neuv]) a.copyWithin(0, cut, this.plen);
    this.wideOld.copyWithin(0, wideDropped, this.wn);
    this.wideNew.copyWithin(0, wideDropped, this.wn);
    this.wn -= wideDropped;
    this.wideBase += wideDropped;
    this.objs.splice(0, objsDropped);
    this.objBase += objsDropped;
    this.plen -= cut;
    this.len -= count;
    this.pos -= count;
    // the runs before keepRun are gone; the others move down
    const kept = this.runs - keepRun;
    for (let r = 0; r < kept; r++) {
      this.runPhys[r] = this.runPhys[keepRun + r] - cut;
      this.runLog[r] = this.runLog[keepRun + r] - count;
    }
    this.runs = kept;
    this.spanHi = this.spanLo = 0;
    // give memory back after a large trim (bounded history must also bound the arrays), a quarter
    // at a time, and only when the entries stored before this trim used under a quarter of the
    // arrays: recording goes on after a trim, and refilling to the same level must not regrow
    // (and re-copy every entry) after each trim (issue 12, as history.ts)
    if (this.kind.length > 1024 && storedBefore < this.kind.length / 4) this.resize(Math.max(1024, this.plen * 2, this.kind.length / 4));
    if (this.slotOwner.length >= this.slotsKept * 2 + SLOT_COMPACT_MIN) this.compactSlots();
    this.unchain();
  }

  /** Interned slots (owner, field), for tests: bounded by the slots the kept entries use. */
  get slotCount(): number {
    return this.slotOwner.length;
  }

  /**
   * Forget the slots no stored entry uses any more, numbering the others again in their order
   * (issue 12): each slot holds its owner, so an object that ever changed through the journal —
   * a vfio-ccw request, a page table, a queued action's array — stayed reachable after its
   * entries were dropped, and the slot table grew by every such object for the whole session.
   * Run from dropOldest once the table has doubled since the last time (amortised O(1) a slot).
   */
  private compactSlots(): void {
    const n = this.slotOwner.length;
    const map = new Int32Array(n).fill(-1);
    const kind = this.kind;
    const ref = this.ref;
    const idx = this.index;
    // slot ids live in `ref` (ELEM, NUM, BOOL, BIG) or `index` (PROP, PUSH, SHIFT)
    for (let p = 0; p < this.plen; p++) {
      const k = kind[p] & KIND_MASK;
      if (isCompact(k)) map[ref[p]] = 0;
      else if (k === PROP || k === PUSH || k === SHIFT) map[idx[p]] = 0;
    }
    const owners: Array<Record<string, unknown>> = [];
    const fields: string[] = [];
    const ids = new Map<object, Map<string, number>>();
    for (let id = 0; id < n; id++) {
      if (map[id] < 0) continue;
      const o = this.slotOwner[id];
      const f = this.slotField[id];
      map[id] = owners.length;
      let byField = ids.get(o);
      if (!byField) ids.set(o, (byField = new Map()));
      byField.set(f, owners.length);
      owners.push(o);
      fields.push(f);
    }
    for (let p = 0; p < this.plen; p++) {
      const k = kind[p] & KIND_MASK;
      if (isCompact(k)) ref[p] = map[ref[p]];
      else if (k === PROP || k === PUSH || k === SHIFT) idx[p] = map[idx[p]];
    }
    this.slotOwner = owners;
    this.slotField = fields;
    this.slotIds = ids;
    this.slotsKept = owners.length;
    this.forgetSlotAnswers();
    this.tplRun = -1;
  }

  /** Forget the undone future (a new action was taken after stepping back). */
  truncateFuture(): void {
    if (this.len === this.pos) return;
    this.gen++;
    this.tplRun = -1;
    let plen: number;
    let runs = this.runs;
    while (runs > 0 && this.runLog[runs - 1] >= this.pos) runs--;
    if (runs > 0 && this.pos < this.runLog[runs - 1] + this.index[this.runPhys[runs - 1]]) {
      // the position is inside the last run kept: it keeps its entries before the position
      const rp = this.runPhys[runs - 1];
      this.index[rp] = this.pos - this.runLog[runs - 1];
      plen = rp + 1;
    } else {
      this.spanHi = this.spanLo = 0;
      this.locate(this.pos);
      plen = this.pos + this.spanDelta;
    }
    let keepObjs = this.objs.length;
    let keepWide = this.wn;
    for (let e = plen; e < this.plen; e++) {
      const k = this.kind[e] & KIND_MASK;
      if (k === PUSH || k === SHIFT) this.values--;
      if (inObjs(k) && keepObjs === this.objs.length) keepObjs = this.ref[e] - this.objBase;
      if ((this.kind[e] & ENC_MASK) === ENC_WIDE && keepWide === this.wn) keepWide = this.oldv[e] - this.wideBase;
    }
    this.wn = keepWide;
    this.objs.length = keepObjs;
    this.runs = runs;
    this.plen = plen;
    this.len = this.pos;
    this.spanHi = this.spanLo = 0;
    this.unchain();
  }

  /** Checked before any mutation, so a refused change leaves the state untouched. */
  private guard(): void {
    if (this.recording && this.pos !== this.len) {
      throw new Error('journal: state changed while positioned in the past; truncateFuture() first');
    }
  }

  private slotId(owner: Record<string, unknown>, field: string): number {
    // the slot of the last stored entry again (a pin: refcount[pfn] one page after the other):
    // one compare; else a small two-way cache by the field name's length and first letter, then
    // the maps (issue 12: an SSCH → TPI → TSCH cycle writes a dozen slots in turn — SCHIB words,
    // queue, time, pc, channel state — and missed a cache of the last two into two Map lookups)
    if (owner === this.lastOwner && field === this.lastField) return this.lastId;
    const set = ((field.length === 0 ? 0 : field.length * 7 + field.charCodeAt(0)) & (SLOT_CACHE_SETS - 1)) << 1;
    const co = this.cacheOwner;
    const cf = this.cacheField;
    let id: number;
    if (co[set] === owner && cf[set] === field) id = this.cacheId[set];
    else if (co[set + 1] === owner && cf[set + 1] === field) id = this.cacheId[set + 1];
    else id = this.slotMissed(owner, field, set);
    this.lastOwner = owner;
    this.lastField = field;
    this.lastId = id;
    return id;
  }

  /** slotId's cache missed: the id from the maps (a new slot if none), cached in the set's first way. */
  private slotMissed(owner: Record<string, unknown>, field: string, set: number): number {
    const co = this.cacheOwner;
    const cf = this.cacheField;
    let fields = this.slotIds.get(owner);
    if (!fields) this.slotIds.set(owner, (fields = new Map()));
    let id = fields.get(field);
    if (id === undefined) {
      id = this.slotOwner.length;
      this.slotOwner.push(owner);
      this.slotField.push(field);
      fields.set(field, id);
    }
    co[set + 1] = co[set];
    cf[set + 1] = cf[set];
    this.cacheId[set + 1] = this.cacheId[set];
    co[set] = owner;
    cf[set] = field;
    this.cacheId[set] = id;
    return id;
  }

  /** Forget every cached slot answer (slot ids were renumbered). */
  private forgetSlotAnswers(): void {
    this.lastOwner = undefined;
    this.lastField = undefined;
    this.lastId = -1;
    this.cacheOwner.fill(undefined);
    this.cacheField.fill(undefined);
  }

  /** Reallocate the entry arrays with room for `cap` stored entries (≥ plen). */
  private resize(cap: number): void {
    const len = this.plen;
    const copy = <A extends Uint8Array | Int32Array | Float64Array>(a: A, make: (n: number) => A): A => {
      const b = make(cap);
      b.set(a.subarray(0, len));
      return b;
    };
    this.kind = copy(this.kind, (n) => new Uint8Array(n));
    this.ref = copy(this.ref, (n) => new Int32Array(n));
    this.index = copy(this.index, (n) => new Int32Array(n));
    this.oldv = copy(this.oldv, (n) => new Int32Array(n));
    this.neuv = copy(this.neuv, (n) => new Int32Array(n));
  }

  /** Index of a new stored entry at the end (one more position), growing the arrays by doubling. */
  private reserve(): number {
    if (this.plen === this.kind.length) this.resize(this.kind.length * 2);
    const e = this.plen++;
    this.len++;
    this.pos = this.len;
    return e;
  }

  /**
   * A compact entry of slot (owner, field): when it is the one the run at the end predicts —
   * the template's slot is this owner's field, and index, old and new values match — the run
   * grows by one without looking the slot up; otherwise addCompact with its slot id.
   */
  private note(k: number, owner: object, field: string, i: number, old: number, neu: number): void {
    const r = this.tplRun;
    if (r >= 0 && r === this.plen - 1 && this.tplNext === this.index[r]) {
      const q = this.tplQ;
      if (this.tplKind[q] === k && this.tplOwner[q] === owner && this.tplField[q] === field) {
        const g = this.tplG;
        if (nth(this.tplIa[q], this.tplIb[q], g) === i && same(nth(this.tplOa[q], this.tplOb[q], g), old) && same(nth(this.tplNa[q], this.tplNb[q], g), neu)) {
          this.grewRun(r, q);
          return;
        }
      }
    }
    this.noteStored(k, owner, field, i, old, neu);
  }

  /**
   * note() of an entry the run at the end does not predict: by its slot, into a run or stored.
   * Apart from note(), which every journaled setter inlines (issue 12: V8's inlining budget).
   */
  private noteStored(k: number, owner: object, field: string, i: number, old: number, neu: number): void {
    this.addCompact(k, this.slotId(owner as unknown as Record<string, unknown>, field), i, old, neu);
  }

  /** The run at stored entry r took its next entry (template entry q): count it, and predict the one after. */
  private grewRun(r: number, q: number): void {
    const n = this.index[r] + 1;
    this.index[r] = n;
    this.tplNext = n;
    if (q + 1 === this.ref[r]) {
      this.tplQ = 0;
      this.tplG++;
    } else this.tplQ = q + 1;
    this.len++;
    this.pos = this.len;
    this.spanHi = this.spanLo = 0;
  }

  /** A compact entry: one more in the run at the end, a new run, or stored. */
  private addCompact(k: number, slot: number, i: number, old: number, neu: number): void {
    if (this.extendRun(k, slot, i, old, neu)) return;
    const e = this.reserve();
    this.chain(e, slot);
    this.ref[e] = slot;
    this.index[e] = i;
    if (same(old | 0, old) && same(neu | 0, neu)) {
      this.kind[e] = k | ENC_I32;
      this.oldv[e] = old;
      this.neuv[e] = neu;
    } else if (same(old >>> 0, old) && same(neu >>> 0, neu)) {
      this.kind[e] = k | ENC_U32;
      this.oldv[e] = old | 0;
      this.neuv[e] = neu | 0;
    } else {
      if (this.wn === this.wideOld.length) {
        this.wideOld = grow(this.wideOld, this.wn * 2);
        this.wideNew = grow(this.wideNew, this.wn * 2);
      }
      this.kind[e] = k | ENC_WIDE;
      this.oldv[e] = this.wideBase + this.wn;
      this.wideOld[this.wn] = old;
      this.wideNew[this.wn] = neu;
      this.wn++;
    }
  }

  /** Old value of stored compact entry p. */
  private oldAt(p: number): number {
    const enc = this.kind[p] & ENC_MASK;
    return enc === ENC_I32 ? this.oldv[p] : enc === ENC_U32 ? this.oldv[p] >>> 0 : this.wideOld[this.oldv[p] - this.wideBase];
  }

  /** New value of stored compact entry p. */
  private newAt(p: number): number {
    const enc = this.kind[p] & ENC_MASK;
    return enc === ENC_I32 ? this.neuv[p] : enc === ENC_U32 ? this.neuv[p] >>> 0 : this.wideNew[this.oldv[p] - this.wideBase];
  }

  /**
   * The template of the run whose RUN entry is stored at `run` (period p), field by field, as
   * `predicts` reads it: the kind (−1 where the two groups' kinds or slots differ: nothing is
   * predicted there), slot, and both groups' index, old and new values. Stored entries before
   * the end never change; the cache is dropped whenever entries move or go (tplRun = −1).
   */
  private cacheTemplate(run: number, p: number): void {
    for (let q = 0; q < p; q++) {
      const a = run - 2 * p + q;
      const b = a + p;
      const ka = this.kind[a] & KIND_MASK;
      this.tplKind[q] = ka === (this.kind[b] & KIND_MASK) && this.ref[a] === this.ref[b] ? ka : -1;
      this.tplSlot[q] = this.ref[a];
      this.tplIa[q] = this.index[a];
      this.tplIb[q] = this.index[b];
      this.tplOa[q] = this.oldAt(a);
      this.tplOb[q] = this.oldAt(b);
      this.tplNa[q] = this.newAt(a);
      this.tplNb[q] = this.newAt(b);
    }
    this.tplRun = run;
    const n = this.index[run];
    const q = n % p;
    this.tplNext = n;
    this.tplQ = q;
    this.tplG = (n - q) / p + 2;
    for (let x = 0; x < p; x++) {
      const sl = this.tplSlot[x];
      this.tplOwner[x] = this.slotOwner[sl];
      this.tplField[x] = this.slotField[sl];
    }
  }

  /** Does group g's entry q of the template starting at stored entry a (period p) equal this entry? */
  private predicts(a: number, p: number, g: number, k: number, slot: number, i: number, old: number, neu: number): boolean {
    const b = a + p;
    return (this.kind[a] & KIND_MASK) === k && this.ref[a] === slot && (this.kind[b] & KIND_MASK) === k && this.ref[b] === slot &&
      nth(this.index[a], this.index[b], g) === i && same(nth(this.oldAt(a), this.oldAt(b), g), old) && same(nth(this.newAt(a), this.newAt(b), g), neu);
  }

  /** Record the entry as the next of the run at the end, or start a run with it; false if neither. */
  private extendRun(k: number, slot: number, i: number, old: number, neu: number): boolean {
    const end = this.plen;
    const lastRun = this.runs > 0 ? this.runPhys[this.runs - 1] : -1;
    if (lastRun >= 0 && lastRun === end - 1) {
      // predicts(lastRun − 2p + q, p, g, …) on the template's fields read once per run (tpl*),
      // with q and g of the next entry kept as the run grows
      if (this.tplRun !== lastRun || this.tplNext !== this.index[lastRun]) this.cacheTemplate(lastRun, this.ref[lastRun]);
      const q = this.tplQ;
      const g = this.tplG;
      if (this.tplKind[q] !== k || this.tplSlot[q] !== slot || nth(this.tplIa[q], this.tplIb[q], g) !== i ||
        !same(nth(this.tplOa[q], this.tplOb[q], g), old) || !same(nth(this.tplNa[q], this.tplNb[q], g), neu)) return false;
      this.grewRun(lastRun, q);
      return true;
    }
    if (end - 2 * RUN_MAX_PERIOD >= this.chainFrom) {
      // the periods worth testing are the distances back to this slot's entries (issue 12: an
      // SSCH cycle stores ~25 entries that start no run; testing all RUN_MAX_PERIOD periods for
      // each was 6 % of it); in increasing order, as the loop below takes them
      for (let c = slot < this.lastAt.length ? this.lastAt[slot] : -1; c >= 0; c = this.prevSame[c & CHAIN_MASK]) {
        const p = end - c;
        if (p > RUN_MAX_PERIOD || end - 2 * p <= lastRun) return false;
        if (this.startsRun(end, p, k, slot, i, old, neu)) return true;
      }
      return false;
    }
    for (let p = 1; p <= RUN_MAX_PERIOD; p++) {
      if (end - 2 * p <= lastRun) return false;
      if (this.startsRun(end, p, k, slot, i, old, neu)) return true;
    }
    return false;
  }

  /** Start a run of period p with this entry when the two groups before it predict it (extendRun). */
  private startsRun(end: number, p: number, k: number, slot: number, i: number, old: number, neu: number): boolean {
    const a = end - 2 * p;
    if (!this.predicts(a, p, 2, k, slot, i, old, neu)) return false;
    let q = 1;
    const kind = this.kind;
    while (q < p && isCompact(kind[a + q] & KIND_MASK) && (kind[a + q] & KIND_MASK) === (kind[a + p + q] & KIND_MASK) && this.ref[a + q] === this.ref[a + p + q]) q++;
    if (q < p) return false;
    if (this.runs === this.runPhys.length) {
      this.runPhys = grow(this.runPhys, this.runs * 2);
      this.runLog = grow(this.runLog, this.runs * 2);
    }
    const e = this.len;
    const r = this.reserve();
    this.kind[r] = RUN;
    this.ref[r] = p;
    this.index[r] = 1;
    this.runPhys[this.runs] = r;
    this.runLog[this.runs] = e;
    this.runs++;
    this.spanHi = this.spanLo = 0;
    return true;
  }

  /** Stored compact entry e is of `slot`: chain it to the slot's entry before it (extendRun). */
  private chain(e: number, slot: number): void {
    if (slot >= this.lastAt.length) {
      const a = new Int32Array(Math.max(slot + 1, this.lastAt.length * 2)).fill(-1);
      a.set(this.lastAt);
      this.lastAt = a;
    }
    this.prevSame[e & CHAIN_MASK] = this.lastAt[slot];
    this.lastAt[slot] = e;
  }

  /** Stored indexes or slot ids changed: the chains start over from the next stored entry. */
  private unchain(): void {
    this.lastAt.fill(-1);
    this.chainFrom = this.plen;
  }

  /**
   * Set the span of position e (spanLo..spanHi, spanDelta / spanRun): sequential walks stay in
   * one span, so most calls are two compares.
   */
  private locate(e: number): void {
    if (e >= this.spanLo && e < this.spanHi) return;
    const runs = this.runs;
    // the first run that ends after e
    let lo = 0;
    let hi = runs;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.runLog[mid] + this.index[this.runPhys[mid]] > e) hi = mid;
      else lo = mid + 1;
    }
    const prevEnd = lo > 0 ? this.runLog[lo - 1] + this.index[this.runPhys[lo - 1]] : -Infinity;
    if (lo < runs && this.runLog[lo] <= e) {
      this.spanRun = lo;
      this.spanLo = this.runLog[lo];
      this.spanHi = this.runLog[lo] + this.index[this.runPhys[lo]];
      return;
    }
    this.spanRun = -1;
    this.spanLo = prevEnd;
    if (lo < runs) {
      this.spanHi = this.runLog[lo];
      this.spanDelta = this.runPhys[lo] - this.runLog[lo];
    } else {
      this.spanHi = Infinity;
      this.spanDelta = this.plen - this.len;
    }
  }

  /** Read entry e (a position) into ek … en, ep. */
  private load(e: number): void {
    if (this.runs !== 0) this.locate(e);
    const r = this.runs === 0 ? -1 : this.spanRun;
    if (r < 0) {
      const p = this.runs === 0 ? e : e + this.spanDelta;
      this.ep = p;
      const k = this.kind[p];
      this.ek = k & KIND_MASK;
      this.er = this.ref[p];
      this.ei = this.index[p];
      if (k < 16) {
        this.eo = this.oldv[p];
        this.en = this.neuv[p];
      } else {
        this.eo = this.oldAt(p);
        this.en = this.newAt(p);
      }
      return;
    }
    const rp = this.runPhys[r];
    const period = this.ref[rp];
    const j = e - this.runLog[r];
    const q = j % period;
    const g = (j - q) / period + 2;
    const a = rp - 2 * period + q;
    const b = a + period;
    this.ep = a;
    this.ek = this.kind[a] & KIND_MASK;
    this.er = this.ref[a];
    this.ei = nth(this.index[a], this.index[b], g);
    this.eo = nth(this.oldAt(a), this.oldAt(b), g);
    this.en = nth(this.newAt(a), this.newAt(b), g);
  }

  /** Record an object entry; returns its stored index (-1 when not recording). */
  private recordObj(o: ObjEntry, kind = OBJ): number {
    if (!this.recording) return -1;
    const e = this.reserve();
    this.kind[e] = kind;
    this.ref[e] = this.objBase + this.objs.length;
    this.objs.push(o);
    return e;
  }

  /** A push / shift: the value in `objs`, the array as a slot. */
  private recordValue(kind: number, arr: unknown[], value: unknown): void {
    const e = this.reserve();
    this.kind[e] = kind;
    this.ref[e] = this.objBase + this.objs.length;
    this.index[e] = this.slotId(arr as unknown as Record<string, unknown>, '');
    this.objs.push(value);
    this.values++;
  }

  private apply(e: number, forward: boolean): void {
    this.load(e);
    this.applyLoaded(forward);
  }

  /** Apply the entry load() read. */
  private applyLoaded(forward: boolean): void {
    const k = this.ek;
    if (k === ELEM) {
      const s = this.er;
      (this.slotOwner[s][this.slotField[s]] as TypedArray)[this.ei] = forward ? this.en : this.eo;
      return;
    }
    if (k === NUM) {
      const s = this.er;
      this.slotOwner[s][this.slotField[s]] = forward ? this.en : this.eo;
      return;
    }
    if (k === BOOL) {
      const s = this.er;
      this.slotOwner[s][this.slotField[s]] = (forward ? this.en : this.eo) === 1;
      return;
    }
    if (k === BIG) {
      const s = this.er;
      this.slotOwner[s][this.slotField[s]] = BigInt(forward ? this.en : this.eo);
      return;
    }
    const p = this.ep;
    if (k === PUSH || k === SHIFT) {
      const arr = this.slotOwner[this.index[p]] as unknown as unknown[];
      if (k === PUSH) {
        if (forward) arr.push(this.objs[this.ref[p] - this.objBase]);
        else arr.pop();
      } else if (forward) arr.shift();
      else arr.unshift(this.objs[this.ref[p] - this.objBase]);
      return;
    }
    const o = this.objs[this.ref[p] - this.objBase] as ObjEntry;
    if (forward) redo(o);
    else undo(o);
  }

  /** One run entry of a coalesced walk (see `coalesced`): pass 1 applies elements, pass 2 properties once each. */
  private coalesceOne(e: number, pass: number, forward: boolean, gen: number): void {
    this.load(e);
    const k = this.ek;
    if (pass === 1) {
      if (!isPropValue(k)) this.applyLoaded(forward);
    } else if (isPropValue(k)) {
      const slot = this.er;
      if (this.stamp[slot] !== gen) {
        this.stamp[slot] = gen;
        this.applyLoaded(forward);
      }
    }
  }

  /**
   * The whole groups of the run span a coalesced walk is in, as one group (issue 12: a channel
   * program's CCWs are one run, and loading each of its entries made reverse-continue across
   * 10^7 steps 2.5 s). When every element of the template keeps its index, every group writes
   * the same places, so the state after the whole groups is the one the group applied last leaves
   * (pass 1, in the walk's order) and the one met first gives each property (pass 2). The partial
   * group at the walk's start is applied entry by entry here; returns where the walk goes on (its
   * own loop does the partial group at the end), or `e` when the run does not qualify.
   */
  private coalesceRun(e: number, end: number, d: number, pass: number, forward: boolean, gen: number): number {
    const r = this.spanRun;
    const rp = this.runPhys[r];
    const p = this.ref[rp];
    const a0 = rp - 2 * p;
    for (let q = 0; q < p; q++) if ((this.kind[a0 + q] & KIND_MASK) === ELEM && this.index[a0 + q] !== this.index[a0 + p + q]) return e;
    const base = this.runLog[r];
    const x = d > 0 ? e : end + 1;
    const y = d > 0 ? end : e + 1;
    const fj = Math.ceil((x - base) / p) * p;
    const lj = Math.floor((y - base) / p) * p;
    if (lj - fj < 2 * p) return e;
    // the partial group before the whole groups, in the walk's order
    const first = d > 0 ? base + fj : base + lj - 1;
    for (; e !== first; e += d) this.coalesceOne(e, pass, forward, gen);
    const gFirst = fj / p + 2;
    const gLast = lj / p + 1;
    const g = (pass === 1) === (d > 0) ? gLast : gFirst;
    for (let i = 0; i < p; i++) {
      const q = d > 0 ? i : p - 1 - i;
      const a = a0 + q;
      const k = this.kind[a] & KIND_MASK;
      if (pass === 1 ? isPropValue(k) : !isPropValue(k)) continue;
      if (pass === 2) {
        if (this.stamp[this.ref[a]] === gen) continue;
        this.stamp[this.ref[a]] = gen;
      }
      this.ep = a;
      this.ek = k;
      this.er = this.ref[a];
      this.ei = this.index[a];
      this.eo = nth(this.oldAt(a), this.oldAt(a + p), g);
      this.en = nth(this.newAt(a), this.newAt(a + p), g);
      this.applyLoaded(forward);
    }
    return d > 0 ? base + lj : base + fj - 1;
  }

  /**
   * `lastWriteBefore` inside the run span of e, down to `stop`, from the run's template: the
   * position found, -1 for none, -2 when an element's index changes from group to group (then
   * the caller loads entry by entry).
   */
  private lastWriteInRun(e: number, stop: number, mark: Uint8Array, isIndex: boolean, want: number): number {
    const r = this.spanRun;
    const rp = this.runPhys[r];
    const p = this.ref[rp];
    const a0 = rp - 2 * p;
    const j = e - this.runLog[r];
    const lowest = stop - this.runLog[r];
    let best = -1;
    for (let q = 0; q < p; q++) {
      const a = a0 + q;
      const k = this.kind[a] & KIND_MASK;
      const s = this.ref[a];
      if (k === ELEM) {
        if (this.index[a] !== this.index[a + p]) return -2;
        if (!isIndex || this.index[a] !== want || mark[s] !== 1) continue;
      } else if (isIndex || mark[s] !== 1) continue;
      // the last entry q of a group at or before j
      const cand = j - ((((j - q) % p) + p) % p);
      if (cand >= lowest && cand > best) best = cand;
    }
    return best < 0 ? -1 : this.runLog[r] + best;
  }

  // --- a numeric property its caller stores itself, with a constant key (issue 12) ---

  /**
   * Record `obj[key]` changing from `old` to `value` (numbers), as `set` records it, for a caller
   * that makes the store itself right after with a constant key (ChanState setters, the action
   * queue): `set`'s keyed load and store see every layer's objects (megamorphic), the caller's
   * do not. Throws, as `set` does, while positioned in the past.
   */
  noteNum(obj: object, key: string, old: number, value: number): void {
    this.guard();
    if (old === value || !this.recording) return;
    this.note(NUM, obj, key, 0, old, value);
  }

  /**
   * Record `obj[key]` changing from `old` to `value` (bigints), as `set` records it, for a caller
   * that makes the store itself right after with a constant key (the runner's `cc`, three per
   * SSCH → TPI → TSCH cycle: `set`'s keyed access was 6 % of a journaled one, issue 12).
   */
  noteBig(obj: object, key: string, old: bigint, value: bigint): void {
    this.guard();
    if (old === value || !this.recording) return;
    this.bigChange(obj, key, old, value);
  }

  /**
   * `noteBig` for a bigint whose old and new values the caller has as int32 numbers (the runner's
   * `cc`, -1 to 3): the same BIG entry, without noteBig's four BigInt range comparisons and two
   * conversions (three per journaled SSCH → TPI → TSCH cycle, issue 12).
   */
  noteInt32Big(obj: object, key: string, old: number, value: number): void {
    this.guard();
    if (old === value || !this.recording) return;
    this.note(BIG, obj, key, 0, old, value);
  }

  /**
   * Record `obj[key]` changing from `old` to `value` (booleans), as `set` records it, for a caller
   * that makes the store itself right after with a constant key (ChanState.lastTic: `set`'s keyed
   * load cost every CCW a megamorphic lookup, issue 12).
   */
  noteBool(obj: object, key: string, old: boolean, value: boolean): void {
    this.guard();
    if (old === value || !this.recording) return;
    this.note(BOOL, obj, key, 0, old ? 1 : 0, value ? 1 : 0);
  }

  /**
   * Record `owner[field][i]` changing from `old` to `value` (exactly what the typed array will
   * hold), as `setElem` records it, for a caller that makes the store itself right after.
   */
  noteElem(owner: object, field: string, i: number, old: number, value: number): void {
    this.guard();
    if (old === value || !this.recording) return;
    this.note(ELEM, owner, field, i, old, value);
  }
}

function undo(e: ObjEntry): void {
  switch (e.k) {
    case 'prop': e.obj[e.key] = e.old; break;
    case 'splice': e.arr.splice(e.index, e.inserted.length, ...e.removed); break;
    case 'mapSet': if (e.had) e.map.set(e.key, e.old); else e.map.delete(e.key); break;
    case 'mapDel': e.map.set(e.key, e.old); break;
  }
}

function redo(e: ObjEntry): void {
  switch (e.k) {
    case 'prop': e.obj[e.key] = e.neu; break;
    case 'splice': e.arr.splice(e.index, e.removed.length, ...e.inserted); break;
    case 'mapSet': e.map.set(e.key, e.neu); break;
    case 'mapDel': e.map.delete(e.key); break;
  }
}
