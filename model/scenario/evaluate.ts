/**
 * Evaluation of `expect` expressions and REPL expressions against the running machine.
 * Values are bigints (exact for 64-bit addresses), strings, or byte arrays (`mem(addr, n)`).
 */
import type { CompareOp, Expr } from './ast';

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

export function evaluate(e: Expr, ctx: EvalContext): Value {
  switch (e.k) {
    case 'num': return e.value;
    case 'str': return e.value;
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
  throw new EvalError(1, 'cannot compare bytes with a number');
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
