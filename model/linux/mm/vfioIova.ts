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
