import * as assert from 'node:assert/strict';
import { ProgramInterruption } from '../../../model/css/css';
import { lab, orb, program, run, f, events, SCH, SID, PROG } from './helpers';

const pic = (code: string) => (e: unknown) => e instanceof ProgramInterruption && e.pic === code;

describe('css §5 SSCH', () => {
  it('cc 0: FCTL start, ACTL start pending, INTPARM copied, ORB flags in the SCSW; the start waits for the channel', () => {
    const l = lab();
    program(l, [{ cmd: 0x03 }]);
    assert.equal(l.css.ssch(SID, orb({ intparm: 0xcafe0001, key: 3, spnd: 1, isic: 0, alcc: 1, ssic: 1 })), 0);
    // css §5.3 SSCH: FCTL start, ACTL start pending
    assert.equal(f(l, 'scsw.fctl'), 0x4);
    assert.equal(f(l, 'scsw.actl'), 0x20);
    assert.equal(f(l, 'scsw.stctl'), 0);
    assert.equal(f(l, 'pmcw.intparm'), 0xcafe0001);
    // css §1.3: key, sctl, fmt, pfch, alcc, ssi from the ORB
    assert.deepEqual(['scsw.key', 'scsw.sctl', 'scsw.fmt', 'scsw.pfch', 'scsw.alcc', 'scsw.ssi'].map((n) => f(l, n)), [3, 1, 1, 1, 1, 1]);
    assert.equal(l.m.hasPendingActions(), true);
    const i = events(l, 'instr');
    assert.deepEqual([i[0].name, i[0].sch, i[0].cc], ['SSCH', SCH, 0]);
  });

  it('cc 2 while a function is in progress, cc 1 when status pending (css §5.2)', () => {
    const l = lab();
    program(l, [{ cmd: 0x03 }]);
    assert.equal(l.css.ssch(SID, orb()), 0);
    assert.equal(l.css.ssch(SID, orb()), 2); // css §5.2 SSCH cc 2: FCTL start set
    run(l);
    assert.equal(f(l, 'scsw.stctl'), 0x07);
    assert.equal(l.css.ssch(SID, orb()), 1); // css §5.2 SSCH cc 1: status pending
  });

  it('cc 3 when not provided, DNV or ENA 0 (css §5.2)', () => {
    const l = lab({ enabled: false });
    assert.equal(l.css.ssch(SID, orb()), 3); // ENA = 0
    assert.equal(l.css.ssch(0x00010008, orb()), 3); // not provided
    assert.equal(l.css.ssch(0x00030007, orb()), 3); // SSID 1: no such subchannel set
  });

  it('operand exceptions for a bad SID (css §5.1)', () => {
    const l = lab();
    assert.throws(() => l.css.ssch(0x0000ffff, orb()), pic('operand')); // bit 15 zero (KUT)
    assert.throws(() => l.css.ssch(0x01010007, orb()), pic('operand')); // CSSID ≠ 0 without M
    assert.throws(() => l.css.ssch(0x00110007, orb()), pic('operand')); // bits 8–11
    assert.equal(l.css.ssch(0x0001ffff, orb()), 3); // KUT: 0x0001FFFF → cc 3
  });

  it('operand exceptions for ORB B bit, reserved bits, MIDAW, CPA bit 0; specification for an unaligned ORB (css §2, §5.1)', () => {
    const l = lab();
    assert.throws(() => l.css.ssch(SID, orb({ b: 1 })), pic('operand'));
    assert.throws(() => l.css.ssch(SID, orb({ reserved: 2 })), pic('operand'));
    assert.throws(() => l.css.ssch(SID, orb({ midaw: 1 })), pic('operand'));
    assert.throws(() => l.css.ssch(SID, orb({ cpa: 0x80001000 })), pic('operand'));
    assert.throws(() => l.css.ssch(SID, orb(), 0x101), pic('specification'));
    assert.throws(() => l.css.ssch(SID, orb(), 0x102), pic('specification'));
    // css §5.1 (QEMU ioinst_handle_ssch): the ORB alignment check precedes the SID operand check
    assert.throws(() => l.css.ssch(0x0000ffff, orb(), 0x101), pic('specification'));
    assert.throws(() => l.css.ssch(0x0000ffff, orb(), 0x100), pic('operand'));
    assert.throws(() => l.css.ssch(SID, orb({ lpm: 0x100 })), /orb.lpm: value 256 does not fit/);
    assert.equal(f(l, 'scsw.fctl'), 0); // nothing started
  });

  it('path selection: ORB LPM ∩ PIM ∩ PAM; none → deferred cc 3, STCTL alert + pending, interruption (css §5.3, §5.5)', () => {
    const l = lab();
    program(l, [{ cmd: 0x03 }]);
    assert.equal(l.css.ssch(SID, orb({ lpm: 0x20 })), 0); // 0x20 is not installed
    run(l);
    assert.equal(f(l, 'scsw.cc'), 3);
    assert.equal(f(l, 'scsw.stctl'), 0x11);
    assert.equal(f(l, 'scsw.fctl'), 0x4); // css §1.3: FCTL start kept (SCSW.CC valid only with it)
    // css §5.2/§5.5 (issue 11): the start function is no longer pending (QEMU's quirk keeps 0x20)
    assert.equal(f(l, 'scsw.actl'), 0);
    assert.deepEqual(['scsw.dstat', 'scsw.cstat', 'scsw.pno', 'scsw.zcc', 'scsw.count'].map((n) => f(l, n)), [0, 0, 0, 0, 0]);
    assert.equal(l.css.interruptionPending(), true);
    assert.equal(events(l, 'ccw.fetch').length, 0);
  });

  it('a non-operational path is dropped from POM into PNOM, SCSW.PNO = 1, the next candidate is used (css §5.5)', () => {
    const l = lab();
    program(l, [{ cmd: 0x03 }]);
    l.css.setChpidOperational(0x50, false);
    assert.equal(l.css.ssch(SID, orb()), 0);
    run(l);
    assert.equal(f(l, 'pmcw.pnom'), 0x80);
    assert.equal(f(l, 'pmcw.pom'), 0x7f);
    assert.equal(f(l, 'pmcw.lpum'), 0x40);
    assert.equal(f(l, 'scsw.pno'), 1);
    assert.equal(f(l, 'scsw.stctl'), 0x07);
    assert.deepEqual(events(l, 'sch.start').map((e) => e.lpum), [0x40]);
    // both paths gone → deferred cc 3
    const l2 = lab();
    program(l2, [{ cmd: 0x03 }]);
    l2.css.setChpidOperational(0x50, false);
    l2.css.setChpidOperational(0x51, false);
    l2.css.ssch(SID, orb());
    run(l2);
    assert.deepEqual([f(l2, 'scsw.cc'), f(l2, 'scsw.stctl'), f(l2, 'pmcw.pnom'), f(l2, 'scsw.pno'), f(l2, 'scsw.actl'), f(l2, 'scsw.fctl')], [3, 0x11, 0xc0, 1, 0, 0x4]);
  });

  it('the start runs on the channel thread with QEMU frame names, one CCW per action', () => {
    const l = lab();
    program(l, [{ cmd: 0x03, flags: 0x40 }, { cmd: 0x03 }]);
    l.css.ssch(SID, orb());
    assert.equal(run(l), 3); // start, CCW 1, CCW 2
    const fetch = l.m.history.find((h) => h.event.kind === 'ccw.fetch')!;
    assert.equal(fetch.thread, 0x10000 + SCH);
    assert.deepEqual(fetch.frames.map((x) => x.name), ['css_interpret_ccw', 'sch_handle_start_func_virtual', 'do_subchannel_work_virtual']);
    assert.equal(fetch.granularity, 'ccw');
    assert.equal(f(l, 'scsw.cpa'), PROG + 16);
  });
});
