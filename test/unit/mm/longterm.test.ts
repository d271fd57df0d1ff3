import * as assert from 'node:assert/strict';
import { ERRNO } from '../../../model/linux/mm/mm';
import { BUF, PID, setup, warnings } from './helpers';

const LT = ['FOLL_WRITE', 'FOLL_LONGTERM'];
const FILE = 0x300000000n;

describe('mm: VMA kinds GUP refuses (gup §2.4)', () => {
  it('VM_IO and VM_PFNMAP: -EFAULT in every era, fast or slow', () => {
    for (const ver of ['5.6', '5.7', '6.18']) {
      const { mm } = setup(ver);
      mm.addVma(PID, BUF, 4096n, 'io', { read: true, write: true });
      mm.addVma(PID, FILE, 4096n, 'pfnmap', { read: true, write: true });
      assert.equal(mm.touch(PID, BUF, true), true);
      assert.equal(mm.gup('pin_user_pages', PID, BUF, 1, []).ret, -ERRNO.EFAULT, ver);
      assert.equal(mm.gup('get_user_pages_fast', PID, FILE, 1, []).ret, -ERRNO.EFAULT, ver);
    }
  });

  it('secretmem: -EFAULT; the fast walk grabs and rolls back (acquired and released, gup §4)', () => {
    const { mm } = setup('6.18');
    mm.addVma(PID, BUF, 4096n, 'secretmem', { read: true, write: true });
    assert.equal(mm.gup('pin_user_pages', PID, BUF, 1, ['FOLL_WRITE']).ret, -ERRNO.EFAULT);
    mm.touch(PID, BUF, true);
    const pfn = mm.pageAt(PID, BUF)!;
    assert.equal(mm.gup('pin_user_pages_fast', PID, BUF, 1, ['FOLL_WRITE']).ret, -ERRNO.EFAULT);
    assert.deepEqual({ ...mm.vmstat }, { nr_foll_pin_acquired: 1, nr_foll_pin_released: 1 });
    assert.equal(mm.pageInfo(pfn).refcount, 1);
    assert.throws(() => setup('5.7').mm.addVma(PID, BUF, 4096n, 'secretmem', { read: true, write: true }), /5\.14/);
  });
});

describe('mm: FOLL_LONGTERM (gup §5)', () => {
  it('6.5+: FOLL_LONGTERM|FOLL_WRITE on a shared file mapping is -EFAULT; shmem and anon are fine', () => {
    for (const [ver, ok] of [['6.3', true], ['6.18', false]] as const) {
      const { mm } = setup(ver);
      mm.addVma(PID, FILE, 4n * 4096n, 'file', { read: true, write: true });
      mm.addVma(PID, BUF, 4n * 4096n, 'shmem', { read: true, write: true });
      const r = mm.gup('pin_user_pages', PID, FILE, 1, LT);
      assert.equal(r.ret, ok ? 1 : -ERRNO.EFAULT, ver);
      assert.equal(mm.gup('pin_user_pages', PID, FILE + 4096n, 1, ['FOLL_LONGTERM']).ret, 1, `${ver}: read-only long-term pin is allowed`);
      assert.equal(mm.gup('pin_user_pages', PID, FILE + 8192n, 1, ['FOLL_WRITE']).ret, 1, `${ver}: short-term write pin is allowed`);
      assert.equal(mm.gup('pin_user_pages', PID, BUF, 1, LT).ret, 1, `${ver}: shmem`);
    }
  });

  it('6.5+ fast path on a file page: grab, refuse, roll back (acq +1 and rel +1), then slow path -EFAULT', () => {
    const { mm } = setup('6.18');
    mm.addVma(PID, FILE, 4096n, 'file', { read: true, write: true });
    mm.touch(PID, FILE, true); // write fault: PTE writable, page dirty
    const pfn = mm.pageAt(PID, FILE)!;
    assert.equal(mm.pageInfo(pfn).dirty, true);
    assert.equal(mm.gup('pin_user_pages_fast', PID, FILE, 1, LT).ret, -ERRNO.EFAULT);
    assert.deepEqual({ ...mm.vmstat }, { nr_foll_pin_acquired: 1, nr_foll_pin_released: 1 });
    assert.equal(mm.pageInfo(pfn).refcount, 2);
  });

  it('ZONE_MOVABLE page: ≈5.13+ unpin all, migrate to ZONE_NORMAL, re-pin (acq 2, rel 1); 5.7 pins in place', () => {
    for (const api of ['pin_user_pages', 'pin_user_pages_fast', 'pin_user_pages_remote']) {
      const { mm } = setup('6.18');
      mm.addVma(PID, BUF, 4n * 4096n, 'anon', { read: true, write: true }, { zone: 'movable' });
      mm.touch(PID, BUF, true);
      const old = mm.pageAt(PID, BUF)!;
      assert.equal(mm.pageInfo(old).zone, 'movable');
      const r = mm.gup(api, PID, BUF, 1, LT);
      assert.equal(r.ret, 1, api);
      const now = mm.pageAt(PID, BUF)!;
      assert.notEqual(now, old);
      assert.equal(r.pages[0], now);
      const i = mm.pageInfo(now);
      assert.deepEqual([i.zone, i.refcount, i.pid, i.vaddr], ['normal', 1025, PID, BUF], api);
      assert.equal(mm.pageInfo(old).freed, true);
      assert.equal(mm.pageInfo(old).pid, undefined, 'the old page is no longer mapped');
      assert.deepEqual(mm.interestingPages(), [now], 'a migrated-away page is not interesting');
      // slow path pins, unpins, migrates, re-pins; the fast walk gives the page back before any pin accounting
      assert.deepEqual({ ...mm.vmstat }, { nr_foll_pin_acquired: 2, nr_foll_pin_released: 1 }, api);
    }
    const { mm } = setup('5.7');
    mm.addVma(PID, BUF, 4096n, 'anon', { read: true, write: true }, { zone: 'movable' });
    mm.touch(PID, BUF, true);
    const old = mm.pageAt(PID, BUF)!;
    assert.equal(mm.gup('pin_user_pages', PID, BUF, 1, LT).pages[0], old);
  });

  it('CMA page is migrated in E2 too (check_and_migrate_cma_pages)', () => {
    const { mm } = setup('5.7');
    mm.addVma(PID, BUF, 4096n, 'anon', { read: true, write: true }, { zone: 'cma' });
    mm.touch(PID, BUF, true);
    const old = mm.pageAt(PID, BUF)!;
    const r = mm.gup('pin_user_pages', PID, BUF, 1, LT);
    assert.notEqual(r.pages[0], old);
    assert.equal(mm.pageInfo(r.pages[0]).zone, 'normal');
  });

  it('a fault inside a long-term call allocates outside movable/CMA (memalloc_pin_save)', () => {
    const { mm } = setup('6.18');
    mm.addVma(PID, BUF, 4096n, 'anon', { read: true, write: true }, { zone: 'movable' });
    const r = mm.gup('pin_user_pages', PID, BUF, 1, LT);
    assert.equal(mm.pageInfo(r.pages[0]).zone, 'normal');
    assert.equal(mm.vmstat.nr_foll_pin_acquired, 1);
  });

  it('migration failure: -ENOMEM with every pin of the call dropped', () => {
    const { mm, m } = setup('6.18');
    mm.addVma(PID, BUF, 2n * 4096n, 'anon', { read: true, write: true }, { zone: 'movable' });
    mm.touch(PID, BUF, true);
    mm.touch(PID, BUF + 4096n, true);
    const p0 = mm.pageAt(PID, BUF)!;
    mm.setRefcount(p0, 2); // an extra reference held elsewhere: migration cannot proceed
    assert.equal(mm.gup('pin_user_pages', PID, BUF, 2, LT).ret, -ERRNO.ENOMEM);
    assert.equal(mm.pinsHeld(), 0);
    assert.equal(mm.pageInfo(p0).refcount, 2);
    assert.ok(warnings(m).some((w) => /could not be migrated/.test(w)));
  });

  it('fs-dax: 6.18 -EOPNOTSUPP before pinning; 5.7–5.10 pinned, then dropped with put_page (1023 leaked)', () => {
    const { mm } = setup('6.18');
    mm.addVma(PID, BUF, 4096n, 'dax', { read: true, write: true });
    assert.equal(mm.gup('pin_user_pages', PID, BUF, 1, LT).ret, -ERRNO.EOPNOTSUPP);
    assert.equal(mm.vmstat.nr_foll_pin_acquired, 0);
    for (const [ver, ref, rel] of [['5.7', 1024, 0], ['5.11', 1, 1]] as const) {
      const { mm: o } = setup(ver);
      o.addVma(PID, BUF, 4096n, 'dax', { read: true, write: true });
      assert.equal(o.gup('pin_user_pages', PID, BUF, 1, LT).ret, -ERRNO.EOPNOTSUPP, ver);
      const pfn = o.pageAt(PID, BUF)!;
      const i = o.pageInfo(pfn);
      assert.deepEqual([i.zone, i.refcount, i.maybeDmaPinned], ['device', ref, ver === '5.7'], ver);
      assert.deepEqual({ ...o.vmstat }, { nr_foll_pin_acquired: 1, nr_foll_pin_released: rel }, ver);
    }
  });
});
