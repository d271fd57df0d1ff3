/**
 * vfio_iommu_type1 pinning for mediated devices (gup §10): one container with its DMA mappings
 * (`vfio_dma`: IOVA range → a process's vaddr), the per-mapping rb-tree of externally pinned pages
 * (`vfio_pfn {iova, pfn, ref_count}`), `locked_vm` accounting against RLIMIT_MEMLOCK unless the
 * mapping task had CAP_IPC_LOCK, and the release with dirtying by `prot & IOMMU_WRITE`.
 *
 * The facade (`Mm.vfio`) is what the vfio-ccw model calls:
 *   map(pid, iova, vaddr, size, prot) → 0 | −errno        VFIO_IOMMU_MAP_DMA
 *   unmap(iova, size) → bytes unmapped | −errno            VFIO_IOMMU_UNMAP_DMA
 *   pin(iovas, prot) → { ret, pfns }                       vfio_pin_pages
 *   unpin(iovas) → count | −errno                          vfio_unpin_pages
 *   vpfn(iova) → { pfn, refCount } | undefined             the rb-tree entry, for views and expects
 * Follows the 5.10 text (VFIO-510); later differences are noted where the reference gives them.
 */
import type { Machine } from '../../engine/machine';
import { runToEnd, SLICE_UNITS, withinSteps, type Steps } from '../../engine/steps';
import type { KernelFeatures } from '../../kernel/version';
import { atLeast } from '../../kernel/version';
import { ERRNO } from './errno';
import { limitPages, limitText, lockAcct } from './lockedVm';
import { PG_RESERVED, PG_ZERO, type PageStore } from './pageStore';
import { PAGE_SHIFT, PAGE_SIZE, type AddressSpaces, type Process } from './vma';
import { PfnList } from './vfioPfnList';
import { LastDma, pageKey } from './vfioIova';

/** IOMMU_READ / IOMMU_WRITE (include/linux/iommu.h). */
export const IOMMU_READ = 1;
export const IOMMU_WRITE = 2;

/** vaddr_get_pfn's GUP flags (gup §10.1 step 4), one array each, not one per pinned page (issue 12). */
const FOLL_WRITE_LONGTERM: readonly string[] = Object.freeze(['FOLL_WRITE', 'FOLL_LONGTERM']);
const FOLL_LONGTERM_ONLY: readonly string[] = Object.freeze(['FOLL_LONGTERM']);

/** First PFN the model gives VM_PFNMAP memory (no struct page behind it). [unverified: chosen] */
export const PFNMAP_PFN_BASE = 0x8000000;

export type VfioIommuType = 'VFIO_TYPE1_IOMMU' | 'VFIO_TYPE1v2_IOMMU' | 'VFIO_SPAPR_TCE_IOMMU' | 'none';

/**
 * An rb-tree node. A value: a ref_count change stores a new node under its key (one entry), so
 * the journal keeps no slot for nodes that live one I/O (issue 12).
 */
export interface VfioPfn {
  readonly iova: bigint;
  readonly pfn: number;
  readonly refCount: number;
}

export interface VfioDma {
  iova: bigint;
  size: bigint;
  vaddr: bigint;
  prot: number;
  /** dma->task: the process that mapped it (its mm is pinned and accounted). */
  pid: number;
  /** capable(CAP_IPC_LOCK) at map time (gup §10.1 step 5). */
  lockCap: boolean;
  /** The rb-tree of externally pinned pages, keyed by iova >> PAGE_SHIFT (a Map's behaviour, vfioPfnList.ts). */
  pfns: PfnList<VfioPfn>;
  /** Pages pinned by the IOMMU-backed map path (vfio_pin_pages_remote), in map order. */
  iommuPinned: number[];
  /** IOVA page numbers set in the dirty bitmap while dirty tracking is on. */
  dirty: Map<number, true>;
}

/** What the GUP model offers the vfio layer (implemented by Mm). */
export interface VfioMmOps {
  gup(api: string, pid: number, start: bigint, nr: number, flags: readonly string[]): { ret: number; pages: number[] };
  release(api: string, pages: number[], makeDirty?: boolean, n?: number): void;
}

export interface VfioPinResult {
  /** npage on success, else −errno (nothing stays pinned by a failed call). */
  ret: number;
  /** phys_pfn[] (≤5.18) / page_to_pfn(pages[]) (≈6.0+), one per IOVA on success. */
  pfns: number[];
}

export class VfioType1 {
  /** Journaled container configuration and test hooks. */
  readonly container = {
    iommuType: 'VFIO_TYPE1v2_IOMMU' as VfioIommuType,
    /** An IOMMU-backed domain in the container (a real PCI device). vfio-ccw containers have none. */
    iommuDomain: false,
    /** Devices in the mdev's group (5.x refuses pinning for > 1, gup §10.1 step 2). */
    groupDevices: 1,
    /** A vendor notifier is registered (5.x requires it, gup §10.1 step 3). */
    notifier: true,
    /** ≈6.0+: the device is open. */
    deviceOpen: true,
    /** VFIO_IOMMU_DIRTY_PAGES START/STOP. */
    dirtyTracking: false,
  };
  /** vfio_dma list, sorted by iova. */
  readonly dmas: VfioDma[] = [];
  /** The vendor driver's DMA-unmap callbacks (not state: registered once by the driver model). */
  private readonly unmapListeners: Array<(iova: bigint, size: bigint) => void> = [];

  constructor(
    private readonly m: Machine,
    private readonly f: KernelFeatures,
    private readonly store: PageStore,
    private readonly spaces: AddressSpaces,
    private readonly ops: VfioMmOps,
    private readonly bitsOf: () => 32 | 64,
  ) {}

  /** VFIO_PIN_PAGES_MAX_ENTRIES = PAGE_SIZE / sizeof(unsigned long) (gup §10.1 step 2). */
  get maxEntries(): number {
    return 4096 / (this.bitsOf() / 8); // [unverified: chosen] 1024 with 4-byte longs (32-bit)
  }

  /** ≈6.0+: vfio_pin_pages(device, iova, npage, prot, pages) instead of the user_pfn[] array. */
  private get iovaApi(): boolean {
    return atLeast(this.f.version, 6, 0);
  }

  /** do_accounting = no IOMMU-backed domain in the container (gup §10.1 step 3). */
  private get doAccounting(): boolean {
    return !this.container.iommuDomain;
  }

  /** The vendor driver registers its DMA-unmap callback (VFIO_IOMMU_NOTIFY_DMA_UNMAP / dma_unmap, ≈6.0+). */
  onDmaUnmap(cb: (iova: bigint, size: bigint) => void): void {
    this.unmapListeners.push(cb);
  }

  setConfig<K extends keyof VfioType1['container']>(key: K, value: VfioType1['container'][K]): void {
    this.m.journal.set(this.container, key, value);
  }

  /** vfio_find_dma(): the mapping overlapping [iova, iova + size); a page's lookup may be answered by `lastDma`. */
  findDma(iova: bigint, size: bigint = PAGE_SIZE): VfioDma | undefined {
    const ds = this.dmas;
    if (size === PAGE_SIZE) {
      const hit = this.lastDma.hit(ds, iova);
      if (hit !== undefined) return hit;
    }
    for (let k = 0; k < ds.length; k++) {
      const d = ds[k];
      if (iova < d.iova + d.size && d.iova < iova + size) {
        this.lastDma.remember(d, k);
        return d;
      }
    }
    return undefined;
  }

  /** findDma's last answer (vfioIova.ts LastDma; derived, not model state). */
  private readonly lastDma = new LastDma<VfioDma>();

  vpfn(iova: bigint): VfioPfn | undefined {
    const d = this.findDma(iova);
    return d?.pfns.get(pageKey(iova));
  }

  /** Number of externally pinned IOVAs (rb-tree nodes) over all mappings. */
  pinnedCount(): number {
    return this.dmas.reduce((a, d) => a + d.pfns.size, 0);
  }

  /** is_invalid_reserved_pfn(): no struct page, or PageReserved (the zero page). */
  isInvalidReserved(pfn: number): boolean {
    return !this.store.valid(pfn) || this.store.has(this.store.head(pfn), PG_RESERVED);
  }

  /** VFIO_IOMMU_MAP_DMA (vfio_dma_do_map). Returns 0 or −errno. */
  map(pid: number, iova: bigint, vaddr: bigint, size: bigint, prot: number): number {
    return runToEnd(this.mapSteps(pid, iova, vaddr, size, prot));
  }

  /**
   * `map` as resumable work (issue 13): with an IOMMU domain, vfio_pin_pages_remote pins the whole
   * range and yields every SLICE_UNITS pages (between two pages, each pinned and recorded).
   */
  mapSteps(pid: number, iova: bigint, vaddr: bigint, size: bigint, prot: number): Steps<number> {
    return withinSteps(this.m, 'vfio_dma_do_map', this.mapBody(pid, iova, vaddr, size, prot));
  }

  private *mapBody(pid: number, iova: bigint, vaddr: bigint, size: bigint, prot: number): Steps<number> {
    {
      const p = this.spaces.proc(pid);
      const mask = PAGE_SIZE - 1n;
      if (this.container.iommuType === 'none') return this.fail('VFIO_IOMMU_MAP_DMA: no IOMMU set on the container', -ERRNO.EINVAL);
      if (!(prot & (IOMMU_READ | IOMMU_WRITE)) || size === 0n || ((size | iova | vaddr) & mask) !== 0n) {
        return this.fail(`vfio_dma_do_map: prot, size or alignment invalid (iova 0x${iova.toString(16)} vaddr 0x${vaddr.toString(16)} size 0x${size.toString(16)})`, -ERRNO.EINVAL);
      }
      const max = 1n << 64n;
      if (iova + size > max || vaddr + size > max) return this.fail('vfio_dma_do_map: range wraps', -ERRNO.EINVAL);
      if (this.findDma(iova, size)) return this.fail(`vfio_dma_do_map: iova 0x${iova.toString(16)}+0x${size.toString(16)} overlaps an existing mapping`, -ERRNO.EEXIST);
      const dma: VfioDma = { iova, size, vaddr, prot, pid, lockCap: p.capIpcLock, pfns: new PfnList<VfioPfn>(), iommuPinned: [], dirty: new Map() };
      let i = 0;
      while (i < this.dmas.length && this.dmas[i].iova < iova) i++;
      this.m.journal.splice(this.dmas, i, 0, dma);
      if (this.container.iommuDomain) {
        const r = yield* this.pinMapDma(dma, p);
        if (r < 0) {
          this.m.journal.splice(this.dmas, this.dmas.indexOf(dma), 1);
          return r;
        }
      }
      return 0;
    }
  }

  /**
   * vfio_pin_map_dma → vfio_pin_pages_remote (IOMMU-backed container): pins the whole range at
   * map time, checking `locked_vm + lock_acct + 1 > limit` for every new page (gup §10.1, last paragraph).
   */
  private pinMapDma(dma: VfioDma, p: Process): Steps<number> {
    return withinSteps(this.m, 'vfio_pin_map_dma', withinSteps(this.m, 'vfio_pin_pages_remote', this.pinPagesRemote(dma, p)));
  }

  private *pinPagesRemote(dma: VfioDma, p: Process): Steps<number> {
    const n = Number(dma.size >> PAGE_SHIFT);
    const limit = limitPages(p);
    let acct = 0;
    for (let i = 0; i < n; i++) {
      if (i > 0 && i % SLICE_UNITS === 0) yield { done: i, total: n };
      const pfn = this.vaddrGetPfn(dma, dma.vaddr + BigInt(i) * PAGE_SIZE);
      if (pfn < 0) {
        this.unwindMap(dma, p, acct);
        return pfn;
      }
      const accounted = !this.isInvalidReserved(pfn) && !dma.pfns.has(Number((dma.iova >> PAGE_SHIFT) + BigInt(i)));
      if (accounted && !dma.lockCap && p.lockedVm + acct + 1 > limit) {
        this.putPfn(pfn, dma.prot);
        this.warn(`vfio_pin_pages_remote: RLIMIT_MEMLOCK (${limitText(p)}) exceeded`);
        this.unwindMap(dma, p, acct);
        return -ERRNO.ENOMEM;
      }
      if (accounted) acct++;
      this.m.journal.push(dma.iommuPinned, pfn);
    }
    this.lockAcct(p, acct, dma.lockCap);
    return 0;
  }

  private unwindMap(dma: VfioDma, p: Process, acct: number): void {
    for (const pfn of [...dma.iommuPinned]) this.putPfn(pfn, dma.prot);
    this.m.journal.splice(dma.iommuPinned, 0, dma.iommuPinned.length);
    void p;
    void acct; // not yet accounted: vfio_lock_acct runs after the walk
  }

  /**
   * VFIO_IOMMU_UNMAP_DMA: the vendor driver is told to unpin (gup §10.1; VFIO_IOMMU_NOTIFY_DMA_UNMAP,
   * ≈6.0+ dma_unmap), then the mapping is removed. Returns the bytes unmapped or −errno.
   */
  unmap(iova: bigint, size: bigint): number {
    return runToEnd(this.unmapSteps(iova, size));
  }

  /** Pages the IOMMU-backed domain holds pinned for the mappings `unmap(iova, size)` removes. */
  iommuPinnedIn(iova: bigint, size: bigint): number {
    return this.dmas.reduce((n, d) => (d.iova >= iova && d.iova + d.size <= iova + size ? n + d.iommuPinned.length : n), 0);
  }

  /**
   * `unmap` as resumable work (issue 13): the IOMMU-backed pins are put back in chunks of
   * SLICE_UNITS pages (between two pages; vfio_unmap_unpin unpins page by page too).
   */
  unmapSteps(iova: bigint, size: bigint): Steps<number> {
    return withinSteps(this.m, 'vfio_dma_do_unmap', this.unmapBody(iova, size));
  }

  private *unmapBody(iova: bigint, size: bigint): Steps<number> {
    if (((iova | size) & (PAGE_SIZE - 1n)) !== 0n || size === 0n) return this.fail('vfio_dma_do_unmap: unaligned iova or size', -ERRNO.EINVAL);
    const victims = this.dmas.filter((d) => d.iova >= iova && d.iova + d.size <= iova + size);
    let bytes = 0n;
    for (const d of victims) {
      if (d.pfns.size) for (const cb of this.unmapListeners) cb(d.iova, d.size);
      if (d.pfns.size) {
        // [unverified: chosen] the kernel loops until the vendor driver has unpinned; a driver that never
        // does would hang the ioctl. The model warns and releases the pins itself.
        this.warn(`vfio_dma_do_unmap: ${d.pfns.size} page(s) of iova 0x${d.iova.toString(16)} still pinned by the vendor driver; released by the model`);
        for (const [key, v] of [...d.pfns]) {
          // each unpin stores a new node (VfioPfn is a value): read the ref_count from the tree
          while ((d.pfns.get(key)?.refCount ?? 0) > 0) this.unpinPageExternal(d, v.iova);
        }
      }
      if (d.iommuPinned.length) {
        const p = this.spaces.proc(d.pid);
        let n = 0;
        const total = d.iommuPinned.length;
        for (let i = 0; i < total; i++) {
          if (i > 0 && i % SLICE_UNITS === 0) yield { done: i, total };
          n += this.putPfn(d.iommuPinned[i], d.prot);
        }
        this.m.journal.splice(d.iommuPinned, 0, d.iommuPinned.length);
        this.lockAcct(p, -n, d.lockCap);
      }
      this.m.journal.splice(this.dmas, this.dmas.indexOf(d), 1);
      bytes += d.size;
    }
    return Number(bytes);
  }

  /** vfio_pin_pages (gup §10.1 steps 1–7). `iovas` are page-aligned IOVAs; ≈6.0+ they must be consecutive. */
  pin(iovas: readonly bigint[], prot: number): VfioPinResult {
    // one PFN per IOVA on success: sized once (issue 12: an empty array's first push reserves 17)
    const pfns: number[] = new Array<number>(iovas.length);
    const ret = this.pinChecked(iovas, prot, pfns);
    return { ret, pfns: ret > 0 ? pfns : [] };
  }

  /** vfio_pin_pages' argument checks, then the IOMMU driver's pin_pages (gup §10.1 steps 2–3). */
  private pinChecked(iovas: readonly bigint[], prot: number, pfns: number[]): number {
    const frame = this.m.enter('vfio_pin_pages'); // enter/leave: no closure per pin (issue 12)
    try {
      const npage = iovas.length;
      if (!npage) return -ERRNO.EINVAL;
      if (this.iovaApi && !this.container.deviceOpen) return this.fail('vfio_pin_pages: device not open', -ERRNO.EINVAL);
      if (npage > this.maxEntries) return -ERRNO.E2BIG;
      if (!this.iovaApi && this.container.groupDevices > 1) return -ERRNO.EINVAL;
      if (this.container.iommuType === 'VFIO_SPAPR_TCE_IOMMU' || this.container.iommuType === 'none') return -ERRNO.ENOTTY;
      for (let i = 0; i < npage; i++) {
        if ((iovas[i] & (PAGE_SIZE - 1n)) !== 0n) throw new Error(`vfio_pin_pages: iova 0x${iovas[i].toString(16)} is not page aligned (the API takes page frame numbers)`);
        if (this.iovaApi && i > 0 && iovas[i] !== iovas[0] + BigInt(i) * PAGE_SIZE) {
          throw new Error('vfio_pin_pages (≈6.0+) takes one iova and npage: the IOVAs must be consecutive');
        }
      }
      this.m.enter('vfio_iommu_type1_pin_pages'); // left with the outer frame
      return this.type1Pin(iovas, prot, pfns);
    } finally {
      this.m.leave(frame);
    }
  }

  private type1Pin(iovas: readonly bigint[], prot: number, pfns: number[]): number {
    if (this.container.iommuType !== 'VFIO_TYPE1v2_IOMMU') return -ERRNO.EACCES;
    if (!this.iovaApi && !this.container.notifier) return -ERRNO.EINVAL;
    let ret = 0;
    let i = 0;
    for (; i < iovas.length; i++) {
      const iova = iovas[i];
      const dma = this.findDma(iova);
      if (!dma) { ret = -ERRNO.EINVAL; break; }
      if ((dma.prot & prot) !== prot) { ret = -ERRNO.EPERM; break; }
      const key = pageKey(iova);
      const vpfn = dma.pfns.get(key);
      if (vpfn) {
        // vfio_iova_get_vfio_pfn(): already pinned, only the node's own ref_count (gup §10.1 step 3)
        this.m.journal.mapSet(dma.pfns, key, { iova: vpfn.iova, pfn: vpfn.pfn, refCount: vpfn.refCount + 1 });
        this.m.emit({ kind: 'log', source: 'vfio', text: `vfio_pfn iova 0x${iova.toString(16)} already pinned: ref_count ${vpfn.refCount + 1}, no second GUP pin (gup §10.1 step 3)` }, 'instruction');
        pfns[i] = vpfn.pfn;
        continue;
      }
      const pfn = this.pinPageExternal(dma, dma.vaddr + (iova - dma.iova));
      if (pfn < 0) { ret = pfn; break; }
      // vfio_add_to_pfn_list(): ref_count = 1 (gup §10.1 step 7)
      this.m.journal.mapSet(dma.pfns, key, { iova, pfn, refCount: 1 });
      if (this.container.dirtyTracking) this.m.journal.mapSet(dma.dirty, key, true);
      pfns[i] = pfn;
    }
    if (ret === 0) return i;
    // pin_unwind: every earlier IOVA of this call is released again (gup §10.1 step 6)
    this.m.within('pin_unwind', () => {
      for (let j = 0; j < i; j++) {
        const dma = this.findDma(iovas[j]);
        if (dma) this.unpinPageExternal(dma, iovas[j]);
      }
    });
    pfns.length = 0;
    return ret;
  }

  /**
   * vfio_pin_page_external(): GUP one page, then account it (gup §10.1 steps 4–6). Returns the
   * PFN, or −errno (PFNs are never negative: one number, no result object per page, issue 12).
   */
  private pinPageExternal(dma: VfioDma, vaddr: bigint): number {
    const frame = this.m.enter('vfio_pin_page_external');
    try {
      const pfn = this.vaddrGetPfn(dma, vaddr);
      if (pfn < 0) return pfn;
      if (this.doAccounting && !this.isInvalidReserved(pfn)) {
        const p = this.spaces.proc(dma.pid);
        const e = this.lockAcct(p, 1, dma.lockCap);
        if (e) {
          this.putPfn(pfn, dma.prot);
          this.warn(`vfio_pin_page_external: Task ${p.name} (${p.pid}) RLIMIT_MEMLOCK (${limitText(p)}) exceeded`);
          return e;
        }
      }
      return pfn;
    } finally {
      this.m.leave(frame);
    }
  }

  /**
   * vaddr_get_pfn() (5.x) / vaddr_get_pfns() (≈5.13+): pin_user_pages_remote(mm, vaddr, 1,
   * FOLL_LONGTERM [| FOLL_WRITE if dma->prot & IOMMU_WRITE]); VM_PFNMAP falls back to the PTE.
   * Returns the PFN, or −errno (as pinPageExternal).
   */
  private vaddrGetPfn(dma: VfioDma, vaddr: bigint): number {
    const fn = atLeast(this.f.version, 5, 13) ? 'vaddr_get_pfns' : 'vaddr_get_pfn'; // [unverified: chosen ≈5.13]
    const frame = this.m.enter(fn);
    try {
      // The mapping's prot decides FOLL_WRITE (VFIO-510 passes dma->prot), not the pin request's.
      const r = this.ops.gup('pin_user_pages_remote', dma.pid, vaddr, 1, dma.prot & IOMMU_WRITE ? FOLL_WRITE_LONGTERM : FOLL_LONGTERM_ONLY);
      if (r.ret === 1) {
        const pfn = r.pages[0];
        if (this.store.has(this.store.head(pfn), PG_ZERO) && atLeast(this.f.version, 6, 0)) {
          // ML-vfio0 (≈6.0, also in stable): the zero page is unpinned at once (gup §10.1 step 10).
          this.m.within('vfio: unpin zero page', () => this.ops.release('unpin_user_page', [pfn]));
        }
        return pfn;
      }
      const p = this.spaces.proc(dma.pid);
      const vma = this.spaces.findVma(p, vaddr);
      if (vma && vma.kind === 'pfnmap') {
        // follow_fault_pfn(): no struct page, nothing pinned (gup §10.1 step 4)
        return PFNMAP_PFN_BASE + Number((vaddr - vma.start) >> PAGE_SHIFT);
      }
      return r.ret === 0 ? -ERRNO.EFAULT : r.ret;
    } finally {
      this.m.leave(frame);
    }
  }

  /** vfio_unpin_pages (gup §10.1 step 8). ≤5.x returns the count unpinned or −EINVAL; ≈6.0+ is void (returns 0). */
  unpin(iovas: readonly bigint[]): number {
    const frame = this.m.enter('vfio_unpin_pages');
    try {
      const npage = iovas.length;
      if (!npage) {
        if (this.iovaApi) this.warn('vfio_unpin_pages: npage is 0');
        return -ERRNO.EINVAL;
      }
      if (npage > this.maxEntries) {
        if (this.iovaApi) this.warn(`vfio_unpin_pages: npage ${npage} > VFIO_PIN_PAGES_MAX_ENTRIES`);
        return -ERRNO.E2BIG;
      }
      const frame = this.m.enter('vfio_iommu_type1_unpin_pages');
      try {
        if (this.container.iommuType !== 'VFIO_TYPE1v2_IOMMU') return -ERRNO.EACCES;
        let i = 0;
        for (; i < npage; i++) {
          const dma = this.findDma(iovas[i]);
          if (!dma) {
            if (this.iovaApi) this.warn(`vfio_iommu_type1_unpin_pages: iova 0x${iovas[i].toString(16)} is not mapped`);
            break;
          }
          this.unpinPageExternal(dma, iovas[i]);
        }
        if (this.iovaApi) return 0;
        return i > 0 ? i : -ERRNO.EINVAL;
      } finally {
        this.m.leave(frame);
      }
    } finally {
      this.m.leave(frame);
    }
  }

  /**
   * vfio_unpin_page_external(): ref_count−−; at 0 put_pfn() (unpin, dirty if the mapping is
   * writable) and the node is freed; then vfio_lock_acct(−unlocked). An IOVA that is mapped but not
   * pinned is silently ignored, as in the kernel.
   */
  private unpinPageExternal(dma: VfioDma, iova: bigint): number {
    const frame = this.m.enter('vfio_unpin_page_external');
    try {
      const key = pageKey(iova);
      const v = dma.pfns.get(key);
      if (!v) {
        this.m.emit({ kind: 'warn', message: `[model] vfio_unpin_page_external: iova 0x${iova.toString(16)} is not pinned; nothing to do (the kernel is silent too)`, ref: 'gup §10.1 step 8', note: true }, 'instruction');
        return 0;
      }
      const refCount = v.refCount - 1;
      this.m.journal.mapSet(dma.pfns, key, { iova: v.iova, pfn: v.pfn, refCount });
      if (refCount > 0) return 0;
      const put = this.m.enter('vfio_iova_put_vfio_pfn');
      let unlocked: number;
      try {
        unlocked = this.putPfn(v.pfn, dma.prot);
        this.m.journal.mapDelete(dma.pfns, key);
      } finally {
        this.m.leave(put);
      }
      if (this.doAccounting && unlocked) this.lockAcct(this.spaces.proc(dma.pid), -unlocked, dma.lockCap);
      return unlocked;
    } finally {
      this.m.leave(frame);
    }
  }

  /** put_pfn(): unpin_user_pages_dirty_lock(&page, 1, prot & IOMMU_WRITE) unless reserved (gup §10.1 steps 8–9). */
  private putPfn(pfn: number, prot: number): number {
    const frame = this.m.enter('put_pfn');
    try {
      if (this.isInvalidReserved(pfn)) return 0;
      this.ops.release('unpin_user_pages_dirty_lock', [pfn], (prot & IOMMU_WRITE) !== 0);
      return 1;
    } finally {
      this.m.leave(frame);
    }
  }

  /** vfio_lock_acct (lockedVm.ts); warnings are this driver's. */
  private lockAcct(p: Process, n: number, lockCap: boolean): number {
    return lockAcct(this.m, p, n, lockCap, this.warnFn);
  }

  private readonly warnFn = (message: string): void => this.warn(message);

  private warn(message: string): void {
    this.m.emit({ kind: 'warn', message, ref: 'gup §10.1' }, 'instruction');
  }

  private fail(message: string, ret: number): number {
    this.m.emit({ kind: 'warn', message: `[model] ${message}`, ref: 'gup §10.1', note: true }, 'instruction');
    return ret;
  }
}
