/**
 * The pictures' data at scale (PRODUCT §6, issue 10): the I/O timeline's windows over a history
 * of 1,000,000 events (a runaway TIC loop, css §3.4), and the page map's windows over a VMA of
 * 1,000,000 faulted pages with 10,000 pinned. Measured in process (no DAP framing): the adapter's
 * work per request, which is what decides whether scrolling stays fluid.
 */
import { parseScenario } from '../../model/scenario/parser';
import { Runner } from '../../model/scenario/runner';
import { MAX_HISTORY_BYTES, Navigator } from '../../debug-adapter/navigator';
import { TimelineData } from '../../debug-adapter/timelineData';
import { PageMapData } from '../../debug-adapter/pageMapData';
import type { Figure } from './headless';

export const TIMELINE_EVENTS = 1_000_000;
export const PAGE_MAP_PAGES = 1_000_000;

const TIC_LOOP = `chpid 40
device 0.0.1234 schid 0.0.0007 type echo chpids 40 enabled
data msg at 0x2000 ascii "X"
program loop at 0x1000
  top: WRITE CC count 1 data msg
  TIC top
end
ssch 0.0.0007 cpa=loop
wait interrupt
`;

const PAGES = `kernel 6.18
process qemu pid 1000
vma qemu 0x100000000 size 4G anon rw
pin_user_pages qemu 0x100000000 ${PAGE_MAP_PAGES} FOLL_WRITE -> all
unpin_user_pages all
pin_user_pages qemu 0x100000000 10000 FOLL_WRITE|FOLL_LONGTERM -> held
`;

const ms = (t0: number) => Number(process.hrtime.bigint() - BigInt(t0)) / 1e6;
const now = () => Number(process.hrtime.bigint());

export function picturesBench(): Figure[] {
  const out: Figure[] = [];
  // timeline: history of a million events
  const r = new Runner(parseScenario(TIC_LOOP, 'tic.vlab').scenario);
  // The bound is in bytes (Navigator's maxHistoryBytes): the largest allowed, so no record of the
  // million is trimmed. A trimmed history never reaches the count, so stop rather than loop.
  const nav = new Navigator(r, MAX_HISTORY_BYTES);
  while (r.m.history.length < TIMELINE_EVENTS) {
    if (nav.forward(() => false, 50_000) === 'end') break;
    if (nav.dropped > 0) throw new Error(`pictures bench: history trimmed at ${r.m.history.length} records (${nav.dropped} dropped)`);
  }
  const data = new TimelineData(() => r.m.history, false);
  out.push({ name: 'pictures.timeline.events', value: r.m.history.length, unit: 'count' });
  let t = now();
  data.rows({ count: 500 }, nav.cursor);
  out.push({ name: 'pictures.timeline.first_window', value: ms(t), unit: 'ms' });
  t = now();
  data.rows({ fromIndex: Math.floor(r.m.history.length / 2), count: 500 }, nav.cursor);
  out.push({ name: 'pictures.timeline.scroll_window', value: ms(t), unit: 'ms' });
  t = now();
  const dev = data.rows({ lanes: ['device'], fromIndex: 1000, count: 500 }, nav.cursor);
  out.push({ name: 'pictures.timeline.filtered_first', value: ms(t), unit: 'ms' });
  t = now();
  data.rows({ lanes: ['device'], fromIndex: Math.floor(dev.total / 2), count: 500 }, nav.cursor);
  out.push({ name: 'pictures.timeline.filtered_scroll', value: ms(t), unit: 'ms' });

  // page map: a million faulted pages, 10,000 pinned
  const p = new Runner(parseScenario(PAGES, 'pages.vlab').scenario);
  while (p.step()) {
    // run the setup to the end
  }
  const pm = new PageMapData(p.mm);
  t = now();
  const first = pm.pageMap({ pid: 1000, count: 65_536 }, 'a', 0);
  out.push({ name: 'pictures.pagemap.first_window_65536', value: ms(t), unit: 'ms' });
  out.push({ name: 'pictures.pagemap.vma_pages', value: first.pages, unit: 'count' });
  t = now();
  let cells = 0;
  for (let from = 0; from < PAGE_MAP_PAGES; from += 262_144) cells += pm.pageMap({ pid: 1000, from, count: 262_144 }, 'a', 0).count;
  out.push({ name: 'pictures.pagemap.all_1M_cells', value: ms(t), unit: 'ms' });
  out.push({ name: 'pictures.pagemap.cells_fetched', value: cells, unit: 'count' });
  t = now();
  pm.find({ query: '0x100080000', pid: 1000 }, 'a');
  out.push({ name: 'pictures.pagemap.find', value: ms(t), unit: 'ms' });
  return out;
}
