/**
 * vfio-ccw's view of the vfio_iommu_type1 container (gup §10): QEMU maps guest RAM once
 * (VFIO_IOMMU_MAP_DMA: IOVA 0 = guest absolute 0 → QEMU vaddr `base`), and the translator pins
 * and unpins IOVAs. The container itself — vfio_pfn reference counts, GUP pins on the QEMU
 * process with FOLL_WRITE | FOLL_LONGTERM, locked_vm, dirtying on release — is the GUP model's
 * (`Mm.vfio`, model/linux/mm/vfioType1.ts); this adapter only turns (iova, npage) runs into the
 * page-aligned IOVA lists that API takes.
 */
import type { Machine } from '../../engine/machine';
import type { Mm } from '../mm/mm';
import { IOMMU_READ, IOMMU_WRITE } from '../mm/vfioType1';

export const PAGE_SIZE = 4096;

/** Entries of VfioIommu's IOVA-list cache (a power of two). */
const IOVA_CACHE = 64;

/** An injected vfio_pin_pages fault (css §9.2): the call fails, or pins one page fewer. */
export type PinFault = { kind: 'fail'; errno: number } | { kind: 'partial' };

export class VfioIommu {
  constructor(
    private readonly m: Machine,
    private readonly mm: Mm,
    readonly pid: number,
    /** QEMU vaddr of IOVA 0 (guest absolute address 0). */
    readonly base: bigint,
    /** Size of the DMA mapping (guest memory size). */
    readonly size: number,
  ) {}

  /** VFIO_IOMMU_MAP_DMA of guest RAM, read/write (QEMU's memory listener at realize). */
  mapGuestRam(): number {
    const size = BigInt(Math.ceil(this.size / PAGE_SIZE) * PAGE_SIZE);
    return this.mm.vfio.map(this.pid, 0n, this.base, size, IOMMU_READ | IOMMU_WRITE);
  }

  /**
   * The page-aligned IOVAs of a run, as the type1 API takes them: built once per (first page,
   * npage) and kept in a small direct-mapped cache of frozen lists (issue 12: every translated
   * CCW pins and unpins through here, and a BigInt per page per call was most of its garbage).
   * Derived from the arguments only, not model state.
   */
  private iovas(iova: number, npage: number): readonly bigint[] {
    const page = Math.floor(iova / PAGE_SIZE);
    const slot = page & (IOVA_CACHE - 1);
    const hit = this.cache[slot];
    if (hit !== undefined && this.cachePage[slot] === page && hit.length === Math.max(0, npage)) return hit;
    const first = page * PAGE_SIZE;
    const out: bigint[] = new Array<bigint>(Math.max(0, npage));
    for (let i = 0; i < npage; i++) out[i] = BigInt(first + i * PAGE_SIZE);
    this.cache[slot] = Object.freeze(out);
    this.cachePage[slot] = page;
    return out;
  }

  private readonly cache: Array<readonly bigint[] | undefined> = new Array<readonly bigint[] | undefined>(IOVA_CACHE).fill(undefined);
  private readonly cachePage = new Float64Array(IOVA_CACHE);

  /** `vfio_pin_pages(iova, npage, READ|WRITE)`: npage and the PFNs, or −errno with nothing pinned. */
  pin(iova: number, npage: number, fault?: PinFault): { ret: number; pfns: number[] } {
    if (iova < 0 || iova >= this.size) return this.m.within('vfio_pin_pages', () => ({ ret: -22, pfns: [] }));
    if (fault?.kind === 'fail') return this.m.within('vfio_pin_pages', () => ({ ret: -fault.errno, pfns: [] }));
    if (fault?.kind === 'partial') {
      // [unverified: chosen — an injected partial pin pins npage − 1 pages (css §9.2 "partial pin")]
      const r = this.mm.vfio.pin(this.iovas(iova, npage - 1), IOMMU_READ | IOMMU_WRITE);
      return r;
    }
    return this.mm.vfio.pin(this.iovas(iova, npage), IOMMU_READ | IOMMU_WRITE);
  }

  /** `vfio_unpin_pages(iova, npage)`: the last unpin dirties the page (the mapping is writable). */
  unpin(iova: number, npage: number): void {
    this.mm.vfio.unpin(this.iovas(iova, npage));
  }

  /** QEMU's memory listener removes guest RAM [iova, iova+size): VFIO_IOMMU_UNMAP_DMA (css §9.3). */
  unmapGuestRam(iova: number, size: number): number {
    return this.mm.vfio.unmap(BigInt(iova), BigInt(size));
  }

  /** QEMU's memory listener maps guest RAM [iova, iova+size) again (VFIO_IOMMU_MAP_DMA). */
  mapGuestRamRange(iova: number, size: number): number {
    return this.mm.vfio.map(this.pid, BigInt(iova), this.base + BigInt(iova), BigInt(size), IOMMU_READ | IOMMU_WRITE);
  }

  /** mm->locked_vm of the QEMU process, in pages. */
  get lockedVm(): number {
    return this.mm.spaces.proc(this.pid).lockedVm;
  }

  /** PFNs held by vfio_pfn nodes (for the invariant checker). */
  pinnedPfns(): number[] {
    return this.mm.vfio.dmas.flatMap((d) => [...d.pfns.values()].map((v) => v.pfn));
  }

  /** Number of vfio_pfn nodes. */
  pinnedCount(): number {
    return this.mm.vfio.pinnedCount();
  }
}
