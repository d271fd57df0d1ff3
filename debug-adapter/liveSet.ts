/**
 * A set of small integer keys (PFNs, subchannel numbers) defined by a predicate over model state
 * that lives in typed arrays (`interesting page`, `subchannel active`), kept up to date from the
 * journal instead of rescanning the model at every stop: at a stop, only the slots the journal
 * changed since the previous sync are tested again (`elemsChangedBetween`), so the cost of a step
 * is proportional to what the step changed, not to 1,000,000 pages or 65,536 subchannels. When
 * journal positions no longer name the same states (history dropped, future truncated by an edit)
 * the set is rebuilt by one full scan.
 *
 * Keys are kept in a bitmap with a count per block of 1024 keys, so the members come out in
 * ascending order, skipping empty blocks.
 */
import type { Journal } from '../model/engine/journal';

const BLOCK_SHIFT = 10;

export class LiveKeySet {
  private bits = new Uint8Array(0);
  private blocks = new Int32Array(0);
  private count = 0;
  /** Journal position and epoch the set is valid for; -1: never built. */
  private pos = -1;
  private epoch = -1;

  constructor(
    private readonly journal: Journal,
    /**
     * What membership depends on: typed-array owners (every field watched; `keyOf` maps an
     * element index to a key) and Maps keyed by key.
     */
    private readonly sources: () => readonly object[],
    /** Keys are 0 ≤ key < size(). */
    private readonly size: () => number,
    /** Key of a changed slot index of `owner` (identity for per-page arrays). */
    private readonly keyOf: (index: number) => number,
    private readonly test: (key: number) => boolean,
  ) {}

  /** The members in ascending order, at most `limit`. */
  /** Is `key` in the set (what `first()` lists), without listing it. */
  has(key: number): boolean {
    this.sync();
    return key >= 0 && key < this.bits.length && this.bits[key] !== 0;
  }

  first(limit = Infinity): number[] {
    this.sync();
    const out: number[] = [];
    const bits = this.bits;
    for (let b = 0; b < this.blocks.length && out.length < limit; b++) {
      if (this.blocks[b] === 0) continue;
      const end = Math.min(bits.length, (b + 1) << BLOCK_SHIFT);
      for (let k = b << BLOCK_SHIFT; k < end && out.length < limit; k++) if (bits[k]) out.push(k);
    }
    return out;
  }

  /** sync()'s per-change callback, made once (no closure per stop, issue 12) and its state. */
  private fromMap = false;
  private lastKey = -1;
  private readonly onChange = (k: unknown): void => {
    if (typeof k !== 'number') return;
    const key = this.fromMap ? k : this.keyOf(k);
    if (key === this.lastKey) return;
    this.lastKey = key;
    if (key >= 0 && key < this.bits.length) this.put(key, this.test(key));
  };

  private sync(): void {
    const j = this.journal;
    if (this.pos >= 0 && this.epoch === j.epoch && this.pos <= j.length) {
      if (this.pos === j.position) return;
      const from = this.pos;
      this.pos = j.position;
      this.ensure(this.size());
      this.lastKey = -1;
      for (const src of this.sources()) {
        this.fromMap = src instanceof Map;
        j.forEachChangeOf(src, from, j.position, this.onChange);
      }
      return;
    }
    // first use, or positions renumbered: one full scan
    const n = this.size();
    this.bits = new Uint8Array(0);
    this.blocks = new Int32Array(0);
    this.count = 0;
    this.ensure(n);
    for (let k = 0; k < n; k++) if (this.test(k)) this.put(k, true);
    this.pos = j.position;
    this.epoch = j.epoch;
  }

  private ensure(n: number): void {
    if (n <= this.bits.length) return;
    let cap = Math.max(1024, this.bits.length);
    while (cap < n) cap *= 2;
    const bits = new Uint8Array(cap);
    bits.set(this.bits);
    const blocks = new Int32Array(cap >> BLOCK_SHIFT);
    blocks.set(this.blocks);
    this.bits = bits;
    this.blocks = blocks;
  }

  private put(key: number, on: boolean): void {
    const was = this.bits[key] === 1;
    if (was === on) return;
    this.bits[key] = on ? 1 : 0;
    const d = on ? 1 : -1;
    this.blocks[key >> BLOCK_SHIFT] += d;
    this.count += d;
  }
}
