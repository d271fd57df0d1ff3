/**
 * `expect` inside `repeat` (issue 12): a loop runs its expects once per iteration. Every report
 * attributes results to their statement (not "the i-th result is the i-th expect"), counts runs
 * and failures per statement, a statement that gives the same result again adds the same
 * object, and the results a run keeps are bounded by the limit maxExpectResults. A statement that
 * fails in a loop is reported once with how often it failed.
 */
import * as assert from 'node:assert/strict';
import { parseScenario } from '../../../model/scenario/parser';
import { Runner } from '../../../model/scenario/runner';
import { expectOutcomes } from '../../../model/scenario/expectOutcomes';
import { runScenarioTest } from '../../../model/scenario/language';
import { runCli } from '../../../model/scenario/cli';
import { runScenarioJob } from '../../../extension/testing/job';
import { exceptionOutcomes } from '../../../model/scenario/exceptionOutcomes';
import { DEFAULT_LIMITS, type Limits } from '../../../model/limits';

// One NOP per iteration: the virtual time is 2 after the first TSCH and grows by 2 per
// iteration (a start, then the CCW), so `time < 7` holds in iterations 1–3 and fails in 4 and 5.
const LOOP = [
  'memory 64K',
  'chpid 40',
  'device 0.0.1234 schid 0.0.0007 type echo chpids 40 enabled',
  'program one at 0x1000',
  '  NOP',
  'end',
  'repeat 5',
  '  ssch 0.0.0007 cpa=one',
  '  wait interrupt',
  '  tsch 0.0.0007',
  '  expect time < 7',
  '  expect cc == 0',
  'end',
  'expect failures == 2',
].join('\n');

function runTo(text: string, limits: Limits = DEFAULT_LIMITS, journaled = false): Runner {
  const { scenario, diagnostics } = parseScenario(text, 'loop.vlab', { limits });
  assert.deepEqual(diagnostics, []);
  const r = new Runner(scenario, limits);
  if (!journaled) r.m.setLean();
  r.runToEnd(limits.maxSteps);
  assert.ok(r.done);
  return r;
}

describe('scenario: expects in a loop (issue 12)', () => {
  it('counts runs and failures per statement and keeps one object per distinct result', () => {
    const r = runTo(LOOP);
    // 5 × 2 expects in the loop, 1 after it; `time < 7` fails in iterations 4 and 5
    assert.equal(r.state.expectsRun, 11);
    assert.equal(r.state.failures, 2);
    assert.deepEqual(r.expects.map((e) => [e.line, e.ok, e.actual]), [
      [11, true, '2'], [12, true, '0'], [11, true, '4'], [12, true, '0'], [11, true, '6'], [12, true, '0'],
      [11, false, '8'], [12, true, '0'], [11, false, '10 (0xa)'], [12, true, '0'], [14, true, '2'],
    ]);
    // `cc == 0` gave the same result five times: the same frozen object
    const cc = r.expects.filter((e) => e.line === 12);
    assert.ok(cc.every((e) => e === cc[0]) && Object.isFrozen(cc[0]));
    const idx = (line: number) => r.scenario.statements.findIndex((s) => s.k === 'expect' && s.line === line);
    assert.deepEqual(cc[0].stmt, idx(12));
    const { runs, failed } = r.expectTally;
    assert.deepEqual([runs[idx(11)], failed[idx(11)], runs[idx(12)], failed[idx(12)], runs[idx(14)], failed[idx(14)]], [5, 2, 5, 0, 1, 0]);
  });

  it('reports each statement once, with its first failure, in the Testing view and the Run CodeLens', () => {
    const out = expectOutcomes(runTo(LOOP)).map((o) => [o.stmt.line, o.result]);
    assert.deepEqual(out, [
      [11, { ok: false, expected: '< 7', actual: '8', runs: 5, failed: 2 }],
      [12, { ok: true, expected: '0', actual: '0', runs: 5, failed: 0 }],
      // before the fix the statement after the loop showed as not run (the 11th result was paired with nothing)
      [14, { ok: true, expected: '2', actual: '2', runs: 1, failed: 0 }],
    ]);
    const { scenario } = parseScenario(LOOP, 'loop.vlab');
    assert.deepEqual(runScenarioTest(scenario).expects.map((e) => [e.stmt.line, e.result?.ok, e.result?.runs]), [[11, false, 5], [12, true, 5], [14, true, 1]]);
    const job = runScenarioJob({ name: 'loop.vlab', text: LOOP, files: [], limits: DEFAULT_LIMITS, maxTraceChars: 100_000 });
    assert.deepEqual(job.expects.map((e) => [e.line, e.result?.ok, e.result?.failed]), [[11, false, 2], [12, true, 0], [14, true, 0]]);
    assert.match(job.trace, /^loop\.vlab:11: expect time < 7 FAILED: expected < 7, actual 8 \(failed 2 of 5 runs\)$/m);
    // the Testing view's failure message for the statement
    assert.deepEqual(job.expects.map((e) => e.failure), ['expect time < 7: expected < 7, actual 8 (failed 2 of 5 runs)', undefined, undefined]);
  });

  it('prints one line per failing statement and counts every run in the CLI (text and TAP)', () => {
    const read = () => LOOP;
    const text = runCli(['run', 'loop.vlab'], read);
    assert.equal(text.code, 1);
    const lines = text.stdout.split('\n');
    assert.deepEqual(lines.filter((l) => /FAILED/.test(l) && !/^\s/.test(l)), ['loop.vlab:11: expect time < 7 FAILED: expected < 7, actual 8 (failed 2 of 5 runs)']);
    assert.ok(lines.includes('loop.vlab: 9 of 11 expects passed, 0 exceptions, 72 events, 0 pins held at end'), text.stdout);
    const tap = runCli(['run', 'loop.vlab', '--tap'], read).stdout;
    assert.match(tap, /^1\.\.3$/m);
    assert.match(tap, /^not ok 1 - loop\.vlab:11 expect time < 7 \(failed 2 of 5 runs\)\n {2}---\n {2}file: "loop\.vlab"\n {2}line: 11\n {2}expected: "< 7"\n {2}actual: "8"\n {2}runs: 5\n {2}failed: 2\n {2}\.\.\.$/m);
    assert.match(tap, /^ok 2 - loop\.vlab:12 expect cc == 0 \(all 5 runs passed\)$/m);
    assert.match(tap, /^ok 3 - loop\.vlab:14 expect failures == 2$/m);
    const json = JSON.parse(runCli(['run', 'loop.vlab', '--json'], read).stdout);
    assert.deepEqual([json.expects.length, json.expectsRun, json.expectsFailed], [11, 11, 2]);
    assert.deepEqual(Object.keys(json.expects[0]), ['line', 'ok', 'expr', 'expected', 'actual']);
  });

  it('keeps at most maxExpectResults results, counts the rest and says so once', () => {
    const limits = { ...DEFAULT_LIMITS, maxExpectResults: 4 };
    const r = runTo(LOOP, limits);
    assert.equal(r.expects.length, 4);
    assert.deepEqual([r.state.expectsRun, r.state.failures], [11, 2]);
    assert.deepEqual(r.notes.filter((n) => /maxExpectResults/.test(n)), [
      'expect number 5 exceeds limit maxExpectResults (4 results); raise it with CLI --limit NAME=N; editor setting vfioLab.limits: later results are counted (expects passed/failed), not listed',
    ]);
    // the failures lie beyond the kept results: counted per statement, their text not kept
    const first = expectOutcomes(r)[0];
    assert.deepEqual(first.result, { ok: false, expected: '(not kept: beyond the limit maxExpectResults)', actual: '(not kept: beyond the limit maxExpectResults)', runs: 5, failed: 2 });
    const cli = runCli(['run', 'loop.vlab', '--limit', 'maxExpectResults=4'], () => LOOP).stdout;
    assert.match(cli, /^loop\.vlab: 9 of 11 expects passed,/m);
    // the failing statement is listed although its failures lie beyond the kept results
    assert.match(cli, /^loop\.vlab:11: expect time < 7 FAILED: expected \(not kept: beyond the limit maxExpectResults\), actual \(not kept: beyond the limit maxExpectResults\) \(failed 2 of 5 runs\)$/m);
  });

  it('journals the counts: undoing the run takes them back, redoing brings them again', () => {
    const r = runTo(LOOP, DEFAULT_LIMITS, true);
    const j = r.m.journal;
    const end = j.length;
    const i11 = r.scenario.statements.findIndex((s) => s.k === 'expect' && s.line === 11);
    j.undoTo(0);
    assert.deepEqual([r.expects.length, r.state.expectsRun, r.state.failures, r.expectTally.runs[i11], r.expectTally.failed[i11]], [0, 0, 0, 0, 0]);
    j.redoTo(end);
    assert.deepEqual([r.expects.length, r.state.expectsRun, r.state.failures, r.expectTally.runs[i11], r.expectTally.failed[i11]], [11, 11, 2, 5, 2]);
  });
});

// css §5.1: a SCHIB address that is not word aligned is a specification exception, each time
const FAILING = [
  'memory 64K',
  'chpid 40',
  'device 0.0.1234 schid 0.0.0007 type echo chpids 40 enabled',
  'repeat 3',
  '  stsch 0.0.0007 at 0x1001',
  'end',
  'stsch 0.0.0007 at 0x1002',
  'stsch 0.0.0007 at 0x1003',
  'expect exception == "specification"',
].join('\n');
const MSG = (a: string) => `specification exception: SCHIB address ${a} is not word aligned (css §5.1)`;

describe('scenario: exceptions in a loop (issue 12)', () => {
  it('reports each unexpected (line, message) once, with how often it happened', () => {
    const r = runTo(FAILING);
    // every occurrence is kept for the debugger; the one checked by the expect is not reported
    assert.deepEqual(r.exceptions.map((x) => [x.line, x.checked]), [[5, false], [5, false], [5, false], [7, false], [8, true]]);
    // the name once (it read "specification exception: specification exception: …")
    assert.equal(r.exceptions[0].message, MSG('0x1001'));
    assert.deepEqual(exceptionOutcomes(r), [{ line: 5, message: `${MSG('0x1001')} (3 times)`, count: 3 }, { line: 7, message: MSG('0x1002'), count: 1 }]);
    const cli = runCli(['run', 'loop.vlab'], () => FAILING).stdout;
    assert.match(cli, /^loop\.vlab: 1 of 1 expects passed, 2 exceptions,/m);
    const tap = runCli(['run', 'loop.vlab', '--tap'], () => FAILING).stdout;
    assert.match(tap, new RegExp(`^not ok 2 - loop\\.vlab line 5: ${MSG('0x1001').replace(/[().§]/g, '\\$&')} \\(3 times\\)$`, 'm'));
    const { scenario } = parseScenario(FAILING, 'loop.vlab');
    assert.deepEqual(runScenarioTest(scenario).exceptions, [{ line: 5, message: `${MSG('0x1001')} (3 times)` }, { line: 7, message: MSG('0x1002') }]);
    const job = runScenarioJob({ name: 'loop.vlab', text: FAILING, files: [], limits: DEFAULT_LIMITS, maxTraceChars: 100_000 });
    assert.deepEqual(job.exceptions, [{ line: 5, message: `${MSG('0x1001')} (3 times)` }, { line: 7, message: MSG('0x1002') }]);
    // the trace's exception line names it once too
    assert.match(job.trace, /^ +\d+ +specification exception at line 5: SCHIB address 0x1001 is not word aligned \(css §5\.1\)$/m);
  });
});
