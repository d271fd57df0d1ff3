/**
 * Operand parsers shared by several statement families: addresses that may name a label, and
 * expressions (used by `expect`, conditions, logpoints and the REPL).
 */
import type { AddrRef, CompareOp, Expr } from '../ast';
import type { Cursor } from '../cursor';
import { parseExpression } from '../expression';

const COMPARE_OPS: CompareOp[] = ['==', '!=', '<=', '>=', '<', '>'];

export function addrRef(c: Cursor, what: string): AddrRef {
  const t = c.peek();
  if (t?.kind === 'word') {
    c.next();
    let offset = 0n;
    if (c.peekOp('+')) {
      c.next();
      offset = c.number('an offset after +');
    }
    return { name: t.text, offset, col: t.col };
  }
  return { num: c.number(what) };
}

/** An expression (model/scenario/expression.ts): operators, parentheses, byte strings, field paths. */
export function parseExpr(c: Cursor): Expr {
  return parseExpression(c);
}

export function parseCompare(c: Cursor): { op: CompareOp } {
  const t = c.peek();
  if (t?.kind === 'op' && (COMPARE_OPS as string[]).includes(t.text)) {
    c.next();
    return { op: t.text as CompareOp };
  }
  return c.fail(`expected a comparison (${COMPARE_OPS.join(' ')})`);
}
