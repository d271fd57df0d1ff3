/**
 * issue 11: WARN_ON_ONCE sites warn once per boot (gup §2.3), and `warnings` counts kernel/QEMU
 * warnings apart from the model's own notes (`notes`).
 */
import * as assert from 'node:assert/strict';
import { parseScenario } from '../../../model/scenario/parser';
import { Runner, isModelNote } from '../../../model/scenario/runner';
import { warnOnce } from '../../../model/kernel/warnOnce';

function run(lines: string[]): Runner {
  const { scenario, diagnostics } = parseScenario(lines.join('\n'), 't.vlab');
  assert.deepEqual(diagnostics, []);
  const r = new Runner(scenario);
  r.runToEnd();
  return r;
}

describe('warnings: WARN_ON_ONCE once per boot, notes apart (issue 11)', () => {
  it('E3 pin_user_pages WARN_ON_ONCE(gup_flags & FOLL_GET): one warning for three calls; another site warns on its own (gup §2.3)', () => {
    const r = run([
      'kernel 5.19', 'process p pid 1', 'vma p 0x10000 size 16K anon rw',
      'pin_user_pages p 0x10000 1 FOLL_GET', 'pin_user_pages p 0x10000 1 FOLL_GET', 'pin_user_pages p 0x10000 1 FOLL_GET',
      'get_user_pages p 0x10000 1 FOLL_PIN',
      'get_user_pages p 0x10000 1 FOLL_PIN',
    ]);
    assert.deepEqual(r.warnings, ['pin_user_pages: WARN_ON_ONCE(gup_flags & FOLL_GET)', 'get_user_pages: FOLL_PIN must only be set by pin_user_pages*()']);
    assert.deepEqual(r.notes, []);
  });

  it('the warned-once set is journaled: stepping back before the first warning re-arms the site', () => {
    const r = run(['kernel 6.18', 'process p pid 1', 'vma p 0x10000 size 16K anon rw', 'pin_user_pages p 0x10000 1 FOLL_GET']);
    const warnRecord = r.m.history.findIndex((h) => h.event.kind === 'warn');
    assert.ok(warnRecord > 0);
    const before = r.m.history[warnRecord - 1].journalPos;
    const end = r.m.journal.position;
    r.m.journal.undoTo(before);
    assert.equal(r.warnings.length, 0);
    r.m.journal.redoTo(end);
    assert.equal(r.warnings.length, 1);
    assert.equal(warnOnce(r.m, 'is_valid_gup_args:GET|PIN', 'again', 'gup §2.3'), false); // already warned this boot
    r.m.journal.undoTo(before);
    r.m.journal.truncateFuture();
    assert.equal(warnOnce(r.m, 'is_valid_gup_args:GET|PIN', 'again', 'gup §2.3'), true); // re-armed in the forked past
  });

  it('the model\'s notes are not kernel warnings: wrong release, [unverified] choices, injected faults', () => {
    const r = run([
      'chpid 40', 'device 0.0.1234 schid 0.0.0007 type echo chpids 40', 'machine unsolicited 0.0.0007',
      'process p pid 1', 'vma p 0x10000 size 16K anon rw', 'get_user_pages p 0x10000 1 FOLL_WRITE -> g', 'unpin_user_pages g',
      'expect warnings == 0', 'expect notes == 2', 'expect noted("wrong release") == 1', 'expect noted("unsolicited") == 1',
    ]);
    assert.deepEqual(r.expects.map((e) => [e.expr, e.ok, e.actual]), [
      ['warnings == 0', true, '0'], ['notes == 2', true, '2'], ['noted("wrong release") == 1', true, '1'], ['noted("unsolicited") == 1', true, '1'],
    ]);
    assert.equal(isModelNote('injected: CRW element allocation failed'), true);
    assert.equal(isModelNote('io_uring: 3 pages exceed RLIMIT_MEMLOCK'), false);
  });
});
