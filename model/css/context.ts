/**
 * The channel subsystem's state, shared by the instructions, the channel and the facade: the
 * SCHIB store, the interruption queues, devices, channel paths and the per-subchannel channel
 * program state. Every change goes through `m.journal`.
 */
import type { Machine } from '../engine/machine';
import type { GuestMemory } from '../guest/memory';
import type { Device, DeviceOp } from '../devices/device';
import { SchibStore } from './schib';
import { IoInterruptions } from './interruptions';
import type { OrbFields } from './orb';
import { STCTL } from './status';
import { GuestCpu } from '../guest/cpu';

/** State of the channel program of one subchannel (QEMU keeps the same in `SubchDev`). */
export interface ChanState {
  readonly orb: Readonly<OrbFields>;
  readonly fmt: 0 | 1;
  /** Address of the next CCW to fetch (QEMU `channel_prog`). */
  next: number;
  /** Address of the CCW fetched last (0 before the first). */
  cur: number;
  /** The CCW fetched last was a TIC (TIC-after-TIC check, css §3.4). */
  lastTic: boolean;
  /** CCWs with CDA 0 so far (loop guard: more than 255 → program check, css §3.6). */
  noData: number;
  /** Command in progress across data chaining, or -1. */
  cmd: number;
  op: DeviceOp | undefined;
  /** Bytes moved so far for the command in progress. */
  moved: number;
  /** Bytes gathered from memory for an output command. */
  out: readonly number[];
  /** CCWs processed (for traces). */
  ccws: number;
  /** Address of a CCW whose scripted device delay has been served (css §4 device rules), or -1. */
  delayedAt: number;
}

export interface ChannelPath {
  readonly chpid: number;
  readonly type: number;
  /** The path responds (false: dropped from POM and recorded in PNOM at selection, css §5.5). */
  operational: boolean;
  /** SCLP state: configured (true) or standby (false), css §7.1. */
  configured: boolean;
  /** Machine view of the physical path: machine CRW RSC 4 ERC 2 (true) / ERC 6 (false), css §6.2. */
  online: boolean;
}

export class CssCore {
  readonly schib: SchibStore;
  readonly irq: IoInterruptions;
  /** Devices by subchannel number. */
  readonly devices = new Map<number, Device>();
  /** Subchannel number by device number. */
  readonly devnos = new Map<number, number>();
  readonly chpids = new Map<number, ChannelPath>();
  readonly chan = new Map<number, ChanState>();
  readonly irbs = new Map<number, Uint8Array>();
  /**
   * Per subchannel: path-mask bits on which the device does not respond (`machine path-failure`,
   * `machine not-oper`): selection drops them into PNOM (css §5.5).
   */
  readonly pathFailures = new Map<number, number>();
  /**
   * Per subchannel: path-mask bits on which the subchannel is not operational for START
   * SUBCHANNEL itself (`machine start-not-oper`): an SSCH whose candidate paths all lie in the mask
   * ends with immediate cc 3 (css §5.2, §5.5) [unverified: chosen].
   */
  readonly startNotOper = new Map<number, number>();
  /** Unsolicited device status held until the subchannel can take it (sch → unit status). */
  readonly heldStatus = new Map<number, number>();
  /** Highest subchannel number defined (STSCH cc 3 beyond it, css §5.2). */
  readonly limits = { maxSch: -1 };
  ccwLineResolver: (addr: number) => number | undefined = () => undefined;
  /** The CPU issuing this channel subsystem's instructions: PSW key, problem state, CR0 (css §11.3). */
  readonly cpu: GuestCpu;

  constructor(
    readonly m: Machine,
    readonly mem: GuestMemory,
  ) {
    this.cpu = new GuestCpu(m);
    this.schib = new SchibStore(m);
    this.irq = new IoInterruptions(m);
  }

  exists(sch: number): boolean {
    return this.devices.has(sch);
  }

  /** Change fields of a subchannel's channel state, journaled. */
  setChan(sch: number, patch: Partial<ChanState>): void {
    const st = this.chan.get(sch);
    if (!st) throw new Error(`internal: no channel state for subchannel 0x${sch.toString(16)}`);
    // for…in, not Object.keys: no array per CCW step (issue 12); patches are plain literals
    for (const k in patch) {
      this.m.journal.set(st as unknown as Record<string, unknown>, k, patch[k as keyof ChanState]);
    }
  }

  /** Is channel path `chpid` operational? Undeclared CHPIDs count as operational. */
  pathOperational(chpid: number): boolean {
    return this.chpids.get(chpid)?.operational ?? true;
  }

  /** Does the device of `sch` respond on path-mask bit `bit`? (channel path and device, css §5.5) */
  pathWorks(sch: number, i: number): boolean {
    const bit = 0x80 >> i;
    return this.pathOperational(this.schib.get(sch, `pmcw.chpid${i}`)) && !((this.pathFailures.get(sch) ?? 0) & bit);
  }

  /** css §5.2 "not operational": not provided, DNV = 0 or ENA = 0. */
  operational(sch: number): boolean {
    return this.exists(sch) && this.schib.get(sch, 'pmcw.dnv') === 1 && this.schib.get(sch, 'pmcw.ena') === 1;
  }

  statusPending(sch: number): boolean {
    return (this.schib.get(sch, 'scsw.stctl') & STCTL.PENDING) !== 0;
  }

  /** css §5.4: queue an I/O-interruption request for PMCW.ISC if the subchannel is enabled. */
  injectIo(sch: number): void {
    this.m.within('css_inject_io_interrupt', () => {
      if (this.schib.get(sch, 'pmcw.ena') !== 1) return;
      this.irq.queue(sch, this.schib.get(sch, 'pmcw.isc'));
    });
  }
}
