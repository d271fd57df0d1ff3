/**
 * The table of DAP requests: for each, the DebugSession method that handles it and the checks
 * its arguments must pass before any handler sees them (issue 13: `setBreakpoints
 * {"breakpoints":5}` answered with a stack trace). Types and bounds follow the DAP
 * specification's argument interfaces; members the adapter does not read are not checked
 * (clients add their own), but every member it reads is. A failed check is one line:
 * "setBreakpoints: 'breakpoints' must be an array".
 */
import * as P from './protocol';
import { MIN_HISTORY_BYTES, MAX_HISTORY_BYTES } from './navigator';

/** A check returns the reason a value is refused, naming it by its path, or undefined. */
type Check = (v: unknown, path: string) => string | undefined;

/** Longest string accepted in any argument (a path, a name, a condition). */
export const MAX_ARG_STRING = 64 * 1024;
/** Longest list accepted in any argument (breakpoints, filters, thread ids). */
export const MAX_ARG_LIST = 10_000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function int(min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): Check {
  return (v, p) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) return `'${p}' must be an integer`;
    if (v < min || v > max) return `'${p}' must be between ${min} and ${max}`;
    return undefined;
  };
}
const nat = int(0);

function str(max = MAX_ARG_STRING): Check {
  return (v, p) => (typeof v !== 'string' ? `'${p}' must be a string` : v.length > max ? `'${p}' is longer than ${max} characters` : undefined);
}
const text = str();

const bool: Check = (v, p) => (typeof v === 'boolean' ? undefined : `'${p}' must be true or false`);

function oneOf(...values: string[]): Check {
  return (v, p) => (typeof v === 'string' && values.includes(v) ? undefined : `'${p}' must be one of ${values.map((x) => `'${x}'`).join(', ')}`);
}

function list(item: Check, max = MAX_ARG_LIST): Check {
  return (v, p) => {
    if (!Array.isArray(v)) return `'${p}' must be an array`;
    if (v.length > max) return `'${p}' has more than ${max} elements`;
    for (let i = 0; i < v.length; i++) {
      const bad = item(v[i], `${p}[${i}]`);
      if (bad) return bad;
    }
    return undefined;
  };
}

/** `limits`: NAME → positive integer; the names are checked by resolveLimits at launch (model/limits.ts). */
const limitsArg: Check = (v, p) => {
  if (!isObject(v)) return `'${p}' must be an object of NAME: number`;
  for (const [k, x] of Object.entries(v)) if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 1) return `'${p}.${k.slice(0, 40)}' must be a positive integer`;
  return undefined;
};

/** An object whose listed members are checked; a name ending in '?' is optional. */
function obj(members: Record<string, Check>): Check {
  const entries = Object.entries(members).map(([k, c]) => ({ key: k.replace(/\?$/, ''), optional: k.endsWith('?'), check: c }));
  // no closure per check: every request passes here (issue 12, allocation per step)
  const at = (p: string, key: string) => (p === '' ? key : `${p}.${key}`);
  return (v, p) => {
    if (!isObject(v)) return `'${p}' must be an object`;
    // a member of the wrong type first (it is what the client got wrong), then a missing one
    for (let i = 0; i < entries.length; i++) {
      const m = entries[i];
      const x = v[m.key];
      const bad = x === undefined ? undefined : m.check(x, at(p, m.key));
      if (bad) return bad;
    }
    for (let i = 0; i < entries.length; i++) {
      const m = entries[i];
      if (!m.optional && v[m.key] === undefined) return `'${at(p, m.key)}' is required`;
    }
    return undefined;
  };
}

const source = obj({ 'name?': text, 'path?': text, 'sourceReference?': nat, 'presentationHint?': text, 'origin?': text });
const valueFormat = obj({ 'hex?': bool });
const stackFrameFormat = obj({ 'hex?': bool, 'parameters?': bool, 'parameterTypes?': bool, 'parameterNames?': bool, 'parameterValues?': bool, 'line?': bool, 'module?': bool, 'includeAll?': bool });
const granularity = oneOf('statement', 'line', 'instruction');
const stepping = { threadId: int(), 'singleThread?': bool, 'granularity?': granularity };
const condition = { 'condition?': text, 'hitCondition?': text };

/** One request: the handler method of DebugSession, and the shape of `arguments` (undefined: none read). */
export interface RequestSpec {
  method: string;
  args?: Check;
}

/**
 * Every request @vscode/debugadapter dispatches to a method (DebugSession.dispatchRequest),
 * with its arguments per the DAP specification. Requests not listed go to `customRequest`.
 */
export const STANDARD_REQUESTS: Readonly<Record<string, RequestSpec>> = {
  initialize: {
    method: 'initializeRequest',
    args: obj({ 'clientID?': text, 'clientName?': text, 'adapterID?': text, 'locale?': text, 'linesStartAt1?': bool, 'columnsStartAt1?': bool, 'pathFormat?': text }),
  },
  launch: {
    method: 'launchRequest',
    // 'program' is checked by the session itself (its message names the .vlab file)
    args: obj({ 'program?': str(4096), 'stopOnEntry?': bool, 'trace?': bool, 'noDebug?': bool, 'maxHistoryBytes?': int(MIN_HISTORY_BYTES, MAX_HISTORY_BYTES), 'limits?': limitsArg }),
  },
  attach: { method: 'attachRequest', args: obj({}) },
  disconnect: { method: 'disconnectRequest', args: obj({ 'restart?': bool, 'terminateDebuggee?': bool, 'suspendDebuggee?': bool }) },
  terminate: { method: 'terminateRequest', args: obj({ 'restart?': bool }) },
  restart: { method: 'restartRequest', args: obj({ 'arguments?': obj({}) }) },
  setBreakpoints: {
    method: 'setBreakPointsRequest',
    args: obj({ source, 'breakpoints?': list(obj({ line: int(0), 'column?': nat, 'logMessage?': text, 'mode?': text, ...condition })), 'lines?': list(int(0)), 'sourceModified?': bool }),
  },
  setFunctionBreakpoints: { method: 'setFunctionBreakPointsRequest', args: obj({ breakpoints: list(obj({ name: text, ...condition })) }) },
  setExceptionBreakpoints: {
    method: 'setExceptionBreakPointsRequest',
    args: obj({ filters: list(text), 'filterOptions?': list(obj({ filterId: text, 'condition?': text, 'mode?': text })), 'exceptionOptions?': list(obj({ 'breakMode?': oneOf('never', 'always', 'unhandled', 'userUnhandled') })) }),
  },
  configurationDone: { method: 'configurationDoneRequest', args: obj({}) },
  continue: { method: 'continueRequest', args: obj({ threadId: int(), 'singleThread?': bool }) },
  next: { method: 'nextRequest', args: obj(stepping) },
  stepIn: { method: 'stepInRequest', args: obj({ ...stepping, 'targetId?': int() }) },
  stepOut: { method: 'stepOutRequest', args: obj(stepping) },
  stepBack: { method: 'stepBackRequest', args: obj(stepping) },
  reverseContinue: { method: 'reverseContinueRequest', args: obj({ threadId: int(), 'singleThread?': bool }) },
  restartFrame: { method: 'restartFrameRequest', args: obj({ frameId: int() }) },
  goto: { method: 'gotoRequest', args: obj({ threadId: int(), targetId: int() }) },
  pause: { method: 'pauseRequest', args: obj({ threadId: int() }) },
  stackTrace: { method: 'stackTraceRequest', args: obj({ threadId: int(), 'startFrame?': nat, 'levels?': nat, 'format?': stackFrameFormat }) },
  scopes: { method: 'scopesRequest', args: obj({ frameId: int() }) },
  variables: {
    method: 'variablesRequest',
    args: obj({ variablesReference: int(), 'filter?': oneOf('indexed', 'named'), 'start?': nat, 'count?': nat, 'format?': valueFormat }),
  },
  setVariable: { method: 'setVariableRequest', args: obj({ variablesReference: int(), name: text, value: text, 'format?': valueFormat }) },
  setExpression: { method: 'setExpressionRequest', args: obj({ expression: text, value: text, 'frameId?': int(), 'format?': valueFormat }) },
  source: { method: 'sourceRequest', args: obj({ 'source?': source, sourceReference: int() }) },
  threads: { method: 'threadsRequest' },
  terminateThreads: { method: 'terminateThreadsRequest', args: obj({ 'threadIds?': list(int()) }) },
  evaluate: {
    method: 'evaluateRequest',
    args: obj({ expression: text, 'frameId?': int(), 'context?': text, 'format?': valueFormat, 'line?': nat, 'column?': nat, 'source?': source }),
  },
  stepInTargets: { method: 'stepInTargetsRequest', args: obj({ frameId: int() }) },
  gotoTargets: { method: 'gotoTargetsRequest', args: obj({ source, line: int(0), 'column?': nat }) },
  completions: { method: 'completionsRequest', args: obj({ text, column: int(0), 'line?': nat, 'frameId?': int() }) },
  exceptionInfo: { method: 'exceptionInfoRequest', args: obj({ threadId: int() }) },
  loadedSources: { method: 'loadedSourcesRequest', args: obj({}) },
  dataBreakpointInfo: {
    method: 'dataBreakpointInfoRequest',
    args: obj({ name: text, 'variablesReference?': int(), 'frameId?': int(), 'bytes?': nat, 'asAddress?': bool, 'mode?': text }),
  },
  setDataBreakpoints: {
    method: 'setDataBreakpointsRequest',
    args: obj({ breakpoints: list(obj({ dataId: text, 'accessType?': oneOf('read', 'write', 'readWrite'), ...condition })) }),
  },
  readMemory: { method: 'readMemoryRequest', args: obj({ memoryReference: text, 'offset?': int(), count: nat }) },
  writeMemory: { method: 'writeMemoryRequest', args: obj({ memoryReference: text, 'offset?': int(), 'allowPartial?': bool, data: text }) },
  disassemble: {
    method: 'disassembleRequest',
    args: obj({ memoryReference: text, 'offset?': int(), 'instructionOffset?': int(), instructionCount: nat, 'resolveSymbols?': bool }),
  },
  cancel: { method: 'cancelRequest', args: obj({ 'requestId?': int(), 'progressId?': text }) },
  breakpointLocations: { method: 'breakpointLocationsRequest', args: obj({ source, line: int(0), 'column?': nat, 'endLine?': nat, 'endColumn?': nat }) },
  setInstructionBreakpoints: {
    method: 'setInstructionBreakpointsRequest',
    args: obj({ breakpoints: list(obj({ instructionReference: text, 'offset?': int(), 'mode?': text, ...condition })) }),
  },
};

/** The custom requests of protocol.ts (and of the helper contracts), by their arguments. */
export const CUSTOM_REQUESTS: Readonly<Record<string, Check | undefined>> = {
  [P.SUBCHANNELS_REQUEST]: obj({ 'only?': list(int(0, 0xffff)), 'limit?': int(1, 65536) }),
  [P.CRW_QUEUES_REQUEST]: undefined,
  [P.PAGES_REQUEST]: obj({ 'interestingOnly?': bool, 'limit?': int(1, 100_000) }),
  [P.SET_FIELD_REQUEST]: obj({ sch: int(0, 0xffff), field: str(64), value: str(256) }),
  'vlab/travel': obj({ seq: nat }),
  'vlab/dataBreakpoint': obj({ expression: text }),
};

/**
 * Why `args` is refused for `command`, as one line prefixed by the command, or undefined when
 * it is acceptable. Unknown commands are not judged here (they get their own error).
 */
export function checkRequestArgs(command: string, args: unknown): string | undefined {
  const std = Object.prototype.hasOwnProperty.call(STANDARD_REQUESTS, command) ? STANDARD_REQUESTS[command] : undefined;
  const check = std ? std.args : Object.prototype.hasOwnProperty.call(CUSTOM_REQUESTS, command) ? CUSTOM_REQUESTS[command] : undefined;
  if (!check) return undefined;
  if (args === undefined) {
    // clients omit an empty `arguments` (DebugClient does): fine when no member is required
    const bad = check({}, '');
    return bad ? `${command}: ${bad}` : undefined;
  }
  if (!isObject(args)) return `${command}: arguments must be an object`;
  const bad = check(args, '');
  return bad ? `${command}: ${bad}` : undefined;
}
