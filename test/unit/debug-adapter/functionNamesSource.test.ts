/**
 * The function breakpoint names come from the frame explanation tables (one source): every
 * explained function takes a breakpoint, and the frames the model emits that an earlier
 * hand-written list lacked are accepted (issue 9: "function breakpoints … on kernel/QEMU
 * function names, completed from the list the model knows").
 */
import * as assert from 'node:assert/strict';
import { FUNCTION_NAMES, FRAME_NAME_TABLE, INSTRUCTION_NAMES } from '../../../debug-adapter/functionNames';
import { FunctionBreakpoints } from '../../../debug-adapter/functionBreakpoints';
import { explainedNames } from '../../../debug-adapter/kernelSources';

describe('debug-adapter: function breakpoint names are the explained functions', () => {
  it('FUNCTION_NAMES is exactly the explained C function names, sorted, each once', () => {
    const explained = explainedNames().filter((n) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(n));
    assert.deepEqual([...FUNCTION_NAMES], [...new Set(explained)].sort());
    // explained steps that are no C function are no breakpoint names (model/linux/mm/gupTest.ts, vfioType1.ts)
    assert.ok(!FUNCTION_NAMES.includes('touch pages (p[0] = 0)'));
    assert.ok(!FUNCTION_NAMES.includes('vfio: unpin zero page'));
    // the callbacks the cio layer builds as `${driver}_chp_event` (css §8.4) are not written out in model/
    assert.ok(FUNCTION_NAMES.includes('io_subchannel_chp_event') && !FRAME_NAME_TABLE.includes('io_subchannel_chp_event'));
    // instruction names are functions only where a frame of that name is explained: STCPS and STCRW
    // (css §5.1, §6.3) are QEMU handlers the model shows as frames; HSCH is an instruction only
    assert.deepEqual(FUNCTION_NAMES.filter((n) => INSTRUCTION_NAMES.includes(n)), ['stcps', 'stcrw']);
  });

  it('frames the model emits that the hand-written list lacked now verify as function breakpoints', () => {
    let id = 1;
    const bps = new FunctionBreakpoints(() => id++);
    const names = [
      'do_cow_fault', // model/linux/mm/vma.ts: a private file-backed write fault
      'iov_iter_extract_pages', // model/linux/mm/callers.ts: 6.5+ block direct I/O pins (gup §2.5 case 1)
      'iov_iter_get_pages', // the same caller before 6.0 (FOLL_GET)
      'folio_mark_dirty_lock', // model/linux/mm/release.ts: E3+ unpin_*_dirty_lock (gup §6)
      'set_page_dirty_lock', // the same before E3 (gup §6)
      'io_subchannel_chp_event', // model/linux/cio/cio.ts: the io_subchannel driver's chp_event (css §8.4)
      'crw_machine_check', // model/linux/vfio-ccw/ioWork.ts: the channel-report-pending machine check (css §6.4)
    ];
    const answers = bps.set(names.map((name) => ({ name })), new Set());
    assert.deepEqual(answers.map((a) => [a.verified, a.message]), names.map((n) => [true, `stops when ${n} is entered`]));
  });
});
