/**
 * The runner keeps the SCHIB image of the last STSCH and the interruption code of the last TPI
 * (css §5.1, §5.4). A journaled loop stores a new one only when its bytes or fields differ (issue
 * 12: a journaled STSCH loop spent a third of its time collecting equal images); the state reads
 * the same either way, and stepping back restores the earlier value.
 */
import * as assert from 'node:assert/strict';
import { parseScenario } from '../../../model/scenario/parser';
import { Runner } from '../../../model/scenario/runner';

const LINES = [
  'memory 64K',
  'chpid 40',
  'device 0.0.1234 schid 0.0.0007 type echo chpids 40 isc 3 enabled',
  'program p at 0x1000',
  '  NOP',
  'end',
  'stsch 0.0.0007',
  'stsch 0.0.0007',
  'msch 0.0.0007 intparm=0x1234',
  'stsch 0.0.0007',
  'ssch 0.0.0007 cpa=p intparm=0x1234',
  'wait interrupt',
  'tpi',
  'tsch 0.0.0007',
  'ssch 0.0.0007 cpa=p intparm=0x1234',
  'wait interrupt',
  'tpi',
  'tsch 0.0.0007',
];

/** Step until the statement at `line` (1-based) has run. */
function runThrough(r: Runner, line: number): void {
  while (r.step()) {
    const st = r.current;
    if (!st || (st.line > line && !r.state.waiting)) return;
  }
}

describe('STSCH / TPI results in the journal (issue 12)', () => {
  it('an equal SCHIB image is not stored again; a changed one is, and stepping back restores the earlier one', () => {
    const { scenario } = parseScenario(LINES.join('\n'), 'f.vlab');
    const r = new Runner(scenario);
    runThrough(r, 7);
    const first = r.state.schib;
    assert.ok(first);
    // css §1.1: SCHIB word 0 is the interruption parameter, 0 until MSCH or SSCH sets it
    assert.deepEqual([...first.subarray(0, 4)], [0, 0, 0, 0]);
    const afterFirst = r.m.journal.position;
    runThrough(r, 8);
    assert.equal(r.state.schib, first, 'the second STSCH stored the same bytes: the image held stays');
    runThrough(r, 10);
    const third = r.state.schib!;
    assert.notEqual(third, first);
    assert.deepEqual([...third.subarray(0, 4)], [0, 0, 0x12, 0x34]); // css §5.3 MSCH stored pmcw.intparm
    r.m.journal.undoTo(afterFirst);
    assert.equal(r.state.schib, first);
    r.m.journal.redoTo(r.m.journal.length);
    assert.equal(r.state.schib, third);
  });

  it('an equal interruption code is not stored again: TPI still reads sid, intparm and iid', () => {
    const { scenario } = parseScenario(LINES.join('\n'), 'f.vlab');
    const r = new Runner(scenario);
    runThrough(r, 13);
    const code = r.state.intcode;
    // css §5.4: the code of the subchannel's I/O interruption, intparm from the ORB, the
    // interruption-identification word with ISC 3 in bits 2–4 (isc << 27)
    assert.deepEqual(code, { sid: 0x00010007, intparm: 0x1234, iid: 3 << 27 });
    runThrough(r, 17);
    assert.equal(r.state.intcode, code);
    assert.equal(r.state.cc, 1n); // css §5.4 TPI cc 1: an interruption code was stored
  });

  it('the condition code is journaled exactly: each instruction\'s cc comes back when stepping back, also after an edit outside int32', () => {
    const { scenario } = parseScenario(LINES.join('\n'), 'f.vlab');
    const r = new Runner(scenario);
    const j = r.m.journal;
    const ccs: Array<[number, bigint]> = [[j.position, r.state.cc]];
    for (const line of [11, 13, 14]) {
      runThrough(r, line);
      ccs.push([j.position, r.state.cc]);
    }
    // css §5.2 SSCH cc 0, §5.4 TPI cc 1 (a code stored), §5.2 TSCH cc 0 (status was pending)
    assert.deepEqual(ccs.map(([, cc]) => cc), [-1n, 0n, 1n, 0n]);
    for (const [pos, cc] of [...ccs].reverse()) {
      j.undoTo(pos);
      assert.equal(r.state.cc, cc);
    }
    j.redoTo(j.length);
    // a value no instruction gives (a Variables-view edit), then an SSCH: undo restores it to the bit
    const big = 2n ** 60n + 1n; // no double holds it
    j.set(r.state, 'cc', big);
    const before = j.position;
    runThrough(r, 15);
    assert.equal(r.state.cc, 0n);
    j.undoTo(before);
    assert.equal(r.state.cc, big);
  });
});
