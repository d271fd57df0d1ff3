/**
 * The data side of a CCW after issue 12's changes (idaw.ts, channel.ts executeCommand's transfer
 * lines): the IDAW layout rows are shared objects, format-2 IDAWs are checked as two words (no
 * bigint), scatter/gather move bytes across segments without per-byte callbacks, and the
 * `ccw.data` event owns its bytes (the output gathered for the device is not shared with it).
 */
import * as assert from 'node:assert/strict';
import { idawFormat, gather, scatter } from '../../../model/css/idaw';
import { lab, program, start, f, events, bytes, PROG } from './helpers';

const W = 0x01;
const R = 0x02;
const CC = 0x40, IDA = 0x04;

describe('css §3.5 IDAW layouts and format-2 IDAW checks (issue 12 data transfer)', () => {
  it('idawFormat gives the three rows of the css §3.5 table, one shared frozen object per row', () => {
    assert.deepEqual({ ...idawFormat({ c64: 0, i2k: 0 }) }, { format: 1, size: 4, block: 2048 });
    assert.deepEqual({ ...idawFormat({ c64: 0, i2k: 1 }) }, { format: 1, size: 4, block: 2048 }); // I2K only with C64
    assert.deepEqual({ ...idawFormat({ c64: 1, i2k: 0 }) }, { format: 2, size: 8, block: 4096 });
    assert.deepEqual({ ...idawFormat({ c64: 1, i2k: 1 }) }, { format: 2, size: 8, block: 2048 });
    assert.equal(idawFormat({ c64: 1, i2k: 0 }), idawFormat({ c64: 1, i2k: 0 }));
    assert.equal(Object.isFrozen(idawFormat({ c64: 0, i2k: 0 })), true);
  });

  it('a format-2 IDAW at or beyond the end of memory, high word set or low word ≥ size, is a program check naming the doubleword (css §3.5 unreadable IDAW)', () => {
    const cases: Array<[number[], string]> = [
      [[0, 0, 0, 1, 0, 0, 0, 0], '0x100000000'], // hi = 1: above 4 GiB
      [[0x80, 0, 0, 0, 0, 0, 0x50, 0], '0x8000000000005000'], // hi bit 0: beyond 2^53 as well
      [[0, 0, 0, 0, 0, 2, 0, 0], '0x20000'], // lo = size: the first byte past memory
    ];
    for (const [idaw, shown] of cases) {
      const l = lab({}, 0x20000);
      l.mem.write(0x3000, idaw);
      l.mem.write(0x8000, [1, 2, 3, 4]);
      program(l, [{ cmd: W, flags: CC, count: 4, cda: 0x8000 }, { cmd: R, flags: IDA, count: 4, cda: 0x3000 }]);
      start(l, { c64: 1 });
      // css §3.6: CSTAT program check 0x20, STCTL 0x17, CPA = failing CCW + 8
      assert.deepEqual([f(l, 'scsw.stctl'), f(l, 'scsw.cstat'), f(l, 'scsw.cpa')], [0x17, 0x20, PROG + 16], shown);
      assert.equal(events(l, 'ccw.check')[0].reason, `format-2 IDAW 0 = ${shown} is outside guest memory`);
    }
  });

  it('a format-2 IDAW just below the end of memory is used: the last 4 bytes of a 128 KiB guest (css §3.5)', () => {
    const l = lab({}, 0x20000);
    l.mem.write(0x3000, [0, 0, 0, 0, 0, 1, 0xff, 0xfc]);
    l.mem.write(0x8000, [9, 8, 7, 6]);
    program(l, [{ cmd: W, flags: CC, count: 4, cda: 0x8000 }, { cmd: R, flags: IDA, count: 4, cda: 0x3000 }]);
    start(l, { c64: 1 });
    assert.deepEqual([f(l, 'scsw.stctl'), f(l, 'scsw.dstat'), f(l, 'scsw.cstat')], [0x07, 0x0c, 0]);
    assert.deepEqual(bytes(l, 0x1fffc, 4), [9, 8, 7, 6]);
  });
});

describe('scatter / gather across segments (issue 12: no per-byte callback, no spread)', () => {
  it('scatter stores bytes[from …] into each segment in order; gather reads them back in one array', () => {
    const l = lab();
    const segs = [{ addr: 0x4ffe, len: 2 }, { addr: 0x6000, len: 3 }];
    scatter(l.mem, segs, [0xaa, 0xbb, 1, 2, 3, 4, 5, 0xcc], 2);
    assert.deepEqual(bytes(l, 0x4ffd, 4), [0, 1, 2, 0]);
    assert.deepEqual(bytes(l, 0x6000, 4), [3, 4, 5, 0]);
    const g = gather(l.mem, segs);
    assert.deepEqual(g, [1, 2, 3, 4, 5]);
    assert.equal(Array.isArray(g), true); // a plain array of numbers, as ccw.data and the device take it
  });

  it('scatter of the whole array into one segment stores it as it is; values are stored modulo 256 (css §3 bytes)', () => {
    const l = lab();
    scatter(l.mem, [{ addr: 0x5000, len: 3 }], [0x101, 0x02, 0x1ff]);
    assert.deepEqual(bytes(l, 0x5000, 3), [0x01, 0x02, 0xff]);
  });
});

describe('ccw.data owns its bytes (css §3.2 data transfer events)', () => {
  it('the write event of the first I/O keeps its bytes after a second I/O writes others through the same device', () => {
    const l = lab();
    l.mem.write(0x2000, [1, 2, 3, 4]);
    program(l, [{ cmd: W, flags: CC, count: 4, cda: 0x2000 }, { cmd: R, count: 4, cda: 0x2100 }]);
    start(l);
    l.css.tsch(0x00010007);
    const first = events(l, 'ccw.data');
    assert.deepEqual(first.map((e) => [e.write, e.bytes]), [[true, [1, 2, 3, 4]], [false, [1, 2, 3, 4]]]);
    l.mem.write(0x2000, [5, 6, 7, 8]);
    start(l);
    assert.deepEqual(first.map((e) => e.bytes), [[1, 2, 3, 4], [1, 2, 3, 4]]);
    assert.deepEqual(events(l, 'ccw.data').slice(2).map((e) => [e.write, e.bytes]), [[true, [5, 6, 7, 8]], [false, [5, 6, 7, 8]]]);
    assert.deepEqual(bytes(l, 0x2100, 4), [5, 6, 7, 8]);
  });
});
