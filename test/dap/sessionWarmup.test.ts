/**
 * The standalone adapter's request-path warm-up (issue 12, debug-adapter/sessionWarmup.ts): an
 * in-memory client steps a session of its own through VS Code's request sequence before the real
 * client is served. It must complete, and whatever goes wrong must end it with a reason, never
 * an exception or a hang.
 */
import * as assert from 'node:assert/strict';
import { AnswerFrames, warmUpSession } from '../../debug-adapter/sessionWarmup';

describe('standalone adapter: request-path warm-up (issue 12)', function () {
  this.timeout(60000);

  it('steps through every statement of the flat scenario with the full request sequence, and back', async () => {
    // 2 groups of 8 statements (ssch, wait, tsch, stsch, pin, expect, unpin, expect), one `next`
    // each; the 16th step is a `stepBack` (BACK_EVERY) and the 17th steps over that statement again
    assert.deepEqual(await warmUpSession(2), { steps: 18 });
  });

  it('a session that refuses the launch ends the warm-up with its reason', async () => {
    // no group: `devices 0.0.0000-0.0.-001` does not parse, so launch answers an error
    const r = await warmUpSession(0);
    assert.equal(r.steps, 0);
    assert.match(r.failure ?? '', /^launch: 1 problem\(s\) in \/vfio-lab-warm-up\/warm-up\.vlab; first: .*expected 'schid', found '-'$/);
  });

  it('stops at its deadline even though the in-memory answers never yield to the timers', async () => {
    const r = await warmUpSession(300, 150);
    assert.equal(r.failure, 'not done within 150 ms');
    assert.ok(r.steps < 2400, `${r.steps} steps`);
  });

  it("its client drops a frame it cannot read instead of raising a stream error (an adapter crash)", async () => {
    const got: unknown[] = [];
    const sink = new AnswerFrames((m) => got.push(m));
    const frame = (body: string) => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const write = (text: string) => new Promise<void>((resolve, reject) => sink.write(text, (e) => (e ? reject(e) : resolve())));
    await write(frame('{"type":"response","request_seq":1,"success":true}'));
    await write(frame('{not json'));
    await write(frame('{"type":"event","event":"stopped"}'));
    assert.deepEqual(got, [{ type: 'response', request_seq: 1, success: true }, { type: 'event', event: 'stopped' }]);
  });
});
