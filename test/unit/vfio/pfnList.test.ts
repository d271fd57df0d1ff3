import * as assert from 'node:assert/strict';
import { Journal } from '../../../model/engine/journal';
import { PfnList } from '../../../model/linux/mm/vfioPfnList';
import { IOMMU_READ, IOMMU_WRITE } from '../../../model/linux/mm/vfioType1';
import { BUF, PID, setup } from '../mm/helpers';

/** A deterministic pseudo-random sequence (no Math.random in tests). */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const entries = <V>(m: Iterable<[number, V]>): Array<[number, V]> => [...m];

describe('vfio type1: the pfn list behaves as the Map it replaces (gup §10.1 dma->pfn_list; issue 12)', () => {
  for (const keys of [8, 200]) {
    it(`random set / delete / get over ${keys} keys: same entries in the same order, sizes and lookups as a Map`, () => {
      const rnd = lcg(keys);
      const l = new PfnList<number>();
      const m = new Map<number, number>();
      for (let step = 0; step < 20_000; step++) {
        const k = Math.floor(rnd() * keys) * 7 + 3;
        const op = rnd();
        if (op < 0.5) {
          l.set(k, step);
          m.set(k, step);
        } else assert.equal(l.delete(k), m.delete(k));
        assert.equal(l.size, m.size);
        assert.equal(l.has(k), m.has(k));
        assert.equal(l.get(k), m.get(k));
        if (step % 97 === 0) assert.deepEqual(entries(l), entries(m));
      }
      assert.deepEqual([...l.keys()], [...m.keys()]);
      assert.deepEqual([...l.values()], [...m.values()]);
    });
  }

  it('a key set again after its delete goes to the end, as in a Map', () => {
    const l = new PfnList<string>();
    l.set(2, 'a').set(3, 'b').set(4, 'c');
    l.delete(2);
    l.set(2, 'd');
    l.set(3, 'e'); // an existing key keeps its place
    assert.deepEqual(entries(l), [[3, 'e'], [4, 'c'], [2, 'd']]);
  });

  it('small lists with the same entries in the same order are equal field by field (the lean/journal digest)', () => {
    const a = new PfnList<number>();
    const b = new PfnList<number>();
    a.set(1, 1).set(2, 2).set(3, 3);
    a.delete(2);
    a.delete(1);
    b.set(3, 3);
    assert.deepEqual(a, b);
  });

  it('journal mapSet / mapDelete on a pfn list are undone and redone like a Map\'s', () => {
    const j = new Journal();
    const l = new PfnList<string>();
    j.mapSet(l, 5, 'x');
    j.mapSet(l, 6, 'y');
    j.mapSet(l, 5, 'z');
    j.mapDelete(l, 6);
    j.mapDelete(l, 7); // absent: nothing recorded
    assert.equal(j.length, 4);
    j.undoTo(2);
    assert.deepEqual(entries(l), [[5, 'x'], [6, 'y']]);
    j.undoTo(0);
    assert.equal(l.size, 0);
    j.redoTo(4);
    assert.deepEqual(entries(l), [[5, 'z']]);
  });

  it('IOVAs at and past 2^53 keep exact rb-tree keys and mapping lookups (BigInt path, gup §10.1)', () => {
    const { mm } = setup('6.18');
    mm.addVma(PID, BUF, 4n * 4096n, 'anon', { read: true, write: true });
    const high = 1n << 60n;
    assert.equal(mm.vfio.map(PID, high, BUF, 4n * 4096n, IOMMU_READ | IOMMU_WRITE), 0);
    const r = mm.vfio.pin([high + 4096n], IOMMU_WRITE);
    assert.equal(r.ret, 1);
    assert.equal(mm.vfio.vpfn(high + 4096n)?.refCount, 1);
    assert.equal(mm.vfio.vpfn(high), undefined); // the neighbour 2^60 is not pinned
    assert.equal(mm.vfio.findDma(high + 3n * 4096n), mm.vfio.dmas[0]);
    assert.equal(mm.vfio.findDma(high + 4n * 4096n), undefined); // one page past the mapping
    assert.equal(mm.vfio.findDma(high - 4096n), undefined);
    mm.vfio.unpin([high + 4096n]);
    assert.equal(mm.vfio.vpfn(high + 4096n), undefined);
    assert.equal(mm.pinsHeld(), 0);
    // vfio_pin_pages takes page frame numbers: an unaligned IOVA is a caller bug, below and past 2^53
    assert.throws(() => mm.vfio.pin([high + 1n], IOMMU_WRITE), /not page aligned/);
    assert.throws(() => mm.vfio.pin([4096n + 8n], IOMMU_WRITE), /not page aligned/);
  });
});
