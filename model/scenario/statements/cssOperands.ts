/** Operand readers shared by the channel-subsystem statement families (statements/css.ts, cssEvents.ts). */
import type { Cursor } from '../cursor';

export function sidOperand(c: Cursor): { sch: number; rawSid?: number } {
  // `sid VALUE` or `gr1 VALUE` (the same register, named as rchp/schm name it)
  if (c.peekWord('sid') || c.peekWord('gr1')) {
    c.next();
    const word = gr1Word(c, 'a GR1 value (the SID word in its low 32 bits)');
    return { sch: word & 0xffff, rawSid: word };
  }
  return { sch: c.schid('a subchannel id such as 0.0.0007 (or sid 0x0001NNNN)') };
}

/** Optional `at ADDR`: the instruction's second-operand address (css §5.1). */
export function atOperand(c: Cursor): number | undefined {
  if (!c.peekWord('at')) return undefined;
  c.next();
  return c.address();
}

export function withOpt<T extends object>(o: T, at: number | undefined, rawSid?: number): T & { at?: number; rawSid?: number } {
  const r: T & { at?: number; rawSid?: number } = { ...o };
  if (at !== undefined) r.at = at;
  if (rawSid !== undefined) r.rawSid = rawSid;
  return r;
}

/** A word that may contain dashes (`path-failure`, `not-oper`): the lexer splits them. */
export function dashedWord(c: Cursor, what: string): string {
  let w = c.word(what);
  while (c.peekOp('-') && c.peekAt(1)?.kind === 'word') {
    c.next();
    w += '-' + c.word(what);
  }
  return w;
}

export function hexBytes(c: Cursor, what: string): number[] {
  const t = c.peek();
  const s = c.string(what).replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(s)) c.fail('hex data must be pairs of hex digits', t);
  const out: number[] = [];
  for (let i = 0; i < s.length; i += 2) out.push(parseInt(s.slice(i, i + 2), 16));
  return out;
}

export function byteValue(c: Cursor, what: string): number {
  const t = c.peek();
  const v = c.number(what);
  if (v > 0xffn) c.fail(`${what} is one byte (0-0xff)`, t);
  return Number(v);
}

export function u16(c: Cursor, what: string): number {
  const t = c.peek();
  const v = c.number(what);
  if (v > 0xffffn) c.fail(`${what} is 16 bits (0-0xffff)`, t);
  return Number(v);
}

export function deviceTail(c: Cursor): { isc: number; enabled: boolean } {
  let isc = 3;
  let enabled = false;
  while (c.peek()) {
    if (c.peekWord('isc')) {
      c.next();
      const t = c.peek();
      isc = Number(c.number('an ISC 0-7'));
      if (isc > 7) c.fail('ISC must be 0-7 (css §1.1)', t);
    } else if (c.peekWord('enabled')) {
      c.next();
      enabled = true;
    } else c.fail("expected 'isc N' or 'enabled'");
  }
  return { isc, enabled };
}

export function chpidList(c: Cursor): number[] {
  const chpids = [c.hexByte('a CHPID')];
  while (c.peekPunct(',')) {
    c.next();
    chpids.push(c.hexByte('a CHPID'));
  }
  if (chpids.length > 8) c.fail('at most 8 CHPIDs per subchannel (css §1.1)');
  return chpids;
}

/** A 32-bit register or word operand (GR1, CR6, request words); `why` names it in the error. */
export function u32(c: Cursor, what: string, why: string): number {
  const t = c.peek();
  const v = c.number(what);
  if (v > 0xffffffffn) c.fail(why, t);
  return Number(v);
}

/**
 * A full 64-bit GR1 value: the I/O instructions use bits 32–63 (the low word) and ignore bits
 * 0–31 (css §11.6: QEMU passes the low word, HERC-z reads bits 32–63), so the low word is kept.
 */
export function gr1Word(c: Cursor, what: string): number {
  const t = c.peek();
  const v = c.number(what);
  if (v > 0xffffffffffffffffn) c.fail('GR1 is a 64-bit register (css §5.1, §11.6)', t);
  return Number(v & 0xffffffffn);
}
