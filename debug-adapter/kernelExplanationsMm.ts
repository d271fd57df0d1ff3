/**
 * Explanations of the memory-management side's frames (GUP / FOLL_PIN, faults, fork, vfio
 * type1, io_uring, O_DIRECT, gup_test), as the model implements them; cited to gup-foll-pin.md.
 * The GUP entry points and release APIs come from the model's own API tables, so a new API
 * is explained as soon as it exists. Data only (kernelSources.ts renders it).
 */
import type { Explanation } from './kernelSources';
import { explain, step } from './explanationParts';
import { GUP_APIS, RELEASE_APIS } from '../model/linux/mm/apis';

const L_GUP = 'Linux mm/gup.c';
const L_MEM = 'Linux mm/memory.c';
const L_VFIO = 'Linux drivers/vfio/vfio_iommu_type1.c';
const L_URING = 'Linux io_uring/rsrc.c';
const L_BLK = 'Linux block/fops.c';
const L_GUPT = 'Linux mm/gup_test.c';

const s = step;
const e = explain;

/** The era's grab helpers (gup §3.5, counting.ts grabFn): one explanation each, and function breakpoint names. */
export const GRAB_FNS = ['try_get_page', 'try_grab_page', 'try_grab_folio', 'try_get_compound_head', 'try_grab_compound_head', 'try_grab_folio_fast'];
const FAULT_FNS = ['faultin_page', 'handle_mm_fault', 'exc_page_fault'];

const gupApis: Array<[string, Explanation]> = [...GUP_APIS.values()].map((a) => [a.name, e(L_GUP, 'gup §2.1–§2.4, §3.1', `${a.pin ? 'Pin' : 'Get references on'} the pages of a user range (since ${a.since}${a.until ? `, until ${a.until}` : ''}); it ORs in ${a.toSet.join('|')} and its pages are released with ${a.release}().`, [
  s(`Validate the arguments (is_valid_gup_args, gup §2.3): bad flags ${a.rejectE4 === 'ZERO' ? 'return 0 (E4+)' : 'return −EINVAL'}; FOLL_PIN and FOLL_GET together are refused.`, undefined, ['warn']),
  ...(a.fast ? [s(`Lockless walk first (gup_fast): grab pages whose PTEs allow it${a.fastOnly ? '; FOLL_FAST_ONLY: never fall back' : ''}.`, ['gup_fast_fallback', 'internal_get_user_pages_fast', 'gup_fast', 'gup_pgd_range', ...GRAB_FNS])] : []),
  ...(a.fastOnly ? [] : [s('Slow path under mmap_lock: __gup_longterm_locked (FOLL_LONGTERM checks) → __get_user_pages_locked → __get_user_pages, faulting pages in as needed.', ['__gup_longterm_locked', '__get_user_pages_locked', '__get_user_pages', ...GRAB_FNS, ...FAULT_FNS, 'gup_fast_fallback', 'internal_get_user_pages_fast'])]),
  s('Return the number of pages (possibly fewer than asked), 0, or −errno (gup §2.4); the scenario reads it as `ret`.', undefined, ['gup.return']),
])]);

const RELEASE_DETAIL: Record<string, string> = {
  put_page: 'refcount −1 on the folio; reaching 0 frees it (gup §2.1). Releasing a pin with put_page is the "wrong release" of gup §3.5.',
  unpin_user_page: 'gup_put_folio(folio, 1, FOLL_PIN): small page refcount −GUP_PIN_COUNTING_BIAS, large folio refcount −1 and pincount −1 (gup §3.1); vmstat nr_foll_pin_released +1.',
};

const releaseApis: Array<[string, Explanation]> = [...RELEASE_APIS.values()].map((r) => [r.name, e(L_GUP, 'gup §2.1, §3.1, §3.5, §6', `Release: ${r.doc} (since ${r.since}).`, [
  s(r.name.includes('dirty') ? 'Mark each folio dirty first when make_dirty (folio_mark_dirty_lock, gup §6).' : 'Look up the folio of each entry (consecutive entries of one folio are batched).', ['folio_mark_dirty_lock', 'set_page_dirty_lock']),
  s(RELEASE_DETAIL[r.name] ?? 'gup_put_folio for each pin: the counting rule of gup §3.1 in reverse; releasing what was not pinned warns (gup §3.5).', ['gup_put_folio', 'put_compound_head', 'put_page', 'put_devmap_managed_page'], ['page.release', 'warn']),
])]);

const grab = (name: string, era: string): [string, Explanation] => [name, e(L_GUP, 'gup §3.1, §3.2, §3.4', `The grab helper of ${era}: take refs references of the requested kind on the folio of the page (on the head page, never the tail).`, [
  s('Refuse when the folio\'s refcount is ≤ 0 (overflow protection, gup §3.4): the slow path warns and fails with −ENOMEM, the fast path falls back.', undefined, ['warn']),
  s('FOLL_GET: refcount + refs. FOLL_PIN: small page refcount + refs × GUP_PIN_COUNTING_BIAS (1024); large folio refcount + refs and the exact pincount + refs; the shared zero page (6.5+) is not counted (gup §3.1).', undefined, ['page.grab']),
  s('vmstat nr_foll_pin_acquired + refs for FOLL_PIN (gup §4).', undefined, ['page.grab']),
])];

export const MM_EXPLANATIONS: ReadonlyArray<[string, Explanation]> = [
  ...gupApis,
  ...releaseApis,
  grab('try_get_page', 'E1 (5.6, slow path)'),
  grab('try_grab_page', 'E2–E3 (slow path)'),
  grab('try_grab_folio', 'E4+ slow path and E3 fast path'),
  grab('try_get_compound_head', 'E1 (fast path)'),
  grab('try_grab_compound_head', 'E2 (fast path)'),
  grab('try_grab_folio_fast', 'E4+ (fast path)'),
  ['gup_put_folio', e(L_GUP, 'gup §3.1, §3.5', 'Drop refs pins (FOLL_PIN) or references of a folio.', [s('FOLL_PIN: pincount −refs (large) or refcount −refs × BIAS (small); vmstat released +refs; a count going negative warns (gup §3.5).', undefined, ['page.release', 'warn'])])],
  ['put_compound_head', e(L_GUP, 'gup §3.1', 'E2\'s unpin helper: the inverse of try_grab_compound_head.', [s('refcount −refs × BIAS (small) or −refs and hpage_pinned_refcount −refs (order ≥ 2).', undefined, ['page.release'])])],
  ['put_devmap_managed_page', e(L_MEM, 'gup §7', 'A ZONE_DEVICE page\'s last reference goes back to its driver, not the page allocator.', [s('refcount −1; at 1 the device driver is notified.', undefined, ['page.release'])])],
  ['get_page', e('Linux include/linux/mm.h', 'gup §2.1, §3.3, §3.6', 'Plain reference(s) on a folio, without FOLL_PIN: ≥ 1024 of them on a small page make page_maybe_dma_pinned() true (the known false positive).', [s('refcount +1 per call, on the head page.', undefined, ['page.grab', 'log'])])],
  ['folio_mark_dirty_lock', e('Linux mm/page-writeback.c', 'gup §6', 'Mark a folio dirty with its lock held (used by unpin_*_dirty_lock).', [s('Set PG_dirty on the folio.', undefined, ['page.release'])])],
  ['set_page_dirty_lock', e('Linux mm/page-writeback.c', 'gup §6', 'Older name of folio_mark_dirty_lock.', [s('Set PG_dirty on the page\'s folio.', undefined, ['page.release'])])],
  ['__gup_longterm_locked', e(L_GUP, 'gup §5', 'The FOLL_LONGTERM wrapper: pin, then check every page may be pinned long-term; migrate the ones that may not (CMA, ZONE_MOVABLE) and retry.', [
    s('__get_user_pages_locked for the range.', ['__get_user_pages_locked', '__get_user_pages']),
    s('FOLL_LONGTERM: check_and_migrate_movable_pages; unpinnable pages are unpinned, migrated, and the walk retried (gup §5).', ['check_and_migrate_movable_pages', 'migrate_pages', 'check_dax_vmas']),
  ])],
  ['__get_user_pages_locked', e(L_GUP, 'gup §2.4', 'Run __get_user_pages with the mmap lock, retrying after a fault dropped it.', [s('__get_user_pages; VM_FAULT_RETRY → retake the lock and continue.', ['__get_user_pages'])])],
  ['__get_user_pages', e(L_GUP, 'gup §2.4, §3.1, §5', 'The slow path walk: for each page find the VMA, check access, follow the page table, fault in what is missing, then grab.', [
    s('find_extend_vma; no VMA or a VMA the flags forbid (VM_IO/PFNMAP, FOLL_LONGTERM on fs-dax, missing write permission) → −EFAULT; the gate page is special.', ['check_dax_vmas', 'get_gate_page']),
    s('follow_page_mask; missing or needs unsharing → faultin_page (FOLL_NOFAULT → −EFAULT; FOLL_NOWAIT may return 0).', FAULT_FNS.concat(['do_anonymous_page', 'do_wp_page', 'do_shared_fault', 'do_read_fault', 'hugetlb_fault']), ['page.fault', 'log']),
    s('Grab the page (FOLL_GET or FOLL_PIN, gup §3.1); a PMD-mapped large folio takes the rest of the run in one more grab (E4).', GRAB_FNS, ['page.grab', 'warn']),
  ])],
  ['gup_fast_fallback', e(L_GUP, 'gup §2.1, §3.1', 'E4+ internal_get_user_pages_fast: the lockless walk, then the slow path for the rest.', [s('gup_fast for as many pages as possible.', ['gup_fast', ...GRAB_FNS], ['page.grab']), s('Unless FOLL_FAST_ONLY: __gup_longterm_locked for the remainder.', ['__gup_longterm_locked', '__get_user_pages_locked', '__get_user_pages'])])],
  ['internal_get_user_pages_fast', e(L_GUP, 'gup §2.1, §3.1', 'Before E4: the lockless walk, then the slow path for the rest.', [s('gup_pgd_range.', ['gup_pgd_range', ...GRAB_FNS], ['page.grab']), s('Slow path for the remainder.', ['__gup_longterm_locked', '__get_user_pages_locked', '__get_user_pages'])])],
  ['gup_fast', e(L_GUP, 'gup §3.1, §5', 'The lockless page-table walk: stops at the first page it cannot take without the lock.', [s('Stop at: no PTE, special PTE (zero page, raw PFN), write without a writable PTE, fs-dax with FOLL_LONGTERM, an unpinnable folio with FOLL_LONGTERM.'), s('Grab (one grab per PMD-mapped folio run); checks after the grab roll it back (gup §4 rollbacks).', GRAB_FNS.concat(['gup_put_folio', 'put_page']), ['page.grab', 'page.release'])])],
  ['gup_pgd_range', e(L_GUP, 'gup §3.1', 'The lockless walk before E4 (same rules as gup_fast).', [s('Walk PGD → PTE; grab or stop.', GRAB_FNS.concat(['gup_put_folio', 'put_page', 'put_compound_head']), ['page.grab', 'page.release'])])],
  ['check_and_migrate_movable_pages', e(L_GUP, 'gup §5', 'After a FOLL_LONGTERM pin: pages in CMA or ZONE_MOVABLE may not stay pinned; unpin and migrate them.', [s('Collect unpinnable folios; release the pins taken.', ['unpin_user_pages', 'put_page', 'gup_put_folio'], ['page.release']), s('migrate_pages, then the caller retries the walk.', ['migrate_pages'])])],
  ['migrate_pages', e('Linux mm/migrate.c', 'gup §5', 'Move folios out of CMA / ZONE_MOVABLE to pinnable memory.', [s('Allocate the new folio, copy, remap; a folio with extra references cannot move (−EBUSY after retries).', ['put_back_pages'], ['page.release', 'log'])])],
  ['put_back_pages', e('Linux mm/migrate.c', 'gup §5', 'Give folios that could not migrate back to the LRU.', [s('Return them; the pin fails with the migration error.', undefined, ['log'])])],
  ['check_dax_vmas', e(L_GUP, 'gup §5, §7', 'FOLL_LONGTERM on an fs-dax VMA is refused.', [s('fs-dax VMA → −EOPNOTSUPP.', undefined, ['log'])])],
  ['get_gate_page', e(L_GUP, 'gup §2.4', 'The gate (vsyscall) page has no VMA of its own.', [s('FOLL_WRITE → −EFAULT; otherwise as the model chose.', undefined, ['log'])])],
  ['faultin_page', e(L_GUP, 'gup §2.4', 'Fault a page in for GUP (write, unshare) through handle_mm_fault.', [s('FOLL_WRITE → FAULT_FLAG_WRITE, FOLL_NOWAIT → may return −EBUSY; handle_mm_fault.', ['handle_mm_fault', 'do_anonymous_page', 'do_wp_page', 'do_shared_fault', 'do_read_fault', 'do_cow_fault', 'hugetlb_fault', 'do_huge_pmd_anonymous_page', 'do_huge_pmd_wp_page', 'hugetlb_wp'], ['page.fault', 'log'])])],
  ['handle_mm_fault', e(L_MEM, 'gup §3.6', 'Resolve a fault: allocate or share the page, break COW on write.', [s('By VMA kind: anonymous, shared file, private file, hugetlb, THP.', ['do_anonymous_page', 'do_wp_page', 'do_shared_fault', 'do_read_fault', 'do_cow_fault', 'hugetlb_fault', 'do_huge_pmd_anonymous_page', 'do_huge_pmd_wp_page', 'hugetlb_wp'], ['page.fault'])])],
  ['exc_page_fault', e('Linux arch fault handler', 'gup §3.6', 'A CPU access faulted (the scenario\'s touch/write): handle_mm_fault.', [s('handle_mm_fault for the address.', ['handle_mm_fault', 'do_anonymous_page', 'do_wp_page', 'do_shared_fault', 'do_read_fault'], ['page.fault'])])],
  ['do_anonymous_page', e(L_MEM, 'gup §3.6', 'First touch of an anonymous page: a read maps the shared zero page, a write allocates a new page (refcount 1).', [s('Read → zero page; write → new page, refcount 1, mapped.', undefined, ['page.fault'])])],
  ['do_huge_pmd_anonymous_page', e('Linux mm/huge_memory.c', 'gup §3.1, §3.6', 'First touch in a THP-eligible range: a PMD-mapped large folio (order 9).', [s('Allocate the 2 MiB folio (or the huge zero page on read).', undefined, ['page.fault'])])],
  ['do_wp_page', e(L_MEM, 'gup §3.3, §3.6', 'Write to a write-protected PTE: reuse the page if exclusive, else copy (COW). A pinned anon page is never reused by the wrong process (the fork rule).', [s('Exclusive and not maybe-pinned → reuse; otherwise copy to a new page, drop the old reference.', undefined, ['page.fault', 'page.release'])])],
  ['do_huge_pmd_wp_page', e('Linux mm/huge_memory.c', 'gup §3.6', 'COW of a PMD-mapped THP: split or copy.', [s('Copy-on-write of the huge page.', undefined, ['page.fault'])])],
  ['hugetlb_fault', e('Linux mm/hugetlb.c', 'gup §3.1', 'Fault in a hugetlb page.', [s('Allocate from the pool or share.', ['hugetlb_wp'], ['page.fault'])])],
  ['hugetlb_wp', e('Linux mm/hugetlb.c', 'gup §3.6', 'COW of a hugetlb page.', [s('Copy or reuse.', undefined, ['page.fault'])])],
  ['do_shared_fault', e(L_MEM, 'gup §3.6', 'Fault on a shared file mapping: map the page cache page.', [s('Page-cache page mapped, refcount +1.', undefined, ['page.fault'])])],
  ['do_read_fault', e(L_MEM, 'gup §3.6', 'Read fault on a private file mapping: map the page cache page read-only.', [s('Map read-only; a later write COWs.', undefined, ['page.fault'])])],
  ['do_cow_fault', e(L_MEM, 'gup §3.6', 'Write fault on a private file mapping: copy the page-cache page into a new anonymous page.', [s('Allocate, copy, map writable; the page-cache page keeps its own reference.', undefined, ['page.fault'])])],
  ['touch pages (p[0] = 0)', e('gup_test selftest (user space)', 'gup §8.2', 'The selftest writes the first byte of each page before the ioctl, so the pages exist.', [s('Write fault on each page.', ['exc_page_fault', 'handle_mm_fault', 'do_anonymous_page'], ['page.fault'])])],
  ['mmap', e('Linux mm/mmap.c', 'gup §8.2', 'Create the VMA the test maps.', [s('Add the VMA; no page is faulted yet.', undefined, ['log'])])],
  ['memfd_pin_folios', e(L_GUP, 'gup §1, §2.1', 'Pin the folios of a memfd range (≈6.11+), one pin per folio, FOLL_PIN|FOLL_LONGTERM.', [s('Allocate missing folios in the shmem/hugetlb file.', ['memfd_alloc_folio']), s('try_grab_folio(folio, 1, FOLL_PIN) per distinct folio.', GRAB_FNS, ['page.grab'])])],
  ['memfd_alloc_folio', e('Linux mm/memfd.c', 'gup §2.1', 'Allocate a folio in the memfd for an index without one.', [s('Fault the page in.', ['handle_mm_fault', 'do_shared_fault', 'do_anonymous_page', 'hugetlb_fault'], ['page.fault'])])],
  // fork
  ['kernel_clone', e('Linux kernel/fork.c', 'gup §3.3', 'fork(): copy the process; anonymous pages become COW-shared, except that a maybe-DMA-pinned page is copied at once (the pin stays with the parent).', [s('copy_process.', ['copy_process', 'dup_mm', 'dup_mmap', 'copy_page_range'])])],
  ['copy_process', e('Linux kernel/fork.c', 'gup §3.3', 'Duplicate the task and its mm.', [s('dup_mm.', ['dup_mm', 'dup_mmap', 'copy_page_range'])])],
  ['dup_mm', e('Linux kernel/fork.c', 'gup §3.3', 'Duplicate the address space.', [s('dup_mmap.', ['dup_mmap', 'copy_page_range'])])],
  ['dup_mmap', e('Linux kernel/fork.c', 'gup §3.3', 'Copy every VMA (not VM_DONTCOPY) and its page tables.', [s('copy_page_range per VMA.', ['copy_page_range'])])],
  ['copy_page_range', e(L_MEM, 'gup §3.3', 'Copy page tables: share anon pages COW (mapcount +1, refcount +1), but copy a page that may be DMA-pinned (page_maybe_dma_pinned, has_pinned).', [s('Pinned (maybe) anon page → copy for the child now; else write-protect and share.', undefined, ['page.fault', 'page.grab', 'log'])])],
  // vfio type1
  ['vfio_pin_pages', e('Linux drivers/vfio/vfio_main.c', 'gup §10.1', 'The mdev driver pins IOVA pages (vfio-ccw\'s page_array_pin).', [s('vfio_iommu_type1_pin_pages.', ['vfio_iommu_type1_pin_pages', 'vfio_pin_page_external', 'vaddr_get_pfns', 'vaddr_get_pfn'])])],
  ['vfio_unpin_pages', e('Linux drivers/vfio/vfio_main.c', 'gup §10.1', 'Unpin IOVA pages pinned by vfio_pin_pages.', [s('vfio_iommu_type1_unpin_pages.', ['vfio_iommu_type1_unpin_pages', 'vfio_unpin_page_external', 'vfio_iova_put_vfio_pfn', 'put_pfn'])])],
  ['vfio_iommu_type1_pin_pages', e(L_VFIO, 'gup §10.1', 'For each IOVA: find the DMA mapping, reuse a vfio_pfn if already pinned (refcount +1), else pin the vaddr with FOLL_WRITE|FOLL_LONGTERM and account locked_vm.', [s('No mapping for the IOVA → −EINVAL; existing vfio_pfn → its ref +1.'), s('vfio_pin_page_external → vaddr_get_pfns (pin_user_pages_remote), then vfio_lock_acct.', ['vfio_pin_page_external', 'vaddr_get_pfns', 'vaddr_get_pfn', 'vfio_lock_acct'], ['page.grab'])])],
  ['vfio_iommu_type1_unpin_pages', e(L_VFIO, 'gup §10.1', 'For each IOVA: drop the vfio_pfn reference; at 0 unpin the page and unaccount.', [s('vfio_iova_put_vfio_pfn.', ['vfio_iova_put_vfio_pfn', 'vfio_unpin_page_external', 'put_pfn', 'vfio_lock_acct', 'vfio: unpin zero page'], ['page.release'])])],
  ['vfio_pin_page_external', e(L_VFIO, 'gup §10.1', 'Pin one page for an mdev (no IOMMU mapping).', [s('vaddr_get_pfns; account locked_vm unless the page is reserved (zero page) (gup §10).', ['vaddr_get_pfns', 'vaddr_get_pfn', 'vfio_lock_acct', 'pin_user_pages_remote', 'get_user_pages_remote'], ['page.grab'])])],
  ['vfio_unpin_page_external', e(L_VFIO, 'gup §10.1', 'Unpin one page pinned for an mdev.', [s('put_pfn and unaccount.', ['put_pfn', 'vfio_lock_acct', 'vfio: unpin zero page'], ['page.release'])])],
  ['vfio_iova_put_vfio_pfn', e(L_VFIO, 'gup §10.1', 'Drop one reference of a vfio_pfn; at zero unpin it.', [s('ref −1; 0 → vfio_unpin_page_external.', ['vfio_unpin_page_external', 'put_pfn'], ['page.release'])])],
  ['vaddr_get_pfns', e(L_VFIO, 'gup §10.1', 'Pin the pages behind a vaddr: pin_user_pages_remote(FOLL_WRITE|FOLL_LONGTERM) (≈5.13+ batch form).', [s('pin_user_pages_remote; VM_PFNMAP ranges resolve the PFN without a pin.', ['pin_user_pages_remote', 'get_user_pages_remote'], ['page.grab'])])],
  ['vaddr_get_pfn', e(L_VFIO, 'gup §10.1', 'Older single-page form of vaddr_get_pfns.', [s('pin_user_pages_remote for one page.', ['pin_user_pages_remote', 'get_user_pages_remote'], ['page.grab'])])],
  ['put_pfn', e(L_VFIO, 'gup §10.1', 'Release a pinned PFN: unpin_user_pages_dirty_lock with dirty when the mapping was writable.', [s('unpin (and dirty) the page; reserved pages are skipped.', ['unpin_user_pages_dirty_lock', 'put_page'], ['page.release'])])],
  ['vfio: unpin zero page', e(L_VFIO, 'gup §3.1, §10', 'The shared zero page is "reserved": vfio does not unaccount it (the model notes the step).', [s('Unpin without locked_vm accounting.', undefined, ['page.release', 'log'])])],
  ['vfio_lock_acct', e(L_VFIO, 'gup §10', 'Account pinned pages to the owner\'s locked_vm, checked against RLIMIT_MEMLOCK.', [s('locked_vm + npage > RLIMIT_MEMLOCK (without CAP_IPC_LOCK) → −ENOMEM.', ['__account_locked_vm'], ['warn', 'log'])])],
  ['__account_locked_vm', e('Linux mm/util.c', 'gup §10', 'Adjust mm->locked_vm, refusing to exceed RLIMIT_MEMLOCK.', [s('Check the limit, add or subtract.', undefined, ['warn', 'log'])])],
  ['vfio_dma_do_map', e(L_VFIO, 'gup §10.1', 'VFIO_IOMMU_MAP_DMA: record the IOVA → vaddr mapping (and pin it when an IOMMU backs the container).', [s('Validate and insert the vfio_dma; pin for an IOMMU domain.', ['vfio_pin_map_dma', 'vfio_pin_pages_remote'])])],
  ['vfio_pin_map_dma', e(L_VFIO, 'gup §10.1', 'Pin a whole mapping for an IOMMU domain.', [s('vfio_pin_pages_remote in batches.', ['vfio_pin_pages_remote', 'vaddr_get_pfns', 'vaddr_get_pfn'], ['page.grab'])])],
  ['vfio_pin_pages_remote', e(L_VFIO, 'gup §10.1', 'Pin contiguous pages of a mapping, with locked_vm accounting.', [s('vaddr_get_pfns, vfio_lock_acct.', ['vaddr_get_pfns', 'vaddr_get_pfn', 'vfio_lock_acct'], ['page.grab'])])],
  ['vfio_dma_do_unmap', e(L_VFIO, 'gup §10.1, css §9.3', 'VFIO_IOMMU_UNMAP_DMA: notify the mdev drivers (vfio-ccw resets a device whose cp pins the range), then remove the mapping.', [s('Notifier: vfio_ccw_dma_unmap.', ['vfio_ccw_dma_unmap', 'vfio_ccw_mdev_reset']), s('Drop pins the mapping still holds.', ['vfio_iova_put_vfio_pfn', 'vfio_unpin_page_external', 'put_pfn'], ['page.release'])])],
  ['vfio_dma_rw', e(L_VFIO, 'gup §10.1, css §9.1', 'Copy to/from an IOVA range through the mapping\'s vaddr (copy_from_iova in newer vfio-ccw).', [s('Translate, copy; no mapping → −EFAULT.')])],
  ['verify_dma_pinned', e('model check', 'gup §3.3', 'A check the model makes: the page vfio pinned is page_maybe_dma_pinned().', [s('Warn when it is not.', undefined, ['warn'])])],
  // io_uring
  ['io_sqe_buffers_register', e(L_URING, 'gup §2.5', 'IORING_REGISTER_BUFFERS: pin every iovec long-term (fixed buffers).', [s('io_sqe_buffer_register per iovec.', ['io_sqe_buffer_register', 'io_pin_pages', 'pin_user_pages', 'pin_user_pages_fast', 'io_account_mem', 'io_coalesce_buffer'])])],
  ['io_sqe_buffer_register', e(L_URING, 'gup §2.5, §5', 'Pin one buffer: FOLL_WRITE|FOLL_LONGTERM, account to locked_vm.', [s('io_pin_pages; io_account_mem (RLIMIT_MEMLOCK); coalesce huge pages.', ['io_pin_pages', 'pin_user_pages', 'pin_user_pages_fast', 'io_account_mem', 'io_coalesce_buffer'], ['page.grab'])])],
  ['io_pin_pages', e('Linux io_uring/memmap.c', 'gup §2.5', 'pin_user_pages_fast(FOLL_WRITE|FOLL_LONGTERM) over the buffer.', [s('Pin; a short pin unpins and fails.', ['pin_user_pages_fast', 'unpin_user_pages'], ['page.grab'])])],
  ['io_coalesce_buffer', e(L_URING, 'gup §3.1', 'A buffer backed by one large folio is kept as one folio entry, dropping the extra pins.', [s('unpin_user_folio of the surplus pins.', ['unpin_user_folio', 'unpin_user_pages'], ['page.release'])])],
  ['io_account_mem', e(L_URING, 'gup §10', 'Charge the pinned pages to the user\'s locked memory.', [s('__account_locked_vm-like check against RLIMIT_MEMLOCK.', ['__account_locked_vm'], ['warn', 'log'])])],
  ['io_unaccount_mem', e(L_URING, 'gup §10', 'Uncharge the pinned pages.', [s('Subtract from locked_vm.', ['__account_locked_vm'], ['log'])])],
  ['io_sqe_buffers_unregister', e(L_URING, 'gup §2.5', 'Unregister fixed buffers: unpin them.', [s('io_buffer_unmap per buffer.', ['io_buffer_unmap', 'unpin_user_pages', 'unpin_user_folio', 'io_unaccount_mem'])])],
  ['io_buffer_unmap', e(L_URING, 'gup §2.5', 'Unpin one fixed buffer and unaccount it.', [s('unpin_user_page(s); io_unaccount_mem.', ['unpin_user_pages', 'unpin_user_page', 'unpin_user_folio', 'io_unaccount_mem', 'gup_put_folio'], ['page.release'])])],
  // O_DIRECT block I/O
  ['blkdev_read_iter', e(L_BLK, 'gup §2.5, §6', 'read() on a block device with O_DIRECT: the user buffer is pinned for the DMA.', [s('__blkdev_direct_IO_simple.', ['__blkdev_direct_IO_simple', 'bio_iov_iter_get_pages', 'iov_iter_extract_pages', 'iov_iter_get_pages2', 'iov_iter_get_pages'])])],
  ['blkdev_write_iter', e(L_BLK, 'gup §2.5', 'write() on a block device with O_DIRECT.', [s('__blkdev_direct_IO_simple.', ['__blkdev_direct_IO_simple', 'bio_iov_iter_get_pages', 'iov_iter_extract_pages', 'iov_iter_get_pages2', 'iov_iter_get_pages'])])],
  ['__blkdev_direct_IO_simple', e(L_BLK, 'gup §2.5, §6', 'Build one bio over the pinned user pages, submit, wait, release.', [s('bio_iov_iter_get_pages.', ['bio_iov_iter_get_pages', 'iov_iter_extract_pages', 'iov_iter_get_pages2', 'iov_iter_get_pages', 'pin_user_pages_fast', 'get_user_pages_fast']), s('On completion (blkdev_bio_end_io_simple): a read dirties the pages, then they are released.', ['blkdev_bio_end_io_simple', 'bio_set_pages_dirty', 'bio_release_pages'])])],
  ['bio_iov_iter_get_pages', e('Linux block/bio.c', 'gup §2.5', 'Fill the bio with the pages of the iov_iter.', [s('iov_iter_extract_pages (pins, 6.x) or iov_iter_get_pages(2) (references).', ['iov_iter_extract_pages', 'iov_iter_get_pages2', 'iov_iter_get_pages', 'pin_user_pages_fast', 'get_user_pages_fast'], ['page.grab'])])],
  ['iov_iter_extract_pages', e('Linux lib/iov_iter.c', 'gup §2.5', 'Extract pages from a user iov_iter with FOLL_PIN (newer block layer).', [s('pin_user_pages_fast.', ['pin_user_pages_fast'], ['page.grab'])])],
  ['iov_iter_get_pages2', e('Linux lib/iov_iter.c', 'gup §2.5', 'Get page references from a user iov_iter (6.0+ name), FOLL_GET.', [s('get_user_pages_fast.', ['get_user_pages_fast'], ['page.grab'])])],
  ['iov_iter_get_pages', e('Linux lib/iov_iter.c', 'gup §2.5', 'Get page references from a user iov_iter (before 6.0), FOLL_GET.', [s('get_user_pages_fast.', ['get_user_pages_fast'], ['page.grab'])])],
  ['blkdev_bio_end_io_simple', e(L_BLK, 'gup §6', 'The bio completed.', [s('Wake the waiter; the pages are then dirtied (reads) and released.', ['bio_set_pages_dirty', 'bio_release_pages'])])],
  ['bio_set_pages_dirty', e('Linux block/bio.c', 'gup §6', 'A read DMAed into the pages: mark them dirty.', [s('Set PG_dirty on each folio.', undefined, ['page.release', 'log'])])],
  ['bio_release_pages', e('Linux block/bio.c', 'gup §2.5, §6', 'Release the bio\'s pages: unpin (FOLL_PIN) or put_page (FOLL_GET).', [s('unpin_user_page / put_page per page.', ['unpin_user_page', 'unpin_user_pages', 'put_page', 'gup_put_folio'], ['page.release'])])],
  // process_vm_readv / writev
  ['process_vm_readv', e('Linux mm/process_vm_access.c', 'gup §2.5', 'Copy from another process\'s memory: its pages are pinned briefly (pin_user_pages_remote, FOLL_PIN since 5.x).', [s('process_vm_rw_core.', ['process_vm_rw_core', 'process_vm_rw_single_vec', 'process_vm_rw_pages', 'pin_user_pages_remote', 'get_user_pages_remote'])])],
  ['process_vm_writev', e('Linux mm/process_vm_access.c', 'gup §2.5', 'Copy into another process\'s memory (FOLL_WRITE).', [s('process_vm_rw_core.', ['process_vm_rw_core', 'process_vm_rw_single_vec', 'process_vm_rw_pages', 'pin_user_pages_remote', 'get_user_pages_remote'])])],
  ['process_vm_rw_core', e('Linux mm/process_vm_access.c', 'gup §2.5', 'Walk the remote iovecs.', [s('process_vm_rw_single_vec per iovec.', ['process_vm_rw_single_vec', 'process_vm_rw_pages', 'pin_user_pages_remote', 'get_user_pages_remote'])])],
  ['process_vm_rw_single_vec', e('Linux mm/process_vm_access.c', 'gup §2.5', 'Pin a batch of remote pages, copy, unpin.', [s('pin_user_pages_remote (batch of up to 16 pages), process_vm_rw_pages, unpin_user_pages_dirty_lock (dirty on write).', ['pin_user_pages_remote', 'get_user_pages_remote', 'process_vm_rw_pages', 'unpin_user_pages_dirty_lock', 'unpin_user_pages', 'put_page'])])],
  ['process_vm_rw_pages', e('Linux mm/process_vm_access.c', 'gup §2.5', 'Copy between the local iovecs and the pinned pages.', [s('copy_page_to_iter / copy_page_from_iter.', undefined, ['log'])])],
  // gup_test
  ['gup_test_ioctl', e(L_GUPT, 'gup §8.1', 'The debugfs gup_test ioctl (5.11+): run the requested GUP/PIN test over the user range.', [s('__gup_test_ioctl or the longterm/dump tests.', ['__gup_test_ioctl', 'pin_longterm_test_start', 'pin_longterm_test_stop', 'dump_pages_test'])])],
  ['__gup_test_ioctl', e(L_GUPT, 'gup §8.1', 'Call the selected GUP API in chunks of nr_pages_per_call, time it, then release everything.', [s('The API per chunk (get/pin, fast or not, FOLL_* from gup_flags).', [...GUP_APIS.keys()]), s('verify_dma_pinned for PIN tests; release with put_page or unpin_user_pages.', ['verify_dma_pinned', 'put_page', 'unpin_user_pages', 'dump_page'], ['page.release', 'log'])])],
  ['gup_benchmark_ioctl', e('Linux mm/gup_benchmark.c', 'gup §8.1', 'The older debugfs gup_benchmark ioctl (before 5.11).', [s('__gup_benchmark_ioctl.', ['__gup_benchmark_ioctl'])])],
  ['__gup_benchmark_ioctl', e('Linux mm/gup_benchmark.c', 'gup §8.1', 'Call the selected GUP API in chunks and release.', [s('The API per chunk.', [...GUP_APIS.keys()]), s('Release.', ['put_page', 'unpin_user_pages'], ['page.release', 'log'])])],
  ['pin_longterm_test_start', e(L_GUPT, 'gup §8.1', 'PIN_LONGTERM_TEST_START: pin the range long-term and keep it pinned.', [s('pin_user_pages(_fast) with FOLL_LONGTERM.', ['pin_user_pages', 'pin_user_pages_fast', 'pin_unwind'], ['page.grab'])])],
  ['pin_longterm_test_stop', e(L_GUPT, 'gup §8.1', 'PIN_LONGTERM_TEST_STOP: release the long-term pins.', [s('unpin_user_pages.', ['unpin_user_pages', 'pin_unwind'], ['page.release'])])],
  ['pin_unwind', e(L_GUPT, 'gup §8.1', 'Release all pins the longterm test holds.', [s('unpin_user_pages.', ['unpin_user_pages', 'gup_put_folio'], ['page.release'])])],
  ['dump_pages_test', e(L_GUPT, 'gup §8.1', 'DUMP_USER_PAGES_TEST: pin/get, dump selected pages, release.', [s('dump_page for the chosen indexes.', ['dump_page', ...GUP_APIS.keys()], ['log'])])],
  ['dump_page', e('Linux mm/debug.c', 'gup §8.1', 'Print a page\'s state (refcount, mapcount, flags) to the kernel log.', [s('Print.', undefined, ['log'])])],
  // ---- FOLL_GET callers that pin nothing (issue 11: vmsplice, /proc/PID/mem) ----
  ['vmsplice', e('Linux fs/splice.c', 'gup §2.1, §2.5', 'vmsplice(2) of user memory into a pipe: the pipe takes page references (FOLL_GET), never pins, so nothing is counted as pinned.', [s('vmsplice_to_pipe for a pipe opened for writing.', ['vmsplice_to_pipe'])])],
  ['vmsplice_to_pipe', e('Linux fs/splice.c', 'gup §2.1, §2.5', 'Turn each user page of the range into one pipe buffer holding a page reference.', [
    s('While the pipe has free slots: iov_iter_get_pages2 → get_user_pages_fast(addr, n, 0) takes one FOLL_GET reference per page (no FOLL_WRITE: the pages are a source).', ['iov_iter_get_pages2', 'get_user_pages_fast'], ['page.grab']),
    s('Add one pipe buffer per page (offset, length); a full pipe returns −EAGAIN [unverified: chosen instead of blocking]; return the bytes queued.', undefined, ['gup.return']),
  ])],
  ['pipe_read', e('Linux fs/pipe.c', 'gup §2.1', 'read(2) on a pipe: copy from the oldest buffers; each buffer emptied is released.', [s('Copy out; an emptied buffer is released through its ops (user_page_pipe_buf_ops → pipe_buf_release).', ['pipe_buf_release'], ['page.release'])])],
  ['pipe_buf_release', e('Linux include/linux/pipe_fs_i.h', 'gup §2.1', 'Release a pipe buffer: drop the page reference vmsplice took.', [s('put_page: refcount −1 (a FOLL_GET reference, gup §3.1).', ['put_page'], ['page.release'])])],
  ['mem_read', e('Linux fs/proc/base.c', 'gup §2.1', 'read(2) of /proc/PID/mem: copy through access_remote_vm, one page at a time.', [s('access_remote_vm without FOLL_WRITE.', ['access_remote_vm'])])],
  ['mem_write', e('Linux fs/proc/base.c', 'gup §2.1, §6', 'write(2) of /proc/PID/mem: copy through access_remote_vm with FOLL_WRITE.', [s('access_remote_vm with FOLL_WRITE.', ['access_remote_vm'])])],
  ['access_remote_vm', e('Linux mm/memory.c', 'gup §2.1, §3.1, §6', 'Access another process\'s memory page by page: get_user_pages_remote with FOLL_FORCE (FOLL_GET), copy, release — nothing stays pinned.', [
    s('get_user_pages_remote(addr, 1, FOLL_FORCE[|FOLL_WRITE]): one FOLL_GET reference on the page.', ['get_user_pages_remote'], ['page.grab']),
    s('Copy; a write marks the page dirty (set_page_dirty_lock, gup §6), then put_page drops the reference.', ['put_page', 'set_page_dirty_lock'], ['page.release']),
  ])],
];
