/** The I/O timeline's lanes and flows (PRODUCT §4 "I/O timeline"; css §6, §8.4, §9.2, §10.5). */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseScenario } from '../../../model/scenario/parser';
import { Runner } from '../../../model/scenario/runner';
import { TimelineData } from '../../../debug-adapter/timelineData';
import { TIMELINE_LANES } from '../../../debug-adapter/protocol';

const ROOT = path.resolve(__dirname, '../../../..');

function runAll(file: string): Runner {
  const r = new Runner(parseScenario(fs.readFileSync(path.join(ROOT, file), 'utf8'), file).scenario);
  while (r.step()) {
    // run to the end: every event is in history
  }
  return r;
}

/** Lane names and kinds of the events of one flow, in history order. */
function flowOf(r: Runner, data: TimelineData, first: (i: number) => boolean): Array<[string, string]> {
  const idx = data.idx;
  const h = r.m.history;
  const start = h.findIndex((_, i) => first(i));
  assert.ok(start >= 0, 'the flow start exists');
  const flow = idx.flow(start);
  assert.ok(flow >= 0, 'the start event has a flow');
  const out: Array<[string, string]> = [];
  for (let i = 0; i < h.length; i++) if (idx.flow(i) === flow) out.push([TIMELINE_LANES[idx.lane(i)], h[i].event.kind]);
  return out;
}

/** Consecutive duplicates merged: the lanes the flow crosses. */
const crossings = (xs: Array<[string, string]>) => xs.map((x) => x[0]).filter((l, i, a) => i === 0 || a[i - 1] !== l);

describe('debug-adapter: timeline lanes and flows', () => {
  it('chchp -c 0: the CRW travels machine → host cio → vfio-ccw → QEMU → guest', () => {
    const r = runAll('examples/vfio-chchp-configure.vlab');
    const data = new TimelineData(() => r.m.history, true);
    const h = r.m.history;
    const flow = flowOf(r, data, (i) => h[i].event.kind === 'chp.state');
    // css §8.4: SCLP deconfigure → chsc_chp_offline → cio_update_schib (STSCH) → vfio_ccw_queue_crw;
    // css §10.5: QEMU reads the CRW region (eventfd) and queues it for the guest; css §6.2 guest STCRW
    assert.deepEqual(flow, [
      ['machine/channel', 'chp.state'],
      ['host cio', 'instr'],
      ['vfio-ccw', 'crw.queued'],
      ['QEMU', 'crw.queued'],
      ['guest', 'instr'],
    ]);
    // the guest's STCRW of that flow is the one storing RSC 4 ERC 6 RSID 0x41 (css §6.1)
    const stcrw = h.find((x) => x.event.kind === 'instr' && x.event.name === 'STCRW' && x.thread === 1);
    assert.ok(stcrw && stcrw.event.kind === 'instr');
    assert.equal(stcrw.event.detail, 'crw=0x04060041');
    assert.equal(data.idx.flow(h.indexOf(stcrw)), data.idx.flow(h.findIndex((x) => x.event.kind === 'chp.state')));
  });

  it('chchp -c 1 opens a second flow of its own (RSC 4 ERC 2)', () => {
    const r = runAll('examples/vfio-chchp-configure.vlab');
    const data = new TimelineData(() => r.m.history, true);
    const h = r.m.history;
    const second = h.findIndex((x, i) => x.event.kind === 'chp.state' && i > h.findIndex((y) => y.event.kind === 'chp.state'));
    assert.deepEqual(crossings(flowOf(r, data, (i) => i === second)), ['machine/channel', 'host cio', 'vfio-ccw', 'QEMU', 'guest']);
    assert.notEqual(data.idx.flow(second), data.idx.flow(h.findIndex((x) => x.event.kind === 'chp.state')));
  });

  it('a machine CRW is collected by cio (STCRW) before vfio-ccw queues it (css §8.4)', () => {
    const r = runAll('test/scenarios/vfio/machine-crw.vlab');
    const data = new TimelineData(() => r.m.history, true);
    const h = r.m.history;
    assert.deepEqual(crossings(flowOf(r, data, (i) => h[i].event.kind === 'chp.state')), ['machine/channel', 'host cio', 'vfio-ccw', 'QEMU', 'guest']);
  });

  it('SSCH in the vfio topology: translate/pin → host SSCH → CCWs → interruption → unpin → guest TSCH', () => {
    const r = runAll('test/scenarios/vfio/translate-pins.vlab');
    const data = new TimelineData(() => r.m.history, true);
    const h = r.m.history;
    const flow = flowOf(r, data, (i) => h[i].event.kind === 'page.fault');
    // css §9.2 cp_prefetch pins the 4 pages (fault, grab, gup return each) before the host SSCH
    assert.deepEqual(flow.slice(0, 14).map((x) => x.join(' ')), [
      ...Array.from({ length: 4 }, () => ['mm page.fault', 'mm page.grab', 'mm gup.return']).flat(),
      'vfio-ccw instr', // fsm_io_helper's SSCH of the translated program
      'guest instr', // the guest's SSCH returns cc 0
    ]);
    assert.deepEqual(crossings(flow), [
      'mm', 'vfio-ccw', 'guest',
      // the channel runs the 6 CCWs; data transfers are the device's (css §3)
      'machine/channel', 'device', 'machine/channel', 'device', 'machine/channel', 'device', 'machine/channel', 'device', 'machine/channel',
      'host cio', // do_io_irq: TPI and TSCH on the host
      'mm', // cp_free unpins the 4 pages (css §9.2)
      'QEMU', // the I/O eventfd: QEMU injects the interruption
      'guest', // the guest's TSCH ends the I/O
    ]);
    const last = flow[flow.length - 1];
    assert.deepEqual(last, ['guest', 'instr']);
    assert.equal(flow.filter((x) => x[1] === 'page.release').length, 4);
  });

  it('windows: rows from a seq, from an index, filtered by lane and kind, with the current stop', () => {
    const r = runAll('test/scenarios/vfio/translate-pins.vlab');
    const data = new TimelineData(() => r.m.history, true);
    const h = r.m.history;
    const all = data.rows({}, 5);
    assert.equal(all.total, h.length);
    assert.equal(all.currentSeq, h[5].seq);
    assert.equal(all.currentIndex, 5);
    // the device lane holds the 4 data transfers (css §3: WRITE a, READ SKP, WRITE SKP, READ b)
    assert.equal(all.laneCounts[6], 4);
    assert.equal(all.laneCounts.reduce((a, b) => a + b, 0), h.length);
    const mm = data.rows({ lanes: ['mm'], count: 3 }, 0);
    assert.equal(mm.total, h.filter((_, i) => data.idx.lane(i) === 7).length);
    assert.deepEqual(mm.rows.map((x) => x[2]), [7, 7, 7]);
    const grabs = data.rows({ kinds: ['page.grab'], fromIndex: 1, count: 2 }, 0);
    assert.equal(grabs.total, 4);
    assert.equal(grabs.index, 1);
    assert.equal(grabs.rows[0][6], 'FOLL_PIN pfn 0x1');
    const fromSeq = data.rows({ fromSeq: 40, count: 1 }, 0);
    assert.equal(fromSeq.rows[0][0], 40);
    assert.match(fromSeq.rows[0][7], /^sch = 0x7 \(7\)\naddr = 0x40000000/);
    assert.throws(() => data.rows({ lanes: ['nowhere'] }, 0), /^Error: timeline: unknown lane 'nowhere' \(lanes: scenario, guest/);
    assert.throws(() => data.rows({ count: 0 }, 0), /'count' must be an integer 1\.\.5000/);
    assert.throws(() => data.rows({ kinds: 'ccw' as unknown as string[] }, 0), /'kinds' must be a list/);
  });

  it('follows a history rewritten by an edit (rebuilt, not stale)', () => {
    const r = runAll('test/scenarios/vfio/translate-pins.vlab');
    const data = new TimelineData(() => r.m.history, true);
    const n = data.rows({}, 0).total;
    (r.m.history as unknown[]).length = 10;
    assert.equal(data.rows({}, 0).total, 10);
    assert.ok(n > 10);
  });
});
