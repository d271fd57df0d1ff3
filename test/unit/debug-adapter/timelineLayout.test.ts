/** The I/O timeline's lane columns (webview/timelineLayout.ts): names first, then shares. */
import * as assert from 'node:assert/strict';
import { layoutLanes } from '../../../webview/timelineLayout';

describe('webview: timeline lane columns', () => {
  // lanes 0 scenario, 1 guest, 5 machine/channel; each name needs 60, 40 and 110 px
  const need = (lane: number) => ({ 0: 60, 1: 40, 5: 110 })[lane] ?? 0;

  it('each column gets its name\'s room, then the spare is shared (scenario 1.5 shares)', () => {
    // 84 px gutter, 664 wide: 580 available, 210 needed, 370 spare in 3.5 shares (105.714286 each)
    const r = (v: number) => Math.round(v * 1e6) / 1e6;
    assert.deepEqual(layoutLanes([0, 1, 5], need, 84, 664).map((c) => [c.lane, r(c.x), r(c.w)]), [
      [0, 84, 218.571429],
      [1, 302.571429, 145.714286],
      [5, 448.285714, 215.714286],
    ]);
  });

  it('when the names do not fit, the shares alone decide; the columns still end at the width', () => {
    const cols = layoutLanes([0, 1, 5], need, 84, 224); // 140 available < 210 needed
    assert.deepEqual(cols.map((c) => c.w), [60, 40, 40]);
    assert.equal(cols[2]!.x + cols[2]!.w, 224);
  });

  it('no lane: no column', () => {
    assert.deepEqual(layoutLanes([], need, 84, 500), []);
  });
});
