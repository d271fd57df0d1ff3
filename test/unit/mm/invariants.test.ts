import * as assert from 'node:assert/strict';
import { ALL_ERAS, BUF, PID, setup } from './helpers';

const THP = 0x200000000n;

/** Small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('mm: invariants under random pin/get/release sequences', () => {
  it('releasing exactly what was obtained returns every folio to idle, in every era; undo to 0 is exact', () => {
    const apis = ['pin_user_pages', 'pin_user_pages_fast', 'pin_user_pages_remote', 'pin_user_pages_unlocked', 'get_user_pages', 'get_user_pages_fast'];
    for (const ver of ALL_ERAS) {
      const { m, mm } = setup(ver);
      mm.addVma(PID, BUF, 64n * 4096n, 'anon', { read: true, write: true });
      mm.addVma(PID, THP, 4n << 20n, 'thp', { read: true, write: true });
      mm.addVma(PID, 0x300000000n, 32n * 4096n, 'shmem', { read: true, write: true }, { zone: 'movable' });
      const rand = rng(42);
      const held: Array<{ pin: boolean; pages: number[] }> = [];
      for (let step = 0; step < 300; step++) {
        if (held.length && rand() < 0.4) {
          const h = held.splice(Math.floor(rand() * held.length), 1)[0];
          if (h.pin) mm.release(rand() < 0.5 ? 'unpin_user_pages' : 'unpin_user_pages_dirty_lock', h.pages, rand() < 0.5);
          else mm.release('put_page', h.pages);
          continue;
        }
        const api = apis[Math.floor(rand() * apis.length)];
        const base = [BUF, THP, 0x300000000n][Math.floor(rand() * 3)];
        const off = BigInt(Math.floor(rand() * 40)) * 4096n;
        const flags = rand() < 0.6 ? ['FOLL_WRITE'] : [];
        if (api.startsWith('pin') && rand() < 0.3) flags.push('FOLL_LONGTERM');
        const r = mm.gup(api, PID, base + off, 1 + Math.floor(rand() * 30), flags);
        assert.equal(r.pages.length, Math.max(r.ret, 0));
        if (r.ret > 0) held.push({ pin: api.startsWith('pin'), pages: r.pages });
        // gup §3.1/§4: from 6.5 pins of the zero page are not counted at all
        const counted = (p: number) => !(ver === '6.18' && mm.pageInfo(p).zeroPage);
        assert.equal(mm.pinsHeld(), held.filter((h) => h.pin).reduce((a, h) => a + h.pages.filter(counted).length, 0), `${ver} step ${step}`);
      }
      for (const h of held) mm.release(h.pin ? 'unpin_user_pages' : 'put_page', h.pages);
      assert.equal(mm.pinsHeld(), 0, ver);
      for (const p of mm.mappedPages()) {
        const i = mm.pageInfo(p);
        assert.equal(i.refcount, i.idleRefcount, `${ver} pfn ${p}`);
        assert.ok(i.pincount === undefined || i.pincount === 0, `${ver} pfn ${p}`);
        assert.equal(i.maybeDmaPinned, false);
      }
      m.journal.undoTo(0);
      assert.equal(mm.pages.count, 0);
      assert.ok(Array.from(mm.pages.refcount).every((x) => x === 0));
      assert.deepEqual({ ...mm.vmstat }, { nr_foll_pin_acquired: 0, nr_foll_pin_released: 0 });
    }
  });

  it('E0 (≤ 5.5): only get_user_pages*, plain references', () => {
    const { mm } = setup('5.5');
    mm.addVma(PID, BUF, 4096n, 'anon', { read: true, write: true });
    const r = mm.gup('get_user_pages_fast', PID, BUF, 1, ['FOLL_WRITE']);
    assert.equal(mm.pageInfo(r.pages[0]).refcount, 2);
    assert.equal(mm.pinsHeld(), 0);
    mm.release('put_page', r.pages);
    assert.equal(mm.pageInfo(r.pages[0]).refcount, 1);
  });
});
