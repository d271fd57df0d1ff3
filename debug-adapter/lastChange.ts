/**
 * "Reveal what last changed this" for view rows (issue 10): the history record whose journal span
 * last wrote the slot a row shows. Every state change goes through the journal (STYLE §7), and
 * each history record remembers the journal position right after it, so the record is the first
 * one whose position lies past the last write.
 */
import type * as P from './protocol';
import type { Runner } from '../model/scenario/runner';
import type { HistoryRecord } from '../model/engine/events';
import { describeEvent } from '../model/engine/events';
import { SCHIB_FIELD, SCHIB_WORDS } from '../model/css/fields';

interface Slot {
  owner: object;
  field: string | undefined;
  index: number | undefined;
}

function slotsOf(r: Runner, ref: P.SlotRef): Slot[] {
  if (typeof ref !== 'object' || ref === null) throw new Error('slot must be an object with a kind');
  switch (ref.kind) {
    case 'schib': {
      const f = SCHIB_FIELD.get(ref.field);
      if (!f) throw new Error(`unknown SCHIB field '${String(ref.field)}'`);
      const guest = ref.side === 'guest';
      if (guest && !r.vfio) throw new Error('there is no guest side in the native topology');
      const store = guest ? r.vfio!.qemu.core.schib : r.css.core.schib;
      if (!Number.isInteger(ref.sch) || ref.sch < 0 || ref.sch > 0xffff) throw new Error(`no subchannel ${String(ref.sch)}`);
      return [{ owner: store, field: 'words', index: ref.sch * SCHIB_WORDS + f.word }];
    }
    case 'page': {
      const s = r.mm.pages;
      if (!s.valid(ref.pfn)) throw new Error(`pfn ${String(ref.pfn)} is not a page of the model`);
      // refcount and pincount live on the head (gup §3.2), flags on each page
      const head = s.head(ref.pfn);
      return [{ owner: s, field: undefined, index: head }, { owner: s, field: 'flags', index: ref.pfn }];
    }
    case 'counter': {
      if (ref.name === 'locked_vm' || ref.name === 'pinned_vm') {
        if (ref.pid === undefined || !r.mm.spaces.procs.has(ref.pid)) throw new Error(`${ref.name} needs the pid of a process`);
        return [{ owner: r.mm.spaces.proc(ref.pid), field: ref.name === 'locked_vm' ? 'lockedVm' : 'pinnedVm', index: undefined }];
      }
      if (!(ref.name in r.mm.vmstat)) throw new Error(`unknown counter '${String(ref.name)}'`);
      return [{ owner: r.mm.vmstat, field: ref.name, index: undefined }];
    }
    case 'crwQueue': {
      const q = crwQueueArray(r, ref.name);
      if (!q) throw new Error(`no CRW queue '${String(ref.name)}'`);
      return [{ owner: q, field: undefined, index: undefined }];
    }
    case 'chpid': {
      const p = r.css.core.chpids.get(ref.chpid);
      if (!p) throw new Error(`no channel path ${String(ref.chpid)}`);
      const out: Slot[] = [{ owner: p, field: undefined, index: undefined }];
      const host = r.vfio?.cio.chps.get(ref.chpid);
      if (host) out.push({ owner: host, field: 'state', index: undefined });
      return out;
    }
    default:
      throw new Error(`unknown slot kind '${String((ref as { kind?: unknown }).kind)}'`);
  }
}

/** The array behind a CRW queue the CRW Queues view names (`machine`, `vfio-ccw 0.0.0007`, `guest`). */
function crwQueueArray(r: Runner, name: string): number[] | undefined {
  if (name === 'machine') return r.css.crws.crws;
  if (!r.vfio) return undefined;
  if (name === 'guest') return r.vfio.qemu.crws.crws;
  const m = /^vfio-ccw 0\.0\.([0-9a-f]{4})$/.exec(name);
  return m ? r.vfio.vfio.devices.get(parseInt(m[1], 16))?.crws : undefined;
}

/** The first record whose journal position lies past entry `e` (records are in journal order). */
function recordAfter(history: readonly HistoryRecord[], e: number): HistoryRecord | undefined {
  let lo = 0;
  let hi = history.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (history[mid].journalPos > e) hi = mid;
    else lo = mid + 1;
  }
  return history[lo];
}

export function lastChange(r: Runner, args: P.LastChangeArgs, currentPos: number, programPath: string): P.LastChangeResponse {
  if (typeof args !== 'object' || args === null) throw new Error('vlab/lastChange needs { slot }');
  let last = -1;
  for (const s of slotsOf(r, args.slot)) last = Math.max(last, r.m.journal.lastWriteBefore(s.owner, s.field, s.index, currentPos));
  if (last < 0) return { found: false };
  const rec = recordAfter(r.m.history, last);
  if (!rec) return { found: false };
  const out: P.LastChangeResponse = { found: true, seq: rec.seq, time: rec.time, description: describeEvent(rec.event), file: programPath };
  const framed = rec.frames.findIndex((f) => f.line !== undefined);
  if (framed >= 0) {
    out.line = rec.frames[framed].line;
    // an inner frame with a line is a CCW: its file may be an included one
    const addr = (rec.event as { addr?: unknown }).addr;
    if (framed < rec.frames.length - 1 && typeof addr === 'number') out.file = r.ccwFileAt(addr) ?? programPath;
  }
  return out;
}
