/**
 * Data breakpoints (PRODUCT §3 "data breakpoints on any field, page count or queue length"):
 * a scenario expression naming one value — a SCHIB/SCSW/PMCW field guest or host
 * (`sch(0.0.0007).scsw.stctl`, `guest(…)`, `host(…)`), a page's refcount / pincount / dirty, a
 * vmstat counter, `locked_vm(P)`, a CRW queue's length (`crwq.count`, `vfio(…).crws`), an FSM
 * state (`fsm(…)`). The breakpoint hits at record i when the value there differs from the value
 * at record i-1: the same records forwards and by reverseContinue.
 *
 * The value at a record is read from the model with the journal brought to that record, and only
 * where the journal changed between the two records (a record with no journal entry cannot
 * change any value). Walking history in order, bringing the journal one record on costs the
 * entries in between, so a reverse-continue across 10^6 records is one pass over the journal
 * plus one read per record that changed state (test/bench/dataBreakpoint.ts).
 *
 * Most watched values have a footprint (dataFootprint.ts): the journal slots they read. A record
 * whose journal span wrote none of them cannot change the value, so it is passed over without
 * replaying the journal or evaluating anything — a walk costs one scan of the journal's entries.
 *
 * The data id is `expr:` followed by the expression text, so it survives restarts and can be
 * typed by any client; `dataBreakpointInfo` and `vlab/dataBreakpoint` produce it.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { formatValue, type Value } from '../model/scenario/evaluate';
import { BreakpointOptions, type StopContext } from './breakpointOptions';
import { compileExpression, type CompiledExpr } from './conditions';
import { Footprint, footprintOf } from './dataFootprint';

export const DATA_ID_PREFIX = 'expr:';
export const MAX_DATA_BREAKPOINTS = 64;

/** A value that cannot be read at a record (no IRB stored yet, page not faulted in). */
const UNAVAILABLE = Symbol('unavailable');
type Sample = Value | typeof UNAVAILABLE;

export interface DataBreakpoint {
  id: number;
  dataId: string;
  expr: CompiledExpr;
  options: BreakpointOptions | undefined;
  /** The last two values read (history index, value): a walk needs only its neighbourhood. */
  ai: number;
  av: Sample | undefined;
  bi: number;
  bv: Sample | undefined;
  epoch: number;
  /** The slots the expression reads (null: none known, evaluate at every change of state); found at the first check. */
  footprint: Footprint | null | undefined;
}

function same(a: Sample, b: Sample): boolean {
  if (a === b) return true;
  if (a instanceof Uint8Array && b instanceof Uint8Array) return a.length === b.length && a.every((x, k) => x === b[k]);
  return false;
}

export function describeSample(s: Sample): string {
  return s === UNAVAILABLE ? 'unavailable' : formatValue(s);
}

/** Parse a data id or an expression into a watchable expression; throws a one-line Error. */
export function compileWatch(idOrExpr: string, known: ReadonlySet<string>): CompiledExpr {
  if (typeof idOrExpr !== 'string') throw new Error('a data breakpoint needs a dataId string');
  const text = idOrExpr.startsWith(DATA_ID_PREFIX) ? idOrExpr.slice(DATA_ID_PREFIX.length) : idOrExpr;
  const e = compileExpression(text, known, 'data breakpoint expression');
  return e;
}

export class DataBreakpoints {
  private list: DataBreakpoint[] = [];

  constructor(private readonly newId: () => number) {}

  get active(): readonly DataBreakpoint[] {
    return this.list;
  }

  /** dataBreakpointInfo for an expression: the id and a description with the current value. */
  info(expression: string, known: ReadonlySet<string>, ctx: StopContext): DebugProtocol.DataBreakpointInfoResponse['body'] {
    const e = compileWatch(expression, known);
    let now: string;
    try {
      now = `now ${formatValue(e.value(ctx.runner))}`;
    } catch (err) {
      now = `not readable now: ${err instanceof Error ? err.message : String(err)}`;
    }
    return { dataId: DATA_ID_PREFIX + e.text, description: `${e.text} (${now})`, accessTypes: ['write'], canPersist: true };
  }

  set(args: readonly DebugProtocol.DataBreakpoint[], known: ReadonlySet<string>): DebugProtocol.Breakpoint[] {
    if (args.length > MAX_DATA_BREAKPOINTS) throw new Error(`at most ${MAX_DATA_BREAKPOINTS} data breakpoints`);
    this.list = [];
    return args.map((a) => this.addOne(a, known));
  }

  /** Add one (vlab/dataBreakpoint): the list keeps the others. */
  add(a: DebugProtocol.DataBreakpoint, known: ReadonlySet<string>): DebugProtocol.Breakpoint {
    if (this.list.length >= MAX_DATA_BREAKPOINTS) throw new Error(`at most ${MAX_DATA_BREAKPOINTS} data breakpoints`);
    return this.addOne(a, known);
  }

  private addOne(a: DebugProtocol.DataBreakpoint, known: ReadonlySet<string>): DebugProtocol.Breakpoint {
    const id = this.newId();
    try {
      if (a?.accessType !== undefined && a.accessType !== 'write') throw new Error(`access type '${String(a.accessType)}' is not supported: the model breaks on value changes (write)`);
      const expr = compileWatch(a?.dataId, known);
      const options = a.condition || a.hitCondition ? new BreakpointOptions({ condition: a.condition, hitCondition: a.hitCondition }, known) : undefined;
      this.list.push({ id, dataId: DATA_ID_PREFIX + expr.text, expr, options, ai: -1, av: undefined, bi: -1, bv: undefined, epoch: -1, footprint: undefined });
      return { id, verified: true, message: `breaks when ${expr.text} changes` };
    } catch (e) {
      return { id, verified: false, message: e instanceof Error ? e.message : String(e) };
    }
  }

  /** The value at history[i] (journal brought there only when needed). */
  private sample(bp: DataBreakpoint, ctx: StopContext, i: number): Sample {
    if (bp.epoch !== ctx.epoch()) {
      bp.epoch = ctx.epoch();
      bp.ai = bp.bi = -1;
    }
    if (bp.ai === i) return bp.av!;
    if (bp.bi === i) return bp.bv!;
    const h = ctx.runner.m.records;
    let v: Sample;
    // a record with no journal entry since its neighbour has its neighbour's value
    if (bp.ai === i - 1 && i > 0 && h.journalPos(i - 1) === h.journalPos(i)) v = bp.av!;
    else if (bp.ai === i + 1 && i + 1 < h.length && h.journalPos(i + 1) === h.journalPos(i)) v = bp.av!;
    else {
      ctx.settleAt(i);
      try {
        v = bp.expr.value(ctx.runner);
      } catch {
        v = UNAVAILABLE;
      }
    }
    bp.bi = bp.ai;
    bp.bv = bp.av;
    bp.ai = i;
    bp.av = v;
    return v;
  }

  /** Whether the watched value changes at record i (differs from record i-1); with the old and new value. */
  changeAt(bp: DataBreakpoint, ctx: StopContext, i: number): { old: string; neu: string } | undefined {
    if (i <= 0) return undefined;
    // the compact records' positions: no record object per step walked (issue 12)
    const h = ctx.runner.m.records;
    const from = h.journalPos(i - 1);
    const to = h.journalPos(i);
    if (from === to) return undefined;
    if (bp.footprint === undefined) {
      const slots = footprintOf(bp.expr.ast, ctx.runner);
      bp.footprint = slots ? new Footprint(slots) : null;
    }
    if (bp.footprint && !bp.footprint.touched(ctx.runner.m.journal, from, to)) return undefined;
    const a = this.sample(bp, ctx, i - 1);
    const b = this.sample(bp, ctx, i);
    return same(a, b) ? undefined : { old: describeSample(a), neu: describeSample(b) };
  }

  /** Whether record i changes the value (the cheap location test used for hit counting). */
  at(bp: DataBreakpoint, ctx: StopContext, i: number): boolean {
    return this.changeAt(bp, ctx, i) !== undefined;
  }
}
