/**
 * The deterministic engine: virtual time, a queue of timed actions, the journal through which
 * every state change goes, and the history of emitted events (each one a stop point).
 *
 * Layers (css, mm, ...) own their state objects but mutate them only through `m.journal`, and
 * announce what they did with `m.emit`. Actions in the queue are data, not closures, so the
 * queue itself is journaled like any other state.
 */
import { Journal } from './journal';
import type { Granularity, HistoryRecord, ModelEvent, ModelFrame } from './events';
import { GUEST_CPU_THREAD } from './ids';

/** A timed action: which layer handles it (`kind`) and a small integer argument. */
export interface QueuedAction {
  time: number;
  seq: number;
  kind: string;
  arg: number;
}

export type ActionHandler = (arg: number) => void;

export class Machine {
  readonly journal = new Journal();
  readonly history: HistoryRecord[] = [];
  /** Journaled engine state (virtual time, queue, sequence numbers). */
  readonly state = { time: 0, seq: 0, thread: GUEST_CPU_THREAD };
  readonly queue: QueuedAction[] = [];
  private readonly handlers = new Map<string, ActionHandler>();
  private readonly listeners: Array<(r: HistoryRecord) => void> = [];
  /** Innermost last while building; reversed into HistoryRecord.frames on emit. */
  private readonly stack: ModelFrame[] = [];
  /**
   * Headless runs need neither time travel nor call stacks: no journal entries, no history,
   * no frames, so a long run allocates almost nothing per event (see `setLean`).
   */
  private lean = false;
  private leanSeq = 0;
  private static readonly NO_FRAMES: ModelFrame[] = [];

  /**
   * Drop the oldest `count` history records and the journal entries before the first record
   * kept (bounded memory for long sessions). Returns the number of records dropped.
   */
  dropOldestHistory(count: number): number {
    const n = Math.min(count, this.history.length - 1);
    if (n <= 0) return 0;
    // the first kept record's state stays reachable: only entries before its position go
    const base = this.history[n].journalPos;
    this.journal.dropOldest(base);
    this.history.splice(0, n);
    for (const r of this.history) r.journalPos -= base;
    return n;
  }

  /** Headless mode: stop journaling and keeping history; events still reach listeners. */
  setLean(): void {
    this.lean = true;
    this.journal.recording = false;
  }

  onAction(kind: string, handler: ActionHandler): void {
    this.handlers.set(kind, handler);
  }

  onEvent(listener: (r: HistoryRecord) => void): void {
    this.listeners.push(listener);
  }

  offEvent(listener: (r: HistoryRecord) => void): void {
    const i = this.listeners.indexOf(listener);
    if (i >= 0) this.listeners.splice(i, 1);
  }

  /** Schedule `kind(arg)` at now + delay (virtual time units). Order: time, then FIFO. */
  schedule(kind: string, arg: number, delay: number): void {
    const action: QueuedAction = { time: this.state.time + delay, seq: this.state.seq, kind, arg };
    this.journal.set(this.state, 'seq', this.state.seq + 1);
    let i = this.queue.length;
    while (i > 0 && this.queue[i - 1].time > action.time) i--;
    this.journal.splice(this.queue, i, 0, action);
  }

  /** Remove queued actions matching a predicate (e.g. a cleared subchannel's pending work). */
  cancel(pred: (a: QueuedAction) => boolean): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (pred(this.queue[i])) this.journal.splice(this.queue, i, 1);
    }
  }

  hasPendingActions(): boolean {
    return this.queue.length > 0;
  }

  /** Run the earliest queued action; returns false when the queue is empty. */
  runNextAction(): boolean {
    const a = this.journal.shift(this.queue);
    if (!a) return false;
    if (a.time > this.state.time) this.journal.set(this.state, 'time', a.time);
    const h = this.handlers.get(a.kind);
    if (!h) throw new Error(`engine: no handler for queued action '${a.kind}'`);
    h(a.arg);
    return true;
  }

  /** Run `fn` with `name` pushed on the model call stack (what the debugger shows). */
  within<T>(name: string, fn: () => T, line?: number): T {
    if (this.lean) return fn();
    this.stack.push(line === undefined ? { name } : { name, line });
    try {
      return fn();
    } finally {
      this.stack.pop();
    }
  }

  /** Run `fn` as thread `thread` (guest CPU, host kernel, a channel). */
  onThread<T>(thread: number, fn: () => T): T {
    const prev = this.state.thread;
    this.state.thread = thread; // not journaled: only meaningful during an action
    try {
      return fn();
    } finally {
      this.state.thread = prev;
    }
  }

  /**
   * The same call stacks recur for every CCW and every page, so records share one frozen frames
   * array per distinct stack: history memory stays proportional to events, not to stack depth.
   */
  private readonly frameCache = new Map<string, ModelFrame[]>();

  private internFrames(extra?: ModelFrame): ModelFrame[] {
    let key = extra ? `${extra.name}@${extra.line ?? ''}` : '';
    for (let i = this.stack.length - 1; i >= 0; i--) key += `\u0000${this.stack[i].name}@${this.stack[i].line ?? ''}`;
    let frames = this.frameCache.get(key);
    if (!frames) {
      frames = this.stack.slice().reverse();
      if (extra) frames.unshift(extra);
      Object.freeze(frames);
      this.frameCache.set(key, frames);
    }
    return frames;
  }

  emit(event: ModelEvent, granularity: Granularity, extraFrame?: ModelFrame): HistoryRecord {
    const frames = this.lean ? Machine.NO_FRAMES : this.internFrames(extraFrame);
    const r: HistoryRecord = {
      seq: this.lean ? this.leanSeq++ : this.history.length,
      journalPos: this.journal.position,
      time: this.state.time,
      thread: this.state.thread,
      granularity,
      frames,
      event,
    };
    if (!this.lean) this.history.push(r);
    for (const l of this.listeners) l(r);
    return r;
  }
}
