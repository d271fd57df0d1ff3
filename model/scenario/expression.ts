/**
 * The one expression parser: `expect`, breakpoint conditions, logpoints and the REPL all read
 * expressions through it (PRODUCT §2 "expectations"). Precedence, lowest first (as in C):
 *
 *   == != < <= > >=   |   ^   &   << >>   + -   *   unary - ~   primary
 *
 * Primaries: numbers, "strings", `hex "00 ff"` byte strings, `( … )`, errno names (`-EFAULT`),
 * and field paths `head(args).field[index]…`. Binary operators are parsed by precedence climbing
 * with an explicit loop per level; nesting (parentheses, unary operators, call arguments) is
 * capped at MAX_EXPR_DEPTH so hostile input gets a clear diagnostic, never a stack overflow.
 */
import type { BinaryOp, Expr } from './ast';
import type { Cursor } from './cursor';
import { ERRNO } from '../linux/mm/errno';

/** Deepest nesting of parentheses, unary operators and call arguments an expression may have. */
export const MAX_EXPR_DEPTH = 64;

/** Binary operators by precedence level, lowest first. */
export const BINARY_LEVELS: readonly (readonly BinaryOp[])[] = [
  ['==', '!=', '<', '<=', '>', '>='],
  ['|'],
  ['^'],
  ['&'],
  ['<<', '>>'],
  ['+', '-'],
  ['*'],
];

export const COMPARE_OPERATORS: readonly BinaryOp[] = BINARY_LEVELS[0];

export function parseExpression(c: Cursor): Expr {
  return level(c, 0, 0);
}

function opAt(c: Cursor, ops: readonly BinaryOp[]): BinaryOp | undefined {
  const t = c.peek();
  return t?.kind === 'op' && (ops as readonly string[]).includes(t.text) ? (t.text as BinaryOp) : undefined;
}

/** One precedence level: operand (op operand)*, left-associative, iterative along the chain. */
function level(c: Cursor, lv: number, depth: number): Expr {
  if (lv >= BINARY_LEVELS.length) return unary(c, depth);
  let lhs = level(c, lv + 1, depth);
  for (;;) {
    const op = opAt(c, BINARY_LEVELS[lv]);
    if (!op) return lhs;
    const t = c.next();
    const rhs = level(c, lv + 1, depth);
    lhs = { k: 'binary', op, lhs, rhs, col: t.col };
  }
}

function deeper(c: Cursor, depth: number): number {
  if (depth + 1 > MAX_EXPR_DEPTH) c.fail(`expression nested more than ${MAX_EXPR_DEPTH} levels deep (parentheses, unary operators, call arguments)`);
  return depth + 1;
}

/** Unary minus / complement chains are read in a loop, then applied innermost first. */
function unary(c: Cursor, depth: number): Expr {
  const ops: Array<{ op: '-' | '~'; col: number }> = [];
  for (;;) {
    const t = c.peek();
    if (t?.kind !== 'op' || (t.text !== '-' && t.text !== '~')) break;
    depth = deeper(c, depth);
    c.next();
    ops.push({ op: t.text, col: t.col });
  }
  let e = primary(c, depth);
  for (let i = ops.length - 1; i >= 0; i--) {
    const { op, col } = ops[i];
    // -EFAULT / -5: fold to a literal (gup §2.4 errno names compare with `ret`)
    if (op === '-' && e.k === 'num') e = { k: 'num', value: -e.value };
    else e = { k: 'unary', op, operand: e, col };
  }
  return e;
}

function primary(c: Cursor, depth: number): Expr {
  const t = c.peek();
  if (!t) return c.fail('expected a value or a field path');
  if (t.kind === 'number') return { k: 'num', value: c.number('a number') };
  if (t.kind === 'string') {
    c.next();
    return { k: 'str', value: t.text };
  }
  if (t.kind === 'punct' && t.text === '(') {
    const inner = deeper(c, depth);
    c.next();
    const e = level(c, 0, inner);
    c.expectPunct(')');
    return e;
  }
  if (t.kind === 'word' && t.text === 'hex' && c.peekAt(1)?.kind === 'string') {
    // a byte string for `mem(…) ==`: hex digit pairs, spaces allowed
    c.next();
    const s = c.next();
    const digits = s.text.replace(/\s+/g, '');
    if (!/^([0-9a-fA-F]{2})*$/.test(digits)) c.fail('expected pairs of hex digits in hex "…" (e.g. hex "00 ff 12")', s);
    const bytes = new Uint8Array(digits.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
    return { k: 'bytes', value: bytes };
  }
  if (t.kind === 'word' && Object.prototype.hasOwnProperty.call(ERRNO, t.text) && !(c.peekAt(1)?.kind === 'punct' && ['(', '.', '['].includes(c.peekAt(1)!.text))) {
    // an errno name: its positive value (`-EFAULT` folds to the negative one)
    c.next();
    return { k: 'num', value: BigInt(ERRNO[t.text as keyof typeof ERRNO]) };
  }
  const head = c.word('a value, ( … ) or a field path such as cc, irb.scsw.stctl or page(proc, addr).refcount');
  const args: Expr[] = [];
  if (c.peekPunct('(')) {
    const inner = deeper(c, depth);
    c.next();
    while (!c.peekPunct(')')) {
      const a = c.peek();
      if (a?.kind === 'busid') {
        c.next();
        args.push({ k: 'num', value: BigInt(c.busNumber(a)) });
      } else args.push(level(c, 0, inner));
      if (c.peekPunct(',')) c.next();
      else if (!c.peekPunct(')')) c.fail("expected ',' or ')'");
    }
    c.next();
  }
  const parts: Array<{ field: string } | { index: number }> = [];
  for (;;) {
    if (c.peekPunct('.')) {
      c.next();
      parts.push({ field: c.word('a field name after .') });
    } else if (c.peekPunct('[')) {
      c.next();
      parts.push({ index: Number(c.number('an index')) });
      c.expectPunct(']');
    } else break;
  }
  return { k: 'path', head, args, parts, col: t.col };
}
