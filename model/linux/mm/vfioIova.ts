/**
 * IOVA arithmetic of vfio_iommu_type1 (gup §10.1) on the per-page path without BigInt
 * arithmetic (issue 12: a vfio-ccw I/O made several BigInts per pinned page for keys, alignment
 * and mapping lookups). IOVAs are u64, held as bigint; below 2^53 a double holds them exactly,
 * so the same comparisons are made on doubles there and in BigInt above.
 */
import { PAGE_SHIFT, PAGE_SIZE } from './vma';

/** Below this every integer is exact as a double (2^53 − 1). */
const EXACT = Number.MAX_SAFE_INTEGER;

/** `iova >> PAGE_SHIFT` as a number (the rb-tree key). */
export function pageKey(iova: bigint): number {
  const a = Number(iova);
  return a <= EXACT && a >= -EXACT ? Math.floor(a / 4096) : Number(iova >> PAGE_SHIFT);
}

/** `(iova & (PAGE_SIZE − 1)) === 0`. */
export function pageAligned(iova: bigint): boolean {
  const a = Number(iova);
  return a <= EXACT && a >= -EXACT ? a % 4096 === 0 : (iova & (PAGE_SIZE - 1n)) === 0n;
}

/**
 * Does [a, a + as) meet [b, b + bs)? As doubles when both ranges are non-negative and end below
 * 2^53 (every bound exact there), else in BigInt.
 */
export function rangesMeet(a: bigint, as: bigint, b: bigint, bs: bigint): boolean {
  const x = Number(a);
  const xe = x + Number(as);
  const y = Number(b);
  const ye = y + Number(bs);
  if (x >= 0 && xe >= x && xe <= EXACT && y >= 0 && ye >= y && ye <= EXACT) return x < ye && y < xe;
  return a < b + bs && b < a + as;
}
