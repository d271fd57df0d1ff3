/**
 * Progress reporting and cancellation for long work (PRODUCT §3; DAP `progressStart` /
 * `progressUpdate` / `progressEnd`, `cancel`): a continue or reverse-continue that runs for a
 * while shows a cancellable notification in the client, with how far it got. Nothing is shown
 * for work that ends quickly (below SHOW_AFTER_MS), and nothing at all when the client did not
 * say `supportsProgressReporting`; cancelling is then still possible with `cancel` by request id.
 * Long Debug Console statements (consoleJob.ts) use the same tracker, shown at once.
 *
 * Updates are throttled by time, except that work with a known total also reports each tenth
 * it reaches: however fast the machine, a notification that shows moves through the tenths (so
 * the client sees the work advance, and a client test can wait for "mid-way" without racing a
 * clock). That is at most 10 extra updates per run.
 */
import { Event } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';

/** Work shorter than this shows no progress. */
export const SHOW_AFTER_MS = 500;
/** At most one update per this interval, besides the tenths (PERCENT_STEP) reached. */
export const UPDATE_EVERY_MS = 250;
/** A percentage that reaches a new multiple of this is reported at once. */
export const PERCENT_STEP = 10;

export type Clock = () => number;

export class LongRun {
  private started = false;
  private lastUpdate = 0;
  /** The percentage last sent (-1: none yet). */
  private lastPercentage = -1;
  private readonly t0: number;
  cancelled = false;

  constructor(
    readonly progressId: string,
    /** The request that started the work (`cancel` may name it). */
    readonly requestSeq: number,
    private readonly title: string,
    private readonly send: (e: DebugProtocol.Event) => void,
    private readonly enabled: boolean,
    private readonly clock: Clock = Date.now,
    /** A console job is known to be long work: its notification shows at once (0). */
    private readonly showAfterMs = SHOW_AFTER_MS,
  ) {
    this.t0 = clock();
  }

  /** Called between slices: `done` records processed so far, `fraction` when the total is known. */
  tick(done: number, fraction?: number, text?: string): void {
    if (!this.enabled || this.cancelled) return;
    const now = this.clock();
    const message = text ?? `${done.toLocaleString('en-US')} records`;
    const percentage = fraction === undefined ? undefined : Math.max(0, Math.min(100, Math.round(fraction * 100)));
    if (!this.started) {
      if (now - this.t0 < this.showAfterMs) return;
      this.started = true;
      this.lastUpdate = now;
      if (percentage !== undefined) this.lastPercentage = percentage;
      const body: DebugProtocol.ProgressStartEvent['body'] = { progressId: this.progressId, title: this.title, cancellable: true, message, requestId: this.requestSeq };
      if (percentage !== undefined) body.percentage = percentage;
      this.send(event('progressStart', body));
      return;
    }
    if (percentage !== undefined && percentage <= this.lastPercentage) return;
    const newTenth = percentage !== undefined && Math.floor(percentage / PERCENT_STEP) > Math.floor(this.lastPercentage / PERCENT_STEP);
    if (!newTenth && now - this.lastUpdate < UPDATE_EVERY_MS) return;
    this.lastUpdate = now;
    if (percentage !== undefined) this.lastPercentage = percentage;
    const body: DebugProtocol.ProgressUpdateEvent['body'] = { progressId: this.progressId, message };
    if (percentage !== undefined) body.percentage = percentage;
    this.send(event('progressUpdate', body));
  }

  /** The work ended (stopped, finished, cancelled): close the notification if one was shown. */
  end(message?: string): void {
    if (!this.started) return;
    this.started = false;
    const body: DebugProtocol.ProgressEndEvent['body'] = { progressId: this.progressId };
    if (message) body.message = message;
    this.send(event('progressEnd', body));
  }

  /** Whether a `cancel` request is about this work. */
  matches(args: DebugProtocol.CancelArguments | undefined): boolean {
    if (!args) return false;
    return args.progressId === this.progressId || (args.requestId !== undefined && args.requestId === this.requestSeq);
  }
}

function event(name: string, body: unknown): DebugProtocol.Event {
  const e = new Event(name) as DebugProtocol.Event;
  e.body = body;
  return e;
}
