import * as assert from 'node:assert/strict';
import { Machine } from '../../../model/engine/machine';
import { GuestMemory } from '../../../model/guest/memory';
import { Css } from '../../../model/css/css';
import { lab, f, SCH, DEVNO } from './helpers';

describe('css configuration: addChpid / addDevice', () => {
  it('builds the SCHIB: DNV, DEV, PIM from the CHPIDs, PAM = PIM, POM 0xFF, LPM = PIM, ISC, ENA, ST 0 (css §1.1, §1.2)', () => {
    const l = lab();
    assert.equal(f(l, 'pmcw.dnv'), 1);
    assert.equal(f(l, 'pmcw.dev'), DEVNO);
    assert.equal(f(l, 'pmcw.pim'), 0xc0); // chpid[0] ↔ 0x80, chpid[1] ↔ 0x40 (css §0)
    assert.equal(f(l, 'pmcw.pam'), 0xc0);
    assert.equal(f(l, 'pmcw.pom'), 0xff);
    assert.equal(f(l, 'pmcw.lpm'), 0xc0);
    assert.equal(f(l, 'pmcw.isc'), 3);
    assert.equal(f(l, 'pmcw.ena'), 1);
    assert.equal(f(l, 'pmcw.st'), 0);
    assert.equal(f(l, 'pmcw.chpid0'), 0x50);
    assert.equal(f(l, 'pmcw.chpid1'), 0x51);
    const w = l.css.schibWords(SCH);
    assert.equal(w.length, 13);
    // css §1.1 word 1: ISC 3 (0x18000000) | ENA | DNV | DEV
    assert.equal(w[1], 0x18000000 | 0x00800000 | 0x00010000 | DEVNO);
    assert.equal(w[2], 0xc00000c0); // LPM, PNOM, LPUM, PIM
    assert.equal(w[3], 0x0000ffc0); // MBI, POM, PAM
    assert.equal(w[4], 0x50510000);
    assert.deepEqual(l.css.subchannelNumbers(), [SCH]);
    assert.equal(l.css.hasSubchannel(SCH), true);
    assert.equal(l.css.hasSubchannel(8), false);
    assert.equal(l.css.deviceType(SCH), 'echo');
  });

  it('a device with 6 CHPIDs, journaled: PMCW words 1–6 as css §1.1 lays them out, one journal entry per word, undone exactly', () => {
    const m = new Machine();
    const css = new Css(m, new GuestMemory(m, 4096));
    for (const p of [0x10, 0x11, 0x12, 0x13, 0x14, 0x15]) css.addChpid(p, 0x25);
    const before = m.journal.length;
    css.addDevice({ devno: 0xbeef, sch: 3, type: 'echo', chpids: [0x10, 0x11, 0x12, 0x13, 0x14, 0x15], enabled: false, isc: 5 });
    const w = css.schibWords(3);
    assert.equal(w[1], 0x28000000 | 0x00010000 | 0xbeef); // ISC 5, ENA 0, DNV 1, DEV
    assert.equal(w[2], 0xfc0000fc); // LPM = PIM = 0xFC (six paths), PNOM and LPUM 0
    assert.equal(w[3], 0x0000fffc); // MBI 0, POM 0xFF, PAM 0xFC
    assert.equal(w[4], 0x10111213); // CHPID 0–3
    assert.equal(w[5], 0x14150000); // CHPID 4–5
    assert.equal(w[6], 0); // ST 0 (I/O subchannel)
    // words 1–5 each stored once, plus the two maps and the highest subchannel number
    assert.equal(m.journal.length - before, 5 + 3);
    m.journal.undoTo(before);
    assert.deepEqual(Array.from(css.schibWords(3)), new Array<number>(13).fill(0));
    assert.equal(css.hasSubchannel(3), false);
  });

  it('rejects duplicates and out-of-range values with clear errors', () => {
    const l = lab();
    assert.throws(() => l.css.addChpid(0x50, 0x25), /CHPID 0x50 is already defined/);
    assert.throws(() => l.css.addChpid(0x100, 0x25), /CHPID 256 is out of range/);
    assert.throws(() => l.css.addDevice({ devno: 1, sch: SCH, type: 'echo', chpids: [0x50], enabled: true, isc: 0 }), /subchannel 0x0007 is already defined/);
    assert.throws(() => l.css.addDevice({ devno: DEVNO, sch: 9, type: 'echo', chpids: [0x50], enabled: true, isc: 0 }), /device number 0x1234 is already used/);
    assert.throws(() => l.css.addDevice({ devno: 2, sch: 9, type: 'echo', chpids: [], enabled: true, isc: 0 }), /1 to 8 CHPIDs/);
    assert.throws(() => l.css.addDevice({ devno: 2, sch: 9, type: 'echo', chpids: [0x50], enabled: true, isc: 8 }), /ISC 8 is out of range/);
    assert.throws(() => l.css.field(SCH, 'pmcw.bogus'), /unknown SCHIB field 'pmcw.bogus'/);
  });

  it('65,536 subchannels share one word array and stay cheap', () => {
    const m = new Machine();
    const css = new Css(m, new GuestMemory(m, 4096));
    css.addChpid(0x10, 0x25);
    m.journal.recording = false;
    for (let s = 0; s < 0x10000; s++) css.addDevice({ devno: s, sch: s, type: 'echo', chpids: [0x10], enabled: true, isc: 0 });
    assert.equal(css.subchannelNumbers().length, 0x10000);
    assert.equal(css.schibWords(0xffff).buffer, css.schibWords(0).buffer);
    assert.equal(css.field(0xffff, 'pmcw.dev'), 0xffff);
  });
});
