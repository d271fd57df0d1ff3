/**
 * Host absolute storage as the machine's channel subsystem sees it in the `vfio` topology.
 *
 * Two kinds of frames exist: the host kernel's 31-bit DMA area, where vfio-ccw builds the
 * translated CCW chains and host IDALs (css §9.1, §9.2), and page frames of the page store
 * (model/linux/mm). A page frame that backs guest memory — a page of QEMU's anonymous VMA —
 * aliases the guest's bytes: host physical address `pfn * 4096 + off` is guest absolute
 * address `vaddr − base + off`, where `vaddr` is the page's mapping in QEMU. So a READ executed
 * by the machine through a host IDAW lands in guest memory, exactly as DMA into a pinned page.
 * Any other host address below 2 GiB is host storage the model does not back: it exists (the
 * machine does not treat it as invalid), reads as zeros, and stores into it are dropped with a
 * warning. css §9.2: for a non-transferring CCW the host IDAL keeps the *guest* addresses, which
 * the device never dereferences; on a real host they are valid absolute addresses, so the
 * machine's checks (e.g. of the IDAW of a READ with SKP) must not turn them into program checks.
 */
import type { Machine } from '../../engine/machine';
import { GuestMemory } from '../../guest/memory';
import type { Access } from '../../css/keys';

/** Start of the modelled host DMA area (below 2 GiB: CCWs and IDAL addresses are 31-bit). */
export const DMA_BASE = 0x40000000;
/** Size of the DMA area: 16 arenas of 1 MiB, one per vfio-ccw device. */
export const DMA_ARENA = 0x100000;
export const DMA_ARENAS = 16;
export const DMA_SIZE = DMA_ARENA * DMA_ARENAS;
const PHYS_SIZE = 0x80000000;
const PAGE = 4096;

/** Resolves a page frame number to the guest absolute address of the page it backs. */
export type FrameResolver = (pfn: number) => number | undefined;

export class HostMemory extends GuestMemory {
  /** DMA-area pages by page index, allocated on first store (journaled). */
  readonly dma = new Map<number, { b: Uint8Array }>();

  constructor(private readonly mach: Machine, private readonly guest: GuestMemory, private readonly frames: FrameResolver) {
    super(mach, PAGE);
    (this as unknown as { size: number }).size = PHYS_SIZE;
  }

  private page(addr: number, create: boolean): { b: Uint8Array; off: number } | undefined {
    if (addr >= DMA_BASE && addr < DMA_BASE + DMA_SIZE) {
      const idx = Math.floor((addr - DMA_BASE) / PAGE);
      const p = create ? this.dmaFrame(idx) : this.dma.get(idx);
      return { b: p ? p.b : ZERO_PAGE, off: (addr - DMA_BASE) % PAGE };
    }
    return undefined;
  }

  /** DMA-area page `idx`, allocated (journaled) on first store. */
  private dmaFrame(idx: number): { b: Uint8Array } {
    let p = this.dma.get(idx);
    if (!p) {
      p = { b: new Uint8Array(PAGE) };
      this.mach.journal.mapSet(this.dma, idx, p);
    }
    return p;
  }

  /**
   * A store into one DMA-area page (the translator's host CCWs and IDALs, every start): the
   * bytes that differ, journaled one by one as `write` does, without its per-page lookups (issue 12).
   */
  private writeDma(addr: number, data: ArrayLike<number>): void {
    const rel = addr - DMA_BASE;
    const p = this.dmaFrame(Math.floor(rel / PAGE));
    const b = p.b;
    const off = rel % PAGE;
    for (let k = 0; k < data.length; k++) {
      const v = data[k] & 0xff;
      if (b[off + k] !== v) this.mach.journal.setElem(p, 'b', off + k, v);
    }
  }

  /** Guest absolute address behind a host physical address of a page frame, or undefined. */
  guestAddrOf(addr: number): number | undefined {
    if (addr >= DMA_BASE && addr < DMA_BASE + DMA_SIZE) return undefined;
    const g = this.frames(Math.floor(addr / PAGE));
    return g === undefined ? undefined : g + (addr % PAGE);
  }

  override inRange(addr: number, len: number): boolean {
    if (!Number.isInteger(addr) || !Number.isInteger(len) || addr < 0 || len < 0 || addr + len > PHYS_SIZE) return false;
    for (let a = addr; a < addr + len; a = (Math.floor(a / PAGE) + 1) * PAGE) {
      // the DMA area (where `page` finds a frame), tested without its record (issue 12)
      if (a >= DMA_BASE && a < DMA_BASE + DMA_SIZE) continue;
      const g = this.guestAddrOf(a);
      const n = Math.min(addr + len, (Math.floor(a / PAGE) + 1) * PAGE) - a;
      // a frame backing guest memory must be inside it; unbacked host storage exists (css §9.2)
      if (g !== undefined && !this.guest.inRange(g, n)) return false;
    }
    return true;
  }

  /**
   * The DMA-area page holding [addr, addr + len) when the range lies in one such page (the
   * machine's CCW and IDAW fetches from the host chains, issue 12), else undefined.
   */
  private dmaPage(addr: number, len: number): Uint8Array | undefined {
    if (!(addr >= DMA_BASE && addr < DMA_BASE + DMA_SIZE) || !Number.isInteger(addr)) return undefined;
    const rel = addr - DMA_BASE;
    if ((rel % PAGE) + len > PAGE) return undefined;
    return this.dma.get(Math.floor(rel / PAGE))?.b ?? ZERO_PAGE;
  }

  /**
   * The guest address behind [addr, addr + len) when the range lies in one page frame that backs
   * guest memory (a CCW's data through a host IDAW, most of them), else undefined: `read` and
   * `write` then go straight to guest memory with the checks `inRange` makes (issue 12).
   */
  private guestRun(addr: number, len: number): number | undefined {
    if (!Number.isInteger(addr) || !Number.isInteger(len) || addr < 0 || len < 0 || addr + len > PHYS_SIZE) return undefined;
    if ((addr % PAGE) + len > PAGE || (addr >= DMA_BASE && addr < DMA_BASE + DMA_SIZE)) return undefined;
    const g = this.guestAddrOf(addr);
    return g !== undefined && this.guest.inRange(g, len) ? g : undefined;
  }

  override read(addr: number, len: number): Uint8Array | undefined {
    const d = Number.isInteger(len) && len >= 0 ? this.dmaPage(addr, len) : undefined;
    if (d) {
      const off = (addr - DMA_BASE) % PAGE;
      return d.slice(off, off + len);
    }
    const g = this.guestRun(addr, len);
    if (g !== undefined) return this.guest.read(g, len);
    if (!this.inRange(addr, len)) return undefined;
    const out = new Uint8Array(len);
    let i = 0;
    while (i < len) {
      const a = addr + i;
      const n = Math.min(len - i, PAGE - (a % PAGE));
      const p = this.page(a, false);
      const g = p ? undefined : this.guestAddrOf(a);
      if (p) out.set(p.b.subarray(p.off, p.off + n), i);
      else if (g !== undefined) out.set(this.guest.read(g, n)!, i);
      // else: host storage not modelled — zeros
      i += n;
    }
    return out;
  }

  override write(addr: number, data: ArrayLike<number>): boolean {
    if (Number.isInteger(addr) && addr >= DMA_BASE && addr < DMA_BASE + DMA_SIZE && ((addr - DMA_BASE) % PAGE) + data.length <= PAGE) {
      this.writeDma(addr, data); // inside one DMA page: always in range
      return true;
    }
    const g = this.guestRun(addr, data.length);
    if (g !== undefined) return this.guest.write(g, data);
    if (!this.inRange(addr, data.length)) return false;
    let i = 0;
    while (i < data.length) {
      const a = addr + i;
      const n = Math.min(data.length - i, PAGE - (a % PAGE));
      const p = this.page(a, true);
      if (p) {
        // the host chains and IDALs are rebuilt for every start, mostly with the same bytes
        for (let k = 0; k < n; k++) {
          const v = data[i + k] & 0xff;
          if (p.b[p.off + k] !== v) this.mach.journal.setElem(p, 'b', p.off + k, v);
        }
      } else {
        const g = this.guestAddrOf(a);
        // a store within one page (a CCW's data, most of them) passes the caller's bytes as they are
        if (g !== undefined) this.guest.write(g, i === 0 && n === data.length ? data : (Array.prototype.slice.call(data, i, i + n) as number[]));
        else this.mach.emit({ kind: 'warn', message: `store of ${n} bytes into host storage 0x${a.toString(16)} that backs no modelled frame: dropped (a channel program wrote through an untranslated guest address)`, ref: 'css §9.2' }, 'instruction');
      }
      i += n;
    }
    return true;
  }

  /**
   * Real storage key of a host frame (css §11.7 "guest storage key honoured"): the DMA area is
   * kernel memory with key 0x00 (F = 0), so the host copies of CCWs and IDAWs never fail a
   * fetch check; a frame backing guest memory carries the guest's ACC/F (KVM writes them into
   * the real key on the guest's SSKE, css §11.1); other host storage has key 0x00.
   */
  override storageKey(addr: number): number {
    const g = this.guestAddrOf(addr);
    return g === undefined ? 0 : this.guest.storageKey(g);
  }

  /**
   * Channel references/changes of frames backing guest memory reach the guest's key (css §11.1:
   * the channel sets R and C; under KVM the guest's R/C combine the real key's and the PGSTE's)
   * [unverified: chosen — how KVM merges them is not in the reference]; other frames: not tracked.
   */
  override markAccess(addr: number, len: number, access: Access): void {
    if (!this.guest.skeys.state.enabled) return;
    let i = 0;
    while (i < len) {
      const a = addr + i;
      const n = Math.min(len - i, PAGE - (a % PAGE));
      const g = this.guestAddrOf(a);
      if (g !== undefined) this.guest.markAccess(g, n, access);
      i += n;
    }
  }

  override readU16(addr: number): number | undefined {
    const d = this.dmaPage(addr, 2);
    if (d) {
      const o = (addr - DMA_BASE) % PAGE;
      return (d[o] << 8) | d[o + 1];
    }
    const b = this.read(addr, 2);
    return b && ((b[0] << 8) | b[1]);
  }

  override readU32(addr: number): number | undefined {
    const d = this.dmaPage(addr, 4);
    if (d) {
      const o = (addr - DMA_BASE) % PAGE;
      return ((d[o] << 24) | (d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3]) >>> 0;
    }
    const b = this.read(addr, 4);
    return b && ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
  }
}

const ZERO_PAGE = new Uint8Array(PAGE);
