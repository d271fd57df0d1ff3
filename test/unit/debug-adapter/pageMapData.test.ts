/** The page map's cells (PRODUCT §4 "page map"; gup §3.1–§3.3 for the counters). */
import * as assert from 'node:assert/strict';
import { parseScenario } from '../../../model/scenario/parser';
import { Runner } from '../../../model/scenario/runner';
import { PageMapData, base64 } from '../../../debug-adapter/pageMapData';
import { PAGE_MAP_FLAG as F } from '../../../debug-adapter/protocol';

const SCENARIO = `kernel 6.18
process p pid 1
vma p 0x200000 size 2M thp rw
vma p 0x600000 size 16K anon rw
pin_user_pages p 0x200000 4 FOLL_WRITE -> t
pin_user_pages p 0x601000 1 FOLL_WRITE -> s
`;

function run(text: string): Runner {
  const r = new Runner(parseScenario(text, 'pagemap.vlab').scenario);
  while (r.step()) {
    // to the end
  }
  return r;
}

const decodeI32 = (b64: string) => new Int32Array(Uint8Array.from(Buffer.from(b64, 'base64')).buffer);
const decodeU8 = (b64: string) => Uint8Array.from(Buffer.from(b64, 'base64'));

describe('debug-adapter: page map data', () => {
  it('a PMD THP with 4 subpages pinned: 512 cells of one folio, refcount 5, _pincount 4 (gup §3.1, §3.2 E4+)', () => {
    const r = run(SCENARIO);
    const data = new PageMapData(r.mm);
    const res = data.pageMap({ pid: 1, vma: '0x200000' }, 'k', 7);
    assert.equal(res.pages, 512);
    assert.equal(res.count, 512);
    assert.deepEqual(res.processes[0].vmas.map((v) => [v.start, v.end, v.kind, v.pages, v.mapped]), [
      ['0x200000', '0x400000', 'thp', 512, 512],
      ['0x600000', '0x604000', 'anon', 4, 1],
    ]);
    const pfn = decodeI32(res.pfn);
    const head = decodeI32(res.head);
    const ref = decodeI32(res.refcount);
    const pin = decodeI32(res.pincount);
    const flags = decodeU8(res.flags);
    const order = decodeU8(res.order);
    assert.equal(pfn.length, 512);
    const h = pfn[0];
    for (let k = 0; k < 512; k++) {
      assert.equal(pfn[k], h + k, `cell ${k} maps subpage ${k}`);
      assert.equal(head[k], h);
      // gup §3.1 E4+: FOLL_PIN on a large folio adds 1 per pinned subpage to _refcount (1 + 4)
      assert.equal(ref[k], 5);
      // gup §3.2: the exact counter _pincount (page[1]) counts the 4 pins
      assert.equal(pin[k], 4);
      assert.equal(order[k], 9);
      // gup §3.3: folio_maybe_dma_pinned() is _pincount > 0 for the whole folio
      assert.equal(flags[k], F.mapped | F.writable | F.maybeDmaPinned | (k === 0 ? F.head : 0), `flags of cell ${k}`);
    }
  });

  it('a small anon page pinned once: refcount 1 + GUP_PIN_COUNTING_BIAS, no exact counter; unmapped cells are empty (gup §3.1, §3.3)', () => {
    const r = run(SCENARIO);
    const res = new PageMapData(r.mm).pageMap({ pid: 1, vma: '0x600000' }, 'k', 7);
    assert.equal(res.count, 4);
    assert.deepEqual(Array.from(decodeI32(res.pfn)).map((x) => x >= 0), [false, true, false, false]);
    assert.deepEqual(Array.from(decodeI32(res.refcount)), [0, 1025, 0, 0]);
    assert.deepEqual(Array.from(decodeI32(res.pincount)), [-1, -1, -1, -1]);
    assert.deepEqual(Array.from(decodeU8(res.flags)), [0, F.mapped | F.writable | F.maybeDmaPinned, 0, 0]);
    assert.equal(res.zones[decodeU8(res.zone)[1]], 'normal');
  });

  it('windows and bad arguments (one-line errors)', () => {
    const r = run(SCENARIO);
    const data = new PageMapData(r.mm);
    const w = data.pageMap({ pid: 1, from: 510, count: 100 }, 'k', 7);
    assert.equal(w.count, 2);
    assert.equal(w.from, 510);
    assert.throws(() => data.pageMap({ pid: 9 }, 'k', 7), /^Error: pageMap: no process with pid 9 \(known: 1\)$/);
    assert.throws(() => data.pageMap({ pid: 1, vma: '0x300000' }, 'k', 7), /no VMA starting at 0x300000/);
    assert.throws(() => data.pageMap({ pid: 1, vma: 'main' }, 'k', 7), /'vma' must be a 0x hex address/);
    assert.throws(() => data.pageMap({ count: 1e9 }, 'k', 7), /'count' must be an integer 1\.\.262144/);
    assert.throws(() => data.pageMap({ from: -1 }, 'k', 7), /'from' must be an integer 0\.\.512/);
  });

  it('search: a vaddr or a PFN finds its VMA and index; an unmapped address says so', () => {
    const r = run(SCENARIO);
    const data = new PageMapData(r.mm);
    const a = data.find({ query: '0x201234' }, 'k');
    assert.deepEqual({ ...a, pfn: undefined }, { pid: 1, vma: '0x200000', index: 1, pfn: undefined, vaddr: '0x201000' });
    const b = data.find({ query: `pfn 0x${a.pfn.toString(16)}` }, 'k');
    assert.deepEqual(b, a);
    assert.throws(() => data.find({ query: '0x900000' }, 'k'), /^Error: 0x900000 is not in any VMA of pid 1: nothing mapped there$/);
    assert.throws(() => data.find({ query: '0x602000' }, 'k'), /0x602000 is in VMA 0x600000-0x604000 of pid 1 but no page is mapped there/);
    assert.throws(() => data.find({ query: 'main' }, 'k'), /'main' is neither a user address/);
    assert.throws(() => data.find({ query: 'pfn 99999' }, 'k'), /pfn 99999 is not a page of the model/);
  });

  it('base64 matches Node for every length remainder', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 12289, 40000]) {
      const a = new Uint8Array(n).map((_, i) => (i * 37) & 255);
      assert.equal(base64(a), Buffer.from(a).toString('base64'), `length ${n}`);
    }
  });
});
