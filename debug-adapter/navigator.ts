/**
 * Moves the debugger's "current stop" along the machine's history. Going forward past the end
 * runs the runner; going anywhere else replays the journal (redo / undo), so every stop —
 * including stops reached by stepping back — shows the exact machine state of that event
 * (PRODUCT §3 "Time travel").
 */
import type { HistoryRecord } from '../model/engine/events';
import type { RecordCursor } from '../model/engine/history';
import type { Runner } from '../model/scenario/runner';

export type Level = 0 | 1 | 2; // 0 statement, 1 ccw, 2 instruction

export function levelOf(r: HistoryRecord): Level {
  if (r.granularity === 'statement') return 0;
  if (r.granularity === 'ccw') return 1;
  return 2;
}

export type StopTest = (r: HistoryRecord, index: number) => boolean;

/**
 * Time-travel memory bound, in estimated bytes of history records plus journal entries
 * (Machine.historyBytes). The default suits an editor: a runaway program inside the extension
 * host stays under it (issue 13: it grew ≈125 MB/s). Raised or lowered with the launch attribute
 * `maxHistoryBytes` / the setting `vfioLab.history.maxBytes`, within MIN..MAX.
 */
export const DEFAULT_MAX_HISTORY_BYTES = 256 * 1024 * 1024;
export const MIN_HISTORY_BYTES = 1024 * 1024;
export const MAX_HISTORY_BYTES = 16 * 1024 * 1024 * 1024;
/** A trim frees down to this fraction of the bound, so it happens once per quarter, not per record. */
const TRIM_TO = 0.75;
/**
 * Actions a forward walk lets the runner run per call (Runner.steps): a `wait`'s chained CCWs
 * then run without a runner call and a queue push and shift each (issue 12). One longest chain
 * (255 CCWs, css §3.4) and its interruption; a stop inside it undoes the rest (recorded ahead).
 */
export const ACTIONS_PER_CALL = 256;

export class Navigator {
  /** Index in history of the current stop; -1 before the first event. */
  cursor = -1;
  /** Records dropped from the start of history so far (reported to the user). */
  dropped = 0;

  /**
   * The record a walk tests, read in place from the compact history (no object per record
   * walked, issue 12); the record returned at a stop is a materialised one.
   */
  private readonly probe: RecordCursor;

  constructor(readonly runner: Runner, readonly maxHistoryBytes = DEFAULT_MAX_HISTORY_BYTES) {
    this.probe = runner.m.records.newCursor();
  }

  /** history[i] for a stop test: valid until the next call (runControl.ts walks with it too). */
  probeAt(i: number): HistoryRecord {
    return this.probe.at(i);
  }

  get history(): readonly HistoryRecord[] {
    return this.runner.m.history;
  }

  get current(): HistoryRecord | undefined {
    return this.history[this.cursor];
  }

  /** True when the cursor is at the last record and the scenario has ended. */
  get atEnd(): boolean {
    return this.cursor >= this.history.length - 1 && this.runningToEnd();
  }

  private runningToEnd(): boolean {
    const j = this.runner.m.journal;
    return this.runner.done && (this.cursor < 0 || j.position === j.length || this.cursor === this.history.length - 1);
  }

  /**
   * True after a forward walk ran out of budget with `lazy` set: the journal is wherever the walk
   * left it (its end, mostly), not at the cursor's record. `settleIfLazy` brings it there before
   * anything reads the state (SessionCore: every request, every stop).
   */
  private lazy = false;

  /**
   * Advance up to `budget` records looking for one that passes `test`. Returns the record found,
   * 'end' when the scenario finished, or 'budget' when the budget ran out (the caller yields
   * to the event loop and calls again, so pause works even in a TIC loop).
   *
   * `lazy`: at 'budget' the journal is not brought to the cursor (the caller walks on; whoever
   * reads state first settles, settleIfLazy). A step over a 10^6-page pin walks 2 × 10^6 records
   * in slices: settling at each slice's end undid the statement's journal back to the slice, and
   * the next slice redid it (issue 12: 1.3 s of 3.3 s at model scale).
   */
  forward(test: StopTest, budget: number, lazy = false): HistoryRecord | 'end' | 'budget' {
    const j = this.runner.m.journal;
    for (let n = 0; n < budget; n++) {
      const next = this.cursor + 1;
      if (next >= this.history.length) {
        if (j.position !== j.length) j.redoTo(j.length);
        // the next statement's record without running it (Runner.announce): a stop there needs
        // no undo of the statement, and the step after it no redo; else the runner steps
        if (!this.runner.announce()) {
          if (this.runner.steps(Math.min(ACTIONS_PER_CALL, budget - n)) === 0 && next >= this.history.length) {
            this.settle();
            return 'end';
          }
          if (next >= this.history.length) continue;
          // Trim only here, right after the runner recorded: everything before the new records
          // may go, so one trim frees a quarter of the bound and the cost is amortised. One
          // statement can record a million records at once (a large pin); walking through them
          // allocates nothing, and a trim then (limited to the records before the cursor) freed a
          // few records per step at O(history) each: the scale scenario stalled for minutes.
          if (this.runner.m.historyBytes > this.maxHistoryBytes) this.trim(next);
        }
      }
      this.cursor++; // = next, less what a trim dropped
      if (test(this.probe.at(this.cursor), this.cursor)) {
        this.settle();
        return this.current!;
      }
    }
    if (lazy) this.lazy = true;
    else this.settle();
    return 'budget';
  }

  /** Settle, when a lazy forward walk left the journal away from the cursor's record. */
  settleIfLazy(): void {
    if (this.lazy) this.settle();
  }

  /**
   * Drop the oldest records before `keep` (the record about to become the stop) until the
   * estimate is back to TRIM_TO of the bound. Seqs stay as they were (Machine.historyBase).
   * Called right after a runner step, when the journal is at its end: every entry to drop is
   * applied.
   */
  private trim(keep: number): void {
    const m = this.runner.m;
    const n = m.recordsToFree(m.historyBytes - this.maxHistoryBytes * TRIM_TO, keep);
    if (n === 0) return;
    const dropped = m.dropOldestHistory(n);
    this.dropped += dropped;
    this.cursor -= dropped;
  }

  /** Go back until `test` passes or the first record; returns the record or 'start'. */
  backward(test: StopTest): HistoryRecord | 'start' {
    while (this.cursor > 0) {
      this.cursor--;
      if (test(this.probe.at(this.cursor), this.cursor)) {
        this.settle();
        return this.current!;
      }
    }
    this.settle();
    return 'start';
  }

  /** Jump to a history index directly (the event log's "travel to this point"). */
  goto(index: number): HistoryRecord | undefined {
    if (index < 0 || index >= this.history.length) return undefined;
    this.cursor = index;
    this.settle();
    return this.current;
  }

  /** Bring the journal to the state of the current record. */
  settle(): void {
    this.lazy = false;
    const m = this.runner.m;
    const j = m.journal;
    const target = this.cursor >= 0 && this.cursor < m.records.length ? m.records.journalPos(this.cursor) : 0;
    if (target < j.position) j.undoTo(target);
    else if (target > j.position) j.redoTo(target);
  }

  /**
   * Change state at the current stop (an edit in a view, writeMemory) and fork the timeline:
   * the future is forgotten and re-run from here. Only at statement stops, which are action
   * boundaries: in the middle of an action the runner could not resume consistently.
   */
  editHere(apply: () => void): void {
    const r = this.beginEdit();
    let applied = false;
    try {
      apply();
      applied = true;
    } finally {
      this.endEdit(r, applied);
    }
  }

  /**
   * Record history ahead of the stop, without moving it, until it holds `length` records again
   * (a cancelled console job re-records the future its edit dropped, consoleJob.ts): the model
   * is deterministic, so the records are those of before. At most `budget` runner steps; true
   * when done.
   */
  recordAhead(length: number, budget: number): boolean {
    const j = this.runner.m.journal;
    let more = true;
    for (let n = 0; n < budget && this.history.length < length && more; n++) {
      if (j.position !== j.length) j.redoTo(j.length);
      more = this.runner.step();
    }
    this.settle();
    return !more || this.history.length >= length;
  }

  /**
   * The first half of editHere, for an edit that runs in slices (a console job, consoleJob.ts):
   * check that the stop is a statement and fork the timeline here. Returns the record edited.
   */
  beginEdit(): HistoryRecord {
    const r = this.current;
    if (!r || r.event.kind !== 'stmt') {
      throw new Error('state can be edited only when stopped at a statement (step to the next statement first)');
    }
    const m = this.runner.m;
    this.settle();
    this.runner.forgetAnnounced(); // endEdit has the statement recorded again
    m.journal.truncateFuture();
    m.truncateHistory(this.cursor + 1);
    return r;
  }

  /**
   * The second half of editHere: keep the edit (`applied`), or roll back whatever it journaled
   * (a refused or cancelled edit: the state and history are those of the stop again).
   */
  endEdit(r: HistoryRecord, applied: boolean): void {
    const m = this.runner.m;
    const j = m.journal;
    if (!applied) {
      j.undoTo(r.journalPos);
      j.truncateFuture();
    }
    // Events the edit emitted (an MSCH's `instr`) are not stops. The runner re-emits this
    // statement's record with the edited state, and the future is re-run from there. After
    // an edit the record from before it is kept, so one Step Back undoes the edit, also at
    // the entry stop where no earlier record exists (issue 13 undo hole); after a refused
    // edit it is replaced (the state is the same).
    m.truncateHistory(this.cursor + 1);
    if (!applied) {
      m.truncateHistory(this.cursor);
      this.cursor--;
    }
    this.forward(() => true, 1);
  }
}
