/**
 * `repeat N … end` under the debugger (issue 12): a breakpoint on a line inside the loop stops on
 * every iteration, running forwards and with reverseContinue; Step Back from the first statement
 * of an iteration lands on the last statement of the previous one, with that iteration's state.
 * Drives the standalone adapter (dist/debugAdapter.js) over stdio.
 */
import * as assert from 'node:assert/strict';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { fixture, frames, launch, step, useAdapter } from './client';

const FILE = fixture('repeat.vlab');
const SSCH = 9; // `ssch 0.0.0007 cpa=one intparm=0x10`, inside `repeat 3`
const TSCH = 11;
const AFTER = 13; // `expect irb.scsw.stctl == 0x07`, after the loop

describe('DAP: repeat N … end (issue 12)', function () {
  this.timeout(60000);
  let dc: DebugClient;

  useAdapter((c) => (dc = c));

  const line = async () => (await frames(dc, 1))[0]?.line;
  const evaluate = async (expression: string) => (await dc.evaluateRequest({ expression, context: 'watch' })).body.result;

  it('a breakpoint inside the loop stops once per iteration, forwards and backwards', async () => {
    await launch(dc, FILE);
    const set = await dc.setBreakpointsRequest({ source: { path: FILE }, breakpoints: [{ line: SSCH }, { line: AFTER }] });
    assert.deepEqual(set.body.breakpoints.map((b) => [b.verified, b.line]), [[true, SSCH], [true, AFTER]]);
    const hits: string[] = [];
    for (let i = 0; i < 3; i++) {
      const ev = await step(dc, 'continue');
      assert.equal(ev.body.reason, 'breakpoint');
      assert.equal(await line(), SSCH);
      // css §5.4: TSCH of the previous iteration stored an IRB with stctl = 0x07 (alert, primary, secondary)
      hits.push(i === 0 ? 'first' : await evaluate('irb.scsw.stctl'));
    }
    assert.deepEqual(hits, ['first', '7', '7']);
    // past the third iteration the loop is done: the next stop is the statement after it
    await step(dc, 'continue');
    assert.equal(await line(), AFTER);
    // backwards: the same three stops, last first
    const back: number[] = [];
    for (let i = 0; i < 3; i++) {
      const ev = await step(dc, 'reverseContinue' as 'continue');
      assert.equal(ev.body.reason, 'breakpoint');
      back.push((await line()) ?? 0);
    }
    assert.deepEqual(back, [SSCH, SSCH, SSCH]);
  });

  it('Step Back from the first statement of an iteration lands on the last statement of the previous one', async () => {
    await launch(dc, FILE);
    await dc.setBreakpointsRequest({ source: { path: FILE }, breakpoints: [{ line: SSCH }] });
    await step(dc, 'continue'); // iteration 1
    await step(dc, 'continue'); // iteration 2
    assert.equal(await line(), SSCH);
    await dc.setBreakpointsRequest({ source: { path: FILE }, breakpoints: [] });
    await step(dc, 'stepBack');
    assert.equal(await line(), TSCH);
    // at iteration 1's TSCH stop the TSCH has not run yet: no IRB stored so far (issue 11: no value)
    const noIrb = await evaluate('irb.scsw.stctl').catch((e: Error) => e.message);
    assert.equal(noIrb, 'error: irb has no value: no IRB stored (run tsch first; a failed statement or a TSCH with cc 3 stores none)');
    // forward again: iteration 2's SSCH, then over the loop to the statement after it
    await step(dc, 'next');
    assert.equal(await line(), SSCH);
    await dc.setBreakpointsRequest({ source: { path: FILE }, breakpoints: [{ line: AFTER }] });
    await step(dc, 'continue');
    assert.equal(await line(), AFTER);
  });

  it('a breakpoint on the end of a loop moves to the next statement', async () => {
    await launch(dc, FILE);
    const set = await dc.setBreakpointsRequest({ source: { path: FILE }, breakpoints: [{ line: 12 }] });
    assert.deepEqual(set.body.breakpoints.map((b) => [b.verified, b.line]), [[true, AFTER]]);
  });
});
