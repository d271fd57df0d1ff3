/**
 * I/O-interruption requests (css §5.4): one FIFO per interruption subclass, at most one request
 * per subchannel. A request is presented (TPI, or the CPU taking the interruption) when its ISC
 * is enabled in CR6 (mask `(0x80 >> isc) << 24`); ISC 0 has the highest priority.
 */
import { hearSlot, type Machine } from '../engine/machine';
import { IRQ_QUEUED_ID, KIND_WORDS, numberRowWords } from '../engine/eventCodec';
import { IntFifo } from '../engine/intFifo';

const HEAR_QUEUED = hearSlot('irq.queued');
const QUEUED_WORDS = new Int32Array(KIND_WORDS[IRQ_QUEUED_ID]);

/** queue()'s event, heard: apart so that the end of every channel program inlines queue (issue 12). */
function emitQueued(m: Machine, sch: number, isc: number): void {
  if (!m.isLean && numberRowWords(IRQ_QUEUED_ID, QUEUED_WORDS, sch, isc)) m.emitWords(IRQ_QUEUED_ID, 'irq.queued', QUEUED_WORDS, 'instruction');
  else m.emit({ kind: 'irq.queued', sch, isc }, 'instruction');
}

export interface InterruptionCode {
  /** Subchannel-identification word: 0x0001_0000 | schno (css §5.1, §5.4). */
  sid: number;
  intparm: number;
  /** Interruption-identification word: ISC in bits 2–4 (`isc << 27`), css §5.4. */
  iid: number;
}

export class IoInterruptions {
  /**
   * fifos[isc] = subchannel numbers in arrival order (engine/intFifo.ts: journaled element by
   * element, so a loop's request and its presentation are compact journal entries, issue 12).
   */
  readonly fifos: readonly IntFifo[];
  /** Control register 6 (I/O-interruption subclass mask); all ISCs enabled by default. */
  readonly cr = { cr6: 0xff000000 };

  constructor(private readonly m: Machine) {
    this.fifos = Array.from({ length: 8 }, () => new IntFifo(m.journal));
  }

  /** queues[isc] = the subchannel numbers queued for ISC isc, in arrival order (copies, for views and checks). */
  get queues(): number[][] {
    return this.fifos.map((q) => q.toArray());
  }

  /** The ISC whose queue holds `sch`, or -1. */
  queuedIsc(sch: number): number {
    // loops, not findIndex/some: no closure per SSCH, TSCH or runner wait (issue 12)
    // an empty queue is not searched (most are: every SSCH, TSCH and TPI asks, issue 12)
    const qs = this.fifos;
    for (let isc = 0; isc < qs.length; isc++) {
      const q = qs[isc];
      if (q.len !== 0 && (q.at(0) === sch || q.indexOf(sch) >= 0)) return isc;
    }
    return -1;
  }

  /** Queue a request for `sch` unless one is already queued (css §5.4). Returns true if queued now. */
  queue(sch: number, isc: number): boolean {
    if (this.queuedIsc(sch) >= 0) return false;
    this.fifos[isc].push(sch);
    this.m.stir(); // a `wait interrupt` may end (Machine.runActions)
    // not built when nobody records or reads it; journaled, codec words (issue 12)
    const m = this.m;
    if (!m.hears(HEAR_QUEUED)) m.unheard();
    else emitQueued(m, sch, isc);
    return true;
  }

  /** Withdraw the request of `sch`, if any (TSCH cc 0, CSCH). */
  withdraw(sch: number): void {
    const isc = this.queuedIsc(sch);
    if (isc < 0) return;
    const q = this.fifos[isc];
    q.removeAt(q.indexOf(sch));
  }

  enabled(isc: number): boolean {
    return ((this.cr.cr6 >>> 24) & (0x80 >> isc)) !== 0;
  }

  setCr6(value: number): void {
    this.m.journal.set(this.cr, 'cr6', value >>> 0);
    this.m.stir();
  }

  /** Is any request queued for an enabled ISC? */
  pending(): boolean {
    return this.presentableIsc() >= 0;
  }

  /**
   * The ISC of the highest-priority enabled request, or -1; `take(isc)` then dequeues it (no
   * [sch, isc] pair per TPI, issue 12: one per SSCH/TSCH cycle).
   */
  presentableIsc(): number {
    for (let isc = 0; isc < 8; isc++) if (this.fifos[isc].len > 0 && this.enabled(isc)) return isc;
    return -1;
  }

  /** Dequeue the oldest request of ISC `isc` (which `presentableIsc` returned): its subchannel. */
  take(isc: number): number {
    return this.fifos[isc].shift();
  }
}
