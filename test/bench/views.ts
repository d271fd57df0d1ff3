/**
 * The views' data at model scale (issue 10): what the adapter computes for the tree views at a
 * stop, measured in process through the same ViewData the session uses (debug-adapter/viewData.ts):
 *  - Pages: the summary and the first 1,000 folio rows of the big VMA, with 1,000,000 faulted
 *    pages and 10,000 pinned (interesting-only, the default), and the "all pages" mode;
 *  - Subchannels: the first 256 of 65,536 defined subchannels with their field groups; Channel
 *    Paths over the 65,536;
 *  - stop → every view refreshed: setStop plus all the requests the four views make at a stop,
 *    per step over a run of small statements (p50 / max).
 * Figures, not assertions (no timed tests).
 */
import { parseScenario } from '../../model/scenario/parser';
import { Runner } from '../../model/scenario/runner';
import { Navigator } from '../../debug-adapter/navigator';
import { ViewData } from '../../debug-adapter/viewData';
import type { Figure } from './headless';

const PAGES = 1_000_000;
const PINNED = 10_000;

function scenario(steps: number): string {
  const lines = [
    'kernel 6.18',
    'memory 64K',
    'chpid 40',
    'chpid 41',
    'devices 0.0.0000-0.0.ffff schid 0.0.0000 type echo chpids 40,41 enabled',
    'process qemu pid 1000',
    'vma qemu 0x100000000 size 4G anon rw',
    `pin_user_pages qemu 0x100000000 ${PAGES} FOLL_WRITE -> all`,
    'unpin_user_pages all',
    `pin_user_pages qemu 0x100000000 ${PINNED} FOLL_WRITE -> held`,
  ];
  for (let i = 0; i < steps; i++) lines.push(`pin_user_pages qemu 0x${(0x100000000 + (PINNED + i) * 0x1000).toString(16)} 1 FOLL_WRITE -> p${i}`);
  return lines.join('\n');
}

function time(fn: () => unknown): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

export function viewsBench(steps = 50): Figure[] {
  const { scenario: sc, diagnostics } = parseScenario(scenario(steps), 'views-bench.vlab');
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`views bench scenario: ${errors[0].message}`);
  const r = new Runner(sc);
  // the adapter's default history bound, as in a user's session
  const nav = new Navigator(r);
  const v = new ViewData(r);
  const isStmt = (line: number) => (rec: { event: { kind: string; line?: number } }) => rec.event.kind === 'stmt' && rec.event.line === line;
  // run the setup (the 10^6-page pin is most of it) and stop after it
  nav.forward(isStmt(11), 100_000_000);
  v.setStop(nav.current!.journalPos);
  const vma = { pid: 1000, start: '0x100000000' };
  const out: Figure[] = [];
  out.push({ name: 'views.pages.summary_1M_pages_10k_pinned', value: time(() => v.pagesSummary({})), unit: 'ms' });
  out.push({ name: 'views.pages.first_1000_rows', value: time(() => v.vmaPages({ ...vma, count: 1000 })), unit: 'ms' });
  out.push({ name: 'views.pages.sorted_by_pincount_1000_rows', value: time(() => v.vmaPages({ ...vma, count: 1000, sort: 'pincount' })), unit: 'ms' });
  out.push({ name: 'views.pages.all_pages_summary_1M', value: time(() => v.pagesSummary({ filter: { interestingOnly: false } })), unit: 'ms' });
  out.push({ name: 'views.subchannels.first_256_of_65536', value: time(() => v.subchannels({ limit: 256 })), unit: 'ms' });
  out.push({ name: 'views.channel_paths_65536_subchannels', value: time(() => v.channelPaths()), unit: 'ms' });
  // stop → every view refreshed, per statement step
  const per: number[] = [];
  for (let i = 0; i < steps; i++) {
    const line = 12 + i;
    const t = performance.now();
    if (nav.forward(isStmt(line), 100_000_000) === 'end') break;
    const step = performance.now() - t;
    per.push(time(() => {
      v.setStop(nav.current!.journalPos);
      v.subchannels({ limit: 256 });
      v.channelPaths();
      v.crwQueues();
      v.pagesSummary({});
      v.vmaPages({ ...vma, count: 1000 });
    }));
    void step;
  }
  per.sort((a, b) => a - b);
  out.push({ name: 'views.stop_to_all_views.samples', value: per.length, unit: 'count' });
  out.push({ name: 'views.stop_to_all_views.p50', value: per[Math.floor(per.length / 2)] ?? NaN, unit: 'ms' });
  out.push({ name: 'views.stop_to_all_views.max', value: per[per.length - 1] ?? NaN, unit: 'ms' });
  return out;
}
