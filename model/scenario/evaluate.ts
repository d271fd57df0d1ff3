/**
 * Evaluation of `expect` expressions and REPL expressions against the running machine.
 * Values are bigints (exact for 64-bit addresses), strings, or byte arrays (`mem(addr, n)`).
 */
import type { BinaryOp, CompareOp, Expr } from './ast';

export type Value = bigint | string | Uint8Array;

export class EvalError extends Error {
  constructor(readonly col: number, message: string) {
    super(message);
  }
}

/** What an expression can see; implemented by the runner. */
export interface EvalContext {
  resolve(head: string, args: Value[], parts: Array<{ field: string } | { index: number }>, col: number): Value;
}

/** Operand values are capped at this many bits (a 64-bit register is 64; products of two may be 128). */
export const MAX_VALUE_BITS = 128n;
const LIMIT = 1n << MAX_VALUE_BITS;
/** `~x` is the 64-bit complement (registers and fields are at most 64 bits wide). */
const MASK64 = (1n << 64n) - 1n;

function bounded(v: bigint, col: number): bigint {
  if (v >= LIMIT || v <= -LIMIT) throw new EvalError(col, `value out of range: more than ${MAX_VALUE_BITS} bits`);
  return v;
}

function num(v: Value, col: number, op: string): bigint {
  if (typeof v !== 'bigint') throw new EvalError(col, `'${op}' needs numbers, got ${typeof v === 'string' ? 'a string' : 'bytes'}`);
  return v;
}

/** A binary operator on two values (comparisons give 1 or 0). */
export function applyBinary(op: BinaryOp, a: Value, b: Value, col: number): Value {
  switch (op) {
    case '==': case '!=': case '<': case '<=': case '>': case '>=':
      return compare(a, op, b) ? 1n : 0n;
  }
  const x = num(a, col, op);
  const y = num(b, col, op);
  switch (op) {
    case '+': return bounded(x + y, col);
    case '-': return bounded(x - y, col);
    case '*': return bounded(x * y, col);
    case '&': return x & y;
    case '|': return x | y;
    case '^': return x ^ y;
    case '<<':
    case '>>':
      if (y < 0n || y > 64n) throw new EvalError(col, `shift count ${y} out of range: 0 to 64`);
      return op === '<<' ? bounded(x << y, col) : x >> y;
  }
}

/**
 * Evaluate an expression. Operator trees are walked with an explicit stack (post-order), so a
 * long operator chain never deepens the JavaScript stack; only call arguments recurse, and the
 * parser caps their nesting (expression.ts MAX_EXPR_DEPTH).
 */
export function evaluate(e: Expr, ctx: EvalContext): Value {
  if (e.k !== 'binary' && e.k !== 'unary') return evaluateLeaf(e, ctx);
  const work: Array<{ e: Expr; done: boolean }> = [{ e, done: false }];
  const values: Value[] = [];
  while (work.length) {
    const item = work.pop()!;
    const x = item.e;
    if (x.k === 'binary') {
      if (!item.done) {
        work.push({ e: x, done: true }, { e: x.rhs, done: false }, { e: x.lhs, done: false });
      } else {
        const b = values.pop()!;
        const a = values.pop()!;
        values.push(applyBinary(x.op, a, b, x.col));
      }
    } else if (x.k === 'unary') {
      if (!item.done) work.push({ e: x, done: true }, { e: x.operand, done: false });
      else {
        const v = num(values.pop()!, x.col, x.op);
        values.push(x.op === '-' ? -v : ~v & MASK64);
      }
    } else values.push(evaluateLeaf(x, ctx));
  }
  return values[0];
}

function evaluateLeaf(e: Exclude<Expr, { k: 'binary' | 'unary' }>, ctx: EvalContext): Value {
  switch (e.k) {
    case 'num': return e.value;
    case 'str': return e.value;
    case 'bytes': return e.value;
    case 'path': {
      // css §1.3: `valid(sch(SID).scsw.F)` / `valid(schib.scsw.F)` / `valid(irb.scsw.F)` reads the
      // field-validity rule, so the inner path is passed by name (head first), not evaluated.
      if (e.head === 'valid') {
        const a = e.args[0];
        if (e.args.length !== 1 || !a || a.k !== 'path' || e.parts.length) throw new EvalError(e.col, 'expected valid(sch(SID).scsw.FIELD), valid(schib.scsw.FIELD) or valid(irb.scsw.FIELD)');
        return ctx.resolve('valid', a.args.map((x) => evaluate(x, ctx)), [{ field: a.head }, ...a.parts], e.col);
      }
      return ctx.resolve(e.head, e.args.map((a) => evaluate(a, ctx)), e.parts, e.col);
    }
  }
}

export function formatValue(v: Value): string {
  if (typeof v === 'bigint') return v < 0n || v < 10n ? v.toString() : `${v} (0x${v.toString(16)})`;
  if (typeof v === 'string') return JSON.stringify(v);
  const ascii = Array.from(v, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
  return `[${Array.from(v, (b) => b.toString(16).padStart(2, '0')).join(' ')}] "${ascii}"`;
}

function asBytes(v: Value): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return Uint8Array.from(v, (ch) => ch.charCodeAt(0) & 0xff);
  throw new EvalError(1, 'cannot compare bytes with a number: write the bytes as hex "…" (e.g. mem(0x2000, 2) == hex "00ff")');
}

export function compare(a: Value, op: CompareOp, b: Value): boolean {
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    switch (op) {
      case '==': return a === b;
      case '!=': return a !== b;
      case '<': return a < b;
      case '<=': return a <= b;
      case '>': return a > b;
      case '>=': return a >= b;
    }
  }
  if (op !== '==' && op !== '!=') throw new EvalError(1, `'${op}' compares numbers only`);
  const x = asBytes(a);
  const y = asBytes(b);
  const eq = x.length === y.length && x.every((v, i) => v === y[i]);
  return op === '==' ? eq : !eq;
}

export function toNumber(v: Value, col: number, what: string): bigint {
  if (typeof v !== 'bigint') throw new EvalError(col, `${what} must be a number`);
  return v;
}
