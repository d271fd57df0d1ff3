/** The page map's colour buckets (webview/pageMapColors.ts; gup §3.1–§3.3 for the thresholds). */
import * as assert from 'node:assert/strict';
import { bucketOf, legend, pinsOf } from '../../../webview/pageMapColors';
import { PAGE_MAP_FLAG as F } from '../../../debug-adapter/protocol';

const M = F.mapped;

describe('webview: page map colour buckets', () => {
  it('pincount: the exact counter where it exists, ⌊refcount / 1024⌋ on small pages (gup §3.1, §3.2)', () => {
    assert.equal(pinsOf(4, 5), 4); // THP with 4 pinned subpages: _pincount 4
    assert.equal(pinsOf(-1, 1025), 1); // small page, one FOLL_PIN: 1 + GUP_PIN_COUNTING_BIAS
    assert.equal(pinsOf(-1, 2049), 2);
    assert.equal(pinsOf(-1, 2), 0); // FOLL_GET only
    assert.deepEqual([0, 1, 3, 15, 511, 512].map((p) => bucketOf('pincount', M, 1, p, 0)), [0, 1, 2, 3, 4, 5]);
    assert.equal(legend('pincount', []).length, 6);
  });

  it('refcount: ≥ 1024 is its own bucket (a small page reads as pinned, gup §3.3); 0 is a freed folio', () => {
    assert.deepEqual([0, 1, 2, 1023, 1024, 1025].map((r) => bucketOf('refcount', M, r, -1, 0)), [0, 1, 2, 3, 4, 4]);
    // the unsigned compare keeps a wrapped refcount in the top bucket (gup §3.3)
    assert.equal(bucketOf('refcount', M, -5, -1, 0), 4);
  });

  it('flags and zone; a cell without a PTE has no bucket', () => {
    assert.equal(bucketOf('maybeDmaPinned', M | F.maybeDmaPinned, 1025, -1, 0), 1);
    assert.equal(bucketOf('dirty', M | F.dirty, 1, -1, 0), 1);
    assert.equal(bucketOf('zone', M, 1, -1, 2), 2);
    assert.equal(bucketOf('pincount', 0, 0, -1, 0), -1);
    assert.deepEqual(legend('zone', ['normal', 'movable', 'cma', 'device']), ['normal', 'movable', 'cma', 'device']);
  });
});
