/**
 * Processes (mm_struct), their VMAs and page tables, and the page-fault handler that GUP's slow
 * path calls (`handle_mm_fault`). Anon write fault: a fresh page with refcount 1; anon read
 * fault: the shared zero page, mapped read-only (gup §0.2, §3.1). All state is journaled.
 *
 * A PTE is stored as `pfn * 2 + writable`; THP and hugetlb folios are mapped as a run of PTEs to
 * their subpages (the PMD mapping is implied by the folio's order).
 */
import type { Machine } from '../../engine/machine';
import type { KernelFeatures } from '../../kernel/version';
import { atLeast } from '../../kernel/version';
import { ERRNO } from './errno';
import { PG_DIRTY, PG_FREED, type PageKind, type PageStore, type Zone } from './pageStore';
import { PageTable } from './pageTable';
import { hearSlot } from '../../engine/machine';
import { KIND_WORDS, PAGE_FAULT_ID, pageFaultWords } from '../../engine/eventCodec';

export type VmaKind = 'anon' | 'anon-shared' | 'file' | 'shmem' | 'hugetlb' | 'thp' | 'secretmem' | 'pfnmap' | 'io' | 'dax' | 'mixedmap' | 'p2pdma';
export const VMA_KINDS: readonly VmaKind[] = ['anon', 'anon-shared', 'file', 'shmem', 'hugetlb', 'thp', 'secretmem', 'pfnmap', 'io', 'dax', 'mixedmap', 'p2pdma'];

/**
 * Raw PFNs mapped by a VM_MIXEDMAP VMA ('mixedmap'): no struct page behind them (gup §2.4 −EEXIST).
 * They are labels above every model PFN; `PageStore.valid()` is false for them.
 */
export const RAW_PFN_BASE = 0x10000000;
export const isRawPfn = (pfn: number): boolean => pfn >= RAW_PFN_BASE;

export const PAGE_SHIFT = 12n;
export const PAGE_SIZE = 4096n;
/** PMD-sized folio order on 4 KiB pages (2 MiB THP / hugetlb). */
export const HPAGE_PMD_ORDER = 9;
/** PUD-sized folio order on 4 KiB pages (1 GiB hugetlb, x86-64 pdpe1gb). */
export const HPAGE_PUD_ORDER = 18;

export interface Vma {
  start: bigint;
  end: bigint;
  kind: VmaKind;
  read: boolean;
  write: boolean;
  /** VM_SHARED: 'anon-shared', 'file' (MAP_SHARED of a regular file), 'shmem', 'dax'. */
  shared: boolean;
  /** Zone new pages of this VMA are allocated from (movable/cma exercise FOLL_LONGTERM, gup §5). */
  zone: Zone;
  /** Order of the folios a fault allocates (0 small; 9 PMD THP / hugetlb; 1..8 mTHP or large page-cache folios). */
  folioOrder: number;
}

export interface VmaOptions {
  zone?: Zone;
  /** Folio order for faults; default 9 for 'thp' and 'hugetlb', else 0. */
  folioOrder?: number;
}

export interface Process {
  pid: number;
  name: string;
  vmas: Vma[];
  /** vpn → pfn*2 + writable (pageTable.ts: 512-entry tables, read like a Map) */
  ptes: PageTable;
  /** mm->has_pinned / MMF_HAS_PINNED (gup §3.3), set on the first FOLL_PIN call, never cleared. */
  hasPinned: boolean;
  /** mm->locked_vm in pages (vfio type1 accounting, gup §10.1 step 5). */
  lockedVm: number;
  /** mm->pinned_vm in pages (io_uring registered buffers). */
  pinnedVm: number;
  /** RLIMIT_MEMLOCK soft limit in bytes; Infinity = RLIM_INFINITY. */
  rlimitMemlock: number;
  /** capable(CAP_IPC_LOCK) for this task. */
  capIpcLock: boolean;
}

/**
 * Default RLIMIT_MEMLOCK of a task. [unverified: chosen] MLOCK_LIMIT was 64 KiB and was raised to
 * 8 MiB in ≈5.16; distributions and systemd often set other values (use `setrlimit`).
 */
export function defaultMemlock(v: { major: number; minor: number }): number {
  return atLeast(v, 5, 16) ? 8 * 1024 * 1024 : 64 * 1024;
}

/** Allocation policy in force during a FOLL_LONGTERM call (memalloc_pin_save, gup §5). */
export interface LongtermAllocPolicy {
  allocZone(vmaZone: Zone): Zone;
}

export type FaultResult = { ok: true } | { ok: false; errno: number };
/** A fault that mapped its page (one shared answer: callers only read it). */
const FAULT_OK: FaultResult = { ok: true };
/** Scratch for a page.fault event's codec words, consumed by emitWords at once; not model state. */
const FAULT_WORDS = new Int32Array(KIND_WORDS[PAGE_FAULT_ID]);
const HEAR_FAULT = hearSlot('page.fault');

/** Page kind created by a fault in a VMA of this kind. */
export function pageKindOf(v: VmaKind): PageKind {
  switch (v) {
    case 'anon':
    case 'thp': return 'anon';
    case 'anon-shared':
    case 'shmem': return 'shmem';
    case 'file': return 'file';
    case 'hugetlb': return 'hugetlb';
    case 'secretmem': return 'secretmem';
    case 'dax': return 'dax';
    case 'p2pdma': return 'p2pdma';
    case 'mixedmap':
    case 'pfnmap':
    case 'io': return 'device';
  }
}

/** VM_IO / VM_PFNMAP: no struct pages behind the mapping. */
export const noStructPages = (v: Vma): boolean => v.kind === 'io' || v.kind === 'pfnmap';
export const isAnonVma = (v: Vma): boolean => v.kind === 'anon' || v.kind === 'thp';
/** Private mappings whose pages are anonymous after a fault or COW: anon, THP, MAP_PRIVATE hugetlb. */
export const isPrivateAnon = (v: Vma): boolean => isAnonVma(v) || (v.kind === 'hugetlb' && !v.shared);
/** Mapping references one mm holds on a folio of this order: one per PTE, one for a PMD/PUD mapping. */
export const mappingRefs = (order: number): number => (order >= HPAGE_PMD_ORDER ? 1 : 1 << order);
/** Private (COW) mapping: is_cow_mapping(). */
export const isCow = (v: Vma): boolean => !v.shared;

/**
 * `vaddr >> PAGE_SHIFT` as a number. Below 2^53 in magnitude the address is exact as a double and
 * the shift is a floor division there (a BigInt shift allocates a BigInt, ~20 ns: issue 12, a GUP
 * call made several); above, the BigInt shift. vfioIova.ts `pageKey` is the same rule for IOVAs.
 */
export const vpnOf = (vaddr: bigint): number => {
  const a = Number(vaddr);
  return a <= Number.MAX_SAFE_INTEGER && a >= -Number.MAX_SAFE_INTEGER ? Math.floor(a / 4096) : Number(vaddr >> PAGE_SHIFT);
};
/**
 * A PTE entry (`pfn * 2 + writable`, see the file comment): the PFN it maps. Entries are below
 * 2^31 (PageTable.set), so integer shifts and masks are exact: the PFN stays a small integer, where
 * `Math.floor(e / 2)` made a float that every call boxed as a heap number (issue 12: ~90 B per page).
 */
export const ptePfn = (e: number): number => e >>> 1;
/** A PTE entry: is the mapping writable? */
export const pteWritable = (e: number): boolean => (e & 1) === 1;
export const vaddrOf = (vpn: number): bigint => BigInt(vpn) << PAGE_SHIFT;

export class AddressSpaces {
  readonly procs = new Map<number, Process>();
  /** The shared zero page, allocated on first use (journaled), −1 before. */
  readonly zero = { pfn: -1 };
  /** The huge zero folio (order 9) THP read faults map, allocated on first use (journaled), −1 before. */
  readonly hugeZero = { pfn: -1 };
  /**
   * Mapping references of a folio beyond `initialRef` (head → delta, journaled): +1 per extra PTE
   * (or PMD) a fork added, −1 per PTE a COW copy took away (gup §3.3 fork; refcount = idle + pins + refs).
   */
  readonly mapRefs = new Map<number, number>();
  /**
   * Anonymous folios COW-shared by fork, i.e. PageAnonExclusive clear (head → number of mms mapping it,
   * journaled). Absent = exclusive to the one mm mapping it.
   */
  readonly cowShared = new Map<number, number>();
  /** Transient (not state): set only while a long-term GUP call runs. */
  readonly allocScope: { longterm: LongtermAllocPolicy | undefined } = { longterm: undefined };

  constructor(private readonly m: Machine, private readonly store: PageStore, private readonly features: KernelFeatures) {}

  addProcess(pid: number, name: string): void {
    if (!Number.isInteger(pid) || pid <= 0) throw new Error(`process id must be a positive integer, got ${pid}`);
    const old = this.procs.get(pid);
    if (old) throw new Error(`process ${pid} already exists ('${old.name}')`);
    this.m.journal.mapSet(this.procs, pid, {
      pid, name, vmas: [], ptes: new PageTable(), hasPinned: false,
      lockedVm: 0, pinnedVm: 0, rlimitMemlock: defaultMemlock(this.features.version), capIpcLock: false,
    });
  }

  proc(pid: number): Process {
    const p = this.procs.get(pid);
    if (!p) throw new Error(`no process with pid ${pid}${this.procs.size ? ` (known: ${[...this.procs.keys()].join(', ')})` : ''}`);
    return p;
  }

  addVma(pid: number, start: bigint, size: bigint, kind: VmaKind, prot: { read: boolean; write: boolean }, opts: VmaOptions = {}): void {
    const p = this.proc(pid);
    if (!VMA_KINDS.includes(kind)) throw new Error(`unknown VMA kind '${kind}' (one of ${VMA_KINDS.join(', ')})`);
    if (start < 0n || size <= 0n) throw new Error(`VMA start must be ≥ 0 and size > 0`);
    if (start % PAGE_SIZE !== 0n || size % PAGE_SIZE !== 0n) {
      throw new Error(`VMA 0x${start.toString(16)}+0x${size.toString(16)} is not page-aligned (4 KiB)`);
    }
    if (kind === 'p2pdma' && !atLeast(this.features.version, 6, 2)) {
      // gup §2.2: FOLL_PCI_P2PDMA added in 6.2, with user-space P2PDMA mappings. [unverified: chosen] no p2pdma VMA before 6.2
      throw new Error(`user-space PCI P2PDMA mappings (p2pmem allocate) do not exist before Linux 6.2 (gup §2.2 FOLL_PCI_P2PDMA)`);
    }
    if (kind === 'secretmem' && !atLeast(this.features.version, 5, 14)) {
      // [unverified: chosen] memfd_secret() (secretmem) appeared in 5.14.
      throw new Error(`secretmem (memfd_secret) does not exist before Linux 5.14`);
    }
    const folioOrder = opts.folioOrder ?? (kind === 'thp' || kind === 'hugetlb' ? HPAGE_PMD_ORDER : 0);
    const pud = kind === 'hugetlb' && folioOrder === HPAGE_PUD_ORDER;
    if (!Number.isInteger(folioOrder) || folioOrder < 0 || (folioOrder > HPAGE_PMD_ORDER && !pud)) {
      throw new Error(`folio order must be 0..${HPAGE_PMD_ORDER} (hugetlb also ${HPAGE_PUD_ORDER}, 1 GiB), got ${folioOrder}`);
    }
    if (kind === 'hugetlb' && folioOrder !== HPAGE_PMD_ORDER && !pud) throw new Error('hugetlb VMAs use 2 MiB pages (order 9) or 1 GiB pages (order 18)');
    if (kind === 'hugetlb') {
      const huge = PAGE_SIZE << BigInt(folioOrder);
      if (start % huge !== 0n || size % huge !== 0n) throw new Error(`hugetlb VMA must be ${pud ? '1 GiB' : '2 MiB'} aligned in start and size`);
    }
    if ((kind === 'anon' || kind === 'thp') && folioOrder === 1) throw new Error('anonymous large folios have order ≥ 2');
    if ((kind === 'secretmem' || kind === 'io' || kind === 'pfnmap' || kind === 'dax' || kind === 'mixedmap' || kind === 'p2pdma') && folioOrder !== 0) {
      throw new Error(`${kind} VMAs map small pages only`);
    }
    const zone = opts.zone ?? 'normal';
    const end = start + size;
    for (const v of p.vmas) {
      if (start < v.end && v.start < end) {
        throw new Error(`VMA 0x${start.toString(16)}-0x${end.toString(16)} overlaps 0x${v.start.toString(16)}-0x${v.end.toString(16)} of pid ${pid}`);
      }
    }
    // [unverified: chosen] 'mixedmap' (a driver's VM_MIXEDMAP mapping of raw PFNs) and 'p2pdma' (p2pmem refuses private mappings) are MAP_SHARED.
    const shared = kind === 'anon-shared' || kind === 'file' || kind === 'shmem' || kind === 'dax' || kind === 'mixedmap' || kind === 'p2pdma';
    this.insertVma(p, { start, end, kind, read: prot.read, write: prot.write, shared, zone: kind === 'dax' || kind === 'p2pdma' ? 'device' : zone, folioOrder });
  }

  /** Insert a VMA keeping the list sorted (journaled). */
  insertVma(p: Process, v: Vma): void {
    let i = 0;
    while (i < p.vmas.length && p.vmas[i].start < v.start) i++;
    this.m.journal.splice(p.vmas, i, 0, v);
  }

  findVma(p: Process, vaddr: bigint): Vma | undefined {
    for (const v of p.vmas) if (vaddr >= v.start && vaddr < v.end) return v;
    return undefined;
  }

  pte(p: Process, vaddr: bigint): { pfn: number; writable: boolean } | undefined {
    const e = p.ptes.get(vpnOf(vaddr));
    return e === undefined ? undefined : { pfn: ptePfn(e), writable: pteWritable(e) };
  }

  /** The PTE entry at a virtual page number (read with ptePfn / pteWritable); no object, for page loops. */
  pteAt(p: Process, vpn: number): number | undefined {
    return p.ptes.get(vpn);
  }

  setPte(p: Process, vpn: number, pfn: number, writable: boolean): void {
    p.ptes.set(this.m.journal, vpn, pfn * 2 + (writable ? 1 : 0));
  }

  zeroPfn(): number {
    if (this.zero.pfn < 0) {
      // [unverified: chosen] the zero page's idle refcount is 1 (a reserved page); mapping it takes no reference.
      this.m.journal.set(this.zero, 'pfn', this.store.alloc(0, 'zero', 'normal', 1));
    }
    return this.zero.pfn;
  }

  /**
   * The huge zero folio (order 9). [unverified: chosen] idle refcount 1 like the small zero page;
   * mapping it takes no per-mapping reference (the kernel keeps a per-mm reference instead).
   */
  hugeZeroPfn(): number {
    if (this.hugeZero.pfn < 0) this.m.journal.set(this.hugeZero, 'pfn', this.store.alloc(HPAGE_PMD_ORDER, 'hugezero', 'normal', 1));
    return this.hugeZero.pfn;
  }

  /** 'small' for the shared zero page, 'huge' for a subpage of the huge zero folio, else undefined. */
  zeroKindOf(pfn: number): 'small' | 'huge' | undefined {
    if (isRawPfn(pfn)) return undefined;
    if (pfn === this.zero.pfn && pfn >= 0) return 'small';
    const hz = this.hugeZero.pfn;
    if (hz >= 0 && pfn >= hz && pfn < hz + (1 << HPAGE_PMD_ORDER)) return 'huge';
    return undefined;
  }

  /** Refcount of a folio held by its mappings and the page cache alone (initialRef + fork/COW delta). */
  mappedIdleRef(h: number): number {
    return AddressSpaces.initialRef(this.store.kindOf(h), this.store.order[h]) + (this.mapRefs.get(h) ?? 0);
  }

  /** Change the fork/COW mapping-reference delta of a folio head (journaled). */
  addMapRefs(h: number, n: number): void {
    const v = (this.mapRefs.get(h) ?? 0) + n;
    if (v === 0) this.m.journal.mapDelete(this.mapRefs, h);
    else this.m.journal.mapSet(this.mapRefs, h, v);
  }

  /** page_mapcount(): how many mms map this PFN at its owner's address (fork keeps addresses). */
  mapcount(pfn: number): number {
    const pid = this.store.ownerPid[pfn];
    if (pid === 0) return 0;
    const vpn = this.store.ownerVpn[pfn];
    let n = 0;
    for (const q of this.procs.values()) {
      const e = q.ptes.get(vpn);
      if (e !== undefined && Math.floor(e / 2) === pfn) n++;
    }
    return n;
  }

  /** Folio order a fault at vaddr allocates: PMD-sized for hugetlb, and for THP when the aligned 2 MiB fits the VMA. */
  private faultOrder(v: Vma, vaddr: bigint): number {
    if (v.folioOrder === 0) return 0;
    const size = PAGE_SIZE << BigInt(v.folioOrder);
    const base = vaddr - (vaddr % size);
    return base >= v.start && base + size <= v.end ? v.folioOrder : 0;
  }

  /**
   * Refcount of a newly mapped folio of 2^order pages: one per PTE mapping (one for a PMD mapping,
   * order 9), plus one per page for the page cache (file, shmem).
   * [unverified: chosen] kernel conventions, not in the reference: filemap_add_folio() takes
   * folio_nr_pages references; a PTE-mapped large folio holds one per mapped page.
   */
  static initialRef(kind: PageKind, order = 0): number {
    const n = 1 << order;
    const mapping = order >= HPAGE_PMD_ORDER ? 1 : n;
    return (kind === 'file' || kind === 'shmem' ? n : 0) + mapping;
  }

  /** Is a folio of this order mapped by one PMD (gup §3.1 slow/fast path batching)? */
  static pmdMapped(order: number): boolean {
    return order >= HPAGE_PMD_ORDER;
  }

  /**
   * handle_mm_fault() for GUP and user touches. `write` = FAULT_FLAG_WRITE; with FOLL_FORCE on a
   * read-only private mapping it COWs and leaves the PTE read-only.
   */
  fault(p: Process, v: Vma, vaddr: bigint, write: boolean, unshare = false): FaultResult {
    // enter/leave, not within: no closure per fault (issue 12: a first pin faults every page)
    const mark = this.m.enter('handle_mm_fault');
    try {
      return this.handleFault(p, v, vaddr, write, unshare);
    } finally {
      this.m.leave(mark);
    }
  }

  /** fault's body, in its handle_mm_fault frame. */
  private handleFault(p: Process, v: Vma, vaddr: bigint, write: boolean, unshare: boolean): FaultResult {
    if (noStructPages(v)) return { ok: false, errno: ERRNO.EFAULT }; // VM_IO/VM_PFNMAP are refused before any fault
    const vpn = vpnOf(vaddr);
    const e = p.ptes.get(vpn);
    const cur = e === undefined ? undefined : { pfn: ptePfn(e), writable: pteWritable(e) };
    const kind = pageKindOf(v.kind);
    if (v.kind === 'mixedmap') {
      // A driver's vm_insert_mixed() of a raw PFN: no struct page (gup §2.4 −EEXIST).
      // [unverified: chosen] every PFN of a 'mixedmap' VMA is raw; the label is RAW_PFN_BASE + the low bits of the vpn.
      if (cur && (!write || cur.writable)) return { ok: true };
      const raw = cur ? cur.pfn : RAW_PFN_BASE + (vpn % RAW_PFN_BASE);
      this.setPte(p, vpn, raw, v.write);
      if (!cur) this.m.emit({ kind: 'page.fault', pid: p.pid, vaddr, pfn: raw, zero: false }, 'instruction');
      return { ok: true };
    }
    if (unshare && cur) {
      // FAULT_FLAG_UNSHARE (≈5.19+): make a COW-shared anonymous page exclusive, keeping the PTE read-only.
      return this.m.within('do_wp_page', () => this.wpAnon(p, v, vaddr, cur.pfn, true));
    }
    if (cur && !write) return { ok: true };
    if (cur && write) {
      if (cur.writable) return { ok: true };
      const zk = this.zeroKindOf(cur.pfn);
      if (isPrivateAnon(v) || (isCow(v) && zk)) {
        if (!zk) return this.m.within(v.kind === 'hugetlb' ? 'hugetlb_wp' : 'do_wp_page', () => this.wpAnon(p, v, vaddr, cur.pfn, false));
        if (zk === 'huge') {
          // do_huge_pmd_wp_page() on the huge zero PMD: a fresh THP for the whole 2 MiB (or small pages if it does not fit).
          return this.m.within('do_huge_pmd_wp_page', () => this.newPages(p, v, vaddr, vpn, kind, write && v.write, this.faultOrder(v, vaddr), false));
        }
        return this.m.within('do_wp_page', () => this.newPages(p, v, vaddr, vpn, kind, write && v.write, 0, false));
      }
      // Shared mapping made writable: write-notify, folio dirtied (fault_dirty_shared_page).
      return this.m.within('do_shared_fault', () => {
        this.setPte(p, vpn, cur.pfn, v.write);
        const h = this.store.head(cur.pfn);
        if (!this.store.has(h, PG_DIRTY)) this.store.setFlag(h, PG_DIRTY, true);
        return { ok: true } as FaultResult;
      });
    }
    // No PTE yet.
    if (v.kind === 'thp' && !write && this.faultOrder(v, vaddr) === HPAGE_PMD_ORDER) {
      // do_huge_pmd_anonymous_page(): a read fault maps the huge zero folio by one PMD.
      // [unverified: chosen] /sys/kernel/mm/transparent_hugepage/use_zero_page = 1 (the default) in every era.
      return this.m.within('do_huge_pmd_anonymous_page', () => {
        const hz = this.hugeZeroPfn();
        const n = 1 << HPAGE_PMD_ORDER;
        const first = vpn - (vpn % n);
        for (let i = 0; i < n; i++) this.setPte(p, first + i, hz + i, false);
        this.m.emit({ kind: 'page.fault', pid: p.pid, vaddr, pfn: hz + (vpn - first), zero: true }, 'instruction');
        this.m.emit({ kind: 'log', source: 'mm', text: `pid ${p.pid} read fault at 0x${vaddr.toString(16)}: huge zero folio 0x${hz.toString(16)} mapped by one PMD (use_zero_page=1 [unverified: chosen])` }, 'instruction');
        return { ok: true } as FaultResult;
      });
    }
    if (isAnonVma(v) && !write) {
      return this.m.within('do_anonymous_page', () => {
        const z = this.zeroPfn();
        this.setPte(p, vpn, z, false);
        this.m.emit({ kind: 'page.fault', pid: p.pid, vaddr, pfn: z, zero: true }, 'instruction');
        return { ok: true } as FaultResult;
      });
    }
    const fn = isAnonVma(v) ? 'do_anonymous_page' : v.kind === 'hugetlb' ? 'hugetlb_fault' : v.shared ? (write ? 'do_shared_fault' : 'do_read_fault') : 'do_cow_fault';
    const order = this.faultOrder(v, vaddr);
    // Shared file mappings are write-notify: a read fault maps read-only (dirty tracking, gup §5 6.5 rule).
    const writable = v.write && (write || v.kind !== 'file');
    const frame = this.m.enter(fn);
    try {
      return this.newPages(p, v, vaddr, vpn, kind, writable, order, write && v.kind === 'file');
    } finally {
      this.m.leave(frame);
    }
  }

  /** A fresh folio mapped at vaddr (`vpn` its page number, vpnOf(vaddr)). */
  private newPages(p: Process, v: Vma, vaddr: bigint, vpn: number, kind: PageKind, writable: boolean, order: number, dirty: boolean): FaultResult {
    const s = this.store;
    const zone = this.allocScope.longterm ? this.allocScope.longterm.allocZone(v.zone) : v.zone;
    const head = s.alloc(order, kind, zone, AddressSpaces.initialRef(kind, order));
    if (dirty) s.setFlag(head, PG_DIRTY, true);
    const n = 1 << order;
    const firstVpn = order === 0 ? vpn : vpn - (vpn % n);
    for (let i = 0; i < n; i++) {
      this.setPte(p, firstVpn + i, head + i, writable);
      s.setOwner(head + i, p.pid, firstVpn + i);
    }
    const fpfn = head + (vpn - firstVpn);
    // the event as its codec words when someone takes it (issue 12: an object and a bigint encode per page)
    const m = this.m;
    if (!m.hears(HEAR_FAULT)) m.unheard();
    else {
      pageFaultWords(FAULT_WORDS, p.pid, vaddr, fpfn, false);
      m.emitWords(PAGE_FAULT_ID, 'page.fault', FAULT_WORDS, 'instruction');
    }
    return FAULT_OK;
  }

  /**
   * do_wp_page() / hugetlb_wp() on a present, read-only, non-zero page of a private mapping (gup §3.3
   * fork): reuse it if this mm may (wp_page_reuse), else copy the folio (wp_page_copy). `unshare` =
   * FAULT_FLAG_UNSHARE (≈5.19+, a read-only FOLL_PIN of a COW-shared page): same decision, the PTE
   * stays read-only.
   * [unverified: chosen] reuse rule: before ≈5.9 the mapcount alone (reuse_swap_page); from ≈5.9
   * ("do_wp_page() simplification") also refcount == mappings, so any extra GUP reference or pin
   * forces the copy. A large folio is copied whole (the kernel splits the PMD and copies 4 KiB).
   */
  private wpAnon(p: Process, v: Vma, vaddr: bigint, pfn: number, unshare: boolean): FaultResult {
    const s = this.store;
    const h = s.head(pfn);
    const order = s.order[h];
    const n = 1 << order;
    const vpn0 = vpnOf(vaddr) - (pfn - h);
    const sharers = this.cowShared.get(h);
    const hx = (x: number) => '0x' + x.toString(16);
    const byRef = atLeast(this.features.version, 5, 9);
    const idle = this.mappedIdleRef(h);
    const reuse = sharers === undefined || (sharers <= 1 && (!byRef || s.refcount[h] === idle));
    if (reuse) {
      if (sharers !== undefined) {
        this.m.journal.mapDelete(this.cowShared, h);
        this.m.emit({ kind: 'log', source: 'mm', text: `pid ${p.pid} ${unshare ? 'unshare' : 'write'} fault at 0x${vaddr.toString(16)}: wp_page_reuse of pfn ${hx(h)} (only mapper${byRef ? `, refcount ${s.refcount[h]} = mappings` : ', mapcount 1'}; [unverified: chosen] reuse rule ${byRef ? '≈5.9+ refcount' : '< 5.9 mapcount'})` }, 'instruction');
      }
      if (!unshare && v.write) {
        for (let i = 0; i < n; i++) {
          const e = p.ptes.get(vpn0 + i);
          if (e !== undefined && Math.floor(e / 2) === h + i) this.setPte(p, vpn0 + i, h + i, true);
        }
      }
      return { ok: true };
    }
    // wp_page_copy(): a new folio for this mm; the old one loses this mm's mappings.
    const kind = s.kindOf(h);
    const zone = this.allocScope.longterm ? this.allocScope.longterm.allocZone(v.zone) : v.zone;
    const nh = s.alloc(order, kind, zone, AddressSpaces.initialRef(kind, order));
    let moved = 0;
    for (let i = 0; i < n; i++) {
      const e = p.ptes.get(vpn0 + i);
      if (e === undefined || Math.floor(e / 2) !== h + i) continue;
      this.setPte(p, vpn0 + i, nh + i, !unshare && v.write);
      s.setOwner(nh + i, p.pid, vpn0 + i);
      if (s.ownerPid[h + i] === p.pid) {
        // the old page now belongs to whichever mm still maps it at this address (fork keeps addresses)
        let other = 0;
        for (const q of this.procs.values()) {
          const qe = q.ptes.get(vpn0 + i);
          if (q !== p && qe !== undefined && Math.floor(qe / 2) === h + i) { other = q.pid; break; }
        }
        s.setOwner(h + i, other, other ? vpn0 + i : 0);
      }
      moved++;
    }
    const drop = order >= HPAGE_PMD_ORDER ? 1 : moved;
    const before = s.refcount[h];
    s.setRef(h, before - drop);
    this.addMapRefs(h, -drop);
    if (sharers !== undefined) {
      if (sharers - 1 <= 0) this.m.journal.mapDelete(this.cowShared, h);
      else this.m.journal.mapSet(this.cowShared, h, sharers - 1);
    }
    if (s.refcount[h] === 0 && before > 0) s.setFlag(h, PG_FREED, true);
    const why = (sharers ?? 1) > 1 ? `mapped by ${sharers} mms` : `refcount ${before} > ${idle} mapping reference(s) (a GUP reference or pin; ≈5.9+ rule [unverified: chosen])`;
    this.m.emit({ kind: 'page.fault', pid: p.pid, vaddr, pfn: nh + (pfn - h), zero: false }, 'instruction');
    this.m.emit({ kind: 'log', source: 'mm', text: `pid ${p.pid} ${unshare ? 'unshare (FAULT_FLAG_UNSHARE)' : 'write'} fault at 0x${vaddr.toString(16)}: pfn ${hx(h)} is COW-shared (${why}) → copied to pfn ${hx(nh)}${order > 0 ? ' [unverified: chosen] whole folio copied' : ''}; pfn ${hx(h)} keeps refcount ${s.refcount[h]}` }, 'instruction');
    return { ok: true };
  }

  /** Point the PTE of (pid, vpn) that maps `from` at `to` instead (migration), keeping its write bit. */
  remap(pid: number, vpn: number, from: number, to: number): void {
    const p = this.procs.get(pid);
    const e = p?.ptes.get(vpn);
    if (!p || e === undefined || Math.floor(e / 2) !== from) return;
    this.setPte(p, vpn, to, e % 2 === 1);
    // fork keeps addresses: every other mm mapping `from` at this address follows (COW-shared or shared mappings)
    for (const q of this.procs.values()) {
      const qe = q.ptes.get(vpn);
      if (q !== p && qe !== undefined && Math.floor(qe / 2) === from) this.setPte(q, vpn, to, qe % 2 === 1);
    }
  }

  /** Mark the process as having pinned (gup §3.3). */
  setHasPinned(p: Process): void {
    if (!p.hasPinned) this.m.journal.set(p, 'hasPinned', true);
  }
}
