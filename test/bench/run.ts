/**
 * `npm run bench`: the benchmark harness. Prints one line per figure in a stable format that
 * later issues extend:   BENCH <name> <value> <unit>
 * Figures are measurements, never assertions (the guide: no timed tests).
 */
import * as path from 'node:path';
import { stepRoundTrip } from './dapStep';
import { headless } from './headless';
import { language } from './language';
import { timeTravel } from './timetravel';
import { cssBench } from './css';
import { leanBench, leanBenchOne } from './lean';
import { gupBench } from './gup';
import { vfioBench } from './vfio';
import { SCALE_SAMPLES, scaleBench } from './scale';
import { dataBreakpointBench, dataBreakpointBench10M } from './dataBreakpoint';
import { activationBench } from './activation';
import { viewsBench } from './views';
import { picturesBench } from './pictures';
import { consoleJobBench } from './consoleJob';

const ROOT = path.resolve(__dirname, '../../..');

function print(name: string, value: number, unit: string): void {
  process.stdout.write(`BENCH ${name} ${Number.isInteger(value) ? value : value.toFixed(3)} ${unit}\n`);
}

async function main(): Promise<void> {
  const only = process.argv[2];
  if (!only || only === 'dap') {
    const r = await stepRoundTrip(path.join(ROOT, 'dist/debugAdapter.js'), path.join(ROOT, 'examples/hello.vlab'), 2000, 200);
    print('dap.step_rtt.samples', r.samples, 'count');
    print('dap.step_rtt.p50', r.p50, 'ms');
    print('dap.step_rtt.p99', r.p99, 'ms');
  }
  if (!only || only === 'headless') {
    for (const f of headless()) print(f.name, f.value, f.unit);
  }
  if (!only || only === 'language') {
    for (const f of language()) print(f.name, f.value, f.unit);
  }
  if (!only || only === 'timetravel') {
    for (const f of timeTravel()) print(f.name, f.value, f.unit);
  }
  if (!only || only === 'css') {
    for (const f of cssBench()) print(f.name, f.value, f.unit);
  }
  if (!only || only === 'lean') {
    // issue 12: lean.* / journal.* through the runner on `repeat` scenarios (65,536 subchannels, 10^6 pages)
    for (const f of leanBench(__filename, process.argv[3])) print(f.name, f.value, f.unit);
  }
  if (only === 'lean-one') {
    // one lean.* / journal.* workload in this process (leanBench runs each so)
    for (const f of leanBenchOne(process.argv[3] ?? '', process.argv[4] ?? '')) print(f.name, f.value, f.unit);
  }
  if (!only || only === 'gup') {
    for (const f of gupBench()) print(f.name, f.value, f.unit);
  }
  if (!only || only === 'vfio') {
    for (const f of vfioBench()) print(f.name, f.value, f.unit);
  }
  if (!only || only === 'databp') {
    for (const f of dataBreakpointBench()) print(f.name, f.value, f.unit);
  }
  if (only === 'databp10m') {
    // issue 12: reverse-continue across 10^7 history steps (≈ 5 GB; only when asked by name)
    for (const f of dataBreakpointBench10M()) print(f.name, f.value, f.unit);
  }
  if (!only || only === 'views') {
    // issue 10: the tree views' data with 10^6 pages / 10^4 pinned and 65,536 subchannels
    for (const f of viewsBench(Number(process.argv[3] ?? 50))) print(f.name, f.value, f.unit);
  }
  if (!only || only === 'pictures') {
    // the I/O timeline over 10^6 events, the page map over 10^6 pages (issue 10)
    for (const f of picturesBench()) print(f.name, f.value, f.unit);
  }
  if (!only || only === 'scale') {
    // 65,536 subchannels and 1,000,000 faulted pages: the step round trip at model scale
    for (const f of await scaleBench(path.join(ROOT, 'dist/debugAdapter.js'), Number(process.argv[3] ?? SCALE_SAMPLES))) print(f.name, f.value, f.unit);
  }
  if (!only || only === 'console') {
    // issue 13: `threads` answered while `gup_test -u` runs in the Debug Console (consoleJob.ts)
    for (const f of await consoleJobBench(path.join(ROOT, 'dist/debugAdapter.js'), path.join(ROOT, 'test/fixtures/pinleak.vlab'), Number(process.argv[3] ?? 128))) print(f.name, f.value, f.unit);
  }
  if (!only || only === 'activation') {
    // Node.js and web worker extension hosts (code-server + chromium; needs the VSIX)
    for (const f of activationBench(ROOT)) print(f.name, f.value, f.unit);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
