/**
 * fork (gup §3.3): COW sharing, the early copy of maybe-DMA-pinned anon pages when the parent mm has
 * MMF_HAS_PINNED (≈5.9+), false positives, write faults that break the COW, FAULT_FLAG_UNSHARE.
 */
import * as assert from 'node:assert/strict';
import { checkMmInvariants } from '../../../model/linux/mm/invariants';
import { ALL_ERAS, anonRw, BUF, PID, setup } from './helpers';

const CHILD = 200;

function shadowed(ver: string) {
  const r = setup(ver);
  r.mm.counting.shadow.enabled = true;
  return r;
}

const info = (mm: ReturnType<typeof setup>['mm'], pid: number, a: bigint) => mm.pageInfo(mm.pageAt(pid, a)!);

describe('mm: fork shares private anonymous pages copy-on-write (gup §3.3)', () => {
  for (const ver of ALL_ERAS) {
    it(`${ver}: refcount and mapcount +1, both PTEs write-protected; shared mappings share; the zero page takes nothing`, () => {
      const { m, mm } = shadowed(ver);
      anonRw(mm);
      mm.addVma(PID, 0x200000n, 2n << 20n, 'thp', { read: true, write: true });
      mm.addVma(PID, 0x600000n, 16n * 4096n, 'shmem', { read: true, write: true });
      mm.touch(PID, BUF, true);
      mm.touch(PID, BUF + 4096n, false); // zero page
      mm.touch(PID, 0x200000n, true); // PMD-mapped THP
      mm.touch(PID, 0x600000n, true);
      const c = mm.fork(PID, 'child', CHILD);
      assert.equal(c.pid, CHILD);
      assert.equal(mm.processes().length, 2);
      const a = info(mm, PID, BUF);
      assert.equal(mm.pageAt(CHILD, BUF), a.pfn);
      assert.equal(a.refcount, 2); // one reference per mapping
      assert.equal(a.mapcount, 2);
      assert.equal(a.cowShared, true);
      assert.equal(mm.spaces.pte(mm.spaces.proc(PID), BUF)!.writable, false);
      assert.equal(mm.spaces.pte(mm.spaces.proc(CHILD), BUF)!.writable, false);
      const z = info(mm, CHILD, BUF + 4096n);
      assert.equal(z.zeroPage, true);
      assert.equal(z.refcount, 1);
      const t = info(mm, CHILD, 0x200000n);
      assert.equal(t.order, 9);
      assert.equal(t.refcount, 2); // one PMD mapping each
      const s = info(mm, CHILD, 0x600000n);
      assert.equal(s.refcount, 3); // page cache + two mappings
      assert.equal(s.cowShared, false);
      assert.equal(mm.spaces.pte(mm.spaces.proc(CHILD), 0x600000n)!.writable, true);
      assert.ok(m.history.some((h) => h.event.kind === 'log' && /^fork: pid 100 → pid 200/.test(h.event.text)));
      assert.deepEqual(checkMmInvariants(mm), []);
      // writes break the COW: the first writer copies, the last one reuses
      mm.touch(CHILD, BUF, true);
      assert.notEqual(mm.pageAt(CHILD, BUF), a.pfn);
      assert.equal(info(mm, PID, BUF).refcount, 1);
      mm.touch(PID, BUF, true);
      assert.equal(mm.pageAt(PID, BUF), a.pfn); // reused
      assert.equal(info(mm, PID, BUF).cowShared, false);
      mm.touch(CHILD, 0x200000n, true);
      assert.equal(info(mm, CHILD, 0x201000n).order, 9); // [unverified: chosen] whole folio copied
      assert.equal(info(mm, PID, 0x200000n).refcount, 1);
      assert.deepEqual(checkMmInvariants(mm), []);
    });
  }

  it('fork is undone by the journal (time travel)', () => {
    const { m, mm } = shadowed('6.18');
    anonRw(mm);
    mm.touch(PID, BUF, true);
    const pos = m.journal.position;
    const before = mm.pageInfo(mm.pageAt(PID, BUF)!).refcount;
    mm.fork(PID, 'child', CHILD);
    mm.touch(CHILD, BUF, true);
    m.journal.undoTo(pos);
    assert.equal(mm.processes().length, 1);
    assert.equal(mm.pageInfo(mm.pageAt(PID, BUF)!).refcount, before);
    assert.equal(mm.spaces.cowShared.size, 0);
    assert.equal(mm.spaces.mapRefs.size, 0);
    assert.equal(mm.spaces.pte(mm.spaces.proc(PID), BUF)!.writable, true);
  });
});

describe('mm: early copy of maybe-pinned pages at fork (gup §3.3, ≈5.9+)', () => {
  for (const [ver, early] of [['5.6', false], ['5.7', false], ['5.8', false], ['5.9', true], ['5.18', true], ['6.3', true], ['6.18', true]] as const) {
    it(`${ver}: a pinned page is ${early ? 'copied for the child; the parent keeps it writable' : 'COW-shared; the parent\'s write COWs away from it (DMA data lost)'}`, () => {
      const { mm } = shadowed(ver);
      anonRw(mm);
      const pin = mm.gup('pin_user_pages', PID, BUF, 1, ['FOLL_WRITE', 'FOLL_LONGTERM']);
      const pfn = pin.pages[0];
      mm.fork(PID, 'child', CHILD);
      assert.equal(mm.pageAt(CHILD, BUF) === pfn, !early);
      assert.equal(mm.pageInfo(pfn).mapcount, early ? 1 : 2);
      mm.touch(PID, BUF, true);
      // gup §3.3: the early copy keeps the parent on its pinned page
      assert.equal(mm.pageAt(PID, BUF) === pfn, early);
      if (!early) assert.equal(mm.pageAt(CHILD, BUF), pfn); // the DMA target now belongs to the child
      mm.release('unpin_user_pages', pin.pages);
      assert.deepEqual(checkMmInvariants(mm), []);
      assert.equal(mm.pinsHeld(), 0);
    });
  }

  it('false positive: a page with 1024 plain references is copied too, but only if the parent has MMF_HAS_PINNED', () => {
    for (const pinnedBefore of [false, true]) {
      const { mm } = shadowed('6.18');
      anonRw(mm);
      mm.touch(PID, BUF, true);
      mm.setRefcount(mm.pageAt(PID, BUF)!, 1 + 1024); // gup §3.3 small-page false positive
      if (pinnedBefore) {
        const other = mm.gup('pin_user_pages', PID, BUF + 4096n, 1, ['FOLL_WRITE']);
        mm.release('unpin_user_pages', other.pages); // MMF_HAS_PINNED stays set
      }
      const pfn = mm.pageAt(PID, BUF)!;
      assert.equal(mm.pageInfo(pfn).maybeDmaPinned, true);
      mm.fork(PID, 'child', CHILD);
      assert.equal(mm.pageAt(CHILD, BUF) !== pfn, pinnedBefore);
      assert.deepEqual(checkMmInvariants(mm), []);
    }
  });

  it('gup §3.3 known false positive: 1024 get_page() references on a small page read as pinned, none on a large folio', () => {
    const { m, mm } = shadowed('6.18');
    anonRw(mm);
    mm.addVma(PID, 0x200000n, 2n << 20n, 'thp', { read: true, write: true });
    mm.touch(PID, BUF, true);
    mm.touch(PID, 0x200000n, true);
    const pfn = mm.pageAt(PID, BUF)!;
    mm.getPage(pfn, 1022);
    assert.equal(mm.pageInfo(pfn).maybeDmaPinned, false); // refcount 1023
    mm.getPage(pfn);
    assert.equal(mm.pageInfo(pfn).refcount, 1024);
    assert.equal(mm.pageInfo(pfn).maybeDmaPinned, true); // no pin at all
    assert.equal(mm.pinsHeld(), 0);
    assert.ok(m.history.some((h) => h.event.kind === 'log' && /false positive/.test(h.event.text)));
    const t = mm.pageAt(PID, 0x200000n)!;
    mm.getPage(t, 5000);
    assert.equal(mm.pageInfo(t).maybeDmaPinned, false); // exact counter
    mm.release('put_page', [pfn]);
    assert.equal(mm.pageInfo(pfn).maybeDmaPinned, false);
    assert.deepEqual(checkMmInvariants(mm), []);
    assert.throws(() => mm.getPage(pfn, 0), /positive integer/);
  });

  it('large folios use the exact pincount; a THP pinned once is copied whole for the child [unverified: chosen]', () => {
    const { mm } = shadowed('6.18');
    mm.addVma(PID, 0x200000n, 2n << 20n, 'thp', { read: true, write: true });
    mm.touch(PID, 0x200000n, true);
    mm.setRefcount(mm.pageAt(PID, 0x200000n)!, 2000); // plain refs do not count on a large folio
    mm.gup('pin_user_pages', PID, 0x600000n, 0, []); // sets MMF_HAS_PINNED? nr 0: no walk
    const p = mm.gup('pin_user_pages', PID, 0x201000n, 1, []);
    mm.fork(PID, 'child', CHILD);
    const c = info(mm, CHILD, 0x200000n);
    assert.notEqual(c.head, mm.pageInfo(p.pages[0]).head);
    assert.equal(c.order, 9);
    assert.equal(c.refcount, 1);
    mm.release('unpin_user_pages', p.pages);
    assert.deepEqual(checkMmInvariants(mm), []);
  });

  for (const [ver, early] of [['5.11', false], ['5.12', true]] as const) {
    it(`${ver}: private hugetlb ${early ? 'is copied early' : 'is COW-shared'} when pinned [unverified: chosen ≈5.12]`, () => {
      const { mm } = shadowed(ver);
      mm.addVma(PID, 0x40000000n, 2n << 20n, 'hugetlb', { read: true, write: true });
      const p = mm.gup('pin_user_pages', PID, 0x40000000n, 1, ['FOLL_WRITE']);
      mm.fork(PID, 'child', CHILD);
      assert.equal(mm.pageAt(CHILD, 0x40000000n) !== p.pages[0], early);
      mm.touch(PID, 0x40000000n, true); // hugetlb_wp
      assert.equal(mm.pageAt(PID, 0x40000000n) === p.pages[0], early);
      mm.release('unpin_user_pages', p.pages);
      assert.deepEqual(checkMmInvariants(mm), []);
    });
  }
});

describe('mm: write faults and unsharing after fork', () => {
  for (const [ver, byRef] of [['5.8', false], ['5.9', true]] as const) {
    it(`${ver}: the last mapper of a page with a GUP reference ${byRef ? 'copies (refcount rule)' : 'reuses it (mapcount rule)'} [unverified: chosen ≈5.9]`, () => {
      const { mm } = shadowed(ver);
      anonRw(mm);
      const g = mm.gup('get_user_pages', PID, BUF, 1, ['FOLL_WRITE']);
      mm.fork(PID, 'child', CHILD);
      mm.touch(CHILD, BUF, true); // child copies away (mapcount 2)
      mm.touch(PID, BUF, true);
      assert.equal(mm.pageAt(PID, BUF) === g.pages[0], !byRef);
      mm.release('put_page', g.pages);
      assert.deepEqual(checkMmInvariants(mm), []);
    });
  }

  for (const [ver, unshare] of [['5.18', false], ['5.19', true], ['6.18', true]] as const) {
    it(`${ver}: a read-only FOLL_PIN of a COW-shared page ${unshare ? 'unshares it first (FAULT_FLAG_UNSHARE)' : 'takes the shared page'}`, () => {
      const { m, mm } = shadowed(ver);
      anonRw(mm);
      mm.touch(PID, BUF, true);
      const orig = mm.pageAt(PID, BUF)!;
      mm.fork(PID, 'child', CHILD);
      const r = mm.gup('pin_user_pages', PID, BUF, 1, []);
      assert.equal(r.pages[0] === orig, !unshare);
      if (unshare) {
        assert.equal(mm.pageInfo(r.pages[0]).cowShared, false);
        assert.equal(mm.spaces.pte(mm.spaces.proc(PID), BUF)!.writable, false); // unshare keeps the PTE read-only
        assert.ok(m.history.some((h) => h.event.kind === 'log' && /unshare \(FAULT_FLAG_UNSHARE\)/.test(h.event.text)));
      }
      // FOLL_GET does not unshare
      const g = mm.gup('get_user_pages', CHILD, BUF, 1, []);
      assert.equal(g.pages[0], orig);
      mm.release('unpin_user_pages', r.pages);
      mm.release('put_page', g.pages);
      assert.deepEqual(checkMmInvariants(mm), []);
    });
  }

  it('6.18 fast path: the unshare check after the grab rolls back (counted acquired and released, gup §4), the slow path unshares', () => {
    const { mm } = shadowed('6.18');
    anonRw(mm);
    mm.touch(PID, BUF, true);
    const orig = mm.pageAt(PID, BUF)!;
    mm.fork(PID, 'child', CHILD);
    const r = mm.gup('pin_user_pages_fast', CHILD, BUF, 1, []);
    assert.equal(r.ret, 1);
    assert.notEqual(r.pages[0], orig);
    assert.equal(mm.vmstat.nr_foll_pin_acquired, 2); // rollback + real pin
    assert.equal(mm.vmstat.nr_foll_pin_released, 1);
    mm.release('unpin_user_pages', r.pages);
    assert.deepEqual(checkMmInvariants(mm), []);
  });

  it('FOLL_WRITE GUP on a COW-shared page breaks the COW for the caller', () => {
    const { mm } = shadowed('6.18');
    anonRw(mm);
    mm.touch(PID, BUF, true);
    const orig = mm.pageAt(PID, BUF)!;
    mm.fork(PID, 'child', CHILD);
    const r = mm.gup('pin_user_pages', CHILD, BUF, 1, ['FOLL_WRITE']);
    assert.notEqual(r.pages[0], orig);
    assert.equal(mm.pageInfo(orig).refcount, 1);
    mm.release('unpin_user_pages', r.pages);
    assert.deepEqual(checkMmInvariants(mm), []);
  });

  it('FOLL_LONGTERM migration of a COW-shared movable page moves every mapping', () => {
    const { mm } = shadowed('6.18');
    mm.addVma(PID, BUF, 4n * 4096n, 'anon', { read: true, write: true }, { zone: 'movable' });
    mm.touch(PID, BUF, true);
    const orig = mm.pageAt(PID, BUF)!;
    mm.fork(PID, 'child', CHILD);
    const r = mm.gup('pin_user_pages', PID, BUF, 1, ['FOLL_LONGTERM']); // unshare (R/O pin) copies into normal
    assert.notEqual(r.pages[0], orig);
    assert.equal(mm.pageInfo(r.pages[0]).zone, 'normal');
    mm.release('unpin_user_pages', r.pages);
    assert.deepEqual(checkMmInvariants(mm), []);
  });

  it('bad input: unknown parent, existing child pid', () => {
    const { mm } = setup('6.18');
    assert.throws(() => mm.fork(999, 'x'), /no process with pid 999/);
    assert.throws(() => mm.fork(PID, 'x', PID), /already exists/);
  });
});
