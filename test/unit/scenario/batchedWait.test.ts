/**
 * `Runner.steps(max)` (issue 12): a `wait` runs several of its actions per runner call, and every
 * counter counts the same steps as single `step()` calls — after each call the runner is exactly
 * where that many single steps leave it (a wait's condition is checked before each action, css
 * §5.4 `wait`), the event stream and history are the same, and a run stopped at a step cap stops
 * after exactly N steps (the CLI's --max-steps, the Testing view, `runToEnd`).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseScenario } from '../../../model/scenario/parser';
import { Runner } from '../../../model/scenario/runner';
import { runScenarioTest } from '../../../model/scenario/language/testRun';
import type { HistoryRecord } from '../../../model/engine/events';

const ROOT = path.resolve(__dirname, '../../../..');

/** Two channel programs of several CCWs each, a wait for each, and one that never ends (css §3.4 TIC). */
const TEXT = [
  'chpid 40',
  'device 0.0.1234 schid 0.0.0007 type echo chpids 40 enabled',
  'data msg at 0x2000 ascii "PING"',
  'data buf at 0x3000 zero 4',
  'program echo at 0x1000 format 1',
  '  WRITE CC count 4 data msg',
  '  NOP CC',
  '  NOP CC',
  '  READ SLI count 4 data buf',
  'end',
  'repeat 2',
  '  ssch 0.0.0007 cpa=echo',
  '  wait interrupt',
  '  tpi',
  '  tsch 0.0.0007',
  'end',
  'expect mem(0x3000, 4) == "PING"',
  'ssch 0.0.0007 cpa=echo',
  'wait idle',
  'expect cc == 0',
].join('\n');

function runner(text: string, lean: boolean): { r: Runner; events: string[] } {
  const { scenario, diagnostics } = parseScenario(text, 't.vlab');
  assert.deepEqual(diagnostics.filter((d) => d.severity === 'error'), []);
  const r = new Runner(scenario);
  if (lean) r.m.setLean();
  const events: string[] = [];
  r.m.onEvent((x) => events.push(`${x.seq} ${x.time} ${x.thread} ${JSON.stringify(x.event, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`));
  return { r, events };
}

/** What must be equal between a run of single steps and a batched one. */
function where(r: Runner): unknown {
  return { pc: r.state.pc, waiting: r.state.waiting, done: r.state.done, cc: r.state.cc, time: r.m.state.time, queue: r.m.queue, left: [...r.loops.left] };
}

// no journalPos: a chained step journals no queue push and shift (journaledChains.test.ts compares the states)
const recordKey = (x: HistoryRecord) => `${x.seq} ${x.time} ${x.thread} ${x.granularity} ${x.frames.map((f) => f.name).join('<')} ${x.event.kind}`;

describe('runner: a wait runs several actions per call, counted as single steps (issue 12)', () => {
  for (const lean of [true, false]) {
    it(`${lean ? 'lean' : 'journaled'}: after each steps(k) the runner is where as many single steps leave it; events${lean ? '' : ', history'} and the total are the same`, () => {
      const one = runner(TEXT, lean);
      const many = runner(TEXT, lean);
      let singles = 0;
      let calls = 0;
      let batched = false;
      for (let k = many.r.steps(5); k !== 0; k = many.r.steps(5)) {
        assert.ok(k >= 1 && k <= 5, `steps(5) returned ${k}`);
        if (k > 1) batched = true;
        calls++;
        for (let i = 0; i < k; i++) {
          assert.ok(one.r.step(), `single step ${singles + 1} ran`);
          singles++;
        }
        assert.deepEqual(where(many.r), where(one.r), `after ${singles} steps`);
      }
      assert.equal(one.r.step(), false); // the single-step run ends with it
      assert.ok(batched && calls < singles, `a wait took several actions in one call (${calls} calls, ${singles} steps)`);
      assert.deepEqual(many.events, one.events);
      assert.ok(many.r.done && one.r.done);
      assert.deepEqual(many.r.expects.map((e) => e.ok), [true, true]);
      if (!lean) assert.deepEqual(many.r.m.history.map(recordKey), one.r.m.history.map(recordKey));
    });
  }

  it('a wait ends exactly where single steps end it: the statement after it is not run by the same call', () => {
    const { r } = runner(TEXT, true);
    // run to the first `wait interrupt` (statement 6: chpid, device, data, data, program, repeat, ssch, wait)
    while (r.current?.k !== 'wait') r.step();
    assert.equal(r.steps(1), 1); // the wait statement: now waiting
    assert.equal(r.state.waiting, true);
    const pc = r.state.pc;
    const k = r.steps(1000);
    // css §5.4: the wait ends once an interruption is pending; 4 CCWs and the status were its actions
    assert.ok(k > 1 && k < 1000, `${k}`);
    assert.equal(r.state.waiting, false);
    assert.equal(r.state.pc, pc + 1);
    assert.equal(r.current?.k, 'tpi');
    assert.equal(r.io.interruptionPending(), true);
  });

  it('a runaway TIC loop stops after exactly N steps in the Testing view and in runToEnd (limit maxSteps)', () => {
    const text = fs.readFileSync(path.join(ROOT, 'test/fixtures/tic-loop.vlab'), 'utf8');
    const { scenario } = parseScenario(text, 'tic-loop.vlab');
    for (const n of [1, 7, 1000, 4097]) {
      const res = runScenarioTest(scenario, n);
      assert.equal(res.steps, n);
      assert.equal(res.finished, false);
      assert.deepEqual(res.exceptions.map((e) => e.message), [`stopped after ${n} steps: runaway channel program?`]);
      const single = new Runner(scenario);
      single.m.setLean();
      for (let i = 0; i < n; i++) single.step();
      const batched = new Runner(scenario);
      batched.m.setLean();
      const warns: string[] = [];
      batched.m.onEvent((x) => warns.push(x.event.kind === 'warn' ? x.event.message : ''), ['warn']);
      batched.runToEnd(n);
      assert.deepEqual(warns, [`stopped after ${n} steps (runaway channel program?)`]);
      assert.deepEqual(where(batched), where(single), `after ${n} steps`);
    }
  });

  it('a finished run counts the same steps as single steps, and steps() answers 0 at the end', () => {
    const { scenario } = parseScenario(TEXT, 't.vlab');
    const single = new Runner(scenario);
    single.m.setLean();
    let n = 0;
    while (single.step()) n++;
    const res = runScenarioTest(scenario);
    assert.equal(res.finished, true);
    assert.equal(res.steps, n);
    assert.deepEqual(res.exceptions, []);
    const r = new Runner(scenario);
    r.runToEnd();
    assert.equal(r.done, true);
    assert.equal(r.steps(10), 0);
  });
});
