/**
 * Channel report words (css §6): the layout as a field table, and the machine's CRW queue with
 * QEMU's semantics (css §6.3): one FIFO; a CRW that cannot be queued is lost and the next one
 * queued carries the overflow bit; one CRW machine check per batch (re-armed when STCRW finds
 * the queue empty).
 */
import type { Machine } from '../engine/machine';
import { byName, insert, extract, type FieldDef } from './fields';

const R = 'css §6.1';
const f = (name: string, bit: number, width: number, meaning: string): FieldDef => ({ name: `crw.${name}`, word: 0, bit, width, meaning, ref: R });

export const CRW_FIELDS: readonly FieldDef[] = [
  f('res0', 0, 1, 'reserved, zero'),
  f('sol', 1, 1, 'solicited (e.g. result of RCHP)'),
  f('oflw', 2, 1, 'overflow: one or more CRWs were lost'),
  f('chn', 3, 1, 'chained: another CRW describes the same event'),
  f('rsc', 4, 4, 'reporting-source code'),
  f('anc', 8, 1, 'ancillary report'),
  f('res9', 9, 1, 'reserved'),
  f('erc', 10, 6, 'error-recovery code'),
  f('rsid', 16, 16, 'reporting-source ID'),
];
export const CRW_FIELD = byName(CRW_FIELDS);

/** Reporting-source codes, css §6.1. */
export const RSC = { MONITOR: 0x2, SCH: 0x3, CHP: 0x4, CONFIG_ALERT: 0x9, CSS: 0xb } as const;
/** Error-recovery codes, css §6.1. */
export const ERC = {
  EVENT: 0x00, AVAIL: 0x01, INIT: 0x02, TERROR: 0x03, IPI: 0x04, TERM: 0x05, PERRN: 0x06, PERRI: 0x07, PMOD: 0x08, RESTORED: 0x0a,
} as const;

export interface CrwParts {
  sol?: boolean;
  oflw?: boolean;
  chn?: boolean;
  anc?: boolean;
  rsc: number;
  erc: number;
  rsid: number;
}

export function encodeCrw(p: CrwParts): number {
  let w = 0;
  const put = (n: string, v: number) => (w = insert(CRW_FIELD.get(`crw.${n}`)!, w, v));
  put('sol', p.sol ? 1 : 0);
  put('oflw', p.oflw ? 1 : 0);
  put('chn', p.chn ? 1 : 0);
  put('anc', p.anc ? 1 : 0);
  put('rsc', p.rsc);
  put('erc', p.erc);
  put('rsid', p.rsid);
  return w >>> 0;
}

export function decodeCrwWord(w: number): Required<CrwParts> {
  const get = (n: string) => extract(CRW_FIELD.get(`crw.${n}`)!, w);
  return { sol: !!get('sol'), oflw: !!get('oflw'), chn: !!get('chn'), anc: !!get('anc'), rsc: get('rsc'), erc: get('erc'), rsid: get('rsid') };
}

/**
 * [unverified: chosen — QEMU loses a CRW only when memory allocation fails; the model gives the
 *  queue a fixed capacity so overflow can be demonstrated]
 */
export const CRW_QUEUE_CAPACITY = 64;

export class CrwQueue {
  /** Pending CRWs, oldest first. Change only through the journal. */
  readonly crws: number[] = [];
  readonly flags = { lost: false, mchkArmed: true, mchkPending: false };

  constructor(
    private readonly m: Machine,
    readonly name = 'machine',
    readonly capacity = CRW_QUEUE_CAPACITY,
  ) {}

  /** QEMU `css_queue_crw`: build a CRW; it carries OFLW if an earlier one was lost. */
  queue(p: CrwParts): boolean {
    return this.m.within('css_queue_crw', () => {
      const oflw = this.flags.lost;
      if (this.crws.length >= this.capacity) {
        this.m.journal.set(this.flags, 'lost', true);
        return false;
      }
      if (oflw) this.m.journal.set(this.flags, 'lost', false);
      return this.enqueue(encodeCrw({ ...p, oflw: oflw || p.oflw }));
    });
  }

  /** QEMU `css_crw_add_to_queue`: enqueue a ready-made CRW verbatim (no overflow handling). */
  add(crw: number): boolean {
    return this.m.within('css_crw_add_to_queue', () => {
      if (this.crws.length >= this.capacity) {
        this.m.journal.set(this.flags, 'lost', true);
        return false;
      }
      return this.enqueue(crw >>> 0);
    });
  }

  private enqueue(crw: number): boolean {
    this.m.journal.push(this.crws, crw);
    this.m.emit({ kind: 'crw.queued', queue: this.name, crw }, 'instruction');
    if (this.flags.mchkArmed) {
      // one CRW machine check per batch (css §6.3)
      this.m.journal.set(this.flags, 'mchkArmed', false);
      this.m.journal.set(this.flags, 'mchkPending', true);
    }
    return true;
  }

  /** STCRW: cc 0 and the oldest CRW, or cc 1 and zero (re-arms the machine check), css §6.3. */
  stcrw(): { cc: number; crw: number } {
    const crw = this.m.journal.shift(this.crws);
    if (crw === undefined) {
      this.m.journal.set(this.flags, 'mchkArmed', true);
      return { cc: 1, crw: 0 };
    }
    return { cc: 0, crw };
  }

  /** Put a dequeued CRW back at the head (STCRW store fault: the instruction is suppressed). */
  undoStcrw(crw: number): void {
    this.m.journal.splice(this.crws, 0, 0, crw);
  }

  /** The CPU takes the CRW machine check. */
  takeMachineCheck(): boolean {
    if (!this.flags.mchkPending) return false;
    this.m.journal.set(this.flags, 'mchkPending', false);
    return true;
  }

  /** Reset: empty queue, no loss, machine check re-armed. */
  reset(): void {
    while (this.crws.length) this.m.journal.shift(this.crws);
    this.m.journal.set(this.flags, 'lost', false);
    this.m.journal.set(this.flags, 'mchkArmed', true);
    this.m.journal.set(this.flags, 'mchkPending', false);
  }
}
