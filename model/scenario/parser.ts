/**
 * The one scenario parser, shared by the runner, the debugger (REPL, breakpoints) and the editor
 * features. It never throws on bad input: every problem of the file becomes a diagnostic and the
 * parser recovers at the next line (PRODUCT §2). `include "FILE"` is expanded in place through
 * an injected resolver; diagnostics inside an included file carry that file's name and line.
 */
import type { AddrRef, CcwLine, Scenario, Stmt } from './ast';
import { Cursor, LineError } from './cursor';
import type { Diagnostic } from './diagnostics';
import { boundMessage, suggestion } from './diagnostics';
import { lexLine, type Token } from './lexer';
import { statementLimitProblem } from './statementLimits';
import { DEFAULT_LIMITS, limitMessage, type Limits } from '../limits';
import { STATEMENT_BY_NAME, STATEMENTS, parseCcwLine } from './statements';
import { dirName, resolveIncludePath, type IncludeResolver } from './statements/include';
import { DEFAULT_KERNEL } from '../kernel/version';
import { staticDiagnostics } from './staticChecks';

export type { IncludeResolver } from './statements/include';

export interface ParseResult {
  scenario: Scenario;
  diagnostics: Diagnostic[];
}

export interface ParseOptions {
  /** Reads `include`d files; without it `include` is reported as unavailable. */
  resolve?: IncludeResolver;
  /** The folder includes must stay in; default: the top-level file's folder. */
  root?: string;
  /** Resource limits (model/limits.ts); default: DEFAULT_LIMITS. */
  limits?: Limits;
  /**
   * The setup a snippet runs in (a Debug Console statement runs inside the launched scenario):
   * its kernel version and topology, so the static checks judge it as part of that scenario.
   */
  context?: Pick<Scenario, 'kernel' | 'topology'>;
}

/** Includes nest at most this deep by default (a cycle is reported before that; this bounds long chains). */
export const MAX_INCLUDE_DEPTH = DEFAULT_LIMITS.maxIncludeDepth;

const SETUP_ONCE = new Set(['kernel', 'topology', 'memory']);
/** The name of a `program` block whose header did not parse. */
const INVALID = '<invalid>';

interface State {
  readonly scenario: Scenario;
  readonly diagnostics: Diagnostic[];
  readonly symbolLines: Map<string, { file: string; line: number }>;
  readonly refs: Array<{ ref: Extract<AddrRef, { name: string }>; file: string; line: number }>;
  readonly seenOnce: Map<string, number>;
  sawAction: boolean;
  readonly opts: ParseOptions;
  readonly root: string;
  readonly limits: Limits;
  /** Characters and lines of the expanded scenario so far (maxScenarioBytes / maxScenarioLines). */
  bytes: number;
  lines: number;
  /** `include` statements expanded so far (maxIncludes). */
  includes: number;
  /** Bytes all `data … zero|fill N` statements ask for (checked before their arrays exist). */
  dataBytes: number;
  /** Per file: diagnostics listed, and where checking stopped once there were too many. */
  readonly listed: Map<string, number>;
  readonly hidden: Map<string, { line: number; column: number }>;
  /** Set once the expanded scenario hit a total limit: nothing more is parsed. */
  stopped: boolean;
}

export function parseScenario(text: string, file = '<scenario>', opts: ParseOptions = {}): ParseResult {
  const statements: Stmt[] = [];
  const scenario: Scenario = { file, kernel: opts.context?.kernel ?? DEFAULT_KERNEL, topology: opts.context?.topology ?? 'native', memorySize: 1024 * 1024, statements, symbols: new Map() };
  const st: State = {
    scenario, diagnostics: [], symbolLines: new Map(), refs: [], seenOnce: new Map(), sawAction: false, opts,
    root: opts.root ?? dirName(file), limits: opts.limits ?? DEFAULT_LIMITS,
    bytes: 0, lines: 0, includes: 0, dataBytes: 0, listed: new Map(), hidden: new Map(), stopped: false,
  };
  const body = decodedText(st, text, file, 1, 1);
  if (body !== undefined) parseFile(st, body, file, [file]);
  for (const { ref, file: f, line } of st.refs) {
    if (!scenario.symbols.has(ref.name)) {
      report(st, f, line, ref.col, `unknown name '${ref.name}'${suggestion(ref.name, scenario.symbols.keys())}`, ref.col + ref.name.length);
    }
  }
  checkMemory(st);
  for (const [f, h] of st.hidden) {
    st.diagnostics.push({
      file: f, line: h.line, column: h.column, endColumn: h.column + 1, severity: 'error',
      message: `more problems not shown: checking of this file stopped at line ${h.line} after ${st.limits.maxDiagnosticsPerFile} problems (limit maxDiagnosticsPerFile)`,
    });
  }
  // Stable order: the scenario's own file first, then by line and column.
  st.diagnostics.sort((a, b) => (a.file === b.file ? 0 : a.file === file ? -1 : b.file === file ? 1 : a.file < b.file ? -1 : 1) || a.line - b.line || a.column - b.column);
  return { scenario, diagnostics: st.diagnostics };
}

/**
 * Records a diagnostic: its message made safe (short excerpts, control characters escaped) and
 * at most maxDiagnosticsPerFile per file; the rest are counted into one closing diagnostic.
 */
function report(st: State, file: string, line: number, col: number, message: string, endCol?: number, severity: 'error' | 'warning' = 'error'): void {
  const n = st.listed.get(file) ?? 0;
  if (n >= st.limits.maxDiagnosticsPerFile) {
    // The file stops being checked here (1 M bad lines must not cost a minute): parseFile sees it.
    if (!st.hidden.has(file)) st.hidden.set(file, { line, column: col });
    return;
  }
  st.listed.set(file, n + 1);
  const end = Math.max(col + 1, Math.min(endCol ?? col + 1, col + 200));
  st.diagnostics.push({ file, line, column: col, endColumn: end, severity, message: boundMessage(message) });
}

/** A UTF-16 file read as UTF-8 shows its BOM as U+FFFD U+FFFD (or as U+FEFF) and a NUL every other character. */
function looksLikeUtf16(text: string): boolean {
  const head = text.slice(0, 4096);
  if (/^(\ufffd\ufffd|\ufeff?\u0000|\u00ff\u00fe|\u00fe\u00ff)/.test(head)) return true;
  let nul = 0;
  for (let i = 0; i < head.length; i++) if (head.charCodeAt(i) === 0) nul++;
  return head.length >= 8 && nul * 4 >= head.length;
}

/**
 * The text of one file as the parser reads it: a UTF-8 BOM dropped, a UTF-16 file and a file
 * beyond maxFileBytes / the expanded scenario beyond maxScenarioBytes refused with one error
 * (at `line:col`, the include statement for an included file).
 */
function decodedText(st: State, text: string, file: string, line: number, col: number, at = file): string | undefined {
  if (looksLikeUtf16(text)) {
    report(st, at, line, col, `'${shortName(file)}' looks like UTF-16 text (a byte-order mark or a NUL every other byte): save it as UTF-8`);
    return undefined;
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.length > st.limits.maxFileBytes) {
    report(st, at, line, col, limitMessage('maxFileBytes', `'${shortName(file)}' of ${body.length} characters`, st.limits));
    return undefined;
  }
  if (st.bytes + body.length > st.limits.maxScenarioBytes) {
    report(st, at, line, col, limitMessage('maxScenarioBytes', `the expanded scenario (${st.bytes + body.length} characters with '${shortName(file)}')`, st.limits));
    st.stopped = true;
    return undefined;
  }
  st.bytes += body.length;
  return body;
}

/**
 * `data NAME at ADDR zero N` / `fill BYTE N` builds an N-byte array while it parses, so N is
 * checked first: one statement must fit in guest memory (css §3.1), all of them together in
 * maxGuestMemoryBytes.
 */
function checkDataSize(st: State, tokens: readonly Token[]): void {
  const i = tokens.findIndex((t) => t.kind === 'word' && (t.text === 'zero' || t.text === 'fill'));
  if (i < 0) return;
  const n = tokens[tokens[i].text === 'zero' ? i + 1 : i + 2];
  if (n?.kind !== 'number' || n.value === undefined) return;
  const end = n.col + n.text.length;
  if (n.value > BigInt(st.scenario.memorySize)) throw new LineError(n.col, `data of ${n.value} bytes does not fit in guest memory (${st.scenario.memorySize} bytes, css §3.1)`, end);
  st.dataBytes += Number(n.value);
  if (st.dataBytes > st.limits.maxGuestMemoryBytes) throw new LineError(n.col, limitMessage('maxGuestMemoryBytes', `data statements of ${st.dataBytes} bytes in all`, st.limits), end);
}

/** A statement beyond a resource limit (model/limits.ts) is an error at its operand. */
function checkLimits(st: State, stmt: Stmt, tokens: readonly Token[], file: string, line: number): void {
  const p = statementLimitProblem(stmt, st.limits, tokens);
  if (p) report(st, file, line, p.col ?? tokens[0].col, p.message, p.endCol);
}

function parseFile(st: State, text: string, file: string, stack: string[]): void {
  const { scenario } = st;
  const main = stack.length === 1;
  const here = (s: Stmt): Stmt => (main ? s : { ...s, file } as Stmt);
  const define = (name: string, addr: number, line: number, col: number) => {
    const prev = st.symbolLines.get(name);
    if (prev !== undefined) {
      const where = prev.file === file ? `line ${prev.line}` : `${prev.file}:${prev.line}`;
      report(st, file, line, col, `'${name}' is already defined on ${where}`, col + name.length);
    } else {
      scenario.symbols.set(name, addr);
      st.symbolLines.set(name, { file, line });
    }
  };
  let program: Extract<Stmt, { k: 'program' }> | undefined;
  /** Indices (in scenario.statements) of the `repeat`s open in this file, innermost last. */
  const loops: number[] = [];
  /** Loops whose `repeat` line did not parse: already reported, so not again as unclosed. */
  const brokenLoops = new Set<number>();
  const openLoop = (stmt: Stmt, broken = false) => {
    if (broken) brokenLoops.add(scenario.statements.length);
    loops.push(scenario.statements.length);
    scenario.statements.push(stmt);
  };

  const lines = text.split('\n');
  for (let idx = 0; idx < lines.length; idx++) {
    if (st.stopped || st.hidden.has(file)) return;
    const lineNo = idx + 1;
    const raw = lines[idx];
    if (++st.lines > st.limits.maxScenarioLines) {
      report(st, file, lineNo, 1, limitMessage('maxScenarioLines', `the expanded scenario of more than ${st.limits.maxScenarioLines} lines`, st.limits));
      st.stopped = true;
      return;
    }
    if (raw.length > st.limits.maxLineLength) {
      report(st, file, lineNo, 1, limitMessage('maxLineLength', `a line of ${raw.length} characters`, st.limits));
      continue;
    }
    const { tokens, errors, codeEnd } = lexLine(raw);
    for (const e of errors) report(st, file, lineNo, e.col, e.message);
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
          if (program.ccws.length === 0 && program.name !== INVALID) report(st, file, program.line, 1, `program '${program.name}' has no CCWs`, undefined, 'warning');
          program = undefined;
          continue;
        }
        const ccw = parseCcwLine(c, program.format);
        const addr = program.addr + 8 * program.ccws.length;
        const full: CcwLine = { ...ccw, line: lineNo, text: stmtText, ...(main ? {} : { file }) };
        if (ccw.label) define(ccw.label, addr, lineNo, tokens[0].col);
        if ('name' in ccw.cda) st.refs.push({ ref: ccw.cda, file, line: lineNo });
        program.ccws.push(full);
        continue;
      }
      const head = tokens[0];
      if (head.kind !== 'word') c.fail('expected a statement name');
      if (head.text === 'end' && loops.length > 0) {
        // closes the innermost `repeat` of this file (a loop cannot span an include)
        c.next();
        c.end();
        const start = loops.pop()!;
        const opener = scenario.statements[start] as Extract<Stmt, { k: 'repeat' }>;
        opener.end = scenario.statements.length;
        scenario.statements.push(here({ k: 'end-repeat', start, line: lineNo, text: stmtText }));
        continue;
      }
      const def = STATEMENT_BY_NAME.get(head.text);
      if (!def) {
        if (head.text === 'end') throw new LineError(head.col, "'end' without a 'program' block", head.col + 3);
        throw new LineError(head.col, `unknown statement '${head.text}'${suggestion(head.text, STATEMENTS.map((s) => s.name))}`, head.col + head.text.length);
      }
      c.next();
      if (head.text === 'data') checkDataSize(st, tokens);
      const body = def.parse(c);
      c.end();
      const stmt = here({ ...body, line: lineNo, text: stmtText } as Stmt);
      checkLimits(st, stmt, tokens, file, lineNo);
      if (stmt.k === 'include') {
        include(st, stmt.path, stmt.col, lineNo, file, stack);
        continue;
      }
      if (SETUP_ONCE.has(stmt.k)) {
        const prev = st.seenOnce.get(stmt.k);
        if (prev !== undefined) report(st, file, lineNo, head.col, `'${stmt.k}' was already given on line ${prev}`, head.col + head.text.length);
        else if (st.sawAction) report(st, file, lineNo, head.col, `'${stmt.k}' must come before the first other statement`, head.col + head.text.length);
        st.seenOnce.set(stmt.k, lineNo);
        if (stmt.k === 'kernel') scenario.kernel = stmt.version;
        if (stmt.k === 'topology') scenario.topology = stmt.topology;
        if (stmt.k === 'memory') scenario.memorySize = stmt.size;
        continue;
      }
      st.sawAction = true;
      if (stmt.k === 'data' || stmt.k === 'idal' || stmt.k === 'program') define(stmt.name, stmt.addr, lineNo, tokens[1]?.col ?? 1);
      if (stmt.k === 'ssch' && stmt.orb.cpa && 'name' in stmt.orb.cpa) st.refs.push({ ref: stmt.orb.cpa, file, line: lineNo });
      if (stmt.k === 'program') {
        program = stmt;
        if (stmt.addr % 8 !== 0) report(st, file, lineNo, tokens[3]?.col ?? 1, 'a channel program must be doubleword aligned (css §3.1)', undefined);
      }
      if (stmt.k === 'repeat') {
        openLoop(stmt);
        continue;
      }
      scenario.statements.push(stmt);
      // issue 11: what is knowable before running (topology, kernel version) is diagnosed here
      for (const d of staticDiagnostics(stmt, scenario, tokens)) report(st, file, lineNo, d.col, d.message, d.endCol, d.severity);
    } catch (e) {
      if (!(e instanceof LineError)) {
        // A statement parser that throws anything else is a bug; the file still gets all its
        // diagnostics instead of a crash (PRODUCT §2 "never a crash").
        report(st, file, lineNo, tokens[0].col, `internal error while parsing this line: ${e instanceof Error ? e.message : String(e)}`);
        continue;
      }
      report(st, file, lineNo, e.col, e.message, e.endCol);
      // A broken `program` header still opens its block, so its CCW lines are not misread
      // as statements (one error, not a cascade).
      if (!program && tokens[0].kind === 'word' && tokens[0].text === 'program') {
        program = { k: 'program', name: INVALID, addr: 0, format: 1, ccws: [], endLine: 0, line: lineNo, text: stmtText };
      }
      // likewise a broken `repeat` header still pairs with its `end` (run zero times; the file has an error anyway)
      if (!program && tokens[0].kind === 'word' && tokens[0].text === 'repeat') {
        openLoop(here({ k: 'repeat', count: 0, end: -1, line: lineNo, text: stmtText }), true);
      }
    }
  }
  // (a broken header already has its error; its block still runs to the next `end`)
  if (program && program.name !== INVALID) report(st, file, program.line, 1, `program '${program.name}' is not closed: expected 'end'`);
  for (const i of loops) {
    if (brokenLoops.has(i)) continue;
    const r = scenario.statements[i];
    report(st, file, r.line, 1, `'repeat' on line ${r.line} is not closed: expected 'end'${main ? '' : ' in the same file'}`);
  }
}

/** Expands `include "rel"` found at `file:line:col`. */
function include(st: State, rel: string, col: number, line: number, file: string, stack: string[]): void {
  const end = col + rel.length + 2;
  const fail = (message: string) => report(st, file, line, col, message, end);
  if (!st.opts.resolve) return fail(`cannot include '${rel}' here: no file access (include works in files run by the CLI, the debugger and the editor)`);
  const checked = resolveIncludePath(file, rel, st.root);
  if ('error' in checked) return fail(checked.error);
  if (stack.length > st.limits.maxIncludeDepth) return fail(limitMessage('maxIncludeDepth', `includes nested ${stack.length + 1} deep`, st.limits));
  if (++st.includes > st.limits.maxIncludes) {
    // Fan-out (4 includes a file, 10 levels) would expand a million files: stop at the limit.
    fail(limitMessage('maxIncludes', `include number ${st.includes} of the expanded scenario`, st.limits));
    st.stopped = true;
    return;
  }
  let got: ReturnType<IncludeResolver>;
  try {
    got = st.opts.resolve(file, rel);
  } catch (e) {
    got = { error: e instanceof Error ? e.message : String(e) };
  }
  if ('error' in got) return fail(`cannot include '${rel}': ${got.error}`);
  if (stack.includes(got.file)) return fail(`include cycle: ${[...stack, got.file].map(shortName).join(' → ')}`);
  const before = st.diagnostics.length;
  const body = decodedText(st, got.text, got.file, line, col, file);
  if (body === undefined) return;
  parseFile(st, body, got.file, [...stack, got.file]);
  const inner = st.diagnostics.slice(before).filter((d) => d.severity === 'error');
  if (inner.length) {
    const first = inner[0];
    fail(`included file '${rel}' has ${inner.length} problem${inner.length === 1 ? '' : 's'}; first: ${shortName(first.file)}:${first.line}:${first.column}: ${first.message}`);
  }
}

function shortName(file: string): string {
  const i = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return i < 0 ? file : file.slice(i + 1);
}

/** Everything placed in guest memory must fit in it. */
function checkMemory(st: State): void {
  const s = st.scenario;
  for (const x of s.statements) {
    let end = -1;
    if (x.k === 'data') end = x.addr + x.bytes.length;
    if (x.k === 'idal') end = x.addr + x.entries.length * (x.format === 1 ? 4 : 8);
    if (x.k === 'program') end = x.addr + 8 * x.ccws.length;
    if (end > s.memorySize) report(st, x.file ?? s.file, x.line, 1, `'${x.text.split(/\s+/)[1]}' ends at 0x${end.toString(16)}, beyond guest memory (0x${s.memorySize.toString(16)} bytes)`);
  }
}

export function resolveAddr(ref: AddrRef, symbols: Map<string, number>): number {
  if ('num' in ref) return Number(ref.num);
  return (symbols.get(ref.name) ?? 0) + Number(ref.offset);
}
