/**
 * The engine's queue of timed actions as parallel typed arrays (issue 12): the queued actions are
 * elements [head, head + len) in time order, FIFO within a time. Each push or shift journals a few
 * numbers (typed-array elements, `head`, `len`), not an object per action, so a channel program
 * that schedules one action per CCW journals the same group of compact entries per CCW, which the
 * journal keeps as one RUN entry. Empty, it starts again at index 0. Lean runs (the journal not
 * recording) push at the end and shift the head with plain stores: the same elements, `head` and
 * `len` as the journaled path (test/unit/css/hotPath.test.ts compares them operation by operation).
 * The machine (machine.ts) maps action kinds to the indexes stored here and runs the handlers.
 */
import type { Journal } from './journal';

export class ActionQueue {
  time = new Float64Array(16);
  /** Index into the machine's action kinds. */
  kind = new Int32Array(16);
  arg = new Float64Array(16);
  head = 0;
  len = 0;

  /** The machine's journal: not queue state (an ES private field, outside the state walks of views and tests). */
  readonly #j: Journal;

  constructor(journal: Journal) {
    this.#j = journal;
  }

  /** Queue kind index `id` with `arg` at `time`: after the last action not later than `time`. */
  push(id: number, arg: number, time: number): void {
    if (this.head + this.len === this.time.length) this.makeRoom();
    const end = this.head + this.len;
    if (!this.#j.recording && (this.len === 0 || this.time[end - 1] <= time)) {
      // lean runs (nothing to note), at the end (no action later than `time`): stored directly,
      // the same element and length as `insert` writes (issue 12: one push per CCW; the rest in
      // its own method keeps this one small enough to inline)
      this.time[end] = time;
      this.kind[end] = id;
      this.arg[end] = arg;
      this.len++;
      return;
    }
    this.insert(id, arg, time);
  }

  /** `push`'s journaled or in-between case: after the last action not later than `time`. */
  private insert(id: number, arg: number, time: number): void {
    let k = this.len;
    while (k > 0 && this.time[this.head + k - 1] > time) k--;
    for (let i = this.len; i > k; i--) this.put(this.head + i, this.time[this.head + i - 1], this.kind[this.head + i - 1], this.arg[this.head + i - 1]);
    this.put(this.head + k, time, id, arg);
    this.#j.noteNum(this, 'len', this.len, this.len + 1);
    this.len++;
  }

  /** Write element i (journaled; lean runs assign). */
  private put(i: number, time: number, kind: number, arg: number): void {
    const j = this.#j;
    // what the arrays hold exactly: times and args as Float64 numbers, kinds as small indexes;
    // an element that keeps its value is not noted (a channel program's next CCW action has the
    // kind and argument of the one before it: one entry, not three calls)
    if (this.time[i] !== time) {
      j.noteElem(this, 'time', i, this.time[i], time);
      this.time[i] = time;
    }
    if (this.kind[i] !== kind) {
      j.noteElem(this, 'kind', i, this.kind[i], kind);
      this.kind[i] = kind;
    }
    if (this.arg[i] !== arg) {
      j.noteElem(this, 'arg', i, this.arg[i], arg);
      this.arg[i] = arg;
    }
  }

  /** The queue reached the end of its arrays: move it to index 0, or grow the arrays. */
  private makeRoom(): void {
    if (this.head > 0) {
      for (let i = 0; i < this.len; i++) this.put(i, this.time[this.head + i], this.kind[this.head + i], this.arg[this.head + i]);
      this.#j.set(this, 'head', 0);
      return;
    }
    // capacity is not state: the journal names the owner and field, so entries stay valid
    const n = this.time.length * 2;
    const time = new Float64Array(n);
    time.set(this.time);
    this.time = time;
    const kind = new Int32Array(n);
    kind.set(this.kind);
    this.kind = kind;
    const arg = new Float64Array(n);
    arg.set(this.arg);
    this.arg = arg;
  }

  /** Remove the queued actions (id, arg). */
  cancel(id: number, arg: number): void {
    for (let k = this.len - 1; k >= 0; k--) {
      if (this.kind[this.head + k] !== id || this.arg[this.head + k] !== arg) continue;
      for (let i = k + 1; i < this.len; i++) this.put(this.head + i - 1, this.time[this.head + i], this.kind[this.head + i], this.arg[this.head + i]);
      this.dequeued(this.len - 1, this.head);
    }
  }

  /** Dequeue the head element (the caller has read it); the queue must not be empty. */
  shift(): void {
    const len = this.len - 1;
    if (this.#j.recording) {
      this.dequeued(len, this.head + 1);
      return;
    }
    // lean runs: `dequeued` without the journal's notes (issue 12: one action per CCW)
    this.len = len;
    this.head = len === 0 ? 0 : this.head + 1;
  }

  /** The queue now holds `len` actions from `head` (index 0 again once empty). */
  private dequeued(len: number, head: number): void {
    const j = this.#j;
    if (len === 0) head = 0;
    j.noteNum(this, 'len', this.len, len);
    this.len = len;
    if (this.head !== head) {
      j.noteNum(this, 'head', this.head, head);
      this.head = head;
    }
  }
}
