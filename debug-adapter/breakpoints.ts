/**
 * Line breakpoints on statement lines and on CCW lines (PRODUCT §3). A breakpoint on a line
 * that holds nothing executable moves to the next statement or CCW line, as code debuggers do.
 */
import type { HistoryRecord } from '../model/engine/events';
import type { Scenario } from '../model/scenario/ast';

export interface LineBreakpoint {
  id: number;
  requestedLine: number;
  line: number;
  verified: boolean;
  message?: string;
}

/** Every line where execution can stop: statements and CCWs of program blocks. */
export function executableLines(s: Scenario): Set<number> {
  const lines = new Set<number>();
  for (const st of s.statements) {
    lines.add(st.line);
    if (st.k === 'program') for (const c of st.ccws) lines.add(c.line);
  }
  return lines;
}

export class Breakpoints {
  private nextId = 1;
  private lines = new Map<number, LineBreakpoint>();

  constructor(private readonly executable: Set<number>, private readonly lastLine: number) {}

  set(requested: number[]): LineBreakpoint[] {
    this.lines.clear();
    return requested.map((req) => {
      let line = req;
      while (line <= this.lastLine && !this.executable.has(line)) line++;
      const verified = this.executable.has(line);
      const bp: LineBreakpoint = verified
        ? { id: this.nextId++, requestedLine: req, line, verified }
        : { id: this.nextId++, requestedLine: req, line: req, verified, message: 'no statement or CCW at or after this line' };
      if (verified) this.lines.set(line, bp);
      return bp;
    });
  }

  /** The breakpoint this history record hits, if any: a statement about to run or a CCW fetch. */
  hit(r: HistoryRecord): LineBreakpoint | undefined {
    if (r.event.kind === 'stmt') return this.lines.get(r.event.line);
    if (r.event.kind === 'ccw.fetch' && r.event.ccwLine !== undefined) return this.lines.get(r.event.ccwLine);
    return undefined;
  }
}
