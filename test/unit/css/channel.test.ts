import * as assert from 'node:assert/strict';
import { lab, program, run, start, f, events, bytes, SID, SCH, PROG, BUF, orb, type Lab } from './helpers';

const W = 0x01; // write
const R = 0x02; // read
const CD = 0x80, CC = 0x40, SLI = 0x20, SKP = 0x10, PCI = 0x08, IDA = 0x04, S = 0x02, MIDA = 0x01;

function status(l: Lab): [number, number, number, number, number] {
  return [f(l, 'scsw.stctl'), f(l, 'scsw.dstat'), f(l, 'scsw.cstat'), f(l, 'scsw.cpa'), f(l, 'scsw.count')];
}

/** Program check: CSTAT 0x20, STCTL 0x17, CPA = failing CCW + 8 (css §3.6, §5.3). */
function assertProgramCheck(l: Lab, failing: number, reason: RegExp): void {
  assert.deepEqual(status(l).slice(0, 4), [0x17, 0, 0x20, failing + 8]);
  const c = events(l, 'ccw.check');
  assert.equal(c.length, 1);
  assert.match(c[0].reason, reason);
}

describe('css §3 channel-program execution (echo device)', () => {
  it('write then read with command chaining: data echoed, CE+DE, STCTL 0x07, CPA = last CCW + 8 (css §3.2, §5.3)', () => {
    const l = lab();
    l.mem.write(BUF, [1, 2, 3, 4, 5]);
    program(l, [{ cmd: W, flags: CC, count: 5, cda: BUF }, { cmd: R, count: 5, cda: BUF + 0x100 }]);
    assert.equal(start(l), 0);
    assert.deepEqual(bytes(l, BUF + 0x100, 5), [1, 2, 3, 4, 5]);
    assert.deepEqual(status(l), [0x07, 0x0c, 0, PROG + 16, 0]);
    assert.equal(f(l, 'scsw.actl'), 0); // start pending, subchannel/device active all cleared
    assert.equal(f(l, 'scsw.fctl'), 0x4);
    const d = events(l, 'ccw.data');
    assert.deepEqual(d.map((e) => [e.write, e.count, e.addr]), [[true, 5, BUF], [false, 5, BUF + 0x100]]);
    assert.deepEqual(events(l, 'ccw.chain').map((e) => [e.how, e.next]), [['command', PROG + 8]]);
  });

  it('incorrect length: read count larger than the data → CSTAT IL, residual, STCTL 0x17, chaining suppressed (css §3.2, §4)', () => {
    const l = lab();
    l.mem.write(BUF, [9, 8, 7]);
    program(l, [{ cmd: W, flags: CC, count: 3, cda: BUF }, { cmd: R, flags: CC, count: 10, cda: BUF + 0x100 }, { cmd: 0x03 }]);
    start(l);
    assert.deepEqual(status(l), [0x17, 0x0c, 0x40, PROG + 16, 7]);
    assert.equal(events(l, 'ccw.fetch').length, 2); // the NOP is never fetched
  });

  it('SLI suppresses incorrect length and chaining continues (css §3.2)', () => {
    const l = lab();
    l.mem.write(BUF, [9, 8, 7]);
    program(l, [{ cmd: W, flags: CC, count: 3, cda: BUF }, { cmd: R, flags: CC | SLI, count: 10, cda: BUF + 0x100 }, { cmd: 0x03 }]);
    start(l);
    assert.deepEqual(status(l), [0x07, 0x0c, 0, PROG + 24, 0]);
    assert.deepEqual(bytes(l, BUF + 0x100, 4), [9, 8, 7, 0]);
  });

  it('read count smaller than the data: incorrect length with residual 0 (device had more)', () => {
    const l = lab();
    l.mem.write(BUF, [1, 2, 3, 4]);
    program(l, [{ cmd: W, flags: CC, count: 4, cda: BUF }, { cmd: R, count: 2, cda: BUF + 0x100 }]);
    start(l);
    assert.deepEqual(status(l), [0x17, 0x0c, 0x40, PROG + 16, 0]);
    assert.deepEqual(bytes(l, BUF + 0x100, 3), [1, 2, 0]);
  });

  it('data chaining gathers a write from several areas and scatters a read (css §3.2 CD)', () => {
    const l = lab();
    l.mem.write(BUF, [1, 2]);
    l.mem.write(BUF + 0x40, [3, 4, 5]);
    program(l, [
      { cmd: W, flags: CD, count: 2, cda: BUF }, { cmd: 0x00, flags: CC, count: 3, cda: BUF + 0x40 },
      { cmd: R, flags: CD, count: 4, cda: BUF + 0x100 }, { cmd: 0x00, count: 1, cda: BUF + 0x200 },
    ]);
    start(l);
    assert.deepEqual(status(l), [0x07, 0x0c, 0, PROG + 32, 0]);
    assert.deepEqual(bytes(l, BUF + 0x100, 4), [1, 2, 3, 4]);
    assert.deepEqual(bytes(l, BUF + 0x200, 1), [5]);
    assert.deepEqual(events(l, 'ccw.chain').map((e) => e.how), ['data', 'command', 'data']);
  });

  it('SKP: the read moves no data into memory but counts it (css §3.2)', () => {
    const l = lab();
    l.mem.write(BUF, [1, 2, 3]);
    program(l, [{ cmd: W, flags: CC, count: 3, cda: BUF }, { cmd: R, flags: SKP, count: 3, cda: BUF + 0x100 }]);
    start(l);
    assert.deepEqual(status(l), [0x07, 0x0c, 0, PROG + 16, 0]);
    assert.deepEqual(bytes(l, BUF + 0x100, 3), [0, 0, 0]);
  });

  it('TIC transfers to its CDA without data transfer (css §3.4)', () => {
    const l = lab();
    program(l, [{ cmd: 0x03, flags: CC }, { cmd: 0x08, cda: PROG + 0x40 }]);
    program(l, [{ cmd: 0x03 }], PROG + 0x40);
    start(l);
    assert.deepEqual(status(l), [0x07, 0x0c, 0, PROG + 0x48, 0]);
    assert.deepEqual(events(l, 'ccw.chain').map((e) => [e.how, e.next]), [['command', PROG + 8], ['tic', PROG + 0x40]]);
  });

  it('a TIC loop never blocks: each action processes one CCW; the CDA-0 loop guard ends it after 255 (css §3.6)', () => {
    const l = lab();
    program(l, [{ cmd: 0x03, flags: CC }, { cmd: 0x08, cda: PROG }]);
    l.css.ssch(SID, orb());
    assert.equal(run(l, 10), 10);
    assert.equal(l.m.hasPendingActions(), true);
    assert.equal(f(l, 'scsw.stctl'), 0);
    run(l, 10000);
    // 255 NOPs with CDA 0 are allowed, the 256th is a program check
    assertProgramCheck(l, PROG, /more than 255/);
  });

  it('PCI makes intermediate status pending with CSTAT PCI while the program continues (css §3.2)', () => {
    const l = lab();
    program(l, [{ cmd: 0x03, flags: CC | PCI }, { cmd: 0x03 }]);
    l.css.ssch(SID, orb());
    run(l, 2); // start + first CCW
    assert.equal(f(l, 'scsw.stctl'), 0x09);
    assert.equal(f(l, 'scsw.cstat'), 0x80);
    assert.equal(f(l, 'scsw.actl'), 0x06); // subchannel + device active
    assert.equal(l.css.interruptionPending(), true);
    const t = l.css.tsch(SID);
    assert.equal(t.cc, 0);
    // css §5.3 TSCH on intermediate-only status: STCTL cleared, FCTL and ACTL kept
    assert.deepEqual([f(l, 'scsw.stctl'), f(l, 'scsw.fctl'), f(l, 'scsw.actl')], [0, 4, 0x06]);
    run(l);
    assert.deepEqual(status(l), [0x07, 0x0c, 0, PROG + 16, 0]);
  });

  it('format-1 IDAWs: 2K blocks, first IDAW anywhere, the rest block aligned (css §3.5)', () => {
    const l = lab({}, 0x20000);
    const idal = 0x3000;
    // 3000 bytes starting 0x10 before a 2K boundary: 0x47f0 (16 bytes), 0x5000 (2048), 0x5800 (936)
    l.mem.write(idal, [0, 0, 0x47, 0xf0, 0, 0, 0x50, 0x00, 0, 0, 0x58, 0x00]);
    const data = Array.from({ length: 3000 }, (_, i) => i & 0xff);
    l.mem.write(0x8000, data);
    program(l, [{ cmd: W, flags: CC, count: 3000, cda: 0x8000 }, { cmd: R, flags: IDA, count: 3000, cda: idal }]);
    start(l);
    assert.deepEqual(status(l), [0x07, 0x0c, 0, PROG + 16, 0]);
    assert.deepEqual(bytes(l, 0x47f0, 16), data.slice(0, 16));
    assert.deepEqual(bytes(l, 0x5000, 2048), data.slice(16, 2064));
    assert.deepEqual(bytes(l, 0x5800, 936), data.slice(2064));
  });

  it('format-2 IDAWs, 4K and 2K blocks (ORB C64, I2K; css §3.5)', () => {
    for (const i2k of [0, 1]) {
      const l = lab({}, 0x20000);
      const idal = 0x3000;
      // IDAW 0 = 0x57fc, IDAW 1 = 0x9000; 6 bytes
      l.mem.write(idal, [0, 0, 0, 0, 0, 0, 0x57, 0xfc, 0, 0, 0, 0, 0, 0, 0x90, 0]);
      l.mem.write(0x8000, [1, 2, 3, 4, 5, 6]);
      program(l, [{ cmd: W, flags: CC, count: 6, cda: 0x8000 }, { cmd: R, flags: IDA, count: 6, cda: idal }]);
      start(l, { c64: 1, i2k });
      assert.deepEqual(status(l), [0x07, 0x0c, 0, PROG + 16, 0], `i2k=${i2k}`);
      if (i2k) {
        // 2K blocks: IDAW 0 covers 4 bytes up to 0x5800, the rest goes to IDAW 1
        assert.deepEqual(bytes(l, 0x57fc, 6), [1, 2, 3, 4, 0, 0]);
        assert.deepEqual(bytes(l, 0x9000, 2), [5, 6]);
      } else {
        // 4K blocks: IDAW 0 reaches to 0x6000 and holds all 6 bytes; IDAW 1 is never fetched
        assert.deepEqual(bytes(l, 0x57fc, 6), [1, 2, 3, 4, 5, 6]);
        assert.deepEqual(bytes(l, 0x9000, 2), [0, 0]);
      }
    }
  });

  it('IDAW faults are program checks: unaligned following IDAW, format-1 bit 0, unaligned IDAL (css §3.5)', () => {
    const cases: Array<[number[], number, RegExp]> = [
      [[0, 0, 0x47, 0xf0, 0, 0, 0x51, 0x00], 0x3000, /not 2K-block aligned/],
      [[0x80, 0, 0x40, 0x00], 0x3000, /bit 0 set/],
      [[0, 0, 0x40, 0x00], 0x3002, /not word aligned/],
    ];
    for (const [idaws, at, why] of cases) {
      const l = lab({}, 0x20000);
      l.mem.write(0x3000, idaws);
      l.mem.write(0x8000, new Array<number>(100).fill(1));
      program(l, [{ cmd: W, flags: CC, count: 100, cda: 0x8000 }, { cmd: R, flags: IDA, count: 100, cda: at }]);
      start(l);
      assertProgramCheck(l, PROG + 8, why);
    }
  });

  it('program checks of css §3.6', () => {
    const cases: Array<[string, (l: Lab) => void, number, RegExp, Partial<ReturnType<typeof orb>>?]> = [
      ['CCW address 0', () => undefined, 0, /address 0/, { cpa: 0 }],
      ['unaligned CCW address', () => undefined, PROG + 4, /not doubleword aligned/, { cpa: PROG + 4 }],
      ['low nibble 0', (l) => program(l, [{ cmd: 0x10 }]), PROG, /low nibble 0/],
      ['format-1 TIC high nibble', (l) => program(l, [{ cmd: 0x03, flags: CC }, { cmd: 0x18, cda: PROG }]), PROG + 8, /high nibble/],
      ['TIC after TIC', (l) => program(l, [{ cmd: 0x08, cda: PROG + 8 }, { cmd: 0x08, cda: PROG }]), PROG + 8, /TIC immediately following a TIC/],
      ['TIC with flags', (l) => program(l, [{ cmd: 0x08, flags: CC, cda: PROG + 8 }]), PROG, /nonzero flags or count/],
      ['MIDA flag', (l) => program(l, [{ cmd: 0x03, flags: MIDA }]), PROG, /MIDA/],
      ['S flag without SPND', (l) => program(l, [{ cmd: 0x03, flags: S }]), PROG, /SPND = 0/],
      ['data beyond 31 bits', (l) => program(l, [{ cmd: W, count: 16, cda: 0x7ffffff8 }]), PROG, /31-bit limit/],
      ['data outside memory', (l) => program(l, [{ cmd: W, count: 16, cda: 0xfff8 }]), PROG, /outside guest memory/],
      ['TIC to an unaligned target', (l) => program(l, [{ cmd: 0x08, cda: PROG + 0x41 }]), PROG + 0x41, /not doubleword aligned/],
      // css §3.6: a CCW address past the end of guest memory (64 KiB here), within 31 bits and aligned
      ['TIC out of guest memory', (l) => program(l, [{ cmd: 0x08, cda: 0x7ffffff8 }]), 0x7ffffff8, /CCW at 0x7ffffff8 is outside guest memory/],
      // css §3.2: the S flag in a CCW that data chaining reached (the echo device takes more output)
      ['S flag in a data-chained CCW', (l) => program(l, [{ cmd: W, flags: CD, count: 2, cda: BUF }, { cmd: W, flags: S, count: 2, cda: BUF }]), PROG + 8, /S flag in a data-chained CCW/, { spnd: 1 }],
    ];
    for (const [name, setup, failing, why, o] of cases) {
      const l = lab();
      setup(l);
      start(l, o ?? {});
      assert.doesNotThrow(() => assertProgramCheck(l, failing, why), name);
      assert.equal(l.css.interruptionPending(), true, name);
    }
  });

  it('a TIC to address 0 after a TIC counts as a CCW with data address 0 before the TIC check fails (css §3.4, §3.6 order)', () => {
    const l = lab();
    program(l, [{ cmd: 0x08, cda: PROG + 8 }, { cmd: 0x08, cda: 0 }]);
    start(l);
    assertProgramCheck(l, PROG + 8, /TIC immediately following a TIC/);
    // the first TIC's CDA is not 0; the second's is, and is counted before its TIC check
    assert.equal(l.css.core.chan.get(SCH)!.noData, 1);
  });

  it('format-0 CCWs: 24-bit CDA, count 0 is a program check, low nibble 8 is a TIC (css §3.1, §3.6)', () => {
    const l = lab();
    l.mem.write(BUF, [7, 7]);
    program(l, [{ cmd: W, flags: CC, count: 2, cda: BUF }, { cmd: 0x18, flags: 0xff, count: 3, cda: PROG + 0x40 }], PROG, 0);
    program(l, [{ cmd: R, count: 2, cda: BUF + 0x10 }], PROG + 0x40, 0);
    start(l, { fmt: 0 });
    assert.deepEqual(status(l), [0x07, 0x0c, 0, PROG + 0x48, 0]);
    assert.deepEqual(bytes(l, BUF + 0x10, 2), [7, 7]);
    assert.equal(f(l, 'scsw.fmt'), 0);
    const l2 = lab();
    program(l2, [{ cmd: 0x03, count: 0 }], PROG, 0);
    start(l2, { fmt: 0 });
    assertProgramCheck(l2, PROG, /format-0 CCW with count 0/);
  });

  it('unknown command: unit check, sense byte 0 = 0x80; SENSE returns the 32 sense bytes then clears them (css §3.6, §5.3)', () => {
    const l = lab();
    program(l, [{ cmd: 0x07 }]);
    start(l);
    assert.deepEqual(status(l).slice(0, 4), [0x17, 0x02, 0, PROG + 8]);
    assert.equal(l.css.tsch(SID).cc, 0);
    program(l, [{ cmd: 0x04, count: 32, cda: BUF }]);
    start(l);
    assert.deepEqual(status(l), [0x07, 0x0c, 0, PROG + 8, 0]);
    assert.deepEqual(bytes(l, BUF, 32), [0x80, ...new Array<number>(31).fill(0)]);
    l.css.tsch(SID);
    l.mem.write(BUF, [0xaa]);
    start(l);
    assert.deepEqual(bytes(l, BUF, 2), [0, 0]); // sense consumed
  });

  it('built-in SENSE / SENSE ID follow the channel length rules: IL without SLI, data chaining, byte 0 X\'FF\' for every count (css §3.2, §3.3, §4; issue 11)', () => {
    // css §3.2/§4: basic sense count 8 ≠ the 32 sense bytes, no SLI → incorrect length, not a program check
    const a = lab();
    program(a, [{ cmd: 0x04, count: 8, cda: BUF }]);
    start(a);
    assert.deepEqual(status(a), [0x17, 0x0c, 0x40, PROG + 8, 0]);
    assert.equal(events(a, 'ccw.check').length, 0);
    // css §3.3: SENSE ID byte 0 is X'FF' for every count 1..8; count ≠ 7 without SLI → IL, residual max(0, n − 7)
    for (let n = 1; n <= 9; n++) {
      const l = lab();
      program(l, [{ cmd: 0xe4, count: n, cda: BUF }]);
      start(l);
      const id = l.css.device(7)!.senseId;
      assert.equal(bytes(l, BUF, 1)[0], 0xff, `count ${n}`);
      assert.deepEqual(bytes(l, BUF, Math.min(n, 7)), id.slice(0, Math.min(n, 7)), `count ${n}`);
      assert.deepEqual(status(l), [n === 7 ? 0x07 : 0x17, 0x0c, n === 7 ? 0 : 0x40, PROG + 8, Math.max(0, n - 7)], `count ${n}`);
    }
    // css §3.2 CD: SENSE ID over two CCWs (3 + 4 bytes) completes without incorrect length
    const c = lab();
    program(c, [{ cmd: 0xe4, flags: CD, count: 3, cda: BUF }, { cmd: 0x00, count: 4, cda: BUF + 0x40 }]);
    start(c);
    const id = c.css.device(7)!.senseId;
    assert.deepEqual(status(c), [0x07, 0x0c, 0, PROG + 16, 0]);
    assert.deepEqual([...bytes(c, BUF, 3), ...bytes(c, BUF + 0x40, 4)], [...id]);
    assert.deepEqual(events(c, 'ccw.chain').map((e) => e.how), ['data']);
    // css §3.2 CD: basic sense 32 bytes over 16 + 16
    const d = lab();
    program(d, [{ cmd: 0x07 }]);
    start(d);
    d.css.tsch(SID);
    program(d, [{ cmd: 0x04, flags: CD, count: 16, cda: BUF }, { cmd: 0x00, count: 16, cda: BUF + 0x40 }]);
    start(d);
    assert.deepEqual(status(d), [0x07, 0x0c, 0, PROG + 16, 0]);
    assert.equal(bytes(d, BUF, 1)[0], 0x80); // css §3.6 command reject sense byte 0
  });

  it('SENSE ID returns FF + CU type/model + device type/model; with SLI any count (css §3.3)', () => {
    const l = lab();
    program(l, [{ cmd: 0xe4, flags: SLI, count: 256, cda: BUF }]);
    start(l);
    assert.deepEqual(status(l), [0x07, 0x0c, 0, PROG + 8, 249]);
    assert.equal(bytes(l, BUF, 1)[0], 0xff);
    assert.equal(l.css.device(7)!.senseId.length, 7);
  });

  it('suspend on an S flag with ORB SPND, then RSCH resumes at that CCW (css §3.2, §5.2, §5.3)', () => {
    const l = lab();
    program(l, [{ cmd: 0x03, flags: CC }, { cmd: 0x03, flags: S }]);
    l.css.ssch(SID, orb({ spnd: 1 }));
    run(l);
    assert.equal(f(l, 'scsw.actl'), 0x01); // suspended
    assert.equal(f(l, 'scsw.stctl'), 0x09); // intermediate + pending (SSIC 0)
    assert.equal(l.css.rsch(SID), 1); // status pending
    assert.equal(l.css.tsch(SID).cc, 0);
    // css §5.3 TSCH, intermediate-only with suspended + start: PNO and resume-pending cleared, rest kept
    assert.deepEqual([f(l, 'scsw.stctl'), f(l, 'scsw.fctl'), f(l, 'scsw.actl')], [0, 4, 0x01]);
    l.mem.write(PROG + 9, [0]); // the program clears the S flag
    assert.equal(l.css.rsch(SID), 0);
    assert.equal(f(l, 'scsw.actl'), 0x41); // resume pending + suspended
    assert.equal(l.css.rsch(SID), 2); // resume already pending
    run(l);
    assert.deepEqual(status(l), [0x07, 0x0c, 0, PROG + 16, 0]);
    assert.equal(f(l, 'scsw.actl'), 0);
  });
});
