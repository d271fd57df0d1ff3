/**
 * The breakpoint requests: line, function, data, instruction and exception breakpoints (kept in
 * the BreakpointStore so launch and restart apply them again), data breakpoint info, breakpoint
 * locations and exception info. The rules are in stopPolicy.ts and its parts.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { LineBreakpointArgs } from './breakpoints';
import { exceptionInfo } from './exceptionFilters';
import { answer, errorText } from './answer';
import type { SessionCore } from './sessionCore';

/** Error response ids (body.error.id) of the breakpoint requests. */
const SET_BREAKPOINTS_FAILED = 3004;
const NO_EXCEPTION = 3005;
const LOCATIONS_FAILED = 3006;

export function setBreakpointsRequest(c: SessionCore, response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
  const bps: LineBreakpointArgs[] = (args.breakpoints ?? []).filter((b) => Number.isInteger(b?.line) && b.line > 0)
    .map((b) => ({ line: b.line, condition: str(b.condition), hitCondition: str(b.hitCondition), logMessage: str(b.logMessage) }));
  const file = args.source?.path ?? c.programPath;
  // kept for launch (before it has parsed the scenario) and for restart
  response.body = { breakpoints: c.breakpoints.setLines(c.bps, file, bps) };
  c.port.sendResponse(response);
}

/** An optional string argument: non-strings are ignored. */
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function setFunctionBreakpointsRequest(c: SessionCore, response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
  setSettled(c, response, () => c.breakpoints.setFunctions(c.bps, args?.breakpoints));
}

export function setDataBreakpointsRequest(c: SessionCore, response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): void {
  setSettled(c, response, () => c.breakpoints.setData(c.bps, args?.breakpoints));
}

export function setInstructionBreakpointsRequest(c: SessionCore, response: DebugProtocol.SetInstructionBreakpointsResponse, args: DebugProtocol.SetInstructionBreakpointsArguments): void {
  setSettled(c, response, () => c.breakpoints.setInstructions(c.bps, args?.breakpoints));
}

/** Set breakpoints whose checks may have read the machine: the navigator settles back either way. */
function setSettled(c: SessionCore, response: DebugProtocol.Response, set: () => DebugProtocol.Breakpoint[]): void {
  answer(c.port, response, SET_BREAKPOINTS_FAILED, () => {
    try {
      return { breakpoints: set() };
    } finally {
      c.nav?.settle();
    }
  });
}

export function setExceptionBreakpointsRequest(c: SessionCore, response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
  answer(c.port, response, SET_BREAKPOINTS_FAILED, () => ({ breakpoints: c.breakpoints.setExceptions(c.bps, args?.filters, args?.filterOptions) }));
}

export function exceptionInfoRequest(c: SessionCore, response: DebugProtocol.ExceptionInfoResponse): void {
  answer(c.port, response, NO_EXCEPTION, () => {
    if (!c.lastException) throw new Error('exceptionInfo: the session is not stopped on an exception');
    return exceptionInfo(c.lastException);
  });
}

export function dataBreakpointInfoRequest(c: SessionCore, response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): void {
  try {
    response.body = dataBreakpointInfo(c, args);
  } catch (e) {
    // DAP: a value that cannot be watched answers dataId null with the reason
    response.body = { dataId: null, description: errorText(e) };
  } finally {
    c.nav?.settle();
  }
  c.port.sendResponse(response);
}

function dataBreakpointInfo(c: SessionCore, args: DebugProtocol.DataBreakpointInfoArguments): DebugProtocol.DataBreakpointInfoResponse['body'] {
  if (!c.bps || !c.variables) throw new Error('no scenario is running');
  if (typeof args?.name !== 'string') throw new Error("dataBreakpointInfo: 'name' must be a string");
  let expr = args.name;
  if (args.variablesReference !== undefined && args.variablesReference !== 0) {
    const e = c.variables.evaluateNameOf(args.variablesReference, args.name);
    if (!e) return { dataId: null, description: `${args.name} names no single model value (no expression behind this row)` };
    expr = e;
  }
  return c.bps.data.info(expr, c.bps.known(), c.bps.ctx);
}

export function breakpointLocationsRequest(c: SessionCore, response: DebugProtocol.BreakpointLocationsResponse, args: DebugProtocol.BreakpointLocationsArguments): void {
  answer(c.port, response, LOCATIONS_FAILED, () => {
    if (!c.bps) throw new Error('no scenario is running');
    if (!Number.isInteger(args?.line) || args.line < 1) throw new Error('breakpointLocations: line must be a positive whole number');
    const end = args.endLine ?? args.line;
    if (!Number.isInteger(end) || end < args.line) throw new Error('breakpointLocations: endLine must be a whole number ≥ line');
    const file = args.source?.path ?? c.programPath;
    return { breakpoints: c.bps.lines.locations(file, args.line, end).map((line) => ({ line })) };
  });
}
