/**
 * Every cell of the vfio-ccw FSM in both eras (css §8.3): the table itself, and each cell driven
 * through the driver from a real state.
 */
import * as assert from 'node:assert/strict';
import { FSM_58, FSM_EVENTS, FSM_OPEN_CLOSE, FSM_STATES, fsmTable, type FsmEvent, type FsmState } from '../../../model/linux/vfio-ccw/fsm';
import { kernelFeatures } from '../../../model/kernel/version';
import { header, run, SCH, hexBytes, drain } from './helpers';
import type { Lab } from './helpers';

// css §8.3 current table, row by row
const CUR: Record<FsmState, string[]> = {
  NOT_OPER: ['nop', 'io_error', 'disabled_irq', 'async_error', 'nop', 'nop'],
  STANDBY: ['notoper', 'io_error', 'disabled_irq', 'async_error', 'open', 'notoper'],
  IDLE: ['notoper', 'io_request', 'irq', 'async_request', 'notoper', 'close'],
  CP_PROCESSING: ['notoper', 'io_retry', 'irq', 'async_retry', 'notoper', 'close'],
  CP_PENDING: ['notoper', 'io_busy', 'irq', 'async_request', 'notoper', 'close'],
};
// css §8.3 "Differences in 5.8": no OPEN/CLOSE, STANDBY + INTERRUPT runs the irq handler
const V58: Record<FsmState, string[]> = {
  NOT_OPER: ['nop', 'io_error', 'disabled_irq', 'async_error'],
  STANDBY: ['notoper', 'io_error', 'irq', 'async_error'],
  IDLE: ['notoper', 'io_request', 'irq', 'async_request'],
  CP_PROCESSING: ['notoper', 'io_retry', 'irq', 'async_retry'],
  CP_PENDING: ['notoper', 'io_busy', 'irq', 'async_request'],
};

describe('vfio-ccw FSM tables (css §8.3)', () => {
  for (const s of FSM_STATES) {
    it(`current era row ${s}`, () => assert.deepEqual(FSM_EVENTS.map((e) => FSM_OPEN_CLOSE[s][e]), CUR[s]));
    it(`5.8 row ${s}`, () => assert.deepEqual(FSM_EVENTS.slice(0, 4).map((e) => FSM_58[s][e]), V58[s]));
  }
  it('5.8 has no OPEN/CLOSE events', () => {
    for (const s of FSM_STATES) assert.equal(FSM_58[s].OPEN, undefined);
  });
  it('the kernel version selects the table (css §0: OPEN/CLOSE ≈6.0+)', () => {
    assert.equal(fsmTable(kernelFeatures({ major: 5, minor: 8 })), FSM_58);
    assert.equal(fsmTable(kernelFeatures({ major: 5, minor: 18 })), FSM_58);
    assert.equal(fsmTable(kernelFeatures({ major: 6, minor: 3 })), FSM_OPEN_CLOSE);
  });
});

/** Put device 0.0.0007 into `state` (through real transitions where possible). */
function inState(kernel: string, state: FsmState): Lab {
  const extra = 'rule 0.0.0007 cmd=READ delay 50\ndata buf at 0x3000 zero 16\nprogram rd at 0x1000\n  READ SLI count 16 data buf\nend\n';
  const lab = run(header(kernel, extra));
  const p = lab.v.vfio.device(SCH);
  if (state === 'IDLE') return lab;
  if (state === 'CP_PENDING') {
    assert.equal(lab.v.qemu.ssch(0x00010007, orb()), 0);
    assert.equal(p.state, 'CP_PENDING');
    return lab;
  }
  if (state === 'STANDBY') {
    if (kernel === '5.8') lab.r.m.journal.set(p, 'state', 'STANDBY'); // 5.8: mdev removed
    else assert.equal(lab.v.vfio.close(SCH), 0);
    if (kernel !== '5.8') lab.v.vfio.open(SCH) === 0 && lab.v.vfio.close(SCH);
    if (!p.open) {
      lab.r.m.journal.set(p, 'open', true);
      lab.r.m.journal.set(p, 'regions', []);
    }
    return lab;
  }
  lab.r.m.journal.set(p, 'state', state); // NOT_OPER / CP_PROCESSING: set directly (transient)
  return lab;
}

function orb(lpm = 0xff) {
  return { intparm: 0, key: 0, spnd: 0, str: 0, mod: 0, sync: 0, fmt: 1, pfch: 1, isic: 0, alcc: 0, ssic: 0, b: 0, c64: 0, i2k: 0, lpm, ils: 0, midaw: 0, orbx: 0, cpa: 0x1000 };
}

const START_IO = () => {
  const b = new Uint8Array(124);
  b.set(hexBytes('00000000' + '0080ff00' + '00001000'), 0); // ORB: fmt 1, pfch 1, lpm ff, cpa 0x1000
  b.set(hexBytes('00004000'), 12); // SCSW FCTL start
  return b;
};

describe('vfio-ccw FSM cells driven through the driver (css §8.3, §8.1 ret codes)', () => {
  for (const kernel of ['5.8', '6.18']) {
    const events: FsmEvent[] = kernel === '5.8' ? ['NOT_OPER', 'IO_REQ', 'INTERRUPT', 'ASYNC_REQ'] : [...FSM_EVENTS];
    for (const state of FSM_STATES) {
      for (const ev of events) {
        it(`${kernel}: ${state} × ${ev}`, () => {
          const lab = inState(kernel, state);
          const v = lab.v.vfio;
          const p = v.device(SCH);
          const action = v.table[state][ev]!;
          if (ev === 'IO_REQ') {
            const ret = v.write(SCH, 0, START_IO());
            const want = { io_error: -5, io_retry: -11, io_busy: -16, io_request: 124 }[action as string];
            assert.equal(ret, want);
            assert.equal(p.state, action === 'io_request' ? 'CP_PENDING' : state);
          } else if (ev === 'ASYNC_REQ') {
            lab.r.m.journal.set(p, 'regions', [...p.regions.length ? p.regions : []]);
            const cmd = new Uint8Array(8);
            cmd[3] = 1; // HSCH
            const off = p.regions.findIndex((r) => r.name === 'async');
            const ret = off < 0 ? (v.fsmEvent(p, 'ASYNC_REQ'), (p.cmd[4] << 24 | p.cmd[5] << 16 | p.cmd[6] << 8 | p.cmd[7]) | 0) : v.write(SCH, (off + 1) << 10, cmd);
            const want = { async_error: -5, async_retry: -11, async_request: state === 'CP_PENDING' ? 8 : -16 }[action as string];
            if (action === 'async_request' && state === 'IDLE') {
              // HSCH on an idle host subchannel: cc 0 (a halt function with status) → 8 bytes
              assert.ok(ret === 8 || ret === -16, `ret ${ret}`);
            } else assert.equal(ret, want);
            assert.equal(p.state, state); // css §8.3: async requests do not change the state
          } else {
            v.fsmEvent(p, ev);
            const after: Partial<Record<string, FsmState>> = {
              nop: state, notoper: 'NOT_OPER', open: 'IDLE', close: 'STANDBY', irq: state, disabled_irq: state,
            };
            assert.equal(p.state, after[action], `${action}`);
            if (action === 'notoper' || action === 'close') assert.equal(p.cp.initialized, false);
            if (action === 'irq') assert.equal(p.work.io, true);
          }
          drain(lab.r);
        });
      }
    }
  }
});
