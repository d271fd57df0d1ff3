import * as assert from 'node:assert/strict';
import { ERRNO } from '../../../model/linux/mm/mm';
import { ALL_ERAS, anonRw, BUF, PID, RO, setup, warnings } from './helpers';

const EFAULT = -ERRNO.EFAULT;
const EINVAL = -ERRNO.EINVAL;

describe('mm: small anon pages, every era (gup §3.1, §3.3, §4)', () => {
  it('era matrix: one FOLL_PIN|FOLL_WRITE of a faulted-in small page and its unpin', () => {
    // gup §3.1 "FOLL_PIN on small page": E1 ref +1 (no bias); E2–E5 ref +B (1024).
    // gup §4: vmstat only from 5.7; gup §3.3: maybe_dma_pinned does not exist in E1.
    const expected: Record<string, { ref: number; acq: number; maybe: boolean }> = {
      '5.6': { ref: 2, acq: 0, maybe: false },
      '5.7': { ref: 1025, acq: 1, maybe: true },
      '5.18': { ref: 1025, acq: 1, maybe: true },
      '6.3': { ref: 1025, acq: 1, maybe: true },
      '6.18': { ref: 1025, acq: 1, maybe: true },
    };
    for (const ver of ALL_ERAS) {
      const { mm } = setup(ver);
      anonRw(mm);
      const r = mm.gup('pin_user_pages', PID, BUF, 1, ['FOLL_WRITE']);
      assert.equal(r.ret, 1, ver);
      const info = mm.pageInfo(r.pages[0]);
      assert.equal(info.refcount, expected[ver].ref, `${ver} refcount`);
      assert.equal(info.pincount, undefined, `${ver} small page has no exact pincount (gup §3.2)`);
      assert.equal(info.maybeDmaPinned, expected[ver].maybe, `${ver} maybe_dma_pinned`);
      assert.equal(mm.vmstat.nr_foll_pin_acquired, expected[ver].acq, `${ver} acq`);
      assert.equal(mm.pinsHeld(), 1, `${ver} pins held`);
      assert.equal(info.pid, PID);
      assert.equal(info.vaddr, BUF);
      mm.release('unpin_user_pages', r.pages);
      assert.equal(mm.pageInfo(r.pages[0]).refcount, 1, `${ver} unpin restores R0`); // gup §3.1 "unpin 1 pin, small"
      assert.equal(mm.vmstat.nr_foll_pin_released, expected[ver].acq, `${ver} rel`);
      assert.equal(mm.pinsHeld(), 0);
      assert.deepEqual(mm.interestingPages(), [], ver);
    }
  });

  it('anon write fault allocates a fresh page with refcount 1 (gup §0.2 R0 = 1)', () => {
    const { mm, m } = setup('6.18');
    anonRw(mm);
    const r = mm.gup('get_user_pages', PID, BUF, 2, ['FOLL_WRITE']);
    assert.equal(r.ret, 2);
    assert.notEqual(r.pages[0], r.pages[1]);
    // gup §3.1: FOLL_GET ref +1
    assert.equal(mm.pageInfo(r.pages[0]).refcount, 2);
    assert.equal(mm.vmstat.nr_foll_pin_acquired, 0); // FOLL_GET is not counted (gup §4)
    assert.equal(m.history.filter((h) => h.event.kind === 'page.fault').length, 2);
    mm.release('put_page', r.pages);
    assert.equal(mm.pageInfo(r.pages[0]).refcount, 1);
  });

  it('stack frames are the real kernel functions', () => {
    const { mm, m } = setup('6.18');
    anonRw(mm);
    mm.gup('pin_user_pages', PID, BUF, 1, ['FOLL_WRITE']);
    const grab = m.history.find((h) => h.event.kind === 'page.grab')!;
    assert.deepEqual(grab.frames.map((f) => f.name), ['try_grab_folio', '__get_user_pages', '__get_user_pages_locked', '__gup_longterm_locked', 'pin_user_pages']);
    const fault = m.history.find((h) => h.event.kind === 'page.fault')!;
    assert.deepEqual(fault.frames.map((f) => f.name).slice(0, 3), ['do_anonymous_page', 'handle_mm_fault', 'faultin_page']);
  });

  it('the shared zero page: read fault maps it; pin +B before 6.5, nothing from 6.5 (gup §3.1, §4)', () => {
    const cases: Array<[string, number, number]> = [
      ['5.6', 2, 0],
      ['5.7', 1025, 1],
      ['5.18', 1025, 1],
      ['6.3', 1025, 1],
      ['6.18', 1, 0], // gup §3.1 "FOLL_PIN on the shared zero page … nothing (6.5+)"
    ];
    for (const [ver, ref, acq] of cases) {
      const { mm } = setup(ver);
      anonRw(mm);
      const r = mm.gup('pin_user_pages', PID, BUF, 2, []);
      assert.equal(r.ret, 2, ver);
      assert.equal(r.pages[0], r.pages[1], `${ver}: both addresses map the one zero page`);
      const z = mm.pageInfo(r.pages[0]);
      assert.equal(z.zeroPage, true);
      assert.equal(z.refcount, ver === '6.18' ? 1 : 1 + 2 * (ref - 1), ver);
      assert.equal(mm.vmstat.nr_foll_pin_acquired, 2 * acq, ver);
      mm.release('unpin_user_pages', r.pages);
      assert.equal(mm.pageInfo(r.pages[0]).refcount, 1, ver);
      assert.equal(mm.vmstat.nr_foll_pin_released, 2 * acq, ver);
    }
  });

  it('a later write fault replaces the zero page with a fresh page (COW)', () => {
    const { mm } = setup('6.18');
    anonRw(mm);
    const z = mm.gup('get_user_pages', PID, BUF, 1, []).pages[0];
    mm.release('put_page', [z]);
    const w = mm.gup('pin_user_pages_fast', PID, BUF, 1, ['FOLL_WRITE']);
    assert.equal(w.ret, 1);
    assert.notEqual(w.pages[0], z);
    assert.equal(mm.pageInfo(w.pages[0]).refcount, 1025);
  });

  it('errors: no VMA, write to read-only, FOLL_FORCE COW, partial success (gup §2.4)', () => {
    const { mm } = setup('6.18');
    anonRw(mm, 4);
    mm.addVma(PID, RO, 4n * 4096n, 'anon', { read: true, write: false });
    assert.equal(mm.gup('pin_user_pages', PID, 0x1000n, 1, []).ret, EFAULT);
    assert.equal(mm.gup('pin_user_pages', PID, RO, 1, ['FOLL_WRITE']).ret, EFAULT);
    assert.equal(mm.gup('pin_user_pages_fast', PID, RO, 1, ['FOLL_WRITE']).ret, EFAULT);
    const forced = mm.gup('get_user_pages', PID, RO, 1, ['FOLL_WRITE', 'FOLL_FORCE']);
    assert.equal(forced.ret, 1);
    assert.equal(mm.pageInfo(forced.pages[0]).zeroPage, false);
    // partial success: 4 pages mapped, 6 requested
    const part = mm.gup('pin_user_pages', PID, BUF, 6, ['FOLL_WRITE']);
    assert.equal(part.ret, 4);
    assert.equal(part.pages.length, 4);
    assert.equal(mm.vmstat.nr_foll_pin_acquired, 4);
    // fast variant: fast part + slow part, never an errno once something is pinned
    const fp = mm.gup('pin_user_pages_fast', PID, BUF + 2n * 4096n, 5, ['FOLL_WRITE']);
    assert.equal(fp.ret, 2);
    assert.equal(mm.gup('pin_user_pages', PID, BUF, 0, []).ret, 0); // gup §2.4 nr == 0
  });

  it('read of a non-readable VMA needs FOLL_FORCE; FOLL_FORCE write to a shared mapping is refused (gup §2.4)', () => {
    const { mm } = setup('6.18');
    mm.addVma(PID, BUF, 4096n, 'anon', { read: false, write: false });
    mm.addVma(PID, RO, 4096n, 'shmem', { read: true, write: false });
    assert.equal(mm.gup('get_user_pages', PID, BUF, 1, []).ret, EFAULT);
    assert.equal(mm.gup('get_user_pages', PID, BUF, 1, ['FOLL_FORCE']).ret, 1);
    assert.equal(mm.gup('get_user_pages', PID, RO, 1, ['FOLL_WRITE', 'FOLL_FORCE']).ret, EFAULT);
    assert.equal(mm.gup('get_user_pages', PID, RO, 1, ['FOLL_ANON']).ret, EFAULT);
  });

  it('FOLL_NOFAULT on a page not present is -EFAULT; FOLL_DUMP on an anon hole is -EFAULT', () => {
    const { mm } = setup('6.18');
    anonRw(mm);
    assert.equal(mm.gup('pin_user_pages', PID, BUF, 1, ['FOLL_NOFAULT']).ret, EFAULT);
    assert.equal(mm.gup('get_user_pages', PID, BUF, 1, ['FOLL_DUMP']).ret, EFAULT);
  });

  it('release APIs reject scenario misuse with Error, not kernel results', () => {
    const { mm } = setup('6.18');
    anonRw(mm);
    assert.throws(() => mm.gup('pin_user_pagez', PID, BUF, 1, []), /unknown GUP API/);
    assert.throws(() => mm.gup('pin_user_pages', 7, BUF, 1, []), /no process with pid 7/);
    assert.throws(() => mm.release('unpin_user_pagez', []), /unknown release API/);
    assert.throws(() => mm.release('put_page', [12345]), /not a page/);
    assert.throws(() => mm.addProcess(PID, 'again'), /already exists/);
    assert.throws(() => mm.addVma(PID, BUF + 4096n, 4096n, 'anon', { read: true, write: true }), /overlaps/);
    assert.throws(() => mm.addVma(PID, 0x1001n, 4096n, 'anon', { read: true, write: true }), /page-aligned/);
    const { mm: old } = setup('5.6');
    anonRw(old);
    assert.throws(() => old.gup('pin_user_pages_fast_only', PID, BUF, 1, []), /does not exist in Linux 5.6/);
    const { mm: e0 } = setup('5.5');
    assert.throws(() => e0.gup('pin_user_pages', PID, BUF, 1, []), /does not exist in Linux 5.5/);
    assert.throws(() => e0.release('unpin_user_page', []), /does not exist/);
  });

  it('warnings are events, not exceptions', () => {
    const { mm, m } = setup('6.18');
    anonRw(mm);
    assert.equal(mm.gup('pin_user_pages', PID, BUF, 1, ['FOLL_GET']).ret, 0);
    assert.equal(warnings(m).length, 1);
    assert.equal(mm.gup('get_user_pages', PID, BUF, 1, ['FOLL_LONGTERM']).ret, EINVAL);
  });
});
