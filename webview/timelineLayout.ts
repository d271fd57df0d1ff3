/**
 * The I/O timeline's lane columns for one draw (pure: no DOM, unit-tested in Node). Lanes without
 * any event are left out by the caller; each column first gets room for its lane's name.
 */

/** A lane's column in one draw of the timeline. */
export interface LaneColumn {
  lane: number;
  x: number;
  w: number;
}

/**
 * Lane columns from `left` to `width`: each first gets room for its name (`need`, so
 * "machine/channel" is not cut), then the rest is shared, the scenario lane (0) taking 1.5 shares
 * for its statement text. When even the names do not fit, the shares alone decide.
 */
export function layoutLanes(shown: number[], need: (lane: number) => number, left: number, width: number): LaneColumn[] {
  const weight = (lane: number) => (lane === 0 ? 1.5 : 1);
  const total = shown.reduce((a, l) => a + weight(l), 0) || 1;
  const avail = Math.max(0, width - left);
  const needs = shown.map(need);
  const spare = avail - needs.reduce((a, b) => a + b, 0);
  let x = left;
  return shown.map((lane, k) => {
    const w = spare >= 0 ? needs[k] + (spare * weight(lane)) / total : (avail * weight(lane)) / total;
    const c = { lane, x, w };
    x += w;
    return c;
  });
}
