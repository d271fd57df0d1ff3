/**
 * `/proc/vmstat` FOLL_PIN counters (gup §4): node counters NR_FOLL_PIN_ACQUIRED /
 * NR_FOLL_PIN_RELEASED, one per pinned subpage, unconditional from 5.7 (E2+), absent in E1.
 * The per-CPU batching of §4 "freshness" is not modelled: the model shows the folded value.
 */
import type { Machine } from '../../engine/machine';
import type { KernelFeatures } from '../../kernel/version';

export interface VmstatCounters {
  nr_foll_pin_acquired: number;
  nr_foll_pin_released: number;
}

/** Index of the items in `enum node_stat_item` on 6.18 (gup §4, BTF). */
export const NODE_STAT_INDEX = { nr_foll_pin_acquired: 34, nr_foll_pin_released: 35 } as const;

export class Vmstat {
  /** Plain object (only the two counters), journaled field by field; what views and expressions read. */
  readonly counters: VmstatCounters = { nr_foll_pin_acquired: 0, nr_foll_pin_released: 0 };

  constructor(private readonly m: Machine, private readonly features: KernelFeatures) {}

  /** The counters exist from 5.7 (gup §4 "E1 (5.6): counters do not exist"). */
  get exists(): boolean {
    return this.features.pinTracking;
  }

  // One per page pinned or unpinned (issue 12): recording, the entry journal.set would make, by
  // noteNum, then the store with a constant key (set's generic keyed load and store cost more than
  // the rest of the counting); not recording (a lean run), the store alone.
  acquired(refs: number): void {
    if (!this.exists || refs === 0) return;
    const c = this.counters;
    const v = c.nr_foll_pin_acquired + refs;
    const j = this.m.journal;
    if (j.recording) j.noteNum(c, 'nr_foll_pin_acquired', c.nr_foll_pin_acquired, v);
    c.nr_foll_pin_acquired = v;
  }

  released(refs: number): void {
    if (!this.exists || refs === 0) return;
    const c = this.counters;
    const v = c.nr_foll_pin_released + refs;
    const j = this.m.journal;
    if (j.recording) j.noteNum(c, 'nr_foll_pin_released', c.nr_foll_pin_released, v);
    c.nr_foll_pin_released = v;
  }

  /** Lines as `/proc/vmstat` prints them (empty before 5.7). */
  lines(): string[] {
    if (!this.exists) return [];
    const c = this.counters;
    return [`nr_foll_pin_acquired ${c.nr_foll_pin_acquired}`, `nr_foll_pin_released ${c.nr_foll_pin_released}`];
  }
}
