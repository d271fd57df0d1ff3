/**
 * The rest of the gup §2.4 errno catalogue (−EEXIST, −EREMOTEIO, −EHWPOISON vs −EFAULT, −EINTR,
 * FOLL_NOWAIT → 0, the gate page), the huge zero page, PUD-sized hugetlb and memfd_pin_folios.
 */
import * as assert from 'node:assert/strict';
import { ERRNO } from '../../../model/linux/mm/mm';
import { checkMmInvariants } from '../../../model/linux/mm/invariants';
import { GATE_AREA } from '../../../model/linux/mm/gup';
import { RAW_PFN_BASE } from '../../../model/linux/mm/vma';
import { ALL_ERAS, anonRw, BUF, PID, setup, warnings } from './helpers';

const MIX = 0x7f2000000000n;

function shadowed(ver: string) {
  const r = setup(ver);
  r.mm.counting.shadow.enabled = true;
  return r;
}

describe('mm: −EEXIST, a PFN without struct page (gup §2.4)', () => {
  for (const ver of ALL_ERAS) {
    it(`${ver}: pages requested → ${ver >= '6.' ? '−EEXIST' : '−EFAULT'}; no pages array → skipped as done; fast path falls back`, () => {
      const { m, mm } = shadowed(ver);
      mm.addVma(PID, MIX, 16n * 4096n, 'mixedmap', { read: true, write: true });
      assert.equal(mm.touch(PID, MIX, false), true);
      const pfn = mm.pageAt(PID, MIX)!;
      assert.ok(pfn >= RAW_PFN_BASE);
      assert.throws(() => mm.pageInfo(pfn), /no struct page/);
      // gup §2.4 −EEXIST: "PTE maps a PFN with no struct page and pages was requested" (E4 text); −EFAULT before ≈6.1 [unverified: chosen]
      const want = ver === '6.3' || ver === '6.18' ? -ERRNO.EEXIST : -ERRNO.EFAULT;
      assert.equal(mm.gup('get_user_pages', PID, MIX, 1, []).ret, want);
      assert.equal(mm.gup('pin_user_pages', PID, MIX, 2, ['FOLL_WRITE']).ret, want);
      // gup §2.4: the fast wrappers fall back to the slow path (pte_special), same result
      assert.equal(mm.gup('pin_user_pages_fast', PID, MIX, 1, []).ret, want);
      // gup §2.4 −EEXIST is swallowed without a pages array (populate-style callers)
      assert.equal(mm.gup('get_user_pages', PID, MIX, 3, [], { pagesNull: true }).ret, 3);
      // FOLL_DUMP skips special pages: −EFAULT
      assert.equal(mm.gup('get_user_pages', PID, MIX, 1, ['FOLL_DUMP']).ret, -ERRNO.EFAULT);
      assert.ok(m.history.some((h) => h.event.kind === 'log' && /raw PFN/.test(h.event.text)));
      assert.deepEqual(checkMmInvariants(mm), []);
      assert.equal(mm.pinsHeld(), 0);
    });
  }

  it('partial success stops at the raw PFN (gup §2.4 partial success)', () => {
    const { mm } = shadowed('6.18');
    anonRw(mm, 2, MIX - 2n * 4096n);
    mm.addVma(PID, MIX, 4n * 4096n, 'mixedmap', { read: true, write: true });
    mm.touch(PID, MIX, true);
    const r = mm.gup('pin_user_pages', PID, MIX - 2n * 4096n, 4, ['FOLL_WRITE']);
    assert.equal(r.ret, 2);
    mm.release('unpin_user_pages', r.pages);
    assert.deepEqual(checkMmInvariants(mm), []);
  });
});

describe('mm: −EREMOTEIO, PCI P2PDMA pages (gup §2.4, §2.2 FOLL_PCI_P2PDMA 6.2+)', () => {
  it('no p2pdma VMA before 6.2', () => {
    assert.throws(() => setup('5.18').mm.addVma(PID, MIX, 4096n, 'p2pdma', { read: true, write: true }), /6\.2/);
  });
  for (const ver of ['6.3', '6.18']) {
    it(`${ver}: without FOLL_PCI_P2PDMA → −EREMOTEIO (slow and fast); with it → pinned; with FOLL_LONGTERM → rejected`, () => {
      const { mm } = shadowed(ver);
      mm.addVma(PID, MIX, 8n * 4096n, 'p2pdma', { read: true, write: true });
      // gup §2.4 −EREMOTEIO: PCI P2PDMA page without FOLL_PCI_P2PDMA
      assert.equal(mm.gup('pin_user_pages', PID, MIX, 1, ['FOLL_WRITE']).ret, -ERRNO.EREMOTEIO);
      assert.equal(mm.gup('pin_user_pages_fast', PID, MIX, 1, ['FOLL_WRITE']).ret, -ERRNO.EREMOTEIO);
      assert.equal(mm.gup('get_user_pages_fast', PID, MIX, 1, []).ret, -ERRNO.EREMOTEIO);
      const ok = mm.gup('pin_user_pages_fast', PID, MIX, 2, ['FOLL_WRITE', 'FOLL_PCI_P2PDMA']);
      assert.equal(ok.ret, 2);
      const i = mm.pageInfo(ok.pages[0]);
      assert.equal(i.zone, 'device');
      assert.equal(i.kind, 'p2pdma');
      assert.equal(i.refcount, 1 + 1024); // gup §3.1 small page +B
      // gup §2.3 / §5: FOLL_LONGTERM with FOLL_PCI_P2PDMA is rejected (−EINVAL for _fast, 0 for pin_user_pages)
      assert.equal(mm.gup('pin_user_pages_fast', PID, MIX, 1, ['FOLL_LONGTERM', 'FOLL_PCI_P2PDMA']).ret, -ERRNO.EINVAL);
      assert.equal(mm.gup('pin_user_pages', PID, MIX, 1, ['FOLL_LONGTERM', 'FOLL_PCI_P2PDMA']).ret, 0);
      // FOLL_LONGTERM alone: the P2PDMA refusal comes first
      assert.equal(mm.gup('pin_user_pages', PID, MIX, 1, ['FOLL_LONGTERM']).ret, -ERRNO.EREMOTEIO);
      mm.release('unpin_user_pages', ok.pages);
      assert.deepEqual(checkMmInvariants(mm), []);
      assert.equal(mm.pinsHeld(), 0);
    });
  }
});

describe('mm: −EHWPOISON vs −EFAULT, −EINTR, FOLL_NOWAIT, the gate page (gup §2.4)', () => {
  for (const ver of ALL_ERAS) {
    it(`${ver}: −EHWPOISON only with FOLL_HWPOISON; a fatal signal → −EINTR; FOLL_NOWAIT → 0; gate page write → −EFAULT`, () => {
      const { m, mm } = shadowed(ver);
      anonRw(mm);
      mm.addVma(PID, MIX, 4n * 4096n, 'file', { read: true, write: true });
      mm.touch(PID, BUF, true);
      mm.poison(mm.pageAt(PID, BUF)!);
      assert.equal(mm.gup('get_user_pages', PID, BUF, 1, ['FOLL_HWPOISON']).ret, -ERRNO.EHWPOISON); // gup §2.4 −EHWPOISON
      assert.equal(mm.gup('pin_user_pages', PID, BUF, 1, []).ret, -ERRNO.EFAULT); // gup §2.4 "else −EFAULT"
      mm.setSignalPending('fatal');
      assert.equal(mm.gup('pin_user_pages', PID, BUF + 4096n, 1, ['FOLL_WRITE']).ret, -ERRNO.EINTR); // gup §2.4 −EINTR
      mm.setSignalPending('other');
      assert.equal(mm.gup('get_user_pages', PID, BUF + 4096n, 0, []).ret, 0); // nr == 0 → 0
      mm.setSignalPending('none');
      // gup §2.4: "nothing obtained and no error code: WARN, −EFAULT (unless FOLL_NOWAIT, which may return 0)"
      const before = warnings(m).length;
      assert.equal(mm.gup('get_user_pages', PID, MIX, 2, ['FOLL_NOWAIT']).ret, 0);
      assert.equal(warnings(m).length, before); // no WARN with FOLL_NOWAIT
      mm.touch(PID, MIX, false);
      const part = mm.gup('get_user_pages', PID, MIX, 2, ['FOLL_NOWAIT']);
      assert.equal(part.ret, 1); // partial success up to the page that needs I/O
      mm.release('put_page', part.pages);
      // gup §2.4: gate page with FOLL_WRITE → −EFAULT (slow path: no VMA, in_gate_area)
      assert.equal(mm.gup('get_user_pages', PID, GATE_AREA, 1, ['FOLL_WRITE']).ret, -ERRNO.EFAULT);
      assert.ok(m.history.some((h) => h.event.kind === 'log' && /gate \(vsyscall\) page: FOLL_WRITE/.test(h.event.text)));
      // [unverified: chosen] reads also −EFAULT (vsyscall=xonly)
      assert.equal(mm.gup('get_user_pages', PID, GATE_AREA, 1, []).ret, -ERRNO.EFAULT);
      assert.ok(m.history.some((h) => h.event.kind === 'log' && /\[unverified: chosen\]/.test(h.event.text) && /xonly/.test(h.event.text)));
      assert.deepEqual(checkMmInvariants(mm), []);
    });
  }

  it('6.2+: any pending signal with FOLL_INTERRUPTIBLE → −EINTR; after partial progress the count is returned', () => {
    const { mm } = shadowed('6.18');
    anonRw(mm);
    mm.setSignalPending('other');
    assert.equal(mm.gup('pin_user_pages', PID, BUF, 2, ['FOLL_WRITE', 'FOLL_INTERRUPTIBLE']).ret, -ERRNO.EINTR);
    assert.equal(mm.gup('pin_user_pages', PID, BUF, 2, ['FOLL_WRITE']).ret, 2);
    assert.throws(() => setup('5.18').mm.gup('pin_user_pages', PID, BUF, 1, ['FOLL_INTERRUPTIBLE']), /FOLL_INTERRUPTIBLE/);
  });
});

describe('mm: the huge zero page (THP read faults)', () => {
  for (const ver of ALL_ERAS) {
    it(`${ver}: a THP read fault maps the huge zero folio; pinning it counts like an order-9 folio; a write gets a fresh THP`, () => {
      const { mm } = shadowed(ver);
      mm.addVma(PID, 0x200000n, 4n << 20n, 'thp', { read: true, write: true });
      const r = mm.gup('pin_user_pages_fast', PID, 0x200000n, 512, []); // slow fallback faults, then exact counting
      assert.equal(r.ret, 512);
      const i = mm.pageInfo(r.pages[0]);
      assert.equal(i.kind, 'hugezero');
      assert.equal(i.order, 9);
      const tracking = ver !== '5.6';
      // gup §3.1: +1 per subpage and the exact counter (E2+), [unverified: chosen] in every era incl. 6.5+
      assert.equal(i.refcount, 1 + 512);
      assert.equal(i.pincount, tracking ? 512 : undefined);
      assert.equal(mm.vmstat.nr_foll_pin_acquired, tracking ? 512 : 0);
      // fast path on an already mapped huge zero PMD: one grab for the whole leaf (gup §3.1 fast path)
      const f = mm.gup('pin_user_pages_fast', PID, 0x200000n + 4096n * 10n, 4, []);
      assert.equal(f.ret, 4);
      assert.equal(mm.pageInfo(f.pages[0]).refcount, 1 + 516);
      // FOLL_DUMP avoids the huge zero page
      assert.equal(mm.gup('get_user_pages', PID, 0x200000n, 1, ['FOLL_DUMP']).ret, -ERRNO.EFAULT);
      assert.equal(mm.touch(PID, 0x200000n, true), true);
      const now = mm.pageInfo(mm.pageAt(PID, 0x3ff000n)!);
      assert.equal(now.kind, 'anon');
      assert.equal(now.order, 9);
      mm.release('unpin_user_pages', r.pages);
      mm.release('unpin_user_pages', f.pages);
      assert.equal(mm.pageInfo(r.pages[0]).refcount, 1);
      assert.deepEqual(checkMmInvariants(mm), []);
      assert.equal(mm.pinsHeld(), 0);
    });
  }
});

describe('mm: PUD-mapped hugetlb (1 GiB, order 18)', () => {
  it('needs 1 GiB alignment; slow path pins exactly (E4 batches the run), one folio for 262,144 pages', () => {
    const { mm } = shadowed('6.18');
    const G = 1n << 30n;
    assert.throws(() => mm.addVma(PID, G + 0x200000n, G, 'hugetlb', { read: true, write: true }, { folioOrder: 18 }), /1 GiB aligned/);
    assert.throws(() => mm.addVma(PID, G, G, 'thp', { read: true, write: true }, { folioOrder: 18 }), /folio order/);
    mm.addVma(PID, G, G, 'hugetlb', { read: true, write: true }, { folioOrder: 18 });
    const r = mm.gup('pin_user_pages', PID, G + 4096n * 5n, 1000, ['FOLL_WRITE']);
    assert.equal(r.ret, 1000);
    const i = mm.pageInfo(r.pages[0]);
    assert.equal(i.order, 18);
    assert.equal(i.head, r.pages[0] - 5);
    assert.equal(i.pincount, 1000); // gup §3.1 +1 per subpage, exact
    assert.equal(i.refcount, 1 + 1000); // one PUD mapping reference + pins
    const f = mm.gup('pin_user_pages_fast', PID, G + 4096n * 100_000n, 8, []);
    assert.equal(f.ret, 8);
    assert.equal(mm.pageInfo(f.pages[0]).pincount, 1008);
    mm.release('unpin_user_pages', r.pages);
    mm.release('unpin_user_pages', f.pages);
    assert.deepEqual(checkMmInvariants(mm), []);
  });
  it('E2 keeps the exact count in page[2] for a 1 GiB folio too', () => {
    const { mm } = shadowed('5.7');
    mm.addVma(PID, 1n << 30n, 1n << 30n, 'hugetlb', { read: true, write: true }, { folioOrder: 18 });
    const r = mm.gup('pin_user_pages', PID, 1n << 30n, 3, []);
    const i = mm.pageInfo(r.pages[0]);
    assert.equal(i.pincountPage, 2);
    assert.equal(i.pincount, 3);
  });
});

describe('mm: memfd_pin_folios / unpin_folios (≈6.11+, gup §1)', () => {
  it('does not exist before ≈6.11', () => {
    const { mm } = setup('6.3');
    mm.addVma(PID, MIX, 16n * 4096n, 'shmem', { read: true, write: true });
    assert.throws(() => mm.memfdPinFolios(PID, MIX, 0n, 4095n, 4), /6\.11/);
  });
  it('one pin per folio (acq +1 per folio), max_folios, offset, migrate out of movable, unpin_folios', () => {
    const { m, mm } = shadowed('6.18');
    mm.addVma(PID, MIX, 64n * 4096n, 'shmem', { read: true, write: true }, { folioOrder: 2 });
    const r = mm.memfdPinFolios(PID, MIX, 0x1800n, 0x8fffn, 8);
    assert.equal(r.ret, 3); // folios [0x0,0x4000) [0x4000,0x8000) [0x8000,0xc000)
    assert.equal(r.offset, 0x1800);
    const i = mm.pageInfo(r.folios[0]);
    assert.equal(i.order, 2);
    assert.equal(i.pincount, 1);
    assert.equal(mm.vmstat.nr_foll_pin_acquired, 3);
    assert.equal(mm.hasPinned(PID), false); // [unverified: chosen] no mm walked
    const capped = mm.memfdPinFolios(PID, MIX, 0n, 0xffffn, 2);
    assert.equal(capped.ret, 2);
    mm.release('unpin_folios', r.folios);
    mm.release('unpin_folios', capped.folios);
    assert.equal(mm.pinsHeld(), 0);
    assert.equal(mm.memfdPinFolios(PID, MIX, 0x2000n, 0x1000n, 1).ret, -ERRNO.EINVAL);
    assert.equal(mm.memfdPinFolios(PID, MIX, 0n, 0x1000n, 0).ret, -ERRNO.EINVAL);
    assert.equal(mm.memfdPinFolios(PID, MIX, 0n, 64n * 4096n, 1).ret, -ERRNO.EINVAL);
    anonRw(mm);
    assert.equal(mm.memfdPinFolios(PID, BUF, 0n, 0n, 1).ret, -ERRNO.EINVAL); // not shmem / hugetlbfs
    assert.ok(m.history.some((h) => h.event.kind === 'log' && /memfd_pin_folios: .*\[unverified: chosen\]/.test(h.event.text)));
    // FOLL_LONGTERM semantics: movable folios are migrated before the pin
    mm.addVma(PID, 0x40000000n, 2n << 20n, 'hugetlb', { read: true, write: true }, { zone: 'movable' });
    const hp = mm.memfdPinFolios(PID, 0x40000000n, 0n, 0x1fffffn, 4);
    assert.equal(hp.ret, 1);
    assert.equal(mm.pageInfo(hp.folios[0]).zone, 'normal');
    assert.equal(mm.pageInfo(hp.folios[0]).pincount, 1);
    mm.release('unpin_folios', hp.folios);
    assert.deepEqual(checkMmInvariants(mm), []);
  });
});
