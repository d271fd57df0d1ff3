import * as assert from 'node:assert/strict';
import { lab, program, run, start, f, events, SID, PROG, BUF, orb } from './helpers';

describe('css §5.3 function edge cases', () => {
  it('HSCH while suspended: no DE, CPA = suspended CCW + 8; TSCH then clears FCTL and the suspended bit', () => {
    const l = lab();
    program(l, [{ cmd: 0x03, flags: 0x40 }, { cmd: 0x03, flags: 0x02 }]);
    l.css.ssch(SID, orb({ spnd: 1, ssic: 1 }));
    run(l);
    // SSIC = 1: suspended without an intermediate interruption
    assert.deepEqual([f(l, 'scsw.actl'), f(l, 'scsw.stctl')], [0x01, 0]);
    assert.equal(l.css.interruptionPending(), false);
    assert.equal(l.css.hsch(SID), 0);
    run(l);
    assert.deepEqual([f(l, 'scsw.stctl'), f(l, 'scsw.dstat'), f(l, 'scsw.cpa'), f(l, 'scsw.fctl')], [0x01, 0, PROG + 16, 0x2]);
    assert.equal(l.css.tsch(SID).cc, 0);
    assert.deepEqual([f(l, 'scsw.fctl'), f(l, 'scsw.actl'), f(l, 'scsw.stctl')], [0, 0, 0]);
  });

  it('XSCH cancels a suspended program (css §5.2 XSCH cc 0)', () => {
    const l = lab();
    program(l, [{ cmd: 0x03, flags: 0x02 }]);
    l.css.ssch(SID, orb({ spnd: 1, ssic: 1 }));
    run(l);
    assert.equal(l.css.xsch(SID), 0);
    assert.deepEqual([f(l, 'scsw.fctl'), f(l, 'scsw.actl')], [0, 0]);
    assert.equal(l.css.rsch(SID), 2); // nothing to resume
  });

  it('ISIC: intermediate status with ZCC when the subchannel becomes active [unverified PoP choice]', () => {
    const l = lab();
    program(l, [{ cmd: 0x03 }]);
    l.css.ssch(SID, orb({ isic: 1 }));
    run(l, 1);
    assert.deepEqual([f(l, 'scsw.stctl'), f(l, 'scsw.zcc'), f(l, 'scsw.isic')], [0x09, 1, 1]);
    run(l);
    assert.equal(f(l, 'scsw.stctl'), 0x0f); // final status joins the untested intermediate status
  });

  it('incorrect length with data chaining: the device ends inside the chain (SLI ignored with CD, css §3.2)', () => {
    const l = lab();
    l.mem.write(BUF, [1, 2, 3]);
    program(l, [
      { cmd: 0x01, flags: 0x40, count: 3, cda: BUF },
      { cmd: 0x02, flags: 0x80 | 0x20, count: 8, cda: BUF + 0x10 },
      { cmd: 0x00, count: 8, cda: BUF + 0x20 },
    ]);
    start(l);
    assert.deepEqual([f(l, 'scsw.stctl'), f(l, 'scsw.cstat'), f(l, 'scsw.count'), f(l, 'scsw.cpa')], [0x17, 0x40, 5, PROG + 16]);
  });

  it('ccw.fetch carries the scenario line from ccwLineResolver', () => {
    const l = lab();
    program(l, [{ cmd: 0x03 }]);
    l.css.ccwLineResolver = (a) => (a === PROG ? 42 : undefined);
    start(l);
    assert.deepEqual(events(l, 'ccw.fetch').map((e) => e.ccwLine), [42]);
  });

  it('a second start after TSCH begins with fresh status (deferred cc, DSTAT, CSTAT, count)', () => {
    const l = lab();
    program(l, [{ cmd: 0x07 }]);
    start(l, { lpm: 0x20 });
    assert.equal(f(l, 'scsw.cc'), 3);
    l.css.tsch(SID);
    program(l, [{ cmd: 0x03 }]);
    start(l);
    assert.deepEqual([f(l, 'scsw.cc'), f(l, 'scsw.stctl'), f(l, 'scsw.dstat'), f(l, 'scsw.cstat')], [0, 0x07, 0x0c, 0]);
  });
});
