/**
 * Storage keys, protection and CPU state (css §11): the rules of keys.ts, and the model applying
 * them to I/O-instruction operands (css §11.4–§11.6) and channel programs (css §11.7).
 */
import * as assert from 'node:assert/strict';
import {
  channelProtected, CR0, fetchOverrideApplies, framePieces, keyControlledProtection, lowAddressProtected, referenced, SKEY,
} from '../../../model/css/keys';
import { PROGRAM_INTERRUPTION_CODE, ProgramInterruption } from '../../../model/css/program-interruption';
import { PRIVILEGED_INSTRUCTIONS } from '../../../model/guest/cpu';
import { CMD, CCW_FLAG } from '../../../model/css/ccw';
import { BUF, f, lab, orb, PROG, program, run, SID, start, bytes, type Lab } from './helpers';

const kc = (accessKey: number, storageKey: number, access: 'fetch' | 'store', fetchOverride = false, storageOverride = false) =>
  keyControlledProtection({ accessKey, storageKey, access, fetchOverride, storageOverride }).allowed;

function pic(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ProgramInterruption) return e.pic;
    throw e;
  }
  return 'none';
}

describe('css §11 storage keys: rules', () => {
  it('css §11.1 key byte layout: ACC 0xF0, F 0x08, R 0x04, C 0x02, bit 7 not part of the key', () => {
    assert.deepEqual(SKEY, { ACC: 0xf0, F: 0x08, R: 0x04, C: 0x02, UNUSED: 0x01 });
  });
  it('css §11.3 CR0 masks: LAP bit 35, FPO bit 38, SPO bit 39', () => {
    assert.equal(CR0.LAP, 0x10000000n);
    assert.equal(CR0.FPO, 0x02000000n);
    assert.equal(CR0.SPO, 0x01000000n);
  });
  it('css §11.3 program-interruption codes', () => {
    assert.deepEqual(PROGRAM_INTERRUPTION_CODE, { 'privileged-operation': 0x02, protection: 0x04, addressing: 0x05, specification: 0x06, operand: 0x15 });
  });
  it('css §11.5 privileged I/O instruction opcodes', () => {
    assert.equal(PRIVILEGED_INSTRUCTIONS.SSCH, 'B233');
    assert.equal(PRIVILEGED_INSTRUCTIONS.TSCH, 'B235');
    assert.equal(PRIVILEGED_INSTRUCTIONS.XSCH, 'B276');
    assert.equal(PRIVILEGED_INSTRUCTIONS.CHSC, 'B25F');
    assert.equal(PRIVILEGED_INSTRUCTIONS.SSKE, 'B22B'); // css §11.2
    assert.equal(PRIVILEGED_INSTRUCTIONS.ISKE, 'B229'); // css §11.2
  });
  // css §11.4 step 4, key-controlled protection: [access key, storage key, access, fetch-protection
  // override, storage-protection override] → allowed
  const STEP4: Array<[string, Array<[number, number, 'fetch' | 'store', boolean, boolean, boolean]>]> = [
    ['key 0 matches every key, for fetch and store', [[0, 0x38, 'fetch', false, false, true], [0, 0x38, 'store', false, false, true]]],
    ['ACC = key allows both', [[3, 0x38, 'fetch', false, false, true], [3, 0x38, 'store', false, false, true]]],
    ['F = 0 allows a fetch, not a store with another key', [[4, 0x30, 'fetch', false, false, true], [4, 0x30, 'store', false, false, false]]],
    ['F = 1 and another key: fetch and store fail', [[4, 0x38, 'fetch', false, false, false], [4, 0x38, 'store', false, false, false]]],
    ['fetch-protection override passes fetches only', [[4, 0x38, 'fetch', true, false, true], [4, 0x38, 'store', true, false, false]]],
    ['storage-protection override passes ACC 9 only, fetch and store', [[4, 0x98, 'fetch', false, true, true], [4, 0x90, 'store', false, true, true], [4, 0x80, 'store', false, true, false]]],
  ];
  for (const [what, rows] of STEP4) {
    it(`css §11.4 step 4: ${what}`, () => {
      for (const [key, skey, access, fpo, spo, allowed] of rows) assert.equal(kc(key, skey, access, fpo, spo), allowed, `key ${key}, storage key 0x${skey.toString(16)}, ${access}`);
    });
  }
  it('css §11.4 step 4: the fetch-protection override covers accesses wholly within 0–2047', () => {
    assert.equal(fetchOverrideApplies(0, 2048, CR0.FPO), true);
    assert.equal(fetchOverrideApplies(2040, 16, CR0.FPO), false);
    assert.equal(fetchOverrideApplies(2048, 4, CR0.FPO), false);
    assert.equal(fetchOverrideApplies(0, 4, 0n), false);
  });
  it('css §11.4 step 1: low-address protection: stores into 0–511 and 4096–4607 with CR0 bit 35', () => {
    assert.equal(lowAddressProtected(0x100, 4, 'store', CR0.LAP), true);
    assert.equal(lowAddressProtected(508, 8, 'store', CR0.LAP), true);
    assert.equal(lowAddressProtected(512, 4, 'store', CR0.LAP), false);
    assert.equal(lowAddressProtected(4607, 1, 'store', CR0.LAP), true);
    assert.equal(lowAddressProtected(4608, 64, 'store', CR0.LAP), false);
    assert.equal(lowAddressProtected(0x100, 4, 'fetch', CR0.LAP), false);
    assert.equal(lowAddressProtected(0x100, 4, 'store', 0n), false);
  });
  it('css §11.7 channel: fetch checked only with F = 1; store always; key 0 never; no overrides', () => {
    assert.equal(channelProtected(5, 0x30, 'fetch'), false);
    assert.equal(channelProtected(5, 0x38, 'fetch'), true);
    assert.equal(channelProtected(5, 0x30, 'store'), true);
    assert.equal(channelProtected(3, 0x38, 'store'), false);
    assert.equal(channelProtected(0, 0x38, 'store'), false);
    assert.equal(channelProtected(5, 0x98, 'fetch'), true);
  });
  it('css §11.1 R on every reference, C on stores', () => {
    assert.equal(referenced(0x30, 'fetch'), 0x34);
    assert.equal(referenced(0x30, 'store'), 0x36);
  });
  it('css §11.1 keys are per 4 KiB frame: an access is split at frame boundaries', () => {
    assert.deepEqual(framePieces(0xff0, 0x20), [[0xff0, 0x10], [0x1000, 0x10]]);
  });
});

describe('css §11 storage keys: instruction operands and channel programs', () => {
  const KEYED = 0x4000;

  /** The echo device holds `data` (a WRITE CCW from BUF, status cleared by TSCH), ready to be read back. */
  const deviceHolds = (l: Lab, data: number[]): void => {
    l.mem.write(BUF, data);
    program(l, [{ cmd: 0x01, count: data.length, cda: BUF }]);
    start(l);
    l.css.tsch(SID);
  };

  /** Run the program with ORB key 5 while the frame at `addr` has storage key `skey`: the channel status it ends with (TSCH clears it after). */
  const cstatUnder = (l: Lab, addr: number, skey: number): number => {
    l.mem.skeys.set(addr, skey);
    start(l, { key: 5 });
    const cstat = f(l, 'scsw.cstat');
    l.css.tsch(SID);
    return cstat;
  };

  it('css §11.5 problem state: the CPU refuses a privileged instruction with 0x02; supervisor state passes', () => {
    const l = lab();
    assert.equal(pic(() => l.css.core.cpu.checkPrivileged('SSCH')), 'none');
    l.css.core.cpu.setProblemState(true);
    assert.equal(pic(() => l.css.core.cpu.checkPrivileged('SSCH')), 'privileged-operation');
    assert.equal(l.css.core.cpu.pswMask(), 0x0001000000000000n); // css §11.3 PSW bit 15
    l.css.core.cpu.setKey(3);
    assert.equal(l.css.core.cpu.pswMask(), 0x0031000000000000n); // css §11.3 PSW key bits 8–11
  });

  it('css §11.6 STSCH stores: a mismatched PSW key is a protection exception, nothing stored', () => {
    const l = lab();
    l.mem.skeys.set(KEYED, 0x30);
    l.css.core.cpu.setKey(4);
    assert.equal(pic(() => l.css.stsch(SID, KEYED)), 'protection');
    assert.deepEqual(bytes(l, KEYED, 8), [0, 0, 0, 0, 0, 0, 0, 0]);
    l.css.core.cpu.setKey(3);
    assert.equal(l.css.stsch(SID, KEYED).cc, 0);
  });

  it('css §11.6 MSCH fetches: F = 0 lets another key through, F = 1 does not (subchannel unmodified)', () => {
    const l = lab();
    l.css.stsch(SID, KEYED);
    l.mem.skeys.set(KEYED, 0x30);
    l.css.core.cpu.setKey(4);
    assert.equal(l.css.msch(SID, {}, KEYED), 0);
    l.mem.skeys.set(KEYED, 0x38);
    l.mem.write(KEYED + 4, [0x28]); // ISC 5 in the image
    assert.equal(pic(() => l.css.msch(SID, {}, KEYED)), 'protection');
    assert.equal(f(l, 'pmcw.isc'), 3);
  });

  it('css §11.6 MSCH SCHIB at 0–2047: fetch-protection override (CR0 bit 38) lets the fetch through', () => {
    const l = lab();
    l.css.stsch(SID, 0x200);
    l.mem.skeys.set(0, 0x38);
    l.css.core.cpu.setKey(4);
    assert.equal(pic(() => l.css.msch(SID, {}, 0x200)), 'protection');
    l.css.core.cpu.setCr0(CR0.FPO);
    assert.equal(l.css.msch(SID, {}, 0x200), 0);
  });

  it('css §11.4 order: alignment (specification) before protection, addressing before key', () => {
    const l = lab();
    l.mem.skeys.set(KEYED, 0x30);
    l.css.core.cpu.setKey(4);
    assert.equal(pic(() => l.css.stsch(SID, KEYED + 2)), 'specification');
    assert.equal(pic(() => l.css.stsch(SID, 0x10000)), 'addressing');
  });

  it('css §11.4 step 1: low-address protection applies to TPI ≠ 0 but not to TPI at 0 (lowcore)', () => {
    const l = lab();
    program(l, [{ cmd: CMD.NOP }]);
    start(l);
    l.css.core.cpu.setCr0(CR0.LAP);
    assert.equal(pic(() => l.css.tpi(0x100)), 'protection');
    assert.equal(l.css.interruptionPending(), true); // css §11.6 TPI leaves the interruption pending
    assert.equal(l.css.tpi(0).cc, 1);
  });

  it('css §11.6 STCRW: a protection exception keeps the CRW queued', () => {
    const l = lab();
    l.css.machineChpidEvent(0x50, 'offline');
    l.mem.skeys.set(KEYED, 0x30);
    l.css.core.cpu.setKey(4);
    assert.equal(pic(() => l.css.stcrw(KEYED)), 'protection');
    assert.equal(l.css.crwQueue().crws.length, 1);
  });

  it('css §11.6 CHSC: the block is stored into, so F = 0 with another key faults; ACC 9 with SPO passes', () => {
    const l = lab();
    l.mem.write(KEYED, [0x00, 0x10, 0x00, 0x04, 0, 0, 0, 7, 0, 0, 0, 7]);
    l.mem.skeys.set(KEYED, 0x90);
    l.css.core.cpu.setKey(4);
    assert.equal(pic(() => l.css.chsc(KEYED)), 'protection');
    l.css.core.cpu.setCr0(CR0.SPO);
    assert.equal(l.css.chsc(KEYED).cc, 0);
  });

  it('css §11.7 input data into a frame of another key: protection check, CPA = CCW + 8', () => {
    const l = lab();
    deviceHolds(l, [1, 2, 3, 4]);
    program(l, [{ cmd: 0x02, count: 4, cda: KEYED }]);
    l.mem.skeys.set(KEYED, 0x30);
    assert.equal(start(l, { key: 5 }), 0);
    assert.equal(f(l, 'scsw.cstat'), 0x10);
    assert.equal(f(l, 'scsw.stctl'), 0x17);
    assert.equal(f(l, 'scsw.dstat'), 0);
    assert.equal(f(l, 'scsw.cpa'), PROG + 8);
    assert.equal(f(l, 'scsw.key'), 5);
    assert.equal(f(l, 'scsw.count'), 4);
    assert.deepEqual(bytes(l, KEYED, 4), [0, 0, 0, 0]);
  });

  it('css §11.7 a transfer crossing into a protected frame moves the bytes before it (residual = the rest)', () => {
    const l = lab();
    deviceHolds(l, [1, 2, 3, 4, 5, 6, 7, 8]);
    l.mem.skeys.set(KEYED - 1, 0x50);
    l.mem.skeys.set(KEYED, 0x30);
    program(l, [{ cmd: 0x02, count: 8, cda: KEYED - 3 }]);
    start(l, { key: 5 });
    assert.equal(f(l, 'scsw.cstat'), 0x10);
    assert.equal(f(l, 'scsw.count'), 5);
    assert.deepEqual(bytes(l, KEYED - 3, 8), [1, 2, 3, 0, 0, 0, 0, 0]);
  });

  it('css §11.7 output data: F = 0 is fetched with another key, F = 1 is a protection check', () => {
    const l = lab();
    program(l, [{ cmd: 0x01, count: 4, cda: KEYED }]);
    assert.equal(cstatUnder(l, KEYED, 0x30), 0);
    assert.equal(cstatUnder(l, KEYED, 0x38), 0x10);
  });

  it('css §11.7 CCW fetch from a fetch-protected frame of another key: protection check at that CCW', () => {
    const l = lab();
    program(l, [{ cmd: CMD.NOP }], KEYED);
    l.mem.skeys.set(KEYED, 0x38);
    assert.equal(l.css.ssch(SID, orb({ key: 5, cpa: KEYED })), 0);
    run(l);
    assert.equal(f(l, 'scsw.cstat'), 0x10);
    assert.equal(f(l, 'scsw.cpa'), KEYED + 8);
  });

  it('css §11.7 IDAW fetch from a fetch-protected frame: protection check', () => {
    const l = lab();
    deviceHolds(l, [9, 9, 9, 9]);
    l.mem.writeU32(KEYED, 0x3000); // format-1 IDAW → 0x3000
    program(l, [{ cmd: 0x02, flags: CCW_FLAG.IDA, count: 4, cda: KEYED }]);
    l.mem.skeys.set(0x3000, 0x50); // the data frame: ACC = ORB key
    assert.equal(cstatUnder(l, KEYED, 0x58), 0);
    assert.equal(cstatUnder(l, KEYED, 0x38), 0x10);
  });

  it('css §11.7 skip flag: no data stored, so no check', () => {
    const l = lab();
    deviceHolds(l, [1, 2, 3, 4]);
    program(l, [{ cmd: 0x02, flags: CCW_FLAG.SKP, count: 4, cda: KEYED }]);
    l.mem.skeys.set(KEYED, 0x30);
    start(l, { key: 5 });
    assert.equal(f(l, 'scsw.cstat'), 0);
  });

  it('css §11.7 validity first: a CCW beyond storage is a program check, not a protection check', () => {
    const l = lab();
    l.mem.skeys.set(KEYED, 0x38);
    l.css.ssch(SID, orb({ key: 5, cpa: 0x20000 }));
    run(l);
    assert.equal(f(l, 'scsw.cstat'), 0x20);
  });

  it('css §11.1 after the first key instruction the channel sets R (fetch) and R+C (store)', () => {
    const l = lab();
    l.mem.skeys.enable();
    deviceHolds(l, [1, 2, 3, 4]);
    assert.equal(l.mem.storageKey(PROG), 0x04);
    assert.equal(l.mem.storageKey(BUF), 0x04);
    program(l, [{ cmd: 0x02, count: 4, cda: KEYED }]);
    start(l);
    assert.equal(l.mem.storageKey(KEYED), 0x06);
  });

  it('css §11.1 keys step back with the journal', () => {
    const l = lab();
    const pos = l.m.journal.position;
    l.mem.skeys.set(KEYED, 0x38);
    assert.equal(l.mem.storageKey(KEYED), 0x38);
    l.m.journal.undoTo(pos);
    assert.equal(l.mem.storageKey(KEYED), 0);
  });
});
