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
 * Nothing outside the journal may assign model state; the invariant "undo(redo(x)) = x" is
 * checked by the engine tests.
 */

export type TypedArray = Int32Array | Uint32Array | Uint8Array | Uint16Array | Float64Array;

type Entry =
  | { k: 'prop'; obj: Record<string, unknown>; key: string; old: unknown; neu: unknown }
  | { k: 'elem'; owner: Record<string, unknown>; field: string; i: number; old: number; neu: number }
  | { k: 'push'; arr: unknown[]; value: unknown }
  | { k: 'shift'; arr: unknown[]; value: unknown }
  | { k: 'splice'; arr: unknown[]; index: number; removed: unknown[]; inserted: unknown[] }
  | { k: 'mapSet'; map: Map<unknown, unknown>; key: unknown; had: boolean; old: unknown; neu: unknown }
  | { k: 'mapDel'; map: Map<unknown, unknown>; key: unknown; old: unknown };

export class Journal {
  private entries: Entry[] = [];
  /** Number of entries currently applied; entries[pos..] are undone (the "future"). */
  private pos = 0;
  /** When false, changes are applied but not recorded (bulk setup before the first stop). */
  recording = true;

  get position(): number {
    return this.pos;
  }

  get length(): number {
    return this.entries.length;
  }

  set<T extends object, K extends keyof T & string>(obj: T, key: K, value: T[K]): void {
    this.guard();
    const old = obj[key];
    if (old === value) return;
    obj[key] = value;
    this.record({ k: 'prop', obj: obj as unknown as Record<string, unknown>, key, old, neu: value });
  }

  /** owner[field][i] = value, for a typed array stored under `field`. */
  setElem<T extends object>(owner: T, field: keyof T & string, i: number, value: number): void {
    this.guard();
    const arr = (owner as unknown as Record<string, TypedArray>)[field];
    const old = arr[i];
    arr[i] = value;
    const neu = arr[i]; // after the array's own wrapping/clamping
    if (old === neu) return;
    this.record({ k: 'elem', owner: owner as unknown as Record<string, unknown>, field, i, old, neu });
  }

  push<V>(arr: V[], value: V): void {
    this.guard();
    arr.push(value);
    this.record({ k: 'push', arr: arr as unknown[], value });
  }

  shift<V>(arr: V[]): V | undefined {
    this.guard();
    if (arr.length === 0) return undefined;
    const value = arr.shift() as V;
    this.record({ k: 'shift', arr: arr as unknown[], value });
    return value;
  }

  splice<V>(arr: V[], index: number, deleteCount: number, ...inserted: V[]): V[] {
    this.guard();
    const removed = arr.splice(index, deleteCount, ...inserted);
    this.record({ k: 'splice', arr: arr as unknown[], index, removed, inserted });
    return removed;
  }

  mapSet<K, V>(map: Map<K, V>, key: K, value: V): void {
    this.guard();
    const had = map.has(key);
    const old = map.get(key);
    map.set(key, value);
    this.record({ k: 'mapSet', map: map as Map<unknown, unknown>, key, had, old, neu: value });
  }

  mapDelete<K, V>(map: Map<K, V>, key: K): void {
    this.guard();
    if (!map.has(key)) return;
    const old = map.get(key);
    map.delete(key);
    this.record({ k: 'mapDel', map: map as Map<unknown, unknown>, key, old });
  }

  /**
   * Typed-array slots changed between two journal positions (either order), with each slot's
   * value at position `from`. Views use it to mark what changed since the previous stop at a
   * cost proportional to the changes, not to the size of the model.
   */
  elemsChangedBetween(from: number, to: number): Map<object, Map<string, Map<number, number>>> {
    const out = new Map<object, Map<string, Map<number, number>>>();
    const lo = Math.max(0, Math.min(from, to));
    const hi = Math.min(this.entries.length, Math.max(from, to));
    const forward = from <= to;
    for (let i = lo; i < hi; i++) {
      const e = this.entries[i];
      if (e.k !== 'elem') continue;
      let fields = out.get(e.owner);
      if (!fields) out.set(e.owner, (fields = new Map()));
      let slots = fields.get(e.field);
      if (!slots) fields.set(e.field, (slots = new Map()));
      // forward: the first old value is the value at `from`; backward: the last new value is
      if (forward) {
        if (!slots.has(e.i)) slots.set(e.i, e.old);
      } else slots.set(e.i, e.neu);
    }
    return out;
  }

  /** Undo entries until position == target. */
  undoTo(target: number): void {
    if (target < 0 || target > this.pos) throw new RangeError(`journal undo target ${target} outside 0..${this.pos}`);
    while (this.pos > target) {
      this.pos--;
      undo(this.entries[this.pos]);
    }
  }

  /** Redo entries until position == target. */
  redoTo(target: number): void {
    if (target < this.pos || target > this.entries.length) {
      throw new RangeError(`journal redo target ${target} outside ${this.pos}..${this.entries.length}`);
    }
    while (this.pos < target) {
      redo(this.entries[this.pos]);
      this.pos++;
    }
  }

  /**
   * Forget the oldest `count` entries (bounded history): positions shift down by `count`, and
   * nothing before the new position 0 can be undone any more.
   */
  dropOldest(count: number): void {
    if (count <= 0) return;
    if (count > this.pos) throw new RangeError(`journal: cannot drop ${count} entries, only ${this.pos} are applied`);
    this.entries.splice(0, count);
    this.pos -= count;
  }

  /** Forget the undone future (a new action was taken after stepping back). */
  truncateFuture(): void {
    this.entries.length = this.pos;
  }

  /** Checked before any mutation, so a refused change leaves the state untouched. */
  private guard(): void {
    if (this.recording && this.pos !== this.entries.length) {
      throw new Error('journal: state changed while positioned in the past; truncateFuture() first');
    }
  }

  private record(e: Entry): void {
    if (!this.recording) return;
    this.entries.push(e);
    this.pos++;
  }
}

function undo(e: Entry): void {
  switch (e.k) {
    case 'prop': e.obj[e.key] = e.old; break;
    case 'elem': (e.owner[e.field] as TypedArray)[e.i] = e.old; break;
    case 'push': e.arr.pop(); break;
    case 'shift': e.arr.unshift(e.value); break;
    case 'splice': e.arr.splice(e.index, e.inserted.length, ...e.removed); break;
    case 'mapSet': if (e.had) e.map.set(e.key, e.old); else e.map.delete(e.key); break;
    case 'mapDel': e.map.set(e.key, e.old); break;
  }
}

function redo(e: Entry): void {
  switch (e.k) {
    case 'prop': e.obj[e.key] = e.neu; break;
    case 'elem': (e.owner[e.field] as TypedArray)[e.i] = e.neu; break;
    case 'push': e.arr.push(e.value); break;
    case 'shift': e.arr.shift(); break;
    case 'splice': e.arr.splice(e.index, e.removed.length, ...e.inserted); break;
    case 'mapSet': e.map.set(e.key, e.neu); break;
    case 'mapDel': e.map.delete(e.key); break;
  }
}
