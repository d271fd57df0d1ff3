import * as assert from 'node:assert/strict';
import { FOLL_BIT, FOLL_FLAGS, follBits, follBitsString, follNames, parseFoll } from '../../../model/linux/mm/foll';
import { parseKernelVersion } from '../../../model/kernel/version';

/** Issue 12: inside the GUP core a FOLL_* set is a bit mask of model bits; names stay the kernel's. */
describe('mm: FOLL_* bit masks', () => {
  it('one distinct model bit per row of the gup §2.2 table, in table order', () => {
    const names = Object.keys(FOLL_FLAGS);
    assert.deepEqual(Object.keys(FOLL_BIT), names);
    assert.deepEqual(names.map((n) => FOLL_BIT[n as keyof typeof FOLL_BIT]), names.map((_, i) => 1 << i));
  });

  it('names → bits → names round trip, shown as the kernel spells them (gup §2.2)', () => {
    const v = parseKernelVersion('6.18')!;
    const set = parseFoll(['write', 'FOLL_LONGTERM', 'FOLL_PIN'], v);
    const bits = follBits(set);
    assert.equal(bits, FOLL_BIT.FOLL_WRITE | FOLL_BIT.FOLL_LONGTERM | FOLL_BIT.FOLL_PIN);
    assert.deepEqual([...follNames(bits)], ['FOLL_WRITE', 'FOLL_LONGTERM', 'FOLL_PIN']);
    assert.equal(follBitsString(bits), 'FOLL_WRITE|FOLL_LONGTERM|FOLL_PIN');
    assert.equal(follBitsString(0), '0');
  });

  it('an unknown name is refused with a one-line error', () => {
    assert.throws(() => follBits(['FOLL_WRTIE']), /^Error: unknown gup flag 'FOLL_WRTIE'$/);
  });
});
