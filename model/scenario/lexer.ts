/**
 * Line lexer for `.vlab` scenarios. A scenario is one statement a line; `#` starts a comment
 * outside strings. Tokens carry 1-based columns so every diagnostic can point at its operand.
 */

export type TokenKind = 'word' | 'number' | 'busid' | 'string' | 'op' | 'punct';

export interface Token {
  kind: TokenKind;
  text: string;
  /** 1-based column of the first character. */
  col: number;
  /** Parsed value for numbers (bigint to keep 64-bit addresses exact). */
  value?: bigint;
}

export interface LexError {
  col: number;
  message: string;
}

const SUFFIX: Record<string, bigint> = { K: 1024n, M: 1024n * 1024n, G: 1024n * 1024n * 1024n };
// longest first: `<<` before `<=` and `<`; `*`, `&`, `^`, `~`, `<<`, `>>` are expression operators (h11, issue 11)
const OPS = ['==', '!=', '<<', '>>', '<=', '>=', '->', '<', '>', '=', '|', '+', '-', '*', '&', '^', '~'];
const PUNCT = '(),.[]:{}';

export function parseNumberText(text: string): bigint | undefined {
  const m = /^(0x[0-9a-f_]+|0b[01_]+|[0-9][0-9_]*)([KMG])?$/i.exec(text);
  if (!m) return undefined;
  const body = m[1].replace(/_/g, '');
  let v: bigint;
  try {
    v = BigInt(body);
  } catch {
    return undefined;
  }
  return m[2] ? v * SUFFIX[m[2].toUpperCase()] : v;
}

export function lexLine(line: string): { tokens: Token[]; errors: LexError[]; codeEnd: number } {
  const tokens: Token[] = [];
  const errors: LexError[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t' || c === '\r') { i++; continue; }
    if (c === '#') return { tokens, errors, codeEnd: i };
    const col = i + 1;
    if (c === '"') {
      let j = i + 1;
      let s = '';
      while (j < line.length && line[j] !== '"') {
        if (line[j] === '\\' && j + 1 < line.length) {
          const e = line[j + 1];
          s += e === 'n' ? '\n' : e === 't' ? '\t' : e === '0' ? '\0' : e;
          j += 2;
        } else s += line[j++];
      }
      if (j >= line.length) errors.push({ col, message: 'unterminated string: expected a closing "' });
      tokens.push({ kind: 'string', text: s, col });
      i = j + 1;
      continue;
    }
    // bus ids: 0.0.1234 (cssid.ssid.number), checked before numbers
    const bus = /^[0-9a-f]+\.[0-9a-f]+\.[0-9a-f]+/i.exec(line.slice(i));
    if (bus && /^\d/.test(c)) {
      tokens.push({ kind: 'busid', text: bus[0], col });
      i += bus[0].length;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^[0-9a-zA-Z_]+/.exec(line.slice(i))!;
      const v = parseNumberText(m[0]);
      if (v === undefined) errors.push({ col, message: `bad number '${m[0]}': expected decimal, 0x hex or 0b binary, optionally with K/M/G` });
      tokens.push({ kind: 'number', text: m[0], col, value: v ?? 0n });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(line.slice(i))!;
      tokens.push({ kind: 'word', text: m[0], col });
      i += m[0].length;
      continue;
    }
    const op = OPS.find((o) => line.startsWith(o, i));
    if (op) {
      tokens.push({ kind: 'op', text: op, col });
      i += op.length;
      continue;
    }
    if (PUNCT.includes(c)) {
      tokens.push({ kind: 'punct', text: c, col });
      i++;
      continue;
    }
    errors.push({ col, message: `unexpected character '${c}'` });
    i++;
  }
  return { tokens, errors, codeEnd: line.length };
}
