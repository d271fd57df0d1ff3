/**
 * Line breakpoints on statement lines and on CCW lines (PRODUCT §3), per source file: a
 * scenario and the files it `include`s. A breakpoint on a line that holds nothing executable
 * moves to the next statement or CCW line of the same file, as code debuggers do, and says so.
 * Each may carry a condition, hit condition or log message (breakpointOptions.ts).
 */
import type { HistoryRecord } from '../model/engine/events';
import type { Scenario } from '../model/scenario/ast';
import { BreakpointOptions, type BreakpointOptionArgs } from './breakpointOptions';

export interface LineBreakpoint {
  id: number;
  requestedLine: number;
  line: number;
  verified: boolean;
  message?: string;
  options?: BreakpointOptions;
}

export interface LineBreakpointArgs extends BreakpointOptionArgs {
  line: number;
}

/**
 * Where each executable line comes from: statements and CCWs know their file (`file` is set
 * for lines of included files). Frames and events carry only line and text, so the pair
 * (line, text) finds the file.
 */
export class SourceMap {
  private readonly byLineText = new Map<string, string>();
  private readonly lines = new Map<string, Set<number>>();
  private readonly lastLines = new Map<string, number>();

  constructor(s: Scenario, readonly mainFile: string) {
    const add = (file: string | undefined, line: number, text: string) => {
      const f = file ?? mainFile;
      this.byLineText.set(`${line}\u0000${text}`, f);
      let set = this.lines.get(f);
      if (!set) this.lines.set(f, (set = new Set()));
      set.add(line);
      this.lastLines.set(f, Math.max(this.lastLines.get(f) ?? 0, line));
    };
    for (const st of s.statements) {
      if (st.k === 'end-repeat') continue; // the `end` of a loop is not a stop (runner.ts advance)
      add(st.file, st.line, st.text);
      if (st.k === 'program') for (const c of st.ccws) add(c.file ?? st.file, c.line, c.text);
    }
  }

  fileOf(line: number, text: string): string {
    return this.byLineText.get(`${line}\u0000${text}`) ?? this.mainFile;
  }

  executable(file: string): Set<number> {
    return this.lines.get(file) ?? new Set();
  }

  lastLine(file: string): number {
    return this.lastLines.get(file) ?? 0;
  }
}

export class Breakpoints {
  private byFile = new Map<string, Map<number, LineBreakpoint>>();
  /** Line breakpoints set in all files (a walk skips `hit` when there are none). */
  private total = 0;

  constructor(
    private readonly sources: SourceMap,
    /** File of the CCW at a guest address (CCW lines of included programs). */
    private readonly ccwFile: (addr: number) => string,
    /** Breakpoint ids, shared with the other kinds (stopPolicy.ts). */
    private readonly newId: () => number = counter(),
  ) {}

  /**
   * Replace the breakpoints of `file`. `known` are the names an expression may use (conditions.ts
   * knownHeads); a bad condition, hit condition or log message leaves that breakpoint unverified
   * with the one-line reason.
   */
  set(file: string, requested: Array<number | LineBreakpointArgs>, known: ReadonlySet<string> = new Set()): LineBreakpoint[] {
    const exec = this.sources.executable(file);
    const last = this.sources.lastLine(file);
    const map = new Map<number, LineBreakpoint>();
    this.byFile.set(file, map);
    const out = requested.map((r): LineBreakpoint => {
      const a: LineBreakpointArgs = typeof r === 'number' ? { line: r } : r;
      const req = a.line;
      let line = req;
      while (line <= last && !exec.has(line)) line++;
      if (!exec.has(line)) return { id: this.newId(), requestedLine: req, line: req, verified: false, message: 'no statement or CCW at or after this line' };
      let options: BreakpointOptions | undefined;
      try {
        options = a.condition || a.hitCondition || a.logMessage ? new BreakpointOptions(a, known) : undefined;
      } catch (e) {
        return { id: this.newId(), requestedLine: req, line, verified: false, message: e instanceof Error ? e.message : String(e) };
      }
      const bp: LineBreakpoint = { id: this.newId(), requestedLine: req, line, verified: true, options };
      if (line !== req) bp.message = `moved from line ${req} to the next statement or CCW line ${line}`;
      // two requests landing on the same line: the first one wins, the second says so
      if (map.has(line)) return { ...bp, verified: false, message: `line ${line} already has a breakpoint` };
      map.set(line, bp);
      return bp;
    });
    this.total = 0;
    for (const m of this.byFile.values()) this.total += m.size;
    return out;
  }

  /** Whether any line breakpoint is set (none: no record can hit one). */
  get any(): boolean {
    return this.total > 0;
  }

  /** Statement and CCW lines of `file` in [line, endLine] (breakpointLocations). */
  locations(file: string, line: number, endLine = line): number[] {
    const out: number[] = [];
    for (const l of this.sources.executable(file)) if (l >= line && l <= endLine) out.push(l);
    return out.sort((a, b) => a - b);
  }

  /** Whether record r is at the line of breakpoint `bp` (for hit counting). */
  at(r: HistoryRecord, bp: LineBreakpoint): boolean {
    return this.hit(r) === bp;
  }

  /** The breakpoint this history record hits, if any: a statement about to run or a CCW fetch. */
  hit(r: HistoryRecord): LineBreakpoint | undefined {
    if (r.event.kind === 'stmt') return this.byFile.get(this.sources.fileOf(r.event.line, r.event.text))?.get(r.event.line);
    if (r.event.kind === 'ccw.fetch' && r.event.ccwLine !== undefined) return this.byFile.get(this.ccwFile(r.event.addr))?.get(r.event.ccwLine);
    return undefined;
  }
}

function counter(): () => number {
  let n = 1;
  return () => n++;
}
