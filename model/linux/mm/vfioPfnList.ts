/**
 * `dma->pfn_list`, the per-mapping tree of externally pinned pages (gup §10.1: `vfio_pfn` nodes
 * keyed by IOVA), with a Map's behaviour: get / has / set / delete / size, and iteration in
 * insertion order (a key set again after its delete goes to the end), so nothing reading it or
 * journaling it (`journal.mapSet` / `mapDelete`) can tell it from the Map it replaces.
 *
 * Why not a Map (issue 12): a vfio-ccw I/O inserts and deletes a node per pinned page. A Map
 * that has lived a while sits in V8's old generation, and its hash table is reallocated there on
 * nearly every insert-after-delete or delete-to-empty (rehash, shrink): a runtime call and
 * old-generation garbage per I/O, the largest single cost of the cycle in the lean profile.
 * Here a small list (the usual: the pages of one channel program) is two dense arrays searched
 * in order — nothing is allocated once they have their length — and a large one gets an index.
 *
 * Small lists are kept dense (a delete closes the gap), so the arrays are exactly the Map's
 * entries in order: two lists with the same entries in the same order are equal field by field
 * (the lean/journal equivalence digest walks them). A large list marks deletes as holes and
 * compacts when half of it is holes.
 */

/** Lists up to this long are searched in order and kept dense; longer ones get an index. */
const SMALL = 64;
/** The key of a hole (no page number is NaN, and NaN equals nothing). */
const HOLE = NaN;

export class PfnList<V> {
  /** Keys in insertion order (HOLE where a large list's entry was deleted). */
  private ks: number[] = [];
  private vs: Array<V | undefined> = [];
  private holes = 0;
  /** key → position, while the list is large. */
  private at: Map<number, number> | undefined;

  get size(): number {
    return this.ks.length - this.holes;
  }

  private find(key: number): number {
    if (this.at !== undefined) {
      const i = this.at.get(key);
      return i === undefined ? -1 : i;
    }
    const ks = this.ks;
    for (let i = 0; i < ks.length; i++) if (ks[i] === key) return i;
    return -1;
  }

  has(key: number): boolean {
    return this.find(key) >= 0;
  }

  get(key: number): V | undefined {
    const i = this.find(key);
    return i < 0 ? undefined : this.vs[i];
  }

  set(key: number, value: V): this {
    const i = this.find(key);
    if (i >= 0) {
      this.vs[i] = value;
      return this;
    }
    this.at?.set(key, this.ks.length);
    this.ks.push(key);
    this.vs.push(value);
    if (this.at === undefined && this.ks.length > SMALL) this.index();
    return this;
  }

  delete(key: number): boolean {
    const i = this.find(key);
    if (i < 0) return false;
    const ks = this.ks;
    const vs = this.vs;
    if (this.at === undefined) {
      // dense: close the gap by hand (splice would allocate the removed element's array)
      for (let j = i + 1; j < ks.length; j++) {
        ks[j - 1] = ks[j];
        vs[j - 1] = vs[j];
      }
      ks.pop();
      vs.pop();
      return true;
    }
    this.at.delete(key);
    ks[i] = HOLE;
    vs[i] = undefined;
    this.holes++;
    if (this.holes * 2 > ks.length) this.compact();
    return true;
  }

  /** Drop the holes; a list that became small loses its index (and is dense again). */
  private compact(): void {
    const ks: number[] = [];
    const vs: Array<V | undefined> = [];
    for (let i = 0; i < this.ks.length; i++) {
      if (Number.isNaN(this.ks[i])) continue;
      ks.push(this.ks[i]);
      vs.push(this.vs[i]);
    }
    this.ks = ks;
    this.vs = vs;
    this.holes = 0;
    this.at = undefined;
    if (ks.length > SMALL) this.index();
  }

  private index(): void {
    const at = new Map<number, number>();
    for (let i = 0; i < this.ks.length; i++) if (!Number.isNaN(this.ks[i])) at.set(this.ks[i], i);
    this.at = at;
  }

  *entries(): IterableIterator<[number, V]> {
    for (let i = 0; i < this.ks.length; i++) if (!Number.isNaN(this.ks[i])) yield [this.ks[i], this.vs[i] as V];
  }

  *keys(): IterableIterator<number> {
    for (const [k] of this.entries()) yield k;
  }

  *values(): IterableIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }

  [Symbol.iterator](): IterableIterator<[number, V]> {
    return this.entries();
  }
}
