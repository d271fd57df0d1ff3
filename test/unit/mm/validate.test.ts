import * as assert from 'node:assert/strict';
import { ERRNO } from '../../../model/linux/mm/mm';
import { anonRw, BUF, PID, setup, warnings } from './helpers';

const EINVAL = -ERRNO.EINVAL;

/** Result of one call on a fresh machine with a faulted-in rw anon buffer. */
function call(ver: string, api: string, flags: string[], opts: { pagesNull?: boolean; locked?: number } = {}, start = BUF, nr = 1): { ret: number; warns: number } {
  const { mm, m } = setup(ver);
  anonRw(mm);
  const ret = mm.gup(api, PID, start, nr, flags, opts).ret;
  return { ret, warns: warnings(m).length };
}

describe('mm: argument validation (gup §2.3)', () => {
  it('E4+: internal flags passed by the caller are rejected with a WARN: 0 for pin_user_pages, -EINVAL for get_*', () => {
    // gup §2.3 "any internal flag passed by caller | WARN, reject"; "reject means" row
    assert.deepEqual(call('6.18', 'pin_user_pages', ['FOLL_TOUCH']), { ret: 0, warns: 1 });
    assert.deepEqual(call('6.18', 'pin_user_pages_remote', ['FOLL_REMOTE']), { ret: 0, warns: 1 });
    assert.deepEqual(call('6.18', 'pin_user_pages_unlocked', ['FOLL_TRIED']), { ret: 0, warns: 1 });
    assert.deepEqual(call('6.18', 'pin_user_pages_fast', ['FOLL_TOUCH']), { ret: EINVAL, warns: 1 });
    assert.deepEqual(call('6.3', 'get_user_pages', ['FOLL_PIN']), { ret: EINVAL, warns: 1 });
    assert.deepEqual(call('6.3', 'get_user_pages_fast', ['FOLL_PIN']), { ret: EINVAL, warns: 1 });
    // before 6.3 FOLL_TOUCH is a public flag: accepted
    assert.deepEqual(call('5.18', 'pin_user_pages', ['FOLL_TOUCH']), { ret: 1, warns: 0 });
  });

  it('FOLL_GET into a pin_* wrapper: 0 (E4+) or -EINVAL (E1–E3); pin_user_pages_fast always -EINVAL', () => {
    assert.deepEqual(call('6.18', 'pin_user_pages', ['FOLL_GET']), { ret: 0, warns: 1 });
    assert.deepEqual(call('6.3', 'pin_user_pages_remote', ['FOLL_GET']), { ret: 0, warns: 1 });
    assert.deepEqual(call('5.18', 'pin_user_pages', ['FOLL_GET']), { ret: EINVAL, warns: 1 });
    assert.deepEqual(call('5.6', 'pin_user_pages_unlocked', ['FOLL_GET']), { ret: EINVAL, warns: 1 });
    assert.deepEqual(call('6.18', 'pin_user_pages_fast', ['FOLL_GET']), { ret: EINVAL, warns: 1 });
    assert.deepEqual(call('5.7', 'pin_user_pages_fast', ['FOLL_GET']), { ret: EINVAL, warns: 1 });
    // pin_user_pages_fast_only (5.8–6.2): → 0
    assert.deepEqual(call('5.18', 'pin_user_pages_fast_only', ['FOLL_GET']), { ret: 0, warns: 1 });
  });

  it('FOLL_LONGTERM without FOLL_PIN: rejected from 6.3, accepted by get_user_pages before', () => {
    assert.deepEqual(call('6.3', 'get_user_pages', ['FOLL_LONGTERM']), { ret: EINVAL, warns: 1 });
    assert.deepEqual(call('6.18', 'get_user_pages_fast', ['FOLL_LONGTERM']), { ret: EINVAL, warns: 1 });
    assert.deepEqual(call('5.18', 'get_user_pages', ['FOLL_LONGTERM']), { ret: 1, warns: 0 });
  });

  it('*locked != 1, pages == NULL, FOLL_LONGTERM|FOLL_PCI_P2PDMA (E4+)', () => {
    assert.deepEqual(call('6.18', 'pin_user_pages_remote', [], { locked: 0 }), { ret: 0, warns: 1 });
    assert.deepEqual(call('6.18', 'get_user_pages_remote', [], { locked: 0 }), { ret: EINVAL, warns: 1 });
    assert.deepEqual(call('6.18', 'pin_user_pages_remote', [], { locked: 1 }), { ret: 1, warns: 0 });
    assert.deepEqual(call('6.18', 'pin_user_pages', [], { pagesNull: true }), { ret: 0, warns: 1 });
    assert.deepEqual(call('6.18', 'get_user_pages_fast', [], { pagesNull: true }), { ret: EINVAL, warns: 1 });
    // get_user_pages with pages == NULL only faults in (FOLL_GET is added only with a pages array)
    assert.deepEqual(call('6.18', 'get_user_pages', [], { pagesNull: true }), { ret: 1, warns: 0 });
    assert.deepEqual(call('6.18', 'pin_user_pages', ['FOLL_LONGTERM', 'FOLL_PCI_P2PDMA']), { ret: 0, warns: 1 });
  });

  it('E1–E3: get_user_pages_remote(FOLL_LONGTERM) with locked != NULL is -EINVAL', () => {
    assert.deepEqual(call('5.6', 'get_user_pages_remote', ['FOLL_LONGTERM'], { locked: 1 }), { ret: EINVAL, warns: 1 });
    assert.deepEqual(call('5.6', 'get_user_pages_remote', ['FOLL_LONGTERM']), { ret: 1, warns: 0 });
  });

  it('fast path: flag mask -EINVAL with WARN, address overflow -EOVERFLOW, beyond TASK_SIZE_MAX -EFAULT', () => {
    // gup §2.3 fast path rows
    assert.deepEqual(call('6.18', 'pin_user_pages_fast', ['FOLL_DUMP']), { ret: EINVAL, warns: 1 });
    assert.deepEqual(call('6.18', 'get_user_pages_fast', ['FOLL_ANON']), { ret: EINVAL, warns: 1 });
    assert.deepEqual(call('6.18', 'pin_user_pages_fast', [], {}, 0xfffffffffffff000n, 2), { ret: -ERRNO.EOVERFLOW, warns: 0 });
    assert.deepEqual(call('6.18', 'pin_user_pages_fast', [], {}, 0x7ffffffff000n, 2), { ret: -ERRNO.EFAULT, warns: 0 });
    assert.deepEqual(call('6.18', 'pin_user_pages_fast', [], {}, BUF, -1), { ret: -ERRNO.EOVERFLOW, warns: 0 });
  });

  it('FOLL_FAST_ONLY variants never fall back and return a count', () => {
    const { mm } = setup('5.18');
    anonRw(mm);
    // nothing faulted in yet: the fast walk finds no PTE
    assert.equal(mm.gup('pin_user_pages_fast_only', PID, BUF, 2, ['FOLL_WRITE']).ret, 0);
    assert.equal(mm.gup('get_user_pages_fast_only', PID, BUF, 2, ['FOLL_WRITE']).ret, 0);
    mm.touch(PID, BUF, true);
    assert.equal(mm.gup('get_user_pages_fast_only', PID, BUF, 2, ['FOLL_WRITE']).ret, 1);
    assert.throws(() => setup('6.3').mm.gup('pin_user_pages_fast_only', PID, BUF, 1, []), /does not exist in Linux 6.3/);
  });
});
