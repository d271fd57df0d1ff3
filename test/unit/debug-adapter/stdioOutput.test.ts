/**
 * The standalone adapter's output (framing.ts serveStdio): the messages answering one input
 * chunk leave in one write, in the order they were sent, and a message sent later (a long run's
 * slice, an awaited launch) leaves on its own (issue 12: each pipe write was a system call that
 * woke the client; a step's response, `stopped` and `vlab/state` were three).
 */
import * as assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { serveStdio, type StdioSession } from '../../../debug-adapter/framing';

function frame(o: object): string {
  const json = JSON.stringify(o);
  return `Content-Length: ${Buffer.byteLength(json, 'utf8')}\r\n\r\n${json}`;
}

/** Answers each request at once with `done <seq>`, and once more on the next turn when asked to. */
class EchoSession implements StdioSession {
  private out: NodeJS.WritableStream | undefined;
  start(_input: NodeJS.ReadableStream, output: NodeJS.WritableStream): void {
    this.out = output;
  }
  handleMessage(msg: DebugProtocol.ProtocolMessage): void {
    const req = msg as DebugProtocol.Request;
    this.out!.write(frame({ type: 'response', request_seq: req.seq, command: req.command, success: true, body: { text: `done ${req.seq}` } }), 'utf8');
    if (req.command === 'later') setImmediate(() => this.out!.write(frame({ type: 'event', event: 'later', body: { seq: req.seq } }), 'utf8'));
  }
  sendResponse(): void {}
}

function recorder(): { out: Writable; writes: string[][] } {
  const writes: string[][] = [];
  const out = new Writable({
    decodeStrings: false,
    write(chunk: unknown, _enc, cb) {
      writes.push([String(chunk)]);
      cb();
    },
    writev(chunks: Array<{ chunk: unknown }>, cb) {
      writes.push(chunks.map((c) => String(c.chunk)));
      cb();
    },
  });
  return { out, writes };
}

const req = (seq: number, command: string) => frame({ type: 'request', seq, command });

describe('standalone adapter output: one write per input chunk (issue 12)', () => {
  it('three requests in one chunk: their three answers in one write, in order', async () => {
    const input = new PassThrough();
    const { out, writes } = recorder();
    serveStdio(new EchoSession(), input, out, new PassThrough());
    input.write(req(1, 'variables') + req(2, 'variables') + req(3, 'variables'));
    await new Promise((r) => setImmediate(r));
    assert.equal(writes.length, 1);
    assert.deepEqual(writes[0].map((w) => JSON.parse(w.slice(w.indexOf('{'))).body.text), ['done 1', 'done 2', 'done 3']);
    input.write(req(4, 'threads'));
    await new Promise((r) => setImmediate(r));
    assert.equal(writes.length, 2);
    assert.equal(writes[1].length, 1);
    assert.match(writes[1][0], /"done 4"/);
  });

  it('a message sent on a later turn is written by itself, after the chunk\'s answers', async () => {
    const input = new PassThrough();
    const { out, writes } = recorder();
    serveStdio(new EchoSession(), input, out, new PassThrough());
    input.write(req(1, 'later') + req(2, 'threads'));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(writes.length, 2);
    assert.deepEqual(writes[0].map((w) => JSON.parse(w.slice(w.indexOf('{'))).request_seq), [1, 2]);
    assert.deepEqual(writes[1].map((w) => JSON.parse(w.slice(w.indexOf('{'))).event), ['later']);
  });
});
