import * as assert from 'node:assert/strict';
import { lab, f, start, run, program, orb, events, bytes, SCH, SID, BUF } from './helpers';
import { ProgramInterruption } from '../../../model/css/css';
import { CHSC_RC, chscField } from '../../../model/css/chsc';
import { checkCssInvariants } from '../../../model/css/invariants';
import { parseScenario } from '../../../model/scenario/parser';
import { formatDiagnostic } from '../../../model/scenario/diagnostics';
import { runChecked } from './checked';

const isPic = (pic: string) => (e: unknown) => e instanceof ProgramInterruption && e.pic === pic;

describe('css device rules, unsolicited status, read backward (css §1.3, §3.3, §4, §5.4)', () => {
  it('rule data + residual: device moves count − residual bytes, IL without SLI (css §4 CSTAT 0x40)', () => {
    const l = lab();
    l.css.addDeviceRule(SCH, { cmd: 0x02, data: [1, 2, 3, 4, 5, 6, 7, 8], residual: 3 });
    program(l, [{ cmd: 0x02, count: 8, cda: BUF }]);
    start(l);
    assert.deepEqual([f(l, 'scsw.count'), f(l, 'scsw.cstat'), f(l, 'scsw.stctl')], [3, 0x40, 0x17]);
    assert.deepEqual(bytes(l, BUF, 6), [1, 2, 3, 4, 5, 0]);
  });

  it('rule dstat adds to CE+DE; unit exception is an alert (css §4)', () => {
    const l = lab();
    l.css.addDeviceRule(SCH, { cmd: 0x03, dstat: 0x01 });
    program(l, [{ cmd: 0x03 }]);
    start(l);
    assert.deepEqual([f(l, 'scsw.dstat'), f(l, 'scsw.stctl')], [0x0d, 0x17]);
  });

  it('busy at initial selection → DSTAT 0x10, deferred cc 1 [unverified: chosen] (css §5.2)', () => {
    const l = lab();
    l.css.addDeviceRule(SCH, { cmd: 0x03, busy: true, times: 1 });
    program(l, [{ cmd: 0x03 }]);
    assert.equal(start(l), 0);
    assert.deepEqual([f(l, 'scsw.cc'), f(l, 'scsw.dstat'), f(l, 'scsw.stctl')], [1, 0x10, 0x17]);
    l.css.tsch(SID);
    start(l);
    assert.deepEqual([f(l, 'scsw.cc'), f(l, 'scsw.dstat')], [0, 0x0c]);
  });

  it('delay postpones the command by N time units; reject gives UC + sense 0x80 (css §3.6)', () => {
    const l = lab();
    l.css.addDeviceRule(SCH, { cmd: 0x03, delay: 40 });
    program(l, [{ cmd: 0x03 }]);
    start(l);
    assert.ok(l.m.state.time >= 40);
    assert.equal(events(l, 'ccw.fetch').length, 1);
    l.css.tsch(SID);
    l.css.addDeviceRule(SCH, { cmd: 0x03, reject: true });
    start(l);
    assert.equal(f(l, 'scsw.dstat'), 0x02);
    assert.equal(l.css.device(SCH)!.state.sense[0], 0x80);
  });

  it('unsolicited status: STCTL 0x11, CC 0, interruption; held while pending; dropped when disabled (css §1.3, §5.4)', () => {
    const l = lab();
    assert.equal(l.css.unsolicited(SCH, 0x80), 'presented');
    assert.deepEqual([f(l, 'scsw.stctl'), f(l, 'scsw.dstat'), f(l, 'scsw.cc')], [0x11, 0x80, 0]);
    assert.equal(l.css.interruptionPending(), true);
    assert.equal(l.css.unsolicited(SCH, 0x80), 'held');
    assert.equal(l.css.tsch(SID).cc, 0);
    assert.equal(f(l, 'scsw.stctl'), 0x11); // the held status follows the TSCH
    l.css.tsch(SID);
    l.css.msch(SID, { 'pmcw.ena': 0 });
    assert.equal(l.css.unsolicited(SCH, 0x80), 'dropped');
    assert.equal(f(l, 'scsw.stctl'), 0);
  });

  it('path failure of the path in use during I/O: interface-control check [unverified: chosen]', () => {
    const l = lab();
    program(l, [{ cmd: 0x03, flags: 0x40 }, { cmd: 0x03, flags: 0x40 }, { cmd: 0x03 }]);
    l.css.ssch(SID, orb());
    l.m.runNextAction(); // start: path 0x80 selected
    l.m.runNextAction(); // first CCW
    l.css.setPathFailure(SCH, 0x50, true);
    run(l);
    assert.deepEqual([f(l, 'scsw.cstat'), f(l, 'scsw.stctl'), f(l, 'pmcw.pom')], [0x02, 0x17, 0x7f]);
    assert.throws(() => l.css.setPathFailure(SCH, 0x77, true), /no path to CHPID 0x77/);
  });

  it('read backward stores at descending addresses from the CDA [unverified: chosen] (css §3.3)', () => {
    const l = lab();
    l.mem.write(0x2100, [0x41, 0x42, 0x43]);
    program(l, [{ cmd: 0x01, flags: 0x40, count: 3, cda: 0x2100 }, { cmd: 0x0c, count: 3, cda: BUF + 2 }]);
    start(l);
    assert.equal(f(l, 'scsw.stctl'), 0x07);
    assert.deepEqual(bytes(l, BUF, 3), [0x41, 0x42, 0x43]);
  });
});

describe('css §5.6 CHSC', () => {
  it('SSD: OK 0x0001 with valid bits, devno, path mask (PIM), chpids; request error 0x0003', () => {
    const l = lab();
    const r = l.css.chscSsd(SCH);
    assert.equal(r.code, CHSC_RC.OK);
    assert.deepEqual(['sch_valid', 'dev_valid', 'st', 'devno', 'path_mask', 'sch', 'chpid0', 'chpid1', 'len'].map((n) => chscField(r, n)), [1, 1, 0, 0x1234, 0xc0, SCH, 0x50, 0x51, 40]);
    assert.equal(l.css.chscSsd(9, 8).code, CHSC_RC.REQUEST_ERROR);
    assert.equal(chscField(l.css.chscSsd(8), 'sch_valid'), 0);
  });

  it('SCPD: format-0 descriptors with flags 0x80, type, chpid (QEMU css_collect_chp_desc)', () => {
    const l = lab();
    const r = l.css.chscScpd(0x50, 0x51);
    assert.equal(r.code, CHSC_RC.OK);
    assert.deepEqual(Array.from(r.response.slice(8, 24)), [0x80, 0, 0x25, 0x50, 0, 0, 0, 0, 0x80, 0, 0x25, 0x51, 0, 0, 0, 0]);
    assert.equal(l.css.chscScpd(0x51, 0x50).code, CHSC_RC.REQUEST_ERROR);
  });

  it('CHSC instruction: 4K alignment → specification, bad length → operand, unknown command → 0x0004 (css §5.6)', () => {
    const l = lab({}, 0x10000);
    assert.throws(() => l.css.chsc(0x1008), isPic('specification'));
    l.mem.write(0x3000, [0x00, 0x0c, 0x00, 0x04]);
    assert.throws(() => l.css.chsc(0x3000), isPic('operand'));
    l.mem.write(0x3000, [0x00, 0x10, 0x00, 0x99]);
    const r = l.css.chsc(0x3000);
    assert.deepEqual([r.cc, r.code], [0, CHSC_RC.NOT_INSTALLED]);
    assert.deepEqual(bytes(l, 0x3010, 4), [0x00, 0x08, 0x00, 0x04]);
  });
});

describe('css invariants checker', () => {
  it('accepts a consistent configuration and reports broken states with their section', () => {
    const l = lab();
    assert.deepEqual(checkCssInvariants(l.css), []);
    l.css.core.schib.set(SCH, 'pmcw.pam', 0xe0); // PAM bit without a PIM bit
    l.css.core.schib.set(SCH, 'scsw.stctl', 0x04); // primary without pending
    const v = checkCssInvariants(l.css).map((x) => `${x.rule} (${x.ref})`);
    assert.deepEqual(v, ['STCTL 0x4 without status pending (css §1.3)', 'PAM 0xe0 ⊄ PIM 0xc0 (css §1.2)']);
  });
});

describe('css scenario statements: bad input gets a precise diagnostic', () => {
  const diag = (src: string) => parseScenario(src, 'x.vlab').diagnostics.map(formatDiagnostic);
  it('bad SID, out-of-range field values, conflicting rule actions, unknown machine event', () => {
    assert.match(diag('ssch 0.4.0007')[0], /x\.vlab:1:6: error: bad id '0\.4\.0007': cssid 0-ff, ssid 0-3/);
    assert.match(diag('ssch 0.0.0007 lpm=0x1ff')[0], /1:19: error: orb\.lpm is 8 bits wide: at most 0xff \(css §2\)/);
    assert.match(diag('msch 0.0.0007 isc=8')[0], /1:19: error: pmcw\.isc is 3 bits wide: at most 0x7/);
    assert.match(diag('rule 0.0.0007 cmd=READ data "x" accept 3')[0], /either 'data' \(input\) or 'accept'/);
    assert.match(diag('rule 0.0.0007 cmd=TIC busy')[0], /TIC is executed by the channel/);
    assert.match(diag('machine explode 0.0.0007')[0], /unknown machine event 'explode'/);
    assert.match(diag('machine crw rsc=0x10 erc=2 rsid=1')[0], /crw\.rsc is at most 0xf \(css §6\.1\)/);
    assert.match(diag('machine crw rsc=4 erc=2')[0], /expected rsid=N/);
    assert.match(diag('configure chpid 40 maybe')[0], /unknown on or off 'maybe'/);
    assert.match(diag('devices 0.0.0010-0.0.0001 schid 0.0.0000 type echo chpids 40')[0], /must not be below the first/);
    assert.match(diag('devices 0.0.0000-0.0.ffff schid 0.0.0001 type echo chpids 40')[0], /exceed 0\.0\.ffff/);
    // css §11.6: GR1 is 64 bits; only its low word (bits 32–63) is the SID — beyond 64 bits is an error
    assert.match(diag('ssch sid 0x10000000000000000')[0], /GR1 is a 64-bit register/);
    assert.deepEqual(diag('chpid 40\ndevice 0.0.1234 schid 0.0.0007 type echo chpids 40\nstsch sid 0xffffffff00010007'), []);
  });

  it('runtime: undefined subchannel or CHPID in an event is a scenario error at its line, never a crash', () => {
    const r = runChecked('chpid 40\nmachine unsolicited 0.0.0005\nconfigure chpid 41 on\nrule 0.0.0003 cmd=READ busy\nexpect sch(0.0.0005).pmcw.pim == 0\n');
    assert.deepEqual(r.exceptions.map((e) => `${e.line}: ${e.detail}`), [
      '2: subchannel 0x0005 is not defined',
      "3: CHPID 41 is not defined (define it with 'chpid 41')",
      '4: subchannel 0x0003 is not defined',
    ]);
    assert.equal(r.failed[0].actual, 'error: no subchannel 0.0.0005');
  });
});
