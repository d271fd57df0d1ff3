/**
 * The deterministic engine: virtual time, a queue of timed actions, the journal through which
 * every state change goes, and the history of emitted events (each one a stop point).
 *
 * Layers (css, mm, ...) own their state objects but mutate them only through `m.journal`, and
 * announce what they did with `m.emit`. Actions in the queue are data, not closures, so the
 * queue itself is journaled like any other state.
 */
import { Journal } from './journal';
import type { Granularity, HistoryRecord, ModelEvent, ModelEventKind, ModelFrame } from './events';
import { HistoryStore } from './history';
import { GUEST_CPU_THREAD } from './ids';

/** A timed action: which layer handles it (`kind`) and a small integer argument. */
export interface QueuedAction {
  time: number;
  seq: number;
  kind: string;
  arg: number;
}

export type ActionHandler = (arg: number) => void;

/**
 * A node of the tree of call stacks seen so far: the path from the root is the stack. `within`
 * moves to a child (a Map lookup by name, then by line; no string is built). A history record
 * holds the node's id (history.ts); its frames array is built once per distinct stack.
 */
class StackNode {
  /** The first child, and a map by name only once there are several (most nodes have one). */
  private kid: StackNode | undefined;
  private kids: Map<string, StackNode> | undefined;
  /** Next child of the same parent with the same name and another line. */
  private sibling: StackNode | undefined;
  private frozen: ModelFrame[] | undefined;
  readonly frame: ModelFrame | undefined;
  /** Index in `registry` (the root's list of every node), what history records store. */
  readonly id: number;

  constructor(
    readonly parent: StackNode | undefined,
    readonly name: string,
    readonly line: number | undefined,
    readonly registry: StackNode[],
  ) {
    if (parent) this.frame = line === undefined ? { name } : { name, line };
    this.id = registry.length;
    registry.push(this);
  }

  child(name: string, line: number | undefined): StackNode {
    const k = this.kid;
    if (k !== undefined && k.name === name && k.line === line) return k;
    let n = k === undefined ? undefined : this.kids ? this.kids.get(name) : k.name === name ? k : undefined;
    while (n !== undefined && n.line !== line) n = n.sibling;
    if (n !== undefined) return n;
    n = new StackNode(this, name, line, this.registry);
    if (k === undefined) {
      this.kid = n;
      return n;
    }
    if (!this.kids) {
      this.kids = new Map();
      this.kids.set(k.name, k);
    }
    n.sibling = this.kids.get(name);
    this.kids.set(name, n);
    return n;
  }

  /** Innermost first, shared and frozen (records keep it). */
  frames(): ModelFrame[] {
    if (!this.frozen) {
      const out: ModelFrame[] = [];
      for (let n: StackNode | undefined = this; n && n.frame; n = n.parent) out.push(n.frame);
      this.frozen = Object.freeze(out) as ModelFrame[];
    }
    return this.frozen;
  }
}

/** A listener and the event kinds it reads (undefined: all). */
interface Listener {
  fn: (r: HistoryRecord) => void;
  kinds: ReadonlySet<ModelEventKind> | undefined;
}

export class Machine {
  readonly journal = new Journal();
  /** Journaled engine state (virtual time, queue, sequence numbers). */
  readonly state = { time: 0, seq: 0, thread: GUEST_CPU_THREAD };
  readonly queue: QueuedAction[] = [];
  private readonly handlers = new Map<string, ActionHandler>();
  private readonly listeners: Listener[] = [];
  /** The current model call stack, as a node of the stack tree (the root: empty). */
  private readonly root = new StackNode(undefined, '', undefined, []);
  private top: StackNode = this.root;
  /**
   * Headless runs need neither time travel nor call stacks: no journal entries, no history,
   * no frames, so a long run allocates almost nothing per event (see `setLean`).
   */
  private lean = false;
  private leanSeq = 0;
  private static readonly NO_FRAMES: ModelFrame[] = [];
  /** The compact history (history.ts); a record's frames are its stack node's. */
  readonly #records = new HistoryStore((node) => this.root.registry[node].frames());
  /**
   * The history as an array of records, materialised on demand (history.ts `view`): what the
   * debugger and the views read. Walks over many records use `records` (no object per record).
   */
  readonly history: readonly HistoryRecord[] = this.#records.view;

  /** The compact history: typed accessors by index, and `cursor(i)` for walks. */
  get records(): HistoryStore {
    return this.#records;
  }

  /**
   * Estimated bytes held for time travel: history records plus journal entries. Bounded by the
   * navigator (`maxHistoryBytes`); O(1).
   */
  get historyBytes(): number {
    return this.#records.estimatedBytes + this.journal.estimatedBytes;
  }

  /**
   * Drop the oldest `count` history records and the journal entries before the first record
   * kept (bounded memory for long sessions). Returns the number of records dropped. Seqs keep
   * increasing (the views key their caches on them).
   */
  dropOldestHistory(count: number): number {
    const h = this.#records;
    const n = Math.min(count, h.length - 1);
    if (n <= 0) return 0;
    // the first kept record's state stays reachable: only entries before its position go
    const base = h.journalPos(n);
    this.journal.dropOldest(base);
    h.dropOldest(n, base);
    return n;
  }

  /**
   * How many of the oldest records to drop to free about `bytes` (records and the journal
   * entries up to the next record), at most `limit`.
   */
  recordsToFree(bytes: number, limit: number): number {
    const h = this.#records;
    const max = Math.min(limit, h.length - 1);
    let freed = 0;
    let n = 0;
    while (n < max && freed < bytes) {
      freed += h.bytesOf(n) + this.journal.bytesBetween(h.journalPos(n), h.journalPos(n + 1));
      n++;
    }
    return n;
  }

  /** Forget the records from `length` on (a timeline forked by an edit). */
  truncateHistory(length: number): void {
    this.#records.truncate(length);
  }

  /** Headless mode: stop journaling and keeping history; events still reach listeners. */
  setLean(): void {
    this.lean = true;
    this.journal.recording = false;
  }

  onAction(kind: string, handler: ActionHandler): void {
    this.handlers.set(kind, handler);
  }

  /**
   * Call `listener` with each record emitted; with `kinds`, only for those kinds, so a record
   * object is built only when some listener reads it (issue 12: lean and journaled runs build
   * no record nobody reads).
   */
  onEvent(listener: (r: HistoryRecord) => void, kinds?: readonly ModelEventKind[]): void {
    this.listeners.push({ fn: listener, kinds: kinds ? new Set(kinds) : undefined });
  }

  offEvent(listener: (r: HistoryRecord) => void): void {
    const i = this.listeners.findIndex((l) => l.fn === listener);
    if (i >= 0) this.listeners.splice(i, 1);
  }

  /** Schedule `kind(arg)` at now + delay (virtual time units). Order: time, then FIFO. */
  schedule(kind: string, arg: number, delay: number): void {
    const action: QueuedAction = { time: this.state.time + delay, seq: this.state.seq, kind, arg };
    this.journal.set(this.state, 'seq', this.state.seq + 1);
    let i = this.queue.length;
    while (i > 0 && this.queue[i - 1].time > action.time) i--;
    // the common case (nothing later queued) is an append: a smaller journal entry than a splice
    if (i === this.queue.length) this.journal.push(this.queue, action);
    else this.journal.splice(this.queue, i, 0, action);
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
    const outer = this.top;
    this.top = outer.child(name, line);
    try {
      return fn();
    } finally {
      this.top = outer;
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
   * Record an event: in the compact history (history.ts) unless lean, and as a record object
   * to the listeners that read its kind (built once, only if one does).
   */
  emit(event: ModelEvent, granularity: Granularity, extraFrame?: ModelFrame): void {
    let node: StackNode | undefined;
    let seq: number;
    if (this.lean) seq = this.leanSeq++;
    else {
      const h = this.#records;
      seq = h.firstSeq + h.length;
      node = extraFrame ? this.top.child(extraFrame.name, extraFrame.line) : this.top;
      h.push(this.journal.position, this.state.time, this.state.thread, granularity, node.id, event);
    }
    const ls = this.listeners;
    if (ls.length === 0) return;
    let r: HistoryRecord | undefined;
    for (let i = 0; i < ls.length; i++) {
      const l = ls[i];
      if (l.kinds !== undefined && !l.kinds.has(event.kind)) continue;
      r ??= {
        seq,
        journalPos: this.journal.position,
        time: this.state.time,
        thread: this.state.thread,
        granularity,
        frames: node ? node.frames() : Machine.NO_FRAMES,
        event,
      };
      l.fn(r);
    }
  }

  // ---- h5mm (issue 12): page loops (mm/gup.ts, mm/release.ts) ask once per slice whether an
  // event kind is taken at all, and hand their per-page events over as codec words.

  /** Is an event of `kind` kept (the history, unless lean) or read by a listener? */
  takes(kind: ModelEventKind): boolean {
    if (!this.lean) return true;
    for (const l of this.listeners) if (l.kinds === undefined || l.kinds.has(kind)) return true;
    return false;
  }

  /**
   * `emit` of the event of kind id `id` (eventCodec.ts) whose words are `words[0…]`: the same
   * record, with no event object unless a listener reads the kind (it gets the decoded event).
   */
  emitWords(id: number, kind: ModelEventKind, words: Int32Array, granularity: Granularity): void {
    const h = this.#records;
    let seq: number;
    let node: StackNode | undefined;
    if (this.lean) seq = this.leanSeq++;
    else {
      seq = h.firstSeq + h.length;
      node = this.top;
      h.pushWords(this.journal.position, this.state.time, this.state.thread, granularity, node.id, id, words);
    }
    const ls = this.listeners;
    let r: HistoryRecord | undefined;
    for (let i = 0; i < ls.length; i++) {
      const l = ls[i];
      if (l.kinds !== undefined && !l.kinds.has(kind)) continue;
      r ??= {
        seq,
        journalPos: this.journal.position,
        time: this.state.time,
        thread: this.state.thread,
        granularity,
        frames: node ? node.frames() : Machine.NO_FRAMES,
        event: h.decodeWords(id, words),
      };
      l.fn(r);
    }
  }
}
