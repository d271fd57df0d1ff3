/**
 * The page map's colour scales: which bucket a page falls in for the chosen metric, and the
 * legend. Pure (no DOM) so the rules are plain data (gup §3.1–§3.3 for what the counters mean).
 */
import { PAGE_MAP_FLAG as F } from '../debug-adapter/protocol';

export type Metric = 'pincount' | 'refcount' | 'maybeDmaPinned' | 'dirty' | 'zone';
export const METRICS: ReadonlyArray<[Metric, string]> = [
  ['pincount', 'pincount'],
  ['refcount', 'refcount'],
  ['maybeDmaPinned', 'maybe_dma_pinned'],
  ['dirty', 'dirty'],
  ['zone', 'zone'],
];

/** GUP_PIN_COUNTING_BIAS: a FOLL_PIN on a small page adds 1024 to its refcount (gup §3.1). */
export const BIAS = 1024;

/** Legend labels per metric; bucket i is drawn in palette colour i. */
export function legend(metric: Metric, zones: readonly string[]): string[] {
  switch (metric) {
    case 'pincount': return ['0 pins', '1', '2–3', '4–15', '16–511', '≥ 512'];
    case 'refcount': return ['0 (freed)', '1', '2–3', '4–1023', '≥ 1024 (bias)'];
    case 'maybeDmaPinned': return ['not pinned', 'maybe DMA-pinned'];
    case 'dirty': return ['clean', 'dirty'];
    case 'zone': return [...zones];
  }
}

/** A footnote for the legend, where the metric needs one. */
export function legendNote(metric: Metric): string {
  if (metric === 'pincount') return 'small pages have no exact counter: ⌊refcount / 1024⌋ (GUP_PIN_COUNTING_BIAS, gup §3.1)';
  if (metric === 'refcount') return 'the folio\'s _refcount; ≥ 1024 on a small page reads as pinned (gup §3.3)';
  if (metric === 'maybeDmaPinned') return 'folio_maybe_dma_pinned(): _pincount > 0, or refcount ≥ 1024 on small pages (gup §3.3)';
  return '';
}

/** Pins of a page: the exact counter where it exists, else the bias estimate (gup §3.2). */
export function pinsOf(pincount: number, refcount: number): number {
  return pincount >= 0 ? pincount : Math.floor((refcount >>> 0) / BIAS);
}

/** Bucket of a mapped page for `metric`; -1 for a cell without a PTE. */
export function bucketOf(metric: Metric, flags: number, refcount: number, pincount: number, zone: number): number {
  if (!(flags & F.mapped)) return -1;
  switch (metric) {
    case 'pincount': {
      const p = pinsOf(pincount, refcount);
      return p <= 0 ? 0 : p === 1 ? 1 : p < 4 ? 2 : p < 16 ? 3 : p < 512 ? 4 : 5;
    }
    case 'refcount': {
      const r = refcount >>> 0;
      return r === 0 ? 0 : r === 1 ? 1 : r < 4 ? 2 : r < BIAS ? 3 : 4;
    }
    case 'maybeDmaPinned': return flags & F.maybeDmaPinned ? 1 : 0;
    case 'dirty': return flags & F.dirty ? 1 : 0;
    case 'zone': return zone;
  }
}
