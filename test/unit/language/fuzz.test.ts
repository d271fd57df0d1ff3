/**
 * Parser robustness (issue 6): deterministic seeded mutations of the example corpus — delete,
 * duplicate and swap characters and tokens, insert garbage, truncate, duplicate and drop lines —
 * several thousand inputs. The parser must never throw, must finish each input promptly, and
 * every diagnostic must point inside the file. The editor services must not throw either.
 */
import * as assert from 'node:assert/strict';
import { parseScenario } from '../../../model/scenario/parser';
import { completion, definition, documentSymbols, hover, VlabDocument } from '../../../model/scenario/language';
import { STATEMENTS } from '../../../model/scenario/statements';
import { corpus } from './corpus';

/** mulberry32: a small deterministic PRNG. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GARBAGE = ['"', '#', '@', '->', '|', '==', '(', ')', '[', ']', '.', ',', ':', '0x', '0b2', '99999999999999999999999', '0.0.', '\t', '\u00e9', '\u0000', '\uffff', 'end', 'program p at 0x1000', 'FOLL_', '-', '=', '0.0.0.0', 'zz', '1.2.3', '"unterminated', '\\', 'K', '  '];
const NAMES = STATEMENTS.map((s) => s.name);

function mutate(text: string, r: () => number): string {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)];
  let lines = text.split('\n');
  const n = 1 + Math.floor(r() * 4);
  for (let k = 0; k < n; k++) {
    const li = Math.floor(r() * lines.length);
    const line = lines[li] ?? '';
    const at = Math.floor(r() * (line.length + 1));
    const toks = line.split(/(\s+)/);
    const ti = Math.floor(r() * toks.length);
    switch (Math.floor(r() * 11)) {
      case 0: lines[li] = line.slice(0, at) + line.slice(at + 1); break; // delete char
      case 1: lines[li] = line.slice(0, at) + line.charAt(at) + line.slice(at); break; // duplicate char
      case 2: lines[li] = line.slice(0, at) + line.charAt(at + 1) + line.charAt(at) + line.slice(at + 2); break; // swap chars
      case 3: toks.splice(ti, 1); lines[li] = toks.join(''); break; // delete token
      case 4: toks.splice(ti, 0, toks[ti] ?? ''); lines[li] = toks.join(''); break; // duplicate token
      case 5: { const tj = Math.floor(r() * toks.length); [toks[ti], toks[tj]] = [toks[tj], toks[ti]]; lines[li] = toks.join(''); break; } // swap tokens
      case 6: lines[li] = line.slice(0, at) + pick(GARBAGE) + line.slice(at); break; // insert garbage
      case 7: lines[li] = line.slice(0, at); break; // truncate line
      case 8: lines.splice(li, 0, line); break; // duplicate line
      case 9: lines.splice(li, 1); break; // drop line
      default: lines[li] = `${pick(NAMES)} ${line.slice(at)}`; break; // another statement's operands
    }
    if (lines.length === 0) lines = [''];
  }
  return lines.join('\n');
}

describe('language: parser fuzz', function () {
  this.timeout(60_000);
  const samples = corpus();
  const INPUTS = 4000;

  it('has a corpus', () => assert.ok(samples.length >= 5, `only ${samples.length} samples`));

  it(`never throws, always finishes and keeps positions inside the file (${INPUTS} mutated inputs)`, () => {
    const r = rng(0x5eed);
    let diagnostics = 0;
    let slowest = 0;
    for (let i = 0; i < INPUTS; i++) {
      const base = samples[i % samples.length];
      const text = mutate(base.text, r);
      const t0 = Date.now();
      let res;
      try {
        res = parseScenario(text, 'fuzz.vlab');
      } catch (e) {
        assert.fail(`input ${i} (from ${base.name}) threw ${e instanceof Error ? e.stack : String(e)}\n---\n${text}`);
      }
      const took = Date.now() - t0;
      slowest = Math.max(slowest, took);
      assert.ok(took < 1000, `input ${i} took ${took} ms`);
      const lines = text.split('\n');
      for (const d of res.diagnostics) {
        diagnostics++;
        const where = `input ${i} (from ${base.name}): ${d.line}:${d.column}-${d.endColumn} ${d.message}`;
        assert.equal(d.file, 'fuzz.vlab', where);
        assert.ok(Number.isInteger(d.line) && d.line >= 1 && d.line <= lines.length, where);
        const len = lines[d.line - 1].length;
        assert.ok(Number.isInteger(d.column) && d.column >= 1 && d.column <= len + 1, `${where} (line length ${len})`);
        assert.ok(d.endColumn >= d.column && d.endColumn <= len + 2, `${where} (line length ${len})`);
        assert.ok(d.message.length > 0 && !/undefined|\[object|NaN/.test(d.message), where);
      }
    }
    assert.ok(diagnostics > INPUTS / 2, `mutations produce diagnostics (${diagnostics})`);
  });

  it('completion, hover, symbols and definition never throw on mutated inputs', () => {
    const r = rng(0xc0de);
    for (let i = 0; i < 600; i++) {
      const text = mutate(samples[i % samples.length].text, r);
      const doc = new VlabDocument(text);
      const line = Math.floor(r() * doc.lines.length);
      const ch = Math.floor(r() * ((doc.lines[line]?.length ?? 0) + 1));
      try {
        completion(text, line, ch, doc);
        hover(text, line, ch, doc);
        definition(text, line, ch, doc);
        documentSymbols(text, doc);
      } catch (e) {
        assert.fail(`input ${i} at ${line}:${ch} threw ${e instanceof Error ? e.stack : String(e)}\n---\n${text}`);
      }
    }
  });
});
