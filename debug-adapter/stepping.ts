/**
 * Run control: continue, step over/in/out, step back, reverse-continue, goto, pause and cancel.
 * Running goes in slices of SLICE records that yield to the event loop, so pause and cancel get
 * in; a long run reports progress (progress.ts). Stops are announced by SessionCore.stopAt.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { levelOf, type StopTest } from './navigator';
import type { StopHit } from './stopPolicy';
import { LongRun } from './progress';
import { backwardSlice, atLine } from './runControl';
import { answer, errorText } from './answer';
import { SLICE, yieldThen, type SessionCore, type StopReason } from './sessionCore';
import { GUEST_CPU_THREAD } from '../model/engine/ids';

/** Error response ids (body.error.id) of the run-control requests. */
const GOTO_TARGETS_FAILED = 3007;
const GOTO_FAILED = 3008;

export function continueRequest(c: SessionCore, response: DebugProtocol.ContinueResponse, request?: DebugProtocol.Request): void {
  c.port.sendResponse(response);
  run(c, breakpointTest(c), 'breakpoint', request?.seq ?? 0);
}

/** next / stepIn / stepOut: answer, then run to the step's stop. */
export function stepRequest(c: SessionCore, response: DebugProtocol.Response, kind: 'over' | 'in' | 'out'): void {
  c.port.sendResponse(response);
  run(c, stepTest(c, kind), 'step');
}

export function stepBackRequest(c: SessionCore, response: DebugProtocol.StepBackResponse): void {
  c.port.sendResponse(response);
  if (!c.nav) return;
  c.nav.backward(stepTest(c, 'over'));
  c.stopAt('step', c.nav.current?.thread ?? GUEST_CPU_THREAD);
}

export function reverseContinueRequest(c: SessionCore, response: DebugProtocol.ReverseContinueResponse, request?: DebugProtocol.Request): void {
  c.port.sendResponse(response);
  runBackward(c, breakpointTest(c), request?.seq ?? 0);
}

export function gotoTargetsRequest(c: SessionCore, response: DebugProtocol.GotoTargetsResponse, args: DebugProtocol.GotoTargetsArguments): void {
  answer(c.port, response, GOTO_TARGETS_FAILED, () => {
    if (!c.bps) throw new Error('no scenario is running');
    return { targets: c.gotoTargets.find(c.bps.sources, args?.source?.path ?? c.programPath, args?.line) };
  });
}

export function gotoRequest(c: SessionCore, response: DebugProtocol.GotoResponse, args: DebugProtocol.GotoArguments): void {
  let go = () => {};
  answer(c.port, response, GOTO_FAILED, () => {
    const nav = c.nav;
    const runner = c.runner;
    if (!nav || !c.bps || !runner) throw new Error('no scenario is running');
    if (c.running) throw new Error('pause the scenario first');
    const t = c.gotoTargets.get(args?.targetId);
    const at = atLine(t, c.bps.sources, (addr) => runner.ccwFileAt(addr) ?? c.programPath);
    const k = c.gotoTargets.locate(nav, at);
    go = k !== undefined
      ? () => {
        nav.goto(k);
        c.stopAt('goto', nav.current?.thread ?? GUEST_CPU_THREAD);
      }
      // not executed yet: run forward to it (breakpoints do not stop a goto)
      : () => run(c, (r) => at(r), 'goto');
  }, () => go());
}

export function cancelRequest(c: SessionCore, response: DebugProtocol.CancelResponse, args: DebugProtocol.CancelArguments): void {
  // a console job: by the evaluate's seq or its progressId (consoleJob.ts)
  if (c.consoleJob?.tracker?.matches(args)) c.consoleJob.requestCancel();
  const long = c.longRun;
  if (long && long.matches(args)) {
    long.cancelled = true;
    c.pauseRequested = true;
  }
  // DAP: cancel is a hint; unknown ids are not an error
  c.port.sendResponse(response);
}

export function pauseRequest(c: SessionCore, response: DebugProtocol.PauseResponse): void {
  c.pauseRequested = true;
  c.port.sendResponse(response);
}

/** The scenario's first stop (launch, restart): the entry, or a run to the first breakpoint. */
export function start(c: SessionCore, stopOnEntry: boolean): void {
  if (!c.nav) return;
  if (!stopOnEntry) run(c, breakpointTest(c));
  else {
    c.nav.forward(() => true, SLICE);
    c.stopAt('entry', GUEST_CPU_THREAD);
  }
}

/** Stop condition for continue: any breakpoint kind or enabled exception filter (stopPolicy.ts). */
export function breakpointTest(c: SessionCore): StopTest {
  if (c.noDebug) return () => false;
  c.lastHit = undefined;
  return (_r, i) => {
    const hit = c.bps?.check(i);
    if (hit) c.lastHit = { index: i, hit };
    return !!hit;
  };
}

/** The breakpoint that stopped at the current record, if the last test found one there. */
function hitHere(c: SessionCore): StopHit | undefined {
  const h = c.lastHit;
  return h && c.nav && h.index === c.nav.cursor ? h.hit : undefined;
}

/** Start a long-run tracker (progress events, cancel). */
function beginLongRun(c: SessionCore, title: string, requestSeq: number): LongRun {
  c.longRun?.end();
  c.longRun = new LongRun(`vlab-run-${++c.runSeq}`, requestSeq, title, (e) => c.port.sendEvent(e), c.progressReporting);
  return c.longRun;
}

function stepTest(c: SessionCore, kind: 'over' | 'in' | 'out'): StopTest {
  const from = c.nav?.current;
  const level = from ? levelOf(from) : 0;
  const depth = from ? from.frames.length : 0;
  const thread = from?.thread ?? GUEST_CPU_THREAD;
  const bp = breakpointTest(c);
  return (r, i) => {
    if (bp(r, i)) return true;
    const l = levelOf(r);
    // the `end` record is a statement one (Runner.finish): only those are decoded to ask (a step
    // over a 10^6-page pin decoded 2 × 10^6 page events, issue 12)
    if (l === 0 && r.event.kind === 'end') return true;
    if (kind === 'in') return true;
    if (kind === 'out') return l < level || (level === 0 && l === 0);
    // over: same or coarser level; at instruction level also not deeper on the same thread
    if (l < level) return true;
    if (l > level) return false;
    return level < 2 || r.thread !== thread || r.frames.length <= depth;
  };
}

/**
 * Drive `slice` until it says it is done: a pause request stops the run; a throw stops it at
 * the guest CPU with the reason on stderr (the session stays usable).
 */
function runSlices(c: SessionCore, progress: LongRun, slice: () => 'again' | 'done'): void {
  const nav = c.nav!;
  const step = () => {
    try {
      if (c.pauseRequested) {
        c.running = false;
        progress.end('paused');
        c.stopAt('pause', nav.current?.thread ?? GUEST_CPU_THREAD);
        return;
      }
      if (slice() === 'again') yieldThen(step);
    } catch (e) {
      c.running = false;
      progress.end();
      c.output(`internal error: ${errorText(e)}\n`, 'stderr');
      c.stopAt('pause', GUEST_CPU_THREAD);
    }
  };
  // The first slice runs at once (a step usually ends in it); later slices yield so that a
  // pause request can get in.
  step();
}

/** Run forward in slices until the test passes, the end, or a pause. */
export function run(c: SessionCore, test: StopTest, reason: StopReason = 'breakpoint', requestSeq = 0): void {
  const nav = c.nav;
  if (!nav || c.running) return;
  c.running = true;
  c.pauseRequested = false;
  const progress = beginLongRun(c, reason === 'goto' ? 'Go to line' : 'Continue', requestSeq);
  let done = 0;
  runSlices(c, progress, () => {
    const r = nav.forward(test, SLICE, true);
    if (r === 'budget') {
      done += SLICE;
      progress.tick(done);
      return 'again';
    }
    c.running = false;
    progress.end();
    if (r === 'end') {
      c.finish();
      return 'done';
    }
    const hit = hitHere(c);
    c.stopAt(hit ? hit.reason : reason, r.thread, hit?.text, hit);
    return 'done';
  });
}

/** Reverse-continue in slices until a breakpoint, the first record, or a pause / cancel. */
function runBackward(c: SessionCore, test: StopTest, requestSeq: number): void {
  const nav = c.nav;
  if (!nav || c.running) return;
  c.running = true;
  c.pauseRequested = false;
  const from = nav.cursor;
  const progress = beginLongRun(c, 'Reverse continue', requestSeq);
  runSlices(c, progress, () => {
    const r = backwardSlice(nav, test, SLICE);
    if (r === 'budget') {
      progress.tick(from - nav.cursor, from > 0 ? (from - nav.cursor) / from : 1);
      return 'again';
    }
    c.running = false;
    progress.end();
    const hit = r === 'start' ? undefined : hitHere(c);
    c.stopAt(hit ? hit.reason : 'entry', nav.current?.thread ?? GUEST_CPU_THREAD, hit?.text, hit);
    return 'done';
  });
}
