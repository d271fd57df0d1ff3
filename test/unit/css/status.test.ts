import * as assert from 'node:assert/strict';
import { ProgramInterruption } from '../../../model/css/css';
import { lab, program, run, start, f, events, SCH, SID, PROG, BUF, orb } from './helpers';

const pic = (code: string) => (e: unknown) => e instanceof ProgramInterruption && e.pic === code;
const word = (b: Uint8Array, i: number) => ((b[i * 4] << 24) | (b[i * 4 + 1] << 16) | (b[i * 4 + 2] << 8) | b[i * 4 + 3]) >>> 0;

describe('css §4/§5 TSCH, TPI, STSCH, MSCH', () => {
  it('TSCH cc 0 stores the 64-byte IRB and clears the status per css §5.3; a second TSCH gives cc 1', () => {
    const l = lab();
    program(l, [{ cmd: 0x03 }]);
    start(l, { intparm: 0xabcd });
    const r = l.css.tsch(SID);
    assert.equal(r.cc, 0);
    assert.equal(r.irb.length, 64);
    // SCSW word 0: FMT, PFCH, FCTL start, STCTL 0x07 (css §1.3)
    assert.equal(word(r.irb, 0), 0x00c04007);
    assert.equal(word(r.irb, 1), PROG + 8);
    assert.equal(word(r.irb, 2), 0x0c000000);
    // css §4: ESW word 0 = 0x00800000 (LPUM 0x80)
    assert.equal(word(r.irb, 3), 0x00800000);
    assert.deepEqual([f(l, 'scsw.stctl'), f(l, 'scsw.fctl'), f(l, 'scsw.actl')], [0, 0, 0]);
    assert.equal(l.css.interruptionPending(), false); // request withdrawn with the status
    assert.deepEqual(l.css.lastIrb(SCH), r.irb);
    const r2 = l.css.tsch(SID);
    assert.equal(r2.cc, 1); // css §5.2: not status pending
    assert.equal(word(r2.irb, 3), 0); // no ESW without status
  });

  it('TSCH cc 3 when not operational; operand exception for a bad SID before the IRB address (css §5.1, §5.2)', () => {
    const l = lab({ enabled: false });
    assert.equal(l.css.tsch(SID).cc, 3);
    assert.equal(l.css.tsch(0x00010009).cc, 3);
    assert.throws(() => l.css.tsch(0x0000ffff, 0x101), pic('operand'));
    assert.throws(() => l.css.tsch(SID, 0x101), pic('specification'));
  });

  it('TSCH with CSENSE and unit check: ECW = sense, ESWF + ECTL, ERW concurrent sense (css §4)', () => {
    const l = lab();
    assert.equal(l.css.msch(SID, { 'pmcw.csense': 1 }), 0);
    program(l, [{ cmd: 0x07 }]);
    start(l);
    const r = l.css.tsch(SID);
    assert.equal(word(r.irb, 0) & 0x04020000, 0x04020000);
    assert.equal(word(r.irb, 4) & 0x01000000, 0x01000000); // ERW bit 7 (S)
    assert.equal(word(r.irb, 4), 0x01200000); // [unverified] count 32 in bits 10–15
    assert.equal(r.irb[32], 0x80); // sense byte 0: command reject
    // concurrent sense data discarded by TSCH when CSENSE
    assert.deepEqual(l.css.device(SCH)!.state.sense[0], 0);
  });

  it('TPI: cc 1 with SID, INTPARM and ISC << 27, request cleared, subchannel stays status pending (css §5.4)', () => {
    const l = lab();
    program(l, [{ cmd: 0x03 }]);
    assert.deepEqual(l.css.tpi(), { cc: 0, sid: 0, intparm: 0, iid: 0 });
    start(l, { intparm: 0x11223344 });
    assert.equal(l.css.interruptionPending(), true);
    assert.deepEqual(l.css.tpi(), { cc: 1, sid: 0x00010007, intparm: 0x11223344, iid: 3 << 27 });
    assert.equal(l.css.interruptionPending(), false);
    assert.equal(f(l, 'scsw.stctl') & 1, 1);
    assert.deepEqual(events(l, 'irq.presented').map((e) => [e.sch, e.isc, e.intparm]), [[SCH, 3, 0x11223344]]);
    assert.equal(l.css.tsch(SID).cc, 0);
  });

  it('CR6 masks an ISC: the request stays queued but is not pending (css §5.4)', () => {
    const l = lab();
    program(l, [{ cmd: 0x03 }]);
    l.css.setCr6(0xef000000); // ISC 3 off
    start(l);
    assert.equal(l.css.interruptionPending(), false);
    assert.equal(l.css.tpi().cc, 0);
    l.css.setCr6(0xff000000);
    assert.equal(l.css.tpi().cc, 1);
  });

  it('MSCH cannot change ENA while a function is in progress: cc 2 (css §5.2)', () => {
    const l = lab();
    program(l, [{ cmd: 0x03, flags: 0x40 }, { cmd: 0x03 }]);
    l.css.ssch(SID, orb());
    run(l, 2);
    assert.equal(l.css.msch(SID, { 'pmcw.ena': 0 }), 2);
  });

  it('STSCH: 52-byte big-endian SCHIB, cc 3 beyond the last subchannel, zeros for a hole (css §5.2)', () => {
    const l = lab();
    l.css.addDevice({ devno: 0x2000, sch: 9, type: 'echo', chpids: [0x50], enabled: true, isc: 0 });
    const r = l.css.stsch(SID);
    assert.equal(r.cc, 0);
    assert.equal(r.schib.length, 52);
    assert.equal(word(r.schib, 1), 0x18000000 | 0x00800000 | 0x00010000 | 0x1234);
    const hole = l.css.stsch(0x00010008);
    assert.deepEqual([hole.cc, hole.schib.every((b) => b === 0)], [0, true]);
    assert.equal(l.css.stsch(0x0001000a).cc, 3);
    // css §5.1 (QEMU): STSCH checks the address before the SID
    assert.throws(() => l.css.stsch(0x0000ffff, 0x102), pic('specification'));
    assert.throws(() => l.css.stsch(0x0000ffff, 0x100), pic('operand'));
    // stored into guest memory when an address is given
    assert.equal(l.css.stsch(SID, 0x400).cc, 0);
    assert.equal(l.mem.readU32(0x404), 0x18000000 | 0x00800000 | 0x00010000 | 0x1234);
  });

  it('MSCH changes only program-modifiable fields; cc 1 / cc 2 / cc 3 (css §5.2, §5.3)', () => {
    const l = lab();
    assert.equal(l.css.msch(SID, { 'pmcw.isc': 5, 'pmcw.lpm': 0x80, 'pmcw.intparm': 0x55, 'pmcw.pom': 0x7f }), 0);
    assert.deepEqual([f(l, 'pmcw.isc'), f(l, 'pmcw.lpm'), f(l, 'pmcw.intparm'), f(l, 'pmcw.pom')], [5, 0x80, 0x55, 0x7f]);
    assert.throws(() => l.css.msch(SID, { 'pmcw.dev': 1 }), /MSCH cannot change pmcw.dev/);
    assert.throws(() => l.css.msch(SID, { 'pmcw.pim': 1 }), /MSCH cannot change pmcw.pim/);
    assert.throws(() => l.css.msch(SID, { 'pmcw.nope': 1 }), /unknown SCHIB field 'pmcw.nope'/);
    assert.throws(() => l.css.msch(SID, { 'pmcw.isc': 8 }), /does not fit/);
    assert.equal(l.css.msch(0x00010008, { 'pmcw.isc': 1 }), 3);
    program(l, [{ cmd: 0x03 }]);
    l.css.ssch(SID, orb());
    assert.equal(l.css.msch(SID, { 'pmcw.isc': 1 }), 2); // FCTL ≠ 0
    run(l);
    assert.equal(l.css.msch(SID, { 'pmcw.isc': 1 }), 1); // status pending
    assert.equal(f(l, 'pmcw.isc'), 5);
  });

  it('MSCH operand exceptions: reserved bits, QF, W, XMWME, MBFC with unaligned MBA; bit 5 ignored (css §1.1, §5.3)', () => {
    const l = lab();
    for (const n of ['pmcw.qf', 'pmcw.w', 'pmcw.res1b', 'pmcw.res6a', 'pmcw.res6b', 'pmcw.xmwme']) {
      assert.throws(() => l.css.msch(SID, { [n]: 1 }), pic('operand'), n);
    }
    assert.throws(() => l.css.msch(SID, { 'pmcw.mbfc': 1, 'mba.low': 0x1010 }), pic('operand'));
    assert.equal(l.css.msch(SID, { 'pmcw.mbfc': 1, 'mba.low': 0x1040 }), 0);
    assert.equal(l.css.msch(SID, { 'pmcw.res1a': 1 }), 0);
    assert.equal(f(l, 'pmcw.res1a'), 0);
    assert.throws(() => l.css.msch(0x0000ffff, {}), pic('operand'));
  });

  it('MSCH enabling a subchannel makes SSCH possible (css §5.2 ENA)', () => {
    const l = lab({ enabled: false });
    program(l, [{ cmd: 0x01, count: 1, cda: BUF }]);
    assert.equal(l.css.ssch(SID, orb()), 3);
    assert.equal(l.css.msch(SID, { 'pmcw.ena': 1 }), 0);
    assert.equal(start(l), 0);
    assert.equal(f(l, 'scsw.stctl'), 0x07);
  });
});
