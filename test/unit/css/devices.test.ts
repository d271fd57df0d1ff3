import * as assert from 'node:assert/strict';
import { lab, program, start, f, bytes, SCH, SID, PROG, BUF } from './helpers';
import type { DasdDevice } from '../../../model/devices/dasd';

describe('devices: DASD and terminal rule tables', () => {
  it('DASD sense ID: FF, CU 3990 model E9, device 3390 model 0A (css §3.3)', () => {
    const l = lab({ type: 'dasd' });
    program(l, [{ cmd: 0xe4, count: 7, cda: BUF }]);
    start(l);
    assert.deepEqual([f(l, 'scsw.stctl'), f(l, 'scsw.dstat'), f(l, 'scsw.count')], [0x07, 0x0c, 0]);
    assert.deepEqual(bytes(l, BUF, 7), [0xff, 0x39, 0x90, 0xe9, 0x33, 0x90, 0x0a]);
  });

  it('DASD: SEEK, SEARCH ID EQUAL (status modifier skips the TIC), READ DATA', () => {
    const l = lab({ type: 'dasd' });
    (l.css.device(SCH) as DasdDevice).format(0, 1, 3, [0xde, 0xad, 0xbe, 0xef]);
    l.mem.write(BUF, [0, 0, 0, 0, 0, 1]); // seek BBCCHH: cyl 0 head 1
    l.mem.write(BUF + 8, [0, 0, 0, 1, 3]); // CCHHR
    program(l, [
      { cmd: 0x07, flags: 0x40, count: 6, cda: BUF },
      { cmd: 0x31, flags: 0x40, count: 5, cda: BUF + 8 },
      { cmd: 0x08, cda: PROG + 8 },
      { cmd: 0x06, count: 4, cda: BUF + 0x100 },
    ]);
    start(l);
    assert.deepEqual([f(l, 'scsw.stctl'), f(l, 'scsw.dstat'), f(l, 'scsw.cstat'), f(l, 'scsw.cpa')], [0x07, 0x0c, 0, PROG + 32]);
    assert.deepEqual(bytes(l, BUF + 0x100, 4), [0xde, 0xad, 0xbe, 0xef]);
  });

  it('DASD: searching a record that is not there ends with unit check, sense byte 1 = 0x08', () => {
    const l = lab({ type: 'dasd' });
    l.mem.write(BUF, [0, 0, 0, 0, 0, 9]);
    program(l, [{ cmd: 0x31, flags: 0x40, count: 5, cda: BUF }, { cmd: 0x08, cda: PROG }]);
    start(l);
    assert.deepEqual([f(l, 'scsw.stctl'), f(l, 'scsw.dstat')], [0x17, 0x0e]);
    assert.equal(l.css.device(SCH)!.state.sense[1], 0x08);
    assert.equal(l.css.tsch(SID).cc, 0);
  });

  it('terminal: echo behaviour with a 3274/3278 identity', () => {
    const l = lab({ type: 'terminal' });
    l.mem.write(BUF, [0xc8, 0xc9]);
    program(l, [{ cmd: 0x05, flags: 0x40, count: 2, cda: BUF }, { cmd: 0x02, flags: 0x40, count: 2, cda: BUF + 0x10 }, { cmd: 0xe4, count: 7, cda: BUF + 0x20 }]);
    start(l);
    assert.equal(f(l, 'scsw.stctl'), 0x07);
    assert.deepEqual(bytes(l, BUF + 0x10, 2), [0xc8, 0xc9]);
    assert.deepEqual(bytes(l, BUF + 0x20, 7), [0xff, 0x32, 0x74, 0x41, 0x32, 0x78, 0x02]);
  });
});
