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
 * stored compactly in parallel typed arrays (≈ 25 bytes an entry, no object); the other kinds
 * are small objects kept beside them.
 *
 * Nothing outside the journal may assign model state; the invariant "undo(redo(x)) = x" is
 * checked by the engine tests.
 */

import { JOURNAL_COMPACT_ENTRY_BYTES, JOURNAL_OBJECT_ENTRY_BYTES, JOURNAL_VALUE_ENTRY_BYTES } from './memoryEstimate';

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
/** Spans at least this long are undone / redone coalesced (see coalesced()). */
const COALESCE_MIN = 1024;

/**
 * A property change with a non-number/boolean value: an object entry like OBJ, whose `index`
 * holds the property's slot id (shared with its NUM / BOOL entries), so a coalesced walk writes
 * each property once whatever its values' types.
 */
const PROP = 4;
/**
 * A push onto / shift off a plain array (the machine's action queue, most of them): the value
 * itself sits in `objs` (no entry object), `index` holds the array's slot id (owner: the array).
 */
const PUSH = 5;
const SHIFT = 6;
/** Kinds whose `ref` points into `objs`. */
const inObjs = (k: number): boolean => k === OBJ || k === PROP || k === PUSH || k === SHIFT;

export class Journal {
  /** Entry kinds (ELEM / NUM / BOOL / OBJ / PROP), and per entry: slot id (ELEM, NUM, BOOL) or object index (OBJ, PROP). */
  private kind = new Uint8Array(1024);
  private ref = new Int32Array(1024);
  private index = new Int32Array(1024);
  private oldv = new Float64Array(1024);
  private neuv = new Float64Array(1024);
  private len = 0;
  /**
   * Entry objects (OBJ, PROP) and pushed / shifted values (PUSH, SHIFT); `ref` holds their index
   * + objBase (objects dropped from the front shift it).
   */
  private objs: unknown[] = [];
  /** How many of `objs` are PUSH / SHIFT values (for the estimate). */
  private values = 0;
  private objBase = 0;
  /** Interned (owner, field) pairs of typed-array slots. */
  private slotOwner: Array<Record<string, unknown>> = [];
  private slotField: string[] = [];
  private slotIds = new Map<object, Map<string, number>>();
  private lastOwner: object | undefined;
  private lastFields: Map<string, number> | undefined;
  /** Number of entries currently applied; entries [pos, len) are undone (the "future"). */
  private pos = 0;
  /** When false, changes are applied but not recorded (bulk setup, headless runs). */
  recording = true;
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

  /** Bytes held by the compact part of the journal (for the benchmarks). */
  get compactBytes(): number {
    return this.kind.byteLength + this.ref.byteLength + this.index.byteLength + this.oldv.byteLength + this.neuv.byteLength;
  }

  /**
   * Estimated bytes of the recorded entries (memoryEstimate.ts); the history bound uses it.
   * Counts entries, not array capacity: capacity shrinks when entries are dropped (dropOldest).
   */
  get estimatedBytes(): number {
    const objs = this.objs.length - this.values;
    return (this.len - objs - this.values) * JOURNAL_COMPACT_ENTRY_BYTES + objs * JOURNAL_OBJECT_ENTRY_BYTES + this.values * JOURNAL_VALUE_ENTRY_BYTES;
  }

  set<T extends object, K extends keyof T & string>(obj: T, key: K, value: T[K]): void {
    this.guard();
    const old = obj[key];
    if (old === value) return;
    obj[key] = value;
    if (!this.recording) return;
    if (typeof old === 'number' && typeof value === 'number') {
      // counters, positions, addresses: no entry object (most property changes are these)
      const e = this.reserve();
      this.kind[e] = NUM;
      this.ref[e] = this.slotId(obj as unknown as Record<string, unknown>, key);
      this.oldv[e] = old;
      this.neuv[e] = value;
      return;
    }
    if (typeof old === 'boolean' && typeof value === 'boolean') {
      const e = this.reserve();
      this.kind[e] = BOOL;
      this.ref[e] = this.slotId(obj as unknown as Record<string, unknown>, key);
      this.oldv[e] = old ? 1 : 0;
      this.neuv[e] = value ? 1 : 0;
      return;
    }
    const e = this.recordObj({ k: 'prop', obj: obj as unknown as Record<string, unknown>, key, old, neu: value }, PROP);
    this.index[e] = this.slotId(obj as unknown as Record<string, unknown>, key);
  }

  /** owner[field][i] = value, for a typed array stored under `field`. */
  setElem<T extends object>(owner: T, field: keyof T & string, i: number, value: number): void {
    this.guard();
    const arr = (owner as unknown as Record<string, TypedArray>)[field];
    const old = arr[i];
    arr[i] = value;
    const neu = arr[i]; // after the array's own wrapping/clamping
    if (old === neu || !this.recording) return;
    const e = this.reserve();
    this.kind[e] = ELEM;
    this.ref[e] = this.slotId(owner as unknown as Record<string, unknown>, field);
    this.index[e] = i;
    this.oldv[e] = old;
    this.neuv[e] = neu;
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

  mapSet<K, V>(map: Map<K, V>, key: K, value: V): void {
    this.guard();
    // not recording (lean runs): no entry object, no extra lookups (issue 12)
    if (!this.recording) {
      map.set(key, value);
      return;
    }
    const had = map.has(key);
    const old = map.get(key);
    map.set(key, value);
    this.recordObj({ k: 'mapSet', map: map as Map<unknown, unknown>, key, had, old, neu: value });
  }

  mapDelete<K, V>(map: Map<K, V>, key: K): void {
    this.guard();
    if (!this.recording) {
      map.delete(key);
      return;
    }
    if (!map.has(key)) return;
    const old = map.get(key);
    map.delete(key);
    this.recordObj({ k: 'mapDel', map: map as Map<unknown, unknown>, key, old });
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
      if (this.kind[e] !== ELEM) continue;
      const r = this.ref[e];
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
        if (!slots!.has(this.index[e])) slots!.set(this.index[e], this.oldv[e]);
      } else slots!.set(this.index[e], this.neuv[e]);
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
    const kind = this.kind;
    const ref = this.ref;
    if (owner instanceof Map) {
      for (let e = lo; e < hi; e++) {
        if (kind[e] !== OBJ) continue;
        const o = this.objs[ref[e] - this.objBase] as ObjEntry;
        if ((o.k === 'mapSet' || o.k === 'mapDel') && o.map === owner) visit(o.key);
      }
      return;
    }
    const fields = this.slotIds.get(owner);
    if (!fields) return;
    const ids = new Set(fields.values());
    const index = this.index;
    for (let e = lo; e < hi; e++) if (kind[e] === ELEM && ids.has(ref[e])) visit(index[e]);
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
    const kind = this.kind;
    const ref = this.ref;
    const idx = this.index;
    const isIndex = index !== undefined;
    const want = isIndex ? index : -1;
    let found = -1;
    for (let e = hi - 1; e >= Math.max(0, after); e--) {
      const k = kind[e];
      if (k === ELEM) {
        if (isIndex && idx[e] === want && mark[ref[e]] === 1) { found = e; break; }
      } else if (k === NUM || k === BOOL) {
        if (!isIndex && mark[ref[e]] === 1) { found = e; break; }
      } else if (k === PROP) {
        // a PROP entry's `index` is the slot id of (obj, key): marked iff obj is the owner and key matches
        if (mark[idx[e]] === 1) { found = e; break; }
      } else if (k === PUSH || k === SHIFT) {
        if (this.slotOwner[idx[e]] === owner) { found = e; break; }
      } else {
        const o = this.objs[ref[e] - this.objBase] as ObjEntry;
        if (o.k === 'prop' ? o.obj === owner && (field === undefined || o.key === field) : o.k === 'mapSet' || o.k === 'mapDel' ? o.map === owner : o.arr === owner) { found = e; break; }
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
    const kind = this.kind;
    const ref = this.ref;
    const index = this.index;
    if (this.stamp.length < this.slotOwner.length) this.stamp = new Uint32Array(Math.max(this.slotOwner.length, this.stamp.length * 2));
    const stamp = this.stamp;
    const gen = ++this.stampGen;
    // pass 1 writes typed-array elements through each slot's array, looked up once per walk: no
    // property is written in pass 1, so owner[field] stays the same array throughout it
    const arrs: Array<TypedArray | undefined> = new Array(this.slotOwner.length);
    const vals = forward ? this.neuv : this.oldv;
    // pass 1: entries applied in order; pass 2: properties, once each (their slot id)
    if (forward) {
      for (let e = lo; e < hi; e++) {
        const k = kind[e];
        if (k === ELEM) {
          const s = ref[e];
          const a = arrs[s] ?? (arrs[s] = this.slotOwner[s][this.slotField[s]] as TypedArray);
          a[index[e]] = vals[e];
        } else if (k !== NUM && k !== BOOL && k !== PROP) this.apply(e, true);
      }
      for (let e = hi - 1; e >= lo; e--) {
        const k = kind[e];
        if (k !== NUM && k !== BOOL && k !== PROP) continue;
        const slot = k === PROP ? index[e] : ref[e];
        if (stamp[slot] === gen) continue;
        stamp[slot] = gen;
        this.apply(e, true);
      }
    } else {
      for (let e = hi - 1; e >= lo; e--) {
        const k = kind[e];
        if (k === ELEM) {
          const s = ref[e];
          const a = arrs[s] ?? (arrs[s] = this.slotOwner[s][this.slotField[s]] as TypedArray);
          a[index[e]] = vals[e];
        } else if (k !== NUM && k !== BOOL && k !== PROP) this.apply(e, false);
      }
      for (let e = lo; e < hi; e++) {
        const k = kind[e];
        if (k !== NUM && k !== BOOL && k !== PROP) continue;
        const slot = k === PROP ? index[e] : ref[e];
        if (stamp[slot] === gen) continue;
        stamp[slot] = gen;
        this.apply(e, false);
      }
    }
  }

  /**
   * Forget the oldest `count` entries (bounded history): positions shift down by `count`, and
   * nothing before the new position 0 can be undone any more.
   */
  dropOldest(count: number): void {
    if (count <= 0) return;
    if (count > this.pos) throw new RangeError(`journal: cannot drop ${count} entries, only ${this.pos} are applied`);
    this.gen++;
    let objsDropped = 0;
    for (let e = 0; e < count; e++) {
      const k = this.kind[e];
      if (inObjs(k)) objsDropped++;
      if (k === PUSH || k === SHIFT) this.values--;
    }
    for (const a of [this.kind, this.ref, this.index, this.oldv, this.neuv]) a.copyWithin(0, count, this.len);
    this.objs.splice(0, objsDropped);
    this.objBase += objsDropped;
    this.len -= count;
    this.pos -= count;
    // give memory back after a large trim (bounded history must also bound the arrays)
    if (this.kind.length > 1024 && this.len < this.kind.length / 4) this.resize(Math.max(1024, this.len * 2));
  }

  /** Forget the undone future (a new action was taken after stepping back). */
  truncateFuture(): void {
    if (this.len > this.pos) this.gen++;
    let keepObjs = this.objs.length;
    for (let e = this.pos; e < this.len; e++) {
      const k = this.kind[e];
      if (k === PUSH || k === SHIFT) this.values--;
      if (inObjs(k) && keepObjs === this.objs.length) keepObjs = this.ref[e] - this.objBase;
    }
    this.objs.length = keepObjs;
    this.len = this.pos;
  }

  /** Checked before any mutation, so a refused change leaves the state untouched. */
  private guard(): void {
    if (this.recording && this.pos !== this.len) {
      throw new Error('journal: state changed while positioned in the past; truncateFuture() first');
    }
  }

  private slotId(owner: Record<string, unknown>, field: string): number {
    // consecutive changes mostly hit the same owner (a SCHIB, the runner state): skip its lookup
    let fields = owner === this.lastOwner ? this.lastFields : this.slotIds.get(owner);
    if (!fields) this.slotIds.set(owner, (fields = new Map()));
    this.lastOwner = owner;
    this.lastFields = fields;
    let id = fields.get(field);
    if (id === undefined) {
      id = this.slotOwner.length;
      this.slotOwner.push(owner);
      this.slotField.push(field);
      fields.set(field, id);
    }
    return id;
  }

  /** Reallocate the entry arrays with room for `cap` entries (≥ len). */
  private resize(cap: number): void {
    const len = this.len;
    const copy = <A extends Uint8Array | Int32Array | Float64Array>(a: A, make: (n: number) => A): A => {
      const b = make(cap);
      b.set(a.subarray(0, len));
      return b;
    };
    this.kind = copy(this.kind, (n) => new Uint8Array(n));
    this.ref = copy(this.ref, (n) => new Int32Array(n));
    this.index = copy(this.index, (n) => new Int32Array(n));
    this.oldv = copy(this.oldv, (n) => new Float64Array(n));
    this.neuv = copy(this.neuv, (n) => new Float64Array(n));
  }

  /** Index of a new entry at the end, growing the arrays by doubling. */
  private reserve(): number {
    if (this.len === this.kind.length) this.resize(this.kind.length * 2);
    const e = this.len++;
    this.pos = this.len;
    return e;
  }

  /** Record an object entry; returns its position (-1 when not recording). */
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
    const k = this.kind[e];
    if (k === ELEM) {
      const s = this.ref[e];
      (this.slotOwner[s][this.slotField[s]] as TypedArray)[this.index[e]] = forward ? this.neuv[e] : this.oldv[e];
      return;
    }
    if (k === NUM) {
      const s = this.ref[e];
      this.slotOwner[s][this.slotField[s]] = forward ? this.neuv[e] : this.oldv[e];
      return;
    }
    if (k === BOOL) {
      const s = this.ref[e];
      this.slotOwner[s][this.slotField[s]] = (forward ? this.neuv[e] : this.oldv[e]) === 1;
      return;
    }
    if (k === PUSH || k === SHIFT) {
      const arr = this.slotOwner[this.index[e]] as unknown as unknown[];
      if (k === PUSH) {
        if (forward) arr.push(this.objs[this.ref[e] - this.objBase]);
        else arr.pop();
      } else if (forward) arr.shift();
      else arr.unshift(this.objs[this.ref[e] - this.objBase]);
      return;
    }
    const o = this.objs[this.ref[e] - this.objBase] as ObjEntry;
    if (forward) redo(o);
    else undo(o);
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
