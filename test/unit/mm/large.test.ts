import * as assert from 'node:assert/strict';
import { Mm } from '../../../model/linux/mm/mm';
import { PID, setup } from './helpers';

const THP = 0x200000000n; // 2 MiB aligned
const FILE = 0x300000000n;

function thp(mm: Mm, mib = 4): void {
  mm.addVma(PID, THP, BigInt(mib) << 20n, 'thp', { read: true, write: true });
}

describe('mm: large folios by era (gup §3.1, §3.2)', () => {
  it('era matrix: one FOLL_PIN of a THP subpage lands on the head: ref +1 and exact pincount (E2+), +1 only in E1', () => {
    // gup §3.1 "FOLL_PIN on order ≥ 2 … per subpage pinned": E1 ref +1; E2 ref +1, P(page[2]) +1; E3 page[1]; E4/E5 _pincount
    const exp: Record<string, { pin: number | undefined; page: 1 | 2 | undefined; field: string }> = {
      '5.6': { pin: undefined, page: undefined, field: '' },
      '5.7': { pin: 1, page: 2, field: 'hpage_pinned_refcount' },
      '5.18': { pin: 1, page: 1, field: 'compound_pincount' },
      '6.3': { pin: 1, page: 1, field: '_pincount' },
      '6.18': { pin: 1, page: 1, field: '_pincount' },
    };
    for (const [ver, e] of Object.entries(exp)) {
      const { mm } = setup(ver);
      thp(mm);
      const r = mm.gup('pin_user_pages', PID, THP + 5n * 4096n, 1, ['FOLL_WRITE']);
      assert.equal(r.ret, 1);
      const i = mm.pageInfo(r.pages[0]);
      assert.equal(i.order, 9);
      assert.equal(i.head, r.pages[0] - 5, `${ver}: pages[i] is the exact subpage`);
      assert.equal(i.refcount, 2, `${ver}: ref +1 (PMD-mapped THP starts at 1)`);
      assert.equal(i.pincount, e.pin, ver);
      assert.equal(i.pincountPage, e.page, ver);
      assert.equal(i.pincountField, e.field, ver);
      assert.equal(i.maybeDmaPinned, ver !== '5.6', ver);
      mm.release('unpin_user_page', r.pages);
      assert.equal(mm.pageInfo(r.pages[0]).refcount, 1, ver);
      assert.equal(mm.pageInfo(r.pages[0]).pincount, ver === '5.6' ? undefined : 0, ver);
    }
  });

  it('pinning all 512 subpages adds 512 to _refcount and _pincount, acq +512 (gup §3.1 key rule)', () => {
    for (const api of ['pin_user_pages', 'pin_user_pages_fast']) {
      for (const ver of ['5.7', '5.18', '6.18']) {
        const { mm, m } = setup(ver);
        thp(mm);
        if (api === 'pin_user_pages_fast') mm.touch(PID, THP, true);
        const r = mm.gup(api, PID, THP, 512, ['FOLL_WRITE']);
        assert.equal(r.ret, 512);
        const h = mm.pageInfo(r.pages[0]);
        assert.equal(h.refcount, 513, `${api} ${ver}`);
        assert.equal(h.pincount, 512, `${api} ${ver}`);
        assert.equal(mm.vmstat.nr_foll_pin_acquired, 512);
        assert.deepEqual(r.pages, Array.from({ length: 512 }, (_, i) => h.head + i));
        const grabs = m.history.filter((x) => x.event.kind === 'page.grab').length;
        // E4+ slow path: first subpage with refs = 1, then the rest in one call; fast path: one grab.
        const expectGrabs = api === 'pin_user_pages_fast' ? 1 : ver === '6.18' ? 2 : 512;
        assert.equal(grabs, expectGrabs, `${api} ${ver} grabs`);
        mm.release('unpin_user_pages', r.pages);
        assert.equal(mm.pageInfo(r.pages[0]).refcount, 1);
        assert.equal(mm.pageInfo(r.pages[0]).pincount, 0);
        assert.equal(mm.vmstat.nr_foll_pin_released, 512);
      }
    }
  });

  it('unpin_user_pages batches consecutive entries of one folio from 5.12', () => {
    const { mm, m } = setup('6.18');
    thp(mm);
    const r = mm.gup('pin_user_pages', PID, THP, 8, ['FOLL_WRITE']);
    const before = m.history.length;
    mm.release('unpin_user_pages', r.pages);
    assert.equal(m.history.slice(before).filter((x) => x.event.kind === 'page.release').length, 1);
    const { mm: old, m: om } = setup('5.7');
    thp(old);
    const o = old.gup('pin_user_pages', PID, THP, 8, ['FOLL_WRITE']);
    const b2 = om.history.length;
    old.release('unpin_user_pages', o.pages);
    assert.equal(om.history.slice(b2).filter((x) => x.event.kind === 'page.release').length, 8);
  });

  it('order-1 folio: bias in E2, exact counter from E3, bias again on E5 32-bit (gup §3.1, §3.2)', () => {
    const cases: Array<[string, 32 | 64, number, number | undefined]> = [
      ['5.6', 64, 5, undefined],
      ['5.7', 64, 4 + 1024, undefined],
      ['5.18', 64, 5, 1],
      ['6.3', 64, 5, 1],
      ['6.18', 64, 5, 1],
      ['6.18', 32, 4 + 1024, undefined],
    ];
    for (const [ver, bits, ref, pin] of cases) {
      const { mm } = setup(ver, { bits });
      // a shared file mapping whose page cache uses order-1 folios: refcount 2 (cache) + 2 (PTEs)
      mm.addVma(PID, FILE, 8n * 4096n, 'file', { read: true, write: true }, { folioOrder: 1 });
      const r = mm.gup('pin_user_pages', PID, FILE, 1, []);
      const i = mm.pageInfo(r.pages[0]);
      assert.equal(i.order, 1);
      assert.equal(i.refcount, ref, `${ver}/${bits}`);
      assert.equal(i.pincount, pin, `${ver}/${bits}`);
      assert.equal(i.pincountPage, pin === undefined ? undefined : 1);
      mm.release('unpin_user_pages', r.pages);
      assert.equal(mm.pageInfo(r.pages[0]).refcount, 4);
    }
  });

  it('E5 32-bit: order ≥ 2 keeps _pincount in page[2]', () => {
    const { mm } = setup('6.18', { bits: 32 });
    thp(mm);
    const r = mm.gup('pin_user_pages', PID, THP, 1, ['FOLL_WRITE']);
    assert.equal(mm.pageInfo(r.pages[0]).pincountPage, 2);
    assert.equal(mm.pageInfo(r.pages[0]).pincount, 1);
  });

  it('unpin of a large folio with _pincount 0 goes to −1 (gup §3.5); freeing it reports nonzero pincount', () => {
    const { mm, m } = setup('6.18');
    thp(mm);
    const g = mm.gup('get_user_pages', PID, THP, 1, ['FOLL_WRITE']);
    mm.release('unpin_user_page', g.pages);
    const i = mm.pageInfo(g.pages[0]);
    assert.equal(i.pincount, -1);
    assert.equal(i.refcount, 1);
    assert.equal(mm.vmstat.nr_foll_pin_released, 1);
    mm.release('put_page', g.pages);
    assert.ok(m.history.some((x) => x.event.kind === 'warn' && /nonzero pincount/.test(x.event.message)));
  });

  it('large folios reach the overflow limit only after ~1024× more pins (gup §3.4)', () => {
    const { mm } = setup('6.18');
    thp(mm);
    const pfn = mm.gup('pin_user_pages', PID, THP, 1, ['FOLL_WRITE']).pages[0];
    mm.setRefcount(pfn, 2147483647);
    assert.equal(mm.gup('pin_user_pages', PID, THP, 1, ['FOLL_WRITE']).ret, 1);
    assert.equal(mm.pageInfo(pfn).refcount, -2147483648);
    assert.equal(mm.gup('pin_user_pages', PID, THP, 1, ['FOLL_WRITE']).ret, -12);
  });

  it('hugetlb: 2 MiB folios, one grab per subpage pinned', () => {
    const { mm } = setup('6.18');
    mm.addVma(PID, THP, 2n << 20n, 'hugetlb', { read: true, write: true });
    assert.throws(() => mm.addVma(PID, 0x400000000n, 4096n, 'hugetlb', { read: true, write: true }), /2 MiB/);
    const r = mm.gup('pin_user_pages', PID, THP + 4096n, 3, ['FOLL_WRITE']);
    assert.equal(r.ret, 3);
    const i = mm.pageInfo(r.pages[0]);
    assert.deepEqual([i.order, i.refcount, i.pincount, i.kind], [9, 4, 3, 'hugetlb']);
    // read fault on hugetlb allocates too (no zero page)
    const { mm: b } = setup('6.18');
    b.addVma(PID, THP, 2n << 20n, 'hugetlb', { read: true, write: true });
    assert.equal(b.pageInfo(b.gup('pin_user_pages', PID, THP, 1, []).pages[0]).zeroPage, false);
  });

  it('THP read fault maps the small zero page; a VMA too small for 2 MiB gets small pages', () => {
    const { mm } = setup('6.18');
    mm.addVma(PID, THP, 64n * 4096n, 'thp', { read: true, write: true });
    const r = mm.gup('pin_user_pages', PID, THP, 1, []);
    assert.equal(mm.pageInfo(r.pages[0]).zeroPage, true);
    const w = mm.gup('pin_user_pages', PID, THP + 4096n, 1, ['FOLL_WRITE']);
    assert.equal(mm.pageInfo(w.pages[0]).order, 0);
  });
});
