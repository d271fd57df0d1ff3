/**
 * The VFIO Lab debug session: one method per DAP request, translating requests into navigator
 * and model calls and model stops into DAP events. Runs inline in the extension host and as a
 * standalone stdio adapter (main.ts). It never lets an exception escape a request: bad input
 * becomes an error response and the session stays usable.
 */
import {
  BreakpointEvent, DebugSession, InitializedEvent, InvalidatedEvent, OutputEvent, Scope, StoppedEvent, TerminatedEvent, Thread, Event, Response,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { FileAccess } from './fileAccess';
import { Navigator, levelOf, type StopTest } from './navigator';
import { SourceMap, type LineBreakpointArgs } from './breakpoints';
import { StopPolicy, type StopHit } from './stopPolicy';
import { BreakpointStore } from './breakpointStore';
import { filterCapabilities, exceptionInfo, type ExceptionStop } from './exceptionFilters';
import { FUNCTION_NAMES, INSTRUCTION_NAMES } from './functionNames';
import { LongRun } from './progress';
import { ANSWERED_DURING_JOB, busyText, driveConsoleJob, type ConsoleJob } from './consoleJob';
import { backwardSlice, atLine, GotoTargets } from './runControl';
import { Variables } from './variables';
import { ViewData } from './viewData';
import { Repl } from './repl';
import { lastChange } from './lastChange';
import { Frames } from './frames';
import { Disassembler } from './disassembly';
import { readMemory, prepareWrite, valueBytes, parseSid, toBase64 } from './memory';
import { prepareDirty } from './variables';
import { TimelineData } from './timelineData';
import { PageMapData } from './pageMapData';
import { travelTo } from './travel';
import * as P from './protocol';
import { parseScenario } from '../model/scenario/parser';
import { preloadIncludes } from '../model/scenario/statements/include';
import { resolveLimits } from '../model/limits';
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
  /** Raised resource limits, NAME: number (model/limits.ts; setting vfioLab.limits). */
  limits?: Record<string, number>;
}

/** Error response ids (body.error.id) of the checks every request passes (dispatchRequest). */
const BAD_ARGUMENTS = 1016;
const NOT_SUPPORTED = 1017;
const HANDLER_FAILED = 1018;
/** A request that needs the machine at a stop while a console job runs (consoleJob.ts). */
const BUSY = 1019;

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
  /** The long Debug Console statement running in slices, if any (consoleJob.ts). */
  private consoleJob: ConsoleJob | undefined;
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
  /** After `disconnect`: the state is dropped, nothing more is sent for it. */
  private disposed = false;
  private frames: Frames | undefined;
  private disassembler: Disassembler | undefined;
  /** The pictures' data (timeline, page map), made on first use. */
  private timelineData: TimelineData | undefined;
  private pageMapData: PageMapData | undefined;

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
      // issue 9 state and code views (h9b): CCW disassembly, guest memory, edits
      supportsDisassembleRequest: true,
      supportsReadMemoryRequest: true,
      supportsWriteMemoryRequest: true,
      supportsSetVariable: true,
      supportsSetExpression: true,
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
      // model/limits.ts: the documented resource limits, raised by the launch attribute `limits`
      const { limits, problems } = resolveLimits(args.limits);
      if (problems.length) throw new Error(`launch: ${problems[0]}`);
      const resolve = await preloadIncludes(args.program, text, (p) => this.files.readFile(p), undefined, limits.maxIncludes);
      const { scenario, diagnostics } = parseScenario(text, args.program, { resolve, limits });
      const errors = diagnostics.filter((d) => d.severity === 'error');
      for (const d of diagnostics) this.output(formatDiagnostic(d) + '\n', 'stderr');
      if (errors.length) throw new Error(`${errors.length} problem(s) in ${args.program}; first: ${formatDiagnostic(errors[0])}`);
      this.runner = new Runner(scenario, limits);
      this.nav = new Navigator(this.runner, args.maxHistoryBytes ?? args.limits?.maxHistoryBytes);
      this.sources = new SourceMap(scenario, args.program);
      const runner = this.runner;
      this.bps = new StopPolicy(runner, this.sources, (addr) => runner.ccwFileAt(addr) ?? args.program, (t) => this.output(t + '\n', 'console'));
      this.breakpoints.apply(this.bps);
      this.viewData = new ViewData(this.runner);
      this.variables = new Variables(this.runner, this.nav, this.viewData);
      this.repl = new Repl(this.runner, this.nav);
      this.frames = new Frames(this.runner, this.nav, this.sources, args.program);
      this.disassembler = new Disassembler(this.runner);
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
    // frames.ts: the stopped thread's model stack with explained kernel/QEMU sources; other
    // threads their queued work or current CCW, or nothing (never a placeholder)
    const frames = this.frames && Number.isInteger(args.threadId) ? this.frames.stack(args.threadId, args.threadId * 1000) : [];
    const start = args.startFrame ?? 0;
    const levels = args.levels || frames.length;
    response.body = { stackFrames: frames.slice(start, start + levels), totalFrames: frames.length };
    this.sendResponse(response);
  }

  protected override sourceRequest(response: DebugProtocol.SourceResponse, args: DebugProtocol.SourceArguments): void {
    const ref = args.source?.sourceReference ?? args.sourceReference;
    const c = this.frames?.kernel.content(ref);
    if (!c) {
      this.sendErrorResponse(response, 3010, `source: no source with reference ${String(ref)} (the frame views of this session give them out)`);
      return;
    }
    response.body = { content: c.text, mimeType: 'text/plain' };
    this.sendResponse(response);
  }

  protected override disassembleRequest(response: DebugProtocol.DisassembleResponse, args: DebugProtocol.DisassembleArguments): void {
    try {
      if (!this.disassembler) throw new Error('no scenario is running');
      response.body = { instructions: this.disassembler.disassemble(args ?? ({} as DebugProtocol.DisassembleArguments)) };
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, 3011, errorText(e));
    }
  }

  protected override readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): void {
    try {
      if (!this.runner) throw new Error('no scenario is running');
      if (this.running) throw new Error('pause the scenario first');
      response.body = readMemory(this.runner, args ?? ({} as DebugProtocol.ReadMemoryArguments));
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, 3012, errorText(e));
    }
  }

  protected override writeMemoryRequest(response: DebugProtocol.WriteMemoryResponse, args: DebugProtocol.WriteMemoryArguments): void {
    try {
      if (!this.runner) throw new Error('no scenario is running');
      const w = prepareWrite(this.runner, args ?? ({} as DebugProtocol.WriteMemoryArguments));
      this.edit(w.apply, { addr: w.addr, count: w.bytes.length });
      response.body = { bytesWritten: w.bytes.length };
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, 3013, errorText(e));
    }
  }

  protected override setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): void {
    try {
      if (!this.variables) throw new Error('no scenario is running');
      const set = this.variables.setterOf(args.variablesReference, String(args.name))(String(args.value ?? ''));
      this.edit(set.apply, set.memory);
      response.body = { value: String(args.value ?? '').trim() };
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, 3014, errorText(e));
    }
  }

  protected override setExpressionRequest(response: DebugProtocol.SetExpressionResponse, args: DebugProtocol.SetExpressionArguments): void {
    try {
      if (!this.runner || !this.repl) throw new Error('no scenario is running');
      const expr = String(args.expression ?? '').trim();
      const value = String(args.value ?? '').trim();
      const plan = this.planSetExpression(expr, value);
      this.edit(plan.apply, plan.memory);
      response.body = { value: this.repl.expression(expr) };
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, 3015, errorText(e));
    }
  }

  /**
   * What `expr = value` may change (issue 9 "Edits"): a guest SCHIB field through MSCH
   * (`sch(SID).pmcw.isc`, `guest(SID)…` in vfio), guest memory (`mem(ADDR, LEN)`), a page's
   * dirty flag (`page(P, A).dirty`, `bufs[i].dirty`). Everything else is read-only.
   */
  private planSetExpression(expr: string, value: string): { apply: () => void; memory?: { addr: number; count: number } } {
    const runner = this.runner!;
    const vfio = !!runner.vfio;
    const field = /^(sch|guest)\((\S+)\)\.((?:pmcw|scsw)\.\w+|mda|mba\.\w+)$/.exec(expr);
    if (field && (field[1] === 'sch') !== vfio) {
      const sch = parseSid(field[2]);
      const apply = this.viewData!.prepareSetField({ sch, field: field[3], value });
      return { apply: () => { const r = apply(); if (r.cc !== 0) throw new Error(`MSCH gave cc ${r.cc}: ${field[3]} not changed (css §5.2)`); } };
    }
    const mem = /^mem\(([^,()]+)(?:,\s*([^()]+))?\)$/.exec(expr);
    if (mem) {
      const addr = Number(mem[1].trim());
      const len = mem[2] === undefined ? 1 : Number(mem[2].trim());
      if (!Number.isInteger(addr) || !Number.isInteger(len) || len <= 0) throw new Error(`setExpression: ${expr}: address and length must be integers`);
      const bytes = valueBytes(value, len);
      const w = prepareWrite(runner, { memoryReference: '0x' + addr.toString(16), data: toBase64(bytes) });
      return { apply: w.apply, memory: { addr, count: bytes.length } };
    }
    const dirty = /^(.+)\.dirty$/.exec(expr);
    if (dirty) {
      const pfn = Number(BigInt(this.repl!.value(`${dirty[1]}.pfn`).split(' ')[0]));
      return { apply: prepareDirty(runner, pfn, value) };
    }
    throw new Error(`read-only: ${expr} (editable: ${vfio ? 'guest(SID)' : 'sch(SID)'}.pmcw.FIELD that MSCH modifies, mem(ADDR, LEN), page(P, A).dirty)`);
  }

  /** Apply an edit at the current stop through the journal (Step Back undoes it) and refresh the views. */
  private edit(apply: () => void, memory?: { addr: number; count: number }): void {
    if (!this.nav) throw new Error('no scenario is running');
    if (this.running) throw new Error('pause the scenario before editing');
    this.nav.editHere(apply);
    this.viewData?.setStop(this.nav.current?.journalPos ?? 0);
    this.sendEvent(new InvalidatedEvent(['variables']));
    if (memory) this.sendEvent(new Event('memory', { memoryReference: '0x' + memory.addr.toString(16), offset: 0, count: memory.count }));
    this.sendEvent(new Event(P.STATE_EVENT, this.stateBody(true)));
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
    // long console work (gup_test) runs in slices, with progress and cancel (consoleJob.ts)
    if (request && args?.context === 'repl' && this.startConsoleJob(response, args, request)) return;
    try {
      if (!this.repl) throw new Error('no scenario is running');
      if (this.running) throw new Error('pause the scenario first');
      const expr = String(args.expression ?? '');
      // a structured value (irb, sch(SID), page(P, A), bufs, cp(SID), ccw(ADDR)) expands (repl.ts)
      const tree = this.variables ? this.repl.structured(expr) : undefined;
      if (tree) {
        response.body = { result: tree.summary, variablesReference: this.variables!.structuredRef(tree.value) };
        this.sendResponse(response);
        return;
      }
      // hovers and watches only read; statements run only from the console; a hover over a
      // word that is no value answers an error, so the editor shows nothing
      const r = args.context === 'repl' ? this.repl.evaluate(expr) : { text: args.context === 'hover' ? this.repl.value(expr) : this.repl.expression(expr), changed: false };
      response.body = { result: r.text, variablesReference: 0 };
      this.sendResponse(response);
      if (r.changed) this.consoleChanged();
    } catch (e) {
      this.sendErrorResponse(response, 3003, errorText(e));
    }
  }

  /** A console statement changed the machine: views and variables refresh. */
  private consoleChanged(): void {
    this.viewData?.setStop(this.nav?.current?.journalPos ?? 0);
    this.sendEvent(new InvalidatedEvent(['variables']));
    this.sendEvent(new Event(P.STATE_EVENT, this.stateBody(true)));
  }

  /** Start `args.expression` as a console job when it is long work; false when it is not one. */
  private startConsoleJob(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments, request: DebugProtocol.Request): boolean {
    if (!this.repl || this.running) return false;
    let job: ConsoleJob | undefined;
    try {
      job = this.repl.job(String(args.expression ?? ''));
    } catch (e) {
      this.sendErrorResponse(response, 3003, errorText(e));
      return true;
    }
    if (!job) return false;
    this.consoleJob = job;
    const title = `Running ${job.text.length > 60 ? `${job.text.slice(0, 57)}...` : job.text}`;
    const progress = new LongRun(`vlab-repl-${++this.runSeq}`, request.seq, title, (e) => this.sendEvent(e), this.progressReporting, Date.now, 0);
    job.tracker = progress;
    driveConsoleJob(job, progress, yieldThen, (out) => {
      this.consoleJob = undefined;
      if (this.disposed) return;
      if ('error' in out) {
        this.sendErrorResponse(response, 3003, out.error);
        return;
      }
      response.body = { result: out.result.text, variablesReference: 0 };
      this.sendResponse(response);
      this.consoleChanged();
    });
    return true;
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
    // a console job: by the evaluate's seq or its progressId (consoleJob.ts)
    if (this.consoleJob?.tracker?.matches(args)) this.consoleJob.requestCancel();
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
    this.consoleJob?.requestCancel();
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    this.pauseRequested = true;
    this.consoleJob?.abandon();
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
      // a console job holds the machine mid-statement: only ANSWERED_DURING_JOB get in (consoleJob.ts)
      if (this.consoleJob && !ANSWERED_DURING_JOB.has(command)) return fail(BUSY, busyText(command, this.consoleJob));
      // initialize: the library also records the client's line/column bases and path format
      // (DAP: pathFormat defaults to 'path'; the library refuses a client that leaves it out)
      if (command === 'initialize') {
        const args = (request.arguments ?? {}) as DebugProtocol.InitializeRequestArguments;
        return super.dispatchRequest({ ...request, arguments: { ...args, pathFormat: args.pathFormat ?? 'path' } });
      }
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
        // issue 10 views (h10a): paged pages, channel paths, "what last changed this row"
        case P.PAGES_SUMMARY_REQUEST: response.body = v.pagesSummary((args ?? {}) as P.PagesSummaryArgs); break;
        case P.VMA_PAGES_REQUEST: response.body = v.vmaPages((args ?? {}) as P.VmaPagesArgs); break;
        case P.CHANNEL_PATHS_REQUEST: response.body = v.channelPaths(); break;
        case P.LAST_CHANGE_REQUEST: response.body = lastChange(this.runner!, (args ?? {}) as P.LastChangeArgs, this.nav.current?.journalPos ?? 0, this.programPath); break;
        case P.TIMELINE_REQUEST:
        case P.PAGE_MAP_REQUEST:
        case P.PAGE_MAP_FIND_REQUEST:
        case P.TRAVEL_REQUEST:
          this.pictureRequest(command, response, args);
          return;
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

  /**
   * The pictures' requests (timeline, page map, travel). Their errors are shown by the webview
   * itself (a search for an unmapped address), so they are not also shown to the user by the client.
   */
  private pictureRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    try {
      const runner = this.runner!;
      const nav = this.nav!;
      switch (command) {
        case P.TIMELINE_REQUEST:
          this.timelineData ??= new TimelineData(() => runner.m.history, !!runner.vfio);
          response.body = this.timelineData.rows(args as P.TimelineArgs, nav.cursor);
          break;
        case P.PAGE_MAP_REQUEST:
          this.pageMapData ??= new PageMapData(runner.mm);
          response.body = this.pageMapData.pageMap(args as P.PageMapArgs, this.pageMapKey(), nav.current?.seq ?? -1);
          break;
        case P.PAGE_MAP_FIND_REQUEST:
          this.pageMapData ??= new PageMapData(runner.mm);
          response.body = this.pageMapData.find(args as P.PageMapFindArgs, this.pageMapKey());
          break;
        default: {
          if (this.running) throw new Error('pause the scenario before travelling in time');
          const r = travelTo(nav, args);
          response.body = { seq: r.seq, time: r.time } satisfies P.TravelResponse;
          this.sendResponse(response);
          this.stopAt('goto', r.thread);
          return;
        }
      }
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, { id: 3004, format: errorText(e).replace(/[{}]/g, ''), showUser: false });
    }
  }

  /** Names the machine state the page map's summary was computed for. */
  private pageMapKey(): string {
    return `${this.runner?.m.journal.position}:${this.runner?.m.history.length}:${this.nav?.current?.seq}`;
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
    if (this.disposed) return;
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

/** An optional string argument: non-strings are ignored. */
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
