/**
 * What a channel program leaves in the journal (issue 12: ≤ 32 bytes per journaled step for
 * channel programs). A command-chained CCW changes the same few numbers by the same step as the
 * CCW before it — the queued channel action, the virtual time, ChanState cur / ccws / next — so
 * past the first CCWs the journal stores nothing more per CCW (a RUN entry counts them), while
 * every position still names its exact state. And TSCH keeps the IRB it holds when the new one
 * is equal (no map entry per journaled TSCH).
 */
import * as assert from 'node:assert/strict';
import { BUF, PROG, SCH, SID, lab, orb, program, run } from './helpers';
import { CCW_FLAG, CMD } from '../../../model/css/ccw';
import { CHANNEL_ACTION } from '../../../model/css/channel';

const N = 255;

describe('css: channel programs in the journal (issue 12)', () => {
  it('a chain of command-chained NOPs stores no journal entry per CCW past the first ones, and each step still undoes exactly', () => {
    const l = lab();
    // css §3.2 command chaining: 254 NOPs with CC, then one without
    program(l, Array.from({ length: N }, (_, i) => ({ cmd: CMD.NOP, flags: i < N - 1 ? CCW_FLAG.CC : 0, count: 8, cda: BUF })));
    assert.equal(l.css.ssch(SID, orb()), 0);
    const j = l.m.journal;
    l.m.runNextAction(); // the start function: path selection, subchannel active (css §5.3)
    const stored: number[] = [];
    const positions: number[] = [];
    const records: number[] = [];
    for (let k = 1; k <= N; k++) {
      l.m.runNextAction(); // CCW k
      stored.push(j.storedEntries);
      positions.push(j.position);
      records.push(l.m.history.length);
    }
    assert.equal(l.m.hasPendingActions(), false);
    // CCWs 10 … 254 (the last ends the program): nothing stored, 7 positions and 2 records
    // (ccw.fetch, ccw.chain) each
    assert.equal(stored[253] - stored[9], 0);
    assert.equal(positions[253] - positions[9], 7 * 244);
    assert.equal(records[253] - records[9], 2 * 244);
    const st = l.css.core.chan.get(SCH)!;
    // css §5.3: the program ended with the last CCW; its address + 8 in the SCSW CPA
    assert.equal(st.ccws, N);
    assert.equal(l.css.field(SCH, 'scsw.cpa'), PROG + 8 * N);
    // stepping back into the run: the state after CCW 100 exactly, with its channel action queued
    j.undoTo(positions[99]);
    assert.equal(st.ccws, 100);
    assert.equal(st.cur, PROG + 8 * 99);
    assert.equal(st.next, PROG + 8 * 100);
    assert.deepEqual(l.m.queue.map((a) => `${a.kind}:${a.arg}@${a.time}`), [`${CHANNEL_ACTION}:${SCH}@${l.m.state.time + 1}`]);
    assert.equal(l.css.field(SCH, 'scsw.stctl'), 0); // css §1.3: no status yet in the middle of the program
    j.redoTo(j.length);
    assert.equal(st.ccws, N);
    assert.equal(l.m.hasPendingActions(), false);
  });

  it('TSCH keeps the IRB it holds when the new one is equal; a different IRB is stored; stepping back restores it', () => {
    const l = lab();
    program(l, [{ cmd: CMD.NOP, count: 8, cda: BUF }]);
    const irbs = l.css.core.irbs;
    const cycle = (): Uint8Array => {
      assert.equal(l.css.ssch(SID, orb()), 0);
      run(l);
      const t = l.css.tsch(SID);
      assert.equal(t.cc, 0); // css §5.2 TSCH cc 0: status pending was cleared
      return t.irb;
    };
    const first = cycle();
    // css §4 IRB word 0 (SCSW): STCTL 0x07 (primary + secondary + pending); word 2: DSTAT CE + DE 0x0c
    assert.equal(first[3] & 0x1f, 0x07);
    assert.equal(first[8], 0x0c);
    const afterFirst = l.m.journal.position;
    const second = cycle();
    assert.equal(second, first, 'the same status: the IRB held stays');
    assert.equal(irbs.get(SCH), first);
    // a program check at the CCW address (css §3.6: CCW address 0 → CSTAT program check 0x20)
    const cc = l.css.ssch(SID, orb({ cpa: 0 }));
    assert.equal(cc, 0);
    run(l);
    const checked = l.css.tsch(SID).irb;
    assert.notEqual(checked, first);
    assert.equal(checked[9], 0x20);
    assert.equal(irbs.get(SCH), checked);
    l.m.journal.undoTo(afterFirst);
    assert.equal(irbs.get(SCH), first);
    l.m.journal.redoTo(l.m.journal.length);
    assert.equal(irbs.get(SCH), checked);
  });
});
