/**
 * Every ORB the model makes has one of two shapes (issue 12, round 11): the scenario's (the 19
 * fields a `ssch` statement names, css §2) and decodeOrb's (those and `reserved`, word 1 bits
 * 26–30), each an object literal with its fields in ORB_FIELDS' order. A spread copy made by
 * V8-optimised code got a hidden class of its own, so each `ssch` statement's ORB had a new one:
 * SSCH, the channel and the ORB checks were deoptimised at every new loop and then ran
 * polymorphic. The hidden classes are checked in a child Node with `--allow-natives-syntax`
 * (%HaveSameMap), after the SSCH path has been optimised.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { copyOrb, decodeOrb, encodeOrb, ORB_FIELDS } from '../../../model/css/orb';
import { ORB_DEFAULTS } from '../../../model/scenario/exec/css';

const OUT = path.resolve(__dirname, '../../..');
const FIELDS = ORB_FIELDS.map((d) => d.name.slice(4));
const SCENARIO_FIELDS = FIELDS.filter((f) => f !== 'reserved');

/** The child: four loops of SSCH → wait → TPI → TSCH, each `ssch` its own statement, each ORB kept. */
const CHILD = `
const { parseScenario } = require(${JSON.stringify(path.join(OUT, 'model/scenario/parser'))});
const { Runner } = require(${JSON.stringify(path.join(OUT, 'model/scenario/runner'))});
const loop = (cpa) => ['repeat 3000', '  ssch 0.0.0007 cpa=' + cpa, '  wait interrupt', '  tpi', '  tsch 0.0.0007', 'end'];
const text = ['chpid 40', 'device 0.0.1234 schid 0.0.0007 type echo chpids 40 enabled',
  'program one at 0x1000', '  NOP', 'end', 'program two at 0x2000', '  NOP', 'end',
  ...loop('one'), ...loop('two'), ...loop('one'), ...loop('0x2000'), 'expect cc == 0'].join('\\n');
const { scenario } = parseScenario(text, 'orbs.vlab');
const r = new Runner(scenario);
r.m.setLean();
const orbs = [];
const chan = r.css.core.chan;
let last;
while (r.steps(1e6)) {
  const o = chan.get(7)?.orb;
  if (o !== undefined && o !== last) { orbs.push(o); last = o; }
}
const same = orbs.map((o) => %HaveSameMap(o, orbs[0]));
console.log(JSON.stringify({ orbs: orbs.length, same, ok: r.expects.every((e) => e.ok) }));
`;

describe('ORB shapes (issue 12)', () => {
  it('the ORBs of four SSCH loops share one hidden class after the SSCH path is optimised', function () {
    this.timeout(60000);
    const out = execFileSync(process.execPath, ['--allow-natives-syntax', '-e', CHILD], { encoding: 'utf8' });
    // one ORB per loop: a loop's SSCH gives its statement's frozen ORB again (exec/css.ts namedOrb)
    assert.deepEqual(JSON.parse(out), { orbs: 4, same: [true, true, true, true], ok: true });
  });

  it('copyOrb keeps the fields and their order, with or without `reserved` (css §2)', () => {
    const scenarioOrb = { ...ORB_DEFAULTS, cpa: 0x1000, lpm: 0x80 };
    assert.deepEqual(Object.keys(copyOrb(scenarioOrb)), SCENARIO_FIELDS);
    assert.deepEqual(copyOrb(scenarioOrb), scenarioOrb);
    // css §2 word 1: key 3 (bits 0–3), fmt 1 (bit 8), lpm 0xff (bits 16–23), reserved 0x1f (bits 26–30)
    const decoded = decodeOrb([0x12345678, 0x3080ff3e, 0x00002000]);
    assert.deepEqual(Object.keys(decoded), FIELDS);
    assert.deepEqual(Object.keys(copyOrb(decoded)), FIELDS);
    assert.deepEqual(copyOrb(decoded), decoded);
    assert.equal(decoded.intparm, 0x12345678);
    assert.equal(decoded.key, 3);
    assert.equal(decoded.fmt, 1);
    assert.equal(decoded.lpm, 0xff);
    assert.equal(decoded.orbx, 0);
    assert.equal(decoded.reserved, 0x1f);
    assert.equal(decoded.cpa, 0x2000);
    assert.deepEqual(encodeOrb(decoded), [0x12345678, 0x3080ff3e, 0x00002000]);
  });
});
