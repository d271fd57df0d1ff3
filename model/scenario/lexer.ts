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

import { escapeControls, excerpt } from './diagnostics';

const SUFFIX: Record<string, bigint> = { K: 1024n, M: 1024n * 1024n, G: 1024n * 1024n * 1024n };
/** 0b + 64 binary digits with `_` separators fits. */
const MAX_NUMBER_CHARS = 100;
// longest first: `<<` before `<=` and `<`; `*`, `&`, `^`, `~`, `<<`, `>>` are expression operators (h11, issue 11)
const OPS = ['==', '!=', '<<', '>>', '<=', '>=', '->', '<', '>', '=', '|', '+', '-', '*', '&', '^', '~'];
const PUNCT = '(),.[]:{}';

export function parseNumberText(text: string): bigint | undefined {
  // Nothing in a scenario is wider than 64 bits; a megabyte of digits would make BigInt slow.
  if (text.length > MAX_NUMBER_CHARS) return undefined;
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

// Sticky regexes read at the current index: lexing a line is linear in its length (a
// `line.slice(i)` per token made a long line quadratic, issue 13).
const BUS = /[0-9a-f]+\.[0-9a-f]+\.[0-9a-f]+/iy;
const NUMBER = /[0-9a-zA-Z_]+/y;
const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;

function stickyMatch(re: RegExp, line: string, i: number): string | undefined {
  re.lastIndex = i;
  const m = re.exec(line);
  return m ? m[0] : undefined;
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
      const parts: string[] = [];
      let from = j;
      while (j < line.length && line[j] !== '"') {
        if (line[j] === '\\' && j + 1 < line.length) {
          const e = line[j + 1];
          parts.push(line.slice(from, j), e === 'n' ? '\n' : e === 't' ? '\t' : e === '0' ? '\0' : e);
          j += 2;
          from = j;
        } else j++;
      }
      parts.push(line.slice(from, j));
      if (j >= line.length) errors.push({ col, message: 'unterminated string: expected a closing "' });
      tokens.push({ kind: 'string', text: parts.join(''), col });
      i = j + 1;
      continue;
    }
    // bus ids: 0.0.1234 (cssid.ssid.number), checked before numbers
    if (c >= '0' && c <= '9') {
      const bus = stickyMatch(BUS, line, i);
      if (bus !== undefined) {
        tokens.push({ kind: 'busid', text: bus, col });
        i += bus.length;
        continue;
      }
      const text = stickyMatch(NUMBER, line, i)!;
      const v = parseNumberText(text);
      if (v === undefined) errors.push({ col, message: `bad number '${excerpt(text)}': expected decimal, 0x hex or 0b binary, optionally with K/M/G` });
      tokens.push({ kind: 'number', text, col, value: v ?? 0n });
      i += text.length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const text = stickyMatch(WORD, line, i)!;
      tokens.push({ kind: 'word', text, col });
      i += text.length;
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
    errors.push({ col, message: `unexpected character '${escapeControls(c)}'` });
    i++;
  }
  return { tokens, errors, codeEnd: line.length };
}
