/**
 * Invariants of the mm model, checked after every runner step in tests (issue #4). Needs the pin
 * shadow (`mm.counting.shadow.enabled = true` before the first page exists):
 *  - no negative refcount, pincount or shadow count unless a wrong release was modelled and flagged (gup §3.5);
 *  - acquired − released + pins added without vmstat (folio_add_pin) = pins held (gup §4 "balance"); E1: the tally;
 *  - per folio: refcount = idle + hook overrides + pins × (B on small pages from E2, else 1) + GUP references (gup §3.1),
 *    exact pincount = pins (gup §3.2), pincount ≤ refcount on large folios, no false negative of maybe_dma_pinned (gup §3.3);
 *  - locked_vm = accounted vfio_pfn nodes (gup §10.1), vfio_pfn.ref_count ≥ 1, pinned_vm ≥ 0.
 * Returns the violations (empty = fine).
 */
import { GUP_PIN_COUNTING_BIAS } from './counting';
import type { Mm } from './mm';
import { PG_FREED, PG_PRESENT, PG_TAIL } from './pageStore';

export function checkMmInvariants(mm: Mm): string[] {
  const out: string[] = [];
  const sh = mm.counting.shadow;
  const s = mm.pages;
  const f = mm.features;
  const hx = (n: number) => '0x' + n.toString(16);
  if (!sh.enabled) return ['pin shadow not enabled: set mm.counting.shadow.enabled before the first page'];
  let pins = 0;
  for (const [h, n] of sh.pins) {
    pins += n;
    if (n < 0 && !sh.wrong.has(h)) out.push(`pfn ${hx(h)}: ${n} pins held, no wrong release flagged`);
  }
  for (const [h, n] of sh.gets) if (n < 0 && !sh.wrong.has(h)) out.push(`pfn ${hx(h)}: ${n} GUP references held, no wrong release flagged`);
  const held = f.pinTracking
    ? mm.vmstat.nr_foll_pin_acquired - mm.vmstat.nr_foll_pin_released + sh.tally.unaccountedPins
    : f.gupEra === 'E1' ? mm.counting.tally.e1Pins + sh.tally.unaccountedPins : 0;
  if (f.gupEra !== 'E0' && held !== pins) out.push(`acquired − released (+ folio_add_pin) = ${held}, but ${pins} pins are held`);
  for (let h = 0; h < s.count; h++) {
    const fl = s.flags[h];
    if (!(fl & PG_PRESENT) || fl & PG_TAIL) continue;
    if (fl & PG_FREED && s.ownerPid[h] === 0) continue; // migrated away / unmapped
    const wrong = sh.wrong.has(h);
    const p = sh.pins.get(h) ?? 0;
    const g = sh.gets.get(h) ?? 0;
    const exact = mm.counting.hasPincount(s.order[h]);
    const zeroNoop = f.zeroPageNotPinned && mm.counting.isZero(h);
    const per = !f.pinTracking || exact ? 1 : GUP_PIN_COUNTING_BIAS;
    const want = (mm.idleRef(h) + (sh.override.get(h) ?? 0) + (zeroNoop ? 0 : p * per) + g) | 0;
    if ((s.refcount[h] | 0) !== want) out.push(`pfn ${hx(h)}: refcount ${s.refcount[h]}, expected ${want} (idle ${mm.idleRef(h)}, ${p} pins, ${g} refs)`);
    if (exact && s.pincount[h] !== p) out.push(`pfn ${hx(h)}: ${mm.counting.pincountField()} ${s.pincount[h]}, but ${p} pins held`);
    if (!wrong && (s.refcount[h] < 0 && !(sh.override.get(h)) && p * per < 2 ** 31 || s.pincount[h] < 0)) out.push(`pfn ${hx(h)}: negative count without a flagged wrong release`);
    // gup §3.4: a refcount wrapped past 2^31 by the last accepted grab is read unsigned (as §3.3 does).
    if (exact && !wrong && s.pincount[h] > s.refcount[h] >>> 0) out.push(`pfn ${hx(h)}: pincount ${s.pincount[h]} > refcount ${s.refcount[h]}`);
    if (f.pinTracking && p > 0 && !zeroNoop && !mm.counting.maybeDmaPinned(h)) out.push(`pfn ${hx(h)}: ${p} pins held but maybe_dma_pinned is false (a false negative, gup §3.3)`);
  }
  for (const proc of mm.spaces.procs.values()) {
    if (proc.pinnedVm < 0) out.push(`pid ${proc.pid}: pinned_vm ${proc.pinnedVm}`);
    if (mm.vfio.container.iommuDomain) continue;
    let acct = 0;
    for (const d of mm.vfio.dmas) {
      if (d.pid !== proc.pid) continue;
      for (const v of d.pfns.values()) {
        if (v.refCount < 1) out.push(`vfio_pfn iova ${hx(Number(v.iova))}: ref_count ${v.refCount}`);
        if (!mm.vfio.isInvalidReserved(v.pfn)) acct++;
      }
    }
    if (proc.lockedVm !== acct) out.push(`pid ${proc.pid}: locked_vm ${proc.lockedVm}, but ${acct} accounted vfio pins`);
  }
  return out;
}
