/**
 * Time travel to one history event (`vlab/travel`, the timeline's click): the navigator walks
 * forward or backward with a stop test on the record's seq, so the journal replays exactly as a
 * step would (PRODUCT §3 "Time travel"). Only recorded history is reachable: travel never runs the
 * scenario further.
 */
import type { HistoryRecord } from '../model/engine/events';
import type { Navigator } from './navigator';
import type { TravelArgs } from './protocol';

/** Validates the arguments and moves the navigator; returns the record it stopped at. */
export function travelTo(nav: Navigator, args: unknown): HistoryRecord {
  const seq = (args as Partial<TravelArgs> | undefined)?.seq;
  if (typeof seq !== 'number' || !Number.isInteger(seq)) throw new Error("travel: 'seq' must be an integer (an event's seq from vlab/timeline)");
  const h = nav.history;
  if (!h.length) throw new Error('travel: no history yet');
  const first = h[0].seq;
  const last = h[h.length - 1].seq;
  if (seq < first || seq > last) throw new Error(`travel: seq ${seq} is outside the recorded history (${first}..${last})`);
  const here = nav.current?.seq ?? -1;
  const hit = (r: HistoryRecord) => r.seq === seq;
  if (seq > here) {
    // the target is recorded: the walk ends on it before reaching the end of history
    const r = nav.forward(hit, h.length);
    if (r === 'end' || r === 'budget') throw new Error(`travel: seq ${seq} not reached`);
  } else if (seq < here) {
    const r = nav.backward(hit);
    if (r === 'start' && nav.current?.seq !== seq) throw new Error(`travel: seq ${seq} not reached`);
  }
  const cur = nav.current;
  if (!cur || cur.seq !== seq) throw new Error(`travel: seq ${seq} not reached`);
  return cur;
}
