/**
 * The mm / GUP model's facade, called by the scenario runner, the debugger and the Pages view:
 * processes and VMAs, the get/pin API family by real name, the release APIs, and per-page facts
 * (refcount, pincount, maybe-DMA-pinned, dirty, zone) by era (gup §0.1).
 */
import type { Machine } from '../../engine/machine';
import type { Steps } from '../../engine/steps';
import type { KernelFeatures } from '../../kernel/version';
import { Counting, GUP_PIN_COUNTING_BIAS } from './counting';
import { ERRNO, errnoName } from './errno';
import { FOLL_BIT, type FollBits } from './foll';
import { PageList } from './pageList';
import { GupCore, type PendingSignal } from './gup';
import { Longterm } from './longterm';
import { PageStore, PG_DIRTY, PG_FREED, PG_HEAD, PG_HWPOISON, PG_PRESENT, PG_TAIL, PG_ZERO, type Zone } from './pageStore';
import { Releaser } from './release';
import { DEFAULT_TASK_SIZE_MAX, type GupCallOptions } from './validate';
import { GupEntry } from './gupEntry';
import { AddressSpaces, isRawPfn, vaddrOf, vpnOf, type VmaKind, type VmaOptions } from './vma';
import { Vmstat, type VmstatCounters } from './vmstat';
import { VfioType1 } from './vfioType1';
import { IoUring, ODirect, ProcessVm } from './callers';
import { Pipes } from './pipes';
import { GupTest } from './gupTest';
import { Fork, type ForkResult } from './fork';
import { atLeast } from '../../kernel/version';

/** memfd_pin_folios pins with FOLL_PIN | FOLL_LONGTERM (mm/gup.c, try_grab_folio(folio, 1, FOLL_PIN)). */
const MEMFD_PIN_FLAGS: FollBits = FOLL_BIT.FOLL_PIN | FOLL_BIT.FOLL_LONGTERM;

export { ERRNO, errnoName };
export type { VmaKind, VmaOptions };
export { FOLL_FLAGS } from './foll';

export interface PageInfo {
  pfn: number;
  refcount: number;
  /** undefined: small page (or era) without an exact pin counter (gup §3.2). */
  pincount: number | undefined;
  maybeDmaPinned: boolean;
  dirty: boolean;
  zeroPage: boolean;
  order: number;
  zone: Zone;
  pid: number | undefined;
  vaddr: bigint | undefined;
  /** Extras for views: head PFN, which struct page holds the exact counter, its field name, the idle refcount. */
  head: number;
  pincountPage: 1 | 2 | undefined;
  pincountField: string;
  idleRefcount: number;
  kind: string;
  freed: boolean;
  /** page_mapcount(): mms mapping this page (fork shares; 0 for the zero pages and unmapped pages). */
  mapcount: number;
  /** PageAnonExclusive clear: an anonymous folio COW-shared by fork (gup §3.3). */
  cowShared: boolean;
}

export interface MmOptions {
  /** E5 32-bit puts `_pincount` in page[2] and order-1 folios use the bias (gup §0.1). Default 64. */
  bits?: 32 | 64;
  /** Fast-path TASK_SIZE_MAX (gup §2.3). Default: x86-64 4-level. */
  taskSizeMax?: bigint;
}

export class Mm {
  readonly pages: PageStore;
  /** `/proc/vmstat` FOLL_PIN counters (gup §4): a plain object of the two journaled fields. */
  readonly vmstat: VmstatCounters;
  readonly vmstatCounters: Vmstat;
  readonly spaces: AddressSpaces;
  readonly counting: Counting;
  readonly longterm: Longterm;
  /** vfio_iommu_type1 container: map / unmap / pin / unpin (gup §10). */
  readonly vfio: VfioType1;
  /** io_uring registered buffers (IOU). */
  readonly ioUring: IoUring;
  /** Block O_DIRECT reads and writes (gup §1 6.5, §2.5 case 1). */
  readonly dio: ODirect;
  /** process_vm_readv / process_vm_writev (PVM). */
  readonly pvm: ProcessVm;
  /** vmsplice into pipes and /proc/PID/mem: FOLL_GET callers (issue 11). */
  readonly pipes: Pipes;
  /** The gup_test / gup_benchmark debugfs ioctls and selftest (gup §8). */
  readonly gupTest: GupTest;
  /** fork() with COW sharing and the early copy of maybe-pinned folios (gup §3.3). */
  readonly forker: Fork;
  private readonly core: GupCore;
  /** Parsed flag lists and validation results of repeated GUP calls (issue 12). */
  private readonly entry: GupEntry;
  private readonly releaser: Releaser;

  constructor(private readonly m: Machine, readonly features: KernelFeatures, opts: MmOptions = {}) {
    this.pages = new PageStore(m);
    this.vmstatCounters = new Vmstat(m, features);
    this.vmstat = this.vmstatCounters.counters;
    this.counting = new Counting(m, this.pages, features, this.vmstatCounters, opts.bits ?? 64);
    this.spaces = new AddressSpaces(m, this.pages, features);
    this.longterm = new Longterm(m, features, this.pages, this.spaces, this.counting);
    this.core = new GupCore(m, features, this.pages, this.spaces, this.counting, this.longterm, opts.taskSizeMax ?? DEFAULT_TASK_SIZE_MAX);
    this.releaser = new Releaser(m, features, this.pages, this.counting);
    this.entry = new GupEntry(m, features, this.spaces, this.core);
    this.vfio = new VfioType1(m, features, this.pages, this.spaces, this, () => this.bits);
    this.ioUring = new IoUring(m, features, this.pages, this.spaces, this);
    this.dio = new ODirect(m, features, this);
    this.pvm = new ProcessVm(m, features, this.spaces, this);
    this.pipes = new Pipes(m, this);
    this.gupTest = new GupTest(m, features, this);
    this.forker = new Fork(m, features, this.pages, this.spaces, this.counting);
  }

  /**
   * fork() of process `parentPid` into a new process (gup §3.3): COW sharing of private anonymous
   * folios, early copy of maybe-DMA-pinned ones when the parent has MMF_HAS_PINNED (≈5.9+).
   * `childPid` defaults to the highest pid + 1.
   */
  fork(parentPid: number, childName: string, childPid?: number): { pid: number } & ForkResult {
    const pid = childPid ?? Math.max(0, ...this.spaces.procs.keys()) + 1;
    return { pid, ...this.forker.fork(parentPid, pid, childName) };
  }

  /**
   * memfd_pin_folios(memfd, start, end, folios, max_folios, &offset) (≈6.11+, gup §1): one FOLL_PIN
   * per folio (acq +1 per folio) of the memfd's pages start..end (byte offsets, end inclusive), with
   * the FOLL_LONGTERM migrate-and-retry of movable/CMA folios. The memfd is the shmem or hugetlb VMA
   * mapped at `vaddr` in `pid`; offsets are relative to that VMA. Returns the folio count or −errno.
   * [unverified: chosen] argument checks (start < 0, start > end, max_folios 0, end beyond the mapping,
   * not shmem/hugetlbfs → −EINVAL); absent pages are faulted in through the mapping (the kernel adds
   * them to the page cache only, so the model's refcount holds one more mapping reference);
   * MMF_HAS_PINNED is not set (no mm is walked).
   */
  memfdPinFolios(pid: number, vaddr: bigint, start: bigint, end: bigint, maxFolios: number): { ret: number; folios: number[]; offset: number } {
    const v = this.features.version;
    if (!atLeast(v, 6, 11)) throw new Error(`memfd_pin_folios does not exist in Linux ${v.major}.${v.minor} (≈6.11+, gup §1)`);
    const p = this.spaces.proc(pid);
    const vma = this.spaces.findVma(p, vaddr);
    if (!vma) throw new Error(`no memfd is mapped at 0x${vaddr.toString(16)} in pid ${pid} (map a shmem or hugetlb VMA there)`);
    const out = new PageList(0);
    let offset = 0;
    const ret = this.m.within('memfd_pin_folios', () => {
      const einval = (why: string) => {
        this.m.emit({ kind: 'log', source: 'mm', text: `memfd_pin_folios: ${why} → −EINVAL [unverified: chosen]` }, 'instruction');
        return -ERRNO.EINVAL;
      };
      if (!(vma.kind === 'shmem' || vma.kind === 'anon-shared' || vma.kind === 'hugetlb')) return einval(`the file at 0x${vma.start.toString(16)} is ${vma.kind}, not shmem or hugetlbfs`);
      if (start < 0n || start > end || !(maxFolios > 0)) return einval(`start 0x${start.toString(16)}, end 0x${end.toString(16)}, max_folios ${maxFolios}`);
      if (vma.start + end >= vma.end) return einval(`end 0x${end.toString(16)} beyond the memfd (size 0x${(vma.end - vma.start).toString(16)})`);
      const run = (): number => {
        let nr = 0;
        let last = -1;
        for (let a = (vma.start + start) & ~4095n; a <= vma.start + end && nr <= maxFolios; a += 4096n) {
          if (!this.spaces.pte(p, a)) {
            const fr = this.m.within('memfd_alloc_folio', () => this.spaces.fault(p, vma, a, false));
            if (!fr.ok) return nr ? nr : -fr.errno;
          }
          const pfn = this.spaces.pte(p, a)!.pfn;
          const h = this.pages.head(pfn);
          if (h === last) continue;
          if (nr === maxFolios) break;
          if (!this.core.grab(p, a, h, 1, 'FOLL_PIN', 'slow', MEMFD_PIN_FLAGS)) return nr ? nr : -ERRNO.ENOMEM;
          out.push(h);
          last = h;
          nr++;
        }
        return nr;
      };
      const r = this.longterm.pinLoop(0, out, 'FOLL_PIN', run);
      if (r > 0) {
        const first = this.spaces.pte(p, (vma.start + start) & ~4095n)!.pfn;
        offset = (first - this.pages.head(first)) * 4096 + Number(start & 4095n);
      }
      this.m.emit({ kind: 'gup.return', api: 'memfd_pin_folios', ret: r }, 'instruction');
      return r;
    });
    return { ret, folios: ret > 0 ? out.slice(0, ret) : [], offset };
  }

  /** Mark the folio of `pfn` dirty (set_page_dirty_lock / folio_mark_dirty) if it is not already. */
  markDirty(pfn: number): void {
    this.checkPfn(pfn);
    const h = this.pages.head(pfn);
    if (!this.pages.has(h, PG_DIRTY)) this.pages.setFlag(h, PG_DIRTY, true);
  }

  /** mm->locked_vm of a process, in pages (gup §10.1 step 5). */
  lockedVm(pid: number): number {
    return this.spaces.proc(pid).lockedVm;
  }

  /** mm->pinned_vm of a process, in pages (io_uring registered buffers). */
  pinnedVm(pid: number): number {
    return this.spaces.proc(pid).pinnedVm;
  }

  /** setrlimit(RLIMIT_MEMLOCK) for a process, in bytes (Infinity = RLIM_INFINITY); journaled. */
  setRlimitMemlock(pid: number, bytes: number): void {
    if (!(bytes >= 0)) throw new Error(`RLIMIT_MEMLOCK must be ≥ 0 bytes or unlimited, got ${bytes}`);
    this.m.journal.set(this.spaces.proc(pid), 'rlimitMemlock', bytes);
  }

  /** Give or take CAP_IPC_LOCK (capable() of that task); journaled. */
  setCapIpcLock(pid: number, on: boolean): void {
    this.m.journal.set(this.spaces.proc(pid), 'capIpcLock', on);
  }

  addProcess(pid: number, name: string): void {
    this.spaces.addProcess(pid, name);
  }

  addVma(pid: number, start: bigint, size: bigint, kind: VmaKind, prot: { read: boolean; write: boolean }, opts: VmaOptions = {}): void {
    this.spaces.addVma(pid, start, size, kind, prot, opts);
  }

  processes(): Array<{ pid: number; name: string; vmas: Array<{ start: bigint; end: bigint; kind: VmaKind; prot: string }> }> {
    return [...this.spaces.procs.values()]
      .sort((a, b) => a.pid - b.pid)
      .map((p) => ({
        pid: p.pid,
        name: p.name,
        vmas: p.vmas.map((v) => ({ start: v.start, end: v.end, kind: v.kind, prot: (v.read ? 'r' : '-') + (v.write ? 'w' : '-') + (v.shared ? 's' : 'p') })),
      }));
  }

  /**
   * gup §2.1 entry points by real name; flags by name. Returns the kernel result and the pages obtained.
   * The one-shot path (gupEntry.ts): the wrapper's parts and the core as plain calls, no generator
   * per call (issue 12: the one-page pins of vfio-ccw's translation, several per I/O).
   */
  gup(api: string, pid: number, start: bigint, nrPages: number, flags: string[], opts: GupCallOptions = {}): { ret: number; pages: number[] } {
    return this.entry.gup(api, pid, start, nrPages, flags, opts);
  }

  /** `gup` as resumable work (issue 13): yields every SLICE_UNITS pages of the slow path's loop. */
  gupSteps(api: string, pid: number, start: bigint, nrPages: number, flags: string[], opts: GupCallOptions = {}): Steps<{ ret: number; pages: number[] }> {
    return this.entry.gupSteps(api, pid, start, nrPages, flags, opts);
  }

  /**
   * A pages array `gupSteps` returned, given back by its only holder when it lets go of it, for the
   * next call of the same size to fill instead of making a fresh one (pageList.ts: a 1 GiB pin's
   * array costs ~7 ms fresh, 0.3 ms reused). The caller vouches that nothing else refers to it: no
   * journal entry (a lean machine has no journal), no binding, no other model object. One is kept.
   */
  recyclePages(pages: number[]): void {
    this.entry.recyclePages(pages);
  }

  /** `release` as resumable work (issue 13): yields every SLICE_UNITS pages released. */
  releaseSteps(api: string, pages: number[], makeDirty?: boolean, n?: number): Steps<void> {
    return this.releaser.releaseSteps(api, pages, makeDirty ?? false, n);
  }

  /** Release APIs (gup §2.1): put_page, unpin_user_page, unpin_user_pages, unpin_user_pages_dirty_lock. */
  release(api: string, pages: number[], makeDirty?: boolean, n?: number): void {
    this.releaser.release(api, pages, makeDirty ?? false, n);
  }

  /** User-space access of one byte at vaddr (faults the page in as the CPU would). Returns false on SIGSEGV. */
  touch(pid: number, vaddr: bigint, write: boolean): boolean {
    const p = this.spaces.proc(pid);
    const vma = this.spaces.findVma(p, vaddr);
    if (!vma || (write ? !vma.write : !vma.read)) return false;
    if (vma.kind === 'io' || vma.kind === 'pfnmap') return true;
    return this.m.within('exc_page_fault', () => this.spaces.fault(p, vma, vaddr, write).ok);
  }

  /**
   * folio_add_pin() (6.5+, gup §2.1, §3.4): one more pin on an already pinned folio; no-op on the
   * zero page; WARNs (and adds anyway) if the folio does not look pinned. Like mm/gup.c, it does
   * not touch the vmstat counters (only the grab helpers do, gup §4).
   */
  folioAddPin(pfn: number): void {
    this.folioAddPins(pfn, 1, 'folio_add_pin');
  }

  /** folio_add_pins(folio, n) (≈6.11+): n pins at once, same rules as folio_add_pin. */
  folioAddPins(pfn: number, n: number, fn: 'folio_add_pin' | 'folio_add_pins' = 'folio_add_pins'): void {
    this.checkPfn(pfn);
    const v = this.features.version;
    const since = fn === 'folio_add_pin' ? [6, 5] : [6, 11]; // [unverified: chosen ≈6.11] folio_add_pins
    if (!(v.major > since[0] || (v.major === since[0] && v.minor >= since[1]))) throw new Error(`${fn} does not exist in Linux ${v.major}.${v.minor} (${since.join('.')}+)`);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${fn}: pin count must be a non-negative integer, got ${n}`);
    this.m.within(fn, () => {
      const s = this.pages;
      const h = s.head(pfn);
      if (s.has(h, PG_ZERO)) return;
      const exact = this.counting.hasPincount(s.order[h]);
      if (exact ? s.pincount[h] < 1 : s.refcount[h] < GUP_PIN_COUNTING_BIAS) {
        this.m.emit({ kind: 'warn', message: `${fn}: pfn 0x${h.toString(16)} is not pinned`, ref: 'gup §3.4' }, 'instruction');
      }
      if (exact) {
        s.setRef(h, s.refcount[h] + n);
        s.setPin(h, s.pincount[h] + n);
      } else {
        s.setRef(h, s.refcount[h] + n * GUP_PIN_COUNTING_BIAS);
      }
      this.counting.shadowAdd(h, n);
    });
  }

  /** Word size of the modelled kernel (gup §0.1 E5 32-bit); only before any page exists. Journaled. */
  setBits(bits: 32 | 64): void {
    if (this.pages.count > 0 || this.spaces.procs.size > 0) throw new Error('arch must be set before any process or page exists');
    this.m.journal.set(this.counting, 'bits', bits);
  }

  get bits(): 32 | 64 {
    return this.counting.bits;
  }

  /** Make a signal pending on the task calling GUP (gup §2.4 −EINTR); journaled. */
  setSignalPending(sig: PendingSignal): void {
    this.m.journal.set(this.core.task, 'signal', sig);
  }

  /** Let a scenario set R0 (gup §0.2: transient LRU references can make it 2). */
  setRefcount(pfn: number, value: number): void {
    this.checkPfn(pfn);
    if (!Number.isInteger(value) || value < -(2 ** 31) || value > 2 ** 32 - 1) throw new Error(`refcount must be a 32-bit integer, got ${value}`);
    const h = this.pages.head(pfn);
    const before = this.pages.refcount[h];
    this.pages.setRef(h, value);
    this.counting.noteOverride(h, this.pages.refcount[h] - before);
  }

  /**
   * `n` get_page() / folio_get() calls on the folio of `pfn`: plain references (a driver, the page
   * cache, another subsystem). gup §3.3: ≥ 1024 of them on a small page read as "maybe DMA-pinned".
   * Released with put_page().
   */
  getPage(pfn: number, n = 1): void {
    this.checkPfn(pfn);
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 31) throw new Error(`get_page: count must be a positive integer, got ${n}`);
    this.m.within(n === 1 ? 'get_page' : `get_page ×${n}`, () => {
      const h = this.pages.head(pfn);
      this.pages.setRef(h, this.pages.refcount[h] + n);
      this.counting.noteGets(h, n);
      this.m.emit({ kind: 'log', source: 'mm', text: `get_page() ×${n} on pfn 0x${h.toString(16)}: refcount ${this.pages.refcount[h]}${this.counting.maybeDmaPinned(h) && !this.counting.hasPincount(this.pages.order[h]) ? ' — page_maybe_dma_pinned() now true without any pin (false positive, gup §3.3)' : ''}` }, 'instruction');
    });
  }

  /** Mark a page hardware-poisoned (gup §2.4 −EHWPOISON). */
  poison(pfn: number): void {
    this.checkPfn(pfn);
    this.pages.setFlag(pfn, PG_HWPOISON, true);
  }

  pageAt(pid: number, vaddr: bigint): number | undefined {
    const p = this.spaces.proc(pid);
    return this.spaces.pte(p, vaddr)?.pfn;
  }

  pageInfo(pfn: number): PageInfo {
    this.checkPfn(pfn);
    const s = this.pages;
    const h = s.head(pfn);
    const order = s.order[h];
    const pid = s.ownerPid[pfn];
    return {
      pfn,
      refcount: s.refcount[h],
      pincount: this.counting.hasPincount(order) ? s.pincount[h] : undefined,
      maybeDmaPinned: this.counting.maybeDmaPinned(pfn),
      dirty: s.has(h, PG_DIRTY),
      zeroPage: s.has(h, PG_ZERO),
      order,
      zone: s.zoneOf(pfn),
      pid: pid === 0 ? undefined : pid,
      vaddr: pid === 0 ? undefined : vaddrOf(s.ownerVpn[pfn]),
      head: h,
      pincountPage: this.counting.pincountPage(order),
      pincountField: this.counting.hasPincount(order) ? this.counting.pincountField() : '',
      idleRefcount: this.idleRef(h),
      kind: s.kindOf(h),
      freed: s.has(h, PG_FREED),
      mapcount: this.spaces.mapcount(pfn),
      cowShared: this.spaces.cowShared.has(h),
    };
  }

  /** Refcount of the folio when nothing but its mapping (and page cache) holds it. */
  idleRef(h: number): number {
    const k = this.pages.kindOf(h);
    if (k === 'device') return this.features.gupEra === 'E5' ? 0 : 1; // gup §7
    if (k === 'zero' || k === 'hugezero') return 1;
    return this.spaces.mappedIdleRef(h);
  }

  /**
   * Folio heads whose refcount differs from idle, that hold any pin, or are dirty. A folio freed
   * while still mapped (gup §3.5 unpin of an unpinned page at 1024) stays listed.
   */
  interestingPages(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.pages.count; i++) if (this.isInteresting(i)) out.push(i);
    return out;
  }

  /**
   * Is PFN `i` listed by `interestingPages`? Depends only on state keyed by `i` (listed by
   * `interestingSources`), so a view can keep the set up to date from the journal's changes.
   */
  isInteresting(i: number): boolean {
    const s = this.pages;
    if (i < 0 || i >= s.count) return false;
    const f = s.flags[i];
    if (!(f & PG_PRESENT) || f & PG_TAIL) return false;
    if (f & PG_FREED && s.ownerPid[i] === 0) return false; // freed and unmapped (e.g. migrated away)
    return s.refcount[i] !== this.idleRef(i) || s.pincount[i] !== 0 || (f & PG_DIRTY) !== 0 || this.counting.maybeDmaPinned(i);
  }

  /**
   * Everything `isInteresting(i)` reads besides constants, for views that track the set through
   * the journal: the page store (slots of index i) and Maps keyed by PFN. Keep in step with it.
   */
  interestingSources(): object[] {
    return [this.pages, this.spaces.mapRefs];
  }

  /** Every allocated folio head that is not freed (the Pages view's "all pages" mode); the first `limit`. */
  mappedPages(limit = Infinity): number[] {
    const s = this.pages;
    const out: number[] = [];
    for (let i = 0; i < s.count && out.length < limit; i++) {
      const f = s.flags[i];
      if (f & PG_PRESENT && !(f & PG_TAIL) && !(f & PG_FREED)) out.push(i);
    }
    return out;
  }

  /** Pins currently held: acquired − released (E2+), the E1 tally, 0 in E0. */
  pinsHeld(): number {
    if (this.features.pinTracking) return this.vmstat.nr_foll_pin_acquired - this.vmstat.nr_foll_pin_released;
    return this.counting.tally.e1Pins;
  }

  /** Whether the process has ever pinned (mm->has_pinned / MMF_HAS_PINNED, gup §3.3). */
  hasPinned(pid: number): boolean {
    return this.spaces.proc(pid).hasPinned;
  }

  private checkPfn(pfn: number): void {
    if (isRawPfn(pfn)) throw new Error(`pfn 0x${pfn.toString(16)} has no struct page (a raw PFN of a VM_MIXEDMAP mapping, gup §2.4 −EEXIST)`);
    if (!this.pages.valid(pfn)) throw new Error(`pfn ${pfn} is not a page of the model (${this.pages.count} slots allocated)`);
  }
}

export { PG_HEAD, vpnOf };

