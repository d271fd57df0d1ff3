import * as assert from 'node:assert/strict';
import { pageAligned, pageKey, rangesMeet } from '../../../model/linux/mm/vfioIova';

/** IOVAs around the places where a double stops being exact, and ordinary ones. */
const EDGES = [0n, 1n, 4095n, 4096n, 4097n, 0x100000n, (1n << 53n) - 4096n, (1n << 53n) - 1n, 1n << 53n, (1n << 53n) + 1n, (1n << 53n) + 4096n, (1n << 60n) + 4096n, (1n << 64n) - 4096n, (1n << 64n) - 1n];

describe('vfio type1: IOVA arithmetic without BigInt below 2^53 gives the BigInt answers (gup §10.1; issue 12)', () => {
  it('pageKey is iova >> PAGE_SHIFT and pageAligned is (iova & 0xfff) === 0, at and past 2^53', () => {
    for (const iova of EDGES) {
      assert.equal(pageKey(iova), Number(iova >> 12n), `pageKey(0x${iova.toString(16)})`);
      assert.equal(pageAligned(iova), (iova & 4095n) === 0n, `pageAligned(0x${iova.toString(16)})`);
    }
  });

  it('rangesMeet is a < b + bs && b < a + as for every pair of edges and sizes', () => {
    const sizes = [1n, 4096n, 8192n, 1n << 52n, 1n << 53n];
    for (const a of EDGES) {
      for (const b of EDGES) {
        for (const as of sizes) {
          for (const bs of sizes) {
            assert.equal(rangesMeet(a, as, b, bs), a < b + bs && b < a + as, `[0x${a.toString(16)} +0x${as.toString(16)}) vs [0x${b.toString(16)} +0x${bs.toString(16)})`);
          }
        }
      }
    }
  });
});
