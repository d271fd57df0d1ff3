/**
 * Long Debug Console work as a job (issue 13 "long REPL work"): a statement that is resumable
 * model work (gup_test, gup_test_ioctl, a large GUP call, release or vfio map:
 * model/scenario/exec/resumable.ts isConsoleJob) runs one slice per
 * turn of the event loop, so the session answers other requests meanwhile, reports progress
 * (DAP progressStart / progressUpdate / progressEnd through progress.ts) and honours `cancel`.
 *
 * The job is an edit at the current stop (navigator.ts beginEdit / endEdit, like every console
 * statement): completed, it is kept and Step Back undoes it; failed or cancelled, the journal is
 * undone to the start of the job, so the machine, the stop and the history are those of before.
 *
 * While a job runs the machine is half-way through a statement, so requests that read or change
 * model values answer "busy: …" (one line) instead of showing a state that never existed at a
 * stop; the requests in ANSWERED_DURING_JOB are answered normally: they show the stop record and
 * the channel side, which these memory-management statements do not touch, or they control the
 * job. One job at a time: a second long statement is busy too.
 */
import type { HistoryRecord } from '../model/engine/events';
import { describeEvent } from '../model/engine/events';
import type { StepProgress, Steps } from '../model/engine/steps';
import type { Stmt } from '../model/scenario/ast';
import type { Runner } from '../model/scenario/runner';
import { execNowSteps } from '../model/scenario/exec/resumable';
import type { Navigator } from './navigator';
import type { LongRun } from './progress';
import type { ReplResult } from './repl';

/** Runner steps per slice while a rolled-back job records the dropped history again. */
const RESTORE_STEPS = 200;

/** Requests answered normally while a console job runs; every other request answers "busy: …". */
export const ANSWERED_DURING_JOB: ReadonlySet<string> = new Set([
  // the stop record and the channel side (unchanged by the job)
  'threads', 'stackTrace', 'source',
  // statement and expression names only (the scenario's tables and bound names)
  'completions',
  // control: cancel ends the job; pause is answered (the session is stopped already, the job goes on)
  'cancel', 'pause', 'terminate', 'disconnect',
]);

/** The error text a request gets while a job runs. */
export function busyText(command: string, job: ConsoleJob): string {
  const pct = job.progress.total > 0 ? Math.min(100, Math.floor((job.progress.done / job.progress.total) * 100)) : 0;
  const what = job.text.length > 60 ? `${job.text.slice(0, 57)}...` : job.text;
  return `${command}: busy: the Debug Console is running '${what}' (${pct}%); wait for it or cancel it`;
}

export class ConsoleJob {
  /** How far the work got (for progress and the busy text). */
  progress: StepProgress = { done: 0, total: 1 };
  /** Its progress notification (the session's; `cancel` names it by progressId or request seq). */
  tracker: LongRun | undefined;
  private cancelRequested = false;
  private readonly lines: string[] = [];
  private readonly listen = (r: HistoryRecord) => this.lines.push(describeEvent(r.event));
  private readonly at: HistoryRecord;
  private readonly steps: Steps<string | undefined>;
  private finished = false;
  /** History length at the start: a rolled-back job records the dropped future again. */
  private readonly historyLength: number;
  /** Set once rolled back: the error reported when the history is whole again. */
  private restoring: string | undefined;

  constructor(readonly text: string, private readonly runner: Runner, private readonly nav: Navigator, st: Stmt, private readonly summary: () => string) {
    this.historyLength = runner.m.history.length;
    // fork the timeline at this stop, as every console statement does (throws when not at a statement)
    this.at = nav.beginEdit();
    this.steps = execNowSteps(runner, st);
  }

  /** Ask the job to stop at the end of the current slice (DAP cancel, terminate, disconnect). */
  requestCancel(): void {
    this.cancelRequested = true;
  }

  /** The session ended (disconnect): the model is dropped, so stop without undoing anything. */
  abandon(): void {
    this.finished = true;
    this.steps.return(undefined);
  }

  /**
   * Run one slice. Returns undefined while work remains; else the result, or throws an Error
   * with the statement's error (or "cancelled"): the edit is then rolled back to the stop.
   */
  slice(): ReplResult | undefined {
    if (this.finished) throw new Error('console job: already finished');
    if (this.restoring !== undefined) {
      if (!this.nav.recordAhead(this.historyLength, RESTORE_STEPS)) return undefined;
      this.finished = true;
      throw new Error(this.restoring);
    }
    if (this.cancelRequested) return this.rollBack('cancelled');
    const m = this.runner.m;
    m.onEvent(this.listen);
    let r: IteratorResult<StepProgress, string | undefined>;
    try {
      r = this.steps.next();
    } catch (e) {
      m.offEvent(this.listen);
      return this.rollBack(e instanceof Error ? e.message : String(e));
    }
    m.offEvent(this.listen);
    if (!r.done) {
      this.progress = { done: r.value.done, total: r.value.total };
      return undefined;
    }
    if (r.value !== undefined) return this.rollBack(r.value);
    const summary = this.summary();
    this.finished = true;
    this.nav.endEdit(this.at, true);
    return { text: [...this.lines, summary].join('\n'), changed: true };
  }

  /**
   * Undo everything the job did (journal back to the stop); the next slices record again the
   * history the edit dropped ahead of the stop, then the job fails with `reason`.
   */
  private rollBack(reason: string): undefined {
    this.steps.return(undefined);
    this.nav.endEdit(this.at, false);
    this.restoring = reason;
    return undefined;
  }
}

/** Yield to the event loop and run `f` (setImmediate in Node, else a timer). */
export type Later = (f: () => void) => void;

/**
 * Run `job` one slice per turn of the event loop, with progress through `progress` (shown at
 * once: console jobs are known to be long) until it ends; `done` gets the result or the error.
 */
export function driveConsoleJob(job: ConsoleJob, progress: LongRun, later: Later, done: (out: { result: ReplResult } | { error: string }) => void): void {
  progress.tick(0, 0, 'starting');
  const turn = () => {
    let result: ReplResult | undefined;
    try {
      result = job.slice();
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      progress.end(error === 'cancelled' ? 'cancelled' : 'failed');
      done({ error });
      return;
    }
    if (result) {
      progress.end();
      done({ result });
      return;
    }
    const p = job.progress;
    progress.tick(p.done, p.total > 0 ? p.done / p.total : undefined, `${p.done.toLocaleString('en-US')} of ${p.total.toLocaleString('en-US')} page steps`);
    later(turn);
  };
  later(turn);
}
