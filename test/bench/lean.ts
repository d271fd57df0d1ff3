/**
 * The issue-12 throughput figures, lean (headless, no journal) and journaled (a debug session),
 * each measured through the scenario runner on a scenario a user could write with `repeat`,
 * with 65,536 subchannels defined and 10^6 pages in the model:
 *
 *   *.ssch_tsch_cycles_per_s   SSCH → TPI → TSCH cycles, one NOP CCW          (css §5.2, §5.4)
 *   *.ccw_per_s                255 command-chained NOP CCWs per SSCH           (css §3.2)
 *   *.stsch_per_s              STSCH in a loop                                 (css §5.1)
 *   *.pin_unpin_pages_per_s    pin_user_pages FOLL_LONGTERM + unpin of 1 GiB of small pages (gup §3)
 *
 * Each scenario holds its loop four times. The first is a warm-up, not timed: the peers' rates are
 * steady-state rates, and V8 compiles the hot functions of a loop only after it has run a while
 * (with the earlier loop sizes, 30–40 ms each, the first timed loops ran half-compiled code and the
 * figures came out 1.5–3× below the steady state). The other three are timed on their own, each
 * long enough (≈ 0.2–1 s on the project's machine) to be steady, and the figure is their median.
 * Lean runs step as the headless runner does (`Runner.steps`, what `runToEnd` and the Testing view
 * use), journaled runs as a debug session does (the navigator's `Runner.steps(ACTIONS_PER_CALL)`:
 * a wait's chained CCWs several per call, each a history record).
 * The journaled runs also give the bytes per history step (the engine's own estimate,
 * memoryEstimate.ts) for channel programs and for pinning.
 */
import { execFileSync } from 'node:child_process';
import { parseScenario } from '../../model/scenario/parser';
import { Runner } from '../../model/scenario/runner';
import { DEFAULT_LIMITS } from '../../model/limits';
import type { Figure } from './headless';
import { ACTIONS_PER_CALL } from '../../debug-adapter/navigator';

export const LEAN_SUBCHANNELS = 0x10000;
export const LEAN_PAGES = 1_000_000;

/** 65,536 subchannels and 10^6 faulted pages (pinned once and released, as in scale.ts). */
const SETUP = [
  'kernel 6.18',
  'memory 64K',
  'chpid 40',
  'devices 0.0.0000-0.0.ffff schid 0.0.0000 type echo chpids 40 enabled',
  'data buf at 0x100 zero 8',
  'program one at 0x1000',
  '  NOP data buf',
  'end',
  'program chain at 0x2000',
  ...Array.from({ length: 255 }, (_, i) => `  NOP${i < 254 ? ' CC' : ''} data buf`),
  'end',
  'process p pid 1000',
  'vma p 0x100000000 size 8G anon rw',
  `pin_user_pages p 0x100000000 ${LEAN_PAGES} FOLL_WRITE -> all`,
  'unpin_user_pages all',
];

/** 1 GiB of 4 KiB pages, past the faulted million (so each loop pins pages already present after the first). */
const GIB_PAGES = 262_144;

interface Workload {
  name: string;
  /** One loop of `n` iterations. */
  loop(n: number): string[];
  /** Units of work per iteration (cycles, CCWs, STSCHs, pages). */
  perIteration: number;
  unit: string;
  lean: number;
  journal: number;
}

const WORKLOADS: Workload[] = [
  {
    name: 'ssch_tsch_cycles_per_s', unit: 'cycles/s', perIteration: 1, lean: 300_000, journal: 100_000,
    loop: (n) => [`repeat ${n}`, '  ssch 0.0.ffff cpa=one', '  wait interrupt', '  tpi', '  tsch 0.0.ffff', 'end'],
  },
  {
    name: 'ccw_per_s', unit: 'ccw/s', perIteration: 255, lean: 4_000, journal: 1_000,
    loop: (n) => [`repeat ${n}`, '  ssch 0.0.ffff cpa=chain', '  wait interrupt', '  tpi', '  tsch 0.0.ffff', 'end'],
  },
  {
    name: 'stsch_per_s', unit: 'stsch/s', perIteration: 1, lean: 3_000_000, journal: 1_000_000,
    loop: (n) => [`repeat ${n}`, '  stsch 0.0.ffff', 'end'],
  },
  {
    name: 'pin_unpin_pages_per_s', unit: 'pages/s', perIteration: GIB_PAGES, lean: 10, journal: 6,
    loop: (n) => [`repeat ${n}`, `  pin_user_pages p 0x100000000 ${GIB_PAGES} FOLL_WRITE|FOLL_LONGTERM -> b`, `  expect ret == ${GIB_PAGES}`, '  unpin_user_pages b', 'end'],
  },
];

/** 10^6 pages held plus a 1 GiB pin is beyond the default maxPages (model/limits.ts), as are the loops' steps. */
const BENCH_LIMITS = { ...DEFAULT_LIMITS, maxPages: 4 * 1024 * 1024, maxSteps: 100_000_000 };

/** Loops per scenario: one warm-up, then the three timed ones. */
const LOOPS = 4;

/** The scenario of one workload: the setup, then its loop four times (the first is the warm-up). */
export function leanScenario(w: Workload, n: number): string {
  const loops = Array.from({ length: LOOPS }, () => w.loop(n)).flat();
  return [...SETUP, ...loops, 'expect 1 == 1'].join('\n') + '\n';
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Run one workload: setup and the warm-up loop untimed, then each of the three loops timed. */
function measure(w: Workload, journal: boolean): { rates: number[]; bytesPerStep: number } {
  const n = journal ? w.journal : w.lean;
  const { scenario, diagnostics } = parseScenario(leanScenario(w, n), `bench-${w.name}.vlab`, { limits: BENCH_LIMITS });
  if (diagnostics.some((d) => d.severity === 'error')) throw new Error(diagnostics.map((d) => d.message).join('; '));
  const r = new Runner(scenario, BENCH_LIMITS);
  if (!journal) r.m.setLean();
  const loops = scenario.statements.map((s, i) => (s.k === 'repeat' ? i : -1)).filter((i) => i >= 0);
  while (r.state.pc < loops[0] && r.step());
  if (r.m.history.length) r.m.dropOldestHistory(r.m.history.length); // setup history is not the loop's
  // a headless run goes through steps() (runToEnd: a wait's actions several per call, each
  // counted); a debug session too, at most ACTIONS_PER_CALL at a time (navigator.ts forward)
  const next = journal ? () => r.steps(ACTIONS_PER_CALL) > 0 : () => r.steps(BENCH_LIMITS.maxSteps) > 0;
  const rates: number[] = [];
  let bytes = 0;
  let steps = 0;
  for (const [i, start] of loops.entries()) {
    const st = scenario.statements[start];
    const end = st.k === 'repeat' ? st.end : start;
    if (i === 0) {
      while (r.state.pc <= end && next());
      if (r.m.history.length) r.m.dropOldestHistory(r.m.history.length);
      continue;
    }
    const b0 = r.m.historyBytes;
    const h0 = r.m.history.length;
    const t0 = process.hrtime.bigint();
    while (r.state.pc <= end && next());
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    rates.push(Math.round((n * w.perIteration) / (ms / 1000)));
    bytes += r.m.historyBytes - b0;
    steps += r.m.history.length - h0;
    if (journal) r.m.dropOldestHistory(r.m.history.length); // keep memory bounded between loops
  }
  r.runToEnd();
  if (r.expects.some((e) => !e.ok) || r.exceptions.length) throw new Error(`bench ${w.name}: ${JSON.stringify(r.exceptions[0] ?? r.expects.find((e) => !e.ok))}`);
  return { rates, bytesPerStep: steps ? bytes / steps : 0 };
}

/** One workload in one mode, in this process (`run.js lean-one lean|journal NAME`). */
export function leanBenchOne(mode: string, name: string): Figure[] {
  const w = WORKLOADS.find((x) => x.name === name);
  if (!w || (mode !== 'lean' && mode !== 'journal')) throw new Error(`lean-one: unknown workload '${mode} ${name}' (modes lean, journal; workloads ${WORKLOADS.map((x) => x.name).join(', ')})`);
  const journal = mode === 'journal';
  const m = measure(w, journal);
  const out: Figure[] = [{ name: `${mode}.${w.name}`, value: median(m.rates), unit: w.unit }];
  if (journal && w.name === 'ccw_per_s') out.push({ name: 'journal.bytes_per_step.channel_programs', value: Math.round(m.bytesPerStep), unit: 'bytes' });
  if (journal && w.name === 'pin_unpin_pages_per_s') out.push({ name: 'journal.bytes_per_step.pinning', value: Math.round(m.bytesPerStep), unit: 'bytes' });
  return out;
}

/**
 * Every workload (or those whose name starts with `only`), lean then journaled, each in a process
 * of its own, as the CLI runs a scenario: V8's type feedback is per process, and after the
 * channel-program workloads (or the other benches of `npm run bench`) had run in the same
 * process, the STSCH loop's statement dispatch had seen every statement kind and ran ~1.5×
 * slower (lean STSCH 7.7 M/s instead of 11.8 M/s on the project's machine).
 */
export function leanBench(runScript: string, only?: string): Figure[] {
  const out: Figure[] = [];
  for (const mode of ['lean', 'journal']) {
    for (const w of WORKLOADS) {
      if (only && !w.name.startsWith(only)) continue;
      const stdout = execFileSync(process.execPath, ['--expose-gc', runScript, 'lean-one', mode, w.name], { encoding: 'utf8', maxBuffer: 1 << 20 });
      for (const line of stdout.split('\n')) {
        const f = /^BENCH (\S+) (\S+) (\S+)$/.exec(line);
        if (f) out.push({ name: f[1], value: Number(f[2]), unit: f[3] });
      }
    }
  }
  return out;
}
