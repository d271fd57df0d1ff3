/**
 * Every kind of breakpoint together (PRODUCT §3): line, function, data, instruction breakpoints
 * and exception filters, as one stop test over history records that continue and
 * reverseContinue share. The test brings the machine to a record only when a condition, a hit
 * count, a log message or a data breakpoint needs its state; the navigator settles the journal
 * at the final stop as always.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { HistoryRecord, ModelEventKind } from '../model/engine/events';
import type { Runner } from '../model/scenario/runner';
import type { Scenario } from '../model/scenario/ast';
import { Breakpoints, SourceMap, type LineBreakpoint, type LineBreakpointArgs } from './breakpoints';
import type { BreakpointOptions, StopContext } from './breakpointOptions';
import { knownHeads } from './conditions';
import { FunctionBreakpoints } from './functionBreakpoints';
import { DataBreakpoints } from './dataBreakpoints';
import { InstructionBreakpoints } from './instructionBreakpoints';
import { ExceptionFilters, type ExceptionStop } from './exceptionFilters';

export type StopKind = 'breakpoint' | 'function breakpoint' | 'data breakpoint' | 'instruction breakpoint' | 'exception';

export interface StopHit {
  reason: StopKind;
  /** Shown by the client next to the thread ("Paused on …"). */
  text: string;
  ids: number[];
  exception?: ExceptionStop;
}

export class StopPolicy {
  readonly lines: Breakpoints;
  readonly functions: FunctionBreakpoints;
  readonly data: DataBreakpoints;
  readonly instructions: InstructionBreakpoints;
  readonly exceptions = new ExceptionFilters();
  readonly ctx: StopContext;
  private nextId = 1;
  /** Ids to hand out again, in order (restart keeps each breakpoint's id). */
  private reuse: number[] = [];

  /** One closure for every check (a reverse walk checks 10^7 records: none allocated per record, issue 12). */
  private readonly exceptionLog = (msg: string): void => this.log(`exception filter: ${msg}; stopped`);

  /** Logpoint output and run-time condition errors go to `log` (the debug console). */
  constructor(
    readonly runner: Runner,
    readonly sources: SourceMap,
    ccwFile: (addr: number) => string,
    private readonly log: (text: string) => void,
  ) {
    const newId = () => this.reuse.shift() ?? this.nextId++;
    this.lines = new Breakpoints(sources, ccwFile, newId);
    this.functions = new FunctionBreakpoints(newId);
    this.data = new DataBreakpoints(newId);
    const declared = new Map<number, number>();
    for (const st of runner.scenario.statements) if (st.k === 'program') st.ccws.forEach((c, k) => declared.set(st.addr + 8 * k, c.line));
    this.instructions = new InstructionBreakpoints(newId, {
      memorySize: runner.scenario.memorySize,
      guestAddr: (a) => (runner.vfio ? runner.vfio.guestCcwAddr(a) : a),
      declaredAt: (a) => declared.get(a),
    });
    const m = runner.m;
    this.ctx = {
      history: m.history,
      runner,
      epoch: () => m.journal.epoch,
      settleAt: (i) => {
        const j = m.journal;
        const pos = m.records.journalPos(i);
        if (pos < j.position) j.undoTo(pos);
        else if (pos > j.position) j.redoTo(pos);
      },
    };
  }

  /** The next breakpoints created get these ids (restart: the client knows them already). */
  reuseIds(ids: readonly number[], nextId: number): void {
    this.reuse = [...ids];
    this.nextId = Math.max(this.nextId, nextId);
  }

  get idCounter(): number {
    return this.nextId;
  }

  /** Names conditions may use: model paths plus the scenario's processes and bound names. */
  known(): Set<string> {
    return knownHeads(this.runner.scenario as Scenario, this.runner);
  }

  setLines(file: string, bps: Array<number | LineBreakpointArgs>): LineBreakpoint[] {
    return this.lines.set(file, bps, this.known());
  }

  setFunctions(args: readonly DebugProtocol.FunctionBreakpoint[]): DebugProtocol.Breakpoint[] {
    return this.functions.set(args, this.known());
  }

  setData(args: readonly DebugProtocol.DataBreakpoint[]): DebugProtocol.Breakpoint[] {
    return this.data.set(args, this.known());
  }

  setInstructions(args: readonly DebugProtocol.InstructionBreakpoint[]): DebugProtocol.Breakpoint[] {
    return this.instructions.set(args, this.known());
  }

  setExceptions(filters: readonly string[], options: readonly DebugProtocol.ExceptionFilterOptions[]): DebugProtocol.Breakpoint[] {
    return this.exceptions.set(filters, options, this.known());
  }

  /**
   * Whether history[i] is a stop: the first breakpoint kind that stops there, in the order
   * line, instruction, function, data, exception. Logpoints print and do not stop.
   */
  check(i: number): StopHit | undefined {
    const kind = this.runner.m.records.kind(i);
    // Fast path (issue 12: a reverse-continue tests 10^7 records): with no line, instruction or
    // function breakpoint that can apply here, a record is a stop only if a data breakpoint's
    // value changes or an exception filter can match its kind. This function has no closure, so
    // testing a record allocates nothing (the full check's closures cost a context per call).
    if (!(this.lines.any && (kind === 'stmt' || kind === 'ccw.fetch')) && !(kind === 'ccw.fetch' && this.instructions.active.length > 0) && this.functions.active.length === 0) {
      const data = this.data.active;
      let changed = false;
      for (let b = 0; b < data.length && !changed; b++) changed = this.data.changeAt(data[b], this.ctx, i) !== undefined;
      if (!changed && !this.exceptions.mayRaise(kind)) return undefined;
    }
    return this.checkAll(i, kind);
  }

  private checkAll(i: number, kind: ModelEventKind): StopHit | undefined {
    const ctx = this.ctx;
    // the record is materialised only when a breakpoint kind reads it: a reverse-continue with
    // only data breakpoints or exception filters walks millions of records without one (issue 12)
    let rec: HistoryRecord | undefined;
    let hits: StopHit[] | undefined;
    const line = this.lines.any && (kind === 'stmt' || kind === 'ccw.fetch') ? this.lines.hit((rec ??= ctx.history[i])) : undefined;
    if (line) {
      const o = line.options;
      const v = o ? o.verdict(ctx, i, (x) => this.lines.hit(x) === line) : 'stop';
      if (o?.lastError) this.log(`line ${line.line}: ${o.lastError}; stopped`);
      if (v === 'log') this.log(o!.message(ctx, i));
      else if (v === 'stop') (hits ??= []).push({ reason: 'breakpoint', text: `breakpoint at line ${line.line}`, ids: [line.id] });
    }
    const instructions = this.instructions.active;
    if (kind === 'ccw.fetch') {
      for (let b = 0; b < instructions.length; b++) {
        const bp = instructions[b];
        if (!this.instructions.at(bp, (rec ??= ctx.history[i]))) continue;
        if (this.passes(bp.options, i, (x) => this.instructions.at(bp, x), `instruction breakpoint 0x${bp.addr.toString(16)}`)) {
          (hits ??= []).push({ reason: 'instruction breakpoint', text: `CCW fetch at 0x${bp.addr.toString(16)}`, ids: [bp.id] });
        }
      }
    }
    const functions = this.functions.active;
    for (let b = 0; b < functions.length; b++) {
      const bp = functions[b];
      const h = ctx.history;
      if (!this.functions.at(bp, h, i)) continue;
      if (this.passes(bp.options, i, (_x, k) => this.functions.at(bp, h, k), `function breakpoint ${bp.name}`)) {
        (hits ??= []).push({ reason: 'function breakpoint', text: bp.kind === 'instruction' ? `${bp.name} executes` : `${bp.name} entered`, ids: [bp.id] });
      }
    }
    const data = this.data.active;
    for (let b = 0; b < data.length; b++) {
      const bp = data[b];
      const change = this.data.changeAt(bp, ctx, i);
      if (!change) continue;
      if (this.passes(bp.options, i, (_x, k) => this.data.at(bp, ctx, k), `data breakpoint ${bp.expr.text}`)) {
        (hits ??= []).push({ reason: 'data breakpoint', text: `${bp.expr.text} changed: ${change.old} → ${change.neu}`, ids: [bp.id] });
      }
    }
    const ex = this.exceptions.check(ctx, i, this.exceptionLog);
    if (ex) (hits ??= []).push({ reason: 'exception', text: `${ex.filter.label}: ${ex.match.description}`, ids: [], exception: ex });
    if (!hits) return undefined;
    // one stop: the first kind names the reason, every breakpoint hit here is reported
    const all: StopHit[] = hits;
    return { ...all[0], ids: all.flatMap((h) => h.ids), text: all.map((h) => h.text).join('; '), exception: ex };
  }

  private passes(o: BreakpointOptions | undefined, i: number, at: (r: HistoryRecord, k: number) => boolean, what: string): boolean {
    if (!o) return true;
    const v = o.verdict(this.ctx, i, at);
    if (o.lastError) this.log(`${what}: ${o.lastError}; stopped`);
    return v !== 'no';
  }
}
