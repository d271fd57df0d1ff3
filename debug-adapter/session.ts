/**
 * The VFIO Lab debug session: one method per DAP request, translating requests into navigator
 * and model calls and model stops into DAP events. Runs inline in the extension host and as a
 * standalone stdio adapter (main.ts). It never lets an exception escape a request: bad input
 * becomes an error response and the session stays usable.
 */
import {
  BreakpointEvent, DebugSession, InitializedEvent, InvalidatedEvent, OutputEvent, Scope, Source, StackFrame, StoppedEvent, TerminatedEvent, Thread, Event,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { FileAccess } from './fileAccess';
import { Navigator, levelOf, type StopTest } from './navigator';
import { SourceMap, type LineBreakpointArgs } from './breakpoints';
import { StopPolicy, type StopHit } from './stopPolicy';
import { BreakpointStore } from './breakpointStore';
import { filterCapabilities, exceptionInfo, type ExceptionStop } from './exceptionFilters';
import { FUNCTION_NAMES, INSTRUCTION_NAMES } from './functionNames';
import { ConsoleProgress, LongRun, longConsoleWork } from './progress';
import { backwardSlice, atLine, GotoTargets } from './runControl';
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

export interface LaunchArgs extends DebugProtocol.LaunchRequestArguments {
  program: string;
  stopOnEntry?: boolean;
  /** Print every model event to the debug console. */
  trace?: boolean;
  /** "Run Without Debugging": no stops at all, only the summary. */
  noDebug?: boolean;
}

/** Records processed per slice while running, before yielding to the event loop (pause works). */
const SLICE = 20_000;

type StopReason = 'step' | 'breakpoint' | 'entry' | 'pause' | 'exception' | 'goto' | 'function breakpoint' | 'data breakpoint' | 'instruction breakpoint';

export class VlabSession extends DebugSession {
  private runner: Runner | undefined;
  private nav: Navigator | undefined;
  private bps: StopPolicy | undefined;
  /** Every breakpoint as the client set it: applied at launch and again at restart. */
  private readonly breakpoints = new BreakpointStore();
  /** The breakpoint or exception of the last stop (exceptionInfo, stop reason). */
  private lastHit: { index: number; hit: StopHit } | undefined;
  private lastException: ExceptionStop | undefined;
  private progressReporting = false;
  private longRun: LongRun | undefined;
  private runSeq = 0;
  private gotoTargets = new GotoTargets();
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

  constructor(private readonly files: FileAccess) {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse, args?: DebugProtocol.InitializeRequestArguments): void {
    this.progressReporting = !!args?.supportsProgressReporting;
    response.body = {
      // The scenario starts on configurationDone, after the client has set its breakpoints.
      supportsConfigurationDoneRequest: true,
      // stepBack / reverseContinue buttons: the journal restores the whole machine.
      supportsStepBack: true,
      // The Variables view offers hex display; values honour `format.hex`.
      supportsValueFormattingOptions: true,
      supportsTerminateRequest: true,
      // cancel ends a long continue / reverse-continue (by progressId or request seq): progress.ts
      supportsCancelRequest: true,
      // Conditions on line, function, data, instruction breakpoints and exception filters (conditions.ts)
      supportsConditionalBreakpoints: true,
      // Hit conditions `>= N`, `% N`, `== N`, `N` (conditions.ts)
      supportsHitConditionalBreakpoints: true,
      // Logpoints with {expression} interpolation (conditions.ts)
      supportsLogPoints: true,
      // Function breakpoints on instruction and kernel/QEMU function names (functionBreakpoints.ts)
      supportsFunctionBreakpoints: true,
      // Data breakpoints on any readable model value, changes forwards and backwards (dataBreakpoints.ts)
      supportsDataBreakpoints: true,
      // Instruction breakpoints on CCW guest addresses (instructionBreakpoints.ts)
      supportsInstructionBreakpoints: true,
      // Statement and CCW lines of a range (breakpoints.ts)
      supportsBreakpointLocationsRequest: true,
      // Exception filters with conditions and exceptionInfo (exceptionFilters.ts)
      exceptionBreakpointFilters: filterCapabilities(),
      supportsExceptionFilterOptions: true,
      supportsExceptionInfoRequest: true,
      // Jump to a line's point in history (runControl.ts)
      supportsGotoTargetsRequest: true,
      // Re-parse and restart in place, breakpoints kept
      supportsRestartRequest: true,
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
      await this.load(args);
      this.sendResponse(response);
      // Ready for breakpoints; the scenario starts when the client says configurationDone.
      this.sendEvent(new InitializedEvent());
    } catch (e) {
      this.sendErrorResponse(response, 3001, errorText(e));
    }
  }

  /** Parse the scenario and build the session's model objects (launch and restart). */
  private async load(args: LaunchArgs): Promise<void> {
    {
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
      this.nav = new Navigator(this.runner);
      this.sources = new SourceMap(scenario, args.program);
      const runner = this.runner;
      this.bps = new StopPolicy(runner, this.sources, (addr) => runner.ccwFileAt(addr) ?? args.program, (t) => this.output(t + '\n', 'console'));
      this.breakpoints.apply(this.bps);
      this.viewData = new ViewData(this.runner);
      this.variables = new Variables(this.runner, this.nav, this.viewData);
      this.repl = new Repl(this.runner, this.nav);
      if (this.trace) this.runner.m.onEvent((r) => this.output(describeEvent(r.event) + '\n', 'console'));
      this.launchArgs = args;
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
    const bps: LineBreakpointArgs[] = (args.breakpoints ?? []).filter((b) => Number.isInteger(b?.line) && b.line > 0)
      .map((b) => ({ line: b.line, condition: str(b.condition), hitCondition: str(b.hitCondition), logMessage: str(b.logMessage) }));
    const file = args.source?.path ?? this.programPath;
    // kept for launch (before it has parsed the scenario) and for restart
    response.body = { breakpoints: this.breakpoints.setLines(this.bps, file, bps) };
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

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments, request?: DebugProtocol.Request): void {
    // a long console statement (gup_test) is one model call: show a notification while it runs (progress.ts)
    const long = request && args?.context === 'repl' && this.progressReporting ? longConsoleWork(String(args.expression ?? '')) : undefined;
    if (long) {
      const note = new ConsoleProgress(`vlab-repl-${++this.runSeq}`, long, (e) => this.sendEvent(e));
      yieldThen(() => note.around(() => this.evaluateRequest(response, args)));
      return;
    }
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

  protected override continueRequest(response: DebugProtocol.ContinueResponse, _args?: DebugProtocol.ContinueArguments, request?: DebugProtocol.Request): void {
    this.sendResponse(response);
    this.run(this.breakpointTest(), 'breakpoint', request?.seq ?? 0);
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

  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse, _args: DebugProtocol.ReverseContinueArguments, request?: DebugProtocol.Request): void {
    this.sendResponse(response);
    this.runBackward(this.breakpointTest(), request?.seq ?? 0);
  }

  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    this.setBreakpointsOf(response, () => this.breakpoints.setFunctions(this.bps, args?.breakpoints));
  }

  protected override setDataBreakpointsRequest(response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): void {
    this.setBreakpointsOf(response, () => this.breakpoints.setData(this.bps, args?.breakpoints));
  }

  protected override setInstructionBreakpointsRequest(response: DebugProtocol.SetInstructionBreakpointsResponse, args: DebugProtocol.SetInstructionBreakpointsArguments): void {
    this.setBreakpointsOf(response, () => this.breakpoints.setInstructions(this.bps, args?.breakpoints));
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    try {
      response.body = { breakpoints: this.breakpoints.setExceptions(this.bps, args?.filters, args?.filterOptions) };
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, 3004, errorText(e));
    }
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    if (!this.lastException) {
      this.sendErrorResponse(response, 3005, 'exceptionInfo: the session is not stopped on an exception');
      return;
    }
    response.body = exceptionInfo(this.lastException);
    this.sendResponse(response);
  }

  protected override dataBreakpointInfoRequest(response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): void {
    try {
      if (!this.bps || !this.variables) throw new Error('no scenario is running');
      if (typeof args?.name !== 'string') throw new Error("dataBreakpointInfo: 'name' must be a string");
      let expr = args.name;
      if (args.variablesReference !== undefined && args.variablesReference !== 0) {
        const e = this.variables.evaluateNameOf(args.variablesReference, args.name);
        if (!e) {
          response.body = { dataId: null, description: `${args.name} names no single model value (no expression behind this row)` };
          this.sendResponse(response);
          return;
        }
        expr = e;
      }
      response.body = this.bps.data.info(expr, this.bps.known(), this.bps.ctx);
      this.nav?.settle();
      this.sendResponse(response);
    } catch (e) {
      this.nav?.settle();
      // DAP: a value that cannot be watched answers dataId null with the reason
      response.body = { dataId: null, description: errorText(e) };
      this.sendResponse(response);
    }
  }

  protected override breakpointLocationsRequest(response: DebugProtocol.BreakpointLocationsResponse, args: DebugProtocol.BreakpointLocationsArguments): void {
    try {
      if (!this.bps) throw new Error('no scenario is running');
      if (!Number.isInteger(args?.line) || args.line < 1) throw new Error('breakpointLocations: line must be a positive whole number');
      const end = args.endLine ?? args.line;
      if (!Number.isInteger(end) || end < args.line) throw new Error('breakpointLocations: endLine must be a whole number ≥ line');
      const file = args.source?.path ?? this.programPath;
      response.body = { breakpoints: this.bps.lines.locations(file, args.line, end).map((line) => ({ line })) };
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, 3006, errorText(e));
    }
  }

  protected override gotoTargetsRequest(response: DebugProtocol.GotoTargetsResponse, args: DebugProtocol.GotoTargetsArguments): void {
    try {
      if (!this.bps) throw new Error('no scenario is running');
      response.body = { targets: this.gotoTargets.find(this.bps.sources, args?.source?.path ?? this.programPath, args?.line) };
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, 3007, errorText(e));
    }
  }

  protected override gotoRequest(response: DebugProtocol.GotoResponse, args: DebugProtocol.GotoArguments): void {
    try {
      const nav = this.nav;
      const runner = this.runner;
      if (!nav || !this.bps || !runner) throw new Error('no scenario is running');
      if (this.running) throw new Error('pause the scenario first');
      const t = this.gotoTargets.get(args?.targetId);
      const at = atLine(t, this.bps.sources, (addr) => runner.ccwFileAt(addr) ?? this.programPath);
      const k = this.gotoTargets.locate(nav, at);
      this.sendResponse(response);
      if (k !== undefined) {
        nav.goto(k);
        this.stopAt('goto', nav.current?.thread ?? GUEST_CPU_THREAD);
      } else {
        // not executed yet: run forward to it (breakpoints do not stop a goto)
        this.run((r) => at(r), 'goto');
      }
    } catch (e) {
      this.sendErrorResponse(response, 3008, errorText(e));
    }
  }

  protected override async restartRequest(response: DebugProtocol.RestartResponse, args: DebugProtocol.RestartArguments): Promise<void> {
    try {
      if (this.running) throw new Error('pause the scenario before restarting');
      const launch = (args?.arguments as LaunchArgs | undefined) ?? this.launchArgs;
      if (!launch) throw new Error('restart: the session was never launched');
      // parse first: a scenario that no longer parses leaves the running session as it was
      const old = {
        runner: this.runner, nav: this.nav, bps: this.bps, sources: this.sources, viewData: this.viewData, variables: this.variables, repl: this.repl,
        programPath: this.programPath, trace: this.trace, launchArgs: this.launchArgs,
      };
      try {
        await this.load(launch);
      } catch (e) {
        Object.assign(this, old);
        throw e;
      }
      this.lastHit = undefined;
      this.lastException = undefined;
      this.sendResponse(response);
      this.sendEvent(new InvalidatedEvent(['all']));
      if (launch.stopOnEntry === false) this.run(this.breakpointTest());
      else {
        this.nav!.forward(() => true, SLICE);
        this.stopAt('entry', GUEST_CPU_THREAD);
      }
    } catch (e) {
      this.sendErrorResponse(response, 3009, errorText(e));
    }
  }

  protected override cancelRequest(response: DebugProtocol.CancelResponse, args: DebugProtocol.CancelArguments): void {
    const run = this.longRun;
    if (run && run.matches(args)) {
      run.cancelled = true;
      this.pauseRequested = true;
    }
    // DAP: cancel is a hint; unknown ids are not an error
    this.sendResponse(response);
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
    this.sendResponse(response);
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
        case P.DATA_BREAKPOINT_REQUEST: {
          const a = (args ?? {}) as P.DataBreakpointArgs;
          if (typeof a.expression !== 'string') throw new Error("vlab/dataBreakpoint: 'expression' must be a string");
          const info = this.bps!.data.info(a.expression, this.bps!.known(), this.bps!.ctx);
          this.nav.settle();
          const added = this.breakpoints.addData(this.bps!, info.dataId!);
          const body: P.DataBreakpointResponse = { dataId: info.dataId!, description: info.description };
          response.body = body;
          this.sendResponse(response);
          this.sendEvent(new BreakpointEvent('new', added as DebugProtocol.Breakpoint));
          return;
        }
        case P.FUNCTION_NAMES_REQUEST: {
          const body: P.FunctionNamesResponse = { instructions: [...INSTRUCTION_NAMES], functions: [...FUNCTION_NAMES] };
          response.body = body;
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

  /** Stop condition for continue: any breakpoint kind or enabled exception filter (stopPolicy.ts). */
  private breakpointTest(): StopTest {
    if (this.noDebug) return () => false;
    this.lastHit = undefined;
    return (_r, i) => {
      const hit = this.bps?.check(i);
      if (hit) this.lastHit = { index: i, hit };
      return !!hit;
    };
  }

  /** The breakpoint that stopped at the current record, if the last test found one there. */
  private hitHere(): StopHit | undefined {
    const h = this.lastHit;
    return h && this.nav && h.index === this.nav.cursor ? h.hit : undefined;
  }

  /** Start a long-run tracker (progress events, cancel). */
  private beginLongRun(title: string, requestSeq: number): LongRun {
    this.longRun?.end();
    this.longRun = new LongRun(`vlab-run-${++this.runSeq}`, requestSeq, title, (e) => this.sendEvent(e), this.progressReporting);
    return this.longRun;
  }

  /** Reverse-continue in slices until a breakpoint, the first record, or a pause / cancel. */
  private runBackward(test: StopTest, requestSeq: number): void {
    const nav = this.nav;
    if (!nav || this.running) return;
    this.running = true;
    this.pauseRequested = false;
    const from = nav.cursor;
    const progress = this.beginLongRun('Reverse continue', requestSeq);
    const slice = () => {
      try {
        if (this.pauseRequested) {
          this.running = false;
          progress.end('paused');
          this.stopAt('pause', nav.current?.thread ?? GUEST_CPU_THREAD);
          return;
        }
        const r = backwardSlice(nav, test, SLICE);
        if (r === 'budget') {
          progress.tick(from - nav.cursor, from > 0 ? (from - nav.cursor) / from : 1);
          yieldThen(slice);
          return;
        }
        this.running = false;
        progress.end();
        const hit = r === 'start' ? undefined : this.hitHere();
        this.stopAt(hit ? hit.reason : 'entry', nav.current?.thread ?? GUEST_CPU_THREAD, hit?.text, hit);
      } catch (e) {
        this.running = false;
        progress.end();
        this.output(`internal error: ${errorText(e)}\n`, 'stderr');
        this.stopAt('pause', GUEST_CPU_THREAD);
      }
    };
    slice();
  }

  private setBreakpointsOf(response: DebugProtocol.Response, set: () => DebugProtocol.Breakpoint[]): void {
    try {
      response.body = { breakpoints: set() };
      this.nav?.settle();
      this.sendResponse(response);
    } catch (e) {
      this.nav?.settle();
      this.sendErrorResponse(response, 3004, errorText(e));
    }
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
  private run(test: StopTest, reason: StopReason = 'breakpoint', requestSeq = 0): void {
    const nav = this.nav;
    if (!nav || this.running) return;
    this.running = true;
    this.pauseRequested = false;
    const progress = this.beginLongRun(reason === 'goto' ? 'Go to line' : 'Continue', requestSeq);
    let done = 0;
    const slice = () => {
      try {
        if (this.pauseRequested) {
          this.running = false;
          progress.end('paused');
          this.stopAt('pause', nav.current?.thread ?? GUEST_CPU_THREAD);
          return;
        }
        const r = nav.forward(test, SLICE);
        if (r === 'budget') {
          done += SLICE;
          progress.tick(done);
          yieldThen(slice);
          return;
        }
        this.running = false;
        progress.end();
        if (r === 'end') {
          this.finish();
          return;
        }
        const hit = this.hitHere();
        this.stopAt(hit ? hit.reason : reason, r.thread, hit?.text, hit);
      } catch (e) {
        this.running = false;
        progress.end();
        this.output(`internal error: ${errorText(e)}\n`, 'stderr');
        this.stopAt('pause', GUEST_CPU_THREAD);
      }
    };
    // The first slice runs at once (a step usually ends in it); later slices yield so that a
    // pause request can get in.
    slice();
  }

  private stopAt(reason: StopReason, thread: number, text?: string, hit?: StopHit): void {
    const cur = this.nav?.current;
    if (cur) this.viewData?.setStop(cur.journalPos);
    this.lastException = hit?.exception;
    const ev = new StoppedEvent(reason, thread, text) as DebugProtocol.StoppedEvent;
    ev.body.allThreadsStopped = true;
    if (text) ev.body.description = text;
    if (hit && hit.ids.length) ev.body.hitBreakpointIds = hit.ids;
    this.sendEvent(ev);
    this.sendEvent(new Event(P.STATE_EVENT, this.stateBody(true)));
  }

  private finish(): void {
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
    return { seq: cur?.seq ?? -1, time: cur?.time ?? 0, live };
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

/** An optional string argument: non-strings are ignored. */
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
