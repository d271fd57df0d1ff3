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

/**
 * The real session through serveStdio twice: with its WireOutput (wireOutput.ts, jsonBytes.ts)
 * and through the library's send (a wrapper without useWire). Same requests, same bytes: every
 * header, key order, seq and escape (hello.vlab's texts have `…`, `–`, quotes).
 */
describe('standalone adapter output: the wire writes the library\'s bytes (issue 12)', function () {
  this.timeout(30_000);

  async function transcript(useWire: boolean): Promise<{ bytes: Buffer; writes: number }> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { VlabSession } = require('../../../debug-adapter/session') as typeof import('../../../debug-adapter/session');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { NodeFileAccess } = require('../../../debug-adapter/nodeFileAccess') as typeof import('../../../debug-adapter/nodeFileAccess');
    const session = new VlabSession(new NodeFileAccess());
    session.setRunAsServer(true); // no process exit on disconnect
    const target: StdioSession = useWire ? session : {
      start: (i, o) => session.start(i, o),
      handleMessage: (m) => session.handleMessage(m),
      sendResponse: (r) => session.sendResponse(r),
    };
    const input = new PassThrough();
    const chunks: Buffer[] = [];
    let writes = 0;
    const out = new Writable({
      write(chunk: Buffer | string, _enc, cb) {
        chunks.push(Buffer.from(chunk));
        writes++;
        cb();
      },
    });
    serveStdio(target, input, out, new PassThrough());
    let seq = 1;
    const answered = async (n: number) => {
      for (let i = 0; i < 2000; i++) {
        if (Buffer.concat(chunks).includes(`"request_seq":${n},`)) return;
        await new Promise((r) => setTimeout(r, 2));
      }
      throw new Error(`no answer to ${n}`);
    };
    const send = async (command: string, args?: object) => {
      const n = seq++;
      input.write(frame({ seq: n, type: 'request', command, arguments: args }));
      await answered(n);
      await new Promise((r) => setTimeout(r, 5)); // events that follow an answer (stopped, vlab/state)
    };
    await send('initialize', { adapterID: 'vlab', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
    await send('launch', { program: require('node:path').resolve(__dirname, '../../../../examples/hello.vlab'), stopOnEntry: true });
    await send('configurationDone');
    for (let i = 0; i < 4; i++) {
      await send('next', { threadId: 1 });
      await send('threads');
      await send('stackTrace', { threadId: 1, startFrame: 0, levels: 20 });
      await send('scopes', { frameId: 1000 });
      for (const ref of [1, 2, 3, 4, 5]) await send('variables', { variablesReference: ref + i * 100 });
    }
    await send('evaluate', { expression: 'help', context: 'repl' });
    await send('stepBack', { threadId: 1 });
    await send('disconnect', {});
    return { bytes: Buffer.concat(chunks), writes };
  }

  it('same bytes, in fewer writes', async () => {
    const viaLibrary = await transcript(false);
    const viaWire = await transcript(true);
    assert.ok(viaLibrary.bytes.length > 10_000, `${viaLibrary.bytes.length} bytes`);
    assert.equal(viaWire.bytes.toString('latin1'), viaLibrary.bytes.toString('latin1'));
    assert.ok(viaWire.writes <= viaLibrary.writes, `${viaWire.writes} writes against ${viaLibrary.writes}`);
  });
});
