import * as assert from 'node:assert/strict';
import { ERRNO } from '../../../model/linux/mm/mm';
import { anonRw, BUF, PID, setup, warnings } from './helpers';

const THP = 0x200000000n;

describe('mm: folio release helpers and folio_add_pin (gup §2.1)', () => {
  it('unpin_user_page_range_dirty_lock splits a PFN range at folio boundaries and dirties each folio once', () => {
    const { mm, m } = setup('6.18');
    mm.addVma(PID, THP, 4n << 20n, 'thp', { read: true, write: true });
    const r = mm.gup('pin_user_pages', PID, THP + 510n * 4096n, 4, ['FOLL_WRITE']); // 2 subpages of each THP
    assert.equal(r.ret, 4);
    const h0 = mm.pageInfo(r.pages[0]).head;
    const h1 = mm.pageInfo(r.pages[2]).head;
    assert.equal(r.pages[2], h1);
    const before = m.history.length;
    // the two THPs are physically adjacent in the model: one call over 4 consecutive PFNs
    assert.equal(h1, h0 + 512);
    mm.release('unpin_user_page_range_dirty_lock', [r.pages[0]], true, 4);
    assert.equal(m.history.slice(before).filter((x) => x.event.kind === 'page.release').length, 2);
    for (const h of [h0, h1]) {
      const i = mm.pageInfo(h);
      assert.deepEqual([i.refcount, i.pincount, i.dirty], [1, 0, true]);
    }
    assert.equal(mm.vmstat.nr_foll_pin_released, 4);
    assert.throws(() => setup('5.11').mm.release('unpin_user_page_range_dirty_lock', [0]), /does not exist|valid first page/);
  });

  it('unpin_user_folio(folio, n), unpin_folios with duplicates and NULLs (≈6.11+)', () => {
    const { mm, m } = setup('6.18');
    mm.addVma(PID, THP, 2n << 20n, 'thp', { read: true, write: true });
    const r = mm.gup('pin_user_pages', PID, THP, 6, ['FOLL_WRITE']);
    mm.release('unpin_user_folio', [r.pages[0]], false, 3);
    assert.equal(mm.pageInfo(r.pages[0]).pincount, 3);
    mm.release('unpin_folios', [r.pages[0], -1, r.pages[0]]);
    assert.equal(mm.pageInfo(r.pages[0]).pincount, 1);
    assert.equal(warnings(m).length, 0, 'NULL skipped silently');
    mm.release('unpin_folio', [r.pages[0]]);
    assert.equal(mm.pageInfo(r.pages[0]).refcount, 1);
    assert.equal(mm.pinsHeld(), 0);
  });

  it('folio_add_pin: +B on a pinned small page, +1/+1 on a large folio, nothing on the zero page, no vmstat (6.5+)', () => {
    const { mm, m } = setup('6.18');
    anonRw(mm);
    const p = mm.gup('pin_user_pages', PID, BUF, 1, ['FOLL_WRITE']).pages[0];
    mm.folioAddPin(p);
    assert.equal(mm.pageInfo(p).refcount, 1 + 2048);
    assert.equal(mm.vmstat.nr_foll_pin_acquired, 1);
    const z = mm.gup('pin_user_pages', PID, BUF + 4096n, 1, []).pages[0];
    mm.folioAddPin(z);
    assert.equal(mm.pageInfo(z).refcount, 1);
    assert.equal(warnings(m).length, 0);
    const g = mm.gup('get_user_pages', PID, BUF + 8192n, 1, ['FOLL_WRITE']).pages[0];
    mm.folioAddPin(g); // not pinned: WARN, adds anyway
    assert.equal(warnings(m).length, 1);
    assert.equal(mm.pageInfo(g).refcount, 2 + 1024);
    assert.throws(() => setup('6.3').mm.folioAddPin(0), /not a page|6\.5/);
  });
});

describe('mm: other errno (gup §2.4)', () => {
  it('-EINTR with a fatal signal pending; other signals only with FOLL_INTERRUPTIBLE', () => {
    const { mm } = setup('6.18');
    anonRw(mm);
    mm.setSignalPending('fatal');
    assert.equal(mm.gup('pin_user_pages', PID, BUF, 2, ['FOLL_WRITE']).ret, -ERRNO.EINTR);
    mm.setSignalPending('other');
    assert.equal(mm.gup('pin_user_pages', PID, BUF, 2, ['FOLL_WRITE']).ret, 2);
    assert.equal(mm.gup('pin_user_pages', PID, BUF, 2, ['FOLL_WRITE', 'FOLL_INTERRUPTIBLE']).ret, -ERRNO.EINTR);
  });

  it('-EHWPOISON with FOLL_HWPOISON, else -EFAULT', () => {
    const { mm } = setup('6.18');
    anonRw(mm);
    mm.touch(PID, BUF, true);
    mm.poison(mm.pageAt(PID, BUF)!);
    assert.equal(mm.gup('get_user_pages', PID, BUF, 1, ['FOLL_HWPOISON']).ret, -ERRNO.EHWPOISON);
    assert.equal(mm.gup('get_user_pages', PID, BUF, 1, []).ret, -ERRNO.EFAULT);
  });

  it('MMF_HAS_PINNED is set by the first FOLL_PIN call and never cleared (gup §3.3)', () => {
    const { mm } = setup('6.18');
    anonRw(mm);
    mm.gup('get_user_pages', PID, BUF, 1, ['FOLL_WRITE']);
    assert.equal(mm.hasPinned(PID), false);
    const r = mm.gup('pin_user_pages', PID, BUF, 1, ['FOLL_WRITE']);
    mm.release('unpin_user_pages', r.pages);
    assert.equal(mm.hasPinned(PID), true);
  });
});

describe('mm: ZONE_DEVICE (gup §7)', () => {
  it('fs-dax pages: idle refcount 1; 5.7–5.11 unpin goes through the devmap branch with the same counts', () => {
    const { mm, m } = setup('5.10');
    mm.addVma(PID, BUF, 4096n, 'dax', { read: true, write: true });
    const r = mm.gup('pin_user_pages', PID, BUF, 1, ['FOLL_WRITE']);
    assert.equal(mm.pageInfo(r.pages[0]).refcount, 1025);
    mm.release('unpin_user_page', r.pages);
    const rel = m.history.filter((x) => x.event.kind === 'page.release').pop()!;
    assert.equal(rel.frames[0].name, 'put_devmap_managed_page');
    assert.equal(mm.pageInfo(r.pages[0]).refcount, 1);
    assert.equal(mm.vmstat.nr_foll_pin_released, 1);
    assert.deepEqual(mm.interestingPages(), []);
  });

  it('the fast walk gives up on devmap PTEs with FOLL_LONGTERM; the slow path refuses fs-dax (≈5.13+)', () => {
    const { mm } = setup('6.18');
    mm.addVma(PID, BUF, 4096n, 'dax', { read: true, write: true });
    mm.touch(PID, BUF, true);
    assert.equal(mm.gup('pin_user_pages_fast', PID, BUF, 1, ['FOLL_LONGTERM']).ret, -ERRNO.EOPNOTSUPP);
    assert.equal(mm.vmstat.nr_foll_pin_acquired, 0);
    assert.equal(mm.gup('pin_user_pages_fast', PID, BUF, 1, []).ret, 1);
  });
});
