/**
 * The small parts of the state that views mark as "changed since the previous stop" but that do
 * not live in typed arrays (so `elemsChangedBetween` does not see them): vmstat counters,
 * locked_vm / pinned_vm per process, the CRW queues and the CHPID states. Taken at every stop;
 * a few hundred numbers at most, so the cost is negligible next to a step.
 */
import type * as P from './protocol';
import type { Runner } from '../model/scenario/runner';
import { chpidStateKey } from './channelPathsData';

interface Snapshot {
  /** vmstat counters by name. */
  counters: Map<string, number>;
  /** mm->locked_vm and mm->pinned_vm by pid. */
  lockedVm: Map<number, number>;
  pinnedVm: Map<number, number>;
  crws: Map<string, number[]>;
  chpids: Map<number, string>;
}

const emptySnapshot = (): Snapshot => ({ counters: new Map(), lockedVm: new Map(), pinnedVm: new Map(), crws: new Map(), chpids: new Map() });

/**
 * Refill `m` with `fill`'s entries (`fill` returns how many distinct keys it set): the keys are the
 * same at nearly every stop, so entries are overwritten in place (no new table per stop, issue 12);
 * when the map holds more keys than were set, one went away, and the map is cleared and filled
 * again, so it never holds a stale entry.
 */
function refill<K, V>(m: Map<K, V>, fill: (m: Map<K, V>) => number): void {
  if (fill(m) === m.size) return;
  m.clear();
  fill(m);
}

export class StopSnapshots {
  private prev: Snapshot | undefined;
  private cur: Snapshot | undefined;
  /** The snapshot that was `prev` before the last take(): refilled as the next `cur`. */
  private spare: Snapshot | undefined;
  /** Names of the vfio-ccw CRW queues by subchannel. */
  private readonly queueNames = new Map<number, string>();

  constructor(private readonly r: Runner) {}

  /** Called at every stop, after the state is in place. */
  take(): void {
    const next = this.spare ?? emptySnapshot();
    this.spare = this.prev;
    this.prev = this.cur;
    this.capture(next, this.prev);
    this.cur = next;
  }

  /** Fill `into` with the current state; a CRW queue equal to its copy in `had` shares that copy (copies are never changed). */
  private capture(into: Snapshot, had: Snapshot | undefined): void {
    const r = this.r;
    const vmstat = r.mm.vmstat as unknown as Record<string, number>;
    refill(into.counters, (m) => {
      let n = 0;
      for (const k in vmstat) {
        m.set(k, vmstat[k]);
        n++;
      }
      return n;
    });
    refill(into.lockedVm, (m) => {
      for (const p of r.mm.spaces.procs.values()) m.set(p.pid, p.lockedVm);
      return r.mm.spaces.procs.size;
    });
    refill(into.pinnedVm, (m) => {
      for (const p of r.mm.spaces.procs.values()) m.set(p.pid, p.pinnedVm);
      return r.mm.spaces.procs.size;
    });
    const copy = (name: string, q: readonly number[], m: Map<string, number[]>) => {
      const old = had?.crws.get(name);
      m.set(name, old && old.length === q.length && old.every((w, i) => w === q[i]) ? old : [...q]);
    };
    refill(into.crws, (m) => {
      copy('machine', r.css.crws.crws, m);
      if (!r.vfio) return 1;
      for (const [sch, d] of r.vfio.vfio.devices) copy(this.queueName(sch), d.crws, m);
      copy('guest', r.vfio.qemu.crws.crws, m);
      return 2 + r.vfio.vfio.devices.size;
    });
    refill(into.chpids, (m) => {
      for (const chpid of r.css.core.chpids.keys()) m.set(chpid, chpidStateKey(r, chpid));
      return r.css.core.chpids.size;
    });
  }

  private queueName(sch: number): string {
    let n = this.queueNames.get(sch);
    if (n === undefined) this.queueNames.set(sch, (n = `vfio-ccw 0.0.${sch.toString(16).padStart(4, '0')}`));
    return n;
  }

  private counter(before: number | undefined, name: string, value: number, expression: string): P.CounterRow {
    const row: P.CounterRow = { name, value, expression };
    if (before !== undefined && before !== value) row.previous = before;
    return row;
  }

  /** `/proc/vmstat` FOLL_PIN counters (gup §4). */
  vmstatCounters(): P.CounterRow[] {
    return Object.entries(this.r.mm.vmstat)
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([k, v]) => this.counter(this.prev?.counters.get(k), k, v, `vmstat.${k}`));
  }

  /** mm->locked_vm (gup §10.1) and mm->pinned_vm of one process, in pages. */
  processCounters(pid: number): P.CounterRow[] {
    const p = this.r.mm.spaces.proc(pid);
    return [
      this.counter(this.prev?.lockedVm.get(pid), 'locked_vm', p.lockedVm, `locked_vm(${pid})`),
      this.counter(this.prev?.pinnedVm.get(pid), 'pinned_vm', p.pinnedVm, `pinned_vm(${pid})`),
    ];
  }

  /**
   * Marks the CRWs queued since the previous stop: the queue is FIFO (css §6.3), so the CRWs
   * that are new are the ones past the longest tail of the old queue that is a prefix of the new.
   */
  markCrwQueue(q: P.CrwQueueView): P.CrwQueueView {
    const before = this.prev?.crws.get(q.name);
    if (!before) return q;
    const now = q.crws.map((c) => c.raw >>> 0);
    let keep = 0;
    for (let drop = 0; drop <= before.length; drop++) {
      const tail = before.slice(drop);
      if (tail.length <= now.length && tail.every((w, i) => (w >>> 0) === now[i])) {
        keep = tail.length;
        break;
      }
    }
    const changed = before.length !== now.length || keep !== now.length;
    const out: P.CrwQueueView = { ...q, crws: q.crws.map((c, i) => (i >= keep ? { ...c, isNew: true } : c)), changed };
    if (changed) out.previousCount = before.length;
    return out;
  }

  chpidChanged(chpid: number): boolean {
    const before = this.prev?.chpids.get(chpid);
    return before !== undefined && before !== this.cur?.chpids.get(chpid);
  }
}
