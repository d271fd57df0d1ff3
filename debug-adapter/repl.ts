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

  private statement(text: string): ReplResult {
    // Parse with the file's names known: prepend nothing, resolve labels against the scenario.
    const { scenario, diagnostics } = parseScenario(text, '<console>');
    const errs = diagnostics.filter((d) => d.severity === 'error' && !/unknown name/.test(d.message));
    if (errs.length) return { text: errs.map(formatDiagnostic).join('\n'), changed: false };
    const st = scenario.statements[0];
    if (!st) return { text: 'nothing to run', changed: false };
    for (const [k, v] of scenario.symbols) if (!this.runner.scenario.symbols.has(k)) this.runner.scenario.symbols.set(k, v);
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
        const s = this.runner.state;
        if (st.k === 'gup') summary = `ret = ${s.ret}`;
        else if (/^(ssch|simple-sch|msch|tpi)$/.test(st.k)) summary = `cc = ${s.cc}`;
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
