/**
 * Reverse-continue with a data breakpoint across ≥ 10^6 history steps (issue 9): the history of
 * the time-travel bench (125 starts of a 4,000-CCW program, ≈ 8,000 records each, all kept), then from the end back to the start
 * with a data breakpoint on a SCSW field that changes only at each start's status
 * (`sch(0.0.0007).scsw.stctl`, css §1.3), stopping at every change, and once more with one on a
 * value that never changes (the whole history in one walk).
 *
 * `dataBreakpointBench10M` (issue 12, `npm run bench databp10m`): the same history ten times
 * longer (1,250 starts, ≥ 10^7 records, all kept: the history bound is raised to its maximum),
 * reverse-continued from the end to the start once with a data breakpoint that never matches and
 * once with no breakpoint at all; it prints the heap and array-buffer bytes the history holds.
 */
import { parseScenario } from '../../model/scenario/parser';
import { Runner } from '../../model/scenario/runner';
import { MAX_HISTORY_BYTES, Navigator } from '../../debug-adapter/navigator';
import { SourceMap } from '../../debug-adapter/breakpoints';
import { StopPolicy } from '../../debug-adapter/stopPolicy';
import { backwardSlice } from '../../debug-adapter/runControl';
import type { Figure } from './headless';

/** The databp scenario's history, kept whole (`bound`: the history byte bound), run to its end. */
function databpHistory(starts: number, bound: number): { runner: Runner; nav: Navigator; policy: StopPolicy; steps: number } {
  const n = 4000;
  const ccws = Array.from({ length: n }, (_, i) => `  NOP${i < n - 1 ? ' CC' : ''} data buf`).join('\n');
  const body = Array.from({ length: starts }, () => 'ssch 0.0.0007 cpa=chain\nwait interrupt\ntsch 0.0.0007').join('\n');
  const text = `memory 64K\nchpid 40\ndevice 0.0.1234 schid 0.0.0007 type echo chpids 40 enabled\ndata buf at 0x100 zero 8\nprogram chain at 0x1000\n${ccws}\nend\n${body}\n`;
  const { scenario } = parseScenario(text, 'databp.vlab');
  const runner = new Runner(scenario);
  // the whole history kept (the default 256 MiB bound would trim it to ≈ 400,000 records)
  const nav = new Navigator(runner, bound);
  if (nav.forward(() => false, Number.MAX_SAFE_INTEGER) !== 'end') throw new Error('data breakpoint bench did not reach the end');
  if (nav.dropped !== 0) throw new Error(`data breakpoint bench: the history bound dropped ${nav.dropped} records`);
  const policy = new StopPolicy(runner, new SourceMap(scenario, 'databp.vlab'), () => 'databp.vlab', () => undefined);
  policy.setExceptions([], []);
  return { runner, nav, policy, steps: runner.m.history.length };
}

/**
 * Reverse-continue from the last record to the first with a data breakpoint on `dataId` (none:
 * no breakpoint at all); wall time, and the CPU time of this process (the figure that means
 * something on a loaded machine).
 */
function reverseWalk(h: ReturnType<typeof databpHistory>, dataId: string | undefined): { ms: number; cpuMs: number; stops: number } {
  const { runner, nav, policy } = h;
  policy.setData(dataId === undefined ? [] : [{ dataId }]);
  nav.goto(runner.m.history.length - 1);
  let stops = 0;
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  for (;;) {
    const r = backwardSlice(nav, (_r, i) => !!policy.check(i), Number.MAX_SAFE_INTEGER);
    if (r === 'start') break;
    stops++;
  }
  const c = process.cpuUsage(c0);
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, cpuMs: (c.user + c.system) / 1000, stops };
}

export function dataBreakpointBench(starts = 125): Figure[] {
  const h = databpHistory(starts, 2 * 1024 ** 3);
  const steps = h.steps;
  if (starts >= 125 && steps < 1_000_000) throw new Error(`data breakpoint bench: only ${steps} history steps, expected at least 10^6`);
  const walk = (dataId: string) => reverseWalk(h, dataId);
  const changing = walk('expr:sch(0.0.0007).scsw.stctl');
  const constant = walk('expr:vmstat.nr_foll_pin_acquired');
  if (constant.stops !== 0) throw new Error('a value that never changes stopped the walk');
  // css §1.3: STCTL appears with the subchannel, then goes to status pending at each start's end and back to 0 at its TSCH
  if (changing.stops !== 2 * starts + 1) throw new Error(`the STCTL walk stopped ${changing.stops} times, expected ${2 * starts + 1}`);
  return [
    { name: 'databp.history_steps', value: steps, unit: 'steps' },
    { name: 'databp.reverse_continue_stctl_all', value: changing.ms, unit: 'ms' },
    { name: 'databp.reverse_continue_stctl_all_cpu', value: changing.cpuMs, unit: 'ms' },
    { name: 'databp.reverse_continue_stctl_stops', value: changing.stops, unit: 'count' },
    { name: 'databp.reverse_continue_unchanged', value: constant.ms, unit: 'ms' },
    { name: 'databp.reverse_continue_unchanged_cpu', value: constant.cpuMs, unit: 'ms' },
    { name: 'databp.reverse_continue_ns_per_step', value: Math.round((constant.ms * 1e6) / steps), unit: 'ns' },
  ];
}

/** Reverse-continue across ≥ 10^7 history steps (issue 12 goal: < 1 s), with the memory the history holds. */
export function dataBreakpointBench10M(starts = 1250): Figure[] {
  const t0 = process.hrtime.bigint();
  const h = databpHistory(starts, MAX_HISTORY_BYTES);
  const buildS = Number(process.hrtime.bigint() - t0) / 1e9;
  if (starts >= 1250 && h.steps < 10_000_000) throw new Error(`databp10m: only ${h.steps} history steps, expected at least 10^7`);
  (globalThis as { gc?: () => void }).gc?.();
  const mem = process.memoryUsage();
  const none = reverseWalk(h, undefined);
  const unchanged = reverseWalk(h, 'expr:vmstat.nr_foll_pin_acquired');
  if (none.stops !== 0 || unchanged.stops !== 0) throw new Error('databp10m: a walk that should not stop stopped');
  return [
    { name: 'databp10m.history_steps', value: h.steps, unit: 'steps' },
    { name: 'databp10m.build', value: buildS, unit: 's' },
    { name: 'databp10m.history_bytes_estimate', value: Math.round(h.runner.m.historyBytes / 1048576), unit: 'MiB' },
    { name: 'databp10m.heap_used', value: Math.round(mem.heapUsed / 1048576), unit: 'MiB' },
    { name: 'databp10m.array_buffers', value: Math.round(mem.arrayBuffers / 1048576), unit: 'MiB' },
    { name: 'databp10m.rss', value: Math.round(mem.rss / 1048576), unit: 'MiB' },
    { name: 'databp10m.reverse_continue_no_breakpoint', value: none.ms, unit: 'ms' },
    { name: 'databp10m.reverse_continue_no_breakpoint_cpu', value: none.cpuMs, unit: 'ms' },
    { name: 'databp10m.reverse_continue_unchanged', value: unchanged.ms, unit: 'ms' },
    { name: 'databp10m.reverse_continue_unchanged_cpu', value: unchanged.cpuMs, unit: 'ms' },
    { name: 'databp10m.reverse_continue_ns_per_step', value: Math.round((unchanged.ms * 1e6) / h.steps), unit: 'ns' },
  ];
}
