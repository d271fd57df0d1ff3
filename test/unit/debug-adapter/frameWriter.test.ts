/**
 * frameWriter.ts: the standalone adapter writes each message as one Buffer instead of the
 * library's concatenated string (issue 12: allocation per step), and what the client reads is
 * byte for byte what the library writes — the same `Content-Length` (UTF-8 bytes, DAP base
 * protocol), the same JSON, the same `seq` numbers — and `onDidSendMessage` still fires.
 */
import * as assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { DebugSession, OutputEvent, StoppedEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { serveStdio } from '../../../debug-adapter/framing';
import { encodeFrame, writeFramesTo } from '../../../debug-adapter/frameWriter';

/** The library's own session: threads answers an empty list, nothing else is needed. */
class PlainSession extends DebugSession {}

function collector(): { out: Writable; bytes: () => Buffer; kinds: string[] } {
  const parts: Buffer[] = [];
  const kinds: string[] = [];
  const out = new Writable({
    decodeStrings: false,
    write(chunk: unknown, _enc, cb) {
      kinds.push(typeof chunk);
      parts.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk), 'utf8'));
      cb();
    },
  });
  return { out, bytes: () => Buffer.concat(parts), kinds };
}

/** The same three messages: an output event with non-ASCII text, a response, a stopped event. */
function talk(s: PlainSession): void {
  s.sendEvent(new OutputEvent('é ✓ 𝄞 "quoted"\n'));
  s.handleMessage({ seq: 7, type: 'request', command: 'threads' } as DebugProtocol.Request);
  s.sendEvent(new StoppedEvent('step', 1));
}

describe('standalone adapter output: one Buffer per message, the library\'s bytes (issue 12)', () => {
  it('writes exactly what the library writes, as Buffers, seq 1, 2, 3', async () => {
    const lib = new PlainSession();
    const a = collector();
    lib.start(new PassThrough(), a.out);
    talk(lib);
    const ours = new PlainSession();
    const b = collector();
    const seen: number[] = [];
    ours.onDidSendMessage((m) => seen.push((m as DebugProtocol.ProtocolMessage).seq));
    serveStdio(ours, new PassThrough(), b.out, new PassThrough());
    talk(ours);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(a.kinds, ['string', 'string', 'string']);
    assert.deepEqual(b.kinds, ['object', 'object', 'object']);
    assert.equal(b.bytes().toString('latin1'), a.bytes().toString('latin1'));
    assert.deepEqual(seen, [1, 2, 3]);
    // DAP base protocol: Content-Length counts the UTF-8 bytes of the body
    const text = b.bytes().toString('utf8');
    const first = /^Content-Length: (\d+)\r\n\r\n/.exec(text)!;
    const body = b.bytes().subarray(Buffer.byteLength(first[0]), Buffer.byteLength(first[0]) + Number(first[1])).toString('utf8');
    assert.deepEqual(JSON.parse(body), { seq: 1, type: 'event', event: 'output', body: { category: 'console', output: 'é ✓ 𝄞 "quoted"\n' } });
  });

  it('encodeFrame: header with the UTF-8 length, then the body', () => {
    assert.equal(encodeFrame('{"a":"é"}').toString('utf8'), 'Content-Length: 10\r\n\r\n{"a":"é"}');
    assert.equal(encodeFrame('{}').toString('latin1'), 'Content-Length: 2\r\n\r\n{}');
  });

  it('a session without the library\'s members keeps its own writing', () => {
    assert.equal(writeFramesTo({ start() {} }, new PassThrough()), false);
    assert.equal(writeFramesTo(new PlainSession(), new PassThrough()), true);
  });
});
