/**
 * The CCW line table (model/scenario/ccwLineTable.ts): for every address it answers what the map
 * of program CCWs it was built from answers — a line where a program statement wrote a CCW, none
 * between or around them, none off the doubleword grid of a run.
 */
import * as assert from 'node:assert/strict';
import { CcwLineTable } from '../../../model/scenario/ccwLineTable';
import { parseScenario } from '../../../model/scenario/parser';
import { Runner } from '../../../model/scenario/runner';

describe('scenario: the CCW line table', () => {
  it('answers as the address → line map for every address around the programs', () => {
    // two runs, a gap of one doubleword, a program at an address that is not doubleword aligned
    // (a scenario may place one there to see the program check, css §3.6), a lone CCW far away
    const map = new Map<number, number>();
    [0x1000, 0x1008, 0x1010].forEach((a, i) => map.set(a, 10 + i));
    [0x1020, 0x1028].forEach((a, i) => map.set(a, 20 + i));
    [0x2004, 0x200c].forEach((a, i) => map.set(a, 30 + i));
    map.set(0x7fff_fff8, 40);
    const table = new CcwLineTable(map);
    const probes = [-1, 0, 0x7fff_fff8, 0x7fff_fffc, 0x8000_0000];
    for (let a = 0xff0; a < 0x1040; a++) probes.push(a);
    for (let a = 0x1ff8; a < 0x2018; a++) probes.push(a);
    // asked in order and backwards: the answer does not depend on the run asked before
    for (const a of [...probes, ...probes.reverse()]) assert.equal(table.lineAt(a), map.get(a), `address 0x${a.toString(16)}`);
  });

  it('an empty table answers nothing', () => {
    assert.equal(new CcwLineTable(new Map()).lineAt(0x1000), undefined);
  });

  it('a later program at the same addresses wins, as in the runner (the fetch event names its line)', () => {
    const text = [
      'chpid 40',
      'device 0.0.1234 schid 0.0.0007 type echo chpids 40 enabled',
      'program one at 0x1000',
      '  NOP CC',
      '  NOP',
      'end',
      'program two at 0x1008',
      '  NOP',
      'end',
    ].join('\n');
    const { scenario, diagnostics } = parseScenario(text, 't.vlab');
    assert.deepEqual(diagnostics.filter((d) => d.severity === 'error'), []);
    const r = new Runner(scenario);
    // line 4 wrote the CCW at 0x1000; line 8 (program two) replaced line 5's at 0x1008
    assert.equal(r.css.ccwLineResolver(0x1000), 4);
    assert.equal(r.css.ccwLineResolver(0x1008), 8);
    assert.equal(r.css.ccwLineResolver(0x1010), undefined);
  });
});
