/**
 * Request handling of the standalone adapter over stdio (issue 13): every request checks its
 * arguments and answers a one-line reason (never a stack), requests the adapter does not
 * implement and unknown commands answer an error, `disconnect` ends the process, history is
 * bounded in bytes with increasing seqs, edits at the entry stop are undone by Step Back, and
 * the Variables page lists are the same whichever direction a stop is reached from.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DebugSession } from '@vscode/debugadapter';
import { RawClient, ROOT, isOneLine } from './rawClient';
import { STANDARD_REQUESTS, CUSTOM_REQUESTS, checkRequestArgs } from '../../debug-adapter/requestArgs';
import { VlabSession } from '../../debug-adapter/session';
import { SAMPLE_ARGS, hostileVariants } from './requestSamples';
import * as P from '../../debug-adapter/protocol';

export const HELLO = path.join(ROOT, 'examples/hello.vlab');
const LOOP = path.join(ROOT, 'test/fixtures/tic-loop.vlab');

function implemented(command: string): boolean {
  const m = STANDARD_REQUESTS[command].method;
  return (VlabSession.prototype as unknown as Record<string, unknown>)[m] !== (DebugSession.prototype as unknown as Record<string, unknown>)[m];
}

describe('DAP requests: arguments, unsupported requests, errors without stacks (issue 13)', function () {
  this.timeout(60_000);
  let c: RawClient;
  before(async () => {
    c = new RawClient();
    await c.start(HELLO);
  });
  after(async () => {
    await c.stop();
  });

  it('has a valid sample for every request of the table, accepted by the checks', () => {
    const all = [...Object.keys(STANDARD_REQUESTS), ...Object.keys(CUSTOM_REQUESTS)].sort();
    assert.deepEqual(Object.keys(SAMPLE_ARGS).sort(), all);
    for (const [cmd, args] of Object.entries(SAMPLE_ARGS)) assert.equal(checkRequestArgs(cmd, args), undefined, cmd);
  });

  it('answers the attack example and other wrong types with the exact one-line reason', async () => {
    const cases: Array<[string, unknown, string]> = [
      ['setBreakpoints', { breakpoints: 5 }, "setBreakpoints: 'breakpoints' must be an array"],
      ['setBreakpoints', { source: { path: HELLO }, breakpoints: [{ line: 'x' }] }, "setBreakpoints: 'breakpoints[0].line' must be an integer"],
      ['setBreakpoints', { breakpoints: [] }, "setBreakpoints: 'source' is required"],
      ['next', { threadId: '1' }, "next: 'threadId' must be an integer"],
      ['next', {}, "next: 'threadId' is required"],
      ['variables', { variablesReference: 1.5 }, "variables: 'variablesReference' must be an integer"],
      ['stackTrace', { threadId: 1, levels: -1 }, "stackTrace: 'levels' must be between 0 and 9007199254740991"],
      ['evaluate', 5, 'evaluate: arguments must be an object'],
      ['evaluate', { expression: 'time', format: { hex: 'yes' } }, "evaluate: 'format.hex' must be true or false"],
      ['launch', { program: HELLO, maxHistoryBytes: 5 }, "launch: 'maxHistoryBytes' must be between 1048576 and 17179869184"],
      [P.SET_FIELD_REQUEST, { sch: '7', field: 'pmcw.lpm', value: '1' }, "vlab/setField: 'sch' must be an integer"],
      [P.PAGES_REQUEST, { limit: 1e9 }, "vlab/pages: 'limit' must be between 1 and 100000"],
      ['vlab/nope', {}, 'vlab/nope: unknown request'],
      ['fooBar', undefined, 'fooBar: unknown request'],
    ];
    for (const [cmd, args, message] of cases) {
      const r = await c.request(cmd, args);
      assert.deepEqual([r.success, r.message], [false, message], cmd);
    }
  });

  it('refuses hostile arguments to every request with one line and no stack', async () => {
    let n = 0;
    for (const [cmd, sample] of Object.entries(SAMPLE_ARGS)) {
      if (!sample) continue;
      const pending = hostileVariants(sample).map((args) => c.request(cmd, args).then((r) => ({ r, args })));
      for (const { r, args } of await Promise.all(pending)) {
        n++;
        assert.equal(r.success, false, `${cmd} ${JSON.stringify(args)}`);
        assert.ok(isOneLine(r.message) && r.message!.startsWith(`${cmd}: `) && r.message!.length <= 301, `${cmd}: ${r.message}`);
      }
    }
    assert.ok(n > 250, `${n} hostile requests`);
    const t = (await c.request('threads')) as DebugProtocol.ThreadsResponse;
    assert.equal(t.body.threads[0].name, 'guest CPU 0');
  });

  it('answers every standard request it does not implement with an error, never an empty success', async () => {
    const missing = Object.keys(STANDARD_REQUESTS).filter((cmd) => !implemented(cmd));
    assert.ok(missing.includes('attach')); // launch-only adapter (PRODUCT §3)
    for (const cmd of missing) {
      const r = await c.request(cmd, SAMPLE_ARGS[cmd]);
      assert.deepEqual([r.success, r.message], [false, `${cmd}: not supported by the VFIO Lab debug adapter`]);
    }
  });

  it('keeps the session exact after all that: entry stop, one step', async () => {
    const frames = (await c.request('stackTrace', { threadId: 1 })) as DebugProtocol.StackTraceResponse;
    assert.deepEqual([frames.body.stackFrames[0].name, frames.body.stackFrames[0].line], ['chpid 40 type 0x1b', 7]);
    const ev = await c.stepAndWait('next');
    assert.equal(ev.body.reason, 'step');
  });
});

describe('DAP disconnect ends the session (issue 13)', function () {
  this.timeout(60_000);

  it('disconnect is answered, then the standalone adapter exits with code 0', async () => {
    const c = new RawClient();
    await c.start(HELLO);
    const r = await c.request('disconnect', { terminateDebuggee: true });
    assert.equal(r.success, true);
    assert.equal(await c.exited, 0);
  });

  it('terminate then disconnect: terminated event, both answered, exit code 0', async () => {
    const c = new RawClient();
    await c.start(HELLO);
    const mark = c.messages.length;
    assert.equal((await c.request('terminate')).success, true);
    await c.event('terminated', mark);
    assert.equal((await c.request('disconnect')).success, true);
    assert.equal(await c.exited, 0);
  });
});

describe('DAP history bounded in bytes; undo at the entry stop; page lists by direction (issue 13)', function () {
  this.timeout(120_000);

  it('a TIC loop continued twice stays under maxHistoryBytes, seqs increase, step back stops at the oldest kept stop with a message', async () => {
    const cap = 1024 * 1024;
    const c = new RawClient();
    try {
      await c.start(LOOP, { maxHistoryBytes: cap });
      const states: P.StateEventBody[] = [];
      const pauseAfter = async (ms: number) => {
        const mark = c.messages.length;
        await c.request('continue', { threadId: 1 });
        await new Promise((r) => setTimeout(r, ms));
        const stopped = c.event('stopped', mark);
        await c.request('pause', { threadId: 1 });
        await stopped;
        // the state of the stop: the first state event after the `stopped` event (one may precede it while running)
        const at = c.messages.findIndex((m, i) => i >= mark && m.type === 'event' && (m as DebugProtocol.Event).event === 'stopped');
        const st = (await c.event(P.STATE_EVENT, at)) as DebugProtocol.Event;
        states.push(st.body as P.StateEventBody);
      };
      await pauseAfter(1500);
      await pauseAfter(1500);
      for (const s of states) {
        assert.ok(s.historyBytes! > 0 && s.historyBytes! <= cap, `estimate ${s.historyBytes} > cap ${cap}`);
        assert.ok(s.oldestSeq! > 0, 'history was trimmed'); // a runaway loop fills 1 MiB in well under a second
      }
      assert.ok(states[1].seq > states[0].seq, `seq ${states[1].seq} after ${states[0].seq}`);
      assert.ok(states[1].oldestSeq! >= states[0].oldestSeq!);
      const mark = c.messages.length;
      const back = c.event('stopped', mark);
      assert.equal((await c.request('reverseContinue', { threadId: 1 })).success, true);
      await back;
      const st = (await c.event(P.STATE_EVENT, mark)).body as P.StateEventBody;
      assert.equal(st.seq, st.oldestSeq);
      const note = await c.waitFor((m) => m.type === 'event' && (m as DebugProtocol.OutputEvent).event === 'output' && /history was trimmed/.test((m as DebugProtocol.OutputEvent).body.output), mark);
      assert.match((note as DebugProtocol.OutputEvent).body.output, /history was trimmed: this is the oldest kept stop \(\d+ earlier events dropped to stay under 1 MiB; raise the launch attribute 'maxHistoryBytes' or the setting vfioLab\.history\.maxBytes\)/);
    } finally {
      await c.stop();
    }
  });

  it('edits at the entry stop (console statements, a field edit) are undone one by one by Step Back', async () => {
    const c = new RawClient();
    try {
      await c.start(HELLO);
      const subchannels = async () => ((await c.request(P.SUBCHANNELS_REQUEST, {})).body as P.SubchannelsResponse).subchannels;
      const lpmOf = async (sch: number) => (await subchannels()).find((s) => s.sch === sch)?.groups[0].fields.find((f) => f.name === 'pmcw.lpm')?.value;
      assert.deepEqual(await subchannels(), []); // entry: line 7, nothing defined yet
      for (const stmt of ['chpid 41 type 0x1b', 'device 0.0.1235 schid 0.0.0008 type echo chpids 41 enabled']) {
        const r = await c.request('evaluate', { expression: stmt, context: 'repl' });
        assert.equal(r.success, true, r.message);
      }
      assert.equal(await lpmOf(8), 0x80); // css §1.1: LPM = PIM, one path
      const edit = await c.request(P.SET_FIELD_REQUEST, { sch: 8, field: 'pmcw.lpm', value: '0' });
      assert.deepEqual(edit.body, { cc: 0, value: 0 }); // css §5.3 MSCH
      assert.equal(await lpmOf(8), 0);
      const seqAfter = async (command: string) => {
        const mark = c.messages.length;
        await c.stepAndWait(command);
        return ((await c.event(P.STATE_EVENT, mark)).body as P.StateEventBody).seq;
      };
      // each edit kept the stop before it: entry seq 0, then 1, 2, 3
      assert.equal(await seqAfter('stepBack'), 2);
      assert.equal(await lpmOf(8), 0x80); // the field edit undone
      assert.equal(await seqAfter('stepBack'), 1);
      assert.deepEqual(await subchannels(), []); // the device undone
      assert.equal(await seqAfter('stepBack'), 0); // the chpid undone: the original entry stop
      const top = ((await c.request('stackTrace', { threadId: 1 })).body as DebugProtocol.StackTraceResponse['body']).stackFrames[0];
      assert.deepEqual([top.name, top.line], ['chpid 40 type 0x1b', 7]);
      // the edits are part of the timeline: stepping forward again redoes them, one stop each
      assert.equal(await seqAfter('next'), 1);
      assert.deepEqual(await subchannels(), []);
      assert.equal(await seqAfter('next'), 2);
      assert.equal(await lpmOf(8), 0x80);
      assert.equal(await seqAfter('next'), 3);
      assert.equal(await lpmOf(8), 0);
    } finally {
      await c.stop();
    }
  });

  it('Variables page lists are the same whichever direction a stop is reached from (gup §3.1, §4)', async () => {
    const c = new RawClient();
    try {
      await c.start(HELLO);
      await c.request('setBreakpoints', { source: { path: HELLO }, breakpoints: [{ line: 33 }, { line: 38 }] });
      const pageRows = async () => {
        const scopes = ((await c.request('scopes', { frameId: 1000 })).body as DebugProtocol.ScopesResponse['body']).scopes;
        const pages = scopes.find((s) => s.name === 'Pages')!;
        const rows = ((await c.request('variables', { variablesReference: pages.variablesReference })).body as DebugProtocol.VariablesResponse['body']).variables;
        const vma = rows.find((r) => r.name.startsWith('qemu 0x7f0000000000'))!;
        const list = ((await c.request('variables', { variablesReference: vma.variablesReference })).body as DebugProtocol.VariablesResponse['body']).variables;
        return list.map((v) => `${v.name} ${v.value}`);
      };
      await c.stepAndWait('continue'); // line 33, after the pin
      const pinnedForward = await pageRows();
      // gup §3.1 E4: four small pages pinned with FOLL_PIN, refcount 1 + GUP_PIN_COUNTING_BIAS
      assert.deepEqual(pinnedForward, ['0x7f0000000000', '0x7f0000001000', '0x7f0000002000', '0x7f0000003000'].map((a) => `${a} ref 1025 pin – maybe-pinned`));
      await c.stepAndWait('continue'); // line 38, after the unpin
      const unpinnedForward = await pageRows();
      await c.stepAndWait('next');
      await c.stepAndWait('stepBack'); // line 38 again, from after it
      assert.deepEqual(await pageRows(), unpinnedForward);
      assert.deepEqual(unpinnedForward, []); // gup §4: unpinned, refcount back to 1: nothing to list
      await c.request('setBreakpoints', { source: { path: HELLO }, breakpoints: [{ line: 33 }] });
      await c.stepAndWait('reverseContinue'); // line 33 from after it
      assert.deepEqual(await pageRows(), pinnedForward);
    } finally {
      await c.stop();
    }
  });
});
