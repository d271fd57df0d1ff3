/**
 * The TextMate grammar (syntaxes/vlab.tmLanguage.json) tokenised by the real engine
 * (vscode-textmate + vscode-oniguruma, as VS Code does): every token class gets its scope, and
 * every name of the statement, CCW command, CCW flag and FOLL_* tables is coloured as such.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vsctm from 'vscode-textmate';
import * as oniguruma from 'vscode-oniguruma';
import { STATEMENTS, CCW_COMMANDS, CCW_FLAGS } from '../../../model/scenario/statements';
import { FOLL_FLAGS } from '../../../model/linux/mm/foll';

const ROOT = path.resolve(__dirname, '../../../..');

let grammar: vsctm.IGrammar;

before(async () => {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (s: string[]) => new oniguruma.OnigScanner(s), createOnigString: (s: string) => new oniguruma.OnigString(s) }),
    loadGrammar: async (scope) => {
      if (scope !== 'source.vlab') return null;
      const file = path.join(ROOT, 'syntaxes/vlab.tmLanguage.json');
      return vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
    },
  });
  const g = await registry.loadGrammar('source.vlab');
  assert.ok(g, 'grammar loads');
  grammar = g;
});

interface Tok { text: string; scopes: string[] }

/** Tokenise a whole text; returns the tokens of each line. */
function tokenize(text: string): Tok[][] {
  let state = vsctm.INITIAL;
  return text.split('\n').map((line) => {
    const r = grammar.tokenizeLine(line, state);
    state = r.ruleStack;
    return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

/** The innermost scope of the token that is exactly `text` on line `n` (0-based) of `text`. */
function scopeOf(lines: Tok[][], n: number, tokenText: string): string {
  const t = lines[n].find((x) => x.text.trim() === tokenText);
  assert.ok(t, `no token '${tokenText}' on line ${n}: ${JSON.stringify(lines[n].map((x) => x.text))}`);
  return t.scopes[t.scopes.length - 1];
}

const CORPUS = [
  '# a comment', // 0
  'chpid 40 type 0x1b', // 1
  'device 0.0.1234 schid 0.0.0007 type echo chpids 40,41 enabled', // 2
  'data msg at 0x2000 ascii "HI\\n"', // 3
  'program echo at 0x1000 format 1', // 4
  '  top: WRITE CC|SLI count 0b1000 data msg   # ccw', // 5
  '  TIC top', // 6
  '  0x13 SKP count 4', // 7
  'end', // 8
  'ssch 0.0.0007 cpa=echo lpm=0x80', // 9
  'pin_user_pages qemu 0x7f0000000000 512 FOLL_WRITE|FOLL_LONGTERM -> bufs', // 10
  'expect irb.scsw.dstat == 0x0c', // 11
  'expect page(qemu, 0x7f0000000000).refcount >= 1025', // 12
  'include "common/setup.vlab"', // 13
  'expect (sch(0.0.0007).pmcw.lpm & ~0x7f) << 1 == 0x100 * 1 ^ 0', // 14
  'expect mem(0x2000, 2) != hex "00 ff"', // 15
  'expect irb.scsw.cpa - 8 >> 3 < 0x400 + cc', // 16
].join('\n');

describe('grammar: token classes', () => {
  let L: Tok[][];
  before(() => {
    L = tokenize(CORPUS);
  });

  it('comments', () => {
    assert.equal(scopeOf(L, 0, '# a comment'), 'comment.line.number-sign.vlab');
    assert.equal(scopeOf(L, 5, '# ccw'), 'comment.line.number-sign.vlab');
  });
  it('statement keywords and GUP calls', () => {
    assert.equal(scopeOf(L, 1, 'chpid'), 'keyword.control.statement.vlab');
    assert.equal(scopeOf(L, 9, 'ssch'), 'keyword.control.statement.vlab');
    assert.equal(scopeOf(L, 13, 'include'), 'keyword.control.statement.vlab');
    assert.equal(scopeOf(L, 4, 'program'), 'keyword.control.program.vlab');
    assert.equal(scopeOf(L, 8, 'end'), 'keyword.control.end.vlab');
    assert.equal(scopeOf(L, 10, 'pin_user_pages'), 'support.function.gup.vlab');
  });
  it('numbers: hex, decimal, binary', () => {
    assert.equal(scopeOf(L, 1, '0x1b'), 'constant.numeric.hex.vlab');
    assert.equal(scopeOf(L, 10, '512'), 'constant.numeric.decimal.vlab');
    assert.equal(scopeOf(L, 5, '0b1000'), 'constant.numeric.binary.vlab');
    assert.equal(scopeOf(L, 7, '0x13'), 'constant.numeric.hex.ccw-code.vlab');
  });
  it('bus ids', () => {
    assert.equal(scopeOf(L, 2, '0.0.1234'), 'constant.other.bus-id.vlab');
    assert.equal(scopeOf(L, 9, '0.0.0007'), 'constant.other.bus-id.vlab');
  });
  it('strings and escapes', () => {
    assert.equal(scopeOf(L, 3, 'HI'), 'string.quoted.double.vlab');
    assert.equal(scopeOf(L, 3, '\\n'), 'constant.character.escape.vlab');
    assert.equal(scopeOf(L, 13, 'common/setup.vlab'), 'string.quoted.double.vlab');
  });
  it('flags: FOLL_* and CCW flags', () => {
    assert.equal(scopeOf(L, 10, 'FOLL_WRITE'), 'constant.language.foll-flag.vlab');
    assert.equal(scopeOf(L, 10, 'FOLL_LONGTERM'), 'constant.language.foll-flag.vlab');
    assert.equal(scopeOf(L, 5, 'CC'), 'constant.language.ccw-flag.vlab');
    assert.equal(scopeOf(L, 7, 'SKP'), 'constant.language.ccw-flag.vlab');
  });
  it('operators', () => {
    assert.equal(scopeOf(L, 11, '=='), 'keyword.operator.comparison.vlab');
    assert.equal(scopeOf(L, 12, '>='), 'keyword.operator.comparison.vlab');
    assert.equal(scopeOf(L, 10, '|'), 'keyword.operator.bitwise.or.vlab');
    assert.equal(scopeOf(L, 10, '->'), 'keyword.operator.binding.vlab');
    assert.equal(scopeOf(L, 9, '='), 'keyword.operator.assignment.vlab');
    // issue 11 expression operators
    assert.equal(scopeOf(L, 14, '&'), 'keyword.operator.bitwise.vlab');
    assert.equal(scopeOf(L, 14, '~'), 'keyword.operator.bitwise.vlab');
    assert.equal(scopeOf(L, 14, '^'), 'keyword.operator.bitwise.vlab');
    assert.equal(scopeOf(L, 14, '<<'), 'keyword.operator.bitwise.shift.vlab');
    assert.equal(scopeOf(L, 14, '*'), 'keyword.operator.arithmetic.vlab');
    assert.equal(scopeOf(L, 15, '!='), 'keyword.operator.comparison.vlab');
    assert.equal(scopeOf(L, 16, '>>'), 'keyword.operator.bitwise.shift.vlab');
    assert.equal(scopeOf(L, 16, '<'), 'keyword.operator.comparison.vlab');
    assert.equal(scopeOf(L, 16, '-'), 'keyword.operator.arithmetic.vlab');
  });
  it('field paths, keys and bindings', () => {
    assert.equal(scopeOf(L, 11, 'irb'), 'variable.other.object.vlab');
    assert.equal(scopeOf(L, 11, '.scsw.dstat'), 'variable.other.property.vlab');
    assert.equal(scopeOf(L, 12, 'page'), 'support.function.expression.vlab');
    assert.equal(scopeOf(L, 12, '.refcount'), 'variable.other.property.vlab');
    assert.equal(scopeOf(L, 9, 'lpm'), 'variable.parameter.key.vlab');
    assert.equal(scopeOf(L, 10, 'bufs'), 'variable.other.definition.vlab');
  });
  it('CCW commands, labels and TIC targets', () => {
    assert.equal(scopeOf(L, 5, 'WRITE'), 'support.function.ccw.vlab');
    assert.equal(scopeOf(L, 5, 'top'), 'entity.name.label.vlab');
    assert.equal(scopeOf(L, 6, 'TIC'), 'keyword.control.tic.vlab');
    assert.equal(scopeOf(L, 6, 'top'), 'entity.name.label.reference.vlab');
    assert.equal(scopeOf(L, 4, 'echo'), 'entity.name.function.program.vlab');
  });
});

describe('grammar: covers the tables', () => {
  it('matches every statement name of the STATEMENTS table at the start of a line', () => {
    for (const s of STATEMENTS) {
      const scope = scopeOf(tokenize(`${s.name} x`), 0, s.name);
      assert.ok(['keyword.control.statement.vlab', 'support.function.gup.vlab', 'keyword.control.program.vlab'].includes(scope), `${s.name}: ${scope}`);
    }
  });
  it('matches every CCW command and flag inside a program block', () => {
    const cmds = Object.keys(CCW_COMMANDS);
    const lines = tokenize(['program p at 0x1000', ...cmds.map((c) => `  ${c} ${Object.keys(CCW_FLAGS).join(' ')}`), 'end'].join('\n'));
    cmds.forEach((c, i) => {
      assert.match(scopeOf(lines, i + 1, c), c === 'TIC' ? /keyword\.control\.tic/ : /support\.function\.ccw/, c);
      if (c !== 'TIC') for (const f of Object.keys(CCW_FLAGS)) assert.equal(scopeOf(lines, i + 1, f), 'constant.language.ccw-flag.vlab', `${c} ${f}`);
    });
  });
  it('matches every FOLL_* flag', () => {
    const names = Object.keys(FOLL_FLAGS);
    const lines = tokenize(`pin_user_pages p 0 1 ${names.join('|')}`);
    for (const n of names) assert.equal(scopeOf(lines, 0, n), 'constant.language.foll-flag.vlab', n);
  });
  it('tokenises the example corpus without unscoped words', () => {
    const files = [...fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.vlab')).map((f) => path.join(ROOT, 'examples', f))];
    for (const f of files) {
      const lines = tokenize(fs.readFileSync(f, 'utf8'));
      lines.forEach((toks, n) => {
        for (const t of toks) {
          if (/^[A-Za-z_]\w*$/.test(t.text.trim()) && t.scopes.length === 1) assert.fail(`${path.basename(f)}:${n + 1}: '${t.text}' has no scope`);
        }
      });
    }
  });
});

describe('grammar: repeat blocks (issue 12)', () => {
  it('colours repeat and its end as keywords, nested and around a program block', () => {
    const lines = tokenize(['repeat 2', '  repeat 3', '    tsch 0.0.0007', '  end', '  program p at 0x1000', '    NOP', '  end', 'end', 'end'].join('\n'));
    assert.equal(scopeOf(lines, 0, 'repeat'), 'keyword.control.statement.vlab');
    assert.equal(scopeOf(lines, 1, 'repeat'), 'keyword.control.statement.vlab');
    assert.equal(scopeOf(lines, 2, 'tsch'), 'keyword.control.statement.vlab');
    assert.equal(scopeOf(lines, 3, 'end'), 'keyword.control.end.vlab');
    assert.match(scopeOf(lines, 5, 'NOP'), /support\.function\.ccw/);
    assert.equal(scopeOf(lines, 6, 'end'), 'keyword.control.end.vlab');
    assert.equal(scopeOf(lines, 7, 'end'), 'keyword.control.end.vlab');
    // one `end` too many is still marked as such
    assert.equal(scopeOf(lines, 8, 'end'), 'invalid.illegal.end-without-program.vlab');
  });
});
