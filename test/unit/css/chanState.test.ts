/**
 * The subchannel's channel-program state (css/context.ts ChanState, issue 12): the command in
 * progress is visible at every stop inside it, and a restart by SSCH is undone and redone like
 * every other change.
 */
import * as assert from 'node:assert/strict';
import { BUF, PROG, SCH, SID, lab, program, run, orb } from './helpers';
import { CCW_FLAG, CMD } from '../../../model/css/ccw';

describe('css channel-program state (issue 12)', () => {
  it('a data-chained READ shows its command and the bytes moved before each CCW at its data, chain and end stops (css §3.4)', () => {
    const l = lab();
    l.css.addDeviceRule(SCH, { cmd: CMD.READ_IPL, data: [1, 2, 3, 4, 5, 6, 7, 8] });
    // css §3.4: CD — the second CCW continues the READ with the next 4 bytes
    program(l, [
      { cmd: CMD.READ_IPL, flags: CCW_FLAG.CD, count: 4, cda: BUF },
      { cmd: CMD.READ_IPL, count: 4, cda: BUF + 4 },
    ]);
    const seen: string[] = [];
    l.m.onEvent((r) => {
      const st = l.css.core.chan.get(SCH)!;
      seen.push(`${r.event.kind} cmd=${st.cmd} moved=${st.moved}`);
    }, ['ccw.data', 'ccw.chain', 'sch.status']);
    assert.equal(l.css.ssch(SID, orb()), 0);
    run(l);
    assert.deepEqual(seen, [
      'ccw.data cmd=2 moved=0',
      'ccw.chain cmd=2 moved=4',
      'ccw.data cmd=2 moved=4',
      // css §5.3: the command ended with the program: none in progress at the final status
      'sch.status cmd=-1 moved=0',
    ]);
  });

  it('a NOP never shows as in progress: it ends before its CCW emits anything (css §3.2 command chaining)', () => {
    const l = lab();
    program(l, [{ cmd: CMD.NOP, flags: CCW_FLAG.CC, cda: BUF, count: 1 }, { cmd: CMD.NOP, cda: BUF, count: 1 }]);
    const cmds: number[] = [];
    l.m.onEvent(() => cmds.push(l.css.core.chan.get(SCH)!.cmd), ['ccw.fetch', 'ccw.chain', 'sch.status']);
    assert.equal(l.css.ssch(SID, orb()), 0);
    run(l);
    assert.deepEqual(cmds, [-1, -1, -1, -1]);
    assert.equal(l.css.core.chan.get(SCH)!.ccws, 2);
  });

  it('SSCH restarts the channel state of a started subchannel; undo gives the previous program back, redo the new one', () => {
    const l = lab();
    const PROG2 = PROG + 0x100;
    program(l, [{ cmd: CMD.NOP, cda: BUF, count: 1 }]);
    program(l, [{ cmd: CMD.NOP, flags: CCW_FLAG.CC, cda: BUF, count: 1 }, { cmd: CMD.NOP, cda: BUF, count: 1 }], PROG2);
    assert.equal(l.css.ssch(SID, orb({ intparm: 1 })), 0);
    run(l);
    l.css.tsch(SID); // css §5.3: TSCH clears status pending, so the next SSCH gets cc 0
    const st = l.css.core.chan.get(SCH)!;
    const before = { orb: st.orb, cur: st.cur, next: st.next, ccws: st.ccws };
    assert.deepEqual({ cpa: before.orb.cpa, cur: before.cur, ccws: before.ccws }, { cpa: PROG, cur: PROG, ccws: 1 });
    const pos = l.m.journal.position;
    assert.equal(l.css.ssch(SID, orb({ intparm: 2, cpa: PROG2 })), 0);
    run(l);
    const after = { orb: st.orb, cur: st.cur, next: st.next, ccws: st.ccws };
    assert.equal(l.css.core.chan.get(SCH), st, 'the same ChanState, restarted');
    assert.deepEqual({ cpa: after.orb.cpa, intparm: after.orb.intparm, cur: after.cur, ccws: after.ccws }, { cpa: PROG2, intparm: 2, cur: PROG2 + 8, ccws: 2 });
    const end = l.m.journal.position;
    l.m.journal.undoTo(pos);
    assert.deepEqual({ orb: st.orb, cur: st.cur, next: st.next, ccws: st.ccws }, before);
    l.m.journal.redoTo(end);
    assert.deepEqual({ orb: st.orb, cur: st.cur, next: st.next, ccws: st.ccws }, after);
  });
});
