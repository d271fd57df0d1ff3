/**
 * Estimated heap bytes of time-travel state, from the engine's own counters (no heap
 * inspection, so it also works in a browser): history records, their payloads, and journal
 * entries. History is bounded by this estimate (debug-adapter/navigator.ts, `maxHistoryBytes`).
 *
 * Records are compact (history.ts): per record a journal position, a call-stack node id, the
 * payload offset (4 bytes each) and a kind/granularity byte; an encoded event's words are 4
 * bytes each (eventCodec.ts); time/thread runs 20 bytes each; interned strings once. Events
 * kept as objects are V8's object sizes rounded up: a small event object ≈ 24 bytes + 8 per
 * field, a string 16 + 2 per character (two-byte worst case), a number array 16 + 8 per
 * element. Frames are shared per distinct stack (machine.ts StackNode), so a record pays only
 * its node id.
 */
import type { ModelEvent } from './events';

/** pos (4) + stack node (4) + payload offset (4) + kind and granularity (1). */
export const HISTORY_RECORD_BYTES = 13;
/** A (time, thread) run: seq (8) + time (8) + thread (4) + stepped: records per group (4) + time step (8). */
export const HISTORY_RUN_BYTES = 32;

const EVENT = 24;
const FIELD = 8;
const str = (s: string) => 16 + 2 * s.length;

/** A compact journal entry: kind (1) + ref (4) + index (4) + old (4) + new (4) bytes (32-bit values). */
export const JOURNAL_COMPACT_ENTRY_BYTES = 17;
/** A compact entry whose values do not fit 32 bits also holds them as two Float64s on the side. */
export const JOURNAL_WIDE_VALUES_BYTES = 16;
/** An object journal entry (a property of any type, a splice, a Map change), with its payload. */
export const JOURNAL_OBJECT_ENTRY_BYTES = 120;
/**
 * A push onto / shift off an array (the action queue): a compact entry (17), the value's slot
 * (8) and half of the small value object (≈ 48 bytes, shared by its push and its shift).
 */
export const JOURNAL_VALUE_ENTRY_BYTES = 49;

/** An interned string: the string, its slot in the list (8) and its Map entry (≈ 24). */
export function internedStringBytes(s: string): number {
  return str(s) + 32;
}

/** Estimated bytes of an event kept as an object (the kinds history.ts does not encode). */
export function eventBytes(e: ModelEvent): number {
  const n = EVENT + FIELD * 8;
  switch (e.kind) {
    case 'stmt': return n + str(e.text);
    case 'instr': return n + str(e.name) + str(e.detail);
    case 'exception': return n + str(e.name) + str(e.detail);
    case 'ccw.data': return n + 16 + 8 * e.bytes.length;
    case 'ccw.check': return n + str(e.reason) + str(e.ref);
    case 'chp.state': return n + str(e.note);
    case 'page.fault': case 'page.grab': return n + 32; // the bigint vaddr
    case 'page.release': return n + str(e.how);
    case 'gup.return': return n + str(e.api);
    case 'warn': return n + str(e.message) + str(e.ref);
    case 'log': return n + str(e.source) + str(e.text);
    case 'expect': return n + str(e.expr) + str(e.expected) + str(e.actual);
    default: return n;
  }
}
