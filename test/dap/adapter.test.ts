/**
 * DAP tests: drive the standalone adapter (dist/debugAdapter.js) over stdio as a client would,
 * with @vscode/debugadapter-testsupport. The golden transcript test prints every stop of a
 * statement-by-statement walk (thread, frames, key variables) and compares it with a checked-in
 * file, so a behaviour change shows up as a readable diff (STYLE: vscode-js-debug).
 * Set UPDATE_GOLDEN=1 to rewrite the golden files.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import * as P from '../../debug-adapter/protocol';
import { ADAPTER, useAdapter } from './client';

const ROOT = path.resolve(__dirname, '../../..');
const HELLO = path.join(ROOT, 'examples/hello.vlab');
const GOLDEN = path.join(ROOT, 'test/golden');

async function start(dc: DebugClient, program: string, extra: Record<string, unknown> = {}): Promise<DebugProtocol.StoppedEvent> {
  await dc.initializeRequest({ adapterID: 'vlab', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.launch({ program, stopOnEntry: true, ...extra } as DebugProtocol.LaunchRequestArguments);
  await dc.configurationDoneRequest();
  return stopped;
}

async function topFrame(dc: DebugClient, threadId: number): Promise<DebugProtocol.StackFrame[]> {
  return (await dc.stackTraceRequest({ threadId })).body.stackFrames;
}

async function step(dc: DebugClient, kind: 'next' | 'stepIn' | 'stepOut' | 'stepBack' | 'continue', threadId: number): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  if (kind === 'continue') await dc.continueRequest({ threadId });
  else await dc.send(kind, { threadId });
  return stopped;
}

describe('DAP: standalone adapter over stdio', function () {
  this.timeout(20000);
  let dc: DebugClient;

  useAdapter((c) => (dc = c));

  it('stops on entry at the first statement after the setup header', async () => {
    const ev = await start(dc, HELLO);
    assert.equal(ev.body.reason, 'entry');
    const frames = await topFrame(dc, 1);
    assert.equal(frames[0].line, 7); // `chpid 40`
    assert.equal(frames[0].name, 'chpid 40 type 0x1b');
  });

  it('fails launch with the diagnostic of a bad scenario and stays usable', async () => {
    const bad = path.join(ROOT, 'test/fixtures/bad.vlab');
    await dc.initializeRequest({ adapterID: 'vlab', pathFormat: 'path' });
    await assert.rejects(dc.launch({ program: bad } as DebugProtocol.LaunchRequestArguments), /bad\.vlab:2:1: error: unknown statement 'sch' \(did you mean 'ssch'\?\)/);
    const t = await dc.threadsRequest();
    assert.equal(t.body.threads.length, 1);
  });

  it('initialize without pathFormat takes the DAP default (path); uri is refused with one line', async () => {
    // DAP InitializeRequestArguments.pathFormat: "Values: 'path', 'uri', etc." — default 'path'
    const init = await dc.initializeRequest({ adapterID: 'vlab' });
    assert.equal(init.success, true);
    assert.equal(init.body?.supportsConfigurationDoneRequest, true);
    const dc2 = new DebugClient('node', ADAPTER, 'vlab');
    await dc2.start();
    try {
      await assert.rejects(dc2.initializeRequest({ adapterID: 'vlab', pathFormat: 'uri' }), /^Error: debug adapter only supports native paths$/);
    } finally {
      await dc2.stop();
    }
  });

  it('rejects a launch with no program', async () => {
    await dc.initializeRequest({ adapterID: 'vlab', pathFormat: 'path' });
    await assert.rejects(dc.send('launch', {}), /'program' must name a \.vlab file/);
    await assert.rejects(dc.send('launch', { program: '/nonexistent/x.vlab' }), /ENOENT/);
  });

  it('breaks on a CCW line in the channel thread with the CCW frame on top (css §3)', async () => {
    await start(dc, HELLO);
    const bp = await dc.setBreakpointsRequest({ source: { path: HELLO }, breakpoints: [{ line: 15 }] });
    assert.equal(bp.body.breakpoints[0].verified, true);
    const ev = await step(dc, 'continue', 1);
    assert.equal(ev.body.reason, 'breakpoint');
    const channel = 0x10000 + 7;
    assert.equal(ev.body.threadId, channel);
    const frames = await topFrame(dc, channel);
    assert.equal(frames[0].line, 15);
    assert.match(frames[0].name, /^CCW @0x1008 cmd 0x02/);
    assert.ok(frames.some((f) => f.name === 'css_interpret_ccw'), frames.map((f) => f.name).join(' < '));
    const threads = await dc.threadsRequest();
    assert.deepEqual(threads.body.threads.map((t) => t.name), ['guest CPU 0', 'channel 0.0.0007']);
  });

  it('steps back and restores the subchannel exactly (time travel)', async () => {
    await start(dc, HELLO);
    await dc.setBreakpointsRequest({ source: { path: HELLO }, breakpoints: [{ line: 21 }] });
    await step(dc, 'continue', 1); // before `tsch`: status pending
    const before = (await dc.customRequest(P.SUBCHANNELS_REQUEST, {})).body as P.SubchannelsResponse;
    const stctl = (r: P.SubchannelsResponse) => r.subchannels[0].groups[1].fields.find((f) => f.name === 'scsw.stctl')!.value;
    assert.equal(stctl(before), 0x07); // css §5.3 normal end: primary+secondary+pending
    await step(dc, 'next', 1);
    const after = (await dc.customRequest(P.SUBCHANNELS_REQUEST, {})).body as P.SubchannelsResponse;
    assert.equal(stctl(after), 0); // css §5.3 TSCH clears STCTL
    assert.equal(after.subchannels[0].groups[1].fields.find((f) => f.name === 'scsw.stctl')!.changed, true);
    await step(dc, 'stepBack', 1);
    const back = (await dc.customRequest(P.SUBCHANNELS_REQUEST, {})).body as P.SubchannelsResponse;
    assert.deepEqual(back.subchannels[0].groups.map((g) => g.words), before.subchannels[0].groups.map((g) => g.words));
  });

  it('shows pinned pages and vmstat after pin_user_pages (gup §3.1, §4)', async () => {
    await start(dc, HELLO);
    await dc.setBreakpointsRequest({ source: { path: HELLO }, breakpoints: [{ line: 33 }] });
    await step(dc, 'continue', 1); // before the first expect after the pin
    const pages = (await dc.customRequest(P.PAGES_REQUEST, { interestingOnly: true })).body as P.PagesResponse;
    assert.equal(pages.vmstat.nr_foll_pin_acquired, 4);
    const rows = pages.processes[0].vmas[0].pages;
    assert.equal(rows.length, 4);
    assert.deepEqual([rows[0].refcount, rows[0].maybeDmaPinned], [1025, true]); // gup §3.1 E4 small page: 1 + 1024
  });

  it('edits a PMCW field through MSCH semantics and undoes it by stepping back (css §5.3)', async () => {
    await start(dc, HELLO);
    await dc.setBreakpointsRequest({ source: { path: HELLO }, breakpoints: [{ line: 17 }] });
    await step(dc, 'continue', 1); // before ssch
    const r = await dc.customRequest(P.SET_FIELD_REQUEST, { sch: 7, field: 'pmcw.lpm', value: '0x40' });
    assert.deepEqual(r.body, { cc: 0, value: 0x40 });
    await assert.rejects(dc.customRequest(P.SET_FIELD_REQUEST, { sch: 7, field: 'pmcw.pim', value: '1' }), /not modifiable by MSCH/);
    await assert.rejects(dc.customRequest(P.SET_FIELD_REQUEST, { sch: 7, field: 'pmcw.lpm', value: '0x100' }), /8 bit\(s\) wide/);
    await step(dc, 'stepBack', 1);
    const s = (await dc.customRequest(P.SUBCHANNELS_REQUEST, {})).body as P.SubchannelsResponse;
    assert.equal(s.subchannels[0].groups[0].fields.find((f) => f.name === 'pmcw.lpm')!.value, 0x80);
  });

  it('pauses a runaway TIC loop on the channel thread and can step back from there (PRODUCT §6)', async () => {
    const loop = path.join(ROOT, 'test/fixtures/tic-loop.vlab');
    await start(dc, loop);
    await dc.continueRequest({ threadId: 1 });
    await new Promise((r) => setTimeout(r, 300));
    const paused = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    await dc.pauseRequest({ threadId: 1 });
    const ev = await paused;
    assert.equal(ev.body.reason, 'pause');
    const frames = await topFrame(dc, ev.body.threadId!);
    assert.ok(frames.some((f) => f.name === 'wait interrupt' && f.line === 10), frames.map((f) => f.name).join(' < '));
    const back = await step(dc, 'stepBack', ev.body.threadId!);
    assert.equal(back.body.reason, 'step');
  });

  it('offers Statement, Subchannels and Pages scopes with SCHIB fields in hex on request', async () => {
    await start(dc, HELLO);
    await dc.setBreakpointsRequest({ source: { path: HELLO }, breakpoints: [{ line: 21 }] });
    await step(dc, 'continue', 1);
    const scopes = (await dc.scopesRequest({ frameId: 1000 })).body.scopes;
    assert.deepEqual(scopes.map((s) => s.name), ['Statement', 'Subchannels', 'Pages']);
    const schs = (await dc.variablesRequest({ variablesReference: scopes[1].variablesReference })).body.variables;
    assert.equal(schs[0].name, '0.0.0007 (dev 0.0.1234 echo)');
    const groups = (await dc.variablesRequest({ variablesReference: schs[0].variablesReference })).body.variables;
    assert.deepEqual(groups.map((g) => g.name), ['PMCW', 'SCSW', 'MBA', 'MDA', 'device rules']);
    const scsw = (await dc.variablesRequest({ variablesReference: groups[1].variablesReference, format: { hex: true } })).body.variables;
    // css §5.3: normal end leaves STCTL primary|secondary|pending and DSTAT CE|DE
    assert.equal(scsw.find((v) => v.name === 'scsw.stctl [w7.27-31]')!.value, '0x7');
    assert.equal(scsw.find((v) => v.name === 'scsw.dstat [w9.0-7]')!.value, '0xc');
    const dec = (await dc.variablesRequest({ variablesReference: groups[1].variablesReference })).body.variables;
    assert.equal(dec.find((v) => v.name === 'scsw.cpa [w8.0-31]')!.value, String(0x1010));
  });

  it('answers bad custom requests with an error and stays usable', async () => {
    await start(dc, HELLO);
    await assert.rejects(dc.customRequest(P.SET_FIELD_REQUEST, { sch: 7, field: 'pmcw.lpm', value: '1' }), /no subchannel 7/); // not defined yet at entry
    await dc.setBreakpointsRequest({ source: { path: HELLO }, breakpoints: [{ line: 17 }] });
    await step(dc, 'continue', 1);
    await assert.rejects(dc.customRequest(P.SET_FIELD_REQUEST, { sch: 99, field: 'pmcw.lpm', value: '1' }), /no subchannel 99/);
    await assert.rejects(dc.customRequest(P.SET_FIELD_REQUEST, { sch: 7, field: 'pmcw.nope', value: '1' }), /unknown field 'pmcw.nope'/);
    await assert.rejects(dc.customRequest(P.SET_FIELD_REQUEST, { sch: 7, field: 'pmcw.lpm', value: 'abc' }), /not a number/);
    const t = await dc.threadsRequest();
    assert.equal(t.body.threads[0].name, 'guest CPU 0');
    const ev = await step(dc, 'next', 1);
    assert.equal(ev.body.reason, 'step');
  });

  it('runs statements and expressions in the debug console, undoable by stepping back (PRODUCT §3 REPL)', async () => {
    await start(dc, HELLO);
    await dc.setBreakpointsRequest({ source: { path: HELLO }, breakpoints: [{ line: 17 }] });
    await step(dc, 'continue', 1); // before ssch: device defined, idle
    const ev = async (expression: string, context = 'repl') => (await dc.evaluateRequest({ expression, context })).body.result;
    assert.match(await ev('help'), /ssch {2,}START SUBCHANNEL/);
    assert.match(await ev('help ssch'), /^ssch SID.*\n  START SUBCHANNEL/);
    assert.equal(await ev('sch(0.0.0007).pmcw.pim'), '128 (0x80)'); // css §1.1 PIM from chpid[0]
    assert.equal(await ev('msch 0.0.0007 lpm=0x40'), 'MSCH sch 0x7 cc 0 pmcw.lpm=0x40\ncc = 0');
    assert.equal(await ev('sch(0.0.0007).pmcw.lpm', 'hover'), '64 (0x40)');
    // a hover over text that is no value answers an error, so the editor shows no hover (issue 9)
    await assert.rejects(ev('msch 0.0.0007 lpm=0x40', 'hover'), /error at column 6: expected end of line, found '0\.0\.0007'/);
    assert.match(await ev('bogus.field'), /unknown name 'bogus'/);
    assert.match(await ev('wait'), /cannot run from the console/);
    const c = await dc.send('completions', { text: 'ss', column: 3 });
    assert.ok((c.body.targets as Array<{ label: string }>).some((t) => t.label === 'ssch'));
    await step(dc, 'stepBack', 1);
    assert.equal(await ev('sch(0.0.0007).pmcw.lpm'), '128 (0x80)');
  });

  it('shows the vfio topology: host and QEMU threads, guest and host SCHIBs side by side, three CRW queues (css §8.4, §10.3, §10.5)', async () => {
    const file = path.join(ROOT, 'examples/vfio-chchp-configure.vlab');
    await start(dc, file);
    await dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line: 25 }, { line: 30 }, { line: 35 }, { line: 37 }] });
    await step(dc, 'continue', 1); // after chchp -c 0 41: the CRW waits in vfio-ccw's list
    const threads = (await dc.threadsRequest()).body.threads.map((t) => t.name);
    assert.deepEqual(threads.slice(0, 3), ['guest CPU 0', 'host kernel (cio, vfio-ccw)', 'QEMU (vfio-ccw relay)']);
    const q1 = ((await dc.customRequest(P.CRW_QUEUES_REQUEST, {})).body as P.CrwQueuesResponse).queues;
    assert.deepEqual(q1.map((q) => [q.name, q.crws.map((c) => c.raw)]), [['machine', []], ['vfio-ccw 0.0.0007', [0x04060041]], ['guest', []]]);
    await step(dc, 'continue', 1); // before stcrw: QEMU moved it to the guest queue
    const q2 = ((await dc.customRequest(P.CRW_QUEUES_REQUEST, {})).body as P.CrwQueuesResponse).queues;
    assert.deepEqual(q2.map((q) => q.crws.length), [0, 0, 1]);
    assert.equal(q2[2].crws[0].decoded, 'RSC 4 channel path, ERC 6 permanent error, not initialized, RSID 0x41');
    await step(dc, 'continue', 1); // before stsch: the guest SCHIB still has PAM 0xc0, the host 0x80
    const pam = (r: P.SubchannelsResponse, side: string) => r.subchannels.find((x) => x.side === side)!.groups[0].fields.find((f) => f.name === 'pmcw.pam')!;
    const s1 = (await dc.customRequest(P.SUBCHANNELS_REQUEST, {})).body as P.SubchannelsResponse;
    assert.deepEqual(s1.subchannels.map((x) => `${x.sid} ${x.side}`), ['0.0.0007 guest', '0.0.0007 host']);
    assert.deepEqual([pam(s1, 'guest').value, pam(s1, 'host').value], [0xc0, 0x80]);
    assert.equal(pam(s1, 'host').editable, false);
    await step(dc, 'continue', 1); // after stsch: refreshed from the schib region (css §10.3)
    const s2 = (await dc.customRequest(P.SUBCHANNELS_REQUEST, {})).body as P.SubchannelsResponse;
    assert.deepEqual([pam(s2, 'guest').value, pam(s2, 'guest').changed], [0x80, true]);
    const scopes = (await dc.scopesRequest({ frameId: 1000 })).body.scopes;
    assert.deepEqual(scopes.map((x) => x.name), ['Statement', 'Subchannels', 'Pages', 'vfio-ccw']);
    const dev = (await dc.variablesRequest({ variablesReference: scopes[3].variablesReference })).body.variables;
    assert.equal(dev[0].name, '0.0.0007');
    const fields = (await dc.variablesRequest({ variablesReference: dev[0].variablesReference })).body.variables;
    assert.equal(fields.find((f) => f.name === 'pimpampom')!.value, 'c0 80 ff'); // css §7.2
  });

  it('breaks on statement and CCW lines of an included file and shows that file in the stack (issue 6 include)', async () => {
    const main = path.join(ROOT, 'test/fixtures/include-main.vlab');
    const inc = path.join(ROOT, 'test/fixtures/inc/device.vlab');
    await start(dc, main);
    const bp = await dc.setBreakpointsRequest({ source: { path: inc }, breakpoints: [{ line: 3 }, { line: 6 }] });
    assert.deepEqual(bp.body.breakpoints.map((b) => [b.verified, b.line]), [[true, 3], [true, 6]]);
    const first = await step(dc, 'continue', 1);
    assert.equal(first.body.reason, 'breakpoint');
    const f1 = await topFrame(dc, 1);
    assert.deepEqual([f1[0].source?.path, f1[0].line], [inc, 3]);
    const second = await step(dc, 'continue', 1);
    const f2 = await topFrame(dc, second.body.threadId!);
    assert.deepEqual([f2[0].source?.path, f2[0].line], [inc, 6]); // the CCW line in the included program
    assert.equal(f2[f2.length - 1].source?.path, main); // `wait interrupt` in the scenario itself
  });

  it('runs to the end with every expect passing and terminates', async () => {
    await start(dc, HELLO);
    const out: string[] = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => out.push(e.body.output));
    const term = dc.waitForEvent('terminated');
    await dc.continueRequest({ threadId: 1 });
    await term;
    assert.ok(out.some((o) => /scenario ended: 12\/12 expects passed, 0 pins held/.test(o)), out.join(''));
  });

  it('matches the golden transcript of a statement walk with step-ins', async () => {
    await start(dc, HELLO);
    const lines: string[] = [];
    let threadId = 1;
    const record = async (label: string) => {
      const frames = await topFrame(dc, threadId);
      lines.push(`${label.padEnd(7)} thread ${threadId === 1 ? 'cpu' : 'ch' + (threadId - 0x10000).toString(16)} ${frames.map((f) => (f.line ? `${f.name}@${f.line}` : f.name)).join(' < ')}`);
    };
    await record('entry');
    const term = dc.waitForEvent('terminated').then(() => 'terminated' as const);
    for (let i = 0; i < 40; i++) {
      const cur = (await topFrame(dc, threadId))[0];
      const kind = /^(wait|pin_user_pages)/.test(cur.name) ? 'stepIn' : 'next';
      const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
      await dc.send(kind, { threadId });
      const r = await Promise.race([stopped, term]);
      if (r === 'terminated') {
        lines.push('terminated');
        break;
      }
      threadId = r.body.threadId ?? 1;
      await record(kind);
    }
    const text = lines.join('\n') + '\n';
    const golden = path.join(GOLDEN, 'hello.steps.txt');
    if (process.env.UPDATE_GOLDEN || !fs.existsSync(golden)) {
      fs.mkdirSync(GOLDEN, { recursive: true });
      fs.writeFileSync(golden, text);
    }
    assert.equal(text, fs.readFileSync(golden, 'utf8'));
  });
});
