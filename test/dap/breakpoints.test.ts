/**
 * DAP tests of every breakpoint kind and of run control (issue 9; PRODUCT §3 "Breakpoints",
 * "Time travel"): each kind is hit running forwards and again by reverseContinue, bad input
 * answers a one-line error or an unverified breakpoint, exceptionInfo explains the stop.
 * Drives the standalone adapter (dist/debugAdapter.js) over stdio.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import * as P from '../../debug-adapter/protocol';
import { useAdapter } from './client';

const ROOT = path.resolve(__dirname, '../../..');
const BP = path.join(ROOT, 'test/fixtures/breakpoints.vlab');
const PINLEAK = path.join(ROOT, 'test/fixtures/pinleak.vlab');
const TIC = path.join(ROOT, 'test/fixtures/tic-loop.vlab');
const BP_TEXT = fs.readFileSync(BP, 'utf8').split('\n');

/** 1-based line of the first line of breakpoints.vlab that is exactly `text` (after `from`). */
function lineOf(text: string, from = 0): number {
  const i = BP_TEXT.findIndex((l, k) => k >= from && l.trim() === text);
  assert.ok(i >= 0, `fixture has no line '${text}'`);
  return i + 1;
}

type Stopped = DebugProtocol.StoppedEvent;

describe('DAP: breakpoints and run control (issue 9)', function () {
  this.timeout(30000);
  let dc: DebugClient;
  let console: string[];

  useAdapter((c) => (dc = c), async () => {
    console = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => console.push(e.body.output));
  });

  async function start(program = BP, progress = false): Promise<DebugProtocol.Capabilities> {
    const init = await dc.initializeRequest({ adapterID: 'vlab', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true, supportsProgressReporting: progress });
    const stopped = dc.waitForEvent('stopped');
    // dc.launch() would send a second initialize without supportsProgressReporting
    await dc.send('launch', { program, stopOnEntry: true });
    await dc.configurationDoneRequest();
    await stopped;
    return init.body ?? {};
  }

  async function go(kind: 'continue' | 'reverseContinue'): Promise<Stopped> {
    const stopped = dc.waitForEvent('stopped') as Promise<Stopped>;
    await dc.send(kind, { threadId: 1 });
    return stopped;
  }

  async function stepOver(threadId = 1): Promise<Stopped> {
    const stopped = dc.waitForEvent('stopped') as Promise<Stopped>;
    await dc.nextRequest({ threadId });
    return stopped;
  }

  async function top(threadId: number): Promise<DebugProtocol.StackFrame> {
    return (await dc.stackTraceRequest({ threadId })).body.stackFrames[0];
  }

  async function evaluate(expression: string): Promise<string> {
    return (await dc.evaluateRequest({ expression, context: 'watch' })).body.result;
  }

  async function noExceptions(): Promise<void> {
    await dc.setExceptionBreakpointsRequest({ filters: [] });
  }

  const CHANNEL = 0x10000 + 7;

  it('advertises every capability it implements, with the exception filters and their defaults', async () => {
    const caps = await start();
    for (const k of ['supportsConditionalBreakpoints', 'supportsHitConditionalBreakpoints', 'supportsLogPoints', 'supportsFunctionBreakpoints',
      'supportsDataBreakpoints', 'supportsInstructionBreakpoints', 'supportsBreakpointLocationsRequest', 'supportsExceptionFilterOptions',
      'supportsExceptionInfoRequest', 'supportsGotoTargetsRequest', 'supportsRestartRequest', 'supportsCancelRequest'] as const) {
      assert.equal(caps[k], true, k);
    }
    assert.deepEqual(caps.exceptionBreakpointFilters!.map((f) => [f.filter, f.default]), [
      ['expect-failed', true], ['scenario-error', true], ['program-interruption', true], ['unit-check', false], ['program-check', false],
      ['channel-status', false], ['deferred-cc3', false], ['crw-overflow', false], ['pin-leak', false], ['refcount', false], ['warn', false],
    ]);
    assert.ok(caps.exceptionBreakpointFilters!.every((f) => f.supportsCondition));
  });

  it('lists statement and CCW lines as breakpoint locations and moves a breakpoint to the next one with a message', async () => {
    await start();
    const prog = lineOf('program echo at 0x1000 format 1');
    const locs = await dc.send('breakpointLocations', { source: { path: BP }, line: prog, endLine: prog + 4 }) as DebugProtocol.BreakpointLocationsResponse;
    // css §3: the program statement and its two CCW lines; `end` and the blank line hold nothing
    assert.deepEqual(locs.body.breakpoints.map((b) => b.line), [prog, prog + 1, prog + 2]);
    const r = await dc.setBreakpointsRequest({ source: { path: BP }, breakpoints: [{ line: prog + 3 }] });
    assert.equal(r.body.breakpoints[0].verified, true);
    assert.equal(r.body.breakpoints[0].line, prog + 5);
    assert.equal(r.body.breakpoints[0].message, `moved from line ${prog + 3} to the next statement or CCW line ${prog + 5}`);
    await assert.rejects(dc.send('breakpointLocations', { source: { path: BP }, line: 0 }), /line must be a positive whole number/);
  });

  it('conditional line breakpoint: stops only where the condition holds, forwards and backwards', async () => {
    await start();
    await noExceptions();
    const l = lineOf('get_user_pages qemu 0x7f0000004000 1 FOLL_WRITE -> got');
    // gup §4: the unpin of 4 pages before this line counts 4 releases
    const ok = await dc.setBreakpointsRequest({ source: { path: BP }, breakpoints: [{ line: l, condition: 'vmstat.nr_foll_pin_released == 4' }] });
    assert.equal(ok.body.breakpoints[0].verified, true);
    let ev = await go('continue');
    assert.equal(ev.body.reason, 'breakpoint');
    assert.deepEqual(ev.body.hitBreakpointIds, [ok.body.breakpoints[0].id]);
    assert.equal((await top(1)).line, l);
    await stepOver(1);
    ev = await go('reverseContinue');
    assert.equal(ev.body.reason, 'breakpoint');
    assert.equal((await top(1)).line, l);
    // a condition that never holds: runs to the end
    await dc.setBreakpointsRequest({ source: { path: BP }, breakpoints: [{ line: l, condition: 'vmstat.nr_foll_pin_released == 5' }] });
    const ended = dc.waitForEvent('terminated');
    await dc.continueRequest({ threadId: 1 });
    await ended;
  });

  it('hit conditions count executions of a CCW line, the same forwards and backwards (>= N, == N, % N)', async () => {
    await start();
    await noExceptions();
    const write = lineOf('WRITE CC count 16 data msg');
    // the WRITE CCW of `echo` is fetched at times 2, 5 and 8 (three SSCHs of it)
    await dc.setBreakpointsRequest({ source: { path: BP }, breakpoints: [{ line: write, hitCondition: '== 2' }] });
    let ev = await go('continue');
    assert.equal(ev.body.reason, 'breakpoint');
    assert.equal(ev.body.threadId, CHANNEL);
    assert.equal(await evaluate('time'), '5');
    await dc.setBreakpointsRequest({ source: { path: BP }, breakpoints: [{ line: write, hitCondition: '3' }] });
    ev = await go('continue');
    assert.equal(await evaluate('time'), '8');
    await dc.setBreakpointsRequest({ source: { path: BP }, breakpoints: [{ line: write, hitCondition: '% 2' }] });
    ev = await go('reverseContinue');
    assert.equal(ev.body.reason, 'breakpoint');
    assert.equal(await evaluate('time'), '5');
  });

  it('logpoints print with {expression} interpolation and do not stop', async () => {
    await start();
    await noExceptions();
    const write = lineOf('WRITE CC count 16 data msg');
    await dc.setBreakpointsRequest({ source: { path: BP }, breakpoints: [{ line: write, logMessage: 'WRITE at t={time} cc {{literal}}' }] });
    const ended = dc.waitForEvent('terminated');
    await dc.continueRequest({ threadId: 1 });
    await ended;
    assert.deepEqual(console.filter((o) => o.startsWith('WRITE at')), ['WRITE at t=2 cc {literal}\n', 'WRITE at t=5 cc {literal}\n', 'WRITE at t=8 cc {literal}\n']);
  });

  it('refuses bad conditions, hit conditions and log messages with one-line reasons', async () => {
    await start();
    const l = lineOf('tsch 0.0.0007');
    const r = await dc.setBreakpointsRequest({ source: { path: BP }, breakpoints: [
      { line: l, condition: 'foo == 1' }, { line: l + 5, condition: 'cc ==' }, { line: l + 6, hitCondition: 'abc' },
      { line: l + 7, logMessage: 'x {cc' }, { line: l + 8, hitCondition: '% 0' },
    ] });
    assert.deepEqual(r.body.breakpoints.map((b) => [b.verified, b.message]), [
      [false, "condition 'foo == 1': unknown name 'foo'"],
      [false, "condition 'cc ==': column 6: expected a value or a field path"],
      [false, "hit condition 'abc': expected N, >= N, > N, == N, < N, <= N or % N"],
      [false, "log message: '{' at column 3 is not closed"],
      [false, "hit condition '% 0': % 0 divides by zero"],
    ]);
  });

  it('a condition that fails at run time says why in the console and stops', async () => {
    await start();
    await noExceptions();
    const l = lineOf('ssch 0.0.0007 cpa=echo intparm=0xcafe fmt=1 lpm=0x80');
    await dc.setBreakpointsRequest({ source: { path: BP }, breakpoints: [{ line: l, condition: 'irb.scsw.stctl == 7' }] });
    const ev = await go('continue');
    assert.equal(ev.body.reason, 'breakpoint');
    assert.equal((await top(1)).line, l);
    assert.ok(console.includes(`line ${l}: condition 'irb.scsw.stctl == 7' failed: irb has no value: no IRB stored (run tsch first; a failed statement or a TSCH with cc 3 stores none); stopped\n`), console.join(''));
  });

  it('function breakpoints on an instruction and on a kernel function, with hit conditions, forwards and backwards', async () => {
    await start();
    await noExceptions();
    const r = await dc.send('setFunctionBreakpoints', { breakpoints: [{ name: 'tsch', hitCondition: '== 3' }, { name: 'tsh' }, { name: 'try_grab_folio', hitCondition: '== 2' }] }) as DebugProtocol.SetFunctionBreakpointsResponse;
    assert.deepEqual(r.body.breakpoints.map((b) => [b.verified, b.message]), [
      [true, 'stops at each tsch statement'],
      [false, "unknown function or instruction 'tsh' (did you mean 'tsch'?)"],
      [true, 'stops when try_grab_folio is entered'],
    ]);
    let ev = await go('continue');
    assert.equal(ev.body.reason, 'function breakpoint');
    assert.equal(ev.body.description, 'tsch executes');
    // the third tsch: after the SSCH that the unit-check rule answers
    assert.equal((await top(1)).line, lineOf('tsch 0.0.0007', lineOf('rule 0.0.0007 cmd=WRITE dstat=0x02 sense "80" times 1')));
    ev = await go('continue');
    assert.equal(ev.body.reason, 'function breakpoint');
    assert.equal(ev.body.description, 'try_grab_folio entered');
    assert.equal((await top(1)).name, 'try_grab_folio');
    // gup §3.1 E4: the second page grabbed holds R0 1 + GUP_PIN_COUNTING_BIAS, the third is not faulted in yet
    assert.equal(await evaluate('page(qemu, 0x7f0000001000).refcount'), '1025 (0x401)');
    assert.match(await evaluate('page(qemu, 0x7f0000002000).refcount'), /no page mapped at 0x7f0000002000/);
    await stepOver(1);
    ev = await go('reverseContinue');
    assert.equal(ev.body.reason, 'function breakpoint');
    assert.equal(await evaluate('page(qemu, 0x7f0000001000).refcount'), '1025 (0x401)');
    assert.match(await evaluate('page(qemu, 0x7f0000002000).refcount'), /no page mapped/);
  });

  it('offers the function names the model knows (vlab/functionNames)', async () => {
    await start();
    const r = await dc.customRequest(P.FUNCTION_NAMES_REQUEST) as { body: P.FunctionNamesResponse };
    for (const n of ['ssch', 'tsch', 'stsch', 'msch']) assert.ok(r.body.instructions.includes(n), n);
    for (const n of ['pin_user_pages_remote', 'css_do_ssch', 'cp_prefetch', 'try_grab_folio', 'fsm_io_request']) assert.ok(r.body.functions.includes(n), n);
  });

  it('data breakpoints: dataBreakpointInfo, changes forwards and by reverseContinue, bad ids', async () => {
    await start();
    await noExceptions();
    const info = await dc.send('dataBreakpointInfo', { name: 'page(qemu, 0x7f0000000000).refcount' }) as DebugProtocol.DataBreakpointInfoResponse;
    assert.equal(info.body.dataId, 'expr:page(qemu, 0x7f0000000000).refcount');
    // the process is declared later in the scenario: watchable, not readable yet
    assert.match(info.body.description, /^page\(qemu, 0x7f0000000000\)\.refcount \(not readable now: /);
    assert.deepEqual(info.body.accessTypes, ['write']);
    const bad = await dc.send('dataBreakpointInfo', { name: 'foo.bar' }) as DebugProtocol.DataBreakpointInfoResponse;
    assert.equal(bad.body.dataId, null);
    assert.equal(bad.body.description, "data breakpoint expression 'foo.bar': unknown name 'foo'");
    const set = await dc.send('setDataBreakpoints', { breakpoints: [{ dataId: info.body.dataId }, { dataId: 'expr:page(' }, { dataId: info.body.dataId, accessType: 'read' }] }) as DebugProtocol.SetDataBreakpointsResponse;
    assert.deepEqual(set.body.breakpoints.map((b) => b.verified), [true, false, false]);
    assert.match(set.body.breakpoints[1].message!, /^data breakpoint expression 'page\(': column 6: /);
    assert.equal(set.body.breakpoints[2].message, "access type 'read' is not supported: the model breaks on value changes (write)");
    // gup §3.1: fault-in (refcount 1), FOLL_PIN grab (1 + 1024), unpin (1)
    let ev = await go('continue');
    assert.equal(ev.body.reason, 'data breakpoint');
    assert.equal(ev.body.description, 'page(qemu, 0x7f0000000000).refcount changed: unavailable → 1');
    ev = await go('continue');
    assert.equal(ev.body.description, 'page(qemu, 0x7f0000000000).refcount changed: 1 → 1025 (0x401)');
    ev = await go('continue');
    assert.equal(ev.body.description, 'page(qemu, 0x7f0000000000).refcount changed: 1025 (0x401) → 1');
    assert.deepEqual(ev.body.hitBreakpointIds, [set.body.breakpoints[0].id]);
    ev = await go('reverseContinue');
    assert.equal(ev.body.reason, 'data breakpoint');
    assert.equal(ev.body.description, 'page(qemu, 0x7f0000000000).refcount changed: 1 → 1025 (0x401)');
    assert.equal(await evaluate('page(qemu, 0x7f0000000000).refcount'), '1025 (0x401)');
  });

  it('data breakpoint on a SCSW field with a condition (css §1.3)', async () => {
    await start();
    await noExceptions();
    await dc.send('setDataBreakpoints', { breakpoints: [{ dataId: 'expr:sch(0.0.0007).scsw.stctl', condition: 'sch(0.0.0007).scsw.stctl == 0x11' }] });
    // css §5.5: no path → deferred cc 3 with STCTL alert + status pending
    const ev = await go('continue');
    assert.equal(ev.body.reason, 'data breakpoint');
    assert.equal(ev.body.description, 'sch(0.0.0007).scsw.stctl changed: 0 → 17 (0x11)');
    assert.equal(await evaluate('sch(0.0.0007).scsw.cc'), '3');
  });

  it('data breakpoints on a vfio-ccw FSM state and a CRW queue length (css §8.3, §10.5), forwards and backwards', async () => {
    await start(path.join(ROOT, 'examples/vfio-orb-lpm.vlab'));
    await noExceptions();
    await dc.send('setDataBreakpoints', { breakpoints: [{ dataId: 'expr:fsm(0.0.0007).state' }] });
    const seen: string[] = [];
    for (let k = 0; k < 4; k++) seen.push((await go('continue')).body.description!);
    // css §8.3: probe → NOT_OPER, enable → STANDBY, open → IDLE, an I/O request → CP_PROCESSING
    assert.deepEqual(seen, [
      'fsm(0.0.0007).state changed: unavailable → "NOT_OPER"',
      'fsm(0.0.0007).state changed: "NOT_OPER" → "STANDBY"',
      'fsm(0.0.0007).state changed: "STANDBY" → "IDLE"',
      'fsm(0.0.0007).state changed: "IDLE" → "CP_PROCESSING"',
    ]);
    const back = await go('reverseContinue');
    assert.equal(back.body.description, 'fsm(0.0.0007).state changed: "STANDBY" → "IDLE"');
    await dc.disconnectRequest({});
  });

  it('a data breakpoint on the guest CRW queue length (css §10.5)', async () => {
    await start(path.join(ROOT, 'examples/vfio-crw-burst.vlab'));
    await noExceptions();
    await dc.send('setDataBreakpoints', { breakpoints: [{ dataId: 'expr:guest.crws' }] });
    const ev = await go('continue');
    assert.equal(ev.body.description, 'guest.crws changed: 0 → 1');
    assert.equal(await evaluate('guest.crws'), '1');
  });

  it('vlab/dataBreakpoint adds a data breakpoint, announces it and stops on a vmstat change', async () => {
    await start();
    await noExceptions();
    const bpEvent = dc.waitForEvent('breakpoint') as Promise<DebugProtocol.BreakpointEvent>;
    const r = await dc.customRequest(P.DATA_BREAKPOINT_REQUEST, { expression: 'vmstat.nr_foll_pin_acquired' }) as { body: P.DataBreakpointResponse };
    assert.equal(r.body.dataId, 'expr:vmstat.nr_foll_pin_acquired');
    assert.equal(r.body.description, 'vmstat.nr_foll_pin_acquired (now 0)');
    const be = await bpEvent;
    assert.equal(be.body.reason, 'new');
    assert.equal(be.body.breakpoint.verified, true);
    const ev = await go('continue');
    assert.equal(ev.body.reason, 'data breakpoint');
    assert.equal(ev.body.description, 'vmstat.nr_foll_pin_acquired changed: 0 → 1');
    await assert.rejects(dc.customRequest(P.DATA_BREAKPOINT_REQUEST, { expression: 'nosuch.x' }), /unknown name 'nosuch'/);
    await assert.rejects(dc.customRequest(P.DATA_BREAKPOINT_REQUEST, {}), /^Error: vlab\/dataBreakpoint: 'expression' is required$/);
  });

  it('instruction breakpoints on a CCW address with an offset, forwards and backwards; bad references', async () => {
    await start();
    await noExceptions();
    const r = await dc.send('setInstructionBreakpoints', { breakpoints: [
      { instructionReference: '0x1100', offset: 1 }, { instructionReference: '0x1003' }, { instructionReference: 'main' }, { instructionReference: '0x7000' },
    ] }) as DebugProtocol.SetInstructionBreakpointsResponse;
    assert.deepEqual(r.body.breakpoints.map((b) => [b.verified, b.message]), [
      [true, `CCW of line ${lineOf('0x10 count 1 data buf')}`],
      [false, '0x1003 is not doubleword aligned: a CCW starts on an 8-byte boundary (css §3.1)'],
      [false, "instruction reference 'main': expected a guest address 0x…"],
      [true, 'no CCW declared at 0x7000: stops if a channel fetches one there'],
    ]);
    let ev = await go('continue');
    assert.equal(ev.body.reason, 'instruction breakpoint');
    assert.equal(ev.body.threadId, CHANNEL);
    assert.equal((await top(CHANNEL)).name, 'CCW @0x1108 cmd 0x10');
    await stepOver(CHANNEL);
    ev = await go('reverseContinue');
    assert.equal(ev.body.reason, 'instruction breakpoint');
    assert.equal((await top(CHANNEL)).name, 'CCW @0x1108 cmd 0x10');
  });

  /** Enable one filter, continue from entry: the stop, its exceptionInfo; then reverse to it again from the end. */
  async function filterStop(filter: string, condition?: string): Promise<{ ev: Stopped; info: DebugProtocol.ExceptionInfoResponse['body'] }> {
    await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: filter, condition }] } as DebugProtocol.SetExceptionBreakpointsArguments);
    const ev = await go('continue');
    const info = (await dc.send('exceptionInfo', { threadId: ev.body.threadId }) as DebugProtocol.ExceptionInfoResponse).body;
    return { ev, info };
  }

  const FILTER_CASES: Array<[string, string, string]> = [
    // [filter, description, reference in details]
    ['unit-check', 'unit check on subchannel 0x07: dstat 0x0e', 'css §4'],
    ['program-check', 'channel-program check on subchannel 0x07, cpa 0x1110: invalid command code 0x10 (low nibble 0) (css §3.3, §3.6)', 'css §3.6'],
    ['channel-status', 'subchannel 0x07 status cstat 0x40: incorrect length', 'css §4'],
    ['program-interruption', `specification exception at line ${lineOf('ssch 0.0.0007 at 0x1001 cpa=echo fmt=1 lpm=0x80')}: ORB address 0x1001 is not word aligned (css §5.1)`, 'css §5.1, §11.5'],
    ['crw-overflow', 'CRW 0x23040001 on machine carries the overflow bit: CRWs were lost', 'css §6.1, §6.3'],
    ['deferred-cc3', 'deferred condition code 3 on subchannel 0x07 (stctl 0x11)', 'css §5.5'],
    ['warn', 'WARNING: subchannel 0x0007 not operational: CRW RSC 3 ERC 6 (permanent error, not initialized) [unverified: chosen ERC]', 'css §6.1'],
    ['refcount', '[model] wrong release on pfn 0x4: unpin of a folio that holds no pin; the kernel does not check (refcount 2 before)', 'gup §3.5'],
    ['expect-failed', `expect ret == 3 failed: expected 3, actual 1 (line ${lineOf('expect ret == 3')})`, 'PRODUCT §2 expectations'],
    ['scenario-error', `scenario error at line ${lineOf('unpin_user_pages nosuch')}: no pages are bound to 'nosuch'`, 'PRODUCT §2'],
  ];

  for (const [filter, description, ref] of FILTER_CASES) {
    it(`exception filter ${filter}: stops with exceptionInfo, and again by reverseContinue`, async () => {
      await start();
      const { ev, info } = await filterStop(filter);
      assert.equal(ev.body.reason, 'exception');
      assert.equal(info.exceptionId, filter);
      assert.equal(info.description, description);
      assert.equal(info.breakMode, 'always');
      assert.equal(info.details?.message, `${description} (${ref})`);
      assert.ok(info.details?.fullTypeName?.endsWith(ref));
      const frame = await top(ev.body.threadId!);
      // one step past the record, then back to it: the latest record of that kind before the cursor
      await stepOver(ev.body.threadId!);
      const back = await go('reverseContinue');
      assert.equal(back.body.reason, 'exception');
      const again = (await dc.send('exceptionInfo', { threadId: back.body.threadId }) as DebugProtocol.ExceptionInfoResponse).body;
      assert.equal(again.description, description);
      assert.deepEqual(await top(back.body.threadId!), frame);
    });
  }

  it('exception filter pin-leak stops at the end of a scenario that leaks pins (gup §3.1)', async () => {
    await start(PINLEAK);
    const { ev, info } = await filterStop('pin-leak');
    assert.equal(ev.body.reason, 'exception');
    assert.equal(info.description, 'the scenario ended with 2 pins held');
    assert.equal(info.details?.message, 'the scenario ended with 2 pins held (gup §3.1, §4)');
    const back = await go('reverseContinue');
    assert.equal(back.body.reason, 'entry');
    await dc.setExceptionBreakpointsRequest({ filters: ['pin-leak'] });
    const again = await go('continue');
    assert.equal(again.body.reason, 'exception');
  });

  it('exception filter conditions; default filters stop on a failed expect; unknown filters are refused', async () => {
    await start();
    // a condition that never holds: the unit check passes by, the failed expect does not
    await dc.setExceptionBreakpointsRequest({ filters: ['expect-failed'], filterOptions: [{ filterId: 'unit-check', condition: 'cc == 5' }] } as DebugProtocol.SetExceptionBreakpointsArguments);
    let ev = await go('continue');
    assert.equal(ev.body.reason, 'exception');
    assert.equal(ev.body.description, `Failed expect: expect ret == 3 failed: expected 3, actual 1 (line ${lineOf('expect ret == 3')})`);
    // css §4: unit check with channel end and device end
    await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'unit-check', condition: 'sch(0.0.0007).scsw.dstat == 0x0e' }] } as DebugProtocol.SetExceptionBreakpointsArguments);
    ev = await go('reverseContinue');
    assert.equal(ev.body.reason, 'exception');
    const info = (await dc.send('exceptionInfo', { threadId: ev.body.threadId }) as DebugProtocol.ExceptionInfoResponse).body;
    assert.equal(info.exceptionId, 'unit-check');
    await assert.rejects(dc.setExceptionBreakpointsRequest({ filters: ['nope'] }), /unknown exception filter 'nope': expect-failed, scenario-error/);
    const bad = await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'warn', condition: 'zzz' }] } as DebugProtocol.SetExceptionBreakpointsArguments);
    assert.equal(bad.body?.breakpoints?.[0].verified, false);
    assert.equal(bad.body?.breakpoints?.[0].message, "condition 'zzz': unknown name 'zzz'");
    await stepOver(1);
    await assert.rejects(dc.send('exceptionInfo', { threadId: 1 }), /not stopped on an exception/);
  });

  it('goto: to the most recent earlier execution of a line, else forwards to its next; bad targets', async () => {
    await start();
    await noExceptions();
    const tsch2 = lineOf('tsch 0.0.0007', lineOf('rule 0.0.0007 cmd=WRITE dstat=0x02 sense "80" times 1'));
    const targets = await dc.send('gotoTargets', { source: { path: BP }, line: tsch2 }) as DebugProtocol.GotoTargetsResponse;
    assert.equal(targets.body.targets.length, 1);
    const id = targets.body.targets[0].id;
    // not executed yet: runs forward to it
    let stopped = dc.waitForEvent('stopped') as Promise<Stopped>;
    await dc.send('goto', { threadId: 1, targetId: id });
    let ev = await stopped;
    assert.equal(ev.body.reason, 'goto');
    assert.equal((await top(1)).line, tsch2);
    // css §4: unit check + CE + DE from the scripted rule, not yet stored by this tsch
    assert.equal(await evaluate('sch(0.0.0007).scsw.dstat'), '14 (0xe)');
    await stepOver(1);
    await stepOver(1);
    stopped = dc.waitForEvent('stopped') as Promise<Stopped>;
    await dc.send('goto', { threadId: 1, targetId: id });
    ev = await stopped;
    assert.equal((await top(1)).line, tsch2);
    assert.deepEqual((await dc.send('gotoTargets', { source: { path: BP }, line: lineOf('end') }) as DebugProtocol.GotoTargetsResponse).body.targets, []);
    await assert.rejects(dc.send('goto', { threadId: 1, targetId: 999 }), /unknown target id 999/);
  });

  it('restart re-parses in place and keeps the breakpoints with their ids', async () => {
    await start();
    await noExceptions();
    const l = lineOf('tsch 0.0.0007');
    const set = await dc.setBreakpointsRequest({ source: { path: BP }, breakpoints: [{ line: l }] });
    await dc.send('setFunctionBreakpoints', { breakpoints: [{ name: 'stsch' }] });
    await go('continue');
    let stopped = dc.waitForEvent('stopped') as Promise<Stopped>;
    await dc.send('restart', {});
    let ev = await stopped;
    assert.equal(ev.body.reason, 'entry');
    assert.equal((await top(1)).line, lineOf('chpid 40 type 0x1b'));
    ev = await go('continue');
    assert.equal(ev.body.reason, 'breakpoint');
    assert.deepEqual(ev.body.hitBreakpointIds, [set.body.breakpoints[0].id]);
    stopped = dc.waitForEvent('stopped') as Promise<Stopped>;
  });

  it('a long console statement (gup_test) shows a cancellable notification while it runs (gup §8.2; consoleJob.ts)', async () => {
    await start(PINLEAK, true);
    const started = dc.waitForEvent('progressStart') as Promise<DebugProtocol.ProgressStartEvent>;
    const ended = dc.waitForEvent('progressEnd') as Promise<DebugProtocol.ProgressEndEvent>;
    const r = await dc.evaluateRequest({ expression: 'gup_test -u -m 4', context: 'repl' });
    assert.match(r.body.result, /done/);
    const s = await started;
    assert.equal(s.body.title, 'Running gup_test -u -m 4');
    assert.equal(s.body.cancellable, true);
    assert.equal((await ended).body.progressId, s.body.progressId);
  });

  it('bad arguments to the breakpoint and run-control requests answer one-line errors; the session stays usable', async () => {
    await start();
    await assert.rejects(dc.send('setFunctionBreakpoints', { breakpoints: 'tsch' }), /'breakpoints' must be an array/);
    // requestArgs.ts checks every request's arguments first (issue 13): one line, nothing changed
    await assert.rejects(dc.send('setFunctionBreakpoints', { breakpoints: [null, { name: 42 }] }), /^Error: setFunctionBreakpoints: 'breakpoints\[0\]' must be an object$/);
    await assert.rejects(dc.send('setDataBreakpoints', { breakpoints: [null, { dataId: 7 }] }), /^Error: setDataBreakpoints: 'breakpoints\[0\]' must be an object$/);
    await assert.rejects(dc.send('setInstructionBreakpoints', { breakpoints: [{ instructionReference: '0x1000', offset: 0.5 }] }), /^Error: setInstructionBreakpoints: 'breakpoints\[0\]\.offset' must be an integer$/);
    await assert.rejects(dc.send('setExceptionBreakpoints', { filters: [null] }), /^Error: setExceptionBreakpoints: 'filters\[0\]' must be a string$/);
    await assert.rejects(dc.send('setExceptionBreakpoints', { filters: ['nosuch'] }), /unknown exception filter 'nosuch'/);
    await assert.rejects(dc.send('gotoTargets', { source: { path: BP } }), /^Error: gotoTargets: 'line' is required$/);
    await assert.rejects(dc.send('gotoTargets', { source: { path: BP }, line: 0 }), /gotoTargets: line must be a positive whole number/);
    await assert.rejects(dc.send('goto', { threadId: 1 }), /^Error: goto: 'targetId' is required$/);
    await assert.rejects(dc.send('goto', { threadId: 1, targetId: 999999 }), /unknown target id 999999/);
    await assert.rejects(dc.send('dataBreakpointInfo', {}), /^Error: dataBreakpointInfo: 'name' is required$/);
    await assert.rejects(dc.send('restart', { arguments: { program: '/nonexistent/x.vlab' } }), /^Error: .*no such file/);
    await dc.send('cancel', {});
    // still the same session, still at the entry stop
    assert.equal((await top(1)).line, lineOf('chpid 40 type 0x1b'));
    const ev = await stepOver(1);
    assert.equal(ev.body.reason, 'step');
  });

  it('cancel ends a long reverse-continue, with progress events, and leaves the session usable', async function () {
    this.timeout(90000);
    await start(TIC, true);
    await noExceptions();
    // run the runaway loop forward for a while, then pause it by cancel (as above)
    const fwd = dc.waitForEvent('progressStart', 20000) as Promise<DebugProtocol.ProgressStartEvent>;
    let stopped = dc.waitForEvent('stopped', 30000) as Promise<Stopped>;
    await dc.continueRequest({ threadId: 1 });
    const f = await fwd;
    await new Promise((r) => setTimeout(r, 2000));
    await dc.send('cancel', { progressId: f.body.progressId });
    assert.equal((await stopped).body.reason, 'pause');
    // a data breakpoint on a whole 4 KiB page of guest memory (the program's page): it has no journal
    // footprint, so the walk back compares 4 KiB at every record and outlasts the progress
    // notification's 500 ms delay however fast the machine is
    await dc.send('vlab/dataBreakpoint', { expression: 'mem(0x1000, 4096)' });
    const back = dc.waitForEvent('progressStart', 30000) as Promise<DebugProtocol.ProgressStartEvent>;
    const end = dc.waitForEvent('progressEnd', 30000) as Promise<DebugProtocol.ProgressEndEvent>;
    stopped = dc.waitForEvent('stopped', 60000) as Promise<Stopped>;
    await dc.send('reverseContinue', { threadId: 1 });
    const b = await back;
    assert.equal(b.body.title, 'Reverse continue');
    assert.equal(b.body.cancellable, true);
    assert.match(b.body.message!, /^[\d,]+ records$/);
    await dc.send('cancel', { progressId: b.body.progressId });
    const ev = await stopped;
    assert.equal(ev.body.reason, 'pause');
    assert.equal((await end).body.progressId, b.body.progressId);
    // stopped inside the loop, not at the entry: the stack shows the CCW and stepping works both ways
    const st = await dc.stackTraceRequest({ threadId: 1 });
    assert.ok(st.body.stackFrames.length >= 1);
    const s1 = dc.waitForEvent('stopped', 20000) as Promise<Stopped>;
    await dc.send('stepBack', { threadId: 1 });
    assert.equal((await s1).body.reason, 'step');
  });

  it('cancel ends a long continue, with progress events (PRODUCT §6 runaway program)', async () => {
    await start(TIC, true);
    await noExceptions();
    const progress = dc.waitForEvent('progressStart', 20000) as Promise<DebugProtocol.ProgressStartEvent>;
    const stopped = dc.waitForEvent('stopped', 20000) as Promise<Stopped>;
    const end = dc.waitForEvent('progressEnd', 20000) as Promise<DebugProtocol.ProgressEndEvent>;
    await dc.continueRequest({ threadId: 1 });
    const p = await progress;
    assert.equal(p.body.title, 'Continue');
    assert.equal(p.body.cancellable, true);
    assert.match(p.body.message!, /^[\d,]+ records$/);
    await dc.send('cancel', { progressId: p.body.progressId });
    const ev = await stopped;
    assert.equal(ev.body.reason, 'pause');
    assert.equal((await end).body.progressId, p.body.progressId);
    // usable afterwards: a reverse walk and a cancel of nothing
    await dc.send('cancel', { progressId: 'nothing' });
    assert.equal((await dc.threadsRequest()).body.threads.length >= 1, true);
  });
});
