/**
 * Operand parsers shared by several statement families: addresses that may name a label, and
 * expressions (used by `expect` and the REPL).
 */
import type { AddrRef, CompareOp, Expr } from '../ast';
import type { Cursor } from '../cursor';
import { ERRNO } from '../../linux/mm/errno';

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

export function parseExpr(c: Cursor): Expr {
  const t = c.peek();
  if (!t) c.fail('expected a value or a field path');
  if (t.kind === 'number') return { k: 'num', value: c.number('a number') };
  if (t.kind === 'string') {
    c.next();
    return { k: 'str', value: t.text };
  }
  if (t.kind === 'op' && t.text === '-') {
    c.next();
    // -EFAULT: an errno name, folded to its negative value (gup §2.4)
    const w = c.peek();
    if (w?.kind === 'word' && Object.prototype.hasOwnProperty.call(ERRNO, w.text)) {
      c.next();
      return { k: 'num', value: -BigInt(ERRNO[w.text as keyof typeof ERRNO]) };
    }
    return { k: 'num', value: -c.number('a number or an errno name after -') };
  }
  const head = c.word('a field path such as cc, irb.scsw.stctl or page(proc, addr).refcount');
  const args: Expr[] = [];
  if (c.peekPunct('(')) {
    c.next();
    while (!c.peekPunct(')')) {
      const a = c.peek();
      if (a?.kind === 'busid') {
        c.next();
        args.push({ k: 'num', value: BigInt(c.busNumber(a)) });
      } else args.push(parseExpr(c));
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

export function parseCompare(c: Cursor): { op: CompareOp } {
  const t = c.peek();
  if (t?.kind === 'op' && (COMPARE_OPS as string[]).includes(t.text)) {
    c.next();
    return { op: t.text as CompareOp };
  }
  return c.fail(`expected a comparison (${COMPARE_OPS.join(' ')})`);
}
