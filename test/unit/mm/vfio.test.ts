import * as assert from 'node:assert/strict';
import { ERRNO } from '../../../model/linux/mm/mm';
import { IOMMU_READ, IOMMU_WRITE, PFNMAP_PFN_BASE } from '../../../model/linux/mm/vfioType1';
import { BUF, PID, setup, warnings } from './helpers';

const IOVA = 0x100000n;
const RW = IOMMU_READ | IOMMU_WRITE;
const iovas = (n: number, base = IOVA) => Array.from({ length: n }, (_, i) => base + BigInt(i) * 4096n);

function vfioSetup(ver: string, pages = 16, prot = RW) {
  const s = setup(ver);
  s.mm.addVma(PID, BUF, BigInt(pages) * 4096n, 'anon', { read: true, write: true });
  assert.equal(s.mm.vfio.map(PID, IOVA, BUF, BigInt(pages) * 4096n, prot), 0);
  return s;
}

describe('mm: vfio_pin_pages / vfio_unpin_pages (gup §10)', () => {
  it('one external pin of a writable page = one FOLL_PIN, locked_vm +1; unpin dirties, rel +1, locked_vm −1 (gup §10.1 "counter expectations")', () => {
    for (const ver of ['5.7', '5.18', '6.3', '6.18']) {
      const { mm } = vfioSetup(ver);
      const r = mm.vfio.pin([IOVA], IOMMU_WRITE);
      assert.equal(r.ret, 1, ver);
      const pfn = r.pfns[0];
      assert.equal(mm.pageInfo(pfn).refcount, 1025, ver); // gup §3.1 FOLL_PIN small: ref +B
      assert.equal(mm.vmstat.nr_foll_pin_acquired, 1);
      assert.equal(mm.lockedVm(PID), 1); // gup §10.1 step 5
      assert.equal(mm.vfio.vpfn(IOVA)?.refCount, 1); // step 7
      assert.equal(mm.pageInfo(pfn).dirty, false);
      assert.equal(mm.vfio.unpin([IOVA]), ver === '5.7' || ver === '5.18' ? 1 : 0); // ≈6.0+ void
      assert.equal(mm.pageInfo(pfn).refcount, 1);
      assert.equal(mm.pageInfo(pfn).dirty, true, `${ver}: put_pfn dirties with prot & IOMMU_WRITE (gup §6, §10.1 step 8)`);
      assert.equal(mm.vmstat.nr_foll_pin_released, 1);
      assert.equal(mm.lockedVm(PID), 0);
      assert.equal(mm.vfio.vpfn(IOVA), undefined);
    }
  });

  it('E1 (5.6): the vfio pin is a plain reference (gup §3.1 E1 column)', () => {
    const { mm } = vfioSetup('5.6');
    const r = mm.vfio.pin([IOVA], IOMMU_WRITE);
    assert.equal(mm.pageInfo(r.pfns[0]).refcount, 2);
    assert.equal(mm.lockedVm(PID), 1);
    mm.vfio.unpin([IOVA]);
    assert.equal(mm.pageInfo(r.pfns[0]).refcount, 1);
  });

  it('repeated pins of one IOVA only bump vfio_pfn.ref_count; the last unpin releases (gup §10.1 step 3, 8)', () => {
    const { mm } = vfioSetup('6.18');
    const a = mm.vfio.pin([IOVA], IOMMU_READ);
    const b = mm.vfio.pin([IOVA], IOMMU_WRITE);
    assert.deepEqual(a.pfns, b.pfns);
    assert.equal(mm.vfio.vpfn(IOVA)?.refCount, 2);
    assert.equal(mm.pageInfo(a.pfns[0]).refcount, 1025); // one GUP pin only
    assert.equal(mm.lockedVm(PID), 1);
    mm.vfio.unpin([IOVA]);
    assert.equal(mm.pageInfo(a.pfns[0]).refcount, 1025);
    mm.vfio.unpin([IOVA]);
    assert.equal(mm.pageInfo(a.pfns[0]).refcount, 1);
    assert.equal(mm.pinsHeld(), 0);
  });

  it('RLIMIT_MEMLOCK: −ENOMEM on the page that crosses the limit, earlier pages unwound, warning names the task (gup §10.1 step 6)', () => {
    const { mm, m } = vfioSetup('6.18');
    mm.setRlimitMemlock(PID, 2 * 4096);
    const r = mm.vfio.pin(iovas(3), IOMMU_WRITE);
    assert.equal(r.ret, -ERRNO.ENOMEM);
    assert.deepEqual(r.pfns, []);
    assert.equal(mm.lockedVm(PID), 0);
    assert.equal(mm.pinsHeld(), 0);
    assert.equal(mm.vfio.pinnedCount(), 0);
    // the page just pinned was released with put_pfn: dirtied (mapping writable), rel +1
    assert.equal(mm.vmstat.nr_foll_pin_acquired, 3);
    assert.equal(mm.vmstat.nr_foll_pin_released, 3);
    assert.ok(warnings(m).some((w) => /Task qemu \(100\) RLIMIT_MEMLOCK \(8192\) exceeded/.test(w)), warnings(m).join('\n'));
    // within the limit it works; with CAP_IPC_LOCK at map time the limit is bypassed
    assert.equal(mm.vfio.pin(iovas(2), IOMMU_WRITE).ret, 2);
    mm.setCapIpcLock(PID, true);
    assert.equal(mm.vfio.pin(iovas(1, IOVA + 0x2000n), IOMMU_WRITE).ret, -ERRNO.ENOMEM, 'lock_cap is recorded at DMA-map time');
    assert.equal(mm.vfio.map(PID, 0x900000n, BUF + 0x8000n, 0x8000n, RW), 0);
    assert.equal(mm.vfio.pin(iovas(4, 0x900000n), IOMMU_WRITE).ret, 4);
    assert.equal(mm.lockedVm(PID), 6);
  });

  it('errno: E2BIG above VFIO_PIN_PAGES_MAX_ENTRIES (512), EINVAL unmapped/npage 0, EPERM prot, EACCES not v2, ENOTTY (gup §10.1 steps 2–3)', () => {
    const { mm } = vfioSetup('6.18', 16, IOMMU_READ);
    assert.equal(mm.vfio.maxEntries, 512);
    assert.equal(mm.vfio.pin(iovas(513, 0n), IOMMU_READ).ret, -ERRNO.E2BIG);
    assert.equal(mm.vfio.pin([], IOMMU_READ).ret, -ERRNO.EINVAL);
    assert.equal(mm.vfio.pin([0x800000n], IOMMU_READ).ret, -ERRNO.EINVAL);
    assert.equal(mm.vfio.pin([IOVA], IOMMU_WRITE).ret, -ERRNO.EPERM);
    mm.vfio.setConfig('iommuType', 'VFIO_TYPE1_IOMMU');
    assert.equal(mm.vfio.pin([IOVA], IOMMU_READ).ret, -ERRNO.EACCES);
    mm.vfio.setConfig('iommuType', 'VFIO_SPAPR_TCE_IOMMU');
    assert.equal(mm.vfio.pin([IOVA], IOMMU_READ).ret, -ERRNO.ENOTTY);
    assert.equal(mm.pinsHeld(), 0);
    const old = vfioSetup('5.10').mm;
    old.vfio.setConfig('groupDevices', 2);
    assert.equal(old.vfio.pin([IOVA], IOMMU_READ).ret, -ERRNO.EINVAL); // (5.x) group with > 1 device
    old.vfio.setConfig('groupDevices', 1);
    old.vfio.setConfig('notifier', false);
    assert.equal(old.vfio.pin([IOVA], IOMMU_READ).ret, -ERRNO.EINVAL); // (5.x) no notifier
    assert.equal(old.vfio.unpin([0x800000n]), -ERRNO.EINVAL);
  });

  it('a failure mid-call unwinds earlier pages, also those that were already pinned (pin_unwind, gup §10.1 step 6)', () => {
    const { mm } = vfioSetup('6.18', 4);
    mm.vfio.pin([IOVA], IOMMU_WRITE);
    const r = mm.vfio.pin([IOVA, IOVA + 0x1000n, IOVA + 0x2000n, IOVA + 0x3000n, IOVA + 0x4000n], IOMMU_WRITE);
    assert.equal(r.ret, -ERRNO.EINVAL); // iova 0x104000 is past the 4-page mapping
    assert.equal(mm.vfio.vpfn(IOVA)?.refCount, 1);
    assert.equal(mm.vfio.pinnedCount(), 1);
    assert.equal(mm.lockedVm(PID), 1);
  });

  it('zero page by era: leaked pin before ≈6.0, unpinned at once 6.0–6.4, never pinned 6.5+ (gup §10.1 step 10)', () => {
    const expect: Record<string, { zeroRef: number; acq: number; rel: number }> = {
      '5.7': { zeroRef: 1025, acq: 1, rel: 0 },
      '5.18': { zeroRef: 1025, acq: 1, rel: 0 },
      '6.3': { zeroRef: 1, acq: 1, rel: 1 },
      '6.18': { zeroRef: 1, acq: 0, rel: 0 },
    };
    for (const [ver, e] of Object.entries(expect)) {
      const { mm } = vfioSetup(ver, 4, IOMMU_READ); // read-only mapping: no FOLL_WRITE, the hole maps the zero page
      const r = mm.vfio.pin([IOVA], IOMMU_READ);
      assert.equal(r.ret, 1);
      const z = mm.pageInfo(r.pfns[0]);
      assert.equal(z.zeroPage, true);
      assert.equal(mm.lockedVm(PID), 0, `${ver}: reserved pfn not accounted (step 9)`);
      mm.vfio.unpin([IOVA]);
      assert.equal(mm.pageInfo(r.pfns[0]).refcount, e.zeroRef, ver);
      assert.equal(mm.vmstat.nr_foll_pin_acquired, e.acq, ver);
      assert.equal(mm.vmstat.nr_foll_pin_released, e.rel, ver);
    }
  });

  it('VM_PFNMAP: no struct page, nothing pinned or accounted (gup §10.1 steps 4, 9)', () => {
    const { mm } = setup('6.18');
    mm.addVma(PID, BUF, 0x4000n, 'pfnmap', { read: true, write: true });
    mm.vfio.map(PID, IOVA, BUF, 0x4000n, RW);
    const r = mm.vfio.pin([IOVA + 0x1000n], IOMMU_WRITE);
    assert.deepEqual(r, { ret: 1, pfns: [PFNMAP_PFN_BASE + 1] });
    assert.equal(mm.lockedVm(PID), 0);
    mm.vfio.unpin([IOVA + 0x1000n]);
    assert.equal(mm.pinsHeld(), 0);
  });

  it('DMA map validation and unmap of pinned pages (gup §10.1; bad input)', () => {
    const { mm, m } = vfioSetup('6.18');
    assert.equal(mm.vfio.map(PID, 0x1001n, BUF, 4096n, RW), -ERRNO.EINVAL);
    assert.equal(mm.vfio.map(PID, 0x800000n, BUF, 0n, RW), -ERRNO.EINVAL);
    assert.equal(mm.vfio.map(PID, 0x800000n, BUF, 4096n, 0), -ERRNO.EINVAL);
    assert.equal(mm.vfio.map(PID, IOVA + 0x1000n, BUF, 4096n, RW), -ERRNO.EEXIST);
    assert.equal(mm.vfio.map(PID, 0xfffffffffffff000n, BUF, 0x2000n, RW), -ERRNO.EINVAL);
    mm.vfio.pin(iovas(2), IOMMU_WRITE);
    let told = 0;
    mm.vfio.onDmaUnmap(() => told++);
    assert.equal(mm.vfio.unmap(IOVA, 16n * 4096n), 16 * 4096);
    assert.equal(told, 1);
    assert.equal(mm.pinsHeld(), 0);
    assert.equal(mm.lockedVm(PID), 0);
    assert.ok(warnings(m).some((w) => /still pinned by the vendor driver/.test(w)));
  });

  it('IOMMU-backed container: map pins the range and checks the limit page by page (gup §10.1 last paragraph)', () => {
    const { mm, m } = setup('6.18');
    mm.addVma(PID, BUF, 8n * 4096n, 'anon', { read: true, write: true });
    mm.vfio.setConfig('iommuDomain', true);
    mm.setRlimitMemlock(PID, 4 * 4096);
    assert.equal(mm.vfio.map(PID, IOVA, BUF, 8n * 4096n, RW), -ERRNO.ENOMEM);
    assert.ok(warnings(m).some((w) => /vfio_pin_pages_remote: RLIMIT_MEMLOCK \(16384\) exceeded/.test(w)));
    assert.equal(mm.pinsHeld(), 0);
    assert.equal(mm.lockedVm(PID), 0);
    assert.equal(mm.vfio.map(PID, IOVA, BUF, 4n * 4096n, RW), 0);
    assert.equal(mm.lockedVm(PID), 4);
    assert.equal(mm.pinsHeld(), 4);
    // external pins in an IOMMU-backed container are not accounted (do_accounting false)
    assert.equal(mm.vfio.pin([IOVA], IOMMU_WRITE).ret, 1);
    assert.equal(mm.lockedVm(PID), 4);
    assert.equal(mm.pinsHeld(), 5);
    mm.vfio.unpin([IOVA]);
    mm.vfio.unmap(IOVA, 4n * 4096n);
    assert.equal(mm.pinsHeld(), 0);
    assert.equal(mm.lockedVm(PID), 0);
  });

  it('unpinning an IOVA that was never pinned changes nothing and is reported by the model', () => {
    const { mm, m } = vfioSetup('6.18');
    assert.equal(mm.vfio.unpin([IOVA]), 0);
    assert.equal(mm.lockedVm(PID), 0);
    assert.ok(warnings(m).some((w) => /is not pinned/.test(w)));
  });
});
