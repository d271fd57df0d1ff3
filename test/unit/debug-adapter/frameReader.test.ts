/**
 * The frame reader's fast path (framing.ts wholeFrame / plainHeaderAt: plain headers and whole
 * ASCII bodies read by offset, issue 12) reads what the general reader reads: the same stream
 * fed whole, byte by byte and in uneven pieces gives the same messages, rejections and log lines,
 * in the same order (DAP base protocol: `Content-Length` header, blank line, UTF-8 JSON body).
 */
import * as assert from 'node:assert/strict';
import { DapFrameReader } from '../../../debug-adapter/framing';

function frame(body: string, header?: string): Buffer {
  const b = Buffer.from(body, 'utf8');
  return Buffer.concat([Buffer.from(header ?? `Content-Length: ${b.length}\r\n\r\n`, 'latin1'), b]);
}
const req = (seq: number, command: string, args?: object) => frame(JSON.stringify({ seq, type: 'request', command, arguments: args }));

/** Everything the reader reported, as text, for the stream cut into pieces of the given sizes (cycled). */
function read(stream: Buffer, sizes: number[]): string[] {
  const out: string[] = [];
  const r = new DapFrameReader({
    message: (m) => out.push(`message ${JSON.stringify(m)}`),
    reject: (seq, command, reason) => out.push(`reject ${seq} ${command} ${reason}`),
    log: (line) => out.push(`log ${line}`),
  }, 4096);
  let at = 0;
  for (let i = 0; at < stream.length; i++) {
    const n = sizes[i % sizes.length];
    r.push(stream.subarray(at, at + n));
    at += n;
  }
  r.end();
  return out;
}

describe('DapFrameReader: the fast path reads what the general reader reads (issue 12)', () => {
  const stream = Buffer.concat([
    req(1, 'threads'),
    req(2, 'variables', { variablesReference: 7, format: { hex: true } }),
    req(3, 'evaluate', { expression: 'page(q, 0x1000) … “pinned”', context: 'repl' }), // UTF-8 body
    frame('{"seq":4,"type":"request","command":"scopes"}', 'content-length: 45\r\n\r\n'), // other case
    frame('{"seq":5,"type":"request","command":"next"}', 'Content-Length: 0043\r\n\r\n'), // leading zeros
    frame('{"seq":6,"type":"request",\n"command":"stackTrace"}'), // a line break in the body
    frame('{"seq":7,"type":"request","command":"pause"}', 'Content-Length: 44\r\nX-Other: 1\r\n\r\n'),
    Buffer.from('garbage before a header '),
    req(8, 'threads'),
    frame('{"seq":9,"type":"request","command":"x"'), // not JSON
    frame('{"seq":10,"type":"request","command":""}'), // empty command: rejected
    frame(`{"seq":11,"type":"request","command":"evaluate","arguments":{"expression":"${'a'.repeat(5000)}"}}`), // over the 4096 limit
    frame('{"seq":12,"type":"request","command":"next"}', 'Content-Length: 0\r\n\r\n'),
    req(13, 'disconnect'),
  ]);

  it('whole, byte by byte, and in uneven pieces: the same report', () => {
    const whole = read(stream, [stream.length]);
    assert.deepEqual(whole.filter((l) => l.startsWith('message')).map((l) => JSON.parse(l.slice(8)).seq), [1, 2, 3, 4, 5, 6, 7, 8, 13]);
    assert.equal(JSON.parse(whole[2].slice(8)).arguments.expression, 'page(q, 0x1000) … “pinned”');
    assert.ok(whole.some((l) => l.startsWith("log framing: skipped 24 byte(s) that are not a DAP header, starting 'garbage before a header '")), whole.join('\n'));
    assert.ok(whole.some((l) => l === "reject 10  request: 'command' must be a non-empty string"), whole.join('\n'));
    assert.ok(whole.some((l) => l.startsWith('reject 11 evaluate evaluate: message of 5078 bytes exceeds the maximum of 4096 bytes (0.00390625 MiB)')), whole.join('\n'));
    for (const sizes of [[1], [2, 3, 5], [7, 64, 1], [100], [333, 17]]) assert.deepEqual(read(stream, sizes), whole, `pieces ${sizes}`);
  });

  it('hands every request on with the same keys in the same order, whatever order the client wrote', () => {
    // VS Code writes command, arguments, type, seq; dap-steprtt type, command, arguments, seq: one
    // shape for the session, so code optimised for one client's requests is not thrown away at
    // another's (DAP base protocol: a Request is seq, type, command, arguments)
    const got: object[] = [];
    const r = new DapFrameReader({ message: (m) => got.push(m), reject: () => assert.fail('rejected'), log: (l) => assert.fail(l) });
    r.push(Buffer.concat([
      frame('{"command":"next","arguments":{"threadId":1},"type":"request","seq":1}'),
      frame('{"type":"request","command":"threads","seq":2}'),
      frame('{"seq":3,"type":"request","command":"scopes","arguments":{"frameId":1000},"x-extra":true}'),
    ]));
    r.end();
    assert.deepEqual(got.map((m) => Object.keys(m)), [['seq', 'type', 'command', 'arguments'], ['seq', 'type', 'command', 'arguments'], ['seq', 'type', 'command', 'arguments']]);
    assert.deepEqual(got, [
      { seq: 1, type: 'request', command: 'next', arguments: { threadId: 1 } },
      { seq: 2, type: 'request', command: 'threads', arguments: undefined },
      { seq: 3, type: 'request', command: 'scopes', arguments: { frameId: 1000 } },
    ]);
  });
});
