import * as assert from 'node:assert/strict';
import { lab, program, run, start, f, SID, PROG, orb } from './helpers';

describe('css §5.2/§5.3 HSCH, CSCH, XSCH', () => {
  it('HSCH on an active program: cc 0, FCTL halt (start cleared), halt pending; then DE, CPA = current CCW + 8, STCTL pending, LPUM 0x80', () => {
    const l = lab();
    program(l, [{ cmd: 0x03, flags: 0x40 }, { cmd: 0x08, cda: PROG }]); // endless NOP/TIC loop
    l.css.ssch(SID, orb());
    run(l, 4); // start, NOP, TIC, NOP
    assert.equal(f(l, 'scsw.actl'), 0x06);
    assert.equal(l.css.hsch(SID), 0);
    assert.deepEqual([f(l, 'scsw.fctl'), f(l, 'scsw.actl')], [0x2, 0x16]);
    assert.equal(l.css.hsch(SID), 2); // css §5.2 HSCH cc 2: halt in progress
    run(l);
    assert.deepEqual([f(l, 'scsw.stctl'), f(l, 'scsw.dstat'), f(l, 'scsw.cstat'), f(l, 'scsw.cpa')], [0x01, 0x04, 0, PROG + 8]);
    assert.equal(f(l, 'scsw.actl'), 0);
    assert.equal(f(l, 'pmcw.lpum'), 0x80);
    assert.equal(l.m.hasPendingActions(), false); // the loop is gone
    assert.equal(l.css.hsch(SID), 1); // status pending alone → cc 1
    assert.equal(l.css.tsch(SID).cc, 0);
    assert.deepEqual([f(l, 'scsw.stctl'), f(l, 'scsw.fctl'), f(l, 'scsw.actl')], [0, 0, 0]);
  });

  it('HSCH is not blocked by intermediate status (PCI), is blocked by primary status (css §5.2)', () => {
    const l = lab();
    program(l, [{ cmd: 0x03, flags: 0x48 }, { cmd: 0x08, cda: PROG }]);
    l.css.ssch(SID, orb());
    run(l, 2);
    assert.equal(f(l, 'scsw.stctl'), 0x09);
    assert.equal(l.css.hsch(SID), 0);
    run(l);
    assert.equal(f(l, 'scsw.stctl') & 0x01, 1);
    const l2 = lab();
    program(l2, [{ cmd: 0x03 }]);
    start(l2);
    assert.equal(l2.css.hsch(SID), 1);
  });

  it('CSCH: always cc 0 if operational; FCTL clear, ACTL clear pending; then POM 0xFF, PNO 0, DSTAT/CSTAT 0, LPUM 0x80, STCTL pending (css §5.3)', () => {
    const l = lab();
    program(l, [{ cmd: 0x07 }]); // unit check → status pending
    l.css.setChpidOperational(0x50, false);
    start(l);
    assert.deepEqual([f(l, 'scsw.stctl'), f(l, 'scsw.dstat'), f(l, 'pmcw.pom'), f(l, 'scsw.pno')], [0x17, 0x02, 0x7f, 1]);
    assert.equal(l.css.csch(SID), 0);
    assert.deepEqual([f(l, 'scsw.fctl'), f(l, 'scsw.actl')], [0x1, 0x08]);
    run(l);
    assert.deepEqual([f(l, 'scsw.stctl'), f(l, 'scsw.dstat'), f(l, 'scsw.cstat'), f(l, 'pmcw.pom'), f(l, 'scsw.pno'), f(l, 'pmcw.lpum')], [0x01, 0, 0, 0xff, 0, 0x80]);
    assert.equal(l.css.interruptionPending(), true);
    assert.equal(l.css.tsch(SID).cc, 0);
    assert.equal(l.css.csch(0x00010008), 3);
  });

  it('XSCH cancels a start that is still pending: no interruption; cc 1 when status pending, cc 2 when active (css §5.2, §5.3)', () => {
    const l = lab();
    program(l, [{ cmd: 0x03, flags: 0x40 }, { cmd: 0x03 }]);
    l.css.ssch(SID, orb());
    assert.equal(l.css.xsch(SID), 0);
    assert.deepEqual([f(l, 'scsw.fctl'), f(l, 'scsw.actl'), f(l, 'scsw.stctl')], [0, 0, 0]);
    assert.equal(l.m.hasPendingActions(), false);
    assert.equal(l.css.interruptionPending(), false);
    assert.equal(l.css.xsch(SID), 2); // no start function
    l.css.ssch(SID, orb());
    run(l, 2);
    assert.equal(l.css.xsch(SID), 2); // subchannel active
    run(l);
    assert.equal(l.css.xsch(SID), 1); // status pending
  });
});
