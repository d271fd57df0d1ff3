/**
 * The one scenario parser, shared by the runner, the debugger (REPL, breakpoints) and the editor
 * features. It never throws on bad input: every problem of the file becomes a diagnostic and the
 * parser recovers at the next line (PRODUCT §2).
 */
import type { AddrRef, CcwLine, Scenario, Stmt } from './ast';
import { Cursor, LineError } from './cursor';
import type { Diagnostic } from './diagnostics';
import { suggestion } from './diagnostics';
import { lexLine } from './lexer';
import { STATEMENT_BY_NAME, STATEMENTS, parseCcwLine } from './statements';
import { DEFAULT_KERNEL } from '../kernel/version';

export interface ParseResult {
  scenario: Scenario;
  diagnostics: Diagnostic[];
}

const SETUP_ONCE = new Set(['kernel', 'topology', 'memory']);

export function parseScenario(text: string, file = '<scenario>'): ParseResult {
  const diagnostics: Diagnostic[] = [];
  const statements: Stmt[] = [];
  const symbols = new Map<string, number>();
  const symbolLines = new Map<string, number>();
  const refs: Array<{ ref: AddrRef; line: number }> = [];
  const seenOnce = new Map<string, number>();
  let sawAction = false;
  let program: Extract<Stmt, { k: 'program' }> | undefined;
  const scenario: Scenario = { file, kernel: DEFAULT_KERNEL, topology: 'native', memorySize: 1024 * 1024, statements, symbols };

  const report = (line: number, col: number, message: string, endCol?: number, severity: 'error' | 'warning' = 'error') => {
    diagnostics.push({ file, line, column: col, endColumn: endCol ?? col + 1, severity, message });
  };
  const define = (name: string, addr: number, line: number, col: number) => {
    const prev = symbolLines.get(name);
    if (prev !== undefined) report(line, col, `'${name}' is already defined on line ${prev}`, col + name.length);
    else {
      symbols.set(name, addr);
      symbolLines.set(name, line);
    }
  };

  const lines = text.split('\n');
  for (let idx = 0; idx < lines.length; idx++) {
    const lineNo = idx + 1;
    const raw = lines[idx];
    const { tokens, errors, codeEnd } = lexLine(raw);
    for (const e of errors) report(lineNo, e.col, e.message);
    if (errors.length || tokens.length === 0) continue;
    const source = raw.slice(0, codeEnd).replace(/\s+$/, '');
    const stmtText = source.trim();
    const c = new Cursor(tokens, source);
    try {
      if (program) {
        if (tokens[0].kind === 'word' && tokens[0].text === 'end') {
          c.next();
          c.end();
          program.endLine = lineNo;
          if (program.ccws.length === 0) report(program.line, 1, `program '${program.name}' has no CCWs`, undefined, 'warning');
          program = undefined;
          continue;
        }
        const ccw = parseCcwLine(c, program.format);
        const addr = program.addr + 8 * program.ccws.length;
        const full: CcwLine = { ...ccw, line: lineNo, text: stmtText };
        if (ccw.label) define(ccw.label, addr, lineNo, tokens[0].col);
        if ('name' in ccw.cda) refs.push({ ref: ccw.cda, line: lineNo });
        program.ccws.push(full);
        continue;
      }
      const head = tokens[0];
      if (head.kind !== 'word') c.fail('expected a statement name');
      const def = STATEMENT_BY_NAME.get(head.text);
      if (!def) {
        if (head.text === 'end') throw new LineError(head.col, "'end' without a 'program' block", head.col + 3);
        throw new LineError(head.col, `unknown statement '${head.text}'${suggestion(head.text, STATEMENTS.map((s) => s.name))}`, head.col + head.text.length);
      }
      c.next();
      const body = def.parse(c);
      c.end();
      const stmt = { ...body, line: lineNo, text: stmtText } as Stmt;
      if (SETUP_ONCE.has(stmt.k)) {
        const prev = seenOnce.get(stmt.k);
        if (prev !== undefined) report(lineNo, head.col, `'${stmt.k}' was already given on line ${prev}`, head.col + head.text.length);
        else if (sawAction) report(lineNo, head.col, `'${stmt.k}' must come before the first other statement`, head.col + head.text.length);
        seenOnce.set(stmt.k, lineNo);
        if (stmt.k === 'kernel') scenario.kernel = stmt.version;
        if (stmt.k === 'topology') scenario.topology = stmt.topology;
        if (stmt.k === 'memory') scenario.memorySize = stmt.size;
        continue;
      }
      sawAction = true;
      if (stmt.k === 'data' || stmt.k === 'idal' || stmt.k === 'program') define(stmt.name, stmt.addr, lineNo, tokens[1]?.col ?? 1);
      if (stmt.k === 'ssch' && stmt.orb.cpa && 'name' in stmt.orb.cpa) refs.push({ ref: stmt.orb.cpa, line: lineNo });
      if (stmt.k === 'program') {
        program = stmt;
        if (stmt.addr % 8 !== 0) report(lineNo, tokens[3]?.col ?? 1, 'a channel program must be doubleword aligned (css §3.1)', undefined);
      }
      statements.push(stmt);
    } catch (e) {
      if (!(e instanceof LineError)) throw e;
      report(lineNo, e.col, e.message, e.endCol);
      // A broken `program` header still opens its block, so its CCW lines are not misread
      // as statements (one error, not a cascade).
      if (!program && tokens[0].kind === 'word' && tokens[0].text === 'program') {
        program = { k: 'program', name: '<invalid>', addr: 0, format: 1, ccws: [], endLine: 0, line: lineNo, text: stmtText };
      }
    }
  }
  if (program) report(program.line, 1, `program '${program.name}' is not closed: expected 'end'`);
  for (const { ref, line } of refs) {
    if ('name' in ref && !symbols.has(ref.name)) {
      report(line, ref.col, `unknown name '${ref.name}'${suggestion(ref.name, symbols.keys())}`, ref.col + ref.name.length);
    }
  }
  checkMemory(scenario, report);
  diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
  return { scenario, diagnostics };
}

/** Everything placed in guest memory must fit in it. */
function checkMemory(s: Scenario, report: (line: number, col: number, msg: string) => void): void {
  for (const st of s.statements) {
    let end = -1;
    if (st.k === 'data') end = st.addr + st.bytes.length;
    if (st.k === 'idal') end = st.addr + st.entries.length * (st.format === 1 ? 4 : 8);
    if (st.k === 'program') end = st.addr + 8 * st.ccws.length;
    if (end > s.memorySize) report(st.line, 1, `'${st.text.split(/\s+/)[1]}' ends at 0x${end.toString(16)}, beyond guest memory (0x${s.memorySize.toString(16)} bytes)`);
  }
}

export function resolveAddr(ref: AddrRef, symbols: Map<string, number>): number {
  if ('num' in ref) return Number(ref.num);
  return (symbols.get(ref.name) ?? 0) + Number(ref.offset);
}
