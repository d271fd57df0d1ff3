/**
 * The parts of breakpoints that need no adapter: hit conditions (js-debug's syntax), conditions
 * and log messages compiled against the scenario's names, the function-name table kept in step
 * with the model's frames, progress events with a fake clock, and the data-breakpoint walk being
 * the same forwards and backwards (PRODUCT §3 "Breakpoints", "Time travel").
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { parseScenario } from '../../../model/scenario/parser';
import { Runner } from '../../../model/scenario/runner';
import { Navigator } from '../../../debug-adapter/navigator';
import { compileExpression, compileHitCondition, compileLogMessage, knownHeads } from '../../../debug-adapter/conditions';
import { FRAME_NAME_TABLE, HELPER_NAME_TABLE, FUNCTION_NAMES, INSTRUCTION_NAMES } from '../../../debug-adapter/functionNames';
import { LongRun, PERCENT_STEP, SHOW_AFTER_MS, UPDATE_EVERY_MS } from '../../../debug-adapter/progress';
import { SourceMap } from '../../../debug-adapter/breakpoints';
import { StopPolicy } from '../../../debug-adapter/stopPolicy';
import { backwardSlice } from '../../../debug-adapter/runControl';

const ROOT = path.resolve(__dirname, '../../../..');
const load = (file: string) => {
  const { scenario } = parseScenario(fs.readFileSync(path.join(ROOT, file), 'utf8'), file);
  return { scenario, runner: new Runner(scenario) };
};

describe('debug-adapter: breakpoint conditions, names, progress', () => {
  it('hit conditions as js-debug: N means >= N; == N; % N; > < <=', () => {
    const counts = [1, 2, 3, 4, 5, 6];
    const at = (t: string) => counts.filter(compileHitCondition(t));
    assert.deepEqual(at('3'), [3, 4, 5, 6]);
    assert.deepEqual(at('>= 5'), [5, 6]);
    assert.deepEqual(at('== 2'), [2]);
    assert.deepEqual(at('% 3'), [3, 6]);
    assert.deepEqual(at('> 4'), [5, 6]);
    assert.deepEqual(at('< 2'), [1]);
    assert.deepEqual(at('<=2'), [1, 2]);
    assert.throws(() => compileHitCondition('>= x'), /^Error: hit condition '>= x': expected N, >= N/);
    assert.throws(() => compileHitCondition('% 0'), /% 0 divides by zero/);
  });

  it('conditions read what an expect reads; unknown names are refused with a suggestion', () => {
    const { scenario, runner } = load('examples/hello.vlab');
    const known = knownHeads(scenario);
    // the scenario's own process and bound names count as known before they exist
    assert.ok(known.has('qemu') && known.has('bufs'));
    // issue 11: before any instruction `cc` has no value (it is not the previous statement's)
    assert.throws(() => compileExpression('cc == 0', known).value(runner), /^Error: cc has no value: no instruction set it, or the last statement failed$/);
    assert.equal(compileExpression('time', known).value(runner), 0n);
    assert.throws(() => compileExpression('vmstats.nr_foll_pin_acquired > 0', known), /^Error: expression 'vmstats.nr_foll_pin_acquired > 0': unknown name 'vmstats' \(did you mean 'vmstat'\?\)$/);
    assert.throws(() => compileExpression('', known), /empty expression/);
    assert.throws(() => compileExpression('x'.repeat(1001), known), /longer than 1000 characters/);
  });

  it('log messages interpolate {expr}, keep {{ }} literal, show errors inline', () => {
    const { scenario, runner } = load('examples/hello.vlab');
    const known = knownHeads(scenario);
    assert.equal(compileLogMessage('t={time} {{x}} irb={irb.scsw.stctl}', known).render(runner), 't=0 {x} irb=<irb has no value: no IRB stored (run tsch first; a failed statement or a TSCH with cc 3 stores none)>');
    assert.throws(() => compileLogMessage('a } b', known), /'}' at column 3 has no '{'/);
    assert.throws(() => compileLogMessage('{nosuch}', known), /unknown name 'nosuch'/);
  });

  it('every function name in the table occurs in model/ (the table cannot drift)', () => {
    const sources: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(d, e.name));
        else if (e.name.endsWith('.ts')) sources.push(fs.readFileSync(path.join(d, e.name), 'utf8'));
      }
    };
    walk(path.join(ROOT, 'model'));
    const all = sources.join('\n');
    for (const n of [...FRAME_NAME_TABLE, ...HELPER_NAME_TABLE]) assert.ok(all.includes(`'${n}'`), `'${n}' no longer occurs in model/`);
    // and every literal within('name', …) of the model is in the table
    for (const m of all.matchAll(/within\('([A-Za-z_][A-Za-z0-9_]*)'/g)) assert.ok(FUNCTION_NAMES.includes(m[1]), `${m[1]} missing from functionNames.ts`);
    assert.deepEqual([...INSTRUCTION_NAMES].sort(), ['chsc', 'csch', 'hsch', 'iske', 'msch', 'rchp', 'rsch', 'sal', 'schm', 'ssch', 'sske', 'stcps', 'stcrw', 'stsch', 'tpi', 'tsch', 'xsch']);
  });

  it('progress: nothing before SHOW_AFTER_MS, then start, throttled updates, end; cancel matches id or request', () => {
    let now = 0;
    const sent: DebugProtocol.Event[] = [];
    const run = new LongRun('p1', 42, 'Continue', (e) => sent.push(e), true, () => now);
    run.tick(20000);
    assert.equal(sent.length, 0);
    now = SHOW_AFTER_MS;
    run.tick(40000, 0.25);
    assert.deepEqual(sent.map((e) => [e.event, e.body]), [['progressStart', { progressId: 'p1', title: 'Continue', cancellable: true, message: '40,000 records', requestId: 42, percentage: 25 }]]);
    now += UPDATE_EVERY_MS - 1;
    run.tick(60000);
    assert.equal(sent.length, 1);
    now += 1;
    run.tick(80000);
    assert.deepEqual(sent[1].body, { progressId: 'p1', message: '80,000 records' });
    run.end('paused');
    assert.deepEqual(sent[2].body, { progressId: 'p1', message: 'paused' });
    assert.ok(run.matches({ progressId: 'p1' }) && run.matches({ requestId: 42 }) && !run.matches({ progressId: 'p2' }));
    const off = new LongRun('p2', 1, 'x', (e) => sent.push(e), false, () => now + 10_000);
    off.tick(1);
    off.end();
    assert.equal(sent.length, 3);
  });

  it('progress: each tenth reached is reported at once, however little time passed; no repeats', () => {
    const now = 1000;
    const sent: DebugProtocol.Event[] = [];
    // a console job (consoleJob.ts): shown at once, the clock never moves
    const run = new LongRun('p3', 7, 'Running gup_test -u', (e) => sent.push(e), true, () => now, 0);
    for (let done = 0; done <= 100; done += 3) run.tick(done, done / 100, `${done}`);
    run.end();
    const pct = sent.filter((e) => e.body.percentage !== undefined).map((e) => e.body.percentage as number);
    // 0 at the start, then the first tick into each tenth (3 steps: 12, 21, 30, ..., 99); no update between
    assert.deepEqual(pct, [0, 12, 21, 30, 42, 51, 60, 72, 81, 90]);
    assert.equal(PERCENT_STEP, 10);
    assert.deepEqual(sent.map((e) => e.event), ['progressStart', ...pct.slice(1).map(() => 'progressUpdate'), 'progressEnd']);
    // once the time allows, an update within a tenth, but never the same percentage twice
    const sent2: DebugProtocol.Event[] = [];
    let t = 0;
    const run2 = new LongRun('p4', 8, 'x', (e) => sent2.push(e), true, () => t, 0);
    run2.tick(0, 0.01);
    t += UPDATE_EVERY_MS;
    run2.tick(1, 0.01);
    run2.tick(2, 0.02);
    t += UPDATE_EVERY_MS;
    run2.tick(3, 0.03);
    assert.deepEqual(sent2.map((e) => e.body.percentage), [1, 2, 3]);
  });

  it('a data breakpoint stops at the same records walking forwards and backwards (gup §3.1 counts)', () => {
    const file = 'examples/hello.vlab';
    const { scenario, runner } = load(file);
    const nav = new Navigator(runner);
    const policy = new StopPolicy(runner, new SourceMap(scenario, file), () => file, () => undefined);
    policy.setExceptions([], []);
    const set = policy.setData([{ dataId: 'expr:page(qemu, 0x7f0000000000).refcount' }]);
    assert.equal(set[0].verified, true);
    const fwd: number[] = [];
    for (;;) {
      const r = nav.forward((_r, i) => !!policy.check(i), 1_000_000);
      if (r === 'end') break;
      if (r !== 'budget') fwd.push(nav.cursor);
    }
    const back: number[] = [];
    for (;;) {
      const r = backwardSlice(nav, (_r, i) => !!policy.check(i), 1_000_000);
      if (r === 'start') break;
      if (r !== 'budget') back.push(nav.cursor);
    }
    // fault-in (refcount 1), the FOLL_PIN grab (1 + GUP_PIN_COUNTING_BIAS), the unpin (1)
    assert.equal(fwd.length, 3);
    assert.deepEqual(back, [...fwd].reverse());
  });
});
