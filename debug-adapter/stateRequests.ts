/**
 * The requests that show and change the machine state at a stop: threads, stack, sources,
 * scopes, variables, evaluate (with long console statements as jobs, consoleJob.ts),
 * completions, setVariable and setExpression (issue 9 "Edits", through the journal).
 */
import { Scope, Thread } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { LongRun } from './progress';
import { driveConsoleJob, type ConsoleJob } from './consoleJob';
import { prepareWrite, valueBytes, parseSid, toBase64 } from './memory';
import { prepareDirty } from './variables';
import { answer, errorText } from './answer';
import { yieldThen, type SessionCore } from './sessionCore';
import { GUEST_CPU_THREAD, CHANNEL_THREAD_BASE, HOST_KERNEL_THREAD } from '../model/engine/ids';
import { QEMU_THREAD } from '../model/qemu/threads';

/** Error response ids (body.error.id) of the state requests. */
const EVALUATE_FAILED = 3003;
const NO_SOURCE = 3010;
const SET_VARIABLE_FAILED = 3014;
const SET_EXPRESSION_FAILED = 3015;

export function threadsRequest(c: SessionCore, response: DebugProtocol.ThreadsResponse): void {
  // PRODUCT §3: the guest CPU, the host kernel and QEMU (vfio topology), one per channel program
  const ids = [GUEST_CPU_THREAD];
  const cur = c.nav?.current;
  if (c.runner) {
    if (c.runner.vfio) ids.push(HOST_KERNEL_THREAD, QEMU_THREAD);
    for (const sch of c.viewData!.activeSubchannels()) ids.push(CHANNEL_THREAD_BASE + sch);
    if (cur && !ids.includes(cur.thread)) ids.push(cur.thread);
  }
  response.body = { threads: ids.map((id) => new Thread(id, threadName(id))) };
  c.port.sendResponse(response);
}

function threadName(id: number): string {
  if (id === GUEST_CPU_THREAD) return 'guest CPU 0';
  if (id === HOST_KERNEL_THREAD) return 'host kernel (cio, vfio-ccw)';
  if (id === QEMU_THREAD) return 'QEMU (vfio-ccw relay)';
  return `channel 0.0.${(id - CHANNEL_THREAD_BASE).toString(16).padStart(4, '0')}`;
}

export function stackTraceRequest(c: SessionCore, response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
  // frames.ts: the stopped thread's model stack with explained kernel/QEMU sources; other
  // threads their queued work or current CCW, or nothing (never a placeholder)
  const frames = c.frames && Number.isInteger(args.threadId) ? c.frames.stack(args.threadId, args.threadId * 1000) : [];
  const start = args.startFrame ?? 0;
  const levels = args.levels || frames.length;
  response.body = { stackFrames: frames.slice(start, start + levels), totalFrames: frames.length };
  c.port.sendResponse(response);
}

export function sourceRequest(c: SessionCore, response: DebugProtocol.SourceResponse, args: DebugProtocol.SourceArguments): void {
  answer(c.port, response, NO_SOURCE, () => {
    const ref = args.source?.sourceReference ?? args.sourceReference;
    const content = c.frames?.kernel.content(ref);
    if (!content) throw new Error(`source: no source with reference ${String(ref)} (the frame views of this session give them out)`);
    return { content: content.text, mimeType: 'text/plain' };
  });
}

export function scopesRequest(c: SessionCore, response: DebugProtocol.ScopesResponse): void {
  response.body = { scopes: c.variables ? c.variables.scopes().map((s) => new Scope(s.name, s.ref, s.expensive)) : [] };
  c.port.sendResponse(response);
}

export function variablesRequest(c: SessionCore, response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
  response.body = { variables: c.variables ? c.variables.children(args.variablesReference, !!args.format?.hex) : [] };
  c.port.sendResponse(response);
}

export function completionsRequest(c: SessionCore, response: DebugProtocol.CompletionsResponse, args: DebugProtocol.CompletionsArguments): void {
  response.body = { targets: c.repl ? c.repl.completions(args.text ?? '', args.column ?? 1) : [] };
  c.port.sendResponse(response);
}

export function evaluateRequest(c: SessionCore, response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments, request?: DebugProtocol.Request): void {
  // long console work (gup_test) runs in slices, with progress and cancel (consoleJob.ts)
  if (request && args?.context === 'repl' && startConsoleJob(c, response, args, request)) return;
  let changed = false;
  answer(c.port, response, EVALUATE_FAILED, () => {
    if (!c.repl) throw new Error('no scenario is running');
    if (c.running) throw new Error('pause the scenario first');
    const expr = String(args.expression ?? '');
    // a structured value (irb, sch(SID), page(P, A), bufs, cp(SID), ccw(ADDR)) expands (repl.ts)
    const tree = c.variables ? c.repl.structured(expr) : undefined;
    if (tree) return { result: tree.summary, variablesReference: c.variables!.structuredRef(tree.value) };
    // hovers and watches only read; statements run only from the console; a hover over a
    // word that is no value answers an error, so the editor shows nothing
    const r = args.context === 'repl' ? c.repl.evaluate(expr) : { text: args.context === 'hover' ? c.repl.value(expr) : c.repl.expression(expr), changed: false };
    changed = r.changed;
    return { result: r.text, variablesReference: 0 };
  }, () => {
    if (changed) c.changed();
  });
}

/** Start `args.expression` as a console job when it is long work; false when it is not one. */
function startConsoleJob(c: SessionCore, response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments, request: DebugProtocol.Request): boolean {
  if (!c.repl || c.running) return false;
  let job: ConsoleJob | undefined;
  try {
    job = c.repl.job(String(args.expression ?? ''));
  } catch (e) {
    c.port.sendError(response, EVALUATE_FAILED, errorText(e));
    return true;
  }
  if (!job) return false;
  c.consoleJob = job;
  const title = `Running ${job.text.length > 60 ? `${job.text.slice(0, 57)}...` : job.text}`;
  const progress = new LongRun(`vlab-repl-${++c.runSeq}`, request.seq, title, (e) => c.port.sendEvent(e), c.progressReporting, Date.now, 0);
  job.tracker = progress;
  driveConsoleJob(job, progress, yieldThen, (out) => {
    c.consoleJob = undefined;
    if (c.disposed) return;
    if ('error' in out) {
      c.port.sendError(response, EVALUATE_FAILED, out.error);
      return;
    }
    response.body = { result: out.result.text, variablesReference: 0 };
    c.port.sendResponse(response);
    c.changed();
  });
  return true;
}

export function setVariableRequest(c: SessionCore, response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): void {
  answer(c.port, response, SET_VARIABLE_FAILED, () => {
    if (!c.variables) throw new Error('no scenario is running');
    const set = c.variables.setterOf(args.variablesReference, String(args.name))(String(args.value ?? ''));
    c.edit(set.apply, set.memory);
    return { value: String(args.value ?? '').trim() };
  });
}

export function setExpressionRequest(c: SessionCore, response: DebugProtocol.SetExpressionResponse, args: DebugProtocol.SetExpressionArguments): void {
  answer(c.port, response, SET_EXPRESSION_FAILED, () => {
    if (!c.runner || !c.repl) throw new Error('no scenario is running');
    const expr = String(args.expression ?? '').trim();
    const value = String(args.value ?? '').trim();
    const plan = planSetExpression(c, expr, value);
    c.edit(plan.apply, plan.memory);
    return { value: c.repl.expression(expr) };
  });
}

/**
 * What `expr = value` may change (issue 9 "Edits"): a guest SCHIB field through MSCH
 * (`sch(SID).pmcw.isc`, `guest(SID)…` in vfio), guest memory (`mem(ADDR, LEN)`), a page's
 * dirty flag (`page(P, A).dirty`, `bufs[i].dirty`). Everything else is read-only.
 */
function planSetExpression(c: SessionCore, expr: string, value: string): { apply: () => void; memory?: { addr: number; count: number } } {
  const runner = c.runner!;
  const vfio = !!runner.vfio;
  const field = /^(sch|guest)\((\S+)\)\.((?:pmcw|scsw)\.\w+|mda|mba\.\w+)$/.exec(expr);
  if (field && (field[1] === 'sch') !== vfio) {
    const sch = parseSid(field[2]);
    const apply = c.viewData!.prepareSetField({ sch, field: field[3], value });
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
    const pfn = Number(BigInt(c.repl!.value(`${dirty[1]}.pfn`).split(' ')[0]));
    return { apply: prepareDirty(runner, pfn, value) };
  }
  throw new Error(`read-only: ${expr} (editable: ${vfio ? 'guest(SID)' : 'sch(SID)'}.pmcw.FIELD that MSCH modifies, mem(ADDR, LEN), page(P, A).dirty)`);
}
