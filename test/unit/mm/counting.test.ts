import * as assert from 'node:assert/strict';
import { ERRNO } from '../../../model/linux/mm/mm';
import { anonRw, BUF, PID, setup, warnings } from './helpers';

describe('mm: overflow refusal and wrong releases (gup §3.4, §3.5)', () => {
  it('small page: pin 2,097,152 is accepted and wraps, pin 2,097,153 is refused with -ENOMEM', () => {
    for (const api of ['pin_user_pages', 'pin_user_pages_fast']) {
      const { mm, m } = setup('6.18');
      anonRw(mm);
      const pfn = mm.gup('get_user_pages', PID, BUF, 1, ['FOLL_WRITE']).pages[0];
      mm.release('put_page', [pfn]);
      // gup §3.4: after k = 2,097,151 pins R = 1 + 1024k = 2,147,482,625
      mm.setRefcount(pfn, 1 + 1024 * 2097151);
      assert.equal(mm.pageInfo(pfn).refcount, 2147482625);
      assert.equal(mm.gup(api, PID, BUF, 1, ['FOLL_WRITE']).ret, 1, api);
      assert.equal(mm.pageInfo(pfn).refcount, -2147483647); // wrapped
      assert.equal(mm.pageInfo(pfn).maybeDmaPinned, true); // gup §3.3 unsigned compare
      assert.equal(mm.gup(api, PID, BUF, 1, ['FOLL_WRITE']).ret, -ERRNO.ENOMEM, api);
      assert.equal(mm.pageInfo(pfn).refcount, -2147483647);
      assert.ok(warnings(m).some((w) => /refusing/.test(w)));
    }
  });

  it('put_page on a pinned small page leaves 1023 references and "maybe pinned" (gup §3.5)', () => {
    const { mm } = setup('6.18');
    anonRw(mm);
    const r = mm.gup('pin_user_pages', PID, BUF, 1, ['FOLL_WRITE']);
    mm.release('put_page', r.pages);
    const i = mm.pageInfo(r.pages[0]);
    assert.equal(i.refcount, 1024);
    assert.equal(i.maybeDmaPinned, true);
    assert.equal(mm.vmstat.nr_foll_pin_released, 0);
    assert.equal(mm.pinsHeld(), 1);
  });

  it('unpin of a page that is not pinned: refcount R0 − 1024, rel +1, no kernel warning; the model flags it (gup §3.5)', () => {
    const { mm, m } = setup('6.18');
    anonRw(mm);
    const r = mm.gup('get_user_pages', PID, BUF, 1, ['FOLL_WRITE']);
    mm.release('put_page', r.pages);
    mm.release('unpin_user_page', r.pages);
    assert.equal(mm.pageInfo(r.pages[0]).refcount, 1 - 1024);
    assert.equal(mm.vmstat.nr_foll_pin_released, 1);
    // gup §3.5: no warning in production builds; the only warning is the model's own, labelled as such
    assert.deepEqual(warnings(m).map((w) => w.startsWith('[model] wrong release')), [true]);
    assert.ok(mm.counting.shadow.wrong.has(mm.pageInfo(r.pages[0]).head));
    assert.equal(mm.pinsHeld(), -1);
  });

  it('unpin of a small page at exactly 1024 that was not pinned frees it (gup §3.5)', () => {
    const { mm } = setup('6.18');
    anonRw(mm);
    const pfn = mm.gup('get_user_pages', PID, BUF, 1, ['FOLL_WRITE']).pages[0];
    mm.setRefcount(pfn, 1024);
    mm.release('unpin_user_pages', [pfn]);
    const i = mm.pageInfo(pfn);
    assert.equal(i.refcount, 0);
    assert.equal(i.freed, true);
  });

  it('unpin_user_pages(pages, -errno) warns and does nothing (gup §3.5)', () => {
    const { mm, m } = setup('5.7');
    anonRw(mm);
    const r = mm.gup('pin_user_pages', PID, BUF, 1, ['FOLL_WRITE']);
    mm.release('unpin_user_pages', r.pages, false, -ERRNO.EFAULT);
    assert.equal(mm.pageInfo(r.pages[0]).refcount, 1025);
    assert.equal(warnings(m).length, 1);
  });

  it('false positive: ≥ 1024 plain references read as maybe pinned (gup §3.3)', () => {
    const { mm } = setup('6.18');
    anonRw(mm);
    const pfn = mm.gup('get_user_pages', PID, BUF, 1, ['FOLL_WRITE']).pages[0];
    mm.setRefcount(pfn, 1024);
    assert.equal(mm.pageInfo(pfn).maybeDmaPinned, true);
    mm.setRefcount(pfn, 1023);
    assert.equal(mm.pageInfo(pfn).maybeDmaPinned, false);
  });

  it('E1: unpin is put_page, pins are tracked only by the model', () => {
    const { mm } = setup('5.6');
    anonRw(mm);
    const r = mm.gup('pin_user_pages_fast', PID, BUF, 3, ['FOLL_WRITE']);
    assert.equal(r.ret, 3);
    assert.equal(mm.pinsHeld(), 3);
    mm.release('unpin_user_page', r.pages.slice(0, 1));
    assert.equal(mm.pinsHeld(), 2);
    assert.equal(mm.pageInfo(r.pages[0]).refcount, 1);
    assert.equal(mm.vmstat.nr_foll_pin_released, 0);
  });
});

describe('mm: dirtying on release (gup §6)', () => {
  it('unpin_user_pages_dirty_lock(true) dirties a clean folio once, false is plain unpin', () => {
    for (const ver of ['5.7', '6.18']) {
      const { mm, m } = setup(ver);
      anonRw(mm);
      const r = mm.gup('pin_user_pages', PID, BUF, 2, ['FOLL_WRITE']);
      mm.release('unpin_user_pages_dirty_lock', r.pages.slice(0, 1), false);
      assert.equal(mm.pageInfo(r.pages[0]).dirty, false);
      mm.release('unpin_user_pages_dirty_lock', r.pages.slice(1), true);
      assert.equal(mm.pageInfo(r.pages[1]).dirty, true);
      assert.equal(mm.pageInfo(r.pages[1]).refcount, 1);
      assert.deepEqual(mm.interestingPages(), [r.pages[1]]); // dirty
      // already dirty: no dirtying call at all
      const again = mm.gup('pin_user_pages', PID, BUF + 4096n, 1, ['FOLL_WRITE']);
      const before = m.history.length;
      mm.release('unpin_user_pages_dirty_lock', again.pages, true);
      const frames = m.history.slice(before).flatMap((h) => h.frames.map((f) => f.name));
      assert.ok(!frames.some((n) => /dirty/.test(n) && n !== 'unpin_user_pages_dirty_lock'), ver);
    }
  });
});

describe('mm: vmstat (gup §4)', () => {
  it('counts one per pinned subpage; balance equals pins held', () => {
    const { mm } = setup('6.18');
    anonRw(mm);
    const a = mm.gup('pin_user_pages', PID, BUF, 5, ['FOLL_WRITE']);
    const b = mm.gup('pin_user_pages_fast', PID, BUF, 5, ['FOLL_WRITE']);
    assert.deepEqual({ ...mm.vmstat }, { nr_foll_pin_acquired: 10, nr_foll_pin_released: 0 });
    mm.release('unpin_user_pages', a.pages);
    assert.equal(mm.pinsHeld(), 5);
    mm.release('unpin_user_pages', b.pages, false, 2);
    assert.deepEqual({ ...mm.vmstat }, { nr_foll_pin_acquired: 10, nr_foll_pin_released: 7 });
    assert.equal(mm.pinsHeld(), 3);
    assert.equal(mm.vmstatCounters.lines()[0], 'nr_foll_pin_acquired 10');
  });

  it('does not exist in 5.6', () => {
    const { mm } = setup('5.6');
    anonRw(mm);
    mm.gup('pin_user_pages', PID, BUF, 1, ['FOLL_WRITE']);
    assert.deepEqual(mm.vmstatCounters.lines(), []);
  });
});
