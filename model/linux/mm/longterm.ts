/**
 * FOLL_LONGTERM rules (gup §5): which folios may be long-term pinned, the fs-dax refusal (after
 * pinning before ≈5.13, per VMA from ≈5.13), the 6.5 refusal of writable long-term pins of
 * dirty-tracked file mappings, and the migrate-and-retry loop of `__gup_longterm_locked`.
 */
import type { Machine } from '../../engine/machine';
import { type StepProgress, type Steps } from '../../engine/steps';
import type { KernelFeatures } from '../../kernel/version';
import { atLeast } from '../../kernel/version';
import type { Counting, FollMode } from './counting';
import { ERRNO } from './errno';
import { FOLL_BIT, type FollBits } from './foll';
import { PG_DIRTY, PG_FREED, PG_ZERO, ZONE_INDEX, type PageStore } from './pageStore';
import { AddressSpaces, type Vma } from './vma';
import type { PageList } from './pageList';

export class Longterm {
  /** Test hook: make the next migrations fail (e.g. an extra reference held elsewhere). */
  readonly knobs = { failMigration: false };

  /** 6.5+: the dirty-tracked file refusals (fileWriteRefused, fastFileRefused). */
  private readonly fileRefusalEra: boolean;
  /** ≈5.13+: ZONE_MOVABLE is not long-term pinnable (pinnable). */
  private readonly movableUnpinnable: boolean;

  constructor(
    private readonly m: Machine,
    private readonly f: KernelFeatures,
    private readonly store: PageStore,
    private readonly spaces: AddressSpaces,
    private readonly counting: Counting,
  ) {
    this.fileRefusalEra = atLeast(f.version, 6, 5);
    this.movableUnpinnable = atLeast(f.version, 5, 13);
    this.unpinnableZones = (1 << ZONE_INDEX.cma) | (this.movableUnpinnable ? 1 << ZONE_INDEX.movable : 0);
  }

  /** The zones `pinnable` refuses, as PageStore.zonesSeen bits. */
  private readonly unpinnableZones: number;

  /** ≈5.13+: fs-dax refused per VMA before pinning (check_vma_flags); before: check_dax_vmas after pinning. */
  daxCheckedBeforePin(): boolean {
    return atLeast(this.f.version, 5, 13);
  }

  /** ≈5.13+: the fast walk gives back folios that are not long-term pinnable. */
  fastChecksPinnable(): boolean {
    return atLeast(this.f.version, 5, 13);
  }

  /** 6.5+: FOLL_LONGTERM|FOLL_WRITE on a file mapping needing dirty tracking (slow path, check_vma_flags). */
  fileWriteRefused(v: Vma, flags: FollBits): boolean {
    if (!this.fileRefusalEra || !(flags & FOLL_BIT.FOLL_LONGTERM)) return false;
    // [unverified: chosen] 'file' VMAs are MAP_SHARED mappings of a filesystem that needs dirty tracking; fs-dax too.
    return v.kind === 'file' || v.kind === 'dax';
  }

  /** 6.5+ gup_fast_folio_allowed(): FOLL_PIN|FOLL_LONGTERM|FOLL_WRITE only for anon, shmem, hugetlb folios. */
  fastFileRefused(pfn: number, flags: FollBits): boolean {
    if (!this.fileRefusalEra) return false;
    const all = FOLL_BIT.FOLL_PIN | FOLL_BIT.FOLL_LONGTERM | FOLL_BIT.FOLL_WRITE;
    if ((flags & all) !== all) return false;
    return this.store.kindIs(pfn, 'file') || this.store.kindIs(pfn, 'dax');
  }

  /** folio_is_longterm_pinnable() / is_pinnable_page(): CMA (all eras), ZONE_MOVABLE (≈5.13+); zero page exempt. */
  pinnable(pfn: number): boolean {
    const s = this.store;
    const h = s.head(pfn); // once: a 1 GiB long-term pin asks this for every page (issue 12)
    if (s.flags[h] & PG_ZERO) return true;
    const zone = s.zone[h];
    if (zone === ZONE_INDEX.cma) return false; // [unverified: chosen] CMA migration applies from E1 (check_and_migrate_cma_pages, 5.1)
    if (zone === ZONE_INDEX.movable) return !this.movableUnpinnable;
    return true;
  }

  /** Zone a fault may allocate from inside a long-term call (memalloc_pin_save / memalloc_nocma_save). */
  allocZone(vmaZone: Vma['zone']): Vma['zone'] {
    if (vmaZone === 'cma') return 'normal';
    if (vmaZone === 'movable' && atLeast(this.f.version, 5, 13)) return 'normal';
    return vmaZone;
  }

  /**
   * The long-term loop: pin (run), then fs-dax check (pre-5.13) and check_and_migrate_movable_pages;
   * on unpinnable folios unpin all, migrate, and retry (gup §5 "migrate-and-retry algorithm").
   * The one-shot driver: each pass is a plain call inside the scope of this long-term call (no
   * generators: issue 12, a one-page pin was ~5 of them); pinPasses drives the same passes resumably.
   */
  pinLoop(base: number, out: PageList, mode: FollMode, run: () => number): number {
    const prevScope = this.spaces.allocScope.longterm;
    this.spaces.allocScope.longterm = this;
    try {
      for (let pass = 0; ; pass++) {
        const r = this.afterPass(base, out, mode, run(), pass);
        if (r !== undefined) return r;
      }
    } finally {
      this.spaces.allocScope.longterm = prevScope;
    }
  }

  /**
   * `pinLoop` as resumable work (issue 13): each pass is the resumable GUP walk `run`; the
   * allocation scope is that of this long-term call while it runs and restored when it yields.
   */
  pinLoopSteps(base: number, out: PageList, mode: FollMode, run: () => Steps<number>): Steps<number> {
    return this.inScope(this.pinPasses(base, out, mode, run));
  }

  private *pinPasses(base: number, out: PageList, mode: FollMode, run: () => Steps<number>): Steps<number> {
    for (let pass = 0; ; pass++) {
      const r = this.afterPass(base, out, mode, yield* run(), pass);
      if (r !== undefined) return r;
    }
  }

  /**
   * What follows pass `pass` that returned `rc` (gup §5): the call's result, or undefined when the
   * unpinnable folios were migrated and the pass is retried. The rules of both drivers (pinLoop,
   * pinPasses) are here, once.
   */
  private afterPass(base: number, out: PageList, mode: FollMode, rc: number, pass: number): number | undefined {
    if (rc <= 0) return rc;
    if (!this.daxCheckedBeforePin() && this.anyDax(out, base, rc)) {
      const got = out.slice(base, base + rc);
      // gup §5: put_page() on FOLL_PIN pins leaks 1023 refs only where pins are biased (5.7–5.10); in E1 unpin is put_page.
      this.m.within('check_dax_vmas', () => this.dropAll(got, mode, this.f.pinTracking && !atLeast(this.f.version, 5, 11)));
      out.truncate(base);
      return -ERRNO.EOPNOTSUPP;
    }
    const bad = this.unpinnableHeads(out, base, rc);
    if (bad.length === 0) return rc;
    const got = out.slice(base, base + rc);
    const r = this.m.within('check_and_migrate_movable_pages', () => {
      this.dropAll(got, mode, false);
      out.truncate(base);
      for (const h of bad) if (!this.migrate(h)) return -ERRNO.ENOMEM;
      return -ERRNO.EAGAIN;
    });
    if (r !== -ERRNO.EAGAIN) return r;
    if (pass > 8) throw new Error('mm model: long-term migrate loop did not converge');
    return undefined;
  }

  /**
   * The heads of the folios among out[base … base+n) that may not stay pinned long term, each once,
   * in the order first met (check_and_migrate_movable_pages' scan). A loop over the range in place:
   * a 1 GiB pin scanned a copy of its 262,144 PFNs through filter/map/Set (issue 12 profile).
   */
  private unpinnableHeads(out: PageList, base: number, n: number): number[] {
    // no slot of the model was ever in a zone `pinnable` refuses: the scan cannot find one (a 1 GiB
    // pin of ZONE_NORMAL pages skips a pass over its 262,144 PFNs, issue 12)
    if ((this.store.zonesSeen & this.unpinnableZones) === 0) return NO_HEADS;
    let heads: Set<number> | undefined;
    for (let i = base; i < base + n; i++) {
      const p = out.at(i);
      if (!this.pinnable(p)) (heads ??= new Set()).add(this.store.head(p));
    }
    return heads ? [...heads] : NO_HEADS;
  }

  /** Is any of out[base … base+n) an fs-dax page (the pre-5.13 check_dax_vmas)? */
  private anyDax(out: PageList, base: number, n: number): boolean {
    for (let i = base; i < base + n; i++) if (this.store.kindIs(out.at(i), 'dax')) return true;
    return false;
  }

  /** memalloc_pin_save() around each slice of `steps`: faults inside allocate as a long-term call. */
  private *inScope<T>(steps: Steps<T>): Steps<T> {
    for (;;) {
      const prevScope = this.spaces.allocScope.longterm;
      this.spaces.allocScope.longterm = this;
      let r: IteratorResult<StepProgress, T>;
      try {
        r = steps.next();
      } finally {
        this.spaces.allocScope.longterm = prevScope;
      }
      if (r.done) return r.value;
      yield r.value;
    }
  }

  /**
   * Drop every reference the pass took. `wrongPut` reproduces the 5.7–5.10 fs-dax error path that
   * released FOLL_PIN pins with put_page() (gup §5, ML-dax-fix): 1023 references leak per small page.
   */
  private dropAll(pages: number[], mode: FollMode, wrongPut: boolean): void {
    const fn = mode === 'FOLL_PIN' && !wrongPut && this.f.pinTracking ? 'unpin_user_pages' : 'put_page';
    this.m.within(fn, () => {
      for (const p of pages) {
        if (mode === 'FOLL_PIN' && !wrongPut) this.counting.unpin(p, 1);
        else this.counting.putPage(p);
        const h = this.store.head(p);
        this.m.emit({ kind: 'page.release', pfn: p, how: fn, refcount: this.store.refcount[h], pincount: this.store.pincount[h], dirty: this.store.has(h, PG_DIRTY) }, 'instruction');
      }
    });
  }

  /** migrate_pages(MIGRATE_SYNC, MR_LONGTERM_PIN) of one folio into ZONE_NORMAL; false on failure. */
  private migrate(h: number): boolean {
    return this.m.within('migrate_pages', () => {
      const s = this.store;
      const kind = s.kindOf(h);
      const idle = this.spaces.mappedIdleRef(h);
      if (this.knobs.failMigration || s.refcount[h] !== idle || kind === 'device') {
        this.m.emit({ kind: 'warn', message: `migrate_pages: pfn 0x${h.toString(16)} could not be migrated (refcount ${s.refcount[h]}, expected ${idle})`, ref: 'gup §5' }, 'instruction');
        return false;
      }
      const order = s.order[h];
      const n = 1 << order;
      const nh = s.alloc(order, kind, 'normal', s.refcount[h]);
      if (s.has(h, PG_DIRTY)) s.setFlag(nh, PG_DIRTY, true);
      for (let i = 0; i < n; i++) {
        const pid = s.ownerPid[h + i];
        if (pid !== 0) {
          const vpn = s.ownerVpn[h + i];
          this.spaces.remap(pid, vpn, h + i, nh + i);
          s.setOwner(nh + i, pid, vpn);
          s.setOwner(h + i, 0, 0); // no longer mapped
        }
      }
      s.setRef(h, 0);
      s.setFlag(h, PG_FREED, true);
      // fork / COW bookkeeping follows the folio
      const mr = this.spaces.mapRefs.get(h);
      if (mr !== undefined) { this.spaces.addMapRefs(h, -mr); this.spaces.addMapRefs(nh, mr); }
      const cs = this.spaces.cowShared.get(h);
      if (cs !== undefined) { this.m.journal.mapDelete(this.spaces.cowShared, h); this.m.journal.mapSet(this.spaces.cowShared, nh, cs); }
      this.m.emit({ kind: 'page.release', pfn: h, how: `migrated to pfn 0x${nh.toString(16)}`, refcount: 0, pincount: s.pincount[h], dirty: s.has(h, PG_DIRTY) }, 'instruction');
      return true;
    });
  }
}

/** No unpinnable folio (shared and frozen: callers only read it; no array per pass, issue 12). */
const NO_HEADS: number[] = Object.freeze([]) as unknown as number[];
