/**
 * The VFIO Lab debug session: one method per DAP request, translating requests into navigator
 * and model calls and model stops into DAP events. Runs inline in the extension host and as a
 * standalone stdio adapter (main.ts). It never lets an exception escape a request: bad input
 * becomes an error response and the session stays usable.
 */
import {
  DebugSession, InitializedEvent, InvalidatedEvent, OutputEvent, Scope, Source, StackFrame, StoppedEvent, TerminatedEvent, Thread, Event, Response,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { FileAccess } from './fileAccess';
import { Navigator, levelOf, type StopTest } from './navigator';
import { Breakpoints, SourceMap } from './breakpoints';
import { Variables } from './variables';
import { ViewData } from './viewData';
import { Repl } from './repl';
import * as P from './protocol';
import { parseScenario } from '../model/scenario/parser';
import { preloadIncludes } from '../model/scenario/statements/include';
import { formatDiagnostic } from '../model/scenario/diagnostics';
import { Runner } from '../model/scenario/runner';
import { describeEvent, type HistoryRecord } from '../model/engine/events';
import { GUEST_CPU_THREAD, CHANNEL_THREAD_BASE, HOST_KERNEL_THREAD } from '../model/engine/ids';
import { QEMU_THREAD } from '../model/qemu/threads';
import { checkRequestArgs, STANDARD_REQUESTS } from './requestArgs';
import { oneLine, reasonOf } from './oneLine';

export interface LaunchArgs extends DebugProtocol.LaunchRequestArguments {
  program: string;
  stopOnEntry?: boolean;
  /** Print every model event to the debug console. */
  trace?: boolean;
  /** "Run Without Debugging": no stops at all, only the summary. */
  noDebug?: boolean;
  /** Time-travel memory bound in bytes (navigator.ts; setting vfioLab.history.maxBytes). */
  maxHistoryBytes?: number;
}

/** Error response ids (body.error.id) of the checks every request passes (dispatchRequest). */
const BAD_ARGUMENTS = 1016;
const NOT_SUPPORTED = 1017;
const HANDLER_FAILED = 1018;

/** Records processed per slice while running, before yielding to the event loop (pause works). */
const SLICE = 20_000;

type StopReason = 'step' | 'breakpoint' | 'entry' | 'pause' | 'exception' | 'goto';

export class VlabSession extends DebugSession {
  private runner: Runner | undefined;
  private nav: Navigator | undefined;
  private bps: Breakpoints | undefined;
  private pendingBreakpoints = new Map<string, number[]>();
  private sources: SourceMap | undefined;
  private launchArgs: LaunchArgs | undefined;
  private started = false;
  private programPath = '';
  private trace = false;
  private pauseRequested = false;
  private running = false;
  private noDebug = false;
  private variables: Variables | undefined;
  private viewData: ViewData | undefined;
  private repl: Repl | undefined;
  /** After `disconnect`: the state is dropped, nothing more is sent for it. */
  private disposed = false;

  constructor(private readonly files: FileAccess) {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      // The scenario starts on configurationDone, after the client has set its breakpoints.
      supportsConfigurationDoneRequest: true,
      // stepBack / reverseContinue buttons: the journal restores the whole machine.
      supportsStepBack: true,
      // The Variables view offers hex display; values honour `format.hex`.
      supportsValueFormattingOptions: true,
      supportsTerminateRequest: true,
      supportsCancelRequest: false,
      supportsCustomRequests: true,
      // The debug console completes statement names, expression heads and bound names.
      supportsCompletionsRequest: true,
      // Hovering a field path in the editor evaluates it (irb.scsw.stctl, vmstat.…).
      supportsEvaluateForHovers: true,
    } as DebugProtocol.Capabilities;
    this.sendResponse(response);
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, args: LaunchArgs): Promise<void> {
    try {
      if (!args || typeof args.program !== 'string' || args.program === '') throw new Error("launch: 'program' must name a .vlab file");
      this.programPath = args.program;
      this.trace = !!args.trace;
      const text = await this.files.readFile(args.program);
      // `include` reads through the same file access, confined to the scenario's folder.
      const resolve = await preloadIncludes(args.program, text, (p) => this.files.readFile(p));
      const { scenario, diagnostics } = parseScenario(text, args.program, { resolve });
      const errors = diagnostics.filter((d) => d.severity === 'error');
      for (const d of diagnostics) this.output(formatDiagnostic(d) + '\n', 'stderr');
      if (errors.length) throw new Error(`${errors.length} problem(s) in ${args.program}; first: ${formatDiagnostic(errors[0])}`);
      this.runner = new Runner(scenario);
      this.nav = new Navigator(this.runner, args.maxHistoryBytes);
      this.sources = new SourceMap(scenario, args.program);
      const runner = this.runner;
      this.bps = new Breakpoints(this.sources, (addr) => runner.ccwFileAt(addr) ?? args.program);
      for (const [file, lines] of this.pendingBreakpoints) this.bps.set(file, lines);
      this.viewData = new ViewData(this.runner);
      this.variables = new Variables(this.runner, this.nav, this.viewData);
      this.repl = new Repl(this.runner, this.nav);
      if (this.trace) this.runner.m.onEvent((r) => this.output(describeEvent(r.event) + '\n', 'console'));
      this.launchArgs = args;
      this.sendResponse(response);
      // Ready for breakpoints; the scenario starts when the client says configurationDone.
      this.sendEvent(new InitializedEvent());
    } catch (e) {
      this.sendErrorResponse(response, 3001, errorText(e));
    }
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.sendResponse(response);
    const args = this.launchArgs;
    if (!args || !this.nav || this.started) return;
    this.started = true;
    if (args.noDebug) {
      this.noDebug = true;
      this.run(() => false);
    } else if (args.stopOnEntry !== false) {
      this.nav.forward(() => true, SLICE);
      this.stopAt('entry', GUEST_CPU_THREAD);
    } else {
      this.run(this.breakpointTest());
    }
  }

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const lines = (args.breakpoints ?? []).map((b) => b.line).filter((l) => Number.isInteger(l) && l > 0);
    const file = args.source?.path ?? this.programPath;
    if (!this.bps) {
      // Before launch has parsed the scenario: keep them; they are applied at launch.
      this.pendingBreakpoints.set(file, lines);
      response.body = { breakpoints: lines.map((line) => ({ verified: false, line, message: 'the scenario is not loaded yet' })) };
    } else {
      response.body = { breakpoints: this.bps.set(file, lines).map((b) => ({ id: b.id, verified: b.verified, line: b.line, message: b.message })) };
    }
    this.sendResponse(response);
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    // PRODUCT §3: the guest CPU, the host kernel and QEMU (vfio topology), one per channel program
    const ids = [GUEST_CPU_THREAD];
    const cur = this.nav?.current;
    if (this.runner) {
      if (this.runner.vfio) ids.push(HOST_KERNEL_THREAD, QEMU_THREAD);
      for (const sch of this.viewData!.activeSubchannels()) ids.push(CHANNEL_THREAD_BASE + sch);
      if (cur && !ids.includes(cur.thread)) ids.push(cur.thread);
    }
    response.body = { threads: ids.map((id) => new Thread(id, threadName(id))) };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    const cur = this.nav?.current;
    const frames: StackFrame[] = [];
    if (cur && this.runner) {
      const srcs = new Map<string, Source>();
      const srcOf = (file: string) => {
        let x = srcs.get(file);
        if (!x) srcs.set(file, (x = new Source(basename(file), file)));
        return x;
      };
      // statement frames are named by their text: (line, text) finds the file (include)
      const fileOf = (line: number, text: string) => this.sources?.fileOf(line, text) ?? this.programPath;
      let id = args.threadId * 1000;
      if (args.threadId === cur.thread) {
        if (cur.event.kind === 'ccw.fetch' && cur.event.ccwLine !== undefined) {
          const file = this.runner.ccwFileAt(cur.event.addr) ?? this.programPath;
          frames.push(new StackFrame(id++, `CCW @0x${cur.event.addr.toString(16)} cmd 0x${cur.event.cmd.toString(16).padStart(2, '0')}`, srcOf(file), cur.event.ccwLine, 1));
        }
        for (const f of cur.frames) {
          frames.push(f.line !== undefined ? new StackFrame(id++, f.name, srcOf(fileOf(f.line, f.name)), f.line, 1) : new StackFrame(id++, f.name));
        }
      } else if (args.threadId === GUEST_CPU_THREAD) {
        const st = this.runner.current;
        if (st) frames.push(new StackFrame(id++, st.text, srcOf(st.file ?? this.programPath), st.line, 1));
      } else {
        frames.push(new StackFrame(id++, `${threadName(args.threadId)}: running (not the stopped thread)`));
      }
    }
    const start = args.startFrame ?? 0;
    const levels = args.levels || frames.length;
    response.body = { stackFrames: frames.slice(start, start + levels), totalFrames: frames.length };
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse): void {
    response.body = { scopes: this.variables ? this.variables.scopes().map((s) => new Scope(s.name, s.ref, s.expensive)) : [] };
    this.sendResponse(response);
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    response.body = { variables: this.variables ? this.variables.children(args.variablesReference, !!args.format?.hex) : [] };
    this.sendResponse(response);
  }

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    try {
      if (!this.repl) throw new Error('no scenario is running');
      if (this.running) throw new Error('pause the scenario first');
      const expr = String(args.expression ?? '');
      // hovers and watches only read; statements run only from the console
      const r = args.context === 'repl' ? this.repl.evaluate(expr) : { text: this.repl.expression(expr), changed: false };
      response.body = { result: r.text, variablesReference: 0 };
      this.sendResponse(response);
      if (r.changed) {
        this.viewData?.setStop(this.nav?.current?.journalPos ?? 0);
        this.sendEvent(new InvalidatedEvent(['variables']));
        this.sendEvent(new Event(P.STATE_EVENT, this.stateBody(true)));
      }
    } catch (e) {
      this.sendErrorResponse(response, 3003, errorText(e));
    }
  }

  protected override completionsRequest(response: DebugProtocol.CompletionsResponse, args: DebugProtocol.CompletionsArguments): void {
    response.body = { targets: this.repl ? this.repl.completions(args.text ?? '', args.column ?? 1) : [] };
    this.sendResponse(response);
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    this.sendResponse(response);
    this.run(this.breakpointTest());
  }

  protected override nextRequest(response: DebugProtocol.NextResponse): void {
    this.sendResponse(response);
    this.run(this.stepTest('over'), 'step');
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse): void {
    this.sendResponse(response);
    this.run(this.stepTest('in'), 'step');
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    this.sendResponse(response);
    this.run(this.stepTest('out'), 'step');
  }

  protected override stepBackRequest(response: DebugProtocol.StepBackResponse): void {
    this.sendResponse(response);
    if (!this.nav) return;
    this.nav.backward(this.stepTest('over'));
    this.stopAt('step', this.nav.current?.thread ?? GUEST_CPU_THREAD);
  }

  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void {
    this.sendResponse(response);
    if (!this.nav) return;
    const bp = this.breakpointTest();
    const r = this.nav.backward((rec, i) => i === 0 || bp(rec, i));
    this.stopAt(r !== 'start' && this.bps?.hit(r) ? 'breakpoint' : 'entry', this.nav.current?.thread ?? GUEST_CPU_THREAD);
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.pauseRequested = true;
    this.sendResponse(response);
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.pauseRequested = true;
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    this.pauseRequested = true;
    // the session ends: drop the model (inline, the extension host gets its memory back)
    this.disposed = true;
    this.running = false;
    this.runner = undefined;
    this.nav = undefined;
    this.bps = undefined;
    this.variables = undefined;
    this.viewData = undefined;
    this.repl = undefined;
    this.sendResponse(response);
    // standalone: the library exits the process shortly after the answer; inline: ignored
    this.shutdown();
  }

  /**
   * Every request passes here (issue 13): its arguments are checked against requestArgs.ts, a
   * standard request this class does not implement is refused (derived from which request
   * methods it overrides, so handlers added later count on their own), and the handler runs
   * wrapped so that no exception or rejected promise escapes: the client always gets one
   * answer, and an error answer is one line without a stack.
   */
  protected override dispatchRequest(request: DebugProtocol.Request): void {
    const response = new Response(request);
    const fail = (id: number, reason: string) => {
      if (response.seq > 0) this.output(`internal error after answering '${request.command}': ${oneLine(reason)}\n`, 'stderr');
      else this.sendErrorResponse(response, id, reason);
    };
    try {
      const command = request.command;
      if (typeof command !== 'string') return fail(BAD_ARGUMENTS, "request: 'command' must be a string");
      const bad = checkRequestArgs(command, request.arguments);
      if (bad) return fail(BAD_ARGUMENTS, bad);
      const spec = Object.prototype.hasOwnProperty.call(STANDARD_REQUESTS, command) ? STANDARD_REQUESTS[command] : undefined;
      if (spec && !this.implementsRequest(spec.method)) return fail(NOT_SUPPORTED, `${command}: not supported by the VFIO Lab debug adapter`);
      // initialize: the library also records the client's line/column bases and path format
      if (command === 'initialize') return super.dispatchRequest(request);
      const self = this as unknown as Record<string, (...a: unknown[]) => unknown>;
      const result = !spec
        ? this.customRequest(command, response, request.arguments)
        : command === 'threads'
          ? self[spec.method](response, request)
          : self[spec.method](response, request.arguments ?? {}, request);
      if (result instanceof Promise) result.catch((e: unknown) => fail(HANDLER_FAILED, `${command}: ${reasonOf(e)}`));
    } catch (e) {
      fail(HANDLER_FAILED, `${String(request?.command)}: ${reasonOf(e)}`);
    }
  }

  /** True when this class (or a subclass) overrides the library's handler `method`. */
  private implementsRequest(method: string): boolean {
    const mine = (Object.getPrototypeOf(this) as Record<string, unknown>)[method];
    return typeof mine === 'function' && mine !== (DebugSession.prototype as unknown as Record<string, unknown>)[method];
  }

  /**
   * Every error answer, whoever sends it (handlers, the library's own checks): one line, no
   * stack, control characters escaped, bounded (oneLine.ts).
   */
  protected override sendErrorResponse(
    response: DebugProtocol.Response,
    codeOrMessage: number | DebugProtocol.Message,
    format?: string,
    variables?: Record<string, unknown>,
    dest?: number,
  ): void {
    if (response.seq > 0) return; // already answered: a second answer would confuse the client
    const msg = typeof codeOrMessage === 'number' ? { id: codeOrMessage, format: format ?? '' } : codeOrMessage;
    // the library's own catch passes the stack as '{_stack}' with the message in _exception
    const raw = variables && '_exception' in variables ? String(variables._exception) : msg.format.replace(/\{(\w+)\}/g, (m, k: string) => (variables && k in variables ? String(variables[k]) : m));
    // the library's customRequest refuses commands it does not know with a bare 'unrecognized request'
    const text = msg.id === 1014 ? oneLine(`${response.command}: unknown request`) : oneLine(raw || 'request failed');
    // `variables: {}`: the library substitutes '{name}' in the text from it (and fails without it)
    super.sendErrorResponse(response, { id: msg.id, format: text, variables: {}, showUser: msg.showUser ?? true }, undefined, undefined, dest);
  }

  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    try {
      const v = this.viewData;
      if (!v || !this.nav) throw new Error('no scenario is running');
      switch (command) {
        case P.SUBCHANNELS_REQUEST: response.body = v.subchannels((args ?? {}) as P.SubchannelsArgs); break;
        case P.CRW_QUEUES_REQUEST: response.body = v.crwQueues(); break;
        case P.PAGES_REQUEST: response.body = v.pages((args ?? {}) as P.PagesArgs); break;
        case P.SET_FIELD_REQUEST: {
          if (this.running) throw new Error('pause the scenario before editing fields');
          const a = (args ?? {}) as P.SetFieldArgs;
          const apply = v.prepareSetField(a); // validates first: a bad value changes nothing
          let result: P.SetFieldResponse | undefined;
          this.nav.editHere(() => (result = apply()));
          response.body = result;
          this.viewData?.setStop(this.nav.current?.journalPos ?? 0);
          // VS Code's own Variables view refetches too
          this.sendEvent(new InvalidatedEvent(['variables']));
          this.sendEvent(new Event(P.STATE_EVENT, this.stateBody(true)));
          break;
        }
        default:
          return super.customRequest(command, response, args);
      }
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, 3002, errorText(e));
    }
  }

  /** Stop condition for continue: a breakpoint, a program exception, or a failed expect. */
  private breakpointTest(): StopTest {
    if (this.noDebug) return () => false;
    return (r) => !!this.bps?.hit(r) || r.event.kind === 'exception' || (r.event.kind === 'expect' && !r.event.ok);
  }

  private stepTest(kind: 'over' | 'in' | 'out'): StopTest {
    const from = this.nav?.current;
    const level = from ? levelOf(from) : 0;
    const depth = from ? from.frames.length : 0;
    const thread = from?.thread ?? GUEST_CPU_THREAD;
    const bp = this.breakpointTest();
    return (r, i) => {
      if (bp(r, i)) return true;
      const l = levelOf(r);
      if (r.event.kind === 'end') return true;
      if (kind === 'in') return true;
      if (kind === 'out') return l < level || (level === 0 && l === 0);
      // over: same or coarser level; at instruction level also not deeper on the same thread
      if (l < level) return true;
      if (l > level) return false;
      return level < 2 || r.thread !== thread || r.frames.length <= depth;
    };
  }

  /** Run forward in slices until the test passes, the end, or a pause. */
  private run(test: StopTest, reason: StopReason = 'breakpoint'): void {
    const nav = this.nav;
    if (!nav || this.running) return;
    this.running = true;
    this.pauseRequested = false;
    const slice = () => {
      try {
        if (this.pauseRequested) {
          this.running = false;
          this.stopAt('pause', nav.current?.thread ?? GUEST_CPU_THREAD);
          return;
        }
        const r = nav.forward(test, SLICE);
        if (r === 'budget') {
          yieldThen(slice);
          return;
        }
        this.running = false;
        if (r === 'end') {
          this.finish();
          return;
        }
        const why: StopReason = this.bps?.hit(r) ? 'breakpoint' : r.event.kind === 'exception' || r.event.kind === 'expect' ? 'exception' : reason;
        if (r.event.kind === 'end') {
          this.stopAt(why, r.thread);
          return;
        }
        this.stopAt(why, r.thread, r.event.kind === 'expect' || r.event.kind === 'exception' ? describeEvent(r.event) : undefined);
      } catch (e) {
        this.running = false;
        this.output(`internal error: ${errorText(e)}\n`, 'stderr');
        this.stopAt('pause', GUEST_CPU_THREAD);
      }
    };
    // The first slice runs at once (a step usually ends in it); later slices yield so that a
    // pause request can get in.
    slice();
  }

  private stopAt(reason: StopReason, thread: number, text?: string): void {
    if (this.disposed) return;
    const cur = this.nav?.current;
    if (this.nav && this.nav.cursor === 0 && this.nav.dropped > 0) {
      const mib = Math.round(this.nav.maxHistoryBytes / 1048576);
      this.output(`history was trimmed: this is the oldest kept stop (${this.nav.dropped} earlier events dropped to stay under ${mib} MiB; raise the launch attribute 'maxHistoryBytes' or the setting vfioLab.history.maxBytes)\n`, 'console');
    }
    if (cur) this.viewData?.setStop(cur.journalPos);
    const ev = new StoppedEvent(reason, thread, text) as DebugProtocol.StoppedEvent;
    ev.body.allThreadsStopped = true;
    if (text) ev.body.description = text;
    this.sendEvent(ev);
    this.sendEvent(new Event(P.STATE_EVENT, this.stateBody(true)));
  }

  private finish(): void {
    if (this.disposed) return;
    const r = this.runner;
    if (r) {
      const failed = r.expects.filter((e) => !e.ok);
      this.output(`scenario ended: ${r.expects.length - failed.length}/${r.expects.length} expects passed, ${r.mm.pinsHeld()} pins held\n`, 'console');
    }
    this.sendEvent(new Event(P.STATE_EVENT, this.stateBody(false)));
    this.sendEvent(new TerminatedEvent());
  }

  private stateBody(live: boolean): P.StateEventBody {
    const cur: HistoryRecord | undefined = this.nav?.current;
    const m = this.runner?.m;
    return { seq: cur?.seq ?? -1, time: cur?.time ?? 0, live, historyBytes: m?.historyBytes ?? 0, oldestSeq: m?.history[0]?.seq ?? 0 };
  }

  private output(text: string, category: 'console' | 'stderr' | 'stdout'): void {
    this.sendEvent(new OutputEvent(text, category));
  }
}

function threadName(id: number): string {
  if (id === GUEST_CPU_THREAD) return 'guest CPU 0';
  if (id === HOST_KERNEL_THREAD) return 'host kernel (cio, vfio-ccw)';
  if (id === QEMU_THREAD) return 'QEMU (vfio-ccw relay)';
  return `channel 0.0.${(id - CHANNEL_THREAD_BASE).toString(16).padStart(4, '0')}`;
}

/** Yield to the event loop: setImmediate in Node (setTimeout(0) is clamped to ≥1 ms), else setTimeout. */
const yieldThen: (f: () => void) => void =
  typeof (globalThis as { setImmediate?: unknown }).setImmediate === 'function'
    ? (f) => (globalThis as unknown as { setImmediate: (f: () => void) => void }).setImmediate(f)
    : (f) => setTimeout(f, 0);

function basename(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
