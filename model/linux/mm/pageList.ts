/**
 * The `pages` array a GUP call fills (gup §2.1): PFNs in the order obtained, in a plain array
 * sized for the call up front. Pushed one by one, a 1 GiB pin's 262,144 PFNs regrew the array
 * about 30 times in V8's large-object space, a quarter of a lean pin's time (issue 12 profile).
 *
 * Even sized once, a fresh 262,144-element array costs ~7 ms (2 MiB of fresh large-object
 * memory) where writing into one already made costs ~0.3 ms: a list may be given a `spare`
 * array of exactly its size to fill instead. Only an array nobody else holds may be given (see
 * `Mm.recyclePages`, the one source of spares); its old contents are overwritten or trimmed.
 */

/** Pages reserved up front at most (a larger call grows the array past it). */
const PRESIZE_MAX = 1 << 20;

export class PageList {
  private a: number[];
  /** Pages held: a[0 … n). */
  n = 0;

  constructor(expected: number, spare?: number[]) {
    const size = expected > 0 ? Math.min(expected, PRESIZE_MAX) : 0;
    this.a = size === 0 ? [] : spare !== undefined && spare.length === size ? spare : new Array<number>(size);
  }

  push(pfn: number): void {
    if (this.n < this.a.length) this.a[this.n] = pfn;
    else this.a.push(pfn);
    this.n++;
  }

  at(i: number): number {
    return this.a[i];
  }

  /** Forget the pages from `n` on (a failed pass gives its pages back). */
  truncate(n: number): void {
    this.n = Math.min(this.n, n);
  }

  /** Pages from … to−1, as a new array. */
  slice(from: number, to: number): number[] {
    return this.a.slice(from, Math.min(to, this.n));
  }

  /** The first `count` pages as a plain array: the list's own storage, trimmed (the list is done with). */
  take(count: number): number[] {
    const k = Math.min(count, this.n);
    if (this.a.length !== k) this.a.length = k; // a full list (the usual case) is not trimmed: no length store
    const a = this.a;
    this.a = [];
    this.n = 0;
    return a;
  }
}
