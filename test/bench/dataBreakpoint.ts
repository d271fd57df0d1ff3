/**
 * Reverse-continue with a data breakpoint across ≥ 10^6 history steps (issue 9): the history of
 * the time-travel bench (125 starts of a 4,000-CCW program), then from the end back to the start
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
  const nav = new Navigator(runner);
  if (nav.forward(() => false, Number.MAX_SAFE_INTEGER) !== 'end') throw new Error('data breakpoint bench did not reach the end');
  const steps = runner.m.history.length;
  const policy = new StopPolicy(runner, new SourceMap(scenario, 'databp.vlab'), () => 'databp.vlab', () => undefined);
  policy.setExceptions([], []);
  const walk = (dataId: string): { ms: number; stops: number } => {
    policy.setData([{ dataId }]);
    nav.goto(runner.m.history.length - 1);
    let stops = 0;
    const t0 = process.hrtime.bigint();
    for (;;) {
      const r = backwardSlice(nav, (_r, i) => !!policy.check(i), Number.MAX_SAFE_INTEGER);
      if (r === 'start') break;
      stops++;
    }
    return { ms: Number(process.hrtime.bigint() - t0) / 1e6, stops };
  };
  const changing = walk('expr:sch(0.0.0007).scsw.stctl');
  const constant = walk('expr:vmstat.nr_foll_pin_acquired');
  if (constant.stops !== 0) throw new Error('a value that never changes stopped the walk');
  return [
    { name: 'databp.history_steps', value: steps, unit: 'steps' },
    { name: 'databp.reverse_continue_stctl_all', value: changing.ms, unit: 'ms' },
    { name: 'databp.reverse_continue_stctl_stops', value: changing.stops, unit: 'count' },
    { name: 'databp.reverse_continue_unchanged', value: constant.ms, unit: 'ms' },
    { name: 'databp.reverse_continue_ns_per_step', value: Math.round((constant.ms * 1e6) / steps), unit: 'ns' },
  ];
}
