/** `expect`: scenarios are tests (PRODUCT §2 "expectations"). */
import type { StatementDef } from './types';
import { parseExpr } from './common';
import { COMPARE_OPERATORS } from '../expression';
import type { CompareOp } from '../ast';

export const EXPECT_STATEMENTS: readonly StatementDef[] = [
  {
    name: 'expect', syntax: 'expect EXPR OP EXPR', ref: 'PRODUCT §2',
    help: 'Checks a visible value (cc, ret, irb.scsw.dstat, sch(0.0.0007).pmcw.lpm, page(p, addr).refcount, vmstat.*, mem(addr, n)) with == != < <= > >=; both sides are expressions (+ - * & | ^ ~ << >>, parentheses, hex "…" byte strings).',
    parse(c) {
      const start = c.peek()?.col ?? 1;
      const e = parseExpr(c);
      // the outermost comparison is the check (so the report can show expected and actual)
      if (e.k !== 'binary' || !(COMPARE_OPERATORS as readonly string[]).includes(e.op)) {
        if (c.peek()) c.fail('expected an operator or a comparison (== != < <= > >=)');
        return c.fail(`expected a comparison (${COMPARE_OPERATORS.join(' ')})`);
      }
      return { k: 'expect', lhs: e.lhs, op: e.op as CompareOp, rhs: e.rhs, exprText: c.source.slice(start - 1).trim() };
    },
  },
];
