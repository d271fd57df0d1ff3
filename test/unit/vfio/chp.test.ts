/** vfio_ccw_chp_event, every row of css §8.4, and the cio filters of css §6.2 / §7.2. */
import * as assert from 'node:assert/strict';
import { CHP_EVENT } from '../../../model/linux/cio/constants';
import { chpSsdGetMask } from '../../../model/linux/cio/subchannel';
import { header, run, SCH, drain, events } from './helpers';
import { parseScenario } from '../../../model/scenario/parser';
import { formatDiagnostic } from '../../../model/scenario/diagnostics';
import { Runner } from '../../../model/scenario/runner';

const lab = (extra = '') => run(header('6.18', extra));

describe('vfio_ccw_chp_event rows (css §8.4)', () => {
  it('chp_ssd_get_mask: 0x80 >> i for the matching SSD entry, 0 otherwise (css §7.1)', () => {
    const ssd = { pathMask: 0xc0, chpids: [0x40, 0x41, 0, 0, 0, 0, 0, 0] };
    assert.equal(chpSsdGetMask(ssd, 0x40), 0x80);
    assert.equal(chpSsdGetMask(ssd, 0x41), 0x40);
    assert.equal(chpSsdGetMask(ssd, 0x42), 0);
    assert.equal(chpSsdGetMask({ pathMask: 0x80, chpids: ssd.chpids }, 0x41), 0); // path bit not set
  });

  it('CHP_VARY_OFF: opm &= ~mask, lpm &= ~mask, no CRW', () => {
    const { r, v } = lab();
    const hs = v.cio.subchannel(SCH);
    assert.equal(v.vfio.chpEvent(hs, 0x41, CHP_EVENT.VARY_OFF), 0);
    assert.equal(hs.opm, 0x80);
    assert.equal(hs.lpm, 0x80);
    assert.equal(v.vfio.device(SCH).crws.length, 0);
    drain(r);
  });

  it('CHP_VARY_OFF of the last-used path: one cancel/halt/clear step (HSCH on an idle subchannel)', () => {
    const { r, v } = lab('data b at 0x3000 zero 4\nprogram p at 0x1000\n  READ SLI count 4 data b\nend\nssch 0.0.0007 cpa=p lpm=0x40\nwait interrupt\ntsch 0.0.0007\n');
    const hs = v.cio.subchannel(SCH);
    assert.equal(v.css.field(SCH, 'pmcw.lpum'), 0x40);
    const before = events(r, 'instr').length;
    v.vfio.chpEvent(hs, 0x41, CHP_EVENT.VARY_OFF);
    const issued = events(r, 'instr').slice(before).map((e) => e.name);
    assert.ok(issued.includes('XSCH') && issued.includes('HSCH'), issued.join(','));
  });

  it('CHP_OFFLINE: masks unchanged, CRW RSC 4 ERC 6 RSID chpid queued', () => {
    const { v } = lab();
    const hs = v.cio.subchannel(SCH);
    v.vfio.chpEvent(hs, 0x41, CHP_EVENT.OFFLINE);
    assert.equal(hs.lpm, 0xc0);
    assert.equal(hs.opm, 0xc0);
    assert.deepEqual(v.vfio.device(SCH).crws, [0x04060041]);
  });

  it('CHP_VARY_ON: opm |= mask, lpm |= mask, no CRW', () => {
    const { v, r } = lab();
    const hs = v.cio.subchannel(SCH);
    r.m.journal.set(hs, 'opm', 0x80);
    r.m.journal.set(hs, 'lpm', 0x80);
    v.vfio.chpEvent(hs, 0x41, CHP_EVENT.VARY_ON);
    assert.equal(hs.opm, 0xc0);
    assert.equal(hs.lpm, 0xc0);
    assert.equal(v.vfio.device(SCH).crws.length, 0);
  });

  it('CHP_ONLINE: lpm |= mask & opm, CRW RSC 4 ERC 2', () => {
    const { v, r } = lab();
    const hs = v.cio.subchannel(SCH);
    r.m.journal.set(hs, 'opm', 0x80); // 41 varied off
    r.m.journal.set(hs, 'lpm', 0x80);
    v.vfio.chpEvent(hs, 0x41, CHP_EVENT.ONLINE);
    assert.equal(hs.lpm, 0x80); // not in opm: stays off
    assert.deepEqual(v.vfio.device(SCH).crws, [0x04020041]);
  });

  it('a CHPID not in the SSD (mask 0) is ignored', () => {
    const { v } = lab('chpid 42\n');
    const hs = v.cio.subchannel(SCH);
    assert.equal(v.vfio.chpEvent(hs, 0x42, CHP_EVENT.OFFLINE), 0);
    assert.equal(v.vfio.device(SCH).crws.length, 0);
  });

  it('CRWs are queued even with no eventfd installed, and kept until read (css §8.4)', () => {
    const { v, r } = lab();
    v.vfio.close(SCH);
    v.cio.writeConfigure(0x41, '0');
    drain(r);
    assert.equal(v.vfio.device(SCH).crws.length, 1);
    assert.equal(v.vfio.device(SCH).eventfds.crw.signals, 0);
  });
});

describe('host cio sysfs writes (css §7.2, §6.2 filters)', () => {
  it('status accepts on/1/off/0, else -EINVAL; unknown chp → -ENOENT', () => {
    const { v } = lab();
    assert.equal(v.cio.writeStatus(0x41, 'off'), 3);
    assert.equal(v.cio.writeStatus(0x41, 'on'), 2);
    assert.equal(v.cio.writeStatus(0x41, '0'), 1);
    assert.equal(v.cio.writeStatus(0x41, 'maybe'), -22);
    assert.equal(v.cio.writeStatus(0x77, '1'), -2);
  });
  it('configure accepts only 0 / 1 (else -EINVAL)', () => {
    const { v } = lab();
    assert.equal(v.cio.writeConfigure(0x41, '2'), -22);
    assert.equal(v.cio.writeConfigure(0x41, 'on'), -22);
    assert.equal(v.cio.writeConfigure(0x41, '0'), 1);
    assert.equal(v.cio.writeConfigure(0x77, '0'), -2);
  });
  it('chsc_chp_offline does nothing for a varied-off chp; chsc_chp_online only if status ≠ 0', () => {
    const { v } = lab();
    v.cio.writeStatus(0x41, '0');
    v.cio.writeConfigure(0x41, '0');
    assert.equal(v.vfio.device(SCH).crws.length, 0);
    v.cio.writeConfigure(0x41, '1');
    assert.equal(v.vfio.device(SCH).crws.length, 0);
    v.cio.writeStatus(0x41, '1');
    v.cio.writeConfigure(0x41, '0');
    assert.equal(v.vfio.device(SCH).crws.length, 1);
  });
  it('varying on always propagates; varying off an offline chp is a no-op', () => {
    const { v, r } = lab();
    v.cio.writeStatus(0x41, '0');
    const n = r.m.history.length;
    v.cio.writeStatus(0x41, '0');
    assert.ok(!r.m.history.slice(n).some((h) => h.frames.some((f) => f.name === 'chsc_chp_vary')));
    v.cio.writeStatus(0x41, '1');
    v.cio.writeStatus(0x41, '1');
    assert.equal(v.cio.subchannel(SCH).lpm, 0xc0);
  });
  it('sysfs chpids prints 8 entries, 00 where the SSD path bit is 0', () => {
    const { v } = lab();
    const s = v.cio.subchannel(SCH);
    assert.equal(s.ssd.pathMask, 0xc0);
  });
});

describe('vfio topology: time travel and bad input', () => {
  it('undo to the start and redo to the end reproduce the whole stack (journal, css §8, gup §10)', () => {
    const { r, v } = run(header('6.18', 'data b at 0x3000 zero 4\nprogram p at 0x1000\n  READ SLI count 4 data b\nend\nssch 0.0.0007 cpa=p\nchchp -c 0 41\n'));
    const j = r.m.journal;
    const end = j.position;
    const p = v.vfio.device(SCH);
    const snap = () => JSON.stringify({ s: p.state, crws: p.crws, cp: p.cp.initialized, pins: r.mm.pinsHeld(), lpm: v.cio.subchannel(SCH).lpm, pam: v.css.field(SCH, 'pmcw.pam') });
    const atEnd = snap();
    j.undoTo(0);
    assert.equal(r.mm.pinsHeld(), 0);
    j.redoTo(end);
    assert.equal(snap(), atEnd);
  });
  it('statements that need the vfio topology give a static diagnostic (line:column) in the native one, before anything runs (issue 11)', () => {
    const { diagnostics } = parseScenario('kernel 6.18\nchpid 40\nchchp -c 0 40\nvfio open 0.0.0007\n  region read 0.0.0007 io\nexpect fsm(0.0.0007) == 2\n', 'n.vlab');
    assert.deepEqual(diagnostics.map(formatDiagnostic), [
      "n.vlab:3:1: error: 'chchp' needs 'topology vfio' (css §7, §8)",
      "n.vlab:4:1: error: 'vfio' needs 'topology vfio' (css §7, §8)",
      "n.vlab:5:3: error: 'region read' needs 'topology vfio' (css §7, §8)",
      "n.vlab:6:8: error: 'fsm' reads vfio-topology state: it needs 'topology vfio' (css §7–§10)",
    ]);
    // and the runner still refuses them with a clear message if run anyway (never a crash)
    const r = new Runner(parseScenario('chpid 40\nchchp -c 0 40\n', 'n.vlab').scenario);
    r.runToEnd();
    assert.match(r.exceptions[0].message, /needs 'topology vfio'/);
  });
  it('region access to a subchannel that is not a vfio-ccw device: a clear diagnostic', () => {
    const { r } = run(header('6.18', 'region read 0.0.0009 io\n'));
    const ex = r.m.history.filter((h) => h.event.kind === 'exception');
    assert.equal(ex.length, 1);
  });
});
