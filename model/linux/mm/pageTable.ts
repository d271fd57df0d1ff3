/**
 * A process's page tables: virtual page number → PTE entry (`pfn * 2 + writable`, vma.ts).
 *
 * Laid out like x86-64's last level: one table of 512 entries per 2 MiB of address space, in an
 * Int32Array, found through a directory keyed by `vpn / 512`. A 47-bit address has a 35-bit vpn,
 * beyond the small integers a Map hashes fast; the directory key fits them, and a GUP walk over
 * consecutive pages reads one typed array. Reads look like a Map (`get`, `has`, `keys`,
 * iteration in table order); writes go through the journal: a new table is a journaled directory
 * insert, an entry a typed-array element (a compact journal entry, gup §0.2 state is exact on undo).
 */
import type { Journal } from '../../engine/journal';

/** Entries per table (PTRS_PER_PTE on x86-64). */
export const PTRS_PER_PTE = 512;

/** One page-table page. `e[i]` holds the entry + 1 (0 = no PTE), so a fresh table is empty. */
export class PteTable {
  readonly e = new Int32Array(PTRS_PER_PTE);
}

export class PageTable {
  /** vpn / 512 → table (journaled inserts; tables are never removed, an empty one costs 2 KiB). */
  readonly dir = new Map<number, PteTable>();

  /**
   * The table `get` found last and its key (a walk reads 512 entries of one table in a row). Only
   * a table found is kept; `set` forgets it when it makes a table. An undo that removes a table
   * (journal mapSet undone) first zeroes its entries, so a table kept after that reads as empty,
   * which it is; a redo puts the same table object back.
   */
  private lastKey = -1;
  private lastTable: PteTable | undefined;

  get(vpn: number): number | undefined {
    // below 2^31 (addresses below 8 TiB) the table number by a shift: integer ops, no float division per page
    const d = vpn < 0x8000_0000 ? vpn >>> 9 : Math.floor(vpn / PTRS_PER_PTE);
    let t: PteTable | undefined;
    if (d === this.lastKey) t = this.lastTable;
    else {
      t = this.dir.get(d);
      if (t === undefined) return undefined;
      this.lastKey = d;
      this.lastTable = t;
    }
    if (t === undefined) return undefined;
    const v = t.e[vpn - d * PTRS_PER_PTE];
    return v === 0 ? undefined : v - 1;
  }

  has(vpn: number): boolean {
    return this.get(vpn) !== undefined;
  }

  /** Set the entry of `vpn` (journaled). */
  set(j: Journal, vpn: number, entry: number): void {
    if (!Number.isInteger(entry) || entry < 0 || entry >= 0x7fffffff) throw new RangeError(`PTE entry ${entry} out of range`);
    const d = vpn < 0x8000_0000 ? vpn >>> 9 : Math.floor(vpn / PTRS_PER_PTE);
    // from the directory, not get's cache: an undo may have taken the cached table out of it
    let t = this.dir.get(d);
    if (t === undefined) {
      j.mapSet(this.dir, d, (t = new PteTable()));
      this.lastKey = -1;
      this.lastTable = undefined;
    }
    j.setElemIn(t, 'e', t.e, vpn - d * PTRS_PER_PTE, entry + 1);
  }

  /** Mapped vpns, table by table (tables in creation order, entries ascending within one). */
  *keys(): IterableIterator<number> {
    for (const [d, t] of this.dir) {
      const e = t.e;
      for (let i = 0; i < PTRS_PER_PTE; i++) if (e[i] !== 0) yield d * PTRS_PER_PTE + i;
    }
  }

  /** [vpn, entry] pairs in the order of `keys()`. */
  *entries(): IterableIterator<[number, number]> {
    for (const [d, t] of this.dir) {
      const e = t.e;
      for (let i = 0; i < PTRS_PER_PTE; i++) if (e[i] !== 0) yield [d * PTRS_PER_PTE + i, e[i] - 1];
    }
  }

  [Symbol.iterator](): IterableIterator<[number, number]> {
    return this.entries();
  }
}
