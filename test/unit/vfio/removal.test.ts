/**
 * `machine remove device` in the vfio topology (css §5.2, §6.3, §6.4, §8.1–§8.3, §10.2): every step
 * of the host's and QEMU's reaction is an event, and stepping back over the statement and the
 * actions it caused restores the machine, the host, vfio-ccw and QEMU exactly (journal).
 */
import * as assert from 'node:assert/strict';
import { parseScenario } from '../../../model/scenario/parser';
import { Runner } from '../../../model/scenario/runner';

const SCENARIO = [
  'kernel 6.18', 'topology vfio', 'memory 1M', 'chpid 40',
  'device 0.0.1234 schid 0.0.0007 type echo chpids 40 isc 3 enabled',
  'machine remove device 0.0.1234',
  'wait idle',
].join('\n');

describe('vfio: machine remove device (css §6.4, §8.2, §8.3)', () => {
  it('host, vfio-ccw and QEMU follow; the frames name the kernel and QEMU functions; Step Back restores everything', () => {
    const { scenario, diagnostics } = parseScenario(SCENARIO, 'r.vlab');
    assert.deepEqual(diagnostics, []);
    const r = new Runner(scenario);
    r.runToEnd();
    const v = r.vfio!;
    assert.equal(v.vfio.devices.size, 0);
    assert.equal(v.cio.subchannels.size, 0);
    assert.equal(v.qemu.devices.size, 0);
    assert.equal(r.css.hasSubchannel(7), false);
    // the order of the host's work, as frames of the history (css §6.4 → §8.3 → §8.2 → §10)
    const order = ['ccw_device_unplug', 'crw_collect_info', 'css_process_crw', 'vfio_ccw_sch_event', 'css_sched_sch_todo', 'css_sch_todo', 'vfio_ccw_mdev_request', 'qdev_unplug', 'vfio_ccw_sch_remove'];
    // the first history record whose call stack holds each function
    const at = order.map((n) => r.m.history.findIndex((h) => h.frames.some((fr) => fr.name === n)));
    assert.ok(at.every((i) => i >= 0), `missing frames: ${order.filter((_, k) => at[k] < 0).join(', ')}`);
    assert.deepEqual([...at].sort((a, b) => a - b), at);
    // Step Back to the removal statement: everything as before
    const stmt = r.m.history.find((h) => h.event.kind === 'stmt' && h.event.text.startsWith('machine remove'))!;
    r.m.journal.undoTo(stmt.journalPos);
    assert.equal(r.css.device(7)?.type, 'echo');
    assert.equal(r.css.field(7, 'pmcw.dnv'), 1);
    assert.equal(v.vfio.devices.get(7)?.state, 'IDLE');
    assert.equal(v.vfio.devices.get(7)?.open, true);
    assert.equal(v.cio.subchannels.get(7)?.driver, 'vfio_ccw');
    assert.equal(v.qemu.devices.size, 1);
    assert.equal(r.css.crwQueue().crws.length, 0);
    assert.equal(v.qemu.crws.crws.length, 0);
  });
});
