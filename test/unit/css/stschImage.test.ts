/**
 * STSCH's SCHIB image (css §1, §5.2) while the subchannel's words stay the same is the image made
 * last time (issue 12: a lean STSCH loop made and collected one per instruction). Any change of
 * the words — MSCH, a start, another subchannel, a step back — gives the bytes of the SCHIB as
 * it is then.
 */
import * as assert from 'node:assert/strict';
import { parseScenario } from '../../../model/scenario/parser';
import { Runner } from '../../../model/scenario/runner';

/** css §5.1: a SID word of subchannel set 0 (bit 15 one). */
const sid = (sch: number) => 0x00010000 | sch;

const LINES = [
  'memory 64K',
  'chpid 40',
  'device 0.0.1234 schid 0.0.0007 type echo chpids 40 isc 3 enabled',
  'device 0.0.1235 schid 0.0.0008 type echo chpids 40 isc 3 enabled',
];

function runner(lean: boolean): Runner {
  const { scenario } = parseScenario(LINES.join('\n'), 'f.vlab');
  const r = new Runner(scenario);
  if (lean) r.m.setLean();
  r.runToEnd();
  return r;
}

/** css §1.1: SCHIB word 0 is the interruption parameter; word 1 bytes 2–3 the device number. */
const intparm = (b: Uint8Array) => ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
const devno = (b: Uint8Array) => (b[6] << 8) | b[7];

describe('STSCH image while the SCHIB is unchanged (issue 12)', () => {
  it('unchanged words: the same image; MSCH or another subchannel: the SCHIB as it is then', () => {
    const r = runner(true);
    const a = r.css.stsch(sid(7));
    const b = r.css.stsch(sid(7));
    assert.equal(a.cc, 0); // css §5.2 STSCH cc 0: SCHIB stored
    assert.equal(b.schib, a.schib);
    assert.equal(intparm(a.schib), 0);
    assert.equal(devno(a.schib), 0x1234);
    // css §5.3: MSCH stores the interruption parameter; the next STSCH shows it
    assert.equal(r.css.msch(sid(7), { 'pmcw.intparm': 0x1234abcd }), 0);
    const c = r.css.stsch(sid(7));
    assert.notEqual(c.schib, a.schib);
    assert.equal(intparm(c.schib), 0x1234abcd);
    assert.equal(intparm(a.schib), 0, 'an image already given out is never written');
    const d = r.css.stsch(sid(8));
    assert.equal(devno(d.schib), 0x1235);
    const e = r.css.stsch(sid(7));
    assert.deepEqual([...e.schib], [...c.schib]);
  });

  it('a step back: STSCH gives the SCHIB of that point, not the image made later', () => {
    const r = runner(false);
    const before = r.css.stsch(sid(7));
    const pos = r.m.journal.position;
    assert.equal(r.css.msch(sid(7), { 'pmcw.intparm': 0x55 }), 0);
    assert.equal(intparm(r.css.stsch(sid(7)).schib), 0x55);
    r.m.journal.undoTo(pos);
    r.m.journal.truncateFuture();
    const again = r.css.stsch(sid(7));
    assert.equal(intparm(again.schib), 0);
    assert.deepEqual([...again.schib], [...before.schib]);
  });

  it('a hole below the last subchannel: an all-zero SCHIB with cc 0; beyond it cc 3 (css §5.2)', () => {
    const r = runner(true);
    const hole = r.css.stsch(sid(6));
    assert.equal(hole.cc, 0);
    assert.deepEqual([...hole.schib], new Array(52).fill(0));
    assert.equal(r.css.stsch(sid(9)).cc, 3);
  });
});
