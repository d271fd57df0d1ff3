/** issue 11 F: GUP calls with `pages == NULL` (gup §2.3 is_valid_gup_args; populate-only get_user_pages). */
import * as assert from 'node:assert/strict';
import { parseScenario } from '../../../model/scenario/parser';
import { Runner } from '../../../model/scenario/runner';

describe('GUP with pages == NULL (gup §2.3)', () => {
  it('get_user_pages faults in without references; FOLL_PIN / FOLL_GET with NULL pages are refused with one WARN_ON_ONCE', () => {
    const text = [
      'kernel 6.18', 'process p pid 1', 'vma p 0x10000 size 16K anon rw',
      'get_user_pages p 0x10000 4 FOLL_WRITE pages=NULL', 'expect ret == 4', 'expect page(p, 0x13000).refcount == 1', 'expect pins_held == 0',
      'pin_user_pages p 0x10000 1 FOLL_WRITE pages=NULL', 'expect ret == 0', // gup §2.3 E4: pin_user_pages rejects with 0
      'get_user_pages_fast p 0x10000 1 FOLL_WRITE pages=NULL', 'expect ret == -EINVAL', // FOLL_GET added by the wrapper
      'expect warnings == 1', 'expect warned("pages == NULL") == 1',
    ].join('\n');
    const { scenario, diagnostics } = parseScenario(text, 'n.vlab');
    assert.deepEqual(diagnostics, []);
    const r = new Runner(scenario);
    r.runToEnd();
    assert.deepEqual(r.expects.filter((e) => !e.ok), []);
    assert.equal(r.expects.length, 7);
  });
  it('pages=NULL and -> NAME exclude each other (nothing to bind)', () => {
    const { diagnostics } = parseScenario('process p pid 1\nget_user_pages p 0x10000 1 0 pages=NULL -> x\n', 'n.vlab');
    assert.equal(diagnostics.length, 1);
    assert.match(diagnostics[0].message, /expected end of line/);
  });
});
