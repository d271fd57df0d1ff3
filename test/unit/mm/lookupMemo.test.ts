/**
 * Derived lookups of the vfio pin path kept between calls (issue 12): `VfioType1.findDma`
 * remembers the last mapping it found (vfioIova.ts LastDma) and the GUP argument memo its last
 * flag list and validation (gupArgsMemo.ts). Neither is model state: each answer must stay what
 * the plain lookup gives after a map, an unmap, and stepping the journal back and forth.
 */
import * as assert from 'node:assert/strict';
import { ERRNO } from '../../../model/linux/mm/mm';
import { IOMMU_READ, IOMMU_WRITE } from '../../../model/linux/mm/vfioType1';
import { LastDma } from '../../../model/linux/mm/vfioIova';
import { GupArgsMemo } from '../../../model/linux/mm/gupArgsMemo';
import { GUP_APIS } from '../../../model/linux/mm/apis';
import { kernelFeatures, parseKernelVersion } from '../../../model/kernel/version';
import { BUF, PID, setup } from './helpers';

const RW = IOMMU_READ | IOMMU_WRITE;
const A = 0x100000n;
const B = 0x200000n;
const OTHER = BUF + 0x100000n; // a second buffer: the mapping that replaces A points here

function world() {
  const s = setup('6.18');
  s.mm.addVma(PID, BUF, 4n * 4096n, 'anon', { read: true, write: true });
  s.mm.addVma(PID, OTHER, 4n * 4096n, 'anon', { read: true, write: true });
  s.mm.touch(PID, BUF, true);
  s.mm.touch(PID, OTHER, true);
  return s;
}

describe('mm: vfio_find_dma remembers its last mapping and never answers from a stale one (gup §10.1 step 3)', () => {
  it('a page of the remembered mapping, of another mapping and of no mapping', () => {
    const { mm } = world();
    assert.equal(mm.vfio.map(PID, A, BUF, 4n * 4096n, RW), 0);
    assert.equal(mm.vfio.map(PID, B, OTHER, 4n * 4096n, RW), 0);
    const [a, b] = mm.vfio.dmas;
    assert.equal(mm.vfio.findDma(A + 0x3000n), a);
    assert.equal(mm.vfio.findDma(A), a); // answered by the memo
    assert.equal(mm.vfio.findDma(B + 0x1000n), b);
    assert.equal(mm.vfio.findDma(A + 0x4000n), undefined); // the page after A's last
    assert.equal(mm.vfio.findDma(A - 0x1000n), undefined);
    // gup §10.1 step 3: no vfio_dma for the IOVA → −EINVAL
    assert.equal(mm.vfio.pin([A + 0x4000n], RW).ret, -ERRNO.EINVAL);
  });

  it('after an unmap and a new mapping of the same IOVAs the pin goes to the new mapping\'s pages', () => {
    const { mm } = world();
    assert.equal(mm.vfio.map(PID, A, BUF, 4n * 4096n, RW), 0);
    const r1 = mm.vfio.pin([A], RW);
    assert.deepEqual([r1.ret, r1.pfns], [1, [mm.pageAt(PID, BUF)]]);
    mm.vfio.unpin([A]);
    assert.equal(mm.vfio.unmap(A, 4n * 4096n), 4 * 4096); // the bytes unmapped
    assert.equal(mm.vfio.findDma(A), undefined);
    assert.equal(mm.vfio.map(PID, A, OTHER, 4n * 4096n, RW), 0); // same IOVA, same list index
    const r2 = mm.vfio.pin([A], RW);
    assert.deepEqual([r2.ret, r2.pfns], [1, [mm.pageAt(PID, OTHER)]]);
    assert.notEqual(r2.pfns[0], r1.pfns[0]);
    mm.vfio.unpin([A]);
    assert.equal(mm.pinsHeld(), 0);
  });

  it('stepping the journal back over the map forgets the mapping, forward finds it again', () => {
    const { m, mm } = world();
    const before = m.journal.position;
    assert.equal(mm.vfio.map(PID, A, BUF, 4n * 4096n, RW), 0);
    const after = m.journal.position;
    const d = mm.vfio.findDma(A);
    assert.notEqual(d, undefined);
    m.journal.undoTo(before);
    assert.equal(mm.vfio.findDma(A), undefined);
    m.journal.redoTo(after);
    assert.equal(mm.vfio.findDma(A + 0x1000n), d);
    m.journal.undoTo(before);
    m.journal.truncateFuture();
    assert.equal(mm.vfio.map(PID, B, OTHER, 4n * 4096n, RW), 0); // another mapping at list index 0
    assert.equal(mm.vfio.findDma(A), undefined);
    assert.equal(mm.vfio.pin([A], RW).ret, -ERRNO.EINVAL);
    assert.equal(mm.vfio.findDma(B), mm.vfio.dmas[0]);
  });

  it('LastDma answers only for a whole page inside the remembered range and only while the list holds it at the same place', () => {
    type R = { iova: bigint; size: bigint };
    const x: R = { iova: 0x10000n, size: 0x3000n };
    const y: R = { iova: 0x20000n, size: 0x1000n };
    const memo = new LastDma<R>();
    const list = [x, y];
    assert.equal(memo.hit(list, 0x10000n), undefined); // nothing remembered
    memo.remember(x, 0);
    assert.deepEqual([0x10000n, 0x11000n, 0x12000n, 0x13000n, 0xf000n].map((a) => memo.hit(list, a)), [x, x, x, undefined, undefined]);
    assert.equal(memo.hit([y, x], 0x10000n), undefined); // no longer at index 0
    assert.equal(memo.hit([x], 0x10000n), x);
    // a range beyond 2^53 is not remembered (its bounds are not exact as doubles)
    const far: R = { iova: 2n ** 60n, size: 0x1000n };
    memo.remember(far, 0);
    assert.equal(memo.hit([far], 2n ** 60n), undefined);
  });
});

describe('mm: the GUP argument memo\'s last answer (gupArgsMemo.ts, gup §2.3)', () => {
  const f = kernelFeatures(parseKernelVersion('6.18')!);
  const pinRemote = GUP_APIS.get('pin_user_pages_remote')!;
  const getUser = GUP_APIS.get('get_user_pages')!;

  it('the same frozen list gives the same set; another list its own; a mutable list is parsed each time', () => {
    const memo = new GupArgsMemo(f);
    const lt = Object.freeze(['FOLL_WRITE', 'FOLL_LONGTERM']);
    const ro = Object.freeze(['FOLL_LONGTERM']);
    const s1 = memo.parse(lt);
    assert.equal(memo.parse(lt), s1);
    const s2 = memo.parse(ro);
    assert.deepEqual([...s2], ['FOLL_LONGTERM']);
    assert.equal(memo.parse(lt), s1);
    const mutable = ['FOLL_WRITE'];
    const m1 = memo.parse(mutable);
    mutable.push('FOLL_FORCE');
    assert.deepEqual([...memo.parse(mutable)].sort(), ['FOLL_FORCE', 'FOLL_WRITE']);
    assert.notEqual(memo.parse(mutable), m1);
  });

  it('validation: the last (set, wrapper) answer again; another wrapper its own rule; options are never memoised', () => {
    const memo = new GupArgsMemo(f);
    const lt = memo.parse(Object.freeze(['FOLL_WRITE', 'FOLL_LONGTERM']));
    const v1 = memo.validate(pinRemote, lt, {});
    assert.equal(v1.ok, true);
    // gup §2.3 E4: the wrapper adds FOLL_PIN, FOLL_TOUCH, FOLL_REMOTE
    assert.deepEqual(v1.ok ? [...v1.flags].sort() : [], ['FOLL_LONGTERM', 'FOLL_PIN', 'FOLL_REMOTE', 'FOLL_TOUCH', 'FOLL_WRITE']);
    assert.equal(memo.validate(pinRemote, lt, {}), v1);
    // gup §2.3: FOLL_LONGTERM without FOLL_PIN (get_user_pages) → −EINVAL
    const v2 = memo.validate(getUser, lt, {});
    assert.deepEqual(v2.ok ? 0 : v2.ret, -ERRNO.EINVAL);
    assert.equal(memo.validate(pinRemote, lt, {}), v1);
    // gup §2.3: *locked must be 1 for the remote wrapper
    const v3 = memo.validate(pinRemote, lt, { locked: 0 });
    assert.equal(v3.ok, false);
    assert.equal(memo.validate(pinRemote, lt, {}), v1);
  });
});

describe('mm: the GUP and release API rows remembered by name still refuse what this kernel lacks (gup §2.1)', () => {
  it('6.18: pin_user_pages_fast_only (5.8–6.2) and an unknown name are refused after a good call of each family', () => {
    const { mm } = setup('6.18');
    mm.addVma(PID, BUF, 4096n, 'anon', { read: true, write: true });
    const r = mm.gup('pin_user_pages', PID, BUF, 1, ['FOLL_WRITE']);
    assert.equal(r.ret, 1);
    assert.throws(() => mm.gup('pin_user_pages_fast_only', PID, BUF, 1, []), /pin_user_pages_fast_only does not exist in Linux 6\.18 \(5\.8–6\.2; gup §2\.1\)/);
    assert.throws(() => mm.gup('pin_user_page', PID, BUF, 1, []), /unknown GUP API 'pin_user_page'/);
    assert.equal(mm.gup('pin_user_pages', PID, BUF, 1, ['FOLL_WRITE']).ret, 1); // the good name again
    mm.release('unpin_user_pages', r.pages);
    assert.throws(() => mm.release('unpin_user_pagez', r.pages), /unknown release API 'unpin_user_pagez'/);
    mm.release('unpin_user_pages', r.pages);
    assert.equal(mm.pinsHeld(), 0);
  });

  it('5.10: unpin_folios (6.11+) is refused after unpin_user_pages was accepted', () => {
    const { mm } = setup('5.10');
    mm.addVma(PID, BUF, 4096n, 'anon', { read: true, write: true });
    const r = mm.gup('pin_user_pages', PID, BUF, 1, ['FOLL_WRITE']);
    mm.release('unpin_user_pages', r.pages);
    assert.throws(() => mm.release('unpin_folios', r.pages), /unpin_folios does not exist in Linux 5\.10 \(added in 6\.11\)/);
    assert.equal(mm.pinsHeld(), 0);
  });
});
