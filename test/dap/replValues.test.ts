/**
 * REPL and hovers (issue 9): structured values (`irb`, `schib`, `sch(SID)`, `page(P, A)`, a
 * bound name, `cp(SID)`, `ccw(ADDR)`) evaluate to expandable variables; hovers show the value
 * of the name under the cursor and nothing for words that are no value; every row naming a
 * model value carries an evaluateName that evaluates to that value.
 */
import * as assert from 'node:assert/strict';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { example, expand, launch, runTo, scopes, step, vars, useAdapter } from './client';

const HELLO = example('hello.vlab');

describe('DAP: structured REPL values and hovers', function () {
  this.timeout(30000);
  let dc: DebugClient;
  useAdapter((c) => (dc = c));

  const evaluate = async (expression: string, context = 'repl') => (await dc.evaluateRequest({ expression, context })).body;

  it('expands irb, sch(SID), page(P, A), bufs and ccw(ADDR) (css §1, §3.1, §4; gup §3.1)', async () => {
    await launch(dc, HELLO);
    await runTo(dc, HELLO, 33);
    const irb = await evaluate('irb');
    assert.equal(irb.result, 'IRB of the last tsch (css §4)');
    assert.ok(irb.variablesReference > 0);
    const groups = new Map((await vars(dc, irb.variablesReference)).map((v) => [v.name, v]));
    assert.equal(groups.get('SCSW')?.value, '00c04007 00001010 0c000000'); // fmt 1, pfch, FCTL start, STCTL 7; CPA 0x1010; DSTAT CE+DE
    const scsw = await expand(dc, groups.get('SCSW'));
    assert.equal(scsw.get('scsw.stctl [w0.27-31]')?.value, '7');
    assert.equal(scsw.get('scsw.stctl [w0.27-31]')?.evaluateName, 'irb.scsw.stctl');

    // `schib`: the image the last `stsch` stored (line 26), expandable like irb (css §1)
    const schib = await evaluate('schib');
    assert.equal(schib.result, 'SCHIB of the last stsch (css §1)');
    const sgroups = new Map((await vars(dc, schib.variablesReference)).map((v) => [v.name, v]));
    assert.deepEqual([...sgroups.keys()].slice(0, 2), ['PMCW', 'SCSW']);
    const spmcw = await expand(dc, sgroups.get('PMCW'));
    assert.equal(spmcw.get('pmcw.dev [w1.16-31]')?.value, '4660'); // device number 0x1234
    assert.equal(spmcw.get('pmcw.dev [w1.16-31]')?.evaluateName, 'schib.pmcw.dev');
    const sscsw = await expand(dc, sgroups.get('SCSW'));
    // in the SCHIB the SCSW is words 7-9 (css §1); after TSCH no status is pending (stctl 0),
    // so the status fields are shown as not valid while the CPA keeps its last value
    assert.equal(sscsw.get('scsw.stctl [w7.27-31]')?.value, '0'); // line 27: expect schib.scsw.stctl == 0
    assert.equal(sscsw.get('scsw.stctl [w7.27-31]')?.evaluateName, 'schib.scsw.stctl');
    assert.equal(sscsw.get('scsw.cpa [w8.0-31]')?.value, '4112'); // 0x1010: the CCW after the last one executed
    assert.equal(sscsw.get('scsw.dstat [w9.0-7]')?.value, '12 (not valid)');

    const sch = await evaluate('sch(0.0.0007)');
    assert.equal(sch.result, 'SCHIB of 0.0.0007 (css §1)');
    const pmcw = await expand(dc, new Map((await vars(dc, sch.variablesReference)).map((v) => [v.name, v])).get('PMCW'));
    assert.equal(pmcw.get('pmcw.dev [w1.16-31]')?.value, '4660'); // device number 0x1234
    assert.equal(pmcw.get('pmcw.dev [w1.16-31]')?.evaluateName, 'sch(0.0.0007).pmcw.dev');

    const page = await evaluate('page(qemu, 0x7f0000000000)');
    const pfn = BigInt((await evaluate('page(qemu, 0x7f0000000000).pfn')).result.split(' ')[0]);
    assert.equal(page.result, `pfn 0x${pfn.toString(16)}`);
    const fields = new Map((await vars(dc, page.variablesReference)).map((v) => [v.name, v]));
    assert.equal(fields.get('refcount')?.value, '1025'); // gup §3.1: 1 + GUP_PIN_COUNTING_BIAS
    assert.equal(fields.get('refcount')?.evaluateName, 'page(qemu, 0x7f0000000000).refcount');

    const bufs = await evaluate('bufs');
    assert.equal(bufs.result, '4 pages');
    assert.deepEqual((await vars(dc, bufs.variablesReference)).map((v) => v.name), ['[0]', '[1]', '[2]', '[3]']);
    const b1 = await evaluate('bufs[1]');
    assert.ok(b1.variablesReference > 0);

    const ccw = await evaluate('ccw(0x1008)');
    const rows = new Map((await vars(dc, ccw.variablesReference)).map((v) => [v.name, v]));
    assert.equal(rows.get('text')?.value, 'READ SLI count 16 cda 0x3000 <buf>');
    assert.equal(rows.get('address')?.memoryReference, '0x1008');
  });

  it('a console statement is judged in the running scenario\'s topology: chchp runs in vfio (css §7.1)', async () => {
    const file = example('vfio-chchp-configure.vlab');
    await launch(dc, file);
    await runTo(dc, file, 20);
    const r = (await dc.evaluateRequest({ expression: 'chchp -v 0 40', context: 'repl' })).body.result;
    assert.doesNotMatch(r, /needs 'topology vfio'|error/, r);
    // css §7.1: vary off is the host's state only (chsc_chp_vary → STSCH refresh of the subchannel)
    assert.equal(r, 'STSCH sch 0x7 cc 0\ndone');
    assert.equal((await evaluate('chp(0x40).status', 'watch')).result, '"offline"');
  });

  it('expands cp(SID) in the vfio topology (css §8.3, §9)', async () => {
    const file = example('vfio-orb-lpm.vlab');
    await launch(dc, file);
    await runTo(dc, file, 22); // wait interrupt: the cp is pending
    const cp = await evaluate('cp(0.0.0007)');
    assert.equal(cp.result, 'CP_PENDING, 1 chains (css §8.3, §9)');
    const rows = new Map((await vars(dc, cp.variablesReference)).map((v) => [v.name, v]));
    assert.equal(rows.get('fsm state')?.value, 'CP_PENDING');
    assert.equal(rows.get('cp initialized')?.value, 'true');
    assert.equal(rows.get('pinned pages')?.value, '1'); // the 16-byte READ at 0x3000 spans one page (css §9.2)
    assert.equal((await evaluate('vfio(0.0.0007).pinned', 'watch')).result, '1');
  });

  it('hovers show the value under the cursor, or nothing for words that are no value', async () => {
    await launch(dc, HELLO);
    await runTo(dc, HELLO, 33);
    assert.equal((await evaluate('ret', 'hover')).result, '4'); // gup §2.4: pinned 4 pages
    assert.equal((await evaluate('cc', 'hover')).result, '0');
    assert.equal((await evaluate('irb.scsw.dstat', 'hover')).result, '12 (0xc)');
    const h = await evaluate('bufs', 'hover');
    assert.ok(h.variablesReference > 0);
    await assert.rejects(dc.evaluateRequest({ expression: 'expect', context: 'hover' }), /unknown name 'expect'/);
    await assert.rejects(dc.evaluateRequest({ expression: 'FOLL_WRITE|FOLL_LONGTERM', context: 'hover' }), /unknown name 'FOLL_WRITE'/);
  });

  it('every row with an evaluateName evaluates to its value (contract with h9a)', async () => {
    await launch(dc, HELLO);
    await runTo(dc, HELLO, 15);
    await step(dc, 'stepIn', 0x10007);
    const checked: string[] = [];
    const walk = async (rows: DebugProtocol.Variable[], depth: number): Promise<void> => {
      for (const v of rows) {
        if (v.evaluateName) {
          const r = (await dc.evaluateRequest({ expression: v.evaluateName, context: 'watch' })).body.result;
          assert.doesNotMatch(r, /^error/, `${v.name}: ${v.evaluateName} → ${r}`);
          const shown = v.value.replace(/ \(not valid\)$/, '');
          // the row shows decimal, hex or a before → after pair; the value now is the last
          const now = shown.includes(' → ') ? shown.split(' → ')[1] : shown;
          const n = /^(-?\d+|0x[0-9a-f]+)$/.test(now) ? BigInt(now) : undefined;
          if (n !== undefined) assert.equal(BigInt(r.split(' ')[0]), n, `${v.evaluateName}: row ${v.value}, evaluates to ${r}`);
          checked.push(v.evaluateName);
        }
        if (v.variablesReference && depth > 0) await walk(await vars(dc, v.variablesReference), depth - 1);
      }
    };
    for (const s of await scopes(dc, 0x10007)) await walk(await vars(dc, s.variablesReference), 3);
    assert.ok(checked.includes('sch(0.0.0007).scsw.count'));
    assert.ok(checked.includes('sch(0.0.0007).pmcw.isc'));
    assert.ok(checked.includes('vmstat.nr_foll_pin_acquired'));
    assert.ok(checked.length > 40, String(checked.length));
  });
});
