/**
 * GUP model figures (issue #4; issue 12 for the pin+unpin rates lean and journaled): pin+unpin of 262,144 small pages (1 GiB) and of 512 THPs (1 GiB),
 * pages per second, with the journal recording (time travel on, as in a debug session); bytes per
 * page of the page store; bytes per history record and per journal entry.
 * Memory deltas use process.memoryUsage().heapUsed after gc when node runs with --expose-gc;
 * otherwise the figure is an estimate and its name says so.
 */
import { parseScenario } from '../../model/scenario/parser';
import { Runner } from '../../model/scenario/runner';
import type { Figure } from './headless';

const gc = (globalThis as { gc?: () => void }).gc;

function heap(): number {
  if (gc) { gc(); gc(); }
  return process.memoryUsage().heapUsed;
}

function run(text: string): { ms: number; runner: Runner } {
  const { scenario, diagnostics } = parseScenario(text, 'bench-gup.vlab');
  if (diagnostics.length) throw new Error(diagnostics.map((d) => d.message).join('; '));
  const runner = new Runner(scenario);
  runner.m.journal.recording = true;
  const t0 = process.hrtime.bigint();
  runner.runToEnd();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (runner.expects.some((e) => !e.ok)) throw new Error(`bench expect failed: ${JSON.stringify(runner.expects.filter((e) => !e.ok))}`);
  return { ms, runner };
}

/** Statements before the measured part of PIN_UNPIN: the process, the VMA, and a first pin+unpin that faults the pages in. */
const PREFAULT_STATEMENTS = 4;
const PIN_PAGES = 262144; // 1 GiB of 4 KiB pages, as io_uring registers a 1 GiB buffer
/**
 * io_uring buffer register + unregister (gup §2.5: pin_user_pages_fast(FOLL_WRITE|FOLL_LONGTERM),
 * then unpin_user_pages) of 262,144 small pages already faulted in: the issue 12 row.
 */
const PIN_UNPIN =
  `process p pid 1\nvma p 0x7f0000000000 size 1G anon rw\n` +
  `pin_user_pages p 0x7f0000000000 ${PIN_PAGES} FOLL_WRITE -> a\nunpin_user_pages a\n` +
  `pin_user_pages_fast p 0x7f0000000000 ${PIN_PAGES} FOLL_WRITE|FOLL_LONGTERM -> b\nexpect ret == ${PIN_PAGES}\nunpin_user_pages b\nexpect pins_held == 0\n`;

/** One run of PIN_UNPIN: the measured part's time, and the history it recorded (journaled runs). */
function pinUnpinOnce(journal: boolean): { ms: number; records: number; bytes: number } {
  const { scenario, diagnostics } = parseScenario(PIN_UNPIN, 'bench-pin-unpin.vlab');
  if (diagnostics.some((d) => d.severity === 'error')) throw new Error(diagnostics.map((d) => d.message).join('; '));
  const runner = new Runner(scenario);
  if (journal) runner.m.journal.recording = true;
  else runner.m.setLean();
  while (!runner.done && runner.state.pc < PREFAULT_STATEMENTS) runner.step();
  const records0 = runner.m.history.length;
  const bytes0 = runner.m.historyBytes;
  const t0 = process.hrtime.bigint();
  runner.runToEnd();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (runner.expects.some((e) => !e.ok)) throw new Error(`bench expect failed: ${JSON.stringify(runner.expects.filter((e) => !e.ok))}`);
  return { ms, records: runner.m.history.length - records0, bytes: runner.m.historyBytes - bytes0 };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Issue 12 figures: pin+unpin pages per second lean (no journal) and journaled (a debug session),
 * each the median of 3 runs; and what the journaled run keeps for time travel (the engine's own
 * estimate, memoryEstimate.ts) per history record (a stop point) and per page pinned and unpinned.
 */
export function gupPinUnpinBench(): Figure[] {
  const out: Figure[] = [];
  for (const journal of [false, true]) {
    const runs = [0, 1, 2].map(() => pinUnpinOnce(journal));
    const mode = journal ? 'journal' : 'lean';
    out.push({ name: `gup.pin_unpin_pages_per_s.${mode}`, value: Math.round(PIN_PAGES / (median(runs.map((r) => r.ms)) / 1000)), unit: 'pages/s' });
    if (journal) {
      const r = runs[0];
      out.push({ name: 'gup.pin_unpin.journal.bytes_per_step', value: Math.round(r.bytes / r.records), unit: 'B/record' });
      out.push({ name: 'gup.pin_unpin.journal.bytes_per_page', value: Math.round(r.bytes / PIN_PAGES), unit: 'B/page' });
    }
  }
  return out;
}

export function gupBench(): Figure[] {
  const out: Figure[] = gupPinUnpinBench();
  const small = 262144;
  // faulting is part of the first pin; a second pin+unpin of the same pages measures GUP alone
  const smallText = `process p pid 1\nvma p 0x7f0000000000 size 1G anon rw\n` +
    `pin_user_pages p 0x7f0000000000 ${small} FOLL_WRITE -> a\nexpect ret == ${small}\nunpin_user_pages a\n` +
    `pin_user_pages_fast p 0x7f0000000000 ${small} FOLL_WRITE -> b\nexpect ret == ${small}\nunpin_user_pages b\nexpect pins_held == 0\n`;
  const h0 = heap();
  const s = run(smallText);
  const h1 = heap();
  out.push({ name: 'gup.small_fault_pin_unpin_x2.pages_per_s.journal', value: Math.round((2 * small) / (s.ms / 1000)), unit: 'pages/s' });
  out.push({ name: 'gup.small_fault_pin_unpin_x2.ms', value: Math.round(s.ms), unit: 'ms' });
  const st = s.runner.mm.pages;
  out.push({ name: 'gup.page_store.bytes_per_page', value: st.byteLength / st.capacity, unit: 'B/page' });
  const hist = s.runner.m.history.length;
  const jl = s.runner.m.journal.length;
  out.push({ name: 'gup.small.history_records', value: hist, unit: 'records' });
  out.push({ name: 'gup.small.journal_entries', value: jl, unit: 'entries' });
  if (gc) {
    out.push({ name: 'gup.small.heap_bytes_per_history_record_incl_journal', value: Math.round((h1 - h0) / hist), unit: 'B/record' });
  } else {
    // estimate: a history record ≈ 7 fields + an event object ≈ 150 B; a journal entry ≈ 6 fields ≈ 80 B
    out.push({ name: 'gup.small.estimated_bytes_per_history_record_no_gc', value: Math.round((hist * 150 + jl * 80) / hist), unit: 'B/record' });
  }
  const thps = 512;
  const thpText = `process p pid 1\nvma p 0x7f0000000000 size 1G thp rw\n` +
    `pin_user_pages p 0x7f0000000000 ${thps * 512} FOLL_WRITE -> a\nexpect ret == ${thps * 512}\nunpin_user_pages a\n` +
    `pin_user_pages_fast p 0x7f0000000000 ${thps * 512} FOLL_WRITE -> b\nunpin_user_pages b\nexpect pins_held == 0\n`;
  const t = run(thpText);
  out.push({ name: 'gup.thp512_fault_pin_unpin_x2.pages_per_s.journal', value: Math.round((2 * thps * 512) / (t.ms / 1000)), unit: 'pages/s' });
  out.push({ name: 'gup.thp512_fault_pin_unpin_x2.ms', value: Math.round(t.ms), unit: 'ms' });
  out.push({ name: 'gup.thp512.history_records', value: t.runner.m.history.length, unit: 'records' });
  return out;
}
