/** The Testing view's in-process run (model/scenario/language/testRun.ts): results per expect, exceptions, unreached expects. */
import * as assert from 'node:assert/strict';
import { parseScenario } from '../../../model/scenario/parser';
import { runScenarioTest } from '../../../model/scenario/language';

describe('language: scenario as a test', () => {
  it('reports each expect with expected and actual, in order', () => {
    const { scenario } = parseScenario(['process p pid 1', 'expect pins_held == 0', 'expect pins_held == 2', 'expect pins_held != 5'].join('\n'), 't.vlab');
    const r = runScenarioTest(scenario);
    assert.equal(r.finished, true);
    assert.deepEqual(r.expects.map((e) => [e.stmt.line, e.result?.ok, e.result?.expected, e.result?.actual]), [
      [2, true, '0', '0'], [3, false, '2', '0'], [4, true, '!= 5', '0'],
    ]);
    assert.deepEqual(r.exceptions, []);
  });

  it('reports exceptions with their line and leaves expects after a runaway program unreached', () => {
    const text = [
      'chpid 40', 'device 0.0.1234 schid 0.0.0007 type echo chpids 40 enabled', 'data d at 0x2000 zero 8',
      'program loop at 0x1000', '  top: NOP CC data d', '  TIC top', 'end',
      'ssch 0.0.0007 cpa=loop', 'wait', 'expect cc == 0',
    ].join('\n');
    const r = runScenarioTest(parseScenario(text, 't.vlab').scenario, 2000);
    assert.equal(r.finished, false);
    assert.equal(r.expects[0].result, undefined);
    assert.match(r.exceptions[r.exceptions.length - 1].message, /stopped after 2000 steps/);
    const bad = runScenarioTest(parseScenario('tsch 0.0.0009\nexpect cc == 3', 't.vlab').scenario);
    assert.equal(bad.finished, true);
    assert.equal(bad.expects[0].result?.ok, true);
  });
});
