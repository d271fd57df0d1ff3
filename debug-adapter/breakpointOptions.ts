/**
 * What every breakpoint kind shares: an optional condition, hit condition and log message, and
 * the count of hits that a hit condition tests.
 *
 * The hit count is a property of a point in history, not of the direction of travel: at record
 * i it is the number of records from the start of history up to and including i where the
 * breakpoint's location was reached with its condition true. So "stop on the 3rd ssch" stops at
 * the same record running forwards and by reverseContinue, and a logpoint prints the same count.
 * Counts are kept as the sorted list of hit indices, scanned lazily up to the record asked about.
 */
import type { HistoryRecord } from '../model/engine/events';
import type { Runner } from '../model/scenario/runner';
import { compileExpression, compileHitCondition, compileLogMessage, truthy, type CompiledExpr, type HitTest, type LogMessage } from './conditions';

export interface BreakpointOptionArgs {
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
}

/** The state at a record: the stop policy brings the journal there before a condition is read. */
export interface StopContext {
  history: readonly HistoryRecord[];
  /** Bring the machine to the state of history[index]. */
  settleAt(index: number): void;
  /** Evaluate against the machine as it is now. */
  runner: Runner;
  /** Journal epoch: positions name other states once it changes (a dropped or forgotten history). */
  epoch(): number;
}

export type Verdict = 'stop' | 'log' | 'no';

export class BreakpointOptions {
  readonly condition: CompiledExpr | undefined;
  readonly hit: HitTest | undefined;
  readonly log: LogMessage | undefined;
  private hits: number[] = [];
  private upTo = -1;
  private epoch = -1;
  /** A condition error at run time: reported once per record, then the breakpoint stops. */
  lastError: string | undefined;

  /** Throws a one-line Error for a bad condition, hit condition or log message. */
  constructor(a: BreakpointOptionArgs, known: ReadonlySet<string>) {
    this.condition = a.condition !== undefined && a.condition.trim() !== '' ? compileExpression(a.condition, known, 'condition') : undefined;
    this.hit = a.hitCondition !== undefined && a.hitCondition.trim() !== '' ? compileHitCondition(a.hitCondition) : undefined;
    this.log = a.logMessage !== undefined && a.logMessage !== '' ? compileLogMessage(a.logMessage, known) : undefined;
  }

  /** The condition at history[i] (the machine settled there); errors count as true and are kept in lastError. */
  private conditionAt(ctx: StopContext, i: number): boolean {
    if (!this.condition) return true;
    ctx.settleAt(i);
    try {
      return truthy(this.condition.value(ctx.runner));
    } catch (e) {
      this.lastError = `condition '${this.condition.text}' failed: ${e instanceof Error ? e.message : String(e)}`;
      return true;
    }
  }

  /**
   * Decide at history[i], whose location matched: 'stop', 'log' (a logpoint: print, go on) or
   * 'no'. `matches(k)` says whether record k is at this breakpoint's location (cheap, no state).
   */
  verdict(ctx: StopContext, i: number, matches: (r: HistoryRecord, k: number) => boolean): Verdict {
    this.lastError = undefined;
    if (!this.conditionAt(ctx, i)) return 'no';
    if (this.hit) {
      const err = this.lastError;
      const n = this.countAt(ctx, i, matches);
      this.lastError = err;
      if (!this.hit(n)) return 'no';
    }
    return this.log ? 'log' : 'stop';
  }

  /** The log message rendered at history[i]. */
  message(ctx: StopContext, i: number): string {
    ctx.settleAt(i);
    return this.log ? this.log.render(ctx.runner) : '';
  }

  private countAt(ctx: StopContext, i: number, matches: (r: HistoryRecord, k: number) => boolean): number {
    if (ctx.epoch() !== this.epoch) {
      this.epoch = ctx.epoch();
      this.hits = [];
      this.upTo = -1;
    }
    if (this.upTo >= i) {
      // hits ≤ i: binary search in the sorted list
      let lo = 0;
      let hi = this.hits.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.hits[mid] <= i) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    }
    const h = ctx.history;
    for (let k = this.upTo + 1; k < i; k++) {
      if (matches(h[k], k) && this.conditionAt(ctx, k)) this.hits.push(k);
    }
    // i itself matched with its condition true (the caller checked both)
    this.hits.push(i);
    this.upTo = i;
    ctx.settleAt(i);
    return this.hits.length;
  }
}
