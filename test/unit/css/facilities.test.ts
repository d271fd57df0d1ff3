/**
 * CSS-wide instructions (css §5.1): SAL + address-limit checking, STCPS, RCHP (cc per §5.2,
 * solicited CRW per §6.3), SCHM + measurement blocks; CHSC SEI/SCSC/SDA/SECM/SADC/SSQD (§5.6);
 * RSC 3 CRWs for a subchannel that becomes not operational / operational (§6.1).
 */
import * as assert from 'node:assert/strict';
import { ProgramInterruption } from '../../../model/css/css';
import { CHSC_CMD, CHSC_RC, chscField } from '../../../model/css/chsc';
import { decodeCrwWord } from '../../../model/css/crw';
import { CMD } from '../../../model/css/ccw';

const WRITE = 0x01; // css §3.3 write command
import { bytes, events, f, lab, orb, program, run, SCH, SID, BUF, PROG } from './helpers';

function pic(fn: () => unknown, name: string): void {
  assert.throws(fn, (e: unknown) => e instanceof ProgramInterruption && e.pic === name);
}

describe('css §5.1 SAL and address-limit checking', () => {
  it('css §5.1 SAL: GR1 bit 0 or bits 16–31 set → operand exception', () => {
    const l = lab();
    pic(() => l.css.sal(0x80000000), 'operand');
    pic(() => l.css.sal(0x00010001), 'operand');
    l.css.sal(0x00010000);
    assert.equal(l.css.facilityState().addressLimit, 0x10000);
  });
  it('css §2 ALCC + §1.1 LM 10 (upper): data at or beyond the limit → program check; ALCC 0 not checked', () => {
    const l = lab({}, 0x30000);
    program(l, [{ cmd: WRITE, count: 4, cda: 0x20000 }]);
    l.css.sal(0x00010000);
    l.css.msch(SID, { 'pmcw.lm': 2 });
    l.css.ssch(SID, orb({ alcc: 1 }));
    run(l);
    assert.equal(f(l, 'scsw.cstat'), 0x20);
    assert.equal(f(l, 'scsw.cpa'), PROG + 8);
    l.css.tsch(SID);
    l.css.ssch(SID, orb({ alcc: 0 }));
    run(l);
    assert.equal(f(l, 'scsw.cstat'), 0);
    assert.equal(f(l, 'scsw.dstat'), 0x0c);
  });
  it('css §1.1 LM 01 (lower): data below the limit → program check, above it is fine', () => {
    const l = lab({}, 0x30000);
    program(l, [{ cmd: WRITE, count: 4, cda: BUF }]);
    l.css.sal(0x00010000);
    l.css.msch(SID, { 'pmcw.lm': 1 });
    l.css.ssch(SID, orb({ alcc: 1 }));
    run(l);
    assert.equal(f(l, 'scsw.cstat'), 0x20);
    l.css.tsch(SID);
    program(l, [{ cmd: WRITE, count: 4, cda: 0x20000 }]);
    l.css.ssch(SID, orb({ alcc: 1 }));
    run(l);
    assert.equal(f(l, 'scsw.cstat'), 0);
  });
});

describe('css §5.1 STCPS', () => {
  it('css §5.1 STCPS: bit of the CHPID in LPUM of an active subchannel; zeros when idle', () => {
    const l = lab();
    program(l, [{ cmd: CMD.NOP, flags: 0x48 /* CC|PCI */ }, { cmd: CMD.NOP }]);
    l.css.ssch(SID, orb());
    while (!l.css.interruptionPending()) l.m.runNextAction();
    const w = l.css.stcps(0x4000);
    assert.equal(w[0x50 >> 3], 0x80 >> (0x50 & 7));
    assert.deepEqual(bytes(l, 0x4000, 32), Array.from(w));
    run(l);
    assert.ok(l.css.stcps().every((b) => b === 0));
  });
  it('css §5.1 STCPS: area not on a 32-byte boundary → specification; outside memory → addressing', () => {
    const l = lab();
    pic(() => l.css.stcps(0x4004), 'specification');
    pic(() => l.css.stcps(0x4001), 'specification');
    pic(() => l.css.stcps(0x10000), 'addressing');
  });
});

describe('css §5.1/§5.2 RCHP', () => {
  it('css §5.2 RCHP cc 0, then solicited CRW RSC 4 ERC 2 SOL=1 when the reset ends (css §6.3)', () => {
    const l = lab();
    assert.equal(l.css.rchp(0x50), 0);
    assert.equal(l.css.crwQueue().crws.length, 0);
    run(l);
    const crws = l.css.crwQueue().crws;
    assert.deepEqual(crws, [0x44020050]);
    assert.deepEqual(decodeCrwWord(crws[0]), { sol: true, oflw: false, chn: false, anc: false, rsc: 4, erc: 2, rsid: 0x50 });
  });
  it('css §5.2 RCHP cc 2 while a reset of the CHPID is in progress [unverified: chosen]', () => {
    const l = lab();
    assert.equal(l.css.rchp(0x50), 0);
    assert.equal(l.css.rchp(0x50), 2);
    assert.equal(l.css.rchp(0x51), 0);
    run(l);
    assert.equal(l.css.rchp(0x50), 0);
  });
  it('css §5.2 RCHP cc 3 chpid not installed (undefined or standby)', () => {
    const l = lab();
    assert.equal(l.css.rchp(0x52), 3);
    l.css.configureChpid(0x51, false);
    assert.equal(l.css.rchp(0x51), 3);
  });
  it('css §5.1 RCHP: reserved GR1 bits or a CSSID beyond CSS 0 → operand exception', () => {
    const l = lab();
    pic(() => l.css.rchp(0x00000150), 'operand');
    pic(() => l.css.rchp(0x01000050), 'operand');
    pic(() => l.css.rchp(0x00010050), 'operand');
  });
  it('css §6.1 RCHP with MCSS-E enabled (CHSC SDA): chained second CRW RSID = CSSID << 8', () => {
    const l = lab();
    assert.equal(l.css.chscCommand(CHSC_CMD.SDA, 0).code, CHSC_RC.OK);
    l.css.rchp(0x50);
    run(l);
    assert.deepEqual(l.css.crwQueue().crws, [0x54020050, 0x44020000]);
  });
});

describe('css §5.1 SCHM and measurement blocks', () => {
  const ORIGIN = 0x8000;
  it('css §5.1 SCHM: reserved GR1 bits or an unaligned origin → operand exception', () => {
    const l = lab();
    pic(() => l.css.schm(0x00000004, ORIGIN), 'operand');
    pic(() => l.css.schm(0x00000002, ORIGIN + 8), 'operand');
    l.css.schm(0x00000001, ORIGIN + 8); // UPD = 0: origin not checked
    assert.equal(l.css.facilityState().monitor.active, false);
  });
  it('css §1.1 format-0 block at origin + MBI×32: SSCH count (QEMU), sample count and connect time at completion', () => {
    const l = lab();
    program(l, [{ cmd: CMD.NOP }]);
    l.css.schm(0x00000002, ORIGIN);
    l.css.msch(SID, { 'pmcw.mme': 2, 'pmcw.mbi': 3 });
    l.css.ssch(SID, orb());
    assert.equal(l.css.measurement(SCH, 'addr'), ORIGIN + 3 * 32);
    assert.equal(l.css.measurement(SCH, 'ssch_rsch_count'), 1);
    run(l);
    assert.equal(l.css.measurement(SCH, 'sample_count'), 1);
    assert.ok(l.css.measurement(SCH, 'device_connect_time')! > 0);
    assert.deepEqual(bytes(l, ORIGIN + 96, 4), [0, 1, 0, 1]);
    assert.equal(f(l, 'mda'), ORIGIN + 96);
  });
  it('css §1.1 MME without block-update enable, or SCHM off: no update', () => {
    const l = lab();
    program(l, [{ cmd: CMD.NOP }]);
    l.css.schm(0x00000002, ORIGIN);
    l.css.msch(SID, { 'pmcw.mme': 1 });
    l.css.ssch(SID, orb());
    run(l);
    l.css.tsch(SID);
    assert.equal(l.css.measurement(SCH, 'ssch_rsch_count'), 0);
    l.css.schm(0, 0);
    l.css.msch(SID, { 'pmcw.mme': 2 });
    l.css.ssch(SID, orb());
    run(l);
    assert.equal(l.css.measurement(SCH, 'ssch_rsch_count'), undefined);
    assert.deepEqual(bytes(l, ORIGIN, 4), [0, 0, 0, 0]);
  });
  it('css §1 format-1 block at MBA (MBFC = 1): 32-bit counters, RSCH counted too', () => {
    const l = lab();
    program(l, [{ cmd: CMD.NOP, flags: 0x42 /* CC|S */ }, { cmd: CMD.NOP }]);
    l.css.schm(0x00000002, ORIGIN);
    l.css.msch(SID, { 'pmcw.mme': 2, 'pmcw.mbfc': 1, 'mba.low': 0x9040 });
    l.css.ssch(SID, orb({ spnd: 1 }));
    run(l);
    l.css.tsch(SID);
    assert.equal(l.css.rsch(SID), 0);
    run(l);
    assert.equal(l.css.measurement(SCH, 'format'), 1);
    assert.equal(l.css.measurement(SCH, 'ssch_rsch_count'), 2);
    assert.deepEqual(bytes(l, 0x9040, 4), [0, 0, 0, 2]);
  });
  it('css §5.1 SCHM a second time while on keeps the first origin (QEMU), with a warning', () => {
    const l = lab();
    l.css.schm(2, ORIGIN);
    l.css.schm(2, ORIGIN + 0x100);
    assert.equal(l.css.facilityState().monitor.origin, ORIGIN);
    assert.ok(events(l, 'warn').some((w) => w.message.includes('first origin')));
  });
});

describe('css §5.6 CHSC SEI, SCSC, SDA, SECM/SADC/SSQD', () => {
  it('css §5.6 SEI: 0x0005 no data when nothing is pending', () => {
    const l = lab();
    const r = l.css.chscCommand(CHSC_CMD.SEI);
    assert.equal(r.code, CHSC_RC.NO_DATA);
    assert.equal(chscField(r, 'len'), 8);
  });
  it('css §5.6 SEI: a machine CRW RSC 0xB makes an event pending; one per call, flag 0x80 while more', () => {
    const l = lab();
    l.css.machineCrw({ rsc: 0xb, erc: 0, rsid: 0 });
    l.css.seiEvent({ cc: 2, rs: 4, rsid: 0x50 });
    assert.equal(l.css.crwQueue().crws.length, 1, 'CRW RSC 0xB queued once until SEI drains (css §6.3)');
    let r = l.css.chscCommand(CHSC_CMD.SEI);
    assert.equal(r.code, CHSC_RC.OK);
    assert.equal(chscField(r, 'flags'), 0x80);
    assert.equal(chscField(r, 'cc'), 1);
    r = l.css.chscCommand(CHSC_CMD.SEI);
    assert.equal(chscField(r, 'flags'), 0);
    assert.equal(chscField(r, 'cc'), 2);
    assert.equal(chscField(r, 'rs'), 4);
    assert.equal(chscField(r, 'rsid'), 0x50);
    assert.equal(l.css.chscCommand(CHSC_CMD.SEI).code, CHSC_RC.NO_DATA);
    l.css.seiEvent({ cc: 7, rs: 4, rsid: 0x51 });
    assert.equal(l.css.crwQueue().crws.length, 2, 'drained: the next event queues a new CRW RSC 0xB');
  });
  it('css §5.6 SCSC: 4080-byte response with QEMU characteristics; length/format/CSSID errors', () => {
    const l = lab();
    const r = l.css.chscCommand(CHSC_CMD.SCSC);
    assert.equal(r.code, CHSC_RC.OK);
    assert.equal(chscField(r, 'len'), 4080);
    assert.equal(chscField(r, 'general1'), 0x00079000);
    assert.equal(chscField(r, 'chsc0'), 0x40000000);
    assert.equal(l.css.chscCommand(CHSC_CMD.SCSC, 0, 0, 0, 0x18).code, CHSC_RC.REQUEST_ERROR);
    assert.equal(l.css.chscCommand(CHSC_CMD.SCSC, 0x00010000).code, CHSC_RC.FORMAT_ERROR);
    assert.equal(l.css.chscCommand(CHSC_CMD.SCSC, 0x00000100).code, CHSC_RC.INVALID_CSSID);
    assert.equal(l.css.chscCommand(CHSC_CMD.SCSC, 0, 1).code, CHSC_RC.REQUEST_ERROR);
  });
  it('css §5.6 SDA: MCSS-E / MSS accepted; wrong length, reserved bits, format, operation code', () => {
    const l = lab();
    assert.equal(l.css.chscCommand(CHSC_CMD.SDA, 2).code, CHSC_RC.OK);
    assert.equal(l.css.facilityState().mss, true);
    assert.equal(l.css.chscCommand(CHSC_CMD.SDA, 0, 0, 0, 0x10).code, CHSC_RC.REQUEST_ERROR);
    assert.equal(l.css.chscCommand(CHSC_CMD.SDA, 0x00010000).code, CHSC_RC.REQUEST_ERROR);
    assert.equal(l.css.chscCommand(CHSC_CMD.SDA, 0x01000000).code, CHSC_RC.FORMAT_ERROR);
    assert.equal(l.css.chscCommand(CHSC_CMD.SDA, 1).code, CHSC_RC.REQUEST_ERROR);
  });
  it('css §5.6 SECM, SADC, SSQD → 0x0004 not installed', () => {
    const l = lab();
    for (const c of [CHSC_CMD.SECM, CHSC_CMD.SADC, CHSC_CMD.SSQD]) assert.equal(l.css.chscCommand(c).code, CHSC_RC.NOT_INSTALLED);
  });
  it('css §5.6 CHSC instruction: SCSC response (4080 bytes) stored after the request in guest memory', () => {
    const l = lab();
    l.mem.write(0x4000, [0x00, 0x10, 0x00, 0x10, ...new Array<number>(12).fill(0)]);
    const r = l.css.chsc(0x4000);
    assert.equal(r.cc, 0);
    assert.deepEqual(bytes(l, 0x4010, 12), [0x0f, 0xf0, 0x00, 0x01, 0, 0, 0, 0, 0x03, 0, 0, 0]);
    l.mem.write(0x5000, [0x00, 0x0c, 0x00, 0x10]);
    pic(() => l.css.chsc(0x5000), 'operand');
  });
});

describe('css §6.1 CRW RSC 3 for a subchannel that becomes not operational / operational', () => {
  it('css §6.1 not operational → RSC 3 ERC 6, operational → RSC 3 ERC 2, RSID = subchannel [unverified: chosen ERC]', () => {
    const l = lab();
    l.css.subchannelOperEvent(SCH, false);
    l.css.subchannelOperEvent(SCH, true);
    assert.deepEqual(l.css.crwQueue().crws, [0x03060007, 0x03020007]);
    assert.ok(events(l, 'warn').some((w) => w.message.includes('RSC 3 ERC 6')));
  });
  it('css §6.1 with MSS enabled: chained second CRW RSID = (CSSID << 8) | (SSID << 4)', () => {
    const l = lab();
    l.css.chscCommand(CHSC_CMD.SDA, 2);
    l.css.subchannelOperEvent(SCH, false);
    assert.deepEqual(l.css.crwQueue().crws, [0x13060007, 0x03060000]);
  });
  it('css §5.5 the not-operational device still gives deferred cc 3', () => {
    const l = lab();
    program(l, [{ cmd: CMD.NOP }]);
    l.css.subchannelOperEvent(SCH, false);
    l.css.ssch(SID, orb());
    run(l);
    assert.equal(f(l, 'scsw.cc'), 3);
  });
});
