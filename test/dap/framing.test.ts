/**
 * DAP framing over stdio (issue 13): each malformed frame of the attack run, sent to the real
 * standalone adapter, is either answered (when it is a request with a seq) or reported on stderr
 * as one line; after each one the adapter still answers a healthy `threads` request, and it never
 * exits. Then the size limit: a 100 MB message is refused by the documented maximum
 * (framing.ts MAX_MESSAGE_BYTES, 16 MiB) without being buffered, and a 15 MiB one is read and
 * answered.
 */
import * as assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { RawClient, frame, isOneLine } from './rawClient';
import { CASES } from './malformedFrames';
import { MAX_MESSAGE_BYTES } from '../../debug-adapter/framing';

describe('DAP framing: malformed frames over stdio (issue 13)', function () {
  this.timeout(120_000);
  let c: RawClient;

  before(() => {
    c = new RawClient();
  });
  after(async () => {
    await c.stop();
  });

  for (const k of CASES) {
    it(`${k.name}: ${k.answer ? 'answered' : 'reported on stderr'}, then a healthy request is answered`, async () => {
      const seq = c.nextSeq();
      const logMark = c.stderr.length;
      const answered = k.answer ? c.response(seq) : undefined;
      c.write(k.bytes(seq));
      const healthy = await c.request('threads');
      assert.equal(healthy.success, true);
      assert.deepEqual((healthy as DebugProtocol.ThreadsResponse).body.threads.map((t) => t.name), ['guest CPU 0']);
      if (answered) {
        const r = await answered;
        assert.equal(r.success, k.answer!.success, r.message);
        if (k.answer!.message) assert.match(r.message ?? '', k.answer!.message);
      }
      if (k.log) {
        await c.stderrLine(k.log, logMark);
        for (const l of c.stderr.slice(logMark)) assert.ok(l.length < 400 && isOneLine(l), l);
      }
      assert.equal(c.proc.exitCode, null); // never exits on input
    });
  }

  it(`refuses a 100 MB evaluate by the ${MAX_MESSAGE_BYTES / 1048576} MiB limit, answering its seq, and stays usable`, async () => {
    const seq = c.nextSeq();
    const expression = 'a'.repeat(100_000_000);
    const body = `{"command":"evaluate","arguments":{"expression":"${expression}","context":"repl"},"type":"request","seq":${seq}}`;
    const answered = c.response(seq);
    c.write(frame(body));
    const r = await answered;
    assert.equal(r.success, false);
    assert.equal(r.message, `evaluate: message of ${body.length} bytes exceeds the maximum of 16777216 bytes (16 MiB)`);
    assert.equal((await c.request('threads')).success, true);
  });

  it('reads a 15 MiB request whole and answers it with a one-line error naming the argument limit', async () => {
    const r = await c.request('evaluate', { expression: 'b'.repeat(15 * 1024 * 1024), context: 'repl' });
    assert.equal(r.success, false);
    assert.equal(r.message, "evaluate: 'expression' is longer than 65536 characters");
    assert.equal((await c.request('threads')).success, true);
  });
});
