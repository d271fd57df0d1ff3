/**
 * Breakpoint conditions, hit conditions and logpoint messages (PRODUCT §3 "Breakpoints"), compiled
 * once when the client sets them and evaluated at a stop point with the scenario's own expression
 * evaluator (model/scenario/evaluate.ts), so a condition reads exactly what an `expect` reads.
 *
 * A text that does not parse, or names something the scenario can never have, is refused at set
 * time with a one-line message (the breakpoint shows unverified). A condition that fails only at
 * run time (`irb.scsw.stctl` before any `tsch`) reports the error and stops, so the user sees why.
 */
import type { Expr, Scenario } from '../model/scenario/ast';
import { Cursor, LineError } from '../model/scenario/cursor';
import { lexLine } from '../model/scenario/lexer';
import { parseExpr } from '../model/scenario/statements/index';
import { evaluate, formatValue, type Value } from '../model/scenario/evaluate';
import { walkPaths } from '../model/scenario/staticChecks';
import { PATH_HEADS } from '../model/scenario/paths';
import { VFIO_PATH_HEADS } from '../model/scenario/vfioPaths';
import { ERRNO } from '../model/linux/mm/errno';
import { suggestion } from '../model/scenario/diagnostics';
import type { Runner } from '../model/scenario/runner';

/** Longest condition, hit condition or log message accepted (a bounded input). */
export const MAX_CONDITION_LENGTH = 1000;

/** Names an expression may start with in this scenario: model paths, errno names, declared processes and bound names. */
export function knownHeads(s: Scenario, r?: Runner): Set<string> {
  const names = new Set<string>([...PATH_HEADS, ...VFIO_PATH_HEADS, ...Object.keys(ERRNO)]);
  for (const st of s.statements) {
    if (st.k === 'process') names.add(st.name);
    const bind = (st as { bind?: unknown }).bind;
    if (typeof bind === 'string') names.add(bind);
  }
  if (r) {
    for (const k of r.bindings.keys()) names.add(k);
    for (const k of r.processes.keys()) names.add(k);
  }
  return names;
}

/** A parsed expression; comparisons and operators are the scenario language's own (issue 11). */
export interface CompiledExpr {
  text: string;
  /** The parsed expression (data breakpoints find the slots it reads, dataFootprint.ts). */
  ast: Expr;
  /** The value (a comparison gives 1n / 0n). Throws an Error with a one-line message. */
  value(r: Runner): Value;
}

/**
 * Parse `text` as a scenario expression with the scenario parser (operators, comparisons,
 * parentheses). Throws an Error with a one-line message when it does not parse or names
 * something unknown.
 */
export function compileExpression(text: string, known: ReadonlySet<string>, what = 'expression'): CompiledExpr {
  const src = text.trim();
  if (src === '') throw new Error(`empty ${what}`);
  if (src.length > MAX_CONDITION_LENGTH) throw new Error(`${what} longer than ${MAX_CONDITION_LENGTH} characters`);
  const { tokens, errors } = lexLine(src);
  if (errors.length) throw new Error(`${what} '${src}': column ${errors[0].col}: ${errors[0].message}`);
  let expr: Expr;
  try {
    const c = new Cursor(tokens, src);
    expr = parseExpr(c);
    c.end();
  } catch (e) {
    if (e instanceof LineError) throw new Error(`${what} '${src}': column ${e.col}: ${e.message}`);
    throw e;
  }
  let unknown: string | undefined;
  walkPaths(expr, (p) => {
    if (unknown === undefined && !known.has(p.head)) unknown = p.head;
  });
  if (unknown !== undefined) throw new Error(`${what} '${src}': unknown name '${unknown}'${suggestion(unknown, known)}`);
  return { text: src, ast: expr, value: (r: Runner): Value => evaluate(expr, r) };
}

/** Truth of a condition's value: a nonzero number, a non-empty string or byte string. */
export function truthy(v: Value): boolean {
  if (typeof v === 'bigint') return v !== 0n;
  return v.length > 0;
}

/** js-debug's hit conditions: `>= N`, `> N`, `== N`, `< N`, `<= N`, `% N`, or a plain `N` meaning `>= N`. */
export type HitTest = (count: number) => boolean;

export function compileHitCondition(text: string): HitTest {
  const m = /^\s*(>=|<=|==|>|<|%)?\s*(\d{1,15})\s*$/.exec(text);
  if (!m) throw new Error(`hit condition '${text.trim()}': expected N, >= N, > N, == N, < N, <= N or % N`);
  const n = Number(m[2]);
  switch (m[1] ?? '>=') {
    case '>=': return (c) => c >= n;
    case '>': return (c) => c > n;
    case '==': return (c) => c === n;
    case '<': return (c) => c < n;
    case '<=': return (c) => c <= n;
    default:
      if (n === 0) throw new Error(`hit condition '${text.trim()}': % 0 divides by zero`);
      return (c) => c % n === 0;
  }
}

/** A logpoint message: literal text with `{expression}` parts; `{{` and `}}` are literal braces. */
export interface LogMessage {
  render(r: Runner): string;
}

export function compileLogMessage(text: string, known: ReadonlySet<string>): LogMessage {
  if (text.length > MAX_CONDITION_LENGTH) throw new Error(`log message longer than ${MAX_CONDITION_LENGTH} characters`);
  const parts: Array<string | CompiledExpr> = [];
  let lit = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if ((ch === '{' || ch === '}') && text[i + 1] === ch) {
      lit += ch;
      i++;
      continue;
    }
    if (ch === '}') throw new Error(`log message: '}' at column ${i + 1} has no '{' (write '}}' for a brace)`);
    if (ch !== '{') {
      lit += ch;
      continue;
    }
    const end = text.indexOf('}', i + 1);
    if (end < 0) throw new Error(`log message: '{' at column ${i + 1} is not closed`);
    if (lit) parts.push(lit);
    lit = '';
    parts.push(compileExpression(text.slice(i + 1, end), known, 'log message expression'));
    i = end;
  }
  if (lit) parts.push(lit);
  return {
    render(r: Runner): string {
      return parts.map((p) => {
        if (typeof p === 'string') return p;
        try {
          return formatValue(p.value(r));
        } catch (e) {
          return `<${e instanceof Error ? e.message : String(e)}>`;
        }
      }).join('');
    },
  };
}
