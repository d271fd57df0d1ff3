/**
 * fork(): dup_mm → dup_mmap → copy_page_range (gup §3.3). The child gets a copy of every VMA at the
 * same addresses. Private anonymous folios are COW-shared (refcount and mapcount +1, both PTEs
 * write-protected) — except, from ≈5.9, a folio that `page_maybe_dma_pinned()` reports while the
 * parent mm has MMF_HAS_PINNED: it is copied for the child at once (early COW,
 * `page_needs_cow_for_dma`), so the parent keeps its pinned page writable. False positives (≥ 1024
 * plain references on a small page) copy too. Shared mappings share their pages.
 *
 * The write fault that breaks the COW later is `AddressSpaces.fault` → `wpAnon`.
 */
import type { Machine } from '../../engine/machine';
import type { KernelFeatures } from '../../kernel/version';
import { atLeast } from '../../kernel/version';
import { GUP_PIN_COUNTING_BIAS, type Counting } from './counting';
import type { PageStore } from './pageStore';
import { AddressSpaces, HPAGE_PMD_ORDER, isPrivateAnon, isRawPfn, type Process, type Vma } from './vma';

export interface ForkResult {
  /** folio heads COW-shared with the child */
  shared: number[];
  /** parent folio head → the child's copy (early COW of maybe-pinned folios) */
  copied: Array<{ from: number; to: number }>;
}

export class Fork {
  constructor(
    private readonly m: Machine,
    private readonly f: KernelFeatures,
    private readonly store: PageStore,
    private readonly spaces: AddressSpaces,
    private readonly counting: Counting,
  ) {}

  /**
   * Does fork copy a maybe-pinned folio of this VMA early? [unverified: chosen] ≈5.9 for PTEs and THP
   * (70e806e4e645 and the THP split on fork, the model copies the THP whole), ≈5.12 for hugetlb
   * ("hugetlb: do early cow when page pinned on src mm"). Only anonymous folios of COW mappings.
   */
  earlyCopyEra(v: Vma): boolean {
    return v.kind === 'hugetlb' ? atLeast(this.f.version, 5, 12) : atLeast(this.f.version, 5, 9);
  }

  fork(parentPid: number, childPid: number, childName: string): ForkResult {
    const sp = this.spaces;
    const parent = sp.proc(parentPid);
    const res: ForkResult = { shared: [], copied: [] };
    this.m.within('kernel_clone', () => this.m.within('copy_process', () => this.m.within('dup_mm', () => {
      sp.addProcess(childPid, childName);
      const child = sp.proc(childPid);
      const j = this.m.journal;
      // rlimits and credentials are inherited; locked_vm / pinned_vm start at 0 and MMF_HAS_PINNED is not inherited.
      // [unverified: chosen] MMF_HAS_PINNED is outside MMF_INIT_MASK (the child starts clear).
      j.set(child, 'rlimitMemlock', parent.rlimitMemlock);
      j.set(child, 'capIpcLock', parent.capIpcLock);
      this.m.within('dup_mmap', () => {
        for (const v of parent.vmas) {
          sp.insertVma(child, { ...v });
          this.m.within('copy_page_range', () => this.copyRange(parent, child, v, res));
        }
      });
      const hx = (x: number) => '0x' + x.toString(16);
      this.m.emit({
        kind: 'log', source: 'mm',
        text: `fork: pid ${parentPid} → pid ${childPid} '${childName}': ${parent.vmas.length} VMA(s), ${res.shared.length} folio(s) COW-shared` +
          (res.copied.length ? `, ${res.copied.length} copied early (maybe DMA-pinned, MMF_HAS_PINNED): ${res.copied.map((c) => `${hx(c.from)}→${hx(c.to)}`).join(', ')}` : '') +
          (!this.earlyCopyEra({ kind: 'anon' } as Vma) && parent.hasPinned ? ' (no early COW for pinned pages before ≈5.9 [unverified: chosen])' : ''),
      }, 'instruction');
    })));
    return res;
  }

  private copyRange(parent: Process, child: Process, v: Vma, res: ForkResult): void {
    const sp = this.spaces;
    const s = this.store;
    const startVpn = Number(v.start >> 12n);
    const endVpn = Number(v.end >> 12n);
    const entries: Array<[number, number]> = [];
    for (const [vpn, e] of parent.ptes) if (vpn >= startVpn && vpn < endVpn) entries.push([vpn, e]);
    entries.sort((a, b) => a[0] - b[0]);
    const done = new Set<number>();
    for (const [vpn, e] of entries) {
      const pfn = Math.floor(e / 2);
      const writable = e % 2 === 1;
      if (isRawPfn(pfn) || sp.zeroKindOf(pfn)) {
        // no struct page / the zero pages: the PTE is copied, no reference taken
        sp.setPte(child, vpn, pfn, writable && !isPrivateAnon(v) && v.kind !== 'anon');
        continue;
      }
      const h = s.head(pfn);
      if (done.has(h)) continue;
      done.add(h);
      const order = s.order[h];
      const n = 1 << order;
      const vpn0 = vpn - (pfn - h);
      const mapped: number[] = [];
      for (let i = 0; i < n; i++) {
        const pe = parent.ptes.get(vpn0 + i);
        if (pe !== undefined && Math.floor(pe / 2) === h + i) mapped.push(i);
      }
      const refs = order >= HPAGE_PMD_ORDER ? 1 : mapped.length;
      const kind = s.kindOf(h);
      const anon = isPrivateAnon(v) && (kind === 'anon' || kind === 'hugetlb');
      if (anon && this.earlyCopyEra(v) && parent.hasPinned && this.counting.maybeDmaPinned(h)) {
        // copy_present_page() / copy_huge_pmd() / hugetlb: the child gets its own copy, writable; the parent keeps its page.
        const nh = s.alloc(order, kind, v.zone, AddressSpaces.initialRef(kind, order));
        for (const i of mapped) {
          sp.setPte(child, vpn0 + i, nh + i, v.write);
          s.setOwner(nh + i, child.pid, vpn0 + i);
        }
        const exact = this.counting.hasPincount(order);
        const pinnedBy = exact ? `pincount ${s.pincount[h]} > 0` : `refcount ${s.refcount[h]} ≥ ${GUP_PIN_COUNTING_BIAS}`;
        this.m.emit({ kind: 'log', source: 'mm', text: `copy_page_range: pfn 0x${h.toString(16)} maybe DMA-pinned (${pinnedBy}) in an mm with MMF_HAS_PINNED → copied early to pfn 0x${nh.toString(16)} for pid ${child.pid} (gup §3.3; a false positive copies too)${order > 0 ? ' [unverified: chosen] a large folio is copied whole' : ''}` }, 'instruction');
        res.copied.push({ from: h, to: nh });
        continue;
      }
      // share: one more mapping reference per PTE (one per PMD), child PTEs point at the same pages
      s.setRef(h, s.refcount[h] + refs);
      sp.addMapRefs(h, refs);
      for (const i of mapped) {
        const pe = parent.ptes.get(vpn0 + i)!;
        const w = pe % 2 === 1;
        if (anon) sp.setPte(parent, vpn0 + i, h + i, false); // COW: write-protect both
        sp.setPte(child, vpn0 + i, h + i, anon ? false : w);
      }
      if (anon) {
        this.m.journal.mapSet(sp.cowShared, h, (sp.cowShared.get(h) ?? 1) + 1);
        res.shared.push(h);
      }
      // [unverified: chosen] shared mappings: the kernel skips their PTEs at fork and refaults them
      // from the page cache; the model copies them (same pages, same references either way).
    }
  }
}
