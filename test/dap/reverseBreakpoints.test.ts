/**
 * The issue 9 audit's remaining cases (PRODUCT §3 "Breakpoints", "Time travel"): logpoints print
 * during reverseContinue too; data breakpoints on each kind of value the scope names that the other
 * files do not (a host PMCW field and a guest SCSW field in the vfio topology, a THP's pincount, a
 * page's dirty flag, locked_vm, a PMCW field set from a Variables row) and function breakpoints on
 * vfio-ccw kernel and QEMU functions — each hit forwards and again by reverseContinue.
 */
import * as assert from 'node:assert/strict';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { example, expand, fixture, frames, launch, scopes, step, vars, useAdapter } from './client';

const BP = fixture('breakpoints.vlab');
/** breakpoints.vlab: the `echo` program's WRITE CCW (fetched at times 2, 5 and 8) and the `process qemu` line after the channel part. */
const WRITE_LINE = 12;
const PROCESS_LINE = 49;
const CHANNEL = 0x10000 + 7;
const HOST = 2;
const QEMU = 3;

describe('DAP: every breakpoint kind by reverseContinue (issue 9 audit)', function () {
  this.timeout(30000);
  let dc: DebugClient;
  let out: string[];
  useAdapter((c) => (dc = c), async () => {
    out = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => out.push(e.body.output));
  });

  const noExceptions = () => dc.setExceptionBreakpointsRequest({ filters: [] });
  const setData = (dataId: string, extra: Partial<DebugProtocol.DataBreakpoint> = {}) => dc.send('setDataBreakpoints', { breakpoints: [{ dataId, ...extra }] });
  /** Continue `n` times: the stop descriptions. */
  async function descriptions(n: number, kind: 'continue' | 'reverseContinue' = 'continue', threadId = 1): Promise<string[]> {
    const seen: string[] = [];
    for (let k = 0; k < n; k++) {
      const s = await step(dc, kind, threadId);
      seen.push(s.body.description ?? s.body.reason);
      threadId = s.body.threadId ?? 1;
    }
    return seen;
  }

  it('logpoints print during reverseContinue with the state of each record, and honour hit conditions', async () => {
    await launch(dc, BP);
    await noExceptions();
    await dc.setBreakpointsRequest({ source: { path: BP }, breakpoints: [{ line: PROCESS_LINE }, { line: WRITE_LINE, logMessage: 'fwd t={time}' }] });
    assert.equal((await step(dc, 'continue')).body.reason, 'breakpoint');
    assert.deepEqual(out.filter((o) => o.startsWith('fwd')), ['fwd t=2\n', 'fwd t=5\n', 'fwd t=8\n']);
    // backwards the same records print, latest first, each with its own time
    await dc.setBreakpointsRequest({ source: { path: BP }, breakpoints: [{ line: WRITE_LINE, logMessage: 'back t={time} cc {cc}' }] });
    assert.equal((await step(dc, 'reverseContinue')).body.reason, 'entry');
    // css §5.2: the WRITE is fetched after SSCH gave cc 0
    assert.deepEqual(out.filter((o) => o.startsWith('back')), ['back t=8 cc 0\n', 'back t=5 cc 0\n', 'back t=2 cc 0\n']);
    // the hit count is a property of the record (breakpointOptions.ts): `== 2` is the fetch at t=5 both ways
    await dc.setBreakpointsRequest({ source: { path: BP }, breakpoints: [{ line: PROCESS_LINE }, { line: WRITE_LINE, logMessage: 'second t={time}', hitCondition: '== 2' }] });
    await step(dc, 'continue');
    await step(dc, 'reverseContinue');
    assert.deepEqual(out.filter((o) => o.startsWith('second')), ['second t=5\n', 'second t=5\n']);
  });

  it('data breakpoint on a host PMCW field in the vfio topology (css §5.3, §8.5)', async () => {
    await launch(dc, example('vfio-orb-lpm.vlab'));
    await noExceptions();
    await setData('expr:host(0.0.0007).pmcw.lpum');
    // probe; the path used with ORB LPM 0x80 (passed through); ORB LPM 0 replaced by sch->lpm 0x40; the halt sets LPUM 0x80 (css §5.3)
    assert.deepEqual(await descriptions(4), [
      'host(0.0.0007).pmcw.lpum changed: unavailable → 0',
      'host(0.0.0007).pmcw.lpum changed: 0 → 128 (0x80)',
      'host(0.0.0007).pmcw.lpum changed: 128 (0x80) → 64 (0x40)',
      'host(0.0.0007).pmcw.lpum changed: 64 (0x40) → 128 (0x80)',
    ]);
    assert.equal((await frames(dc, CHANNEL))[0].name, 'sch_handle_halt_func');
    assert.deepEqual(await descriptions(1, 'reverseContinue', CHANNEL), ['host(0.0.0007).pmcw.lpum changed: 128 (0x80) → 64 (0x40)']);
  });

  it('data breakpoint on a guest SCSW field: the deferred cc 3 arrives in QEMU\'s io notifier (css §10.4)', async () => {
    await launch(dc, example('vfio-orb-lpm.vlab'));
    await noExceptions();
    await setData('expr:guest(0.0.0007).scsw.cc');
    assert.deepEqual(await descriptions(2), ['guest(0.0.0007).scsw.cc changed: unavailable → 0', 'guest(0.0.0007).scsw.cc changed: 0 → 3']);
    assert.equal((await frames(dc, QEMU))[0].name, 'vfio_ccw_io_notifier_handler');
    await step(dc, 'next', QEMU);
    assert.deepEqual(await descriptions(1, 'reverseContinue', QEMU), ['guest(0.0.0007).scsw.cc changed: 0 → 3']);
  });

  it('data breakpoints on a THP\'s pincount (gup §3.2) and a page\'s dirty flag (gup §6)', async () => {
    const file = example('gup-pinning.vlab');
    await launch(dc, file);
    await noExceptions();
    // the exact _pincount of the THP reaches 512 in the pin_user_pages_fast of line 10
    await setData('expr:page(app, 0x7f0000200000).pincount', { condition: 'page(app, 0x7f0000200000).pincount == 512' });
    let s = await step(dc, 'continue');
    assert.match(s.body.description!, /^page\(app, 0x7f0000200000\)\.pincount changed: \d+ → 512 \(0x200\)$/);
    const at = s.body.description;
    await step(dc, 'next');
    s = await step(dc, 'reverseContinue');
    assert.equal(s.body.description, at);
    // unpin_user_pages_dirty_lock small true (line 14) dirties the small page
    await setData('expr:page(app, 0x7f0000000000).dirty');
    assert.deepEqual(await descriptions(1), ['page(app, 0x7f0000000000).dirty changed: 0 → 1']);
    assert.equal((await frames(dc, 1)).at(-1)!.line, 14);
    await step(dc, 'next');
    assert.deepEqual(await descriptions(2, 'reverseContinue'), ['page(app, 0x7f0000000000).dirty changed: 0 → 1', 'page(app, 0x7f0000000000).dirty changed: unavailable → 0']);
  });

  it('data breakpoint on locked_vm: per page pinned, the page past RLIMIT_MEMLOCK unwound (gup §10)', async () => {
    await launch(dc, example('gup-vfio-memlock.vlab'));
    await noExceptions();
    await setData('expr:locked_vm(qemu)');
    const seen = await descriptions(9);
    assert.deepEqual(seen.map((d) => d.replace('locked_vm(qemu) changed: ', '')), ['unavailable → 0', '0 → 1', '1 → 2', '2 → 3', '3 → 4', '4 → 3', '3 → 2', '2 → 1', '1 → 0']);
    assert.deepEqual(await descriptions(2, 'reverseContinue'), ['locked_vm(qemu) changed: 2 → 1', 'locked_vm(qemu) changed: 3 → 2']);
  });

  it('"Break on Value Change" on a Variables row (dataBreakpointInfo with variablesReference): a PMCW field, forwards and backwards (css §5.5)', async () => {
    const file = example('css-path-selection.vlab');
    await launch(dc, file);
    await noExceptions();
    await dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line: 10 }] });
    await step(dc, 'continue');
    await dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [] });
    const subs = (await scopes(dc, 1)).find((x) => x.name === 'Subchannels')!;
    const pmcwRow = (await expand(dc, (await vars(dc, subs.variablesReference))[0])).get('PMCW')!;
    const pom = [...(await expand(dc, pmcwRow)).values()].find((v) => v.name.startsWith('pmcw.pom '))!;
    const info = await dc.send('dataBreakpointInfo', { variablesReference: pmcwRow.variablesReference, name: pom.name }) as DebugProtocol.DataBreakpointInfoResponse;
    assert.equal(info.body.dataId, 'expr:sch(0.0.0007).pmcw.pom');
    assert.equal(info.body.description, 'sch(0.0.0007).pmcw.pom (now 255 (0xff))');
    // a row with no single value behind it cannot be watched
    const st = (await scopes(dc, 1)).find((x) => x.name === 'Statement')!;
    await vars(dc, st.variablesReference);
    const none = await dc.send('dataBreakpointInfo', { variablesReference: st.variablesReference, name: 'expects' }) as DebugProtocol.DataBreakpointInfoResponse;
    assert.equal(none.body.dataId, null);
    assert.equal(none.body.description, 'expects names no single model value (no expression behind this row)');
    await setData(info.body.dataId!);
    // chpid 40 stops answering: found not operational, dropped from POM (css §5.5)
    assert.deepEqual(await descriptions(1), ['sch(0.0.0007).pmcw.pom changed: 255 (0xff) → 127 (0x7f)']);
    const tid = (await dc.threadsRequest()).body.threads.some((t) => t.id === CHANNEL) ? CHANNEL : 1;
    await step(dc, 'next', tid);
    assert.deepEqual(await descriptions(1, 'reverseContinue', tid), ['sch(0.0.0007).pmcw.pom changed: 255 (0xff) → 127 (0x7f)']);
  });

  it('function breakpoints on vfio-ccw kernel and QEMU functions, forwards and backwards (css §8.3, §9, §10.2)', async () => {
    await launch(dc, example('vfio-orb-lpm.vlab'));
    await noExceptions();
    const r = await dc.send('setFunctionBreakpoints', { breakpoints: [{ name: 'css_do_ssch' }, { name: 'cp_prefetch' }, { name: 'vfio_ccw_sch_io_todo' }] }) as DebugProtocol.SetFunctionBreakpointsResponse;
    assert.deepEqual(r.body.breakpoints.map((b) => b.verified), [true, true, true]);
    // the guest's SSCH: QEMU's css_do_ssch forwards it and vfio-ccw's cp_prefetch pins and translates
    // in the same call (the first record inside both is the first page fault of the pin, so one stop
    // names both); the host's io work completes it on the host kernel thread (css §8.3, §10.4)
    const seen: Array<[string, number, boolean]> = [];
    for (let k = 0; k < 2; k++) {
      const s = await step(dc, 'continue', seen.length ? seen[seen.length - 1][1] : 1);
      const names = (await frames(dc, s.body.threadId!)).map((f) => f.name);
      const want = s.body.description!.split('; ').map((d) => d.replace(/ entered$/, ''));
      seen.push([s.body.description!, s.body.threadId!, want.every((w) => names.includes(w))]);
    }
    assert.deepEqual(seen, [
      ['css_do_ssch entered; cp_prefetch entered', 1, true],
      ['vfio_ccw_sch_io_todo entered', HOST, true],
    ]);
    await step(dc, 'next', HOST);
    assert.deepEqual(await descriptions(2, 'reverseContinue', HOST), ['vfio_ccw_sch_io_todo entered', 'css_do_ssch entered; cp_prefetch entered']);
  });
});
