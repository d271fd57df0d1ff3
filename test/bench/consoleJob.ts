/**
 * Console responsiveness during long Debug Console work (issue 13, debug-adapter/consoleJob.ts):
 * `gup_test -u -m MIB` typed in the console of the standalone adapter, and meanwhile `threads`
 * requests one after another; figures: the longest and the median `threads` round trip while the
 * job runs (one slice of work at most, not the whole job), and the job's own duration.
 */
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';

export interface Figure {
  name: string;
  value: number;
  unit: string;
}

export async function consoleJobBench(adapter: string, program: string, mib = 128): Promise<Figure[]> {
  const dc = new DebugClient('node', adapter, 'vlab');
  dc.defaultTimeout = 600_000;
  await dc.start();
  try {
    await dc.initializeRequest({ adapterID: 'vlab', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true, supportsProgressReporting: true });
    const stopped = dc.waitForEvent('stopped');
    await dc.launch({ program, stopOnEntry: true } as DebugProtocol.LaunchRequestArguments);
    await dc.configurationDoneRequest();
    await stopped;
    const t0 = performance.now();
    let done = false;
    const job = dc.evaluateRequest({ expression: `gup_test -u -m ${mib}`, context: 'repl' }).then(() => {
      done = true;
      return performance.now() - t0;
    });
    const lat: number[] = [];
    while (!done) {
      const t = performance.now();
      await dc.threadsRequest();
      if (!done) lat.push(performance.now() - t);
    }
    const jobMs = await job;
    lat.sort((a, b) => a - b);
    return [
      { name: `console.gup_test_u_${mib}m.job`, value: jobMs, unit: 'ms' },
      { name: `console.gup_test_u_${mib}m.threads_samples`, value: lat.length, unit: 'count' },
      { name: `console.gup_test_u_${mib}m.threads_p50`, value: lat.length ? lat[Math.floor(lat.length / 2)] : 0, unit: 'ms' },
      { name: `console.gup_test_u_${mib}m.threads_max`, value: lat.length ? lat[lat.length - 1] : 0, unit: 'ms' },
    ];
  } finally {
    await dc.stop();
  }
}
