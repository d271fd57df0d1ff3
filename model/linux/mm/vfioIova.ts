/**
 * The rb-tree key of an IOVA in vfio_iommu_type1 (gup §10.1: `vfio_pfn` nodes keyed by
 * `iova >> PAGE_SHIFT`). IOVAs are u64, held as bigint; a BigInt shift allocates a new BigInt
 * (V8 optimizes BigInt sums, compares and masks of 64-bit values, not shifts: issue 12 measured
 * ~20 ns a shift, a vfio-ccw I/O made several per pinned page). Below 2^53 a double holds the
 * IOVA exactly, so the key is computed there in doubles, and in BigInt above.
 */
import { PAGE_SHIFT } from './vma';

/** Below this every integer is exact as a double (2^53 − 1). */
const EXACT = Number.MAX_SAFE_INTEGER;

/** `iova >> PAGE_SHIFT` as a number (the rb-tree key). */
export function pageKey(iova: bigint): number {
  const a = Number(iova);
  return a <= EXACT && a >= -EXACT ? Math.floor(a / 4096) : Number(iova >> PAGE_SHIFT);
}

/** A mapping's IOVA range (vfio_dma: iova, size; neither changes after VFIO_IOMMU_MAP_DMA). */
interface DmaRange {
  readonly iova: bigint;
  readonly size: bigint;
}

/**
 * The mapping a page lookup found last (vfio_find_dma's answer), with its range as doubles, so
 * the next lookup of a page inside it needs no BigInt sum (each allocates a BigInt: issue 12,
 * every vfio_pin_pages and vfio_unpin_pages looks its IOVA up). Derived, not model state: a hit
 * is checked against the list as it is now (the same mapping object at the same place), so a map,
 * an unmap, or stepping back over them is never answered from a stale entry. Mappings never
 * overlap (VFIO_IOMMU_MAP_DMA refuses an overlap with −EEXIST, gup §10.1), so the mapping that
 * holds the page is the only one the list walk could find.
 */
export class LastDma<D extends DmaRange> {
  private d: D | undefined = undefined;
  private at = -1;
  private lo = 0;
  private hi = 0;

  /** list[at] when it is still the remembered mapping and holds the whole page at `iova`, else undefined. */
  hit(list: readonly D[], iova: bigint): D | undefined {
    const d = this.d;
    if (d === undefined || list[this.at] !== d) return undefined;
    const a = Number(iova);
    // a is exact below 2^53 − 4096 (so is a + 4096); lo and hi were exact when remembered
    return a >= this.lo && a <= EXACT - 4096 && a + 4096 <= this.hi ? d : undefined;
  }

  /** Remember `d`, found at list[at], when its range is exact as doubles. */
  remember(d: D, at: number): void {
    const lo = Number(d.iova);
    const hi = Number(d.iova + d.size);
    if (hi > EXACT || lo < 0) {
      this.d = undefined;
      return;
    }
    this.d = d;
    this.at = at;
    this.lo = lo;
    this.hi = hi;
  }
}
