/**
 * A first-in first-out queue of integers in a typed array, journaled element by element: the
 * values are items[head … head + len), and the queue starts again at index 0 once empty (as the
 * action queue, actionQueue.ts). A push or shift journals numbers (an element, `len`, `head`),
 * not a value entry, so a loop that queues and takes one request per iteration journals compact
 * entries that can join a RUN (issue 12: the I/O-interruption queue of an SSCH → TPI → TSCH cycle
 * was the only non-compact pair of its 29 entries). An element that already holds the value is
 * not noted. Lean runs (the journal not recording) make the same stores without the notes.
 */
import type { Journal } from './journal';

export class IntFifo {
  /** The storage; its capacity is not state (the journal names owner and field, not the array). */
  items = new Int32Array(4);
  head = 0;
  len = 0;
  /** The machine's journal: not queue state (an ES private field, outside the state walks). */
  readonly #j: Journal;

  constructor(journal: Journal) {
    this.#j = journal;
  }

  get length(): number {
    return this.len;
  }

  /** The k-th value from the front (0 ≤ k < length). */
  at(k: number): number {
    return this.items[this.head + k];
  }

  /** Position of `v` from the front, or −1. */
  indexOf(v: number): number {
    const items = this.items;
    for (let k = 0; k < this.len; k++) if (items[this.head + k] === v) return k;
    return -1;
  }

  /** The values from the front (a copy, for views, invariants and tests). */
  toArray(): number[] {
    return Array.from(this.items.subarray(this.head, this.head + this.len));
  }

  push(v: number): void {
    if (this.head + this.len === this.items.length) this.makeRoom();
    this.put(this.head + this.len, v);
    this.setLen(this.len + 1);
  }

  /** Take the front value; the queue must not be empty. */
  shift(): number {
    const v = this.items[this.head];
    const len = this.len - 1;
    this.setLen(len);
    this.setHead(len === 0 ? 0 : this.head + 1);
    return v;
  }

  /** Remove the k-th value from the front (0 ≤ k < length); the ones behind it move up. */
  removeAt(k: number): void {
    for (let i = k + 1; i < this.len; i++) this.put(this.head + i - 1, this.items[this.head + i]);
    const len = this.len - 1;
    this.setLen(len);
    if (len === 0) this.setHead(0);
  }

  private put(i: number, v: number): void {
    const items = this.items;
    if (items[i] === v) return;
    const j = this.#j;
    if (j.recording) j.noteElem(this, 'items', i, items[i], v);
    items[i] = v;
  }

  private setLen(v: number): void {
    const j = this.#j;
    if (j.recording && this.len !== v) j.noteNum(this, 'len', this.len, v);
    this.len = v;
  }

  private setHead(v: number): void {
    const j = this.#j;
    if (j.recording && this.head !== v) j.noteNum(this, 'head', this.head, v);
    this.head = v;
  }

  /** The values reached the end of the array: move them to index 0, or double the array. */
  private makeRoom(): void {
    if (this.head > 0) {
      for (let i = 0; i < this.len; i++) this.put(i, this.items[this.head + i]);
      this.setHead(0);
      return;
    }
    const items = new Int32Array(this.items.length * 2);
    items.set(this.items);
    this.items = items;
  }
}
