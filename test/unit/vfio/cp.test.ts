/** Channel-program translation rules (css §9). */
import * as assert from 'node:assert/strict';
import { decodeGuestCcw, doesDataTransfer, idawCount, isTic } from '../../../model/linux/vfio-ccw/ccw1';
import { calcLength, cpUpdateScswCpa, CCWCHAIN_LEN_MAX, type CpContext, type ChannelProgram } from '../../../model/linux/vfio-ccw/cp';
import { Machine } from '../../../model/engine/machine';
import { kernelFeatures } from '../../../model/kernel/version';
import { header, run, SCH } from './helpers';

const ccw = (cmd: number, flags = 0, count = 0, cda = 0) => ({ cmd, flags, count, cda });

function ctx(ver = { major: 6, minor: 18 }): CpContext {
  return { m: new Machine(), features: kernelFeatures(ver), warn: () => undefined } as unknown as CpContext;
}
function cpWith(orb: Partial<ChannelProgram['orb']> = {}): ChannelProgram {
  return { orb: { c64: 0, i2k: 0, fmt: 1, ...orb } as ChannelProgram['orb'], chains: [], initialized: false, dmaNext: 0 };
}

describe('translation: IDAW counts (css §3.5, §9.2)', () => {
  it('4K: ((addr mod 4K) + len + 4K − 1) / 4K at page boundaries', () => {
    assert.equal(idawCount(0x1000, 4096, 4096), 1);
    assert.equal(idawCount(0x1001, 4096, 4096), 2);
    assert.equal(idawCount(0x1fff, 2, 4096), 2);
    assert.equal(idawCount(0x1fff, 1, 4096), 1);
    assert.equal(idawCount(0x1000, 1, 4096), 1); // count 0 → 1 byte
  });
  it('2K blocks', () => {
    assert.equal(idawCount(0x47fc, 4100, 2048), 3);
    assert.equal(idawCount(0x4000, 4096, 2048), 2);
    assert.equal(idawCount(0x47ff, 2, 2048), 2);
  });
});

describe('translation: ccw_does_data_transfer (css §9.2)', () => {
  it('count 0 → no; NOP → no; SKP on read / read backward / sense → no; SKP elsewhere ignored', () => {
    assert.equal(doesDataTransfer(ccw(0x02, 0, 0)), false);
    assert.equal(doesDataTransfer(ccw(0x03, 0, 16)), false);
    assert.equal(doesDataTransfer(ccw(0x02, 0x10, 16)), false);
    assert.equal(doesDataTransfer(ccw(0x0c, 0x10, 16)), false);
    assert.equal(doesDataTransfer(ccw(0x04, 0x10, 16)), false);
    assert.equal(doesDataTransfer(ccw(0xe4, 0x10, 16)), false);
    assert.equal(doesDataTransfer(ccw(0x01, 0x10, 16)), true);
    assert.equal(doesDataTransfer(ccw(0x02, 0, 16)), true);
    assert.equal(doesDataTransfer(ccw(0x13, 0, 16)), true); // a control order with data
  });
});

describe('translation: format-0 conversion and TIC identification (css §3.1, §9.1)', () => {
  it('format 0: cmd, 24-bit CDA, flags, count; low nibble 8 → clean TIC', () => {
    const b = Uint8Array.from([0x02, 0x12, 0x34, 0x56, 0x60, 0xaa, 0x00, 0x10, 0x78, 0x00, 0x10, 0x00, 0xff, 0xff, 0xff, 0xff]);
    assert.deepEqual(decodeGuestCcw(b, 0, 0), { cmd: 0x02, flags: 0x60, count: 16, cda: 0x123456 });
    assert.deepEqual(decodeGuestCcw(b, 8, 0), { cmd: 0x08, flags: 0, count: 0, cda: 0x001000 });
  });
  it('a format-1 0x18 is not a TIC for the translator', () => {
    assert.equal(isTic(ccw(0x18)), false);
    assert.equal(isTic(ccw(0x08)), true);
  });
});

describe('translation: chain length (css §9.1)', () => {
  const c = ctx();
  it('stops after the first CCW without CC/CD', () => {
    assert.equal(calcLength(c, cpWith(), [ccw(1, 0x40), ccw(1, 0x80), ccw(3), ccw(3, 0x40)], 0x1000), 3);
  });
  it('a backward TIC into the chain counted so far keeps counting', () => {
    const ccws = [ccw(3, 0x40), ccw(8, 0, 0, 0x1000), ccw(3)];
    // TIC at index 1 → 0x1000 (inside head..head+8) continues; index 2 ends
    assert.equal(calcLength(c, cpWith(), ccws, 0x1000), 3);
  });
  it('a TIC outside the chain ends it (and is counted)', () => {
    assert.equal(calcLength(c, cpWith(), [ccw(3, 0x40), ccw(8, 0, 0, 0x2000), ccw(3)], 0x1000), 2);
  });
  it('256 CCWs: accepted; the first 256 all chaining → -EINVAL', () => {
    const ok = [...Array.from({ length: 255 }, () => ccw(3, 0x40)), ccw(3)];
    assert.equal(calcLength(c, cpWith(), ok, 0x1000), CCWCHAIN_LEN_MAX);
    const bad = Array.from({ length: 256 }, () => ccw(3, 0x40));
    assert.equal(calcLength(c, cpWith(), bad, 0x1000), -22);
  });
  it('≤6.2: an IDA CCW with C64 = 0 or I2K = 1 → -EOPNOTSUPP; 6.3+: accepted', () => {
    const old = ctx({ major: 6, minor: 2 });
    assert.equal(calcLength(old, cpWith({ c64: 0 }), [ccw(2, 0x04, 4)], 0), -95);
    assert.equal(calcLength(old, cpWith({ c64: 1, i2k: 1 }), [ccw(2, 0x04, 4)], 0), -95);
    assert.equal(calcLength(old, cpWith({ c64: 1, i2k: 0 }), [ccw(2, 0x04, 4)], 0), 1);
    assert.equal(calcLength(ctx(), cpWith({ c64: 0 }), [ccw(2, 0x04, 4)], 0), 1);
  });
});

describe('translation: cp_update_scsw (css §9.3)', () => {
  const cp = cpWith();
  cp.chains.push({ guestHead: 0x1000, hostHead: 0x40000000, len: 2, ccws: [], host: [], pa: [] });
  cp.chains.push({ guestHead: 0x1800, hostHead: 0x40000100, len: 1, ccws: [], host: [], pa: [] });
  it('maps a host CPA inside a chain, including one slot past its end', () => {
    assert.equal(cpUpdateScswCpa(cp, 0x40000008), 0x1008);
    assert.equal(cpUpdateScswCpa(cp, 0x40000010), 0x1010);
    assert.equal(cpUpdateScswCpa(cp, 0x40000108), 0x1808);
  });
  it('leaves an unmatched CPA unchanged', () => assert.equal(cpUpdateScswCpa(cp, 0x40000200), 0x40000200));
});

describe('translation end to end: the host ORB (css §9.2 cp_get_orb)', () => {
  it('host ORB: FMT 1, C64 1, I2K 1 for guest C64 0 (6.3+), INTPARM = host subchannel address, CPA in the DMA area', () => {
    const { r, v } = run(header('6.18', 'data b at 0x3000 zero 4\nprogram p at 0x1000\n  READ SLI count 4 data b\nend\nssch 0.0.0007 cpa=p fmt=1 c64=0 intparm=0x1234\n'));
    assert.equal(v.css.field(SCH, 'pmcw.intparm'), 0x0f000700);
    const p = v.vfio.device(SCH);
    assert.equal(p.state, 'CP_PENDING');
    assert.ok(p.cp.chains[0].hostHead >= 0x40000000);
    assert.equal(v.qemu.core.schib.get(SCH, 'pmcw.intparm'), 0x1234); // the guest keeps its INTPARM
    void r;
  });
  it('a translation error frees what was translated (no pins left)', () => {
    const { r, v } = run(header('6.18', 'data b at 0x3000 zero 4\nprogram p at 0x1000\n  READ SLI CC count 4 data b\n  TIC 0x1000\n  READ count 4 data 0x7ffff000\nend\nssch 0.0.0007 cpa=p\n'));
    assert.equal(v.vfio.device(SCH).state, 'IDLE');
    assert.equal(r.mm.pinsHeld(), 0);
  });
});
