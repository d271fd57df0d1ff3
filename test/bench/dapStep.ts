/**
 * DAP step round trip as a client like VS Code experiences it: `next` → `stopped` → threads →
 * stackTrace → scopes → variables of every scope; timed from sending `next` to the last
 * variables response. When the scenario ends, a new session is started.
 */
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';

export interface Rtt {
  samples: number;
  p50: number;
  p99: number;
  /** Samples whose stop had a structured scope (CCW, Page, vfio-ccw program) and whose rows were fetched. */
  structured: number;
}

/** The structured scopes of a stop (debug-adapter/stopState.ts), in front of the others. */
const STRUCTURED_SCOPES = new Set(['CCW', 'Page', 'vfio-ccw program']);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export async function session(adapter: string, program: string, timeoutMs?: number): Promise<DebugClient> {
  const dc = new DebugClient('node', adapter, 'vlab');
  if (timeoutMs !== undefined) dc.defaultTimeout = timeoutMs;
  await dc.start();
  await dc.initializeRequest({ adapterID: 'vlab', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
  const stopped = dc.waitForEvent('stopped');
  await dc.launch({ program, stopOnEntry: true } as DebugProtocol.LaunchRequestArguments);
  await dc.configurationDoneRequest();
  await stopped;
  return dc;
}

/**
 * `kind` 'stepIn' lands on CCW and page-grab stops, so the structured scopes (CCW, Page,
 * vfio-ccw program) are built and fetched in every sample (issue 9: scopes are lazy).
 */
export async function stepRoundTrip(adapter: string, program: string, samples: number, warmup: number, timeoutMs?: number, kind: 'next' | 'stepIn' = 'next'): Promise<Rtt> {
  const times: number[] = [];
  let dc = await session(adapter, program, timeoutMs);
  // one 'terminated' listener per session (not per step): the scenario's end starts a new one
  // a plain listener: waitForEvent's timeout would fire in long sessions and keep timers alive
  const terminated = (c: DebugClient) => new Promise<'terminated'>((resolve) => c.once('terminated', () => resolve('terminated')));
  let term = terminated(dc);
  let done = 0;
  let structured = 0;
  // the thread of the last stop (a step-in may stop in a channel thread)
  let tid0 = 1;
  while (times.length < samples) {
    const t0 = process.hrtime.bigint();
    const stopped = (dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>).then((e) => e.body.threadId ?? 1);
    // the warm-up steps over the setup statements (a million-page pin) whatever the kind
    await dc.send(done < warmup ? 'next' : kind, { threadId: tid0 });
    const r = await Promise.race([stopped, term]);
    if (r === 'terminated') {
      await dc.stop();
      dc = await session(adapter, program, timeoutMs);
      term = terminated(dc);
      tid0 = 1;
      continue;
    }
    tid0 = r;
    await dc.threadsRequest();
    const tid = r;
    const st = await dc.stackTraceRequest({ threadId: tid, levels: 20 });
    const scopes = await dc.scopesRequest({ frameId: st.body.stackFrames[0]?.id ?? 0 });
    // as VS Code: the variables of each non-expensive scope
    const fetched = scopes.body.scopes.filter((s) => !s.expensive);
    const rows = await Promise.all(fetched.map((s) => dc.variablesRequest({ variablesReference: s.variablesReference })));
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (++done > warmup) {
      times.push(ms);
      if (fetched.some((s, k) => STRUCTURED_SCOPES.has(s.name) && rows[k].body.variables.length > 0)) structured++;
    }
  }
  await dc.stop();
  times.sort((a, b) => a - b);
  return { samples: times.length, p50: percentile(times, 50), p99: percentile(times, 99), structured };
}
