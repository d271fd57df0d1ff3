/**
 * Time travel at scale (PRODUCT §6): run a long channel program with the journal on, then
 * reverse-continue from the end to the start through the navigator, and report memory per
 * history step: measured (JS heap plus array buffers, after global.gc when node runs with
 * --expose-gc) and the engine's own estimate (Machine.historyBytes, memoryEstimate.ts).
 */
import { parseScenario } from '../../model/scenario/parser';
import { Runner } from '../../model/scenario/runner';
import { Navigator } from '../../debug-adapter/navigator';
import type { Figure } from './headless';

function heap(): number {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) g();
  // typed arrays (the compact history and journal) live outside the JS heap: count them too
  const u = process.memoryUsage();
  return u.heapUsed + u.arrayBuffers;
}

export function timeTravel(starts = 125): Figure[] {
  const n = 4000;
  const ccws = Array.from({ length: n }, (_, i) => `  NOP${i < n - 1 ? ' CC' : ''} data buf`).join('\n');
  const body = Array.from({ length: starts }, () => 'ssch 0.0.0007 cpa=chain\nwait interrupt\ntsch 0.0.0007').join('\n');
  const text = `memory 64K\nchpid 40\ndevice 0.0.1234 schid 0.0.0007 type echo chpids 40 enabled\ndata buf at 0x100 zero 8\nprogram chain at 0x1000\n${ccws}\nend\n${body}\n`;
  const runner = new Runner(parseScenario(text, 'timetravel.vlab').scenario);
  const nav = new Navigator(runner);
  const h0 = heap();
  const t0 = process.hrtime.bigint();
  const r = nav.forward(() => false, Number.MAX_SAFE_INTEGER);
  const runMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r !== 'end') throw new Error('time-travel bench did not reach the end');
  const steps = runner.m.history.length;
  const entries = runner.m.journal.length;
  const h1 = heap();
  const estimated = runner.m.historyBytes;
  const t1 = process.hrtime.bigint();
  nav.backward(() => false);
  const backMs = Number(process.hrtime.bigint() - t1) / 1e6;
  if (nav.cursor !== 0) throw new Error('reverse-continue did not reach the start');
  const t2 = process.hrtime.bigint();
  nav.forward(() => false, Number.MAX_SAFE_INTEGER);
  const replayMs = Number(process.hrtime.bigint() - t2) / 1e6;
  const gc = typeof (globalThis as { gc?: unknown }).gc === 'function';
  return [
    { name: 'timetravel.history_steps', value: steps, unit: 'steps' },
    { name: 'timetravel.journal_entries', value: entries, unit: 'entries' },
    { name: 'timetravel.record_steps_per_s', value: Math.round(steps / (runMs / 1000)), unit: 'steps/s' },
    { name: 'timetravel.reverse_continue_all', value: backMs, unit: 'ms' },
    { name: 'timetravel.replay_forward_all', value: replayMs, unit: 'ms' },
    { name: `timetravel.bytes_per_step${gc ? '' : '.nogc'}`, value: Math.round((h1 - h0) / steps), unit: 'bytes' },
    { name: 'timetravel.estimated_bytes_per_step', value: Math.round(estimated / steps), unit: 'bytes' },
  ];
}
