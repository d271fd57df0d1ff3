/**
 * The session's life: initialize (the capabilities), launch (parse the scenario and build the
 * model objects), configurationDone (start), restart (re-parse in place, breakpoints kept),
 * terminate and disconnect (drop the model).
 */
import { InitializedEvent, InvalidatedEvent, TerminatedEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { FileAccess } from './fileAccess';
import { Navigator } from './navigator';
import { SourceMap } from './breakpoints';
import { StopPolicy } from './stopPolicy';
import { filterCapabilities } from './exceptionFilters';
import { Variables } from './variables';
import { ViewData } from './viewData';
import { Repl } from './repl';
import { Frames } from './frames';
import { Disassembler } from './disassembly';
import { answerAsync } from './answer';
import { run, start } from './stepping';
import type { LaunchArgs, SessionCore } from './sessionCore';
import { parseScenario } from '../model/scenario/parser';
import { preloadIncludes } from '../model/scenario/statements/include';
import { resolveLimits } from '../model/limits';
import { formatDiagnostic } from '../model/scenario/diagnostics';
import { Runner } from '../model/scenario/runner';
import { describeEvent } from '../model/engine/events';

/** Error response ids (body.error.id) of launch and restart. */
const LAUNCH_FAILED = 3001;
const RESTART_FAILED = 3009;

export function initializeRequest(c: SessionCore, response: DebugProtocol.InitializeResponse, args?: DebugProtocol.InitializeRequestArguments): void {
  c.progressReporting = !!args?.supportsProgressReporting;
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
  c.port.sendResponse(response);
}

export function launchRequest(c: SessionCore, files: FileAccess, response: DebugProtocol.LaunchResponse, args: LaunchArgs): Promise<void> {
  // Ready for breakpoints; the scenario starts when the client says configurationDone.
  return answerAsync(c.port, response, LAUNCH_FAILED, () => load(c, files, args), () => c.port.sendEvent(new InitializedEvent()));
}

/** Parse the scenario and build the session's model objects (launch and restart). */
async function load(c: SessionCore, files: FileAccess, args: LaunchArgs): Promise<void> {
  if (!args || typeof args.program !== 'string' || args.program === '') throw new Error("launch: 'program' must name a .vlab file");
  c.programPath = args.program;
  c.trace = !!args.trace;
  const text = await files.readFile(args.program);
  // `include` reads through the same file access, confined to the scenario's folder.
  // model/limits.ts: the documented resource limits, raised by the launch attribute `limits`
  const { limits, problems } = resolveLimits(args.limits);
  if (problems.length) throw new Error(`launch: ${problems[0]}`);
  const resolve = await preloadIncludes(args.program, text, (p) => files.readFile(p), undefined, limits.maxIncludes);
  const { scenario, diagnostics } = parseScenario(text, args.program, { resolve, limits });
  const errors = diagnostics.filter((d) => d.severity === 'error');
  for (const d of diagnostics) c.output(formatDiagnostic(d) + '\n', 'stderr');
  if (errors.length) throw new Error(`${errors.length} problem(s) in ${args.program}; first: ${formatDiagnostic(errors[0])}`);
  const runner = new Runner(scenario, limits);
  c.runner = runner;
  c.nav = new Navigator(runner, args.maxHistoryBytes ?? args.limits?.maxHistoryBytes);
  c.sources = new SourceMap(scenario, args.program);
  c.bps = new StopPolicy(runner, c.sources, (addr) => runner.ccwFileAt(addr) ?? args.program, (t) => c.output(t + '\n', 'console'));
  c.breakpoints.apply(c.bps);
  c.viewData = new ViewData(runner);
  c.variables = new Variables(runner, c.nav, c.viewData);
  c.repl = new Repl(runner, c.nav);
  c.frames = new Frames(runner, c.nav, c.sources, args.program);
  c.disassembler = new Disassembler(runner);
  if (c.trace) runner.m.onEvent((r) => c.output(describeEvent(r.event) + '\n', 'console'));
  c.launchArgs = args;
}

export function configurationDoneRequest(c: SessionCore, response: DebugProtocol.ConfigurationDoneResponse): void {
  c.port.sendResponse(response);
  const args = c.launchArgs;
  if (!args || !c.nav || c.started) return;
  c.started = true;
  if (args.noDebug) {
    c.noDebug = true;
    run(c, () => false);
  } else start(c, args.stopOnEntry !== false);
}

export function restartRequest(c: SessionCore, files: FileAccess, response: DebugProtocol.RestartResponse, args: DebugProtocol.RestartArguments): Promise<void> {
  let stopOnEntry = true;
  return answerAsync(c.port, response, RESTART_FAILED, async () => {
    if (c.running) throw new Error('pause the scenario before restarting');
    const launch = (args?.arguments as LaunchArgs | undefined) ?? c.launchArgs;
    if (!launch) throw new Error('restart: the session was never launched');
    // parse first: a scenario that no longer parses leaves the running session as it was
    const old = {
      runner: c.runner, nav: c.nav, bps: c.bps, sources: c.sources, viewData: c.viewData, variables: c.variables, repl: c.repl,
      programPath: c.programPath, trace: c.trace, launchArgs: c.launchArgs,
      timelineData: c.timelineData, pageMapData: c.pageMapData,
    };
    // the pictures' data reads the runner it was made for: made again for the new one
    c.timelineData = undefined;
    c.pageMapData = undefined;
    try {
      await load(c, files, launch);
    } catch (e) {
      Object.assign(c, old);
      throw e;
    }
    c.lastHit = undefined;
    c.lastException = undefined;
    stopOnEntry = launch.stopOnEntry !== false;
  }, () => {
    c.port.sendEvent(new InvalidatedEvent(['all']));
    start(c, stopOnEntry);
  });
}

export function terminateRequest(c: SessionCore, response: DebugProtocol.TerminateResponse): void {
  c.pauseRequested = true;
  c.consoleJob?.requestCancel();
  c.port.sendResponse(response);
  c.port.sendEvent(new TerminatedEvent());
}

/** The session ends: drop the model (inline, the extension host gets its memory back). */
export function disconnectRequest(c: SessionCore, response: DebugProtocol.DisconnectResponse): void {
  c.pauseRequested = true;
  c.consoleJob?.abandon();
  c.disposed = true;
  c.running = false;
  c.runner = undefined;
  c.nav = undefined;
  c.bps = undefined;
  c.variables = undefined;
  c.viewData = undefined;
  c.repl = undefined;
  c.port.sendResponse(response);
}
