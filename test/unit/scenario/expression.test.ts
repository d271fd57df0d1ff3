/**
 * issue 11 B: the expression grammar shared by `expect`, conditions, logpoints and the REPL —
 * operators with C precedence, parentheses, hex byte strings, a depth cap instead of a stack
 * overflow, and a fuzz test that no input throws anything but a diagnostic.
 */
import * as assert from 'node:assert/strict';
import { lexLine } from '../../../model/scenario/lexer';
import { Cursor, LineError } from '../../../model/scenario/cursor';
import { parseExpression, MAX_EXPR_DEPTH } from '../../../model/scenario/expression';
import { evaluate, EvalError, type EvalContext, type Value } from '../../../model/scenario/evaluate';
import { parseScenario } from '../../../model/scenario/parser';
import { Runner } from '../../../model/scenario/runner';
import type { Expr } from '../../../model/scenario/ast';

function parse(src: string): Expr {
  const { tokens, errors } = lexLine(src);
  assert.deepEqual(errors, []);
  const c = new Cursor(tokens, src);
  const e = parseExpression(c);
  c.end();
  return e;
}

/** A context where `x` is 0x30, `big` is 2^63 and `m` is the bytes 00 ff. */
const CTX: EvalContext = {
  resolve(head: string): Value {
    if (head === 'x') return 0x30n;
    if (head === 'big') return 1n << 63n;
    if (head === 'm') return Uint8Array.from([0, 0xff]);
    throw new EvalError(1, `unknown name '${head}'`);
  },
};
const ev = (src: string) => evaluate(parse(src), CTX);

describe('expressions (issue 11)', () => {
  it('arithmetic and bitwise operators with C precedence', () => {
    assert.equal(ev('1 + 2 * 3'), 7n);
    assert.equal(ev('(1 + 2) * 3'), 9n);
    assert.equal(ev('10 - 3 - 2'), 5n); // left-associative
    assert.equal(ev('1 << 4 + 1'), 32n); // + binds tighter than <<
    assert.equal(ev('0xf0 | 0x0f & 0x3c'), 0xfcn); // & before |
    assert.equal(ev('0xff ^ 0x0f | 0x100'), 0x1f0n); // ^ before |
    assert.equal(ev('x >> 4'), 3n);
    assert.equal(ev('~0'), (1n << 64n) - 1n); // 64-bit complement
    assert.equal(ev('~0x7f & 0xff'), 0x80n);
    assert.equal(ev('-x + 1'), -0x2fn);
    assert.equal(ev('- -5'), 5n);
    assert.equal(ev('-EFAULT'), -14n);
    assert.equal(ev('EFAULT + 0'), 14n);
  });

  it('comparisons give 1 or 0 and bind loosest', () => {
    assert.equal(ev('x & 0x30 == 0x30'), 1n);
    assert.equal(ev('1 + 1 != 2'), 0n);
    assert.equal(ev('x < 0x31'), 1n);
    assert.equal(ev('x <= 0x2f'), 0n);
    assert.equal(ev('(x > 1) + (x >= 0x30)'), 2n);
  });

  it('hex byte strings compare with byte values (mem(…))', () => {
    assert.equal(ev('m == hex "00 ff"'), 1n);
    assert.equal(ev('m == hex "00ff00"'), 0n);
    assert.equal(ev('m != hex "0100"'), 1n);
    assert.throws(() => ev('m == 0xff'), /hex "…"/);
    assert.throws(() => ev('m + 1'), /'\+' needs numbers, got bytes/);
  });

  it('range checks: shift counts 0–64, values up to 128 bits', () => {
    assert.throws(() => ev('1 << 65'), /shift count 65 out of range/);
    assert.throws(() => ev('1 << -1'), /shift count -1 out of range/);
    assert.equal(ev('big * 2'), 1n << 64n);
    assert.throws(() => ev('big * big * big'), /value out of range/);
  });

  it('nesting deeper than MAX_EXPR_DEPTH is a diagnostic, not a stack overflow', () => {
    const ok = '('.repeat(MAX_EXPR_DEPTH) + '1' + ')'.repeat(MAX_EXPR_DEPTH);
    assert.equal(evaluate(parse(ok), CTX), 1n);
    for (const bad of ['('.repeat(MAX_EXPR_DEPTH + 1) + '1' + ')'.repeat(MAX_EXPR_DEPTH + 1), '~'.repeat(100000) + '1', 'f('.repeat(5000) + '1' + ')'.repeat(5000)]) {
      const { tokens } = lexLine(bad);
      assert.throws(() => parseExpression(new Cursor(tokens, bad)), (e: unknown) => e instanceof LineError && /nested more than 64 levels/.test(e.message));
    }
    // a long flat chain is fine (iterative): 20,000 additions
    const chain = Array.from({ length: 20000 }, () => '1').join(' + ');
    assert.equal(evaluate(parse(chain), CTX), 20000n);
  });

  it('expect splits at the outermost comparison; the scenario reports expected and actual', () => {
    const { scenario, diagnostics } = parseScenario([
      'chpid 40', 'device 0.0.1234 schid 0.0.0007 type echo chpids 40 enabled', 'data d at 0x2000 hex "12 34"',
      'expect sch(0.0.0007).pmcw.pim & 0x80 == 0x80',
      'expect (sch(0.0.0007).pmcw.dev >> 8) + 1 == 0x13',
      'expect mem(0x2000, 2) == hex "1234"',
      'expect mem(0x2000, 2) == hex "1235"',
      'expect sch(0.0.0007).pmcw.isc * 2 < 7',
    ].join('\n'), 'e.vlab');
    assert.deepEqual(diagnostics, []);
    const st = scenario.statements[3];
    assert.ok(st.k === 'expect' && st.op === '==' && st.lhs.k === 'binary' && st.lhs.op === '&');
    const r = new Runner(scenario);
    r.runToEnd();
    assert.deepEqual(r.expects.map((e) => [e.ok, e.actual]), [[true, '128 (0x80)'], [true, '19 (0x13)'], [true, '[12 34] ".4"'], [false, '[12 34] ".4"'], [true, '6']]);
  });

  it('fuzz: random token soup parses or fails with a LineError, and evaluates or fails with an EvalError', () => {
    const atoms = ['1', '0x10', 'x', 'm', 'big', '(', ')', '+', '-', '*', '&', '|', '^', '~', '<<', '>>', '==', '!=', '<', '<=', '>', '>=', 'hex "00ff"', '"s"', 'f(', ',', '.a', '[1]', 'EFAULT'];
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let parsed = 0;
    for (let i = 0; i < 20000; i++) {
      const len = 1 + rnd(24);
      const src = Array.from({ length: len }, () => atoms[rnd(atoms.length)]).join(' ');
      const { tokens, errors } = lexLine(src);
      if (errors.length) continue;
      let e: Expr;
      try {
        const c = new Cursor(tokens, src);
        e = parseExpression(c);
        c.end();
      } catch (err) {
        assert.ok(err instanceof LineError, `${src}: ${String(err)}`);
        continue;
      }
      parsed++;
      try {
        evaluate(e, CTX);
      } catch (err) {
        assert.ok(err instanceof EvalError, `${src}: ${String(err)}`);
      }
    }
    assert.ok(parsed > 1000, `only ${parsed} of the random inputs parsed`);
  });
});
