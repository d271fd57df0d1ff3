/**
 * Estimated heap bytes of time-travel state, from the engine's own counters (no heap
 * inspection, so it also works in a browser): each history record, and each journal entry.
 * History is bounded by this estimate (debug-adapter/navigator.ts, `maxHistoryBytes`). The
 * figures are V8's object sizes rounded up: a record object with 7 fields ≈ 88 bytes, a small
 * event object ≈ 24 bytes + 8 per field, a string 16 + 2 per character (two-byte worst case),
 * a number array 16 + 8 per element. Frames are shared per distinct stack (machine.ts
 * StackNode), so a record pays only its pointer to them.
 */
import type { HistoryRecord, ModelEvent } from './events';

const RECORD = 88;
const EVENT = 24;
const FIELD = 8;
const str = (s: string) => 16 + 2 * s.length;

/** A compact journal entry: kind (1) + ref (4) + index (4) + old (8) + new (8) bytes. */
export const JOURNAL_COMPACT_ENTRY_BYTES = 25;
/** An object journal entry (a property of any type, a queue push / splice, a Map change), with its payload. */
export const JOURNAL_OBJECT_ENTRY_BYTES = 120;

function eventBytes(e: ModelEvent): number {
  let n = EVENT + FIELD * 8;
  switch (e.kind) {
    case 'stmt': return n + str(e.text);
    case 'instr': return n + str(e.name) + str(e.detail);
    case 'exception': return n + str(e.name) + str(e.detail);
    case 'ccw.data': return n + 16 + 8 * e.bytes.length;
    case 'ccw.check': return n + str(e.reason) + str(e.ref);
    case 'chp.state': return n + str(e.note);
    case 'page.fault': case 'page.grab': return n + 32; // the bigint vaddr
    case 'page.release': n += str(e.how); return n;
    case 'gup.return': return n + str(e.api);
    case 'warn': return n + str(e.message) + str(e.ref);
    case 'log': return n + str(e.source) + str(e.text);
    case 'expect': return n + str(e.expr) + str(e.expected) + str(e.actual);
    default: return n;
  }
}

/** Estimated bytes one history record holds (the record and its event). */
export function recordBytes(r: HistoryRecord): number {
  return RECORD + eventBytes(r.event);
}
