/**
 * Chained actions (machine.ts `onChainedAction`, `runActions`; issue 12): an action that goes on
 * in steps returns the delay of its next step, which is the same as scheduling itself last. In a
 * lean run, `runActions(max, stop)` runs that next step at once when it would be the next action
 * run anyway — nothing queued at or before its time (FIFO within a time), `stop` false, budget
 * left — and counts it as an action. Journaled runs (the debugger) do the same, with the virtual
 * time of each step journaled (journaledChains.test.ts: same history and states). The
 * channel's CCW steps are such an action (css §3.4 chaining); the runner passes a `wait`'s
 * condition as `stop` (css §5.4).
 */
import * as assert from 'node:assert/strict';
import { Machine } from '../../../model/engine/machine';
import { Runner } from '../../../model/scenario/runner';
import { parseScenario } from '../../../model/scenario/parser';

const queued = (m: Machine): string[] => m.queue.map((a) => `${a.kind}:${a.arg}@${a.time}`);
const never = (): boolean => false;

/**
 * A machine whose action 'chain' takes `steps` steps of `delay` each; `seen` logs "arg@time".
 * `stirs(k)`: whether step k (1-based) stirs the machine, as queueing an interruption does.
 */
function chain(lean: boolean, steps: number, delay = 1, stirs: (k: number) => boolean = () => false): { m: Machine; seen: string[] } {
  const m = new Machine();
  if (lean) m.setLean();
  const seen: string[] = [];
  let left = steps;
  m.onChainedAction('chain', (arg) => {
    seen.push(`${arg}@${m.state.time}`);
    if (stirs(steps - left + 1)) m.stir();
    return --left > 0 ? delay : 0;
  });
  m.onAction('other', (arg) => seen.push(`other${arg}@${m.state.time}`));
  return { m, seen };
}

describe('engine: chained actions run several steps per call (issue 12)', () => {
  it('a positive return value queues the next step exactly as schedule() would', () => {
    const { m, seen } = chain(false, 3, 2);
    m.schedule('chain', 7, 1);
    assert.equal(m.runNextAction(), true);
    assert.deepEqual(queued(m), ['chain:7@3']);
    while (m.runNextAction());
    assert.deepEqual(seen, ['7@1', '7@3', '7@5']);
    assert.equal(m.hasPendingActions(), false);
  });

  it('lean: runActions runs the whole chain in one call, at the same virtual times, counting each step', () => {
    const { m, seen } = chain(true, 4, 2);
    m.schedule('chain', 7, 1);
    assert.equal(m.runActions(100, never), 4);
    assert.deepEqual(seen, ['7@1', '7@3', '7@5', '7@7']);
    assert.equal(m.state.time, 7);
    assert.equal(m.hasPendingActions(), false);
    assert.equal(m.runActions(100, never), 0); // nothing queued
  });

  it('lean: the budget bounds the steps of one call; the next step is queued at its time', () => {
    const { m, seen } = chain(true, 10);
    m.schedule('chain', 3, 1);
    assert.equal(m.runActions(4, never), 4);
    assert.deepEqual(seen, ['3@1', '3@2', '3@3', '3@4']);
    assert.deepEqual(queued(m), ['chain:3@5']);
    assert.equal(m.runActions(1, never), 1); // max 1: one action, as runNextAction
    assert.deepEqual(queued(m), ['chain:3@6']);
  });

  it('lean: an action queued at the next step\'s time runs first (FIFO), then the chain goes on from the queue', () => {
    const { m, seen } = chain(true, 3);
    m.schedule('chain', 1, 1);
    m.schedule('other', 9, 2); // due at time 2, before the chain's step at 2 would be queued
    assert.equal(m.runActions(100, never), 1);
    assert.deepEqual(queued(m), ['other:9@2', 'chain:1@2']);
    assert.equal(m.runActions(100, never), 1);
    assert.equal(m.runActions(100, never), 2);
    assert.deepEqual(seen, ['1@1', 'other9@2', '1@2', '1@3']);
  });

  it('lean: stop() is asked before a further step after each stir; true leaves the step queued', () => {
    const { m, seen } = chain(true, 10, 1, () => true);
    m.schedule('chain', 5, 1);
    let asked = 0;
    assert.equal(m.runActions(100, () => ++asked === 3), 3);
    assert.equal(asked, 3);
    assert.deepEqual(seen, ['5@1', '5@2', '5@3']);
    assert.deepEqual(queued(m), ['chain:5@4']);
  });

  it('stop() is not asked while nothing stirs (it was false when the call began); the step after a stir is', () => {
    const quiet = chain(true, 10);
    quiet.m.schedule('chain', 1, 1);
    let asked = 0;
    assert.equal(quiet.m.runActions(100, () => (++asked, true)), 10);
    assert.equal(asked, 0);
    // css §5.4: the 4th step queues an interruption; a `wait interrupt` ends before the 5th
    const once = chain(true, 10, 1, (k) => k === 4);
    once.m.schedule('chain', 2, 1);
    assert.equal(once.m.runActions(100, () => (++asked, true)), 4);
    assert.equal(asked, 1);
    assert.deepEqual(queued(once.m), ['chain:2@5']);
  });

  it('once stop() said true, the call takes no further step, also when the handler asks goesOn itself (the channel\'s CCW loop)', () => {
    const m = new Machine();
    m.setLean();
    const seen: number[] = [];
    let k = 0;
    // like interpretCcw: steps go on inside the handler while goesOn allows, the last delay is returned
    const step = (): number => {
      seen.push(m.state.time);
      if (++k === 2) m.stir(); // css §3.2 PCI: an interruption queued during the 2nd CCW
      return k < 10 ? 1 : 0;
    };
    m.onChainedAction('ccws', () => {
      let d = step();
      while (d > 0 && m.goesOn(d)) d = step();
      return d;
    });
    m.schedule('ccws', 7, 1);
    assert.equal(m.runActions(100, () => true), 2);
    assert.deepEqual(seen, [1, 2]);
    assert.deepEqual(queued(m), ['ccws:7@3']);
  });

  it('journaled: the chain runs in one call too; each step\'s virtual time is journaled, so undo walks it back', () => {
    const { m, seen } = chain(false, 3);
    m.schedule('chain', 2, 1);
    const queuedAt = m.journal.position;
    assert.equal(m.runActions(100, never), 3);
    assert.deepEqual(seen, ['2@1', '2@2', '2@3']);
    assert.equal(m.state.time, 3);
    assert.equal(m.hasPendingActions(), false);
    // the first step's time comes from the queue shift, the next two from runActions: three notes
    m.journal.undoTo(m.journal.position - 1);
    assert.equal(m.state.time, 2);
    m.journal.undoTo(queuedAt);
    assert.equal(m.state.time, 0);
    assert.deepEqual(queued(m), ['chain:2@1']);
  });

  it('a lean wait runs a 255-CCW command chain in one runner call and ends where single steps end (css §3.4, §5.4)', () => {
    const text = [
      'chpid 40',
      'device 0.0.1234 schid 0.0.0007 type echo chpids 40 enabled',
      'program chain at 0x2000',
      ...Array.from({ length: 255 }, (_, i) => `  NOP${i < 254 ? ' CC' : ''}`),
      'end',
      'ssch 0.0.0007 cpa=chain',
      'wait interrupt',
      'tsch 0.0.0007',
      'expect irb.scsw.cpa == 0x27f8',
    ].join('\n');
    const { scenario } = parseScenario(text, 't.vlab');
    const make = () => {
      const r = new Runner(scenario);
      r.m.setLean();
      while (r.current?.k !== 'wait') r.step();
      assert.equal(r.step(), true); // the wait statement itself: now waiting
      return r;
    };
    const batched = make();
    // css §5.3: the start function's first action selects the path, then 255 CCWs follow, the last
    // ending with status; css §5.4: the wait ends at the check after them (interruption pending),
    // and the call stops there: tsch is not run by it
    assert.equal(batched.steps(10_000), 1 + 255 + 1);
    assert.equal(batched.state.waiting, false);
    assert.equal(batched.current?.text, 'tsch 0.0.0007');
    assert.equal(batched.io.interruptionPending(), true);
    const single = make();
    for (let i = 0; i < 257; i++) single.step();
    assert.equal(single.current?.text, 'tsch 0.0.0007');
    assert.deepEqual(batched.m.queue, single.m.queue);
    assert.equal(batched.m.state.time, single.m.state.time);
    assert.equal(batched.m.state.time, 1 + 255); // START_DELAY, then CCW_DELAY per CCW after the first
    batched.runToEnd();
    // css §1.3: CPA = last CCW + 8 = 0x2000 + 254 * 8 + 8
    assert.deepEqual(batched.expects.map((e) => e.ok), [true]);
  });
});
