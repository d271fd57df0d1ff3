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
  counters: Map<string, number>;
  crws: Map<string, number[]>;
  chpids: Map<number, string>;
}

export class StopSnapshots {
  private prev: Snapshot | undefined;
  private cur: Snapshot | undefined;

  constructor(private readonly r: Runner) {}

  /** Called at every stop, after the state is in place. */
  take(): void {
    this.prev = this.cur;
    this.cur = this.capture();
  }

  private capture(): Snapshot {
    const r = this.r;
    const counters = new Map<string, number>();
    for (const [k, v] of Object.entries(r.mm.vmstat)) counters.set(k, v);
    for (const p of r.mm.spaces.procs.values()) {
      counters.set(`locked_vm/${p.pid}`, p.lockedVm);
      counters.set(`pinned_vm/${p.pid}`, p.pinnedVm);
    }
    const crws = new Map<string, number[]>();
    crws.set('machine', [...r.css.crws.crws]);
    if (r.vfio) {
      for (const [sch, d] of r.vfio.vfio.devices) crws.set(`vfio-ccw 0.0.${sch.toString(16).padStart(4, '0')}`, [...d.crws]);
      crws.set('guest', [...r.vfio.qemu.crws.crws]);
    }
    const chpids = new Map<number, string>();
    for (const chpid of r.css.chpids()) chpids.set(chpid, chpidStateKey(r, chpid));
    return { counters, crws, chpids };
  }

  private counter(key: string, name: string, value: number, expression: string): P.CounterRow {
    const row: P.CounterRow = { name, value, expression };
    const before = this.prev?.counters.get(key);
    if (before !== undefined && before !== value) row.previous = before;
    return row;
  }

  /** `/proc/vmstat` FOLL_PIN counters (gup §4). */
  vmstatCounters(): P.CounterRow[] {
    return Object.entries(this.r.mm.vmstat)
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([k, v]) => this.counter(k, k, v, `vmstat.${k}`));
  }

  /** mm->locked_vm (gup §10.1) and mm->pinned_vm of one process, in pages. */
  processCounters(pid: number): P.CounterRow[] {
    const p = this.r.mm.spaces.proc(pid);
    return [
      this.counter(`locked_vm/${pid}`, 'locked_vm', p.lockedVm, `locked_vm(${pid})`),
      this.counter(`pinned_vm/${pid}`, 'pinned_vm', p.pinnedVm, `pinned_vm(${pid})`),
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
