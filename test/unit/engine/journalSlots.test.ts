/**
 * Journal slot ids stay bounded (issue 12): every (object, field) the journal changed was
 * interned as a slot holding the object, for the whole session, so a vfio-ccw I/O cycle's short-
 * lived objects (≈9 slots a cycle) kept accumulating after their entries were trimmed. dropOldest
 * now forgets slots no kept entry uses (compactSlots); the entries kept still undo and redo
 * exactly, and the slots they use keep finding their writes (lastWriteBefore).
 */
import * as assert from 'node:assert/strict';
import { Journal } from '../../../model/engine/journal';
import { parseScenario } from '../../../model/scenario/parser';
import { Runner } from '../../../model/scenario/runner';
import { ECHO_ORB as ORB, VFIO_ECHO_LAB as VFIO_LAB } from '../../bench/vfio';


describe('engine: journal slot ids stay bounded under trimming (issue 12)', () => {
  it('objects changed once and trimmed away give their slots back; kept entries undo and redo exactly', () => {
    const j = new Journal();
    const live: { n: number; on: boolean; name: string } = { n: 0, on: false, name: 'a' };
    const arr = { e: new Int32Array(4) };
    for (let i = 0; i < 5000; i++) {
      const tmp = { a: 0, b: false };
      j.set(tmp, 'a', i + 1);
      j.set(tmp, 'b', true);
      j.set(live, 'n', i + 1);
      if (i % 100 === 0) j.dropOldest(j.position - 10);
    }
    assert.ok(j.slotCount < 2 * 1024 + 64, `${j.slotCount} slots after 5000 short-lived objects`);
    // entries recorded before a compaction and kept through it still name their slots
    j.dropOldest(j.position);
    j.set(live, 'n', 6000); // dropped below: its slot is the one given back
    j.set(live, 'on', true);
    j.set(live, 'name', 'b');
    j.setElem(arr, 'e', 2, 7);
    for (let i = 0; i < 1100; i++) {
      const tmp = { a: 0, b: false };
      j.set(tmp, 'a', 1);
      j.set(tmp, 'b', true);
    }
    assert.ok(j.slotCount > 3 + 2 * 1100);
    j.dropOldest(1);
    assert.equal(j.slotCount, 3 + 2 * 1100, 'the compaction ran: only the slots of kept entries are left');
    const end = j.position;
    assert.equal(j.lastWriteBefore(live, 'on', undefined, end), 0);
    assert.equal(j.lastWriteBefore(live, 'name', undefined, end), 1);
    assert.equal(j.lastWriteBefore(arr, 'e', 2, end), 2);
    j.undoTo(0);
    assert.deepEqual([live.n, live.on, live.name, arr.e[2]], [6000, false, 'a', 0]);
    j.redoTo(end);
    assert.deepEqual([live.n, live.on, live.name, arr.e[2]], [6000, true, 'b', 7]);
    j.undoTo(1);
    assert.deepEqual([live.on, live.name, arr.e[2]], [true, 'a', 0]);
  });

  it('6,000 vfio-ccw I/O cycles trimmed as they go keep the slot table small', () => {
    const r = new Runner(parseScenario(VFIO_LAB, 'slots.vlab').scenario);
    r.runToEnd();
    const q = r.vfio!.qemu;
    let most = 0;
    for (let i = 0; i < 6000; i++) {
      // css §5.2 SSCH cc 0, §5.4 TSCH cc 0 on the status pending after the echo program
      assert.equal(q.ssch(0x00010007, ORB), 0);
      while (!q.interruptionPending()) assert.ok(r.m.runNextAction(), 'an interrupt comes');
      q.tpi();
      assert.equal(q.tsch(0x00010007).cc, 0);
      if (i % 250 === 249) r.m.dropOldestHistory(r.m.history.length - 10);
      most = Math.max(most, r.m.journal.slotCount);
    }
    // ≈9 new slots a cycle: 54,000 without giving them back
    assert.ok(most < 5000, `at most ${most} slots`);
    assert.equal(r.mm.pinsHeld(), 0);
  });
});
