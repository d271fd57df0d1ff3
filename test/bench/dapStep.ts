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
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function session(adapter: string, program: string, timeoutMs?: number): Promise<DebugClient> {
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

export async function stepRoundTrip(adapter: string, program: string, samples: number, warmup: number, timeoutMs?: number): Promise<Rtt> {
  const times: number[] = [];
  let dc = await session(adapter, program, timeoutMs);
  // one 'terminated' listener per session (not per step): the scenario's end starts a new one
  // a plain listener: waitForEvent's timeout would fire in long sessions and keep timers alive
  const terminated = (c: DebugClient) => new Promise<'terminated'>((resolve) => c.once('terminated', () => resolve('terminated')));
  let term = terminated(dc);
  let done = 0;
  while (times.length < samples) {
    const t0 = process.hrtime.bigint();
    const stopped = dc.waitForEvent('stopped').then(() => 'stopped' as const);
    await dc.nextRequest({ threadId: 1 });
    if ((await Promise.race([stopped, term])) === 'terminated') {
      await dc.stop();
      dc = await session(adapter, program, timeoutMs);
      term = terminated(dc);
      continue;
    }
    const threads = await dc.threadsRequest();
    const tid = threads.body.threads[0].id;
    const st = await dc.stackTraceRequest({ threadId: tid, levels: 20 });
    const scopes = await dc.scopesRequest({ frameId: st.body.stackFrames[0]?.id ?? 0 });
    await Promise.all(scopes.body.scopes.map((s) => dc.variablesRequest({ variablesReference: s.variablesReference })));
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (++done > warmup) times.push(ms);
  }
  await dc.stop();
  times.sort((a, b) => a - b);
  return { samples: times.length, p50: percentile(times, 50), p99: percentile(times, 99) };
}
