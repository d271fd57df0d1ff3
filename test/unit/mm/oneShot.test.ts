/**
 * The one-shot drivers (issue 12): `Mm.gup` runs the wrapper's checks, the slow path's layers
 * (__gup_longterm_locked → __get_user_pages_locked → __get_user_pages) and the long-term
 * migrate-and-retry loop as plain calls, and `Mm.release` runs the release slices one after the
 * other, where `gupSteps` / `releaseSteps` drive the same functions as generators. For the small
 * calls vfio-ccw's translation makes (one page per vfio_pin_pages, gup §10.1) both drivers must
 * give the same result, the same records with the same call stacks, the same journal and the same
 * page counts — on a journaled machine and on a lean one.
 */
import * as assert from 'node:assert/strict';
import type { Machine } from '../../../model/engine/machine';
import { runToEnd } from '../../../model/engine/steps';
import type { Mm } from '../../../model/linux/mm/mm';
import { vpnOf } from '../../../model/linux/mm/vma';
import { BUF, PID, setup, warnings } from './helpers';

const LT = Object.freeze(['FOLL_WRITE', 'FOLL_LONGTERM']);

/** Records with their stacks, the journal and the page counts. */
function fingerprint(m: Machine, mm: Mm): string {
  const big = (_k: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);
  const recs = m.history.map((h) => JSON.stringify([h.seq, h.journalPos, h.thread, h.granularity, h.frames.map((f) => f.name), h.event], big));
  const s = mm.pages;
  return [
    ...recs,
    `journal ${m.journal.length} ${m.journal.compactBytes}`,
    `vmstat ${JSON.stringify(mm.vmstat)} pins ${mm.pinsHeld()} locked_vm ${mm.lockedVm(PID)}`,
    `refcount ${Array.from(s.refcount.subarray(0, s.count)).join(',')}`,
    `pincount ${Array.from(s.pincount.subarray(0, s.count)).join(',')}`,
  ].join('\n');
}

type World = { m: Machine; mm: Mm };

/** Two identical worlds: one driven by the one-shot calls, one by the resumable ones run to their end. */
function twins(ver: string, build: (w: World) => void, lean = false): [World, World] {
  const a = setup(ver);
  const b = setup(ver);
  build(a);
  build(b);
  if (lean) {
    a.m.setLean();
    b.m.setLean();
  }
  return [a, b];
}

describe('mm: one-shot gup() and release() equal gupSteps / releaseSteps run to their end (issue 12)', () => {
  for (const lean of [false, true]) {
    const tag = lean ? 'lean' : 'journaled';

    it(`${tag}: one-page pin_user_pages_remote FOLL_WRITE|FOLL_LONGTERM of a faulted-in page, then unpin_user_pages_dirty_lock (gup §10.1 steps 4, 8)`, () => {
      const [one, two] = twins('6.18', ({ mm }) => {
        mm.addVma(PID, BUF, 4n * 4096n, 'anon', { read: true, write: true });
        mm.touch(PID, BUF + 4096n, true);
      }, lean);
      const a = one.mm.gup('pin_user_pages_remote', PID, BUF + 4096n, 1, LT as string[]);
      const b = runToEnd(two.mm.gupSteps('pin_user_pages_remote', PID, BUF + 4096n, 1, LT as string[]));
      assert.deepEqual(a, b);
      assert.equal(a.ret, 1); // gup §2.4: pages pinned
      // gup §10.1 "counter expectations": one FOLL_PIN on a small page is ref +1024 (1 mapping + 1024)
      assert.equal(one.mm.pageInfo(a.pages[0]).refcount, 1025);
      one.mm.release('unpin_user_pages_dirty_lock', a.pages, true);
      runToEnd(two.mm.releaseSteps('unpin_user_pages_dirty_lock', b.pages, true));
      assert.equal(one.mm.pageInfo(a.pages[0]).refcount, 1); // gup §3.1: the pin released
      assert.equal(one.mm.pageInfo(a.pages[0]).dirty, true); // gup §6: make_dirty
      // gup §4: acquired and released once each
      assert.deepEqual({ ...one.mm.vmstat }, { nr_foll_pin_acquired: 1, nr_foll_pin_released: 1 });
      if (!lean) assert.equal(fingerprint(one.m, one.mm), fingerprint(two.m, two.mm));
      assert.deepEqual({ ...one.mm.vmstat }, { ...two.mm.vmstat });
    });

    it(`${tag}: an untouched page is faulted in inside the long-term call (faultin_page, gup §5 memalloc_pin_save)`, () => {
      const [one, two] = twins('6.18', ({ mm }) => mm.addVma(PID, BUF, 2n * 4096n, 'anon', { read: true, write: true }, { zone: 'movable' }), lean);
      const a = one.mm.gup('pin_user_pages_remote', PID, BUF, 1, LT as string[]);
      const b = runToEnd(two.mm.gupSteps('pin_user_pages_remote', PID, BUF, 1, LT as string[]));
      assert.deepEqual(a, b);
      assert.equal(a.ret, 1);
      // gup §5: a fault inside a long-term call allocates outside ZONE_MOVABLE
      assert.equal(one.mm.pageInfo(a.pages[0]).zone, 'normal');
      if (!lean) assert.equal(fingerprint(one.m, one.mm), fingerprint(two.m, two.mm));
    });

    it(`${tag}: a ZONE_MOVABLE page is unpinned, migrated and pinned again (gup §5 migrate-and-retry: acq 2, rel 1)`, () => {
      const [one, two] = twins('6.18', ({ mm }) => {
        mm.addVma(PID, BUF, 4n * 4096n, 'anon', { read: true, write: true }, { zone: 'movable' });
        mm.touch(PID, BUF, true);
      }, lean);
      const old = one.mm.pageAt(PID, BUF)!;
      const a = one.mm.gup('pin_user_pages_remote', PID, BUF, 1, LT as string[]);
      const b = runToEnd(two.mm.gupSteps('pin_user_pages_remote', PID, BUF, 1, LT as string[]));
      assert.deepEqual(a, b);
      assert.equal(a.ret, 1);
      assert.notEqual(a.pages[0], old);
      assert.equal(one.mm.pageInfo(old).freed, true);
      assert.deepEqual({ ...one.mm.vmstat }, { nr_foll_pin_acquired: 2, nr_foll_pin_released: 1 });
      if (!lean) assert.equal(fingerprint(one.m, one.mm), fingerprint(two.m, two.mm));
    });

    it(`${tag}: no VMA at the address → −EFAULT (gup §2.4), nothing pinned`, () => {
      const [one, two] = twins('6.18', ({ mm }) => mm.addVma(PID, BUF, 4096n, 'anon', { read: true, write: true }), lean);
      const a = one.mm.gup('pin_user_pages_remote', PID, BUF + 0x100000n, 1, LT as string[]);
      const b = runToEnd(two.mm.gupSteps('pin_user_pages_remote', PID, BUF + 0x100000n, 1, LT as string[]));
      assert.deepEqual(a, b);
      assert.deepEqual(a, { ret: -14, pages: [] });
      assert.equal(one.mm.pinsHeld(), 0);
      if (!lean) assert.equal(fingerprint(one.m, one.mm), fingerprint(two.m, two.mm));
    });

    it(`${tag}: unpin_user_pages with a negative count warns once and releases nothing (gup §3.5)`, () => {
      const [one, two] = twins('6.18', ({ mm }) => mm.addVma(PID, BUF, 4096n, 'anon', { read: true, write: true }));
      const a = one.mm.gup('pin_user_pages', PID, BUF, 1, LT as string[]);
      const b = runToEnd(two.mm.gupSteps('pin_user_pages', PID, BUF, 1, LT as string[]));
      if (lean) {
        one.m.setLean();
        two.m.setLean();
      }
      one.mm.release('unpin_user_pages', a.pages, false, -22);
      runToEnd(two.mm.releaseSteps('unpin_user_pages', b.pages, false, -22));
      assert.equal(one.mm.pinsHeld(), 1);
      assert.equal(two.mm.pinsHeld(), 1);
      if (!lean) {
        assert.deepEqual(warnings(one.m), ['unpin_user_pages: npages is a negative errno (-22); nothing released']);
        assert.equal(fingerprint(one.m, one.mm), fingerprint(two.m, two.mm));
      }
    });

    it(`${tag}: put_page and unpin_user_page of one page each (gup §2.1 release rows)`, () => {
      const [one, two] = twins('6.18', ({ mm }) => mm.addVma(PID, BUF, 2n * 4096n, 'anon', { read: true, write: true }), lean);
      for (const w of [one, two]) {
        const oneShot = w === one;
        const g = oneShot ? w.mm.gup('get_user_pages', PID, BUF, 1, ['FOLL_WRITE']) : runToEnd(w.mm.gupSteps('get_user_pages', PID, BUF, 1, ['FOLL_WRITE']));
        const p = oneShot ? w.mm.gup('pin_user_pages', PID, BUF + 4096n, 1, ['FOLL_WRITE']) : runToEnd(w.mm.gupSteps('pin_user_pages', PID, BUF + 4096n, 1, ['FOLL_WRITE']));
        // gup §3.1: FOLL_GET +1, FOLL_PIN +1024 on a small page (each also has its mapping's reference)
        assert.deepEqual([w.mm.pageInfo(g.pages[0]).refcount, w.mm.pageInfo(p.pages[0]).refcount], [2, 1025]);
        if (oneShot) {
          w.mm.release('put_page', g.pages);
          w.mm.release('unpin_user_page', p.pages);
        } else {
          runToEnd(w.mm.releaseSteps('put_page', g.pages));
          runToEnd(w.mm.releaseSteps('unpin_user_page', p.pages));
        }
        assert.deepEqual([w.mm.pageInfo(g.pages[0]).refcount, w.mm.pageInfo(p.pages[0]).refcount], [1, 1]);
      }
      if (!lean) assert.equal(fingerprint(one.m, one.mm), fingerprint(two.m, two.mm));
    });
  }
});

describe('mm: vpnOf (vaddr >> PAGE_SHIFT, 4 KiB pages as in gup §10.1 step 2) in doubles below 2^53, BigInt above', () => {
  it('gives the shift exactly on both sides of 2^53 and at the top of the 64-bit space', () => {
    assert.equal(vpnOf(0n), 0);
    assert.equal(vpnOf(0xfffn), 0);
    assert.equal(vpnOf(0x1000n), 1);
    assert.equal(vpnOf(BUF), 0x7f0000000);
    assert.equal(vpnOf(2n ** 53n - 1n), 2 ** 41 - 1); // the last exact double
    assert.equal(vpnOf(2n ** 53n), 2 ** 41);
    assert.equal(vpnOf(2n ** 53n + 4095n), 2 ** 41); // rounds up as a double: the BigInt path
    assert.equal(vpnOf(2n ** 64n - 4096n), 2 ** 52 - 1); // x86-64 gate-area range, gup §2.4
    assert.equal(vpnOf(0xffffffffff600000n), Number(0xffffffffff600000n >> 12n));
  });
});
