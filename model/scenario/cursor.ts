/**
 * A cursor over one line's tokens with typed readers. Each reader either returns a value or
 * throws a `LineError` carrying the column and an "expected …" message, so that the parser can
 * report the problem and recover at the next line.
 */
import type { Token } from './lexer';
import { suggestion } from './diagnostics';

export class LineError extends Error {
  constructor(readonly col: number, message: string, readonly endCol?: number) {
    super(message);
  }
}

/**
 * What a reader expected at the probe position: the editor's completion runs a statement's own
 * parser over the line with a probe token where the caret is, so the operands offered are
 * exactly what the parser accepts there (no second grammar to keep in sync).
 */
export type Expectation =
  | { kind: 'choice'; values: readonly string[]; what: string }
  | { kind: 'keyword'; value: string }
  | { kind: 'op'; value: string }
  | { kind: 'punct'; value: string }
  | { kind: 'word' | 'number' | 'string' | 'address' | 'hex' | 'schid' | 'devno'; what: string };

export class Cursor {
  private i = 0;
  /** Set by the completion probe: the token standing for the caret, and what readers expected there. */
  probe?: { token: Token; expected: Expectation[] };
  constructor(readonly tokens: Token[], readonly source: string) {}

  /** Records what a reader wants when it looks at the probe token (editor completion only). */
  private note(e: Expectation): void {
    if (this.probe && this.tokens[this.i] === this.probe.token) this.probe.expected.push(e);
  }

  /** Index of the next token (for callers that need to know how far a reader got). */
  get position(): number {
    return this.i;
  }

  peek(): Token | undefined {
    return this.tokens[this.i];
  }

  peekAt(offset: number): Token | undefined {
    return this.tokens[this.i + offset];
  }

  next(): Token {
    const t = this.tokens[this.i];
    if (!t) this.fail('unexpected end of line');
    this.i++;
    return t;
  }

  /** Column just past the last token, for "expected X" at end of line. */
  private endCol(): number {
    return this.source.replace(/\s+$/, '').length + 1;
  }

  fail(message: string, tok?: Token): never {
    const t = tok ?? this.peek();
    if (!t) throw new LineError(this.endCol(), message);
    throw new LineError(t.col, message + `, found '${t.text}'`, t.col + Math.max(1, t.text.length));
  }

  peekWord(w: string): boolean {
    this.note({ kind: 'keyword', value: w });
    const t = this.peek();
    return t?.kind === 'word' && t.text === w;
  }

  peekOp(op: string): boolean {
    this.note({ kind: 'op', value: op });
    const t = this.peek();
    return t?.kind === 'op' && t.text === op;
  }

  peekPunct(p: string): boolean {
    this.note({ kind: 'punct', value: p });
    const t = this.peek();
    return t?.kind === 'punct' && t.text === p;
  }

  expectOp(op: string): void {
    this.note({ kind: 'op', value: op });
    if (!this.peekOp(op)) this.fail(`expected '${op}'`);
    this.i++;
  }

  expectPunct(p: string): void {
    this.note({ kind: 'punct', value: p });
    if (!this.peekPunct(p)) this.fail(`expected '${p}'`);
    this.i++;
  }

  keyword(w: string): void {
    this.note({ kind: 'keyword', value: w });
    const t = this.peek();
    if (t?.kind === 'word' && t.text === w) {
      this.i++;
      return;
    }
    this.fail(`expected '${w}'`);
  }

  word(what: string): string {
    this.note({ kind: 'word', what });
    const t = this.peek();
    if (t?.kind !== 'word') this.fail(`expected ${what}`);
    this.i++;
    return t.text;
  }

  oneOf<T extends string>(choices: readonly T[], what: string): T {
    this.note({ kind: 'choice', values: choices, what });
    const t = this.peek();
    if (t?.kind === 'word' && (choices as readonly string[]).includes(t.text)) {
      this.i++;
      return t.text as T;
    }
    if (t?.kind === 'word') {
      const noun = what.replace(/^(a|an) /, '');
      throw new LineError(t.col, `unknown ${noun} '${t.text}'${suggestion(t.text, choices)}`, t.col + t.text.length);
    }
    return this.fail(`expected ${what}`);
  }

  number(what: string): bigint {
    this.note({ kind: 'number', what });
    const t = this.peek();
    if (t?.kind !== 'number' || t.value === undefined) this.fail(`expected ${what}`);
    this.i++;
    return t.value;
  }

  count(what: string): number {
    const n = this.number(what);
    if (n > 0x1000000n) this.fail(`${what} is too large`, this.tokens[this.i - 1]);
    return Number(n);
  }

  string(what: string): string {
    this.note({ kind: 'string', what });
    const t = this.peek();
    if (t?.kind !== 'string') this.fail(`expected ${what}`);
    this.i++;
    return t.text;
  }

  /** A 31-bit guest address. */
  address(): number {
    this.note({ kind: 'address', what: 'a guest address' });
    const t = this.peek();
    const n = this.number('a guest address');
    if (n > 0x7fffffffn) this.fail('a guest address must fit in 31 bits (css §3.1)', t);
    return Number(n);
  }

  hexByte(what: string): number {
    this.note({ kind: 'hex', what });
    const t = this.peek();
    if (!t || (t.kind !== 'number' && t.kind !== 'word')) this.fail(`expected ${what}`);
    const text = t.text.toLowerCase().replace(/^0x/, '');
    if (!/^[0-9a-f]{1,2}$/.test(text)) this.fail(/\bhex\b/.test(what) ? `expected ${what}` : `expected ${what} (hex 00-ff)`);
    this.i++;
    return parseInt(text, 16);
  }

  /** cssid.ssid.number (or a bare hex number for the subchannel/device number). */
  busNumber(t: Token): number {
    const parts = t.text.split('.');
    if (parts.length !== 3 || !parts.every((p) => /^[0-9a-f]+$/i.test(p))) this.fail('expected a bus id like 0.0.1234', t);
    const [cssid, ssid, num] = parts.map((p) => parseInt(p, 16));
    if (cssid > 0xff || ssid > 3 || num > 0xffff) {
      throw new LineError(t.col, `bad id '${t.text}': cssid 0-ff, ssid 0-3, number 0-ffff (css §5.1)`, t.col + t.text.length);
    }
    if (cssid !== 0 || ssid !== 0) {
      throw new LineError(t.col, `id '${t.text}': only css 0, subchannel set 0 are modelled`, t.col + t.text.length);
    }
    return num;
  }

  private busOrHex(what: string, kind: 'schid' | 'devno'): number {
    this.note({ kind, what });
    const t = this.peek();
    if (t?.kind === 'busid') {
      this.i++;
      return this.busNumber(t);
    }
    if (t && (t.kind === 'number' || t.kind === 'word') && /^(0x)?[0-9a-f]{1,4}$/i.test(t.text)) {
      this.i++;
      return parseInt(t.text.replace(/^0x/i, ''), 16);
    }
    return this.fail(`expected ${what}`);
  }

  devno(what: string): number {
    return this.busOrHex(what, 'devno');
  }

  schid(what: string): number {
    return this.busOrHex(what, 'schid');
  }

  end(): void {
    if (this.peek()) this.fail('expected end of line');
  }
}
