/** Small helpers for the DAP tests of the state and code views (issue 9). */
import * as path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import * as P from '../../debug-adapter/protocol';

export const ROOT = path.resolve(__dirname, '../../..');
export const ADAPTER = path.join(ROOT, 'dist/debugAdapter.js');
export const example = (name: string): string => path.join(ROOT, 'examples', name);
export const fixture = (name: string): string => path.join(ROOT, 'test/fixtures', name);

/**
 * A fresh standalone adapter for every test of the enclosing `describe`: `set` receives it,
 * `setup` (optional) runs after it started (launch, listeners); it is stopped after each test.
 */
export function useAdapter(set: (dc: DebugClient) => void, setup?: (dc: DebugClient) => Promise<void> | void): void {
  let dc: DebugClient | undefined;
  beforeEach(async () => {
    dc = new DebugClient('node', ADAPTER, 'vlab');
    set(dc);
    await dc.start();
    await setup?.(dc);
  });
  afterEach(async () => {
    await dc?.stop();
  });
}

/** A progress event as the console-job tests record it (progressStart / progressUpdate / progressEnd). */
export interface ProgressRecord {
  event: string;
  body: { progressId: string; percentage?: number; requestId?: number; message?: string; cancellable?: boolean };
}

/**
 * For the console-job tests (debug-adapter/consoleJob.ts): records every progress event into
 * `progress`, launches `program` with progress reporting, stopped on entry, then runs to `line`.
 */
export async function launchWithProgress(dc: DebugClient, program: string, line: number, progress: ProgressRecord[]): Promise<void> {
  for (const e of ['progressStart', 'progressUpdate', 'progressEnd']) dc.on(e, (ev: DebugProtocol.Event) => progress.push({ event: e, body: ev.body }));
  await dc.initializeRequest({ adapterID: 'vlab', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true, supportsProgressReporting: true });
  const stopped = dc.waitForEvent('stopped');
  await dc.send('launch', { program, stopOnEntry: true });
  await dc.configurationDoneRequest();
  await stopped;
  await runTo(dc, program, line);
}

/** What a watch shows for `expression`, or `error: …` with the error answer's text. */
export async function watch(dc: DebugClient, expression: string): Promise<string> {
  try {
    return (await dc.evaluateRequest({ expression, context: 'watch' })).body.result;
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}

/**
 * Everything a cancelled console job must leave as it was: the watches of `expressions`, the
 * history's length, the stop's seq and the top frame's line.
 */
export async function stateSnapshot(dc: DebugClient, expressions: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const e of expressions) out.push(`${e} = ${await watch(dc, e)}`);
  const t = (await dc.customRequest(P.TIMELINE_REQUEST, { count: 1 })).body as P.TimelineResponse;
  out.push(`history ${t.historyLength}`, `stop seq ${t.currentSeq}`);
  out.push(`line ${(await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].line}`);
  return out;
}

/** Resolves once `pred` holds (polled every 5 ms: orders are asserted, never times). */
export async function waitFor(pred: () => boolean): Promise<void> {
  while (!pred()) await new Promise((r) => setTimeout(r, 5));
}

export async function launch(dc: DebugClient, program: string): Promise<DebugProtocol.StoppedEvent> {
  await dc.initializeRequest({ adapterID: 'vlab', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.launch({ program, stopOnEntry: true } as DebugProtocol.LaunchRequestArguments);
  await dc.configurationDoneRequest();
  return stopped;
}

export async function step(dc: DebugClient, kind: 'next' | 'stepIn' | 'stepOut' | 'stepBack' | 'continue' | 'reverseContinue', threadId = 1): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.send(kind, { threadId });
  return stopped;
}

/** Continue to a breakpoint on `line` of `program` (cleared again afterwards). */
export async function runTo(dc: DebugClient, program: string, line: number): Promise<DebugProtocol.StoppedEvent> {
  await dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [{ line }] });
  const ev = await step(dc, 'continue');
  await dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [] });
  return ev;
}

export async function frames(dc: DebugClient, threadId: number): Promise<DebugProtocol.StackFrame[]> {
  return (await dc.stackTraceRequest({ threadId })).body.stackFrames;
}

export async function scopes(dc: DebugClient, threadId: number): Promise<DebugProtocol.Scope[]> {
  const f = await frames(dc, threadId);
  return (await dc.scopesRequest({ frameId: f[0]?.id ?? 0 })).body.scopes;
}

export async function vars(dc: DebugClient, ref: number): Promise<DebugProtocol.Variable[]> {
  return (await dc.variablesRequest({ variablesReference: ref })).body.variables;
}

/** The rows of scope `name` at the current stop of `threadId`, by row name. */
export async function scope(dc: DebugClient, threadId: number, name: string): Promise<Map<string, DebugProtocol.Variable>> {
  const s = (await scopes(dc, threadId)).find((x) => x.name === name);
  if (!s) throw new Error(`no scope ${name}`);
  return byName(await vars(dc, s.variablesReference));
}

export function byName(v: DebugProtocol.Variable[]): Map<string, DebugProtocol.Variable> {
  return new Map(v.map((x) => [x.name, x]));
}

/** Expand a row and return its children by name. */
export async function expand(dc: DebugClient, v: DebugProtocol.Variable | undefined): Promise<Map<string, DebugProtocol.Variable>> {
  if (!v || !v.variablesReference) throw new Error(`not expandable: ${v?.name}`);
  return byName(await vars(dc, v.variablesReference));
}

export const b64 = (s: string): string => Buffer.from(s, 'latin1').toString('base64');
export const unb64 = (s: string): string => Buffer.from(s, 'base64').toString('latin1');
