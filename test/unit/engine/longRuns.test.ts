/**
 * A journaled SSCH → TPI → TSCH loop is one journal RUN (issue 12, round 10): an iteration writes
 * the same 31 slots in the same order (pc, loop counter, condition code, `waiting`, SCHIB words,
 * ChanState, the action queue, the virtual time and the ISC's interruption queue), each value the
 * one before plus the same step, so after two iterations the journal stores nothing more per
 * iteration (RUN_MAX_PERIOD 32 covers the 31; the interruption queue's request and presentation
 * are compact entries, engine/intFifo.ts). Every record's state still reads back exactly: at
 * sampled records, the state after undo / redo equals the one captured when it was recorded.
 */
import * as assert from 'node:assert/strict';
import { parseScenario } from '../../../model/scenario/parser';
import { Runner } from '../../../model/scenario/runner';
import { stateDigest } from './stateDigest';

const LOOP = (n: number) => [
  'chpid 40',
  'device 0.0.1234 schid 0.0.0007 type echo chpids 40 enabled',
  'program one at 0x1000',
  '  NOP',
  'end',
  `repeat ${n}`,
  '  ssch 0.0.0007 cpa=one',
  '  wait interrupt',
  '  tpi',
  '  tsch 0.0.0007',
  'end',
  // an `expect` records its result (an entry object): checked once, after the loop
  'expect cc == 0', // css §5.2 TSCH cc 0: status was pending, now cleared
  'expect irb.scsw.stctl == 0x07', // css §1.3 primary + secondary + status pending
  'expect irb.scsw.dstat == 0x0c', // css §4 channel end + device end
].join('\n');

function runner(n: number): Runner {
  const { scenario, diagnostics } = parseScenario(LOOP(n), 'loop.vlab');
  assert.deepEqual(diagnostics.filter((d) => d.severity === 'error'), []);
  return new Runner(scenario);
}

/** Run iterations until the loop counter shows `left` iterations to go (at the `ssch`). */
function runUntil(r: Runner, left: number, ssch: number): void {
  const loop = r.statements.findIndex((s) => s.k === 'repeat');
  while (!(r.state.pc === ssch && r.loops.left[loop] === left) && r.step());
}

describe('engine: a journaled SSCH → TPI → TSCH loop is one journal run (issue 12)', () => {
  it('stores no journal entry per iteration once the run has formed; every sampled record reads back', () => {
    const r = runner(200);
    const ssch = r.statements.findIndex((s) => s.k === 'ssch');
    runUntil(r, 190, ssch);
    const stored = r.m.journal.storedEntries;
    const length = r.m.journal.length;
    // sample states while recording, at the start of every 7th iteration
    const states = new Map<number, string>();
    for (let left = 189; left >= 10; left--) {
      runUntil(r, left, ssch);
      if (left % 7 === 0) states.set(r.m.journal.position, stateDigest(r));
    }
    const perIteration = (r.m.journal.length - length) / 180;
    // css §5.2–§5.4 per iteration: SSCH, the start function, one CCW, status pending, the request,
    // TPI presents it, TSCH clears it. 31 journaled changes, none of them stored: pc 4, loop
    // counter 1, cc 2 (TPI 0 → 1, TSCH 1 → 0; SSCH's 0 is held), `waiting` 2, SCHIB words 6,
    // ChanState 6 (cur, ccws and the CDA-0 loop guard count noData, css §3.6, each twice), the
    // action queue 6 (its length 4 times, its time element twice), the virtual time 2 and the
    // ISC's interruption queue length 2
    assert.equal(perIteration, 31);
    assert.equal(r.m.journal.storedEntries, stored);
    // travel before any statement after the loop runs (its plan, made when it first runs, is a
    // cache the digest would see)
    const end = r.m.journal.position;
    for (const [pos, digest] of [...states].reverse()) {
      r.m.journal.undoTo(pos);
      assert.equal(stateDigest(r), digest, `undone to ${pos}`);
    }
    for (const [pos, digest] of states) {
      r.m.journal.redoTo(pos);
      assert.equal(stateDigest(r), digest, `redone to ${pos}`);
    }
    r.m.journal.redoTo(end);
    r.runToEnd();
    assert.equal(r.expects.length, 3);
    assert.deepEqual(r.expects.filter((e) => !e.ok), []);
  });
});
