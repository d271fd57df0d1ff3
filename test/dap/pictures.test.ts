/**
 * DAP tests of the pictures' requests over stdio: `vlab/timeline`, `vlab/travel`, `vlab/pageMap`,
 * `vlab/pageMapFind` (PRODUCT §4; css §8.4 and gup §3.1–§3.3 for the values).
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import * as P from '../../debug-adapter/protocol';
import { useAdapter } from './client';

const ROOT = path.resolve(__dirname, '../../..');
const CHCHP = path.join(ROOT, 'examples/vfio-chchp-configure.vlab');
const PAGEMAP = path.join(ROOT, 'test/fixtures/pagemap.vlab');

/** Launch and run to the breakpoint at `line`. */
async function runTo(dc: DebugClient, program: string, line: number): Promise<DebugProtocol.StoppedEvent> {
  await dc.initializeRequest({ adapterID: 'vlab', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
  await dc.launch({ program, stopOnEntry: false } as DebugProtocol.LaunchRequestArguments);
  await dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [{ line }] });
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.configurationDoneRequest();
  return stopped;
}

const timeline = async (dc: DebugClient, args: P.TimelineArgs) => (await dc.customRequest(P.TIMELINE_REQUEST, args)).body as P.TimelineResponse;

describe('DAP: timeline, travel and page map requests', function () {
  this.timeout(20000);
  let dc: DebugClient;

  useAdapter((c) => (dc = c));

  it('vlab/timeline: rows in lanes, the CRW flow of chchp -c 0, the current stop (css §8.4, §10.5)', async () => {
    await runTo(dc, CHCHP, 30); // `stcrw` after `wait idle`
    const t = await timeline(dc, { count: 5000 });
    assert.equal(t.total, t.historyLength);
    assert.deepEqual(t.lanes, ['scenario', 'guest', 'QEMU', 'vfio-ccw', 'host cio', 'machine/channel', 'device', 'mm']);
    const cur = t.rows.find((r) => r[0] === t.currentSeq)!;
    assert.equal(cur[6], 'stcrw');
    assert.equal(t.rows[t.currentIndex][0], t.currentSeq);
    const flowOf = (tl: P.TimelineResponse) => {
      const chp = tl.rows.find((r) => tl.kinds[r[3]] === 'chp.state')!;
      return tl.rows.filter((r) => r[4] === chp[4]);
    };
    // at the stop the guest's STCRW has not run (its statement is recorded, not run ahead:
    // Runner.announce), so the CRW's flow ends at QEMU, before the stop (css §10.5)
    const flow = flowOf(t);
    assert.deepEqual(flow.map((r) => t.lanes[r[2]]), ['machine/channel', 'host cio', 'vfio-ccw', 'QEMU']);
    assert.ok(flow[3][0] < t.currentSeq);
    // one statement on, the guest's STCRW took it (css §6.1): the flow's fifth event, before the new stop
    const stopped = dc.waitForEvent('stopped');
    await dc.nextRequest({ threadId: 1 });
    await stopped;
    const t2 = await timeline(dc, { count: 5000 });
    const flow2 = flowOf(t2);
    assert.deepEqual(flow2.map((r) => t2.lanes[r[2]]), ['machine/channel', 'host cio', 'vfio-ccw', 'QEMU', 'guest']);
    assert.ok(flow2[4][0] < t2.currentSeq);
    // each row links to the previous event of its flow
    assert.deepEqual(flow2.map((r) => r[5]), [-1, ...flow2.slice(0, -1).map((r) => r[0])]);
    const crw = await timeline(dc, { kinds: ['crw.queued'] });
    assert.deepEqual(crw.rows.map((r) => r[6]), ['CRW 0x04060041 → vfio-ccw 0.0.0007', 'CRW 0x04060041 → guest']);
    await assert.rejects(dc.customRequest(P.TIMELINE_REQUEST, { lanes: ['gpu'] }), /^Error: timeline: unknown lane 'gpu' \(lanes: scenario, guest, QEMU, vfio-ccw, host cio, machine\/channel, device, mm\)$/);
    await assert.rejects(dc.customRequest(P.TIMELINE_REQUEST, { count: 10_000 }), /'count' must be an integer 1\.\.5000/);
  });

  it('after restart the timeline and the page map read the new run, not the old one', async () => {
    await runTo(dc, PAGEMAP, 8);
    const before = await timeline(dc, { count: 10 });
    const pagesBefore = (await dc.customRequest(P.PAGE_MAP_REQUEST, {})).body as P.PageMapResponse;
    assert.ok(before.historyLength > 1);
    assert.ok(pagesBefore.processes.length > 0);
    const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    await dc.send('restart', { arguments: { program: PAGEMAP, stopOnEntry: true } });
    assert.equal((await stopped).body.reason, 'entry');
    const after = await timeline(dc, { count: 10 });
    // at the entry stop of the new run, history holds the entry record alone
    assert.equal(after.historyLength, 1);
    assert.equal(after.currentIndex, 0);
    assert.equal(after.rows[0][0], after.currentSeq);
    // no process exists before the scenario's first `process` statement ran
    await assert.rejects(dc.customRequest(P.PAGE_MAP_REQUEST, {}), /^Error: pageMap: the scenario has no process \(add `process NAME pid N` and a `vma`\)$/);
  });

  it('vlab/travel: stops at the event with reason goto, travels back and forward, rejects bad seqs', async () => {
    await runTo(dc, CHCHP, 30);
    const t = await timeline(dc, { kinds: ['chp.state'] });
    const target = t.rows[0];
    let stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    let state = dc.waitForEvent(P.STATE_EVENT);
    const res = await dc.customRequest(P.TRAVEL_REQUEST, { seq: target[0] });
    assert.deepEqual(res.body, { seq: target[0], time: target[1] });
    const ev = await stopped;
    assert.equal(ev.body.reason, 'goto');
    assert.equal(ev.body.threadId, 2); // the host kernel thread ran the SCLP deconfigure
    assert.equal((await state).body.seq, target[0]);
    const frames = (await dc.stackTraceRequest({ threadId: 2 })).body.stackFrames;
    assert.equal(frames[0].name, 'sclp_chp_deconfigure');
    assert.equal((await timeline(dc, { count: 1 })).currentSeq, target[0]);
    // forward again to the guest's queue entry
    const guestCrw = (await timeline(dc, { kinds: ['crw.queued'] })).rows[1];
    stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    state = dc.waitForEvent(P.STATE_EVENT);
    await dc.customRequest(P.TRAVEL_REQUEST, { seq: guestCrw[0] });
    assert.equal((await stopped).body.threadId, 3); // QEMU
    assert.equal((await state).body.seq, guestCrw[0]);
    await assert.rejects(dc.customRequest(P.TRAVEL_REQUEST, { seq: 'x' }), /^Error: vlab\/travel: 'seq' must be an integer$/);
    await assert.rejects(dc.customRequest(P.TRAVEL_REQUEST, {}), /^Error: vlab\/travel: 'seq' is required$/);
    await assert.rejects(dc.customRequest(P.TRAVEL_REQUEST, { seq: 1e6 }), /^Error: travel: seq 1000000 is outside the recorded history \(0\.\.\d+\)$/);
    // still usable: the stop did not move
    assert.equal((await timeline(dc, { count: 1 })).currentSeq, guestCrw[0]);
  });

  it('vlab/pageMap: a pinned THP folio as 512 cells (gup §3.1, §3.2) and vlab/pageMapFind', async () => {
    await runTo(dc, PAGEMAP, 8); // after both pins
    const res = (await dc.customRequest(P.PAGE_MAP_REQUEST, { pid: 1 })).body as P.PageMapResponse;
    assert.equal(res.vma, '0x200000');
    assert.equal(res.count, 512);
    const ref = new Int32Array(Uint8Array.from(Buffer.from(res.refcount, 'base64')).buffer);
    const pin = new Int32Array(Uint8Array.from(Buffer.from(res.pincount, 'base64')).buffer);
    assert.deepEqual([ref[0], ref[511], pin[0], pin[511]], [5, 5, 4, 4]);
    const found = (await dc.customRequest(P.PAGE_MAP_FIND_REQUEST, { query: '0x601000', pid: 1 })).body as P.PageMapFindResponse;
    assert.deepEqual([found.vma, found.index], ['0x600000', 1]);
    await assert.rejects(dc.customRequest(P.PAGE_MAP_FIND_REQUEST, { query: '0x9000000' }), /^Error: 0x9000000 is not in any VMA of pid 1: nothing mapped there$/);
    await assert.rejects(dc.customRequest(P.PAGE_MAP_REQUEST, { pid: 'one' }), /^Error: pageMap: 'pid' must be an integer$/);
    // after the unpin the folio is back to its idle refcount
    for (let i = 0; i < 2; i++) {
      const stopped = dc.waitForEvent('stopped');
      await dc.nextRequest({ threadId: 1 });
      await stopped; // line 9 (before the unpin), then line 10
    }
    const after = (await dc.customRequest(P.PAGE_MAP_REQUEST, { pid: 1, count: 1 })).body as P.PageMapResponse;
    assert.deepEqual(Array.from(new Int32Array(Uint8Array.from(Buffer.from(after.refcount, 'base64')).buffer)), [1]);
  });
});
