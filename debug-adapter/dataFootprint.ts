/**
 * The journal slots a data breakpoint's expression reads (issue 9: reverse-continue with a data
 * breakpoint across 10^6 steps). Every state change goes through the journal (STYLE §7), so when
 * no entry between two history records wrote one of these slots, the value is the same at both
 * records and nothing needs to be replayed or evaluated there.
 *
 * Only expressions whose every path is one of the shapes below get a footprint — literals and
 * operators over live SCHIB fields (`sch(SID).…`, `host(SID).…`, `guest(SID).…`, css §1), vmstat
 * counters (`vmstat.NAME`, gup §4) and CRW queue lengths (`crwq.count`, `guest.crws`, css §6,
 * §10.5). For each, the slots cover everything the evaluation reads, including what decides
 * whether the value exists (the subchannel / device map). Any other expression has none and is
 * evaluated at every record that changed state, as before; test/unit/debug/dataFootprint.test
 * checks that both ways find the same changes.
 */
import type { Expr } from '../model/scenario/ast';
import type { Journal } from '../model/engine/journal';
import type { Runner } from '../model/scenario/runner';
import { SCHIB_FIELD, SCHIB_WORDS } from '../model/css/fields';

/** One slot, addressed as `Journal.lastWriteBefore` takes it. */
export interface WatchSlot {
  owner: object;
  field: string | undefined;
  index: number | undefined;
}

type PathExpr = Extract<Expr, { k: 'path' }>;

/** The slots `e` reads, or undefined when some part of it has no known footprint. */
export function footprintOf(e: Expr, r: Runner): WatchSlot[] | undefined {
  const out: WatchSlot[] = [];
  const stack: Expr[] = [e];
  while (stack.length) {
    const x = stack.pop()!;
    if (x.k === 'num' || x.k === 'str' || x.k === 'bytes') continue;
    if (x.k === 'unary') stack.push(x.operand);
    else if (x.k === 'binary') stack.push(x.lhs, x.rhs);
    else {
      const slots = pathSlots(x, r);
      if (!slots) return undefined;
      out.push(...slots);
    }
  }
  return out;
}

/** A literal subchannel number argument (`sch(0.0.0007)`, `host(7)`), else undefined. */
function literalSch(p: PathExpr): number | undefined {
  if (p.args.length !== 1 || p.args[0].k !== 'num') return undefined;
  const v = p.args[0].value;
  return v >= 0n && v <= 0xffffn ? Number(v) : undefined;
}

function fieldName(p: PathExpr): string | undefined {
  const names = p.parts.map((x) => ('field' in x ? x.field : undefined));
  return names.some((n) => n === undefined) ? undefined : names.join('.');
}

/** The SCHIB word holding a field (css §1: no field spans two words). */
function schibSlot(store: object, sch: number, name: string | undefined): WatchSlot | undefined {
  const f = name === undefined ? undefined : SCHIB_FIELD.get(name);
  if (!f || f.bit + f.width > 32) return undefined;
  return { owner: store, field: 'words', index: sch * SCHIB_WORDS + f.word };
}

function pathSlots(p: PathExpr, r: Runner): WatchSlot[] | undefined {
  const v = r.vfio;
  switch (p.head) {
    case 'sch': {
      // paths.ts: r.css.hasSubchannel(sch) (the devices map), then the machine's SCHIB word
      const sch = literalSch(p);
      const w = sch === undefined ? undefined : schibSlot(r.css.core.schib, sch, fieldName(p));
      return w && [w, { owner: r.css.core.devices, field: undefined, index: undefined }];
    }
    case 'host':
    case 'guest': {
      // vfioPaths.ts: the vfio-ccw device map decides existence; host = the machine's SCHIB, guest = QEMU's
      if (!v) return undefined;
      // css §10.5: `guest.crws`, the length of QEMU's CRW queue for the guest
      if (p.head === 'guest' && p.args.length === 0) return fieldName(p) === 'crws' ? [{ owner: v.qemu.crws.crws, field: undefined, index: undefined }] : undefined;
      const sch = literalSch(p);
      if (sch === undefined) return undefined;
      const w = schibSlot(p.head === 'host' ? v.css.core.schib : v.qemu.core.schib, sch, fieldName(p));
      return w && [w, { owner: v.vfio.devices, field: undefined, index: undefined }];
    }
    case 'vmstat': {
      const name = fieldName(p);
      if (p.args.length || name === undefined || !Object.prototype.hasOwnProperty.call(r.mm.vmstat, name)) return undefined;
      return [{ owner: r.mm.vmstat, field: name, index: undefined }];
    }
    case 'crwq':
      // css §6: the machine CRW queue's length; `crwq.lost` reads a flag (no footprint)
      return p.args.length === 0 && fieldName(p) === 'count' ? [{ owner: r.css.crws.crws, field: undefined, index: undefined }] : undefined;
    default:
      return undefined;
  }
}

/** The last entry in [lo, hi) that wrote one of `slots`, or -1. */
function lastWriteIn(j: Journal, slots: readonly WatchSlot[], lo: number, hi: number): number {
  let w = -1;
  for (const s of slots) w = Math.max(w, j.lastWriteBefore(s.owner, s.field, s.index, hi, Math.max(lo, w + 1)));
  return w;
}

/** The last entry below `hi` that wrote one of `slots`, or -1: doubling windows, so a rarely written slot does not make every search scan to the start. */
function lastWriteBelow(j: Journal, slots: readonly WatchSlot[], hi: number): number {
  for (let top = hi, size = 256; top > 0; size *= 2) {
    const lo = Math.max(0, top - size);
    const w = lastWriteIn(j, slots, lo, top);
    if (w >= 0) return w;
    top = lo;
  }
  return -1;
}

/**
 * The slots of one watched expression, with what the last search found: in the journal
 * interval [lo, hi) the last write was at `w`. A backward walk asks for consecutive spans
 * downwards, so one search answers every record down to the next write: the whole walk scans the
 * journal once. Running forwards, each new record's span is searched on its own.
 */
export class Footprint {
  private lo = 0;
  private hi = -1;
  private w = -1;
  private epoch = -1;

  constructor(readonly slots: readonly WatchSlot[]) {}

  /** Whether an entry in [from, to) of the journal wrote one of the slots. */
  touched(j: Journal, from: number, to: number): boolean {
    if (this.epoch !== j.epoch) {
      // positions name other states now (history trimmed, future forgotten)
      this.epoch = j.epoch;
      this.hi = -1;
    }
    if (!(this.lo <= from && to <= this.hi && this.w < to)) {
      if (to <= this.hi) {
        this.w = lastWriteBelow(j, this.slots, to);
        this.lo = 0;
      } else {
        this.w = lastWriteIn(j, this.slots, from, to);
        this.lo = from;
      }
      this.hi = to;
    }
    return this.w >= from;
  }
}
