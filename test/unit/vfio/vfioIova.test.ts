import * as assert from 'node:assert/strict';
import { pageKey } from '../../../model/linux/mm/vfioIova';

/** IOVAs around the places where a double stops being exact, and ordinary ones. */
const EDGES = [0n, 1n, 4095n, 4096n, 4097n, 0x100000n, (1n << 53n) - 4096n, (1n << 53n) - 1n, 1n << 53n, (1n << 53n) + 1n, (1n << 53n) + 4096n, (1n << 60n) + 4096n, (1n << 64n) - 4096n, (1n << 64n) - 1n];

describe('vfio type1: the rb-tree key without a BigInt shift below 2^53 is iova >> PAGE_SHIFT (gup §10.1; issue 12)', () => {
  it('pageKey(iova) === Number(iova >> 12n), at and past 2^53', () => {
    for (const iova of EDGES) assert.equal(pageKey(iova), Number(iova >> 12n), `pageKey(0x${iova.toString(16)})`);
  });
});
