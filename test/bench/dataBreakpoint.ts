/**
 * Reverse-continue with a data breakpoint across ≥ 10^6 history steps (issue 9): the history of
 * the time-travel bench (125 starts of a 4,000-CCW program, ≈ 8,000 records each, all kept), then from the end back to the start
 * with a data breakpoint on a SCSW field that changes only at each start's status
 * (`sch(0.0.0007).scsw.stctl`, css §1.3), stopping at every change, and once more with one on a
 * value that never changes (the whole history in one walk).
 */
import { parseScenario } from '../../model/scenario/parser';
import { Runner } from '../../model/scenario/runner';
import { Navigator } from '../../debug-adapter/navigator';
import { SourceMap } from '../../debug-adapter/breakpoints';
import { StopPolicy } from '../../debug-adapter/stopPolicy';
import { backwardSlice } from '../../debug-adapter/runControl';
import type { Figure } from './headless';

export function dataBreakpointBench(starts = 125): Figure[] {
  const n = 4000;
  const ccws = Array.from({ length: n }, (_, i) => `  NOP${i < n - 1 ? ' CC' : ''} data buf`).join('\n');
  const body = Array.from({ length: starts }, () => 'ssch 0.0.0007 cpa=chain\nwait interrupt\ntsch 0.0.0007').join('\n');
  const text = `memory 64K\nchpid 40\ndevice 0.0.1234 schid 0.0.0007 type echo chpids 40 enabled\ndata buf at 0x100 zero 8\nprogram chain at 0x1000\n${ccws}\nend\n${body}\n`;
  const { scenario } = parseScenario(text, 'databp.vlab');
  const runner = new Runner(scenario);
  // the whole history kept (the default 256 MiB bound would trim it to ≈ 400,000 records)
  const nav = new Navigator(runner, 2 * 1024 ** 3);
  if (nav.forward(() => false, Number.MAX_SAFE_INTEGER) !== 'end') throw new Error('data breakpoint bench did not reach the end');
  const steps = runner.m.history.length;
  if (starts >= 125 && steps < 1_000_000) throw new Error(`data breakpoint bench: only ${steps} history steps, expected at least 10^6`);
  const policy = new StopPolicy(runner, new SourceMap(scenario, 'databp.vlab'), () => 'databp.vlab', () => undefined);
  policy.setExceptions([], []);
  // wall time, and the CPU time of this process (the figure that means something on a loaded machine)
  const walk = (dataId: string): { ms: number; cpuMs: number; stops: number } => {
    policy.setData([{ dataId }]);
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
  };
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
