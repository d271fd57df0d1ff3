/** `expect`: scenarios are tests (PRODUCT §2 "expectations"). */
import type { StatementDef } from './types';
import { parseCompare, parseExpr } from './common';

export const EXPECT_STATEMENTS: readonly StatementDef[] = [
  {
    name: 'expect', syntax: 'expect PATH OP VALUE', ref: 'PRODUCT §2',
    help: 'Checks a visible value (cc, ret, irb.scsw.dstat, sch(0.0.0007).pmcw.lpm, page(p, addr).refcount, vmstat.*, mem(addr, n)).',
    parse(c) {
      const start = c.peek()?.col ?? 1;
      const lhs = parseExpr(c);
      const { op } = parseCompare(c);
      const rhs = parseExpr(c);
      return { k: 'expect', lhs, op, rhs, exprText: c.source.slice(start - 1).trim() };
    },
  },
];
