/**
 * Every breakpoint as the client set it, kept by the session so that they apply at launch (the
 * client may set them before the scenario is parsed) and again at restart, with the ids the
 * client already holds (a `stopped` event's hitBreakpointIds must name its breakpoints).
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { LineBreakpointArgs } from './breakpoints';
import type { StopPolicy } from './stopPolicy';

const NOT_LOADED = 'the scenario is not loaded yet';

export class BreakpointStore {
  private lines = new Map<string, LineBreakpointArgs[]>();
  private functions: DebugProtocol.FunctionBreakpoint[] = [];
  private data: DebugProtocol.DataBreakpoint[] = [];
  private instructions: DebugProtocol.InstructionBreakpoint[] = [];
  private exceptions: { filters: string[]; options: DebugProtocol.ExceptionFilterOptions[] } | undefined;
  private ids = new Map<string, number[]>();

  /** setBreakpoints for one file. */
  setLines(p: StopPolicy | undefined, file: string, bps: LineBreakpointArgs[]): DebugProtocol.Breakpoint[] {
    this.lines.set(file, bps);
    if (!p) return bps.map((b) => ({ verified: false, line: b.line, message: NOT_LOADED }));
    const set = p.setLines(file, bps);
    this.ids.set(`line:${file}`, set.map((b) => b.id));
    return set.map((b) => ({ id: b.id, verified: b.verified, line: b.line, message: b.message }));
  }

  setFunctions(p: StopPolicy | undefined, args: unknown): DebugProtocol.Breakpoint[] {
    const l = list<DebugProtocol.FunctionBreakpoint>(args);
    const out = this.applyKind(p, 'function', () => p!.setFunctions(l), l.length);
    this.functions = l;
    return out;
  }

  setData(p: StopPolicy | undefined, args: unknown): DebugProtocol.Breakpoint[] {
    const l = list<DebugProtocol.DataBreakpoint>(args);
    const out = this.applyKind(p, 'data', () => p!.setData(l), l.length);
    this.data = l;
    return out;
  }

  setInstructions(p: StopPolicy | undefined, args: unknown): DebugProtocol.Breakpoint[] {
    const l = list<DebugProtocol.InstructionBreakpoint>(args);
    const out = this.applyKind(p, 'instruction', () => p!.setInstructions(l), l.length);
    this.instructions = l;
    return out;
  }

  setExceptions(p: StopPolicy | undefined, filters: unknown, options: unknown): DebugProtocol.Breakpoint[] {
    const f = Array.isArray(filters) ? (filters as string[]) : [];
    const o = Array.isArray(options) ? (options as DebugProtocol.ExceptionFilterOptions[]) : [];
    const out = p ? p.setExceptions(f, o) : [...f, ...o].map(() => ({ verified: false, message: NOT_LOADED }));
    this.exceptions = { filters: f, options: o };
    return out;
  }

  /**
   * vlab/dataBreakpoint: one more data breakpoint, kept with the others. A later
   * setDataBreakpoints from the client replaces the whole list (DAP semantics).
   */
  addData(p: StopPolicy, dataId: string): DebugProtocol.Breakpoint {
    const bp: DebugProtocol.DataBreakpoint = { dataId, accessType: 'write' };
    const added = p.data.add(bp, p.known());
    this.data = [...this.data, bp];
    this.ids.set('data', [...(this.ids.get('data') ?? []), added.id ?? 0]);
    return added;
  }

  /** Set everything on a new policy (launch, restart), reusing the ids the client knows. */
  apply(p: StopPolicy): void {
    const next = Math.max(0, ...[...this.ids.values()].flat()) + 1;
    const again = (key: string, set: () => Array<{ id?: number }>) => {
      p.reuseIds(this.ids.get(key) ?? [], next);
      this.ids.set(key, set().map((b) => b.id ?? 0));
    };
    for (const [file, bps] of this.lines) again(`line:${file}`, () => p.setLines(file, bps));
    again('function', () => p.setFunctions(this.functions));
    again('data', () => p.setData(this.data));
    again('instruction', () => p.setInstructions(this.instructions));
    if (this.exceptions) p.setExceptions(this.exceptions.filters, this.exceptions.options);
  }

  private applyKind(p: StopPolicy | undefined, key: string, set: () => DebugProtocol.Breakpoint[], n: number): DebugProtocol.Breakpoint[] {
    if (!p) return Array.from({ length: n }, () => ({ verified: false, message: NOT_LOADED }));
    const out = set();
    this.ids.set(key, out.map((b) => b.id ?? 0));
    return out;
  }
}

/** The `breakpoints` argument: absent means none; anything but an array is refused. */
function list<T>(args: unknown): T[] {
  if (args === undefined) return [];
  if (!Array.isArray(args)) throw new Error("'breakpoints' must be an array");
  return args as T[];
}
