/**
 * One analysed `.vlab` text for the editor features: its lines, which lines are inside a
 * `program` block, and the names it defines (programs, CCW labels, data, IDALs, processes,
 * bindings) with their positions. Built from the one parser's AST, so every statement that
 * defines a `name` or binds a result (`-> NAME`) is known without a list of statement kinds.
 *
 * Positions in this folder are 0-based lines and characters, as in LSP and `vscode.Position`.
 */
import { parseScenario, type ParseResult } from '../parser';
import { lexLine, type Token } from '../lexer';
import type { Stmt } from '../ast';

export type DefKind = 'program' | 'label' | 'data' | 'idal' | 'process' | 'binding' | 'name';

export interface Definition {
  name: string;
  kind: DefKind;
  /** The statement kind that defines it (`program`, `data`, `process`, `gup`, …). */
  stmt: string;
  line: number;
  col: number;
  endCol: number;
  /** Guest address for programs, labels, data and IDALs. */
  addr?: number;
}

export interface Block {
  name: string;
  start: number;
  /** The `end` line, or the last line of the file when unclosed. */
  end: number;
}

export class VlabDocument {
  readonly lines: string[];
  private parsed?: ParseResult;
  private defs?: Definition[];
  private blocks?: Block[];

  constructor(readonly text: string, readonly file = '<document>') {
    this.lines = text.split('\n');
  }

  get parse(): ParseResult {
    return (this.parsed ??= parseScenario(this.text, this.file));
  }

  /** Statements written in this file (not the ones an `include` brought in). */
  get statements(): Stmt[] {
    return this.parse.scenario.statements.filter((s) => s.file === undefined);
  }

  /** `program … end` blocks, found lexically so that a half-typed program still counts. */
  get programBlocks(): Block[] {
    if (this.blocks) return this.blocks;
    const out: Block[] = [];
    let open: Block | undefined;
    this.lines.forEach((raw, i) => {
      const { tokens } = lexLine(raw);
      const head = tokens[0];
      if (head?.kind !== 'word') return;
      if (open && head.text === 'end') {
        open.end = i;
        out.push(open);
        open = undefined;
      } else if (!open && head.text === 'program') {
        open = { name: tokens[1]?.kind === 'word' ? tokens[1].text : '<program>', start: i, end: this.lines.length - 1 };
      }
    });
    if (open) out.push(open);
    return (this.blocks = out);
  }

  /** The block a line is inside (strictly between `program` and `end`). */
  blockAt(line: number): Block | undefined {
    return this.programBlocks.find((b) => line > b.start && (line < b.end || (line === b.end && !this.isEndLine(line))));
  }

  private isEndLine(line: number): boolean {
    const t = lexLine(this.lines[line] ?? '').tokens[0];
    return t?.kind === 'word' && t.text === 'end';
  }

  get definitions(): Definition[] {
    if (this.defs) return this.defs;
    const defs: Definition[] = [];
    const add = (name: string, kind: DefKind, stmt: string, line: number, addr?: number, after = 0) => {
      const text = this.lines[line] ?? '';
      const m = new RegExp(`(?<![\\w.])${name.replace(/[^\w]/g, '\\$&')}(?![\\w])`).exec(text.slice(after));
      const col = m ? m.index + after : 0;
      defs.push({ name, kind, stmt, line, col, endCol: col + name.length, ...(addr === undefined ? {} : { addr }) });
    };
    for (const st of this.statements) {
      const line = st.line - 1;
      const rec = st as unknown as Record<string, unknown>;
      if (typeof rec.name === 'string') {
        const kind: DefKind = st.k === 'program' || st.k === 'data' || st.k === 'idal' || st.k === 'process' ? st.k : 'name';
        const head = (this.lines[line] ?? '').search(/\S/) + st.k.length;
        add(rec.name, kind, st.k, line, typeof rec.addr === 'number' ? rec.addr : undefined, Math.max(0, head));
      }
      if (typeof rec.bind === 'string') {
        const arrow = (this.lines[line] ?? '').indexOf('->');
        add(rec.bind, 'binding', st.k, line, undefined, Math.max(0, arrow));
      }
      if (st.k === 'program') {
        st.ccws.forEach((c, i) => {
          if (c.label) add(c.label, 'label', 'ccw', c.line - 1, st.addr + 8 * i);
        });
      }
    }
    return (this.defs = defs);
  }

  namesOf(...kinds: DefKind[]): Definition[] {
    return this.definitions.filter((d) => kinds.includes(d.kind));
  }
}

/** The token under (or just before) a 0-based character, with its index. */
export function tokenAt(tokens: Token[], ch: number): { tok: Token; index: number } | undefined {
  const col = ch + 1;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const len = t.kind === 'string' ? t.text.length + 2 : t.text.length;
    if (col >= t.col && col < t.col + Math.max(1, len)) return { tok: t, index: i };
  }
  return undefined;
}
