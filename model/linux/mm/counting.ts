/**
 * Reference counting of FOLL_GET / FOLL_PIN by era (gup §3): the grab and put rules (§3.1),
 * where the exact counter lives (§3.2), `page_maybe_dma_pinned()` (§3.3), the try_grab refusal
 * on overflow (§3.4) and what a wrong release does (§3.5). Everything lands on the folio head.
 */
import type { Machine } from '../../engine/machine';
import type { GupEra, KernelFeatures } from '../../kernel/version';
import { PG_FREED, PG_ZERO, type PageStore } from './pageStore';
import type { Vmstat } from './vmstat';

/** GUP_PIN_COUNTING_BIAS (gup §0.2). */
export const GUP_PIN_COUNTING_BIAS = 1024;

export type FollMode = 'FOLL_GET' | 'FOLL_PIN';
export type GrabPath = 'slow' | 'fast';
export type GrabResult = 'ok' | 'refused' | 'zero-noop';

const ERA_RANK: Record<GupEra, number> = { E0: 0, E1: 1, E2: 2, E3: 3, E4: 4, E5: 5 };
export const eraAtLeast = (f: KernelFeatures, e: GupEra): boolean => ERA_RANK[f.gupEra] >= ERA_RANK[e];

/** Journaled counter of outstanding pins in E1 (no vmstat there; gup §1). */
export interface PinTally {
  e1Pins: number;
}

/**
 * Model bookkeeping for checks, not kernel state (model/linux/mm/invariants.ts): logical pins and
 * GUP references per folio head, heads where a wrong release was modelled (gup §3.5), refcount
 * overrides made by the `set_refcount` hook, and pins added without vmstat (folio_add_pin).
 * `pins`/`gets` are only kept when `enable()` was called (tests): they cost a journal entry a grab.
 */
export class PinShadow {
  enabled = false;
  readonly pins = new Map<number, number>();
  readonly gets = new Map<number, number>();
  /** head → why: set whenever a release without a matching acquire was modelled. */
  readonly wrong = new Map<number, string>();
  /** head → sum of refcount changes made by test hooks. */
  readonly override = new Map<number, number>();
  readonly tally = { unaccountedPins: 0 };
}

export class Counting {
  readonly tally: PinTally = { e1Pins: 0 };
  readonly shadow = new PinShadow();

  constructor(
    private readonly m: Machine,
    private readonly store: PageStore,
    readonly features: KernelFeatures,
    private readonly vmstat: Vmstat,
    /** E5 32-bit moves `_pincount` to page[2] (gup §0.1, ML-32). Journaled (Mm.setBits). */
    public bits: 32 | 64 = 64,
  ) {
    this.exact64 = Uint8Array.from({ length: 64 }, (_, o) => (Counting.hasPincountRule(features.gupEra, 64, o) ? 1 : 0));
    this.exact32 = Uint8Array.from({ length: 64 }, (_, o) => (Counting.hasPincountRule(features.gupEra, 32, o) ? 1 : 0));
  }

  /** Does a folio of this order have an exact pin counter (gup §3.2)? */
  hasPincount(order: number): boolean {
    // the rule below, tabulated per order for both word sizes: asked for every page pinned or unpinned
    return (this.bits === 64 ? this.exact64 : this.exact32)[order] === 1;
  }

  /** hasPincountRule per order (0–63) with 64-bit and 32-bit words. */
  private readonly exact64: Uint8Array;
  private readonly exact32: Uint8Array;

  /** gup §3.2 by era (E5: per word size, ML-32). */
  private static hasPincountRule(era: GupEra, bits: 32 | 64, order: number): boolean {
    switch (era) {
      case 'E0':
      case 'E1':
        return false;
      case 'E2':
        return order >= 2;
      case 'E3':
      case 'E4':
        return order >= 1;
      case 'E5':
        return bits === 64 ? order >= 1 : order >= 2;
    }
  }

  /** Which struct page of the folio holds the exact counter (gup §3.2), undefined = none. */
  pincountPage(order: number): 1 | 2 | undefined {
    if (!this.hasPincount(order)) return undefined;
    const e = this.features.gupEra;
    return e === 'E2' || (e === 'E5' && this.bits === 32) ? 2 : 1;
  }

  /** Name of the exact counter field in this era (for views and tooltips). */
  pincountField(): string {
    switch (this.features.gupEra) {
      case 'E2': return 'hpage_pinned_refcount';
      case 'E3': return 'compound_pincount';
      case 'E4':
      case 'E5': return '_pincount';
      default: return '';
    }
  }

  /** The gup §3.1 row a grab of `refs` on the folio of `pfn` applies (the debugger's page-grab scope). */
  grabRule(pfn: number, refs: number, mode: FollMode): string {
    const h = this.store.head(pfn);
    const f = this.features;
    const order = this.store.order[h];
    // which row applies (0–4), and the texts are kept per row, order and refs: a GUP call repeats
    // one row for every page, and the event then shares one string instead of building one a page
    const row = mode === 'FOLL_GET' ? 0 : !f.pinTracking ? 1 : f.zeroPageNotPinned && this.isZero(h) ? 2 : this.hasPincount(order) ? 3 : 4;
    const key = ((refs * 32 + order) * 8 + row) * 2 + (this.bits === 64 ? 1 : 0);
    // a GUP call asks for the same row page after page: the last answer first, then the map
    if (key === this.lastRuleKey) return this.lastRuleText;
    let text = this.ruleText.get(key);
    if (text === undefined) {
      switch (row) {
        case 0: text = `FOLL_GET: refcount +${refs} on the head page (gup §3.1)`; break;
        case 1: text = `FOLL_PIN in ${f.gupEra}: a plain reference, refcount +${refs}, no bias (gup §3.1)`; break;
        case 2: text = 'FOLL_PIN on the shared zero page (6.5+): nothing counted (gup §3.1)'; break;
        case 3: text = `FOLL_PIN on a large folio (order ${order}): refcount +${refs}, ${this.pincountField()} +${refs} (gup §3.1, §3.2)`; break;
        default: text = `FOLL_PIN on a small page: refcount +${refs} × GUP_PIN_COUNTING_BIAS (${GUP_PIN_COUNTING_BIAS}) (gup §3.1)`;
      }
      this.ruleText.set(key, text);
    }
    this.lastRuleKey = key;
    this.lastRuleText = text;
    return text;
  }

  /** grabRule's last key and text (a cache of a pure string, not state). */
  private lastRuleKey = -1;
  private lastRuleText = '';

  /** grabRule's texts by (refs, order, row, bits); not state (a cache of pure strings). */
  private readonly ruleText = new Map<number, string>();

  /** Real name of the grab helper for this path and era (the debugger's call stack). */
  grabFn(path: GrabPath): string {
    const e = this.features.gupEra;
    if (path === 'slow') return e === 'E1' ? 'try_get_page' : eraAtLeast(this.features, 'E4') ? 'try_grab_folio' : 'try_grab_page';
    // [unverified: chosen] fast-path helper names per era (E2 try_grab_compound_head per GUP-E2; E4 try_grab_folio_fast per GUP-E4).
    if (e === 'E1') return 'try_get_compound_head';
    if (e === 'E2') return 'try_grab_compound_head';
    if (e === 'E3') return 'try_grab_folio';
    return 'try_grab_folio_fast';
  }

  /** Real name of the put helper used by unpin (gup §3.5 `gup_put_folio`). */
  putFn(): string {
    const e = this.features.gupEra;
    if (e === 'E0' || e === 'E1') return 'put_page';
    if (e === 'E2') return 'put_compound_head'; // [unverified: chosen] E2 unpin path name
    return 'gup_put_folio';
  }

  isZero(pfn: number): boolean {
    return this.store.has(this.store.head(pfn), PG_ZERO);
  }

  /**
   * Take `refs` references of kind `mode` on the folio of `pfn` (gup §3.1, §3.4).
   * Slow path refuses when refcount ≤ 0 (WARN, caller returns −ENOMEM); fast path refuses when
   * refcount ≤ 0 (< 0 with a WARN), and the caller falls back to the slow path.
   */
  grab(pfn: number, refs: number, mode: FollMode, path: GrabPath): GrabResult {
    const s = this.store;
    const h = s.head(pfn);
    const ref = s.refcount[h];
    if (ref <= 0) {
      if (path === 'slow' || ref < 0) {
        this.m.emit({ kind: 'warn', message: `${this.grabFn(path)}: refcount ${ref} ≤ 0 on pfn 0x${h.toString(16)}, refusing the grab`, ref: 'gup §3.4' }, 'instruction');
      }
      return 'refused';
    }
    const f = this.features;
    if (mode === 'FOLL_GET' || !f.pinTracking) {
      // FOLL_GET; and E1, where a pin is a plain reference (gup §3.1 E1 column).
      s.setRef(h, ref + refs);
      if (mode === 'FOLL_PIN' && f.gupEra === 'E1') this.m.journal.set(this.tally, 'e1Pins', this.tally.e1Pins + refs);
      if (this.shadow.enabled) this.bump(mode === 'FOLL_PIN' ? this.shadow.pins : this.shadow.gets, h, refs);
      return 'ok';
    }
    if (f.zeroPageNotPinned && this.isZero(h)) return 'zero-noop'; // gup §3.1: 6.5+ zero page never pinned
    if (this.shadow.enabled) this.bump(this.shadow.pins, h, refs);
    if (this.hasPincount(s.order[h])) {
      s.setRef(h, ref + refs);
      s.setPin(h, s.pincount[h] + refs);
    } else {
      s.setRef(h, ref + refs * GUP_PIN_COUNTING_BIAS);
    }
    this.vmstat.acquired(refs);
    return 'ok';
  }

  /** Drop `refs` pins of the folio of `pfn` (gup_put_folio; gup §3.1 unpin rows, §3.5). */
  unpin(pfn: number, refs: number): void {
    const s = this.store;
    const h = s.head(pfn);
    const f = this.features;
    const zeroNoop = f.zeroPageNotPinned && this.isZero(h);
    if (!zeroNoop) this.checkRelease(h, refs, 'FOLL_PIN');
    if (!f.pinTracking) {
      // E1: unpin_user_page() is put_page() (gup §1 correction).
      for (let i = 0; i < refs; i++) this.putRef(h, 1);
      if (f.gupEra === 'E1') this.m.journal.set(this.tally, 'e1Pins', this.tally.e1Pins - refs);
      return;
    }
    if (zeroNoop) return; // gup §3.5: zero page (6.5+): nothing
    if (this.hasPincount(s.order[h])) {
      s.setPin(h, s.pincount[h] - refs);
      this.putRef(h, refs);
    } else {
      this.putRef(h, refs * GUP_PIN_COUNTING_BIAS);
    }
    this.vmstat.released(refs);
  }

  /** put_page(): exactly one reference (gup §2.1, §3.5 wrong release). */
  putPage(pfn: number): void {
    const h = this.store.head(pfn);
    this.checkRelease(h, 1, 'FOLL_GET');
    this.putRef(h, 1);
  }

  /** Pins added outside the grab helpers (folio_add_pin[s]): no vmstat (gup §4). */
  shadowAdd(h: number, n: number): void {
    this.m.journal.set(this.shadow.tally, 'unaccountedPins', this.shadow.tally.unaccountedPins + n);
    if (this.shadow.enabled) this.bump(this.shadow.pins, h, n);
  }

  /** Plain references taken outside GUP (get_page / folio_get): counted with the GUP references for checks. */
  noteGets(h: number, n: number): void {
    if (this.shadow.enabled) this.bump(this.shadow.gets, h, n);
  }

  /** Refcount changed by a test hook (set_refcount): the new baseline for checks. */
  noteOverride(h: number, delta: number): void {
    this.bump(this.shadow.override, h, delta);
  }

  private bump(map: Map<number, number>, h: number, n: number): void {
    this.m.journal.mapSet(map, h, (map.get(h) ?? 0) + n);
  }

  /**
   * Is this release matched by an acquire? The kernel never checks (gup §3.5); the model flags
   * the folio and warns so the user can break on it. With the shadow on, the check is exact; without
   * it, only releases that drive a counter negative are caught.
   */
  private checkRelease(h: number, refs: number, mode: FollMode): void {
    const s = this.store;
    const sh = this.shadow;
    let why: string | undefined;
    if (sh.enabled) {
      const map = mode === 'FOLL_PIN' ? sh.pins : sh.gets;
      const have = map.get(h) ?? 0;
      if (have < refs) {
        why = mode === 'FOLL_PIN'
          ? `unpin of ${refs} pin(s) but ${have} held`
          : (sh.pins.get(h) ?? 0) > 0 ? 'put_page() on a page held by FOLL_PIN (should be unpin_user_page)' : 'put_page() without a GUP reference';
      }
      this.bump(map, h, -refs);
    } else if (mode === 'FOLL_PIN') {
      const exact = this.features.pinTracking && this.hasPincount(s.order[h]);
      if (exact ? s.pincount[h] < refs : s.refcount[h] - refs * (this.features.pinTracking ? GUP_PIN_COUNTING_BIAS : 1) < 0) why = 'unpin of a folio that holds no pin';
    } else if (s.refcount[h] < 1) why = 'put_page() on a folio with refcount ≤ 0';
    if (!why) return;
    if (!sh.wrong.has(h)) this.m.journal.mapSet(sh.wrong, h, why);
    this.m.emit({ kind: 'warn', message: `[model] wrong release on pfn 0x${h.toString(16)}: ${why}; the kernel does not check (refcount ${s.refcount[h]}${this.hasPincount(s.order[h]) ? `, pincount ${s.pincount[h]}` : ''} before)`, ref: 'gup §3.5', note: true }, 'instruction');
  }

  /** Subtract from the head's refcount; reaching the free value frees the folio. */
  private putRef(h: number, n: number): void {
    const s = this.store;
    const before = s.refcount[h];
    s.setRef(h, before - n);
    const after = s.refcount[h];
    if (after === 0 && before > 0) {
      s.setFlag(h, PG_FREED, true);
      if (s.pincount[h] !== 0) {
        this.m.emit({ kind: 'warn', message: `BUG: Bad page state pfn 0x${h.toString(16)}: nonzero pincount ${s.pincount[h]}`, ref: 'gup §3.2, §3.5' }, 'instruction');
      }
    }
  }

  /** page_maybe_dma_pinned() / folio_maybe_dma_pinned() (gup §3.3); false in E0/E1 (no such function). */
  maybeDmaPinned(pfn: number): boolean {
    if (!this.features.pinTracking) return false;
    const s = this.store;
    const h = s.head(pfn);
    if (this.hasPincount(s.order[h])) return s.pincount[h] > 0;
    return s.refcount[h] >>> 0 >= GUP_PIN_COUNTING_BIAS;
  }
}
