/**
 * Device rules in the Variables view (issue 9 "Edits: … device rules"; css §3.3, §4): a
 * subchannel's scripted rules show in the `rule` statement's syntax with one row per action; a
 * rule or one action is editable with setVariable, checked by the statement's own parser (bad
 * values answer one line and change nothing), and Step Back undoes exactly the edit.
 */
import * as assert from 'node:assert/strict';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { example, expand, fixture, frames, launch, runTo, scopes, step, vars, useAdapter } from './client';

const BP = fixture('breakpoints.vlab');
/** breakpoints.vlab: `rule 0.0.0007 cmd=WRITE dstat=0x02 sense "80" times 1` on line 32, its ssch on 33, the tsch on 35. */
const RULE_LINE = 32;
const SSCH_LINE = 33;
const AFTER_TSCH = 36;
const ORIGINAL = 'dstat=0x02 sense "80" times 1';

describe('DAP: device rules in Variables, editable (css §3.3, §4)', function () {
  this.timeout(30000);
  let dc: DebugClient;
  useAdapter((c) => (dc = c));

  const ev = async (expression: string) => (await dc.evaluateRequest({ expression, context: 'watch' })).body.result;

  /** The `device rules` row of a subchannel row of the Subchannels scope (the first, or the one whose name starts with `row`). */
  async function deviceRules(row?: string): Promise<DebugProtocol.Variable | undefined> {
    const s = (await scopes(dc, 1)).find((x) => x.name === 'Subchannels')!;
    const schs = await vars(dc, s.variablesReference);
    const sch = row ? schs.find((v) => v.name.startsWith(row))! : schs[0];
    return (await expand(dc, sch)).get('device rules');
  }

  /** The WRITE rule's row (under `device rules`) and its action rows. */
  async function writeRule(): Promise<{ parent: number; rule: DebugProtocol.Variable; fields: Map<string, DebugProtocol.Variable> }> {
    const dr = (await deviceRules())!;
    const rule = (await expand(dc, dr)).get('cmd=0x01 WRITE')!;
    return { parent: dr.variablesReference, rule, fields: await expand(dc, rule) };
  }

  it('shows a rule in its statement syntax and one row per action; an action edit changes what the device does; Step Back undoes exactly it', async () => {
    await launch(dc, BP);
    // before the rule statement ran: none scripted
    await runTo(dc, BP, RULE_LINE);
    assert.equal((await deviceRules())!.value, "none scripted (the device type's own behaviour)");
    await step(dc, 'next');
    assert.equal((await frames(dc, 1))[0].line, SSCH_LINE);
    assert.equal((await deviceRules())!.value, '1 scripted (rule statements; edit a rule or one action)');
    let { rule, fields } = await writeRule();
    assert.equal(rule.value, ORIGINAL);
    assert.deepEqual([...fields].map(([n, v]) => `${n}=${v.value}`), [
      'data=none', 'accept=none', 'residual=none', 'dstat=0x02', 'sense="80"', 'busy=false', 'reject=false', 'delay=none', 'attention=none', 'times=1',
    ]);
    assert.equal(fields.get('dstat')!.presentationHint?.attributes?.includes('readOnly'), undefined);
    // css §4: unit exception (0x01) instead of unit check (0x02)
    const r = await dc.send('setVariable', { variablesReference: rule.variablesReference, name: 'dstat', value: '0x01' }) as DebugProtocol.SetVariableResponse;
    assert.equal(r.body.value, '0x01');
    ({ rule } = await writeRule());
    assert.equal(rule.value, 'dstat=0x01 sense "80" times 1');
    // Step Back undoes the edit and nothing else: still at the ssch statement
    await step(dc, 'stepBack');
    assert.equal((await frames(dc, 1))[0].line, SSCH_LINE);
    ({ rule } = await writeRule());
    assert.equal(rule.value, ORIGINAL);
    // edited again and run: the device adds UE to CE + DE, and the chain ends after the WRITE (css §4)
    ({ rule } = await writeRule());
    await dc.send('setVariable', { variablesReference: rule.variablesReference, name: 'dstat', value: '1' });
    await runTo(dc, BP, AFTER_TSCH);
    assert.equal(await ev('irb.scsw.dstat'), '13 (0xd)');
    assert.equal(await ev('irb.scsw.cpa'), '4104 (0x1008)');
    // `times 1` was used up: the rule is gone
    assert.equal((await deviceRules())!.value, "none scripted (the device type's own behaviour)");
  });

  it('a whole rule is edited in the statement syntax; Step Back undoes it, stepping forward redoes it (architecture: edits)', async () => {
    await launch(dc, BP);
    await runTo(dc, BP, SSCH_LINE);
    const { parent } = await writeRule();
    const r = await dc.send('setVariable', { variablesReference: parent, name: 'cmd=0x01 WRITE', value: 'dstat=0x01 times 2' }) as DebugProtocol.SetVariableResponse;
    assert.equal(r.body.value, 'dstat=0x01 times 2');
    const { rule, fields } = await writeRule();
    assert.equal(rule.value, 'dstat=0x01 times 2');
    assert.equal(fields.get('sense')!.value, 'none');
    await step(dc, 'stepBack');
    assert.equal((await writeRule()).rule.value, ORIGINAL);
    await step(dc, 'next');
    assert.equal((await frames(dc, 1))[0].line, SSCH_LINE);
    assert.equal((await writeRule()).rule.value, 'dstat=0x01 times 2');
    // css §4: unit exception added to channel end + device end
    await runTo(dc, BP, AFTER_TSCH);
    assert.equal(await ev('irb.scsw.dstat'), '13 (0xd)');
    // one use of `times 2` left
    assert.equal((await writeRule()).rule.value, 'dstat=0x01 times 1');
  });

  it('bad values answer one line from the rule parser and change nothing', async () => {
    await launch(dc, BP);
    await runTo(dc, BP, SSCH_LINE);
    const { parent, rule } = await writeRule();
    const ref = rule.variablesReference;
    const bad: Array<[number, string, string, RegExp]> = [
      [ref, 'dstat', '0x100', /^Error: dstat: a unit status is one byte \(0-0xff\), found '0x100'$/],
      [ref, 'dstat', 'big', /^Error: dstat: expected a unit status, found 'big'$/],
      [ref, 'times', '0', /^Error: times: times must be at least 1/],
      [ref, 'sense', `"${'00'.repeat(33)}"`, /^Error: sense: at most 32 sense bytes \(css §3\.3 SENSE_MAX_COUNT\)/],
      [ref, 'data', '"unterminated', /^Error: data: unterminated string: expected a closing "$/],
      [ref, 'busy', 'maybe', /^Error: busy: expected true or false, got 'maybe'$/],
      [ref, 'data', '', /^Error: data: give a value, or none to remove it$/],
      [parent, 'cmd=0x01 WRITE', 'data "x" accept 3', /^Error: rule: column \d+: a rule has either 'data' \(input\) or 'accept' \(output\), not both$/],
      [parent, 'cmd=0x01 WRITE', 'dstat=0x01 dstat=0x02', /^Error: rule: column 12: rule action 'dstat' given twice/],
      [parent, 'cmd=0x01 WRITE', 'flip', /^Error: rule: column 1: unknown rule action \(data, accept, residual, dstat, sense, busy, reject, delay, attention, times\) 'flip'$/],
    ];
    for (const [vr, name, value, re] of bad) await assert.rejects(dc.send('setVariable', { variablesReference: vr, name, value }), re, `${name} = ${value}`);
    assert.equal((await writeRule()).rule.value, ORIGINAL);
    // no edit stop was added: Step Back goes to the rule statement
    await step(dc, 'stepBack');
    assert.equal((await frames(dc, 1))[0].line, RULE_LINE);
    // inside the ssch (not a statement stop) the state cannot be edited (navigator editHere)
    await step(dc, 'next');
    const inner = await step(dc, 'stepIn');
    assert.notEqual((await frames(dc, inner.body.threadId!)).length, 1);
    const again = await writeRule();
    await assert.rejects(dc.send('setVariable', { variablesReference: again.rule.variablesReference, name: 'dstat', value: '0x01' }), /^Error: state can be edited only when stopped at a statement/);
  });

  it('in the vfio topology the rules belong to the host side (the machine\'s device)', async () => {
    const file = example('vfio-path-gone-inflight.vlab');
    await launch(dc, file);
    await runTo(dc, file, 14);
    const host = await deviceRules('0.0.0007 host');
    assert.equal(host!.value, '1 scripted (rule statements; edit a rule or one action)');
    const read = (await expand(dc, host)).get('cmd=0x02 READ')!;
    assert.equal(read.value, 'delay 50');
    assert.equal(await deviceRules('0.0.0007 guest'), undefined);
    // edited on the host side; `none` removes an action
    await expand(dc, read);
    await dc.send('setVariable', { variablesReference: read.variablesReference, name: 'delay', value: '10' });
    let rule = (await expand(dc, await deviceRules('0.0.0007 host'))).get('cmd=0x02 READ')!;
    assert.equal(rule.value, 'delay 10');
    await expand(dc, rule);
    await dc.send('setVariable', { variablesReference: rule.variablesReference, name: 'delay', value: 'none' });
    rule = (await expand(dc, await deviceRules('0.0.0007 host'))).get('cmd=0x02 READ')!;
    assert.equal(rule.value, "(no actions: the device type's own behaviour)");
    // two edits, two Step Backs
    await step(dc, 'stepBack');
    assert.equal((await expand(dc, await deviceRules('0.0.0007 host'))).get('cmd=0x02 READ')!.value, 'delay 10');
    await step(dc, 'stepBack');
    assert.equal((await expand(dc, await deviceRules('0.0.0007 host'))).get('cmd=0x02 READ')!.value, 'delay 50');
  });
});
