/**
 * The GUP core: the slow path (`__gup_longterm_locked` → `__get_user_pages_locked` →
 * `__get_user_pages`, with `check_vma_flags`, `follow_page_mask` and `faultin_page`), the
 * lockless fast walk (`gup_fast`) and the wrappers' return conventions (gup §2.1, §2.4).
 */
import type { Machine } from '../../engine/machine';
import type { KernelFeatures } from '../../kernel/version';
import { atLeast } from '../../kernel/version';
import type { GupApiSpec } from './apis';
import { eraAtLeast, type Counting, type FollMode } from './counting';
import { ERRNO } from './errno';
import { follString } from './foll';
import type { Longterm } from './longterm';
import { PG_HWPOISON, PG_ZERO, type PageStore } from './pageStore';
import { fastPathChecks, type GupCallOptions } from './validate';
import { AddressSpaces, isAnonVma, isCow, noStructPages, PAGE_SIZE, vaddrOf, vpnOf, type Process, type Vma } from './vma';

export type PendingSignal = 'none' | 'fatal' | 'other';

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
  ) {}

  /** Run a validated call of `spec` with the effective `flags`; pages obtained are appended to `out`. */
  call(spec: GupApiSpec, p: Process, start: bigint, nr: number, flags: Set<string>, opts: GupCallOptions, out: number[]): number {
    if (spec.fast) return this.fastFallback(spec, p, start, nr, flags, out);
    if (nr === 0) return 0;
    this.markPinned(p, flags);
    return this.longtermLocked(p, start, nr, flags, !opts.pagesNull, out);
  }

  /** gup_fast_fallback() / internal_get_user_pages_fast(): fast walk, then the slow path for the rest. */
  private fastFallback(spec: GupApiSpec, p: Process, start: bigint, nr: number, flags: Set<string>, out: number[]): number {
    // [unverified: chosen] internal_get_user_pages_fast was renamed gup_fast_fallback in ≈6.9.
    const e4 = eraAtLeast(this.f, 'E4') && atLeast(this.f.version, 6, 9);
    return this.m.within(e4 ? 'gup_fast_fallback' : 'internal_get_user_pages_fast', () => {
      const chk = fastPathChecks(this.f, flags, start, nr, this.taskSizeMax);
      if (chk) {
        if (chk.warn) this.warn(chk.warn, 'gup §2.3');
        return spec.fastOnly && spec.pin ? Math.max(chk.ret, 0) : chk.ret;
      }
      this.markPinned(p, flags);
      if (nr === 0) return 0;
      const base = start & ~(PAGE_SIZE - 1n);
      const nrFast = this.m.within(e4 ? 'gup_fast' : 'gup_pgd_range', () => this.fastWalk(p, base, nr, flags, out));
      if (nrFast === nr || flags.has('FOLL_FAST_ONLY')) return nrFast;
      const slowFlags = new Set(flags);
      if (e4) slowFlags.add('FOLL_TOUCH');
      const ret = this.longtermLocked(p, base + BigInt(nrFast) * PAGE_SIZE, nr - nrFast, slowFlags, true, out);
      if (ret < 0) return nrFast ? nrFast : ret;
      return ret + nrFast;
    });
  }

  /** mm_set_has_pinned_flag() on entry of a FOLL_PIN walk (gup §3.3; ≈5.9+, modelled from 5.7). */
  private markPinned(p: Process, flags: ReadonlySet<string>): void {
    if (flags.has('FOLL_PIN') && this.f.pinTracking) this.spaces.setHasPinned(p);
  }

  /** __gup_longterm_locked(): FOLL_LONGTERM runs the migrate-and-retry loop (gup §5). */
  longtermLocked(p: Process, start: bigint, nr: number, flags: Set<string>, want: boolean, out: number[]): number {
    return this.m.within('__gup_longterm_locked', () => {
      if (!flags.has('FOLL_LONGTERM') || !want) return this.locked(p, start, nr, flags, want, out);
      const mode: FollMode = flags.has('FOLL_PIN') ? 'FOLL_PIN' : 'FOLL_GET';
      return this.longterm.pinLoop(out.length, out, mode, () => this.locked(p, start, nr, flags, want, out));
    });
  }

  /** __get_user_pages_locked(): adds FOLL_GET when a pages array is passed (E2+: unless FOLL_PIN). */
  private locked(p: Process, start: bigint, nr: number, flags: Set<string>, want: boolean, out: number[]): number {
    return this.m.within('__get_user_pages_locked', () => {
      const eff = new Set(flags);
      if (want && (this.f.gupEra === 'E1' || this.f.gupEra === 'E0' || !eff.has('FOLL_PIN'))) eff.add('FOLL_GET');
      return this.m.within('__get_user_pages', () => this.slow(p, start, nr, eff, want, out));
    });
  }

  /** check_vma_flags() (gup §2.4 errno catalogue, §5). Returns 0 or −errno. */
  checkVmaFlags(v: Vma, flags: ReadonlySet<string>): number {
    const write = flags.has('FOLL_WRITE');
    const force = flags.has('FOLL_FORCE');
    if (noStructPages(v)) return -ERRNO.EFAULT;
    if (flags.has('FOLL_ANON') && !isAnonVma(v)) return -ERRNO.EFAULT;
    if (flags.has('FOLL_LONGTERM') && v.kind === 'dax' && this.longterm.daxCheckedBeforePin()) return -ERRNO.EOPNOTSUPP;
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
  private follow(p: Process, v: Vma, vaddr: bigint, flags: ReadonlySet<string>): number | 'fault' {
    const pte = this.spaces.pte(p, vaddr);
    if (!pte) {
      // no_page_table(): FOLL_DUMP on a hole that would read as zeroes.
      if (flags.has('FOLL_DUMP') && isAnonVma(v)) return -ERRNO.EFAULT;
      return 'fault';
    }
    const s = this.store;
    const zero = s.has(pte.pfn, PG_ZERO);
    if (flags.has('FOLL_WRITE') && !pte.writable) {
      // can_follow_write_pte(): FOLL_FORCE may follow an exclusive anon page in a read-only private mapping.
      const forcedCow = flags.has('FOLL_FORCE') && isAnonVma(v) && !zero && !v.write;
      if (!forcedCow) return 'fault';
    }
    if (zero && flags.has('FOLL_DUMP')) return -ERRNO.EFAULT;
    if (s.has(pte.pfn, PG_HWPOISON)) return flags.has('FOLL_HWPOISON') ? -ERRNO.EHWPOISON : -ERRNO.EFAULT;
    return pte.pfn;
  }

  /** __get_user_pages(): the per-page loop; returns pages done, or −errno if none. */
  private slow(p: Process, start: bigint, nr: number, flags: Set<string>, want: boolean, out: number[]): number {
    const s = this.store;
    const mode: FollMode = flags.has('FOLL_PIN') ? 'FOLL_PIN' : 'FOLL_GET';
    const write = flags.has('FOLL_WRITE');
    let i = 0;
    let ret = 0;
    let v: Vma | undefined;
    outer: while (i < nr) {
      const vaddr = start + BigInt(i) * PAGE_SIZE;
      // gup §2.4 −EINTR: fatal signal pending (any signal with FOLL_INTERRUPTIBLE).
      // [unverified: chosen] both are checked at the top of each page, where E4 checks the fatal one.
      const sig = this.task.signal;
      if (sig === 'fatal' || (sig === 'other' && flags.has('FOLL_INTERRUPTIBLE'))) { ret = -ERRNO.EINTR; break; }
      if (!v || vaddr >= v.end || vaddr < v.start) {
        v = this.spaces.findVma(p, vaddr);
        if (!v) { ret = -ERRNO.EFAULT; break; }
        const e = this.checkVmaFlags(v, flags);
        if (e) { ret = e; break; }
      }
      const vma = v;
      let pfn = -1;
      for (let tries = 0; ; tries++) {
        const r = this.follow(p, vma, vaddr, flags);
        if (r !== 'fault') {
          if (r < 0) { ret = r; break outer; }
          pfn = r;
          break;
        }
        if (flags.has('FOLL_NOFAULT')) { ret = -ERRNO.EFAULT; break outer; }
        if (tries > 2) throw new Error(`mm model: fault at 0x${vaddr.toString(16)} did not make progress`);
        const fr = this.m.within('faultin_page', () => this.spaces.fault(p, vma, vaddr, write));
        if (!fr.ok) { ret = -fr.errno; break outer; }
      }
      const h = s.head(pfn);
      const order = s.order[h];
      let incr = 1;
      // E4 batches the rest of a PMD-mapped folio in one grab (gup §3.1 "slow path mechanics").
      if (AddressSpaces.pmdMapped(order) && eraAtLeast(this.f, 'E4')) incr = Math.min((1 << order) - (pfn - h), nr - i);
      if (want) {
        if (!this.grab(p, vaddr, pfn, 1, mode, 'slow')) { ret = -ERRNO.ENOMEM; break; }
        if (incr > 1 && !this.grab(p, vaddr + PAGE_SIZE, pfn + 1, incr - 1, mode, 'slow')) {
          this.dropRefs(pfn, 1, mode);
          ret = -ERRNO.EFAULT;
          break;
        }
        for (let j = 0; j < incr; j++) out.push(pfn + j);
      }
      i += incr;
    }
    if (i > 0) return i;
    if (ret === 0 && !flags.has('FOLL_NOWAIT')) {
      this.warn('__get_user_pages: no page and no error code', 'gup §2.4');
      return -ERRNO.EFAULT;
    }
    return ret;
  }

  /**
   * The lockless walk (gup_fast_pte_range / gup_fast_pmd_leaf): stops at the first PTE it cannot
   * take; everything after it is left to the slow path.
   */
  private fastWalk(p: Process, start: bigint, nr: number, flags: ReadonlySet<string>, out: number[]): number {
    const s = this.store;
    const mode: FollMode = flags.has('FOLL_PIN') ? 'FOLL_PIN' : 'FOLL_GET';
    const write = flags.has('FOLL_WRITE');
    const longterm = flags.has('FOLL_LONGTERM');
    let i = 0;
    while (i < nr) {
      const vaddr = start + BigInt(i) * PAGE_SIZE;
      const pte = this.spaces.pte(p, vaddr);
      if (!pte) break;
      const pfn = pte.pfn;
      if (s.has(pfn, PG_ZERO)) break; // pte_special
      if (write && !pte.writable) break; // pte_access_permitted
      const kind = s.kindOf(pfn);
      if (kind === 'dax' && longterm) break; // devmap + FOLL_LONGTERM
      const h = s.head(pfn);
      const order = s.order[h];
      const refs = AddressSpaces.pmdMapped(order) ? Math.min((1 << order) - (pfn - h), nr - i) : 1;
      // try_grab_folio_fast(): a folio that may not be long-term pinned is given back before any pin accounting (≈5.13+).
      if (longterm && mode === 'FOLL_PIN' && !this.longterm.pinnable(pfn) && this.longterm.fastChecksPinnable()) break;
      if (!this.grab(p, vaddr, pfn, refs, mode, 'fast')) break;
      // Checks made after the grab roll it back (counted acquired and released, gup §4 "rollbacks").
      const rollback =
        (kind === 'secretmem' && atLeast(this.f.version, 5, 14)) ||
        (mode === 'FOLL_PIN' && this.longterm.fastFileRefused(pfn, flags));
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
  grab(p: Process, vaddr: bigint, pfn: number, refs: number, mode: FollMode, path: 'slow' | 'fast'): boolean {
    return this.m.within(this.counting.grabFn(path), () => {
      const r = this.counting.grab(pfn, refs, mode, path);
      if (r === 'refused') return false;
      const h = this.store.head(pfn);
      this.m.emit(
        { kind: 'page.grab', pid: p.pid, vaddr, pfn, foll: mode, refcount: this.store.refcount[h], pincount: this.store.pincount[h] },
        'instruction',
      );
      return true;
    });
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
