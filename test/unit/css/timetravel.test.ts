import * as assert from 'node:assert/strict';
import { lab, program, run, SCH, SID, BUF, orb } from './helpers';

describe('css time travel (STYLE §7)', () => {
  it('undoing the journal to 0 after a whole SSCH→TSCH cycle restores every SCHIB word and memory byte; redo reproduces it', () => {
    const l = lab();
    l.mem.write(BUF, [1, 2, 3, 4]);
    program(l, [{ cmd: 0x01, flags: 0x40, count: 4, cda: BUF }, { cmd: 0x02, flags: 0x48, count: 4, cda: BUF + 0x10 }, { cmd: 0x07 }]);
    const words0 = Array.from(l.css.schibWords(SCH));
    const mem0 = Array.from(l.mem.bytes);
    const j = l.m.journal;
    const mid = j.position;
    l.css.ssch(SID, orb());
    run(l);
    l.css.tpi();
    l.css.tsch(SID);
    const wordsEnd = Array.from(l.css.schibWords(SCH));
    const memEnd = Array.from(l.mem.bytes);
    const sense = l.css.device(SCH)!.state.sense.slice();
    assert.notDeepEqual(wordsEnd, words0);
    assert.notDeepEqual(memEnd, mem0);
    j.undoTo(mid);
    assert.deepEqual(Array.from(l.css.schibWords(SCH)), words0);
    assert.deepEqual(Array.from(l.mem.bytes), mem0);
    assert.equal(l.css.device(SCH)!.state.sense[0], 0);
    assert.equal(l.m.queue.length, 0);
    j.undoTo(0);
    assert.ok(l.css.schibWords(SCH).every((w) => w === 0));
    assert.ok(l.mem.bytes.every((b) => b === 0));
    assert.equal(l.css.hasSubchannel(SCH), false);
    j.redoTo(j.length);
    assert.deepEqual(Array.from(l.css.schibWords(SCH)), wordsEnd);
    assert.deepEqual(Array.from(l.mem.bytes), memEnd);
    assert.deepEqual(l.css.device(SCH)!.state.sense, sense);
  });

  it('every history record can be revisited: state at a ccw.fetch stop is reproduced exactly', () => {
    const l = lab();
    program(l, [{ cmd: 0x03, flags: 0x40 }, { cmd: 0x03, flags: 0x40 }, { cmd: 0x03 }]);
    l.css.ssch(SID, orb());
    const snapshots: Array<[number, number[]]> = [];
    l.m.onEvent((r) => { if (r.event.kind === 'ccw.fetch') snapshots.push([r.journalPos, Array.from(l.css.schibWords(SCH))]); });
    run(l);
    l.css.tsch(SID);
    const end = l.m.journal.position;
    for (const [pos, words] of snapshots.reverse()) {
      l.m.journal.undoTo(pos);
      assert.deepEqual(Array.from(l.css.schibWords(SCH)), words);
    }
    l.m.journal.redoTo(end);
    assert.equal(l.css.field(SCH, 'scsw.stctl'), 0);
  });
});
