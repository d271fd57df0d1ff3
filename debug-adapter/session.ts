/**
 * The VFIO Lab debug session: one method per DAP request, each handing the request to the file
 * of its concern (launchRequests.ts, stepping.ts, stateRequests.ts, memoryRequests.ts,
 * breakpointRequests.ts, customRequests.ts), which share the session's state in SessionCore.
 * Runs inline in the extension host and as a standalone stdio adapter (main.ts). It never lets
 * an exception escape a request: bad input becomes an error response (answer.ts) and the
 * session stays usable.
 */
import { DebugSession, Response } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { FileAccess } from './fileAccess';
import { ANSWERED_DURING_JOB, busyText } from './consoleJob';
import { checkRequestArgs, STANDARD_REQUESTS } from './requestArgs';
import { oneLine, reasonOf } from './oneLine';
import { SessionCore, type LaunchArgs, type SessionPort } from './sessionCore';
import * as launch from './launchRequests';
import * as stepping from './stepping';
import * as state from './stateRequests';
import * as memory from './memoryRequests';
import * as breakpoints from './breakpointRequests';
import { customRequest } from './customRequests';
import type { WireOutput } from './wireOutput';

export type { LaunchArgs } from './sessionCore';

/** Error response ids (body.error.id) of the checks every request passes (dispatchRequest). */
const BAD_ARGUMENTS = 1016;
const NOT_SUPPORTED = 1017;
const HANDLER_FAILED = 1018;
/** A request that needs the machine at a stop while a console job runs (consoleJob.ts). */
const BUSY = 1019;

export class VlabSession extends DebugSession implements SessionPort {
  private readonly core: SessionCore;

  constructor(private readonly files: FileAccess) {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
    // the session is the core's port itself: the handlers' calls through `port` then have one
    // target, a method of this class, in every session. With closures made per session, the
    // standalone adapter's warm-up session left the once-per-step handlers optimised for its own
    // closures, and the client's session deoptimised them at its first stop ("wrong call
    // target": threads, stackTrace, variables, next), to recompile some 1,000 steps later
    // (issue 12, the p99 step at scale).
    this.core = new SessionCore(this);
  }

  /** SessionPort.sendError: an error answer; `showUser` false: the client does not show it. */
  sendError(response: DebugProtocol.Response, id: number, text: string, showUser?: false): void {
    // a message the client does not show goes as a message object; its braces are dropped
    // so that the library finds no '{name}' to substitute
    if (showUser === false) this.sendErrorResponse(response, { id, format: text.replace(/[{}]/g, ''), showUser });
    else this.sendErrorResponse(response, id, text);
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse, args?: DebugProtocol.InitializeRequestArguments): void {
    launch.initializeRequest(this.core, response, args);
  }

  protected override launchRequest(response: DebugProtocol.LaunchResponse, args: LaunchArgs): Promise<void> {
    return launch.launchRequest(this.core, this.files, response, args);
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    launch.configurationDoneRequest(this.core, response);
  }

  protected override restartRequest(response: DebugProtocol.RestartResponse, args: DebugProtocol.RestartArguments): Promise<void> {
    return launch.restartRequest(this.core, this.files, response, args);
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    launch.terminateRequest(this.core, response);
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    launch.disconnectRequest(this.core, response);
    // standalone: the library exits the process shortly after the answer; inline: ignored
    this.shutdown();
  }

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    breakpoints.setBreakpointsRequest(this.core, response, args);
  }

  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    breakpoints.setFunctionBreakpointsRequest(this.core, response, args);
  }

  protected override setDataBreakpointsRequest(response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): void {
    breakpoints.setDataBreakpointsRequest(this.core, response, args);
  }

  protected override setInstructionBreakpointsRequest(response: DebugProtocol.SetInstructionBreakpointsResponse, args: DebugProtocol.SetInstructionBreakpointsArguments): void {
    breakpoints.setInstructionBreakpointsRequest(this.core, response, args);
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    breakpoints.setExceptionBreakpointsRequest(this.core, response, args);
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    breakpoints.exceptionInfoRequest(this.core, response);
  }

  protected override dataBreakpointInfoRequest(response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): void {
    breakpoints.dataBreakpointInfoRequest(this.core, response, args);
  }

  protected override breakpointLocationsRequest(response: DebugProtocol.BreakpointLocationsResponse, args: DebugProtocol.BreakpointLocationsArguments): void {
    breakpoints.breakpointLocationsRequest(this.core, response, args);
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    state.threadsRequest(this.core, response);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    state.stackTraceRequest(this.core, response, args);
  }

  protected override sourceRequest(response: DebugProtocol.SourceResponse, args: DebugProtocol.SourceArguments): void {
    state.sourceRequest(this.core, response, args);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse): void {
    state.scopesRequest(this.core, response);
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    state.variablesRequest(this.core, response, args);
  }

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments, request?: DebugProtocol.Request): void {
    state.evaluateRequest(this.core, response, args, request);
  }

  protected override completionsRequest(response: DebugProtocol.CompletionsResponse, args: DebugProtocol.CompletionsArguments): void {
    state.completionsRequest(this.core, response, args);
  }

  protected override setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): void {
    state.setVariableRequest(this.core, response, args);
  }

  protected override setExpressionRequest(response: DebugProtocol.SetExpressionResponse, args: DebugProtocol.SetExpressionArguments): void {
    state.setExpressionRequest(this.core, response, args);
  }

  protected override disassembleRequest(response: DebugProtocol.DisassembleResponse, args: DebugProtocol.DisassembleArguments): void {
    memory.disassembleRequest(this.core, response, args);
  }

  protected override readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): void {
    memory.readMemoryRequest(this.core, response, args);
  }

  protected override writeMemoryRequest(response: DebugProtocol.WriteMemoryResponse, args: DebugProtocol.WriteMemoryArguments): void {
    memory.writeMemoryRequest(this.core, response, args);
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse, _args?: DebugProtocol.ContinueArguments, request?: DebugProtocol.Request): void {
    stepping.continueRequest(this.core, response, request);
  }

  protected override nextRequest(response: DebugProtocol.NextResponse): void {
    stepping.stepRequest(this.core, response, 'over');
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse): void {
    stepping.stepRequest(this.core, response, 'in');
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    stepping.stepRequest(this.core, response, 'out');
  }

  protected override stepBackRequest(response: DebugProtocol.StepBackResponse): void {
    stepping.stepBackRequest(this.core, response);
  }

  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse, _args: DebugProtocol.ReverseContinueArguments, request?: DebugProtocol.Request): void {
    stepping.reverseContinueRequest(this.core, response, request);
  }

  protected override gotoTargetsRequest(response: DebugProtocol.GotoTargetsResponse, args: DebugProtocol.GotoTargetsArguments): void {
    stepping.gotoTargetsRequest(this.core, response, args);
  }

  protected override gotoRequest(response: DebugProtocol.GotoResponse, args: DebugProtocol.GotoArguments): void {
    stepping.gotoRequest(this.core, response, args);
  }

  protected override cancelRequest(response: DebugProtocol.CancelResponse, args: DebugProtocol.CancelArguments): void {
    stepping.cancelRequest(this.core, response, args);
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    stepping.pauseRequest(this.core, response);
  }

  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    customRequest(this.core, command, response, args, () => super.customRequest(command, response, args));
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
    // no closure in here: a captured variable would cost a context object per request (issue 12)
    try {
      const command = request.command;
      if (typeof command !== 'string') return this.failRequest(request, response, BAD_ARGUMENTS, "request: 'command' must be a string");
      const bad = checkRequestArgs(command, request.arguments);
      if (bad) return this.failRequest(request, response, BAD_ARGUMENTS, bad);
      const spec = Object.prototype.hasOwnProperty.call(STANDARD_REQUESTS, command) ? STANDARD_REQUESTS[command] : undefined;
      if (spec && !this.implementsRequest(spec.method)) return this.failRequest(request, response, NOT_SUPPORTED, `${command}: not supported by the VFIO Lab debug adapter`);
      // a console job holds the machine mid-statement: only ANSWERED_DURING_JOB get in (consoleJob.ts)
      if (this.core.consoleJob && !ANSWERED_DURING_JOB.has(command)) return this.failRequest(request, response, BUSY, busyText(command, this.core.consoleJob));
      // a run between two slices left the journal where its walk was (Navigator.forward lazy)
      this.core.nav?.settleIfLazy();
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
      if (result instanceof Promise) this.failOnReject(result, request, response);
    } catch (e) {
      this.failRequest(request, response, HANDLER_FAILED, `${String(request?.command)}: ${reasonOf(e)}`);
    }
  }

  // ---- standalone output (issue 12, wireOutput.ts) ------------------------------------------
  /** Set by serveStdio in the standalone adapter; inline (extension host) the library sends. */
  private wire: WireOutput | undefined;

  useWire(wire: WireOutput): void {
    this.wire = wire;
  }

  override sendResponse(response: DebugProtocol.Response): void {
    if (!this.wire) return super.sendResponse(response);
    // the library's check, kept: a second answer is reported, not sent
    if (response.seq > 0) console.error(`attempt to send more than one response for command ${response.command}`);
    else this.sendByWire('response', response);
  }

  override sendEvent(event: DebugProtocol.Event): void {
    if (!this.wire) return super.sendEvent(event);
    this.sendByWire('event', event);
  }

  override sendRequest(command: string, args: unknown, timeout: number, cb: (response: DebugProtocol.Response) => void): void {
    // the library writes a reverse request itself: what the wire holds goes first
    this.wire?.flush();
    super.sendRequest(command, args, timeout, cb);
  }

  /**
   * The library's `_send` (protocol.js), but framed by the wire: `type`, then `seq` from the
   * library's own counter (private in its typings, so read through a cast), in that order, so a
   * message's keys come out as before. No listener takes the message standalone (onDidSendMessage
   * serves the inline adapter), so it is not fired.
   */
  private sendByWire(type: 'response' | 'event', message: DebugProtocol.ProtocolMessage): void {
    const counter = this as unknown as { _sequence: number };
    message.type = type;
    message.seq = counter._sequence++;
    this.wire!.message(message);
  }

  /** An async handler's rejection answers its request (a method: dispatchRequest captures nothing). */
  private failOnReject(result: Promise<unknown>, request: DebugProtocol.Request, response: DebugProtocol.Response): void {
    result.catch((e: unknown) => this.failRequest(request, response, HANDLER_FAILED, `${request.command}: ${reasonOf(e)}`));
  }

  /** Answer `request` with an error, or report one that came after its answer. */
  private failRequest(request: DebugProtocol.Request, response: DebugProtocol.Response, id: number, reason: string): void {
    if (response.seq > 0) this.core.output(`internal error after answering '${request.command}': ${oneLine(reason)}\n`, 'stderr');
    else this.sendErrorResponse(response, id, reason);
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
}
