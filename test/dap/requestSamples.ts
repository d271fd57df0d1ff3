/**
 * Sample arguments for every request of requestArgs.ts (valid, per the DAP specification) and
 * the hostile variants derived from them: shared by the request tests and the fuzzer.
 */
import * as path from 'node:path';
import { ROOT } from './rawClient';
import * as P from '../../debug-adapter/protocol';

const HELLO = path.join(ROOT, 'examples/hello.vlab');

/** A valid argument object for every request of the table (DAP specification shapes). */
export const SAMPLE_ARGS: Record<string, Record<string, unknown> | undefined> = {
  initialize: { adapterID: 'vlab', pathFormat: 'path' },
  launch: { program: HELLO },
  attach: {},
  disconnect: {},
  terminate: {},
  restart: {},
  setBreakpoints: { source: { path: HELLO }, breakpoints: [{ line: 7 }] },
  setFunctionBreakpoints: { breakpoints: [{ name: 'css_do_ssch' }] },
  setExceptionBreakpoints: { filters: [] },
  configurationDone: {},
  continue: { threadId: 1 },
  next: { threadId: 1 },
  stepIn: { threadId: 1 },
  stepOut: { threadId: 1 },
  stepBack: { threadId: 1 },
  reverseContinue: { threadId: 1 },
  restartFrame: { frameId: 1000 },
  goto: { threadId: 1, targetId: 1 },
  pause: { threadId: 1 },
  stackTrace: { threadId: 1 },
  scopes: { frameId: 1000 },
  variables: { variablesReference: 1 },
  setVariable: { variablesReference: 1, name: 'x', value: '1' },
  setExpression: { expression: 'x', value: '1' },
  source: { sourceReference: 1 },
  threads: undefined,
  terminateThreads: { threadIds: [1] },
  evaluate: { expression: 'time', context: 'watch' },
  stepInTargets: { frameId: 1000 },
  gotoTargets: { source: { path: HELLO }, line: 7 },
  completions: { text: 'ss', column: 3 },
  exceptionInfo: { threadId: 1 },
  loadedSources: {},
  dataBreakpointInfo: { name: 'x' },
  setDataBreakpoints: { breakpoints: [] },
  readMemory: { memoryReference: '0x0', count: 1 },
  writeMemory: { memoryReference: '0x0', data: '' },
  disassemble: { memoryReference: '0x0', instructionCount: 1 },
  cancel: {},
  breakpointLocations: { source: { path: HELLO }, line: 7 },
  setInstructionBreakpoints: { breakpoints: [] },
  [P.SUBCHANNELS_REQUEST]: { limit: 8 },
  [P.CRW_QUEUES_REQUEST]: undefined,
  [P.PAGES_REQUEST]: { interestingOnly: true },
  [P.SET_FIELD_REQUEST]: { sch: 7, field: 'pmcw.lpm', value: '0x80' },
  'vlab/travel': { seq: 0 },
  'vlab/dataBreakpoint': { expression: 'vmstat.nr_foll_pin_acquired' },
};

/** A value of another type than `v` (what a hostile or buggy client sends). */
export function wrongType(v: unknown): unknown {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return 5;
  if (typeof v === 'boolean') return 'yes';
  if (Array.isArray(v)) return { length: 1 };
  return 7;
}

/** Argument objects that must be refused: not an object, and each member (nested too) of a wrong type. */
export function hostileVariants(sample: Record<string, unknown>): unknown[] {
  const out: unknown[] = [5, 'x', [], true, null];
  const walk = (obj: Record<string, unknown>, set: (o: Record<string, unknown>) => unknown) => {
    for (const [k, v] of Object.entries(obj)) {
      out.push(set({ ...obj, [k]: wrongType(v) }));
      if (v && typeof v === 'object' && !Array.isArray(v)) walk(v as Record<string, unknown>, (inner) => set({ ...obj, [k]: inner }));
      if (Array.isArray(v) && v.length && typeof v[0] === 'object') walk(v[0] as Record<string, unknown>, (inner) => set({ ...obj, [k]: [inner] }));
    }
  };
  walk(sample, (o) => o);
  return out;
}

