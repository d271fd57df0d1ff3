import * as assert from 'node:assert/strict';
import { FOLL_FLAGS, follFromValue, follInternal, follValue, parseFoll } from '../../../model/linux/mm/foll';

const v = (s: string) => ({ major: Number(s.split('.')[0]), minor: Number(s.split('.')[1]) });

describe('mm: FOLL_* flags (gup §2.2)', () => {
  it('has both value columns exactly as the table', () => {
    // gup §2.2: E1–E3 #define values and E5 (6.18 BTF) values
    const expect: Array<[string, number | undefined, number, boolean]> = [
      ['FOLL_WRITE', 0x01, 1, false],
      ['FOLL_TOUCH', 0x02, 65536, true],
      ['FOLL_GET', 0x04, 2, false],
      ['FOLL_DUMP', 0x08, 4, false],
      ['FOLL_FORCE', 0x10, 8, false],
      ['FOLL_NOWAIT', 0x20, 16, false],
      ['FOLL_NOFAULT', 0x80, 32, false],
      ['FOLL_HWPOISON', 0x100, 64, false],
      ['FOLL_REMOTE', 0x2000, 262144, true],
      ['FOLL_ANON', 0x8000, 128, false],
      ['FOLL_LONGTERM', 0x10000, 256, false],
      ['FOLL_SPLIT_PMD', 0x20000, 512, false],
      ['FOLL_PIN', 0x40000, 524288, true],
      ['FOLL_FAST_ONLY', 0x80000, 1048576, true],
      ['FOLL_PCI_P2PDMA', undefined, 1024, false],
      ['FOLL_INTERRUPTIBLE', undefined, 2048, false],
      ['FOLL_HONOR_NUMA_FAULT', undefined, 4096, false],
      ['FOLL_TRIED', 0x800, 131072, true],
      ['FOLL_UNLOCKABLE', undefined, 2097152, true],
      ['FOLL_MADV_POPULATE', undefined, 4194304, true],
    ];
    assert.equal(Object.keys(FOLL_FLAGS).length, expect.length);
    for (const [n, old, e5, internal] of expect) {
      assert.deepEqual([FOLL_FLAGS[n].old, FOLL_FLAGS[n].e5, FOLL_FLAGS[n].internal], [old, e5, internal], n);
    }
  });

  it('internal flags are only internal from 6.3 (gup §2.2 "public/internal (E4+)")', () => {
    assert.equal(follInternal('FOLL_TOUCH', v('5.18')), false);
    assert.equal(follInternal('FOLL_TOUCH', v('6.3')), true);
    assert.equal(follInternal('FOLL_WRITE', v('6.18')), false);
  });

  it('parses names with or without prefix, rejects unknown and not-yet-existing flags', () => {
    assert.deepEqual([...parseFoll(['write', 'FOLL_LONGTERM'], v('6.18'))], ['FOLL_WRITE', 'FOLL_LONGTERM']);
    assert.throws(() => parseFoll(['FOLL_WRTIE'], v('6.18')), /unknown gup flag/);
    // gup §1: FOLL_FAST_ONLY ≈5.8
    assert.throws(() => parseFoll(['FOLL_FAST_ONLY'], v('5.7')), /does not exist in Linux 5.7/);
    assert.throws(() => parseFoll(['FOLL_PIN'], v('5.5')), /does not exist/);
  });

  it('numeric values per era and back (gup §2.2)', () => {
    const f = new Set(['FOLL_WRITE', 'FOLL_LONGTERM', 'FOLL_PIN']);
    assert.equal(follValue(f, v('5.7')), 0x01 | 0x10000 | 0x40000);
    assert.equal(follValue(f, v('6.18')), 1 | 256 | 524288);
    assert.deepEqual([...follFromValue(0x1, v('6.18')).flags], ['FOLL_WRITE']);
    assert.deepEqual([...follFromValue(0x10001, v('5.10')).flags].sort(), ['FOLL_LONGTERM', 'FOLL_WRITE']);
  });
});
