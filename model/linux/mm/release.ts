/**
 * Release APIs (gup §2.1 bottom rows, §3.5, §6): put_page, unpin_user_page, unpin_user_pages,
 * unpin_user_pages_dirty_lock. No unpin path checks that a pin exists (§3.5): releasing the
 * wrong way is modelled, not refused.
 */
import type { Machine } from '../../engine/machine';
import { doneSteps, SLICE_UNITS, withinSteps, type Steps } from '../../engine/steps';
import type { KernelFeatures } from '../../kernel/version';
import { atLeast } from '../../kernel/version';
import { apiExists, RELEASE_APIS } from './apis';
import { eraAtLeast, type Counting } from './counting';
import { PG_DIRTY, type PageStore } from './pageStore';
import { PAGE_RELEASE_ID, pageReleaseWords } from '../../engine/eventCodec';

/** Scratch for one event's codec words (eventCodec.ts), consumed by emitWords at once; not model state. */
const EVENT_WORDS = new Int32Array(8);

export class Releaser {
  /** gup §7: 5.7–≈5.11 unpin_user_page() had a devmap branch (put_devmap_managed_page). */
  private readonly devmapBranch: boolean;

  constructor(
    private readonly m: Machine,
    private readonly f: KernelFeatures,
    private readonly store: PageStore,
    private readonly counting: Counting,
  ) {
    this.devmapBranch = atLeast(f.version, 5, 7) && !atLeast(f.version, 5, 12);
    this.putFnName = counting.putFn();
  }

  /** The era's put helper (gup §3.5 gup_put_folio), asked once, not per page. */
  private readonly putFnName: string;

  /** The last release API found to exist in this kernel (releaseChecks). */
  private lastApi: string | undefined = undefined;

  /**
   * The one-shot path: releaseSteps' checks, then its slices (releaseSlice) one after the other in
   * the API's frame, as plain calls (issue 12: no generator per release; vfio-ccw's put_pfn
   * releases one page per call, several per I/O).
   */
  release(api: string, pages: readonly number[], makeDirty = false, n?: number): void {
    const count = this.releaseChecks(api, pages, makeDirty, n);
    if (count === undefined) return;
    const mark = this.m.enter(api);
    try {
      let i = 0;
      do i = this.releaseSlice(api, pages, count, makeDirty, i); while (i < count);
    } finally {
      this.m.leave(mark);
    }
  }

  /**
   * `release` as resumable work (issue 13): put_page and unpin_user_pages(_dirty_lock) yield every
   * SLICE_UNITS pages, between two folio runs; the arguments are checked before any page is put.
   * A plain function returning the body (not a generator of its own, issue 12): the checks run
   * when it is called, which is when callers start the work.
   */
  releaseSteps(api: string, pages: readonly number[], makeDirty = false, n?: number): Steps<void> {
    const count = this.releaseChecks(api, pages, makeDirty, n);
    if (count === undefined) return doneSteps(undefined);
    return withinSteps(this.m, api, this.releaseBody(api, pages, count, makeDirty));
  }

  /**
   * The checks both drivers make before any page is put: the API exists in this kernel, the count,
   * every PFN. Returns the count of entries to release, or undefined when the call was a range or
   * folio API (done here, it has no slices).
   */
  private releaseChecks(api: string, pages: readonly number[], makeDirty: boolean, n: number | undefined): number | undefined {
    if (api !== this.lastApi) {
      const spec = RELEASE_APIS.get(api);
      if (!spec) throw new Error(`unknown release API '${api}' (one of ${[...RELEASE_APIS.keys()].join(', ')})`);
      if (!apiExists(spec, this.f.version)) {
        throw new Error(`${api} does not exist in Linux ${this.f.version.major}.${this.f.version.minor} (added in ${spec.since})`);
      }
      // it exists in this kernel, which never changes: the same name next time needs no lookup
      this.lastApi = api;
    }
    if (api === 'unpin_user_page_range_dirty_lock' || api === 'unpin_user_folio') {
      this.rangeOrFolio(api, pages, makeDirty, n);
      return undefined;
    }
    const count = n ?? pages.length;
    if (!Number.isInteger(count)) throw new Error(`${api}: page count must be an integer, got ${count}`);
    if (count > pages.length) throw new Error(`${api}: ${count} pages requested but the array holds ${pages.length}`);
    const s = this.store;
    for (let i = 0; i < count; i++) {
      const p = pages[i];
      if (p >= 0 && !s.valid(p)) throw new Error(`${api}: pfn ${p} is not a page of the model`);
    }
    return count;
  }

  private *releaseBody(api: string, pages: readonly number[], count: number, makeDirty: boolean): Steps<void> {
    let i = 0;
    for (;;) {
      i = this.releaseSlice(api, pages, count, makeDirty, i);
      if (i >= count) return;
      yield { done: i, total: count };
    }
  }

  /**
   * Entries from … of the release, up to a slice's end (put_page, unpin_user_pages(_dirty_lock):
   * SLICE_UNITS pages, a folio run may go past it; the single-page APIs: all of them). Returns the
   * next index (≥ count when done; a negative count is done at once). The rules of both drivers.
   */
  private releaseSlice(api: string, pages: readonly number[], count: number, makeDirty: boolean, from: number): number {
    switch (api) {
      case 'put_page': {
        const until = Math.min(count, from + SLICE_UNITS);
        const taken = this.m.listens('page.release');
        let i = from;
        for (; i < until; i++) if (pages[i] >= 0) this.putPage(pages[i], taken);
        return i;
      }
      case 'unpin_user_pages':
      case 'unpin_folios':
        return this.unpinManySlice(api, pages, count, false, from);
      case 'unpin_user_pages_dirty_lock':
        return this.unpinManySlice(api, pages, count, makeDirty, from);
      case 'unpin_user_page':
      case 'unpin_folio':
        for (let i = from; i < count; i++) if (pages[i] >= 0) this.unpinRun(pages[i], 1, false, api);
        return Math.max(count, from);
      default:
        throw new Error(`mm model: release API '${api}' has no page loop`);
    }
  }

  /**
   * unpin_user_page_range_dirty_lock(page, n, dirty): n consecutive PFNs from pages[0], one run per
   * folio (gup §6); unpin_user_folio(folio, n): n pins of one folio (default 1).
   */
  private rangeOrFolio(api: string, pages: readonly number[], makeDirty: boolean, n: number | undefined): void {
    const first = pages[0];
    if (first === undefined || !this.store.valid(first)) throw new Error(`${api}: needs a valid first page`);
    const count = n ?? (api === 'unpin_user_folio' ? 1 : pages.length);
    if (!Number.isInteger(count) || count < 0) throw new Error(`${api}: count must be a non-negative integer, got ${count}`);
    this.m.within(api, () => {
      if (api === 'unpin_user_folio') {
        if (count > 0) this.unpinRun(first, count, false, api);
        return;
      }
      for (let i = 0; i < count; ) {
        const p = first + i;
        if (!this.store.valid(p)) throw new Error(`${api}: pfn ${p} is not a page of the model`);
        const h = this.store.head(p);
        const run = Math.min((1 << this.store.order[h]) - (p - h), count - i);
        this.unpinRun(p, run, makeDirty, api);
        i += run;
      }
    });
  }

  private putPage(pfn: number, taken: boolean): void {
    this.counting.putPage(pfn);
    if (taken) this.event(pfn, 'put_page');
    else this.m.unheard();
  }

  /** unpin_user_pages() / unpin_user_pages_dirty_lock(): runs of one folio batched from ≈5.12 (gup §2.1). One slice from `from`. */
  private unpinManySlice(api: string, pages: readonly number[], n: number, makeDirty: boolean, from: number): number {
    if (n < 0) {
      // gup §3.5 / §2.1: WARN and no-op when n is a negative errno (E2+).
      // [unverified: chosen] E1 (5.6) had no such check (n is unsigned); the model warns the same way.
      this.m.emit({ kind: 'warn', message: `${api}: npages is a negative errno (${n}); nothing released`, ref: 'gup §3.5' }, 'instruction');
      return from;
    }
    return this.unpinManyRun(api, pages, n, makeDirty, from, Math.min(n, from + SLICE_UNITS));
  }

  /** Entries i … until−1 of unpinMany (a folio run may go past `until`); returns the next index. */
  private unpinManyRun(api: string, pages: readonly number[], n: number, makeDirty: boolean, from: number, until: number): number {
    const batch = atLeast(this.f.version, 5, 12);
    const skipNull = atLeast(this.f.version, 6, 11); // [unverified: chosen ≈6.11] NULL entries skipped
    // asked once per slice: with nobody taking page.release (a lean run), no event is built per run
    const taken = this.m.listens('page.release');
    const s = this.store;
    let i = from;
    // the head of pages[i] when the previous run's scan already found it (each page's head once)
    let hAt = -1;
    let hNext = 0;
    while (i < until) {
      const p = pages[i];
      if (p < 0) {
        if (!skipNull) {
          this.m.emit({ kind: 'warn', message: `${api}: NULL page at index ${i} (would oops before ≈6.11); skipped`, ref: 'gup §2.1' }, 'instruction');
        }
        i++;
        continue;
      }
      let run = 1;
      if (batch) {
        const h = hAt === i ? hNext : s.head(p);
        for (;;) {
          if (i + run >= n || pages[i + run] < 0) break;
          const hn = s.head(pages[i + run]);
          if (hn !== h) {
            hAt = i + run;
            hNext = hn;
            break;
          }
          run++;
        }
      }
      this.unpinRun(p, run, makeDirty, api, taken);
      i += run;
    }
    return i;
  }

  /**
   * Dirty (if asked and not already dirty), then drop `refs` pins of the folio of `pfn` (gup §6).
   * `taken`: someone takes page.release (machine.listens; the page loop asks once per slice).
   */
  private unpinRun(pfn: number, refs: number, makeDirty: boolean, api: string, taken = this.m.listens('page.release')): void {
    const s = this.store;
    const h = s.head(pfn);
    if (makeDirty && !s.has(h, PG_DIRTY)) this.markDirty(h);
    // gup §7: 5.7–≈5.11 unpin_user_page() had a devmap branch (put_devmap_managed_page); same counts.
    const devmap = this.devmapBranch && s.zoneIs(pfn, 'device');
    // the frame entered and left by hand around a plain call: no closure, no argument record (issue 12);
    // a lean machine pushes no frames (Machine.isLean, as withinSteps): the unpin alone
    if (this.m.isLean) return this.unpinIn(pfn, refs, api, taken);
    const mark = this.m.enter(devmap ? 'put_devmap_managed_page' : this.putFnName);
    try {
      this.unpinIn(pfn, refs, api, taken);
    } finally {
      this.m.leave(mark);
    }
  }

  /**
   * Dirty the folio of head `h` (gup §6). A method, not a closure in unpinRun: a closure there
   * would make each call's scope a heap context.
   * [unverified: chosen] E1/E2 set_page_dirty_lock(head); E3+ folio_lock + folio_mark_dirty (named folio_mark_dirty_lock here).
   */
  private markDirty(h: number): void {
    this.m.within(eraAtLeast(this.f, 'E3') ? 'folio_mark_dirty_lock' : 'set_page_dirty_lock', () => this.store.setFlag(h, PG_DIRTY, true));
  }

  /** Drop the pins (counting.ts, gup §3.1, §3.5) and tell page.release, inside unpinRun's frame. */
  private unpinIn(pfn: number, refs: number, api: string, taken: boolean): void {
    this.counting.unpin(pfn, refs);
    if (taken) this.event(pfn, refs > 1 ? `${api} (${refs} pins of one folio)` : api);
    else this.m.unheard();
  }

  /** The event { kind: 'page.release', pfn, how, refcount, pincount, dirty }, as its codec words. */
  private event(pfn: number, how: string): void {
    const s = this.store;
    const h = s.head(pfn);
    pageReleaseWords(EVENT_WORDS, this.m.records.strings, pfn, how, s.refcount[h], s.pincount[h], s.has(h, PG_DIRTY));
    this.m.emitWords(PAGE_RELEASE_ID, 'page.release', EVENT_WORDS, 'instruction');
  }
}
