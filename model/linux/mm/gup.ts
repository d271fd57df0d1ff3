/**
 * The GUP core: the slow path (`__gup_longterm_locked` → `__get_user_pages_locked` →
 * `__get_user_pages`, with `check_vma_flags`, `follow_page_mask` and `faultin_page`), the
 * lockless fast walk (`gup_fast`) and the wrappers' return conventions (gup §2.1, §2.4).
 */
import { warnOnce } from '../../kernel/warnOnce';
import type { Machine } from '../../engine/machine';
import { doneSteps, runToEnd, SLICE_UNITS, withinSteps, type Steps } from '../../engine/steps';
import type { KernelFeatures } from '../../kernel/version';
import { atLeast } from '../../kernel/version';
import type { GupApiSpec } from './apis';
import { eraAtLeast, type Counting, type FollMode } from './counting';
import { ERRNO } from './errno';
import { PAGE_GRAB_ID, pageGrabWords } from '../../engine/eventCodec';
import { FOLL_BIT, follBits, follBitsString, follString, type FollBits } from './foll';
import type { Longterm } from './longterm';
import type { PageList } from './pageList';
import { KIND_INDEX, PG_HWPOISON, PG_ZERO, type PageStore } from './pageStore';
import { fastPathChecks, type GupCallOptions } from './validate';
import { faultin, gatePage, noStructPage, nowaitRetry } from './gupSpecial';
import { AddressSpaces, isAnonVma, isCow, isRawPfn, noStructPages, PAGE_SIZE, pteWritable, ptePfn, vaddrOf, vpnOf, type Process, type Vma } from './vma';

const {
  FOLL_WRITE, FOLL_TOUCH, FOLL_GET, FOLL_DUMP, FOLL_FORCE, FOLL_NOWAIT, FOLL_NOFAULT, FOLL_HWPOISON, FOLL_ANON,
  FOLL_LONGTERM, FOLL_SPLIT_PMD, FOLL_PIN, FOLL_FAST_ONLY, FOLL_PCI_P2PDMA, FOLL_INTERRUPTIBLE,
} = FOLL_BIT;

export { GATE_AREA } from './gupSpecial';

export type PendingSignal = 'none' | 'fatal' | 'other';

/** The state of one __get_user_pages() loop between slices. */
interface SlowCall {
  readonly p: Process;
  readonly start: bigint;
  readonly nr: number;
  readonly flags: FollBits;
  readonly want: boolean;
  readonly out: PageList;
  i: number;
  ret: number;
  v: Vma | undefined;
  /** pageAddr's last page and its address. */
  vi: number;
  va: bigint;
}

/** Scratch for one event's codec words (eventCodec.ts), consumed by emitWords at once; not model state. */
const EVENT_WORDS = new Int32Array(16);

export class GupCore {
  /** Signal pending on the calling task (journaled through Mm.setSignalPending). */
  readonly task: { signal: PendingSignal } = { signal: 'none' };

  constructor(
    private readonly m: Machine,
    private readonly f: KernelFeatures,
    private readonly store: PageStore,
    private readonly spaces: AddressSpaces,
    private readonly counting: Counting,
    private readonly longterm: Longterm,
    private readonly taskSizeMax: bigint,
  ) {
    this.unshareEra = atLeast(f.version, 5, 19);
    this.secretmemRefused = atLeast(f.version, 5, 14);
    this.e4 = eraAtLeast(f, 'E4');
    this.grabFnName = { slow: counting.grabFn('slow'), fast: counting.grabFn('fast') };
  }

  /** E4+ (folio batching in the slow path, gup §3.1): asked once, not per page. */
  private readonly e4: boolean;
  /** The grab helper's name per path (the era's, gup §3.1), asked once, not per page. */
  private readonly grabFnName: { readonly slow: string; readonly fast: string };

  /** gup_must_unshare() exists (≈5.19+, see mustUnshare). */
  private readonly unshareEra: boolean;
  /** The fast walk gives secretmem folios back (5.14+). */
  private readonly secretmemRefused: boolean;

  /**
   * Run a validated call of `spec` with the effective `flags`; pages obtained are appended to `out`.
   * The one-shot driver of callSteps' layers: the slow path's frames entered and left around plain
   * calls of the same functions (longtermLockedNow, lockedNow, slowNow), no generator per layer
   * (issue 12: a one-page pin made ~5); the fast walk stays resumable work run to its end.
   */
  call(spec: GupApiSpec, p: Process, start: bigint, nr: number, flags: ReadonlySet<string>, opts: GupCallOptions, out: PageList, bits = follBits(flags)): number {
    if (spec.fast) return runToEnd(this.fastFallback(spec, p, start, nr, flags, out));
    if (nr === 0) return 0;
    this.markPinned(p, bits);
    return this.longtermLockedNow(p, start, nr, bits, !opts.pagesNull, out);
  }

  /**
   * `call` as resumable work (engine/steps.ts, issue 13): the slow path's page loop yields every
   * SLICE_UNITS pages, between two pages, where every page before is grabbed and in `out`.
   */
  callSteps(spec: GupApiSpec, p: Process, start: bigint, nr: number, flags: ReadonlySet<string>, opts: GupCallOptions, out: PageList, bits = follBits(flags)): Steps<number> {
    // a plain function returning the layer below (not a generator of its own: issue 12); callers
    // start the returned work at once, so markPinned runs when a generator body would have
    if (spec.fast) return this.fastFallback(spec, p, start, nr, flags, out);
    if (nr === 0) return doneSteps(0);
    this.markPinned(p, bits);
    return this.longtermLocked(p, start, nr, bits, !opts.pagesNull, out);
  }

  /** gup_fast_fallback() / internal_get_user_pages_fast(): fast walk, then the slow path for the rest. */
  private fastFallback(spec: GupApiSpec, p: Process, start: bigint, nr: number, flags: ReadonlySet<string>, out: PageList): Steps<number> {
    // [unverified: chosen] internal_get_user_pages_fast was renamed gup_fast_fallback in ≈6.9.
    const e4 = eraAtLeast(this.f, 'E4') && atLeast(this.f.version, 6, 9);
    return withinSteps(this.m, e4 ? 'gup_fast_fallback' : 'internal_get_user_pages_fast', this.fastFallbackBody(spec, p, start, nr, flags, out, e4));
  }

  private *fastFallbackBody(spec: GupApiSpec, p: Process, start: bigint, nr: number, flags: ReadonlySet<string>, out: PageList, e4: boolean): Steps<number> {
    const chk = fastPathChecks(this.f, flags, start, nr, this.taskSizeMax);
    if (chk) {
      // gup §2.3: the fast path's flag-mask check is WARN_ON_ONCE (once per boot)
      if (chk.warn) warnOnce(this.m, 'gup_fast flag mask', chk.warn, 'gup §2.3');
      return spec.fastOnly && spec.pin ? Math.max(chk.ret, 0) : chk.ret;
    }
    const bits = follBits(flags);
    this.markPinned(p, bits);
    if (nr === 0) return 0;
    const base = start & ~(PAGE_SIZE - 1n);
    // The lockless walk runs with interrupts off in the kernel. The model may still yield between
    // chunks: nothing else runs in the model meanwhile (a console job keeps other requests busy).
    const nrFast = yield* withinSteps(this.m, e4 ? 'gup_fast' : 'gup_pgd_range', this.fastWalkSteps(p, base, nr, bits, out));
    if (nrFast === nr || bits & FOLL_FAST_ONLY) return nrFast;
    const slowBits = e4 ? bits | FOLL_TOUCH : bits;
    const ret = yield* this.longtermLocked(p, base + BigInt(nrFast) * PAGE_SIZE, nr - nrFast, slowBits, true, out);
    if (ret < 0) return nrFast ? nrFast : ret;
    return ret + nrFast;
  }

  /** mm_set_has_pinned_flag() on entry of a FOLL_PIN walk (gup §3.3; ≈5.9+, modelled from 5.7). */
  private markPinned(p: Process, flags: FollBits): void {
    if (flags & FOLL_PIN && this.f.pinTracking) this.spaces.setHasPinned(p);
  }

  /** __gup_longterm_locked(): FOLL_LONGTERM runs the migrate-and-retry loop (gup §5). */
  longtermLocked(p: Process, start: bigint, nr: number, flags: FollBits, want: boolean, out: PageList): Steps<number> {
    const mode: FollMode = flags & FOLL_PIN ? 'FOLL_PIN' : 'FOLL_GET';
    const body = !(flags & FOLL_LONGTERM) || !want
      ? this.locked(p, start, nr, flags, want, out)
      : this.longterm.pinLoopSteps(out.n, out, mode, () => this.locked(p, start, nr, flags, want, out));
    return withinSteps(this.m, '__gup_longterm_locked', body);
  }

  /** `longtermLocked` run to its end at once (`call`): the same frame and passes, as plain calls. */
  private longtermLockedNow(p: Process, start: bigint, nr: number, flags: FollBits, want: boolean, out: PageList): number {
    const mark = this.m.enter('__gup_longterm_locked');
    try {
      if (!(flags & FOLL_LONGTERM) || !want) return this.lockedNow(p, start, nr, flags, want, out);
      return this.longterm.pinLoop(out.n, out, flags & FOLL_PIN ? 'FOLL_PIN' : 'FOLL_GET', () => this.lockedNow(p, start, nr, flags, want, out));
    } finally {
      this.m.leave(mark);
    }
  }

  /** __get_user_pages_locked(): adds FOLL_GET when a pages array is passed (E2+: unless FOLL_PIN). */
  private locked(p: Process, start: bigint, nr: number, flags: FollBits, want: boolean, out: PageList): Steps<number> {
    return withinSteps(this.m, '__get_user_pages_locked', withinSteps(this.m, '__get_user_pages', this.slow(p, start, nr, this.lockedFlags(flags, want), want, out)));
  }

  /** `locked` run to its end at once: its two frames around slowNow. */
  private lockedNow(p: Process, start: bigint, nr: number, flags: FollBits, want: boolean, out: PageList): number {
    const outer = this.m.enter('__get_user_pages_locked');
    try {
      const inner = this.m.enter('__get_user_pages');
      try {
        return this.slowNow(p, start, nr, this.lockedFlags(flags, want), want, out);
      } finally {
        this.m.leave(inner);
      }
    } finally {
      this.m.leave(outer);
    }
  }

  /** The flags __get_user_pages_locked passes on: FOLL_GET added with a pages array (E2+: unless FOLL_PIN). */
  private lockedFlags(flags: FollBits, want: boolean): FollBits {
    return want && (this.f.gupEra === 'E1' || this.f.gupEra === 'E0' || !(flags & FOLL_PIN)) ? flags | FOLL_GET : flags;
  }

  /** check_vma_flags() (gup §2.4 errno catalogue, §5). Returns 0 or −errno. */
  checkVmaFlags(v: Vma, flags: FollBits): number {
    const write = (flags & FOLL_WRITE) !== 0;
    const force = (flags & FOLL_FORCE) !== 0;
    if (noStructPages(v)) return -ERRNO.EFAULT;
    if (flags & FOLL_ANON && !isAnonVma(v)) return -ERRNO.EFAULT;
    if (flags & FOLL_LONGTERM && v.kind === 'dax' && this.longterm.daxCheckedBeforePin()) return -ERRNO.EOPNOTSUPP;
    // gup §2.4 −EOPNOTSUPP: FOLL_SPLIT_PMD on hugetlb (E4 text; [unverified: chosen 6.5] "mm/gup: retire
    // follow_hugetlb_page()" added it to check_vma_flags; before, the hugetlb walk ignored the flag).
    if (flags & FOLL_SPLIT_PMD && v.kind === 'hugetlb' && atLeast(this.f.version, 6, 5)) return -ERRNO.EOPNOTSUPP;
    if (v.kind === 'secretmem') return -ERRNO.EFAULT;
    if (write) {
      if (!isAnonVma(v) && this.longterm.fileWriteRefused(v, flags)) return -ERRNO.EFAULT;
      if (!v.write) {
        if (!force) return -ERRNO.EFAULT;
        if (!isCow(v)) return -ERRNO.EFAULT;
      }
    } else if (!v.read) {
      if (!force) return -ERRNO.EFAULT; // VM_MAYREAD assumed set
    }
    return 0;
  }

  /**
   * follow_page_mask(): the PFN mapped at vaddr if GUP may take it as is, 'fault' when a fault is
   * needed (no PTE, write to a read-only PTE), or −errno.
   */
  private follow(p: Process, v: Vma, flags: FollBits, vpn: number): number | 'fault' | 'unshare' | 'nopage' {
    // the entry as a number, no { pfn, writable } object: this runs for every page of a GUP call (issue 12)
    const e = this.spaces.pteAt(p, vpn);
    if (e === undefined) {
      // no_page_table(): FOLL_DUMP on a hole that would read as zeroes.
      if (flags & FOLL_DUMP && isAnonVma(v)) return -ERRNO.EFAULT;
      return 'fault';
    }
    const pfn = ptePfn(e);
    const writable = pteWritable(e);
    if (isRawPfn(pfn)) {
      // vm_normal_page() == NULL: follow_pfn_pte(); FOLL_DUMP skips special pages (gup §2.4 −EEXIST).
      if (flags & FOLL_DUMP) return -ERRNO.EFAULT;
      if (flags & FOLL_WRITE && !writable) return 'fault';
      return 'nopage';
    }
    const s = this.store;
    // the page's flags and its folio's kind read once (kindIs would find the head for each test)
    const pflags = s.flags[pfn];
    const kind = s.kind[s.head(pfn)];
    const zero = (pflags & PG_ZERO) !== 0 || kind === KIND_INDEX.hugezero;
    if (flags & FOLL_WRITE && !writable) {
      // can_follow_write_pte(): FOLL_FORCE may follow an exclusive anon page in a read-only private mapping.
      const forcedCow = (flags & FOLL_FORCE) !== 0 && isAnonVma(v) && !zero && !v.write && !this.spaces.cowShared.has(s.head(pfn));
      if (!forcedCow) return 'fault';
    }
    // gup_must_unshare(): a read-only FOLL_PIN of a COW-shared anonymous page unshares it first (≈5.19+).
    if (!writable && this.mustUnshare(pfn, flags)) return 'unshare';
    if (zero && flags & FOLL_DUMP) return -ERRNO.EFAULT; // also the huge zero page (follow_huge_pmd)
    if (pflags & PG_HWPOISON) return flags & FOLL_HWPOISON ? -ERRNO.EHWPOISON : -ERRNO.EFAULT;
    // gup §2.4 −EREMOTEIO: a PCI P2PDMA page without FOLL_PCI_P2PDMA (follow_page_pte, 6.2+).
    if (kind === KIND_INDEX.p2pdma && !(flags & FOLL_PCI_P2PDMA)) return -ERRNO.EREMOTEIO;
    return pfn;
  }

  /**
   * gup_must_unshare() (FAULT_FLAG_UNSHARE, PageAnonExclusive). [unverified: chosen ≈5.19+, FOLL_PIN
   * only] Before 5.19 a read-only pin of a COW-shared page takes the shared page as it is.
   */
  mustUnshare(pfn: number, flags: FollBits): boolean {
    if (!(flags & FOLL_PIN) || flags & FOLL_WRITE || !this.unshareEra) return false;
    return this.spaces.cowShared.has(this.store.head(pfn));
  }

  /**
   * __get_user_pages(): the per-page loop; returns pages done, or −errno if none. Resumable: it
   * yields every SLICE_UNITS pages (issue 13); the pages themselves run in a plain loop (slowRun).
   */
  private *slow(p: Process, start: bigint, nr: number, flags: FollBits, want: boolean, out: PageList): Steps<number> {
    const c: SlowCall = { p, start, nr, flags, want, out, i: 0, ret: 0, v: undefined, vi: 0, va: start };
    while (!this.slowRun(c, Math.min(nr, c.i + SLICE_UNITS)) && c.i < nr) yield { done: c.i, total: nr };
    return this.slowResult(c);
  }

  /** `slow` run to its end at once (the same slices, no yield between them). */
  private slowNow(p: Process, start: bigint, nr: number, flags: FollBits, want: boolean, out: PageList): number {
    const c: SlowCall = { p, start, nr, flags, want, out, i: 0, ret: 0, v: undefined, vi: 0, va: start };
    while (!this.slowRun(c, Math.min(nr, c.i + SLICE_UNITS)) && c.i < nr);
    return this.slowResult(c);
  }

  /** __get_user_pages' return: pages done, or the error (−EFAULT when there is none, gup §2.4). */
  private slowResult(c: SlowCall): number {
    const { i, ret } = c;
    if (i > 0) return i;
    if (ret === 0 && !(c.flags & FOLL_NOWAIT)) {
      this.warn('__get_user_pages: no page and no error code', 'gup §2.4');
      return -ERRNO.EFAULT;
    }
    return ret;
  }

  /**
   * Pages c.i … until−1 of __get_user_pages (a folio batch may go past `until`). Returns true when
   * the call ended there (an error or a stop, `c.ret` set), false when it reached `until`.
   * Per page it works on page numbers (the VMA's bounds as vpns, page i at vpn0 + i): the bigint
   * address is made only where a rule or an event reads it (issue 12: a bigint per page was a heap
   * object per page).
   */
  private slowRun(c: SlowCall, until: number): boolean {
    const s = this.store;
    const { p, nr, flags, want, out } = c;
    const mode: FollMode = flags & FOLL_PIN ? 'FOLL_PIN' : 'FOLL_GET';
    const write = (flags & FOLL_WRITE) !== 0;
    // asked once per slice: with nobody taking page.grab (a lean run), no event is built per page
    const taken = this.m.listens('page.grab');
    const grabName = this.grabFnName.slow;
    let i = c.i;
    let v = c.v;
    let ret = 0;
    let stopped = true;
    const vpn0 = vpnOf(c.start); // page i is at vpn0 + i: no bigint shift per page
    // page i's address as a number, where every address of the call is below 2^53; only an event
    // reads it (issue 12: three bigint operations per call otherwise)
    const addrExact = taken && c.start + BigInt(nr) * PAGE_SIZE < 0x20_0000_0000_0000n;
    const addr0 = addrExact ? Number(c.start) : 0;
    // the VMA's bounds as vpns, made when a later page of the call asks (a one-page pin never does)
    let vLo = 0;
    let vHi = 0;
    let bounded = false;
    outer: while (i < until) {
      const vpn = vpn0 + i;
      // gup §2.4 −EINTR: fatal signal pending (any signal with FOLL_INTERRUPTIBLE).
      // [unverified: chosen] both are checked at the top of each page, where E4 checks the fatal one.
      const sig = this.task.signal;
      if (sig === 'fatal' || (sig === 'other' && flags & FOLL_INTERRUPTIBLE)) { ret = -ERRNO.EINTR; break; }
      if (v && !bounded) {
        vLo = vpnOf(v.start);
        vHi = vpnOf(v.end);
        bounded = true;
      }
      if (!v || vpn >= vHi || vpn < vLo) {
        // VMAs are page-aligned (vma.ts addVma): vpn bounds say what the address bounds say
        const vaddr = this.pageAddr(c, i);
        v = this.spaces.findVma(p, vaddr);
        if (!v) { ret = gatePage(this.m, this.counting.bits, vaddr, flags) ?? -ERRNO.EFAULT; break; }
        const e = this.checkVmaFlags(v, flags);
        if (e) { ret = e; break; }
        bounded = false;
      }
      const vma = v;
      let pfn = -1;
      for (let tries = 0; ; tries++) {
        const r = this.follow(p, vma, flags, vpn);
        if (r === 'nopage') {
          const vaddr = this.pageAddr(c, i);
          const e = noStructPage(this.m, this.f, p, vaddr, this.spaces.pte(p, vaddr)!.pfn, want);
          if (e < 0) { ret = e; break outer; }
          i += 1;
          continue outer;
        }
        if (r !== 'fault' && r !== 'unshare') {
          if (r < 0) { ret = r; break outer; }
          pfn = r;
          break;
        }
        const vaddr = this.pageAddr(c, i);
        if (flags & FOLL_NOFAULT) { ret = -ERRNO.EFAULT; break outer; }
        if (flags & FOLL_NOWAIT && vma.kind === 'file' && !this.spaces.pte(p, vaddr)) {
          // gup §2.4: FOLL_NOWAIT may return 0. The fault would wait for I/O: VM_FAULT_RETRY → −EBUSY → 0 progress.
          nowaitRetry(this.m, vaddr);
          ret = 0;
          break outer;
        }
        if (tries > 2) throw new Error(`mm model: fault at 0x${vaddr.toString(16)} did not make progress`);
        const errno = faultin(this.m, this.spaces, p, vma, vaddr, write, r === 'unshare');
        if (errno !== 0) { ret = -errno; break outer; }
      }
      const h = s.head(pfn);
      const order = s.order[h];
      let incr = 1;
      // E4 batches the rest of a PMD-mapped folio in one grab (gup §3.1 "slow path mechanics").
      if (AddressSpaces.pmdMapped(order) && this.e4) incr = Math.min((1 << order) - (pfn - h), nr - i);
      if (want) {
        // the event's address: a number while exact (below 2^53), else the bigint
        const vaddr = !taken ? 0 : addrExact ? addr0 + i * 4096 : this.pageAddr(c, i);
        if (!this.grabAs(grabName, p, vaddr, pfn, 1, mode, 'slow', flags, taken)) { ret = -ERRNO.ENOMEM; break; }
        if (incr > 1 && !this.grabAs(grabName, p, !taken ? 0 : typeof vaddr === 'number' ? vaddr + 4096 : vaddr + PAGE_SIZE, pfn + 1, incr - 1, mode, 'slow', flags, taken)) {
          this.dropRefs(pfn, 1, mode);
          ret = -ERRNO.EFAULT;
          break;
        }
        for (let j = 0; j < incr; j++) out.push(pfn + j);
      }
      i += incr;
    }
    if (i >= until && ret === 0) stopped = false;
    c.i = i;
    c.v = v;
    c.ret = ret;
    return stopped;
  }

  /** Page i's address (start + i pages), kept from one page to the next: one bigint add per page in a walk. */
  private pageAddr(c: SlowCall, i: number): bigint {
    if (c.vi !== i) {
      c.va = c.vi + 1 === i ? c.va + PAGE_SIZE : c.start + BigInt(i) * PAGE_SIZE;
      c.vi = i;
    }
    return c.va;
  }

  /**
   * The lockless walk (gup_fast_pte_range / gup_fast_pmd_leaf): stops at the first PTE it cannot
   * take; everything after it is left to the slow path. Walks page numbers, not bigint addresses:
   * the address is only made for the grab's event.
   */
  private *fastWalkSteps(p: Process, start: bigint, nr: number, flags: FollBits, out: PageList): Steps<number> {
    let i = 0;
    for (;;) {
      const until = Math.min(nr, i + SLICE_UNITS);
      i = this.fastWalk(p, start, nr, flags, out, i, until);
      if (i < until || i >= nr) return i;
      yield { done: i, total: nr };
    }
  }

  /** Pages from … until−1 of the walk (a PMD batch may go past `until`); returns where it got (< until: stopped). */
  private fastWalk(p: Process, start: bigint, nr: number, flags: FollBits, out: PageList, from: number, until: number): number {
    const s = this.store;
    const mode: FollMode = flags & FOLL_PIN ? 'FOLL_PIN' : 'FOLL_GET';
    const write = (flags & FOLL_WRITE) !== 0;
    const longterm = (flags & FOLL_LONGTERM) !== 0;
    const taken = this.m.listens('page.grab');
    const grabName = this.grabFnName.fast;
    const vpn0 = vpnOf(start);
    const addrExact = vpn0 + nr < 2 ** 41; // (vpn0 + i) × 4096 below 2^53: the event's address as a number
    let i = from;
    while (i < until) {
      const e = this.spaces.pteAt(p, vpn0 + i);
      if (e === undefined) break;
      const pfn = ptePfn(e);
      const writable = pteWritable(e);
      if (isRawPfn(pfn)) break; // pte_special: no struct page
      if (s.has(pfn, PG_ZERO)) break; // pte_special
      // [unverified: chosen] checked before the grab (no rollback): P2PDMA page without FOLL_PCI_P2PDMA
      if (s.kindIs(pfn, 'p2pdma') && !(flags & FOLL_PCI_P2PDMA)) break;
      if (write && !writable) break; // pte_access_permitted
      if (longterm && s.kindIs(pfn, 'dax')) break; // devmap + FOLL_LONGTERM
      const h = s.head(pfn);
      const order = s.order[h];
      const refs = AddressSpaces.pmdMapped(order) ? Math.min((1 << order) - (pfn - h), nr - i) : 1;
      // try_grab_folio_fast(): a folio that may not be long-term pinned is given back before any pin accounting (≈5.13+).
      if (longterm && mode === 'FOLL_PIN' && !this.longterm.pinnable(pfn) && this.longterm.fastChecksPinnable()) break;
      if (!this.grabAs(grabName, p, !taken ? 0 : addrExact ? (vpn0 + i) * 4096 : vaddrOf(vpn0 + i), pfn, refs, mode, 'fast', flags, taken)) break;
      // Checks made after the grab roll it back (counted acquired and released, gup §4 "rollbacks").
      const rollback =
        (this.secretmemRefused && s.kindIs(pfn, 'secretmem')) ||
        (mode === 'FOLL_PIN' && this.longterm.fastFileRefused(pfn, flags)) ||
        (!writable && this.mustUnshare(pfn, flags));
      if (rollback) {
        this.dropRefs(pfn, refs, mode);
        break;
      }
      for (let j = 0; j < refs; j++) out.push(pfn + j);
      i += refs;
    }
    return i;
  }

  /** Grab with the era's helper name on the stack and a page.grab event; false if refused. */
  grab(p: Process, vaddr: bigint, pfn: number, refs: number, mode: FollMode, path: 'slow' | 'fast', flags: FollBits): boolean {
    return this.grabAs(this.grabFnName[path], p, vaddr, pfn, refs, mode, path, flags, this.m.listens('page.grab'));
  }

  /**
   * `grab` inside the frame `fn`; `taken`: someone takes page.grab (machine.listens, asked once per
   * slice by the page loops). The frame is entered and left by hand (Machine.enter / leave) around
   * a plain call: no closure and no argument record per page, and a call V8 can inline (issue 12).
   */
  private grabAs(fn: string, p: Process, vaddr: bigint | number, pfn: number, refs: number, mode: FollMode, path: 'slow' | 'fast', flags: FollBits, taken: boolean): boolean {
    // a lean machine pushes no frames and never turns back (Machine.isLean, as withinSteps): the
    // grab alone, without a mark to give back per page
    if (this.m.isLean) return this.grabIn(p, vaddr, pfn, refs, mode, path, flags, taken);
    const mark = this.m.enter(fn);
    try {
      return this.grabIn(p, vaddr, pfn, refs, mode, path, flags, taken);
    } finally {
      this.m.leave(mark);
    }
  }

  /** The grab (counting.ts, gup §3.1) and its page.grab event, inside grabAs' frame. */
  private grabIn(p: Process, vaddr: bigint | number, pfn: number, refs: number, mode: FollMode, path: 'slow' | 'fast', flags: FollBits, taken: boolean): boolean {
    const s = this.store;
    const h = s.head(pfn);
    // the counts before, for the event only
    const beforeRef = taken ? s.refcount[h] : 0;
    const beforePin = taken ? s.pincount[h] : 0;
    const rule = taken ? this.counting.grabRule(pfn, refs, mode) : '';
    const r = this.counting.grab(pfn, refs, mode, path);
    if (r === 'refused') return false;
    if (taken) {
      // the event { kind: 'page.grab', pid, vaddr, pfn, foll, refcount, pincount, before, refs, path, flags, rule } as its words
      pageGrabWords(EVENT_WORDS, this.m.records.strings, p.pid, vaddr, pfn, mode, s.refcount[h], s.pincount[h], beforeRef, beforePin, refs, path, follBitsString(flags), rule);
      this.m.emitWords(PAGE_GRAB_ID, 'page.grab', EVENT_WORDS, 'instruction');
    } else this.m.unheard();
    return true;
  }

  /** Undo a grab inside GUP (gup_put_folio / folio_put_refs). */
  dropRefs(pfn: number, refs: number, mode: FollMode): void {
    this.m.within(mode === 'FOLL_PIN' ? this.counting.putFn() : 'put_page', () => {
      if (mode === 'FOLL_PIN') this.counting.unpin(pfn, refs);
      else for (let k = 0; k < refs; k++) this.counting.putPage(pfn);
      const h = this.store.head(pfn);
      this.m.emit({ kind: 'page.release', pfn, how: `${this.counting.putFn()} (rollback)`, refcount: this.store.refcount[h], pincount: this.store.pincount[h], dirty: false }, 'instruction');
    });
  }

  warn(message: string, ref: string): void {
    this.m.emit({ kind: 'warn', message, ref }, 'instruction');
  }

  /** Describe a call for logs: "pin_user_pages(0x1000, 4, FOLL_WRITE)". */
  static describe(api: string, start: bigint, nr: number, flags: ReadonlySet<string>): string {
    return `${api}(0x${start.toString(16)}, ${nr}, ${follString(flags)})`;
  }
}

export { vaddrOf, vpnOf };
