/**
 * The deferred-cc3 exception filter in the vfio topology (issue 9; css §5.5, §10.4): the host
 * subchannel ends its start function with deferred cc 3 (no path: ORB LPM 0 and sch->lpm 0), and
 * QEMU's io notifier copies the host's IRB into the guest's SCSW — the filter stops at both, the
 * guest's one in QEMU's handler with its own exceptionInfo; reverseContinue meets the same stops.
 */
import * as assert from 'node:assert/strict';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { example, frames, launch, step, useAdapter } from './client';

const ORB_LPM = example('vfio-orb-lpm.vlab');
const HOST = "deferred condition code 3 on subchannel 0x07 (stctl 0x11)";
const GUEST = "deferred condition code 3 reaches the guest's subchannel 0x07 through QEMU (stctl 0x11, copied from the host's IRB)";
const CHANNEL = 0x10000 + 7;
const QEMU = 3;

describe('DAP: deferred cc 3 reaching the guest through QEMU (css §10.4)', function () {
  this.timeout(30000);
  let dc: DebugClient;
  useAdapter((c) => (dc = c), async () => {
    await launch(dc, ORB_LPM);
  });

  const ev = async (expression: string) => (await dc.evaluateRequest({ expression, context: 'watch' })).body.result;
  const info = async (threadId: number) => (await dc.send('exceptionInfo', { threadId }) as DebugProtocol.ExceptionInfoResponse).body;
  const only = (filterId: string, condition?: string) =>
    dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId, condition }] } as DebugProtocol.SetExceptionBreakpointsArguments);

  it('stops at the host subchannel and again where QEMU gives the guest its SCSW, forwards and by reverseContinue', async () => {
    await only('deferred-cc3');
    // css §5.5: the host channel finds no path: deferred cc 3, STCTL alert + pending
    let s = await step(dc, 'continue');
    assert.equal(s.body.reason, 'exception');
    assert.equal(s.body.threadId, CHANNEL);
    assert.equal((await info(CHANNEL)).description, HOST);
    assert.equal(await ev('host(0.0.0007).scsw.cc'), '3');
    // the guest's SCSW does not have it yet
    assert.equal(await ev('guest(0.0.0007).scsw.stctl'), '0');
    // css §10.4: QEMU's io notifier copies the IRB: the guest sees deferred cc 3 here
    s = await step(dc, 'continue');
    assert.equal(s.body.reason, 'exception');
    assert.equal(s.body.threadId, QEMU);
    const g = await info(QEMU);
    assert.equal(g.exceptionId, 'deferred-cc3');
    assert.equal(g.description, GUEST);
    assert.equal(g.details?.message, `${GUEST} (css §5.5, §10.4)`);
    assert.equal((await frames(dc, QEMU))[0].name, 'vfio_ccw_io_notifier_handler');
    assert.equal(await ev('guest(0.0.0007).scsw.cc'), '3');
    assert.equal(await ev('guest(0.0.0007).scsw.stctl'), '17 (0x11)');
    // past it, then back: the guest's stop, then the host's, then the entry
    await step(dc, 'next', QEMU);
    s = await step(dc, 'reverseContinue', QEMU);
    assert.equal(s.body.reason, 'exception');
    assert.equal(s.body.threadId, QEMU);
    assert.equal((await info(QEMU)).description, GUEST);
    s = await step(dc, 'reverseContinue', QEMU);
    assert.equal(s.body.threadId, CHANNEL);
    assert.equal((await info(CHANNEL)).description, HOST);
    s = await step(dc, 'reverseContinue', CHANNEL);
    assert.equal(s.body.reason, 'entry');
  });

  it('a condition on the guest side passes the host stop by', async () => {
    await only('deferred-cc3', 'guest(0.0.0007).scsw.cc == 3');
    const s = await step(dc, 'continue');
    assert.equal(s.body.threadId, QEMU);
    assert.equal((await info(QEMU)).description, GUEST);
  });
});
