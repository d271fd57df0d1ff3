/** issue 11 F: `unpin_user_pages NAME N` passes an explicit npages (gup §2.1, §3.5). */
import * as assert from 'node:assert/strict';
import { parseScenario } from '../../../model/scenario/parser';
import { Runner } from '../../../model/scenario/runner';

function run(lines: string[]): Runner {
  const { scenario, diagnostics } = parseScenario(lines.join('\n'), 'c.vlab');
  assert.deepEqual(diagnostics, []);
  const r = new Runner(scenario);
  r.runToEnd();
  return r;
}

describe('release with an explicit page count (gup §3.5)', () => {
  it('unpin_user_pages NAME N releases the first N pages; a negative errno releases nothing and WARNs', () => {
    const r = run(['kernel 6.18', 'process p pid 1', 'vma p 0x10000 size 16K anon rw', 'pin_user_pages p 0x10000 4 FOLL_WRITE -> a',
      'unpin_user_pages a 3', 'unpin_user_pages a -14']);
    assert.equal(r.mm.pinsHeld(), 1);
    assert.equal(r.mm.vmstat.nr_foll_pin_released, 3); // gup §4: 3 releases counted
    assert.deepEqual(r.warnings, ['unpin_user_pages: npages is a negative errno (-14); nothing released']);
  });
  it('unpin_user_pages_dirty_lock NAME N true dirties only the pages it releases (gup §6)', () => {
    const r = run(['kernel 6.18', 'process p pid 1', 'vma p 0x10000 size 16K anon rw', 'pin_user_pages p 0x10000 2 FOLL_WRITE -> a',
      'unpin_user_pages_dirty_lock a 1 true', 'expect a[0].dirty == 1', 'expect a[1].dirty == 0', 'expect a[1].refcount == 1025']);
    assert.deepEqual(r.expects.map((e) => e.ok), [true, true, true]);
  });
  it('more than bound is a scenario error, not a crash', () => {
    const r = run(['kernel 6.18', 'process p pid 1', 'vma p 0x10000 size 16K anon rw', 'pin_user_pages p 0x10000 2 FOLL_WRITE -> a', 'unpin_user_pages a 3']);
    assert.match(r.exceptions[0].message, /3 pages requested but the array holds 2/);
  });
});
