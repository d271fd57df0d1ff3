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
import { KIND_NAMES } from './eventCodec';
import { GUEST_CPU_THREAD } from './ids';
import { ActionQueue } from './actionQueue';
import { StackNode } from './stackTree';

/** A timed action: which layer handles it (`kind`) and a small integer argument. */
export interface QueuedAction {
  time: number;
  kind: string;
  arg: number;
}

/** Opaque mark of the model call stack, from `enter` for `leave`. */
export type StackMark = number;

export type ActionHandler = (arg: number) => void;

/**
 * An action that goes on in steps (a channel program, one CCW per step): it returns the delay
 * after which its next step is due, as if it had scheduled itself with the same argument, or 0
 * when it is done.
 */
export type ChainedActionHandler = (arg: number) => number;

/**
 * Event kinds by slot, for `Machine.hears` (module-wide, a slot assigned at a kind's first use):
 * a hot path asks with a slot it resolved once, a typed-array load where `listens` looks the
 * kind up in a Set (issue 12: a lean CCW asked twice).
 */
const HEAR_SLOTS = new Map<string, number>();
const MAX_HEAR_SLOTS = 256;

/** The slot of `kind` for `Machine.hears`. */
export function hearSlot(kind: ModelEventKind): number {
  let slot = HEAR_SLOTS.get(kind);
  if (slot === undefined) {
    slot = HEAR_SLOTS.size;
    if (slot >= MAX_HEAR_SLOTS) throw new Error(`engine: more than ${MAX_HEAR_SLOTS} event kinds`);
    HEAR_SLOTS.set(kind, slot);
  }
  return slot;
}

/**
 * The hear slot of each codec kind id (eventCodec.ts KIND_NAMES): `emitWords` asks its listeners
 * by slot, not by a Set lookup of the kind's name (issue 12: a runner always has its `warn`
 * listener, so every journaled record asked the Set — two per CCW). Id 0 (an event kept as its
 * object, never given as words) has no slot.
 */
const ID_HEAR_SLOTS: Int32Array = Int32Array.from(KIND_NAMES, (k) => (k === undefined ? -1 : hearSlot(k)));

/** A listener and the event kinds it reads (undefined: all). */
interface Listener {
  fn: (r: HistoryRecord) => void;
  kinds: ReadonlySet<ModelEventKind> | undefined;
}

export class Machine {
  readonly journal = new Journal();
  /** Journaled engine state (virtual time; the thread is set only during an action). */
  readonly state = { time: 0, thread: GUEST_CPU_THREAD };
  /** Queued actions (actionQueue.ts; journaled). */
  private readonly q = new ActionQueue(this.journal);
  /** Action kinds by index (the queue stores the index), their handlers, and index by name. */
  private readonly kindNames: string[] = [];
  private readonly handlers: Array<ActionHandler | undefined> = [];
  private readonly chained: Array<ChainedActionHandler | undefined> = [];
  /**
   * During `runActions`: how many more steps a chained action may run in the same
   * call, and the caller's condition that ends the run (checked before each, as before an action).
   */
  private inlineLeft = 0;
  private inlineRan = 0;
  private inlineStop: (() => boolean) | undefined;
  /** stir() count, and its value when the running `runActions` last asked its `stop`. */
  private stirs = 0;
  private inlineStirs = 0;
  private readonly kindIds = new Map<string, number>();
  private lastKind = '';
  private lastKindId = -1;
  private readonly listeners: Listener[] = [];
  /** For `listens`: a listener reads every kind, or the kinds listeners read (fields of one shape each). */
  private hearsAll = false;
  private readonly heard = new Set<ModelEventKind>();
  /** `heard` by slot (hearSlot): 1 where a listener reads the kind. */
  private readonly heardSlots = new Uint8Array(MAX_HEAR_SLOTS);
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

  /** Headless (setLean): no journal, no history, no model call stack; never switched back. */
  get isLean(): boolean {
    return this.lean;
  }

  /** Headless mode: stop journaling and keeping history; events still reach listeners. */
  setLean(): void {
    this.lean = true;
    this.journal.recording = false;
  }

  onAction(kind: string, handler: ActionHandler): void {
    this.handlers[this.actionKind(kind)] = handler;
  }

  /**
   * Handle `kind` with an action that goes on in steps: a positive return value `d` is the same
   * as the handler's last act being `schedule(kind, arg, d)` (see `runActions` for when its next
   * step runs at once instead).
   */
  onChainedAction(kind: string, handler: ChainedActionHandler): void {
    this.chained[this.actionKind(kind)] = handler;
  }

  /** The index of an action kind (assigned at its first use). */
  private actionKind(kind: string): number {
    // the same kind as the last call (a channel program schedules one kind per CCW): no lookup
    if (kind === this.lastKind) return this.lastKindId;
    let id = this.kindIds.get(kind);
    if (id === undefined) {
      id = this.kindNames.length;
      this.kindNames.push(kind);
      this.kindIds.set(kind, id);
    }
    this.lastKind = kind;
    this.lastKindId = id;
    return id;
  }

  /**
   * Call `listener` with each record emitted; with `kinds`, only for those kinds, so a record
   * object is built only when some listener reads it (issue 12: lean and journaled runs build
   * no record nobody reads).
   */
  onEvent(listener: (r: HistoryRecord) => void, kinds?: readonly ModelEventKind[]): void {
    this.listeners.push({ fn: listener, kinds: kinds ? new Set(kinds) : undefined });
    this.hearing();
  }

  offEvent(listener: (r: HistoryRecord) => void): void {
    const i = this.listeners.findIndex((l) => l.fn === listener);
    if (i >= 0) this.listeners.splice(i, 1);
    this.hearing();
  }

  private hearing(): void {
    this.heard.clear();
    this.heardSlots.fill(0);
    this.hearsAll = false;
    for (const l of this.listeners) {
      if (l.kinds === undefined) this.hearsAll = true;
      else for (const k of l.kinds) {
        this.heard.add(k);
        this.heardSlots[hearSlot(k)] = 1;
      }
    }
  }

  /**
   * Does an event of `kind` go anywhere (the history, when not lean, or a listener)? When it
   * does not, a hot path may skip building it and call `unheard()` instead of `emit`, so the
   * event's sequence number is still used (lean and journaled runs number events alike).
   */
  listens(kind: ModelEventKind): boolean {
    return !this.lean || this.hearsAll || (this.heard.size !== 0 && this.heard.has(kind));
  }

  /** `listens` of the kind whose slot is `slot` (hearSlot), for hot paths. */
  hears(slot: number): boolean {
    return !this.lean || this.hearsAll || this.heardSlots[slot] === 1;
  }

  /** An event nobody hears (see `listens`): counted, not built. */
  unheard(): void {
    this.leanSeq++;
  }

  /** Schedule `kind(arg)` at now + delay (virtual time units). Order: time, then FIFO. */
  schedule(kind: string, arg: number, delay: number): void {
    this.q.push(this.actionKind(kind), arg, this.state.time + delay);
  }

  /** Remove the queued actions `kind(arg)` (e.g. a cleared subchannel's pending work). */
  cancel(kind: string, arg: number): void {
    const id = this.kindIds.get(kind);
    if (id !== undefined) this.q.cancel(id, arg);
  }

  hasPendingActions(): boolean {
    return this.q.len > 0;
  }

  /** The queued actions in order (a copy, for tests and views). */
  get queue(): readonly QueuedAction[] {
    const q = this.q;
    const out: QueuedAction[] = [];
    for (let i = q.head; i < q.head + q.len; i++) out.push({ time: q.time[i], kind: this.kindNames[q.kind[i]], arg: q.arg[i] });
    return out;
  }

  /** Run the earliest queued action; returns false when the queue is empty. */
  runNextAction(): boolean {
    const q = this.q;
    if (q.len === 0) return false;
    const i = q.head;
    const time = q.time[i];
    const kind = q.kind[i];
    const arg = q.arg[i];
    q.shift();
    const state = this.state;
    if (time > state.time) this.moveTime(time);
    const c = this.chained[kind];
    if (c !== undefined) {
      let d = c(arg);
      while (d > 0 && this.goesOn(d)) d = c(arg);
      if (d > 0) q.push(kind, arg, state.time + d);
      return true;
    }
    const h = this.handlers[kind];
    if (!h) throw new Error(`engine: no handler for queued action '${this.kindNames[kind]}'`);
    h(arg);
    return true;
  }

  /**
   * Run up to `max` actions (at least one) in this call, as many `runNextAction` calls would, and
   * return how many ran (0: the queue was empty). A chained action whose next step would be the
   * very next action run (nothing else queued at or before its time) and which `stop` does not end
   * runs that step at once instead of queueing it: the same handler, argument, thread and virtual
   * time, in the same order, counted as one action each (issue 12: a NOP chain ran a queue push, a
   * shift and the runner's wait check per CCW). Journaled runs record the same history records and
   * states at them; only the queue's own push and shift of those steps are not journaled (the
   * queue holds the same actions at every record).
   */
  runActions(max: number, stop: () => boolean): number {
    if (max <= 1) return this.runNextAction() ? 1 : 0;
    this.inlineLeft = max - 1;
    this.inlineRan = 0;
    this.inlineStop = stop;
    this.inlineStirs = this.stirs;
    try {
      return this.runNextAction() ? 1 + this.inlineRan : 0;
    } finally {
      this.inlineLeft = 0;
      this.inlineStop = undefined;
    }
  }

  /**
   * Something that a `runActions` caller's `stop` condition reads has changed (an I/O-interruption
   * request queued, CR6 written: IoInterruptions). `stop` was false when the call began (the
   * caller asked it), so it is asked again only after a stir: a NOP chain asked a `wait
   * interrupt`'s condition, a walk over the eight ISC queues, per CCW (issue 12). A `stop` that
   * reads anything else must have it stir.
   */
  stir(): void {
    this.stirs++;
  }

  /**
   * May the running chained action's next step, `delay` from now, run at once (runActions)? Only
   * in a `runActions` call with budget left, and only when that step would be the next action
   * anyway: the queue holds nothing due at or before its time (a push goes after those, FIFO), and
   * the caller's condition, asked again after every stir(), is still false. When it may, the step is counted
   * and the virtual time moves to it. A handler may ask this itself to go on with its next step in
   * the same call (the channel's CCW loop: its ChanState and device looked up once per call); it
   * is the same decision the engine makes with the returned delay.
   */
  goesOn(delay: number): boolean {
    if (this.inlineLeft === 0) return false;
    const q = this.q;
    const state = this.state;
    const time = state.time + delay;
    if (q.len !== 0 && q.time[q.head] <= time) return false;
    if (this.stirs !== this.inlineStirs && this.stopAsked()) return false;
    this.inlineLeft--;
    this.inlineRan++;
    this.moveTime(time);
    return true;
  }

  /**
   * goesOn after a stir(): does the running `runActions` caller's condition now end the run?
   * Apart from goesOn, which every chained CCW inlines (issue 12: V8's inlining budget).
   */
  private stopAsked(): boolean {
    this.inlineStirs = this.stirs;
    if (this.inlineStop === undefined || !this.inlineStop()) return false;
    this.inlineLeft = 0; // the condition holds from now on in this call: no step is asked again
    return true;
  }

  /** The virtual time moves on to `time`: journaled, except in lean runs (the journal would only return). */
  private moveTime(time: number): void {
    const state = this.state;
    if (this.journal.recording) this.journal.noteNum(state, 'time', state.time, time);
    state.time = time;
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

  /**
   * `within` without a closure, for hot paths: push `name` on the model call stack and return a
   * mark; the caller gives it back to `leave` (in a `finally`) when its frame ends.
   */
  enter(name: string, line?: number): StackMark {
    const outer = this.top;
    if (!this.lean) this.top = outer.child(name, line);
    return outer.id;
  }

  leave(mark: StackMark): void {
    if (this.lean) return; // enter did not move the stack
    this.top = this.root.registry[mark];
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

  /** Run `fn` as thread `thread` inside the frame `name`, in one call (host kernel work, QEMU's thread). */
  onThreadWithin<T>(thread: number, name: string, fn: () => T): T {
    const prev = this.enterThread(thread);
    const frame = this.enter(name);
    try {
      return fn();
    } finally {
      this.leave(frame);
      this.leaveThread(prev);
    }
  }

  /** `onThread` without a closure: run as `thread` until `leaveThread` gets the returned previous one. */
  enterThread(thread: number): number {
    const prev = this.state.thread;
    this.state.thread = thread; // not journaled, as in onThread
    return prev;
  }

  leaveThread(prev: number): void {
    this.state.thread = prev;
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
    // only when a listener reads the kind (a runner always has its `warn` listener)
    if (this.listeners.length !== 0 && (this.hearsAll || this.heard.has(event.kind))) this.tell(seq, granularity, node, event.kind, event, 0, undefined);
  }

  /**
   * The record of an event to the listeners that read `kind`, built once, only if one does; the
   * event is `event`, or decoded from its codec words (`emitWords`).
   */
  private tell(seq: number, granularity: Granularity, node: StackNode | undefined, kind: ModelEventKind, event: ModelEvent | undefined, id: number, words: Int32Array | undefined): void {
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
        event: event ?? this.#records.decodeWords(id, words!),
      };
      l.fn(r);
    }
  }

  // Page loops (mm/gup.ts, mm/release.ts) ask `listens` once per slice and hand their per-page
  // events over as codec words (issue 12).

  /**
   * `emit` of the event of kind id `id` (eventCodec.ts) whose words are `words[0…]`: the same
   * record, with no event object unless a listener reads the kind (it gets `event` when the
   * caller has it — a statement's frozen one — else the decoded words).
   */
  emitWords(id: number, kind: ModelEventKind, words: Int32Array, granularity: Granularity, event?: ModelEvent): void {
    const h = this.#records;
    let seq: number;
    let node: StackNode | undefined;
    if (this.lean) seq = this.leanSeq++;
    else {
      seq = h.firstSeq + h.length;
      node = this.top;
      h.pushWords(this.journal.position, this.state.time, this.state.thread, granularity, node.id, id, words);
    }
    if (this.listeners.length !== 0 && (this.hearsAll || this.heardSlots[ID_HEAR_SLOTS[id]] === 1)) this.tell(seq, granularity, node, kind, event, id, words);
  }
}
