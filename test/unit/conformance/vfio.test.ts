/**
 * Conformance scenarios for css-vfio-ccw.md §6–§10 and gup-foll-pin.md §10 (vfio-ccw pinning):
 * every test/scenarios/conformance/vfio/*.vlab runs with the cross-layer invariant checker after
 * every step, with no failed expect and no unchecked exception. Facts the scenario language cannot
 * read (region info flags, constants) are asserted on the model's tables below.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { exceptions, failures, run } from '../vfio/helpers';
import { ASYNC_CMD, ASYNC_REGION, CRW_REGION, DEVICE_FLAG, IO_REGION, IRQ_INDEX, REGION_FLAG, SCHIB_REGION, VFIO_CCW_NUM_REGIONS, VFIO_CCW_OFFSET_SHIFT, VFIO_REGION_TYPE_CCW, regionOffset } from '../../../model/linux/vfio-ccw/regions';
import { FSM_58, FSM_EVENTS, FSM_OPEN_CLOSE, FSM_STATES } from '../../../model/linux/vfio-ccw/fsm';
import { CHP_EVENT, CHP_STATUS } from '../../../model/linux/cio/constants';
import { ERC, RSC, encodeCrw } from '../../../model/css/crw';


const ROOT = process.env.VLAB_ROOT ?? path.resolve(__dirname, '../../../..');
const DIR = path.join(ROOT, 'test/scenarios/conformance/vfio');
const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.vlab')).sort();

describe('conformance: css-vfio-ccw §6–§10 scenarios (invariants after every step)', () => {
  it('has one scenario file per section', () => assert.ok(files.length >= 10, `only ${files.length} files`));
  for (const f of files) {
    it(f, () => {
      const { r } = run(fs.readFileSync(path.join(DIR, f), 'utf8'), { invariants: true });
      // program exceptions are fine only when the next line expects them (`expect exception == …`)
      assert.deepEqual(r.exceptions.filter((e) => !e.checked).map((e) => `line ${e.line}: ${e.message}`), []);
      assert.ok(exceptions(r).length === r.exceptions.length);
      assert.deepEqual(failures(r), []);
      assert.ok(r.expects.length > 0, 'a conformance scenario needs expects');
    });
  }
});

describe('conformance: css-vfio-ccw tables the scenario language cannot read', () => {
  it('§6.1 RSC / ERC codes and masks', () => {
    assert.deepEqual([RSC.MONITOR, RSC.SCH, RSC.CHP, RSC.CONFIG_ALERT, RSC.CSS], [2, 3, 4, 9, 0xb]);
    assert.deepEqual([ERC.EVENT, ERC.AVAIL, ERC.INIT, ERC.TERROR, ERC.IPI, ERC.TERM, ERC.PERRN, ERC.PERRI, ERC.PMOD, ERC.RESTORED], [0, 1, 2, 3, 4, 5, 6, 7, 8, 0xa]);
    assert.equal(encodeCrw({ sol: true, rsc: 0, erc: 0, rsid: 0 }), 0x40000000);
    assert.equal(encodeCrw({ oflw: true, rsc: 0, erc: 0, rsid: 0 }), 0x20000000);
    assert.equal(encodeCrw({ chn: true, rsc: 0, erc: 0, rsid: 0 }), 0x10000000);
    assert.equal(encodeCrw({ anc: true, rsc: 0, erc: 0, rsid: 0 }), 0x00800000);
    assert.equal(encodeCrw({ rsc: 0xf, erc: 0x3f, rsid: 0xffff }), 0x0f3fffff);
  });
  it('§7.1 chp event constants', () => {
    assert.deepEqual([CHP_EVENT.ONLINE, CHP_EVENT.OFFLINE, CHP_EVENT.VARY_ON, CHP_EVENT.VARY_OFF], [0, 1, 2, 3]);
    assert.deepEqual([CHP_STATUS.STANDBY, CHP_STATUS.CONFIGURED, CHP_STATUS.RESERVED, CHP_STATUS.NOT_RECOGNIZED], [0, 1, 2, 3]);
  });
  it('§8.1 region table: offsets, subtypes, sizes, flags, layouts', () => {
    assert.equal(VFIO_CCW_OFFSET_SHIFT, 10);
    assert.equal(VFIO_CCW_NUM_REGIONS, 1);
    assert.equal(VFIO_REGION_TYPE_CCW, 2);
    assert.deepEqual([regionOffset(0), regionOffset(1), regionOffset(2), regionOffset(3)], [0, 0x400, 0x800, 0xc00]);
    assert.deepEqual(REGION_FLAG, { READ: 1, WRITE: 2, MMAP: 4, CAPS: 8 });
    assert.deepEqual(DEVICE_FLAG, { RESET: 1, CCW: 16 });
    assert.deepEqual([IO_REGION.size, IO_REGION.flags], [124, 0x3]);
    assert.deepEqual([ASYNC_REGION.subtype, ASYNC_REGION.size, ASYNC_REGION.flags], [1, 8, 0xb]);
    assert.deepEqual([SCHIB_REGION.subtype, SCHIB_REGION.size, SCHIB_REGION.flags], [2, 52, 0x9]);
    assert.deepEqual([CRW_REGION.subtype, CRW_REGION.size, CRW_REGION.flags], [3, 8, 0x9]);
    assert.deepEqual(IO_REGION.layout, { orb_area: [0, 12], scsw_area: [12, 12], irb_area: [24, 96], ret_code: [120, 4] });
    assert.deepEqual(ASYNC_REGION.layout, { command: [0, 4], ret_code: [4, 4] });
    assert.deepEqual(SCHIB_REGION.layout, { schib_area: [0, 52] });
    assert.deepEqual(CRW_REGION.layout, { crw: [0, 4], pad: [4, 4] });
    assert.deepEqual(ASYNC_CMD, { HSCH: 1, CSCH: 2 });
  });
  it('§8.2 IRQ indexes', () => assert.deepEqual(IRQ_INDEX, { IO: 0, CRW: 1, REQ: 2 }));
  it('§8.3 states and events, numbered as in the kernel', () => {
    assert.deepEqual([...FSM_STATES], ['NOT_OPER', 'STANDBY', 'IDLE', 'CP_PROCESSING', 'CP_PENDING']);
    assert.deepEqual([...FSM_EVENTS], ['NOT_OPER', 'IO_REQ', 'INTERRUPT', 'ASYNC_REQ', 'OPEN', 'CLOSE']);
  });
  it('§8.3 current (v6.0+) table, cell by cell', () => {
    const ref: Record<string, string[]> = {
      NOT_OPER: ['nop', 'io_error', 'disabled_irq', 'async_error', 'nop', 'nop'],
      STANDBY: ['notoper', 'io_error', 'disabled_irq', 'async_error', 'open', 'notoper'],
      IDLE: ['notoper', 'io_request', 'irq', 'async_request', 'notoper', 'close'],
      CP_PROCESSING: ['notoper', 'io_retry', 'irq', 'async_retry', 'notoper', 'close'],
      CP_PENDING: ['notoper', 'io_busy', 'irq', 'async_request', 'notoper', 'close'],
    };
    for (const s of FSM_STATES) assert.deepEqual(FSM_EVENTS.map((e) => FSM_OPEN_CLOSE[s][e]), ref[s], s);
  });
  it('§8.3 5.8 table: four events, STANDBY + INTERRUPT runs the irq handler', () => {
    for (const s of FSM_STATES) {
      assert.equal(FSM_58[s].OPEN, undefined);
      assert.equal(FSM_58[s].CLOSE, undefined);
      for (const e of ['NOT_OPER', 'IO_REQ', 'ASYNC_REQ'] as const) assert.equal(FSM_58[s][e], FSM_OPEN_CLOSE[s][e], `${s}/${e}`);
    }
    assert.equal(FSM_58.STANDBY.INTERRUPT, 'irq');
    assert.equal(FSM_58.NOT_OPER.INTERRUPT, 'disabled_irq');
  });
});
