/**
 * The debug console: any scenario statement or expression, plus `help` (PRODUCT §3 "REPL").
 * The command table is the scenario's statement table (STYLE §8: one table for help,
 * completion and parsing). A statement changes the machine at the current stop, so it goes
 * through the navigator's edit path: undoable by stepping back.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Runner } from '../model/scenario/runner';
import type { Navigator } from './navigator';
import { STATEMENTS, STATEMENT_BY_NAME, parseExpr } from '../model/scenario/statements/index';
import { parseScenario } from '../model/scenario/parser';
import { formatDiagnostic, suggestion } from '../model/scenario/diagnostics';
import { lexLine } from '../model/scenario/lexer';
import { Cursor, LineError } from '../model/scenario/cursor';
import { evaluate, formatValue } from '../model/scenario/evaluate';
import { PATH_HEADS } from '../model/scenario/paths';
import { describeEvent } from '../model/engine/events';
import type { Expr, Stmt } from '../model/scenario/ast';
import { isConsoleJob } from '../model/scenario/exec/resumable';
import { ConsoleJob } from './consoleJob';

/**
 * A value the console and hovers show as an expandable tree (issue 9 "REPL and hovers"):
 * stored images, a live SCHIB, a page, a bound name's pages, a vfio-ccw channel program, a CCW.
 */
export type Structured =
  | { kind: 'irb' }
  | { kind: 'schib' }
  | { kind: 'sch'; sch: number; side?: 'guest' | 'host' }
  | { kind: 'page'; pfn: number; at: string }
  | { kind: 'bound'; name: string }
  | { kind: 'cp'; sch: number }
  | { kind: 'ccw'; addr: number };

const sidText = (sch: number) => `0.0.${sch.toString(16).padStart(4, '0')}`;

export interface ReplResult {
  text: string;
  /** The machine changed: views and variables must refresh. */
  changed: boolean;
}

const REPL_HELP = 'help [STATEMENT]';

export function helpText(name?: string): string {
  if (name) {
    const d = STATEMENT_BY_NAME.get(name);
    if (!d) return `no statement '${name}'${suggestion(name, STATEMENTS.map((s) => s.name))}`;
    return `${d.syntax}\n  ${d.help}\n  (${d.ref})`;
  }
  const width = Math.max(...STATEMENTS.map((s) => s.name.length));
  return [
    'Type a statement to run it now (undo with Step Back), or an expression to evaluate it.',
    `Expressions: ${PATH_HEADS.join(' ')}, bound names; e.g. irb.scsw.stctl, page(qemu, 0x7f0000000000).refcount`,
    `${REPL_HELP} for details. Statements:`,
    ...STATEMENTS.map((s) => `  ${s.name.padEnd(width)}  ${s.help}`),
  ].join('\n');
}

export class Repl {
  constructor(private readonly runner: Runner, private readonly nav: Navigator) {}

  evaluate(input: string): ReplResult {
    const text = input.trim();
    if (text === '') return { text: '', changed: false };
    const words = text.split(/\s+/);
    if (words[0] === 'help' || words[0] === '?') return { text: helpText(words[1]), changed: false };
    if (STATEMENT_BY_NAME.has(words[0])) return this.statement(text);
    return { text: this.expression(text), changed: false };
  }

  /**
   * The structured value `text` names, with its one-line summary; undefined when it names a
   * scalar (or nothing: the caller evaluates it as an expression and reports the error).
   */
  structured(text: string): { value: Structured; summary: string } | undefined {
    const { tokens, errors } = lexLine(text.trim());
    if (errors.length || !tokens.length) return undefined;
    let e: Expr;
    try {
      const c = new Cursor(tokens, text.trim());
      e = parseExpr(c);
      c.end();
    } catch {
      return undefined;
    }
    if (e.k !== 'path') return undefined;
    const r = this.runner;
    const arg = (i: number) => {
      const a = e.args[i];
      try {
        return a ? evaluate(a, r) : undefined;
      } catch {
        return undefined; // not a structured value: the expression path reports the error
      }
    };
    const num = (i: number) => {
      const v = arg(i);
      return typeof v === 'bigint' ? Number(v) : undefined;
    };
    const parts = e.parts;
    if (parts.length === 0 && e.args.length === 0) {
      if (e.head === 'irb' && r.state.irb) return { value: { kind: 'irb' }, summary: 'IRB of the last tsch (css §4)' };
      if (e.head === 'schib' && r.state.schib) return { value: { kind: 'schib' }, summary: 'SCHIB of the last stsch (css §1)' };
      const bound = r.bindings.get(e.head);
      if (bound) return { value: { kind: 'bound', name: e.head }, summary: `${bound.length} pages` };
      return undefined;
    }
    if (parts.length === 1 && 'index' in parts[0] && e.args.length === 0) {
      const bound = r.bindings.get(e.head);
      const i = parts[0].index;
      if (bound && i < bound.length) return { value: { kind: 'page', pfn: bound[i], at: `${e.head}[${i}]` }, summary: `pfn 0x${bound[i].toString(16)}` };
      return undefined;
    }
    if (parts.length) return undefined;
    if (e.head === 'sch' && e.args.length === 1) {
      const sch = num(0);
      if (sch !== undefined && r.css.hasSubchannel(sch)) return { value: { kind: 'sch', sch }, summary: `SCHIB of ${sidText(sch)} (css §1)` };
    }
    if ((e.head === 'guest' || e.head === 'host') && e.args.length === 1 && r.vfio) {
      const sch = num(0);
      if (sch !== undefined && r.vfio.qemu.devices.has(sch)) return { value: { kind: 'sch', sch, side: e.head }, summary: `${e.head} SCHIB of ${sidText(sch)} (css §1)` };
    }
    if ((e.head === 'cp' || e.head === 'fsm' || e.head === 'vfio') && e.args.length === 1 && r.vfio) {
      const sch = num(0);
      const p = sch === undefined ? undefined : r.vfio.vfio.devices.get(sch);
      if (p && sch !== undefined) return { value: { kind: 'cp', sch }, summary: `${p.state}, ${p.cp.chains.length} chains (css §8.3, §9)` };
    }
    if (e.head === 'ccw' && e.args.length === 1) {
      const addr = num(0);
      if (addr !== undefined && r.mem.inRange(addr, 8)) return { value: { kind: 'ccw', addr }, summary: `CCW at 0x${addr.toString(16)} (css §3.1)` };
    }
    if (e.head === 'page' && e.args.length === 2) {
      const p = arg(0);
      const addr = arg(1);
      const pid = typeof p === 'bigint' ? Number(p) : typeof p === 'string' ? r.processes.get(p) : undefined;
      if (pid === undefined || typeof addr !== 'bigint') return undefined;
      const pfn = r.mm.pageAt(pid, addr);
      if (pfn === undefined) return undefined;
      const name = typeof p === 'string' ? p : String(pid);
      return { value: { kind: 'page', pfn, at: `page(${name}, 0x${addr.toString(16)})` }, summary: `pfn 0x${pfn.toString(16)}` };
    }
    return undefined;
  }

  /** Evaluate an expression (hovers, watches); throws with a one-line message when it is not one. */
  value(text: string): string {
    const { tokens, errors } = lexLine(text);
    if (errors.length) throw new Error(`error at column ${errors[0].col}: ${errors[0].message}`);
    try {
      const c = new Cursor(tokens, text);
      const e = parseExpr(c);
      c.end();
      return formatValue(evaluate(e, this.runner));
    } catch (e) {
      if (e instanceof LineError) throw new Error(`error at column ${e.col}: ${e.message}`);
      throw e;
    }
  }

  /** Evaluate an expression only (hovers, watches): never changes the machine. */
  expression(text: string): string {
    const { tokens, errors } = lexLine(text);
    if (errors.length) return `error at column ${errors[0].col}: ${errors[0].message}`;
    try {
      const c = new Cursor(tokens, text);
      const e = parseExpr(c);
      c.end();
      return formatValue(evaluate(e, this.runner));
    } catch (e) {
      if (e instanceof LineError) return `error at column ${e.col}: ${e.message}`;
      if (e instanceof Error) return `error: ${e.message}`;
      throw e;
    }
  }

  /**
   * A console statement that is long, resumable work (gup_test, a large GUP call, release or vfio
   * map; model/scenario/exec/resumable.ts isConsoleJob)
   * as a job run in slices (consoleJob.ts); undefined for anything else (evaluate() runs it).
   * Throws when the session is not at a statement stop, like any console statement.
   */
  job(input: string): ConsoleJob | undefined {
    const text = input.trim();
    const word = /^\S+/.exec(text)?.[0];
    if (!word || !STATEMENT_BY_NAME.has(word)) return undefined;
    const p = this.prepare(text);
    if ('error' in p || !isConsoleJob(this.runner, p.st)) return undefined;
    const st = p.st;
    return new ConsoleJob(text, this.runner, this.nav, st, () => this.summaryOf(st));
  }

  /** Parse a console statement as a line of the running scenario; an error text when it is none. */
  private prepare(text: string): { st: Stmt } | { error: string } {
    // Parse with the file's names known: prepend nothing, resolve labels against the scenario.
    // judged as a line of the running scenario: its kernel version and topology (static checks, issue 11)
    const { kernel, topology } = this.runner.scenario;
    const { scenario, diagnostics } = parseScenario(text, '<console>', { context: { kernel, topology } });
    const errs = diagnostics.filter((d) => d.severity === 'error' && !/unknown name/.test(d.message));
    if (errs.length) return { error: errs.map(formatDiagnostic).join('\n') };
    const st = scenario.statements[0];
    if (!st) return { error: 'nothing to run' };
    for (const [k, v] of scenario.symbols) if (!this.runner.scenario.symbols.has(k)) this.runner.scenario.symbols.set(k, v);
    return { st };
  }

  /** The last line of a statement's console output. */
  private summaryOf(st: Stmt): string {
    const s = this.runner.state;
    if (st.k === 'gup') return `ret = ${s.ret}`;
    if (/^(ssch|simple-sch|msch|tpi)$/.test(st.k)) return `cc = ${s.cc}`;
    return 'done';
  }

  private statement(text: string): ReplResult {
    const p = this.prepare(text);
    if ('error' in p) return { text: p.error, changed: false };
    const st = p.st;
    const lines: string[] = [];
    let summary = 'done';
    const listen = (r: { event: Parameters<typeof describeEvent>[0] }) => lines.push(describeEvent(r.event));
    try {
      this.nav.editHere(() => {
        // only the statement's own events and results: the navigator re-runs the stop after it
        this.runner.m.onEvent(listen);
        try {
          const error = this.runner.execNow(st);
          if (error) throw new Error(error);
        } finally {
          this.runner.m.offEvent(listen);
        }
        summary = this.summaryOf(st);
      });
    } catch (e) {
      return { text: e instanceof Error ? e.message : String(e), changed: false };
    }
    return { text: [...lines, summary].join('\n'), changed: true };
  }

  completions(text: string, column: number): DebugProtocol.CompletionItem[] {
    const before = text.slice(0, Math.max(0, column - 1));
    const word = /[\w.]*$/.exec(before)?.[0] ?? '';
    const atStart = before.trim() === word;
    const pool = atStart ? [...STATEMENTS.map((s) => s.name), 'help', ...PATH_HEADS] : [...PATH_HEADS, ...this.runner.bindings.keys()];
    return [...new Set(pool)].filter((p) => p.startsWith(word)).map((label) => ({ label, type: STATEMENT_BY_NAME.has(label) ? 'keyword' : 'variable' }));
  }
}
