/**
 * What every part of the debug session shares: the model objects of the loaded scenario, the
 * run state, and the events that announce a stop, an edit, the end. VlabSession (session.ts)
 * owns one; the request files (launchRequests.ts, stepping.ts, stateRequests.ts,
 * memoryRequests.ts, breakpointRequests.ts, customRequests.ts) read and change it.
 */
import { InvalidatedEvent, OutputEvent, StoppedEvent, TerminatedEvent, Event } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Navigator } from './navigator';
import type { SourceMap } from './breakpoints';
import type { StopPolicy, StopHit } from './stopPolicy';
import { BreakpointStore } from './breakpointStore';
import type { ExceptionStop } from './exceptionFilters';
import type { LongRun } from './progress';
import type { ConsoleJob } from './consoleJob';
import { GotoTargets } from './runControl';
import type { Variables } from './variables';
import type { ViewData } from './viewData';
import type { Repl } from './repl';
import type { Frames } from './frames';
import type { Disassembler } from './disassembly';
import type { TimelineData } from './timelineData';
import type { PageMapData } from './pageMapData';
import type { Answering } from './answer';
import * as P from './protocol';
import { errorText } from './answer';
import type { Runner } from '../model/scenario/runner';
import type { HistoryRecord } from '../model/engine/events';

export interface LaunchArgs extends DebugProtocol.LaunchRequestArguments {
  program: string;
  stopOnEntry?: boolean;
  /** Print every model event to the debug console. */
  trace?: boolean;
  /** "Run Without Debugging": no stops at all, only the summary. */
  noDebug?: boolean;
  /** Time-travel memory bound in bytes (navigator.ts; setting vfioLab.history.maxBytes). */
  maxHistoryBytes?: number;
  /** Raised resource limits, NAME: number (model/limits.ts; setting vfioLab.limits). */
  limits?: Record<string, number>;
}

export type StopReason = 'step' | 'breakpoint' | 'entry' | 'pause' | 'exception' | 'goto' | 'function breakpoint' | 'data breakpoint' | 'instruction breakpoint';

/** Records processed per slice while running, before yielding to the event loop (pause works). */
export const SLICE = 20_000;

/** How the session reaches its client (VlabSession implements it). */
export interface SessionPort extends Answering {
  sendEvent(event: DebugProtocol.Event): void;
}

export class SessionCore {
  runner: Runner | undefined;
  nav: Navigator | undefined;
  bps: StopPolicy | undefined;
  /** Every breakpoint as the client set it: applied at launch and again at restart. */
  readonly breakpoints = new BreakpointStore();
  /** The breakpoint or exception of the last stop (exceptionInfo, stop reason). */
  lastHit: { index: number; hit: StopHit } | undefined;
  lastException: ExceptionStop | undefined;
  progressReporting = false;
  longRun: LongRun | undefined;
  /** The long Debug Console statement running in slices, if any (consoleJob.ts). */
  consoleJob: ConsoleJob | undefined;
  runSeq = 0;
  gotoTargets = new GotoTargets();
  sources: SourceMap | undefined;
  launchArgs: LaunchArgs | undefined;
  started = false;
  programPath = '';
  trace = false;
  pauseRequested = false;
  running = false;
  noDebug = false;
  variables: Variables | undefined;
  viewData: ViewData | undefined;
  repl: Repl | undefined;
  /** After `disconnect`: the state is dropped, nothing more is sent for it. */
  disposed = false;
  frames: Frames | undefined;
  disassembler: Disassembler | undefined;
  /** The pictures' data (timeline, page map), made on first use. */
  timelineData: TimelineData | undefined;
  pageMapData: PageMapData | undefined;

  constructor(readonly port: SessionPort) {}

  output(text: string, category: 'console' | 'stderr' | 'stdout'): void {
    this.port.sendEvent(new OutputEvent(text, category));
  }

  /** The machine stopped: `stopped`, then `vlab/state` for the views. */
  stopAt(reason: StopReason, thread: number, text?: string, hit?: StopHit): void {
    if (this.disposed) return;
    try {
      this.nav?.settleIfLazy(); // a paused run's walk may have left the journal ahead
    } catch (e) {
      this.output(`internal error: ${errorText(e)}\n`, 'stderr');
    }
    const cur = this.nav?.current;
    if (this.nav && this.nav.cursor === 0 && this.nav.dropped > 0) {
      const mib = Math.round(this.nav.maxHistoryBytes / 1048576);
      this.output(`history was trimmed: this is the oldest kept stop (${this.nav.dropped} earlier events dropped to stay under ${mib} MiB; raise the launch attribute 'maxHistoryBytes' or the setting vfioLab.history.maxBytes)\n`, 'console');
    }
    if (cur) this.viewData?.setStop(cur.journalPos);
    this.lastException = hit?.exception;
    const ev = new StoppedEvent(reason, thread, text) as DebugProtocol.StoppedEvent;
    ev.body.allThreadsStopped = true;
    if (text) ev.body.description = text;
    if (hit && hit.ids.length) ev.body.hitBreakpointIds = hit.ids;
    this.port.sendEvent(ev);
    this.port.sendEvent(new Event(P.STATE_EVENT, this.stateBody(true)));
  }

  /** The scenario ran to its end: the expects' summary, then `terminated`. */
  finish(): void {
    if (this.disposed) return;
    const r = this.runner;
    if (r) {
      // counted as they run (a loop's expects run once per iteration, some beyond maxExpectResults)
      const { expectsRun, failures } = r.state;
      this.output(`scenario ended: ${expectsRun - failures}/${expectsRun} expects passed, ${r.mm.pinsHeld()} pins held\n`, 'console');
    }
    this.port.sendEvent(new Event(P.STATE_EVENT, this.stateBody(false)));
    this.port.sendEvent(new TerminatedEvent());
  }

  stateBody(live: boolean): P.StateEventBody {
    const cur: HistoryRecord | undefined = this.nav?.current;
    const m = this.runner?.m;
    return { seq: cur?.seq ?? -1, time: cur?.time ?? 0, live, historyBytes: m?.historyBytes ?? 0, oldestSeq: m?.history[0]?.seq ?? 0 };
  }

  /** Apply an edit at the current stop through the journal (Step Back undoes it) and refresh the views. */
  edit(apply: () => void, memory?: { addr: number; count: number }): void {
    if (!this.nav) throw new Error('no scenario is running');
    if (this.running) throw new Error('pause the scenario before editing');
    this.nav.editHere(apply);
    this.viewData?.setStop(this.nav.current?.journalPos ?? 0);
    this.port.sendEvent(new InvalidatedEvent(['variables']));
    if (memory) this.port.sendEvent(new Event('memory', { memoryReference: '0x' + memory.addr.toString(16), offset: 0, count: memory.count }));
    this.port.sendEvent(new Event(P.STATE_EVENT, this.stateBody(true)));
  }

  /** A console statement or a field edit changed the machine: views and variables refresh. */
  changed(): void {
    this.viewData?.setStop(this.nav?.current?.journalPos ?? 0);
    this.port.sendEvent(new InvalidatedEvent(['variables']));
    this.port.sendEvent(new Event(P.STATE_EVENT, this.stateBody(true)));
  }
}

/** Yield to the event loop: setImmediate in Node (setTimeout(0) is clamped to ≥1 ms), else setTimeout. */
export const yieldThen: (f: () => void) => void =
  typeof (globalThis as { setImmediate?: unknown }).setImmediate === 'function'
    ? (f) => (globalThis as unknown as { setImmediate: (f: () => void) => void }).setImmediate(f)
    : (f) => setTimeout(f, 0);
