/**
 * issue 11: an `expect` after a failed statement must not pass on stale values — after a scenario
 * error, a program exception or a TSCH with cc 3, `cc`, `ret` and `irb.*` have no value; `wait
 * interrupt` with nothing pending is a failure.
 */
import * as assert from 'node:assert/strict';
import { parseScenario } from '../../../model/scenario/parser';
import { Runner } from '../../../model/scenario/runner';

function run(lines: string[]): Runner {
  const { scenario, diagnostics } = parseScenario(lines.join('\n'), 't.vlab');
  assert.deepEqual(diagnostics, []);
  const r = new Runner(scenario);
  r.runToEnd();
  return r;
}

const SETUP = ['chpid 40', 'device 0.0.1234 schid 0.0.0007 type echo chpids 40 enabled', 'program p at 0x1000', '  NOP', 'end'];

describe('scenario results: no stale values (issue 11)', () => {
  it('TSCH cc 3 stores no IRB (css §5.2): irb.* has no value, cc is 3', () => {
    const r = run([...SETUP, 'ssch 0.0.0007 cpa=p', 'wait interrupt', 'tsch 0.0.0007', 'expect irb.scsw.dstat == 0x0c', 'tsch 0.0.0009', 'expect cc == 3', 'expect irb.scsw.dstat == 0x0c']);
    assert.deepEqual(r.expects.map((e) => e.ok), [true, true, false]);
    assert.match(r.expects[2].actual, /irb has no value/);
  });

  it('a program exception leaves cc, ret and irb without a value (css §5.1)', () => {
    const r = run([...SETUP, 'ssch 0.0.0007 cpa=p', 'wait interrupt', 'tsch 0.0.0007', 'expect cc == 0', 'stsch sid 0x0000ffff', 'expect exception == "operand"', 'expect cc == 0', 'expect irb.scsw.dstat == 0x0c']);
    assert.deepEqual(r.expects.map((e) => e.ok), [true, true, false, false]);
    assert.match(r.expects[2].actual, /cc has no value/);
    assert.match(r.expects[3].actual, /irb has no value/);
  });

  it('a scenario error leaves ret without a value (gup §2.4: the previous ret is not reused)', () => {
    const r = run([
      'process p pid 1', 'vma p 0x10000 size 16K anon rw', 'pin_user_pages p 0x10000 2 FOLL_WRITE -> a', 'expect ret == 2',
      'unpin_user_pages nosuch', 'expect ret == 2', 'expect errno == 0',
    ]);
    assert.deepEqual(r.expects.map((e) => e.ok), [true, false, false]);
    assert.match(r.expects[1].actual, /ret has no value/);
    assert.equal(r.exceptions.length, 1);
  });

  it('cc has no value before the first instruction', () => {
    const r = run(['expect cc == 0']);
    assert.equal(r.expects[0].ok, false);
    assert.match(r.expects[0].actual, /cc has no value/);
  });

  it('`wait interrupt` with nothing pending is a scenario error (css §5.4)', () => {
    const r = run([...SETUP, 'wait interrupt', 'expect failures == 0']);
    assert.deepEqual(r.exceptions.map((e) => [e.line, e.checked]), [[6, false]]);
    assert.match(r.exceptions[0].message, /wait interrupt: the channel subsystem went idle with no interruption pending/);
    assert.equal(r.expects[0].ok, true); // the failure is an exception, not a failed expect
  });
});
