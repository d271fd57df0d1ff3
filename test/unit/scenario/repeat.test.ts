/**
 * `repeat N … end` (issue 12): the parser pairs loops (nested, with `program` blocks inside),
 * reports unclosed loops, stray `end`s and N beyond maxSteps; the runner runs the body N
 * times, one stop per statement per iteration, journaled, so undoing the journal walks back
 * through the iterations.
 */
import * as assert from 'node:assert/strict';
import { parseScenario } from '../../../model/scenario/parser';
import { Runner } from '../../../model/scenario/runner';
import { diags, run } from './scenarioRun';
import { DEFAULT_LIMITS } from '../../../model/limits';

const SETUP = ['memory 64K', 'chpid 40', 'device 0.0.1234 schid 0.0.0007 type echo chpids 40 enabled', 'program one at 0x1000', '  NOP', 'end'];

/** The lines of the statement stops, in order. */
function stops(r: Runner): number[] {
  return r.m.history.filter((h) => h.event.kind === 'stmt').map((h) => (h.event.kind === 'stmt' ? h.event.line : 0));
}

describe('scenario: repeat N … end (issue 12)', () => {
  it('pairs nested loops and a program block inside a loop', () => {
    const { scenario, diagnostics } = parseScenario(['repeat 2', '  repeat 3', '    tpi', '  end', '  program p at 0x1000', '    NOP', '  end', 'end'].join('\n'), 'f.vlab');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(scenario.statements.map((s) => s.k), ['repeat', 'repeat', 'tpi', 'end-repeat', 'program', 'end-repeat']);
    const [outer, inner] = scenario.statements;
    assert.ok(outer.k === 'repeat' && inner.k === 'repeat');
    assert.deepEqual([outer.count, outer.end, inner.count, inner.end], [2, 5, 3, 3]);
    const ends = scenario.statements.filter((s) => s.k === 'end-repeat');
    assert.deepEqual(ends.map((s) => (s.k === 'end-repeat' ? [s.start, s.line] : [])), [[1, 4], [0, 8]]);
  });

  it('reports an unclosed loop, a stray end, a missing count and N beyond maxSteps', () => {
    assert.deepEqual(diags(['repeat 2', 'tpi'].join('\n')), ["f.vlab:1:1: error: 'repeat' on line 1 is not closed: expected 'end'"]);
    assert.deepEqual(diags(['tpi', 'end'].join('\n')), ["f.vlab:2:1: error: 'end' without a 'program' block"]);
    assert.deepEqual(diags(['repeat', 'tpi', 'end'].join('\n')), ['f.vlab:1:7: error: expected an iteration count']);
    // a broken header still pairs with its end: one error, no cascade
    assert.deepEqual(diags(['repeat x', 'tpi', 'end'].join('\n')), ["f.vlab:1:8: error: expected an iteration count, found 'x'"]);
    const n = DEFAULT_LIMITS.maxSteps + 1;
    assert.deepEqual(diags([`repeat ${n}`, 'tpi', 'end'].join('\n')), [
      `f.vlab:1:8: error: repeat ${n} exceeds limit maxSteps (${DEFAULT_LIMITS.maxSteps} steps); raise it with CLI --max-steps N; editor setting vfioLab.limits`,
    ]);
  });

  it('runs the body N times, nested loops multiply, repeat 0 skips its body', () => {
    // css §5.2/§5.4: each SSCH → interruption → TSCH cycle of one NOP ends with cc 0, stctl 0x07
    const r = run([...SETUP,
      'repeat 3', '  repeat 2', '    ssch 0.0.0007 cpa=one', '    wait interrupt', '    tsch 0.0.0007', '  end', '  expect cc == 0', 'end',
      'repeat 0', '  expect 1 == 2', 'end',
      'expect irb.scsw.stctl == 0x07']);
    assert.deepEqual(r.expects.map((e) => [e.line, e.ok]), [[13, true], [13, true], [13, true], [18, true]]);
    const s = stops(r);
    assert.equal(s.filter((l) => l === 9).length, 6);
    assert.equal(s.filter((l) => l === 8).length, 3);
    assert.equal(s.filter((l) => l === 7).length, 1);
    assert.equal(s.filter((l) => l === 16).length, 0);
    // the `end` lines (12, 14, 17) are never stops
    assert.deepEqual(s.filter((l) => l === 12 || l === 14 || l === 17), []);
    assert.deepEqual(Array.from(r.loops.left), new Array(r.statements.length).fill(0));
  });

  it('an empty body counts its iterations at once', () => {
    const r = run(['repeat 5', 'end', 'expect 1 == 1']);
    assert.deepEqual(stops(r), [1, 3]);
  });

  it('undoing the journal walks back across iterations (state of every stop restored)', () => {
    const r = run([...SETUP, 'repeat 3', '  ssch 0.0.0007 cpa=one', '  wait interrupt', '  tsch 0.0.0007', 'end']);
    const sschStops = r.m.history.filter((h) => h.event.kind === 'stmt' && h.event.line === 8);
    assert.equal(sschStops.length, 3);
    const loop = r.statements.findIndex((x) => x.k === 'repeat');
    const left = (rec: (typeof sschStops)[number]) => {
      r.m.journal.undoTo(rec.journalPos);
      return [r.loops.left[loop], r.state.pc];
    };
    // at the SSCH of iteration k (k = 1..3), 3 iterations were counted in and k - 1 counted down
    assert.deepEqual(left(sschStops[2]), [1, loop + 1]);
    assert.deepEqual(left(sschStops[1]), [2, loop + 1]);
    assert.deepEqual(left(sschStops[0]), [3, loop + 1]);
    r.m.journal.redoTo(r.m.journal.length);
    assert.deepEqual([r.loops.left[loop], r.state.done], [0, true]);
  });

  it('refuses repeat from the console', () => {
    const r = run(['tpi']);
    assert.equal(r.execNow({ k: 'repeat', count: 2, end: -1, line: 1, text: 'repeat 2' }), "'repeat' cannot run from the console: it runs in a scenario file");
  });

  it('a repeat beyond the limit at run time is a scenario error and skips the body', () => {
    const { scenario } = parseScenario(['repeat 4', '  tpi', 'end', 'expect 1 == 1'].join('\n'), 'f.vlab');
    const r = new Runner(scenario, { ...DEFAULT_LIMITS, maxSteps: 3 });
    r.runToEnd();
    assert.deepEqual(r.exceptions.map((e) => e.message), ['scenario error: repeat 4 exceeds limit maxSteps (3 steps); raise it with CLI --max-steps N; editor setting vfioLab.limits']);
    assert.deepEqual(stops(r), [1, 4]);
  });
});
