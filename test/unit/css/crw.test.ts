import * as assert from 'node:assert/strict';
import { Machine } from '../../../model/engine/machine';
import { CrwQueue } from '../../../model/css/crw';
import { ProgramInterruption } from '../../../model/css/css';
import { lab } from './helpers';

describe('css §6 CRW queue and STCRW', () => {
  it('STCRW: cc 0 with the oldest CRW, cc 1 with zero when empty (css §6.3)', () => {
    const l = lab();
    l.css.queueCrw({ rsc: 4, erc: 6, rsid: 0x50 });
    l.css.queueCrw({ rsc: 4, erc: 2, rsid: 0x50 });
    assert.deepEqual(l.css.crwQueue(), { crws: [0x04060050, 0x04020050], overflow: false });
    assert.deepEqual(l.css.stcrw(0x100), { cc: 0, crw: 0x04060050 });
    assert.equal(l.mem.readU32(0x100), 0x04060050);
    assert.deepEqual(l.css.stcrw(), { cc: 0, crw: 0x04020050 });
    assert.deepEqual(l.css.stcrw(0x100), { cc: 1, crw: 0 });
    assert.equal(l.mem.readU32(0x100), 0);
    assert.throws(() => l.css.stcrw(0x101), (e: unknown) => e instanceof ProgramInterruption && e.pic === 'specification');
  });

  it('one machine check per batch, re-armed when STCRW finds the queue empty (css §6.3)', () => {
    const m = new Machine();
    const q = new CrwQueue(m);
    q.queue({ rsc: 3, erc: 4, rsid: 7 });
    q.queue({ rsc: 3, erc: 4, rsid: 8 });
    assert.equal(q.takeMachineCheck(), true);
    assert.equal(q.takeMachineCheck(), false);
    q.stcrw(); q.stcrw();
    q.queue({ rsc: 3, erc: 4, rsid: 9 });
    assert.equal(q.takeMachineCheck(), false); // not re-armed: no cc 1 STCRW yet
    q.stcrw();
    assert.equal(q.stcrw().cc, 1);
    q.queue({ rsc: 3, erc: 4, rsid: 10 });
    assert.equal(q.takeMachineCheck(), true);
  });

  it('a lost CRW sets overflow on the next queued one; add() forwards verbatim (css §6.3)', () => {
    const m = new Machine();
    const q = new CrwQueue(m, 'machine', 2);
    q.queue({ rsc: 4, erc: 2, rsid: 1 });
    q.queue({ rsc: 4, erc: 2, rsid: 2 });
    assert.equal(q.queue({ rsc: 4, erc: 2, rsid: 3 }), false);
    assert.equal(q.flags.lost, true);
    q.stcrw();
    q.queue({ rsc: 4, erc: 2, rsid: 4 });
    assert.equal(q.crws[1], 0x24020004); // OFLW 0x20000000
    assert.equal(q.flags.lost, false);
    q.stcrw();
    q.add(0x30060050);
    assert.deepEqual(q.crws, [0x24020004, 0x30060050]);
  });

  it('undoing the journal restores the CRW queue exactly', () => {
    const l = lab();
    const pos = l.m.journal.position;
    l.css.queueCrw({ rsc: 4, erc: 6, rsid: 0x50 });
    l.css.stcrw();
    l.css.stcrw();
    l.m.journal.undoTo(pos);
    assert.deepEqual(l.css.crwQueue(), { crws: [], overflow: false });
    assert.deepEqual(l.css.crws.flags, { lost: false, mchkArmed: true, mchkPending: false });
  });
});
