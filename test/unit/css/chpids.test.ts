import * as assert from 'node:assert/strict';
import { lab, f, start, events, SCH, SID, orb, run } from './helpers';

describe('css §6.2 machine channel paths: configure on/off, machine events, host STCRW', () => {
  it('chpids() and chpidState(): defined paths start configured and operational (css §7.1)', () => {
    const l = lab();
    assert.deepEqual(l.css.chpids(), [0x50, 0x51]);
    assert.deepEqual(l.css.chpidState(0x50), { configured: true, operational: true, type: 0x25 });
    assert.equal(l.css.chpidState(0x52), undefined);
  });

  it('subchannelsUsingChpid: mask bit 0x80>>i for CHPID[i] with PIM bit i (css §0, §1.1)', () => {
    const l = lab();
    l.css.addDevice({ devno: 0x2000, sch: 9, type: 'echo', chpids: [0x51, 0x50], enabled: true, isc: 3 });
    assert.deepEqual(l.css.subchannelsUsingChpid(0x50), [{ sch: SCH, mask: 0x80 }, { sch: 9, mask: 0x40 }]);
    assert.deepEqual(l.css.subchannelsUsingChpid(0x51), [{ sch: SCH, mask: 0x40 }, { sch: 9, mask: 0x80 }]);
    assert.deepEqual(l.css.subchannelsUsingChpid(0x60), []);
  });

  it('configureChpid off clears the PAM bit, on restores it; no CRW (css §1.2 [unverified], §6.2)', () => {
    const l = lab();
    assert.equal(l.css.configureChpid(0x50, false), true);
    assert.equal(f(l, 'pmcw.pam'), 0x40);
    assert.deepEqual(l.css.chpidState(0x50), { configured: false, operational: true, type: 0x25 });
    assert.deepEqual(l.css.crwQueue().crws, []); // [unverified: chosen] no machine CRW for SCLP
    const ev = events(l, 'chp.state');
    assert.equal(ev.length, 1);
    assert.equal(ev[0].pamChanged, 1);
    assert.match(ev[0].note, /unverified/);
    assert.equal(events(l, 'warn').length, 0);
    assert.equal(l.css.configureChpid(0x50, true), true);
    assert.equal(f(l, 'pmcw.pam'), 0xc0);
    assert.equal(l.css.configureChpid(0x77, true), false);
  });

  it('a deconfigured path is not a candidate: SSCH uses the next path, no PNOM (css §5.5)', () => {
    const l = lab();
    l.css.configureChpid(0x50, false);
    assert.equal(start(l), 0);
    assert.equal(f(l, 'pmcw.lpum'), 0x40);
    assert.equal(f(l, 'pmcw.pnom'), 0);
    assert.equal(f(l, 'scsw.pno'), 0);
  });

  it('all paths standby → deferred cc 3, STCTL alert+pending 0x11 (css §5.3, §5.5)', () => {
    const l = lab();
    l.css.configureChpid(0x50, false);
    l.css.configureChpid(0x51, false);
    assert.equal(l.css.ssch(SID, orb()), 0);
    run(l);
    assert.equal(f(l, 'scsw.cc'), 3);
    assert.equal(f(l, 'scsw.stctl'), 0x11);
  });

  it('machineChpidEvent offline: CRW 0x040600XX, PAM cleared; online: CRW 0x040200XX, PAM set (css §6.1, §6.2)', () => {
    const l = lab();
    l.css.machineChpidEvent(0x51, 'offline');
    assert.equal(f(l, 'pmcw.pam'), 0x80);
    assert.deepEqual(l.css.chpidState(0x51), { configured: true, operational: false, type: 0x25 });
    l.css.machineChpidEvent(0x51, 'online');
    assert.equal(f(l, 'pmcw.pam'), 0xc0);
    assert.deepEqual(l.css.crwQueue().crws, [0x04060051, 0x04020051]);
    assert.deepEqual(l.css.hostStcrw(), { cc: 0, crw: 0x04060051 });
    assert.deepEqual(l.css.hostStcrw(), { cc: 0, crw: 0x04020051 });
    assert.deepEqual(l.css.hostStcrw(), { cc: 1, crw: 0 });
  });

  it('online on a standby path keeps PAM cleared: PAM = configured ∧ online (css §1.2 [unverified])', () => {
    const l = lab();
    l.css.configureChpid(0x50, false);
    l.css.machineChpidEvent(0x50, 'offline');
    l.css.machineChpidEvent(0x50, 'online');
    assert.equal(f(l, 'pmcw.pam'), 0x40);
    l.css.configureChpid(0x50, true);
    assert.equal(f(l, 'pmcw.pam'), 0xc0);
  });

  it('machine event for an undefined CHPID still queues its CRW; out-of-range CHPID throws', () => {
    const l = lab();
    l.css.machineChpidEvent(0x99, 'offline');
    assert.deepEqual(l.css.crwQueue().crws, [0x04060099]);
    assert.throws(() => l.css.machineChpidEvent(0x100, 'online'), /CHPID 256 is out of range/);
  });

  it('hostStcrw returns the overflow bit after a lost CRW (css §6.1 OFLW 0x20000000, §6.3)', () => {
    const l = lab();
    for (let i = 0; i < l.css.crws.capacity + 1; i++) l.css.machineChpidEvent(0x50, i % 2 ? 'online' : 'offline');
    for (let i = 0; i < l.css.crws.capacity; i++) assert.equal(l.css.hostStcrw().cc, 0);
    l.css.machineChpidEvent(0x51, 'offline');
    assert.deepEqual(l.css.hostStcrw(), { cc: 0, crw: 0x24060051 });
    assert.equal(l.css.hostStcrw().cc, 1);
  });

  it('undo restores configured state and PAM exactly', () => {
    const l = lab();
    const pos = l.m.journal.position;
    l.css.configureChpid(0x50, false);
    l.css.machineChpidEvent(0x51, 'offline');
    l.m.journal.undoTo(pos);
    assert.equal(f(l, 'pmcw.pam'), 0xc0);
    assert.deepEqual(l.css.chpidState(0x50), { configured: true, operational: true, type: 0x25 });
    assert.deepEqual(l.css.crwQueue().crws, []);
  });
});
