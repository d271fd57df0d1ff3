/**
 * Which resource limit (model/limits.ts) a statement would exceed, found from its operands alone,
 * so `check` reports it at the operand's column and a runner refuses it before allocating
 * anything (issue 13: `vma … size 64G` and `gup_test -m 65536` passed `check`, then took GBs).
 * Page counts are in 4 KiB base pages (gup §0).
 */
import type { Stmt } from './ast';
import type { Token } from './lexer';
import { limitMessage, PAGE_SIZE, type LimitName, type Limits } from '../limits';

export interface LimitProblem {
  limit: LimitName;
  /** What exceeds it ("a VMA of … pages"), and the full message naming the limit and how to raise it. */
  what: string;
  message: string;
  /** 1-based column of the offending operand (when the tokens were given). */
  col?: number;
  endCol?: number;
}

const pagesOf = (bytes: bigint): bigint => (bytes + BigInt(PAGE_SIZE) - 1n) / BigInt(PAGE_SIZE);

/** The token after the word `w` (an operand introduced by a keyword such as `size`). */
function after(tokens: readonly Token[] | undefined, w: string): Token | undefined {
  if (!tokens) return undefined;
  const i = tokens.findIndex((t) => t.kind === 'word' && t.text === w);
  return i >= 0 ? tokens[i + 1] : undefined;
}

/** The first number token whose value is `v` (the operand that carries it). */
function numberToken(tokens: readonly Token[] | undefined, v: bigint | number): Token | undefined {
  return tokens?.find((t) => t.kind === 'number' && t.value === BigInt(v));
}

/** `gup_test -m MB`: the last -m wins, as with getopt (gup §8.2). */
export function gupTestMiB(argv: readonly string[]): { mib: bigint; text: string } | undefined {
  let got: { mib: bigint; text: string } | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const text = a === '-m' ? argv[i + 1] : a.startsWith('-m') ? a.slice(2) : undefined;
    if (text !== undefined && /^[0-9]+$/.test(text)) got = { mib: BigInt(text), text };
  }
  return got;
}

function mk(limits: Limits, limit: LimitName, what: string, tok: Token | undefined): LimitProblem {
  return { limit, what, message: limitMessage(limit, what, limits), ...(tok ? { col: tok.col, endCol: tok.col + Math.max(1, Math.min(tok.text.length, 80)) } : {}) };
}

/** `what` names the request ("… of N pages"); the pages the model already holds count too. */
function pages(limits: Limits, pagesNow: number, n: bigint, what: string, tok: Token | undefined): LimitProblem | undefined {
  return n + BigInt(pagesNow) > BigInt(limits.maxPages)
    ? mk(limits, 'maxPages', `${what}${pagesNow > 0 ? ` with ${pagesNow} pages already in the model` : ''}`, tok)
    : undefined;
}

/**
 * The statement kinds `statementLimitProblem` checks (its cases); any other statement is never
 * beyond a limit, and the runner skips the call for it (stmtPlan.ts; issue 12).
 * statementLimits.test.ts holds this set to the cases.
 */
export const LIMITED_KINDS: ReadonlySet<Stmt['k']> = new Set<Stmt['k']>(['memory', 'vma', 'gup', 'repeat', 'devices', 'gup_test', 'gup_test_ioctl', 'vfio_type1', 'dio', 'pvm', 'io_uring']);

/**
 * The first limit `st` exceeds, or undefined. `tokens` (the statement's line) locate the operand;
 * `pagesNow` is how many pages the model already holds (at run time), so the total stays bounded.
 * Module-level helpers, no closures: the runner asks this before every statement (issue 12).
 */
export function statementLimitProblem(st: Stmt, limits: Limits, tokens?: readonly Token[], pagesNow = 0): LimitProblem | undefined {
  switch (st.k) {
    case 'memory':
      return st.size > limits.maxGuestMemoryBytes ? mk(limits, 'maxGuestMemoryBytes', `guest memory of ${st.size} bytes`, tokens?.[1]) : undefined;
    case 'vma':
      // The VMA itself is lazy; its size still bounds what one touch/pin over it may fault.
      return pagesOf(st.size) > BigInt(limits.maxPages) ? mk(limits, 'maxPages', `a VMA of ${st.size} bytes (${pagesOf(st.size)} pages)`, after(tokens, 'size')) : undefined;
    case 'gup':
      return pages(limits, pagesNow, BigInt(st.nr), `${st.api} of ${st.nr} pages`, numberToken(tokens, st.nr));
    case 'repeat':
      // every iteration is at least one step, so a loop longer than a run's steps cannot finish
      return st.count > limits.maxSteps ? mk(limits, 'maxSteps', `repeat ${st.count}`, tokens?.[1]) : undefined;
    case 'devices':
      return st.count > limits.maxSubchannels ? mk(limits, 'maxSubchannels', `${st.count} subchannels`, after(tokens, 'count')) : undefined;
    case 'gup_test': {
      const m = gupTestMiB(st.argv);
      if (!m) return undefined;
      const tok = tokens?.find((t) => t.kind === 'number' && t.text === m.text) ?? tokens?.find((t) => t.text === 'm' || t.text === `m${m.text}`);
      if (m.mib > BigInt(limits.maxGupTestMiB)) return mk(limits, 'maxGupTestMiB', `gup_test -m ${m.mib}`, tok);
      return pages(limits, pagesNow, m.mib * 256n, `gup_test -m ${m.mib} (${m.mib * 256n} pages)`, tok);
    }
    case 'gup_test_ioctl':
      return pages(limits, pagesNow, pagesOf(st.size), `gup_test_ioctl ${st.cmd} over ${pagesOf(st.size)} pages`, numberToken(tokens, st.size));
    case 'vfio_type1':
      if (st.size !== undefined) return pages(limits, pagesNow, pagesOf(st.size), `vfio ${st.op} of ${pagesOf(st.size)} pages`, numberToken(tokens, st.size));
      if (st.npage !== undefined) return pages(limits, pagesNow, BigInt(st.npage), `vfio ${st.op} of ${st.npage} pages`, numberToken(tokens, st.npage));
      return undefined;
    case 'dio':
      return st.len !== undefined ? pages(limits, pagesNow, pagesOf(st.len), `an O_DIRECT ${st.op} of ${pagesOf(st.len)} pages`, numberToken(tokens, st.len)) : undefined;
    case 'pvm':
      return pages(limits, pagesNow, pagesOf(st.len), `process_vm_${st.write ? 'writev' : 'readv'} of ${pagesOf(st.len)} pages`, numberToken(tokens, st.len));
    case 'io_uring': {
      const total = st.iovecs.reduce((s, v) => s + pagesOf(v.len), 0n);
      return pages(limits, pagesNow, total, `io_uring buffers of ${total} pages`, undefined);
    }
    default:
      return undefined;
  }
}
