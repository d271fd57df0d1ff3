/**
 * Edits (issue 9): setVariable on SCHIB fields through MSCH (css §5.3) and on a page's dirty
 * flag (gup §6), setExpression on the same plus guest memory; refused edits answer one line
 * ("read-only: …") and change nothing; Step Back after an edit undoes it.
 */
import * as assert from 'node:assert/strict';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { example, expand, launch, runTo, scopes, step, vars, useAdapter } from './client';

const HELLO = example('hello.vlab');

describe('DAP: setVariable / setExpression', function () {
  this.timeout(30000);
  let dc: DebugClient;
  useAdapter((c) => (dc = c), async () => {
    await launch(dc, HELLO);
  });

  const ev = async (expression: string) => (await dc.evaluateRequest({ expression, context: 'watch' })).body.result;

  /** The PMCW group of subchannel 0.0.0007 in the Subchannels scope. */
  async function pmcw(): Promise<{ ref: number; rows: Map<string, DebugProtocol.Variable> }> {
    const s = (await scopes(dc, 1)).find((x) => x.name === 'Subchannels')!;
    const sch = (await vars(dc, s.variablesReference))[0];
    const groups = await expand(dc, sch);
    const g = groups.get('PMCW')!;
    return { ref: g.variablesReference, rows: await expand(dc, g) };
  }

  it('sets a SCHIB field through MSCH; Step Back undoes it (css §5.3)', async () => {
    await runTo(dc, HELLO, 18); // before ssch: enabled, idle
    const { ref, rows } = await pmcw();
    const isc = rows.get('pmcw.isc [w1.2-4]')!;
    assert.equal(isc.value, '3');
    assert.equal(isc.evaluateName, 'sch(0.0.0007).pmcw.isc');
    const r = await dc.send('setVariable', { variablesReference: ref, name: isc.name, value: '5' }) as DebugProtocol.SetVariableResponse;
    assert.equal(r.body!.value, '5');
    assert.equal(await ev('sch(0.0.0007).pmcw.isc'), '5');
    await step(dc, 'stepBack');
    assert.equal(await ev('sch(0.0.0007).pmcw.isc'), '3');
  });

  it('refuses fields MSCH does not modify, bad values and unknown rows with one line', async () => {
    await runTo(dc, HELLO, 18);
    const { ref, rows } = await pmcw();
    const pim = rows.get('pmcw.pim [w2.24-31]')!;
    await assert.rejects(dc.send('setVariable', { variablesReference: ref, name: pim.name, value: '0x40' }), /^Error: read-only: pmcw\.pim \[w2\.24-31\]/);
    await assert.rejects(dc.send('setVariable', { variablesReference: ref, name: 'pmcw.isc [w1.2-4]', value: 'seven' }), /'seven' is not a number/);
    await assert.rejects(dc.send('setVariable', { variablesReference: ref, name: 'pmcw.isc [w1.2-4]', value: '9' }), /pmcw\.isc is 3 bit\(s\) wide: 9 does not fit/);
    await assert.rejects(dc.send('setVariable', { variablesReference: ref, name: 'nothing', value: '1' }), /no variable 'nothing' here/);
    assert.equal(await ev('sch(0.0.0007).pmcw.isc'), '3');
    assert.equal(await ev('sch(0.0.0007).pmcw.pim'), '128 (0x80)');
  });

  it('refuses MSCH on a status-pending subchannel: cc 1, nothing changes (css §5.2)', async () => {
    await runTo(dc, HELLO, 21); // after the interrupt, before tsch: status pending
    await assert.rejects(dc.send('setExpression', { expression: 'sch(0.0.0007).pmcw.isc', value: '5' }), /MSCH gave cc 1: pmcw\.isc not changed \(css §5\.2\)/);
    assert.equal(await ev('sch(0.0.0007).pmcw.isc'), '3');
  });

  it('sets page dirty (a kernel sets PG_dirty, gup §6) and guest memory; Step Back undoes them one by one', async () => {
    await runTo(dc, HELLO, 33);
    assert.equal(await ev('bufs[0].dirty'), '0');
    const s = (await dc.send('setExpression', { expression: 'bufs[0].dirty', value: '1' }) as DebugProtocol.SetExpressionResponse).body!;
    assert.equal(s.value, '1');
    await assert.rejects(dc.send('setExpression', { expression: 'bufs[0].dirty', value: 'maybe' }), /dirty: expected 1\/true or 0\/false, got 'maybe'/);
    const m = (await dc.send('setExpression', { expression: 'mem(0x3000, 2)', value: '"OK"' }) as DebugProtocol.SetExpressionResponse).body!;
    assert.equal(m.value, '[4f 4b] "OK"');
    await assert.rejects(dc.send('setExpression', { expression: 'mem(0x3000, 2)', value: '0x10000' }), /0x10000 does not fit in 2 byte\(s\)/);
    await assert.rejects(dc.send('setExpression', { expression: 'mem(0xfffff, 2)', value: '1' }), /2 bytes at 0xfffff do not fit in guest memory/);
    // each edit is a stop of its own (navigator editHere): one Step Back undoes exactly one edit
    await step(dc, 'stepBack');
    assert.equal(await ev('mem(0x3000, 2)'), '[48 45] "HE"'); // the READ stored "HELLO, CHANNEL!!" there
    assert.equal(await ev('bufs[0].dirty'), '1');
    await step(dc, 'stepBack');
    assert.equal(await ev('bufs[0].dirty'), '0');
    assert.equal(await ev('mem(0x3000, 2)'), '[48 45] "HE"');
    const top = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0];
    assert.equal(top.line, 33); // still at the statement where the edits were made
  });

  it('sets dirty from the Variables view (bound pages) and refuses read-only names', async () => {
    await runTo(dc, HELLO, 32);
    const st = (await scopes(dc, 1)).find((x) => x.name === 'Statement')!;
    const rows = new Map((await vars(dc, st.variablesReference)).map((v) => [v.name, v]));
    assert.equal(rows.get('bufs')?.evaluateName, 'bufs.count');
    const pages = await expand(dc, rows.get('bufs'));
    const p0 = pages.get('[0]')!;
    const fields = await expand(dc, p0);
    assert.equal(fields.get('refcount')?.evaluateName, 'bufs[0].refcount');
    await dc.send('setVariable', { variablesReference: p0.variablesReference, name: 'dirty', value: 'true' });
    assert.equal(await ev('bufs[0].dirty'), '1');
    await assert.rejects(dc.send('setVariable', { variablesReference: p0.variablesReference, name: 'refcount', value: '7' }), /^Error: read-only: refcount/);
    await assert.rejects(dc.send('setExpression', { expression: 'cc', value: '1' }), /^Error: read-only: cc \(editable: sch\(SID\)\.pmcw\.FIELD/);
    await assert.rejects(dc.send('setVariable', { variablesReference: st.variablesReference, name: 'ret', value: '1' }), /^Error: read-only: ret/);
  });
});
