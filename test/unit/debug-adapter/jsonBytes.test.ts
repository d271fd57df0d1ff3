/**
 * jsonBytes.ts writes the same bytes as `Buffer.from(JSON.stringify(v), 'utf8')` (issue 12: the
 * standalone adapter's messages are serialized by it, and a client must see the library's exact
 * wire text). ECMA-262 §25.5.2 (JSON.stringify) is the reference for every case below.
 */
import * as assert from 'node:assert/strict';
import { JsonBytes } from '../../../debug-adapter/jsonBytes';
import { Response, Event, Scope, Thread, StackFrame, Source } from '@vscode/debugadapter';

function bytesOf(v: object, initial?: number): { ok: boolean; text: string } {
  const w = new JsonBytes(initial);
  const ok = w.write(v);
  return { ok, text: w.buf.toString('utf8', 0, w.len) };
}

function same(v: object, initial?: number): void {
  const r = bytesOf(v, initial);
  assert.equal(r.ok, true);
  assert.equal(r.text, JSON.stringify(v));
  const w = new JsonBytes(initial);
  w.write(v);
  assert.deepEqual(Buffer.from(w.buf.subarray(0, w.len)), Buffer.from(JSON.stringify(v), 'utf8'));
}

describe('JsonBytes: JSON.stringify\'s bytes without its strings (issue 12)', () => {
  it('numbers: int32 by hand, -0 as 0, doubles and large values as Number::toString, non-finite as null (§25.5.2.2 step 9)', () => {
    same([0, -0, 1, 9, 10, 99, 100, -1, -10, 2147483647, -2147483648, 2147483648, 4294967295, 2 ** 53, -(2 ** 53), 1e21, 1.5, -0.1, 1e-7, 123456789.125]);
    same([NaN, Infinity, -Infinity]);
    assert.equal(bytesOf([NaN, -0, 1e21]).text, '[null,0,1e+21]');
  });

  it('strings: ASCII, escapes (quote, backslash, \\b \\t \\n \\f \\r, other controls as \\u00xx), DEL, UTF-8 of 2, 3 and 4 bytes, lone surrogates escaped (§25.5.2.3 QuoteJSONString)', () => {
    same(['', 'plain', 'a"b', 'a\\b', '\b\t\n\f\r', '\u0000\u0001\u001f', '\u007f', 'é ü', '…–·', '\u07ff\u0800\uffff', '😀 x 𝄞', '\ud800', 'x\udc00y', '\ud83d', '\ud83d\ude00\ud83d']);
    assert.equal(bytesOf(['a"\n']).text, '["a\\"\\n"]');
    assert.equal(bytesOf(['\ud800']).text, '["\\ud800"]');
  });

  it('objects and arrays: key order, undefined / function / symbol members left out, null in arrays, holes as null, nested (§25.5.2.5, §25.5.2.6)', () => {
    const sym = Symbol('s');
    same({ b: 1, a: 2, 10: 'ten', 2: 'two', u: undefined, f: () => 1, s: sym, n: null, t: true, x: false });
    // eslint-disable-next-line no-sparse-arrays
    same([undefined, () => 1, sym, , null, [[]], {}]);
    same({ only: undefined });
    same({ a: { b: { c: [1, { d: 'e' }] } }, last: undefined });
    const withSymbolKey = { a: 1, [sym]: 2 };
    same(withSymbolKey);
    const hidden = Object.defineProperty({ shown: 1 }, 'hidden', { value: 2, enumerable: false });
    same(hidden);
  });

  it('inherited enumerable properties are not members; own ones of class instances are (§25.5.2.5 EnumerableOwnProperties)', () => {
    const proto = { inherited: 1 };
    const o = Object.create(proto) as Record<string, unknown>;
    o.own = 2;
    same(o);
    class Row {
      name = 'n';
      value = 'v';
      method(): number {
        return 1;
      }
    }
    same([new Row(), new Row()]);
  });

  it('toJSON is called with the key (an array index as a string) and its result is written (§25.5.2.2 step 2)', () => {
    const keys: string[] = [];
    const t = { toJSON: (k: string) => (keys.push(k), { k }) };
    const v = { when: new Date(0), t, list: [t, t] };
    assert.equal(bytesOf(v).text, JSON.stringify(v));
    assert.deepEqual(keys, ['t', '0', '1', 't', '0', '1']); // ours, then JSON.stringify's
    same(v);
    same({ d: new Date(Date.UTC(2026, 11, 7, 9, 30)) });
  });

  it('the library\'s message classes, as the adapter sends them', () => {
    const r = new Response({ seq: 7, type: 'request', command: 'variables' } as never) as Response & { body: unknown };
    r.body = { variables: [{ name: 'cc', value: '0', variablesReference: 0, presentationHint: Object.freeze({ attributes: Object.freeze(['readOnly']) }) }] };
    same(r);
    same(new Event('stopped', { reason: 'step', threadId: 1, allThreadsStopped: true }));
    same({ event: 'vlab/state', body: { seq: 6, time: 0, live: true }, type: 'event', seq: 55 });
    same([new Scope('Statement', 3, false), new Thread(1, 'guest CPU 0'), new StackFrame(1000, 'ssch', new Source('a.vlab', '/tmp/a.vlab'), 3, 1)]);
  });

  it('grows its buffer when a message does not fit, keeping what was written', () => {
    const big = { text: 'x'.repeat(100_000), list: Array.from({ length: 5000 }, (_, i) => ({ i, s: `row ${i} …` })) };
    same(big, 16);
    const w = new JsonBytes(8);
    assert.equal(w.write({ a: 1 }), true);
    assert.equal(w.write(big), true);
    assert.equal(w.buf.toString('utf8', 0, w.len), '{"a":1}' + JSON.stringify(big));
  });

  it('boxed primitives, BigInt and cycles: refused (false, nothing written), so the caller falls back to JSON.stringify', () => {
    for (const v of [{ n: Object(1) as number }, { s: Object('s') as string }, { b: Object(true) as boolean }, { big: 1n }]) {
      const w = new JsonBytes();
      w.ascii('keep');
      assert.equal(w.write(v), false);
      assert.equal(w.buf.toString('utf8', 0, w.len), 'keep');
    }
    const cyc: Record<string, unknown> = { a: 1 };
    cyc.self = cyc;
    assert.equal(new JsonBytes().write(cyc), false);
    assert.throws(() => JSON.stringify(cyc), TypeError);
  });
});
