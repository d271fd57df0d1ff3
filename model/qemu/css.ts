/**
 * QEMU's channel subsystem for a vfio-ccw guest (hw/s390x/css.c + hw/vfio/ccw.c, css §10):
 * the guest's virtual subchannels built from host sysfs, the guest's I/O instructions
 * (SSCH / HSCH / CSCH forwarded to the vfio-ccw regions with the errno → cc / unit-exception
 * mapping; STSCH refreshed from the schib region; TSCH, MSCH, XSCH, TPI, STCRW on QEMU's copy),
 * I/O completion from the io region, and CRW forwarding into the guest CRW queue with
 * machine-check throttling (css §6.3). It is the `GuestIo` of the vfio topology: this file is
 * the facade; realize / reopen are in realize.ts, the forwarded instructions in forwarding.ts,
 * the eventfd handlers in notifiers.ts.
 */
import type { Machine } from '../engine/machine';
import type { GuestMemory } from '../guest/memory';
import type { GuestIo } from '../guest/io';
import { CssCore } from '../css/context';
import { CrwQueue } from '../css/crw';
import { checkOperandAddr, parseSid, tpi, tsch, stsch } from '../css/instructions';
import { ProgramInterruption } from '../css/program-interruption';
import { FIELD } from '../css/schib';
import { checkCpuAccess } from '../css/storageAccess';
import { SCHIB_BYTES } from '../css/fields';
import { msch } from '../css/msch';
import type { OrbFields } from '../css/orb';
import type { VfioCcw } from '../linux/vfio-ccw/driver';
import { SCHIB_REGION, getU32 } from '../linux/vfio-ccw/regions';
import { schBusId } from '../linux/cio/constants';
import type { IoReadResult } from './mapping';
import { QemuForwarding } from './forwarding';
import * as realizing from './realize';
import * as notifiers from './notifiers';

/** Per-device QEMU state (VFIOCCWDevice + the SubchDev extras). */
export interface QemuDevice {
  readonly sch: number;
  /** Region offsets found at realize (css §10.1); undefined = region missing, not used. */
  regions: { io: number; async?: number; schib?: number; crw?: number };
  /** sch->orb and sch->channel_prog of the last start. */
  orb: OrbFields | undefined;
  channelProg: number;
  /** ESW and sense data saved from the last IRB (css §10.4). */
  esw: Uint8Array;
  sense: Uint8Array;
  /** Counters for views and expects. */
  stats: { unitExceptions: number; ioIrqs: number; crwsForwarded: number; eagainRetries: number };
}

export interface QemuOptions {
  /** `force-orb-pfch` (QEMU 3.0+, default off; css §2). */
  forceOrbPfch: boolean;
}

const sidOf = (sch: number) => (0x00010000 | sch) >>> 0;

export class QemuCss implements GuestIo {
  /** The guest's channel subsystem image (virtual subchannels, ISC queues). */
  readonly core: CssCore;
  /** QEMU's global pending-CRW queue (css §6.3). */
  readonly crws: CrwQueue;
  readonly devices = new Map<number, QemuDevice>();
  readonly options: QemuOptions = { forceOrbPfch: false };
  /** CRW machine checks injected into the guest (css §6.3 throttling). */
  readonly mchk = { injected: 0 };
  private readonly forwarding = new QemuForwarding(this);

  constructor(readonly m: Machine, readonly mem: GuestMemory, readonly vfio: VfioCcw) {
    this.core = new CssCore(m, mem);
    this.crws = new CrwQueue(m, 'guest');
    vfio.onEventfd((sch, irq) => notifiers.onEventfd(this, sch, irq));
  }

  private warn(message: string, ref: string): void {
    this.m.emit({ kind: 'warn', message, ref }, 'instruction');
  }

  device(sch: number): QemuDevice | undefined {
    return this.devices.get(sch);
  }

  // ---- realize (realize.ts; css §10.1, §7.2) -----------------------------------------------

  /** `vfio_ccw_realize`: open the device, check the regions, install the eventfds, build the guest SCHIB. */
  realize(sch: number): void {
    realizing.realize(this, sch);
  }

  /** `vfio open SID` while QEMU's device exists: open again, register the eventfds again; 0 or −errno. */
  reopen(sch: number): number {
    return realizing.reopen(this, sch);
  }

  // ---- guest instructions (SSCH / HSCH / CSCH / XSCH / RSCH in forwarding.ts) ----------------

  /** SSCH (css §10.2): `css_do_ssch` checks, then the io-region write. */
  ssch(sid: number, orb: OrbFields, orbAddr?: number): number {
    return this.forwarding.ssch(sid, orb, orbAddr);
  }

  /** HSCH (css §10.2): `css_do_hsch` checks and SCSW update, then the async region (or local emulation). */
  hsch(sid: number): number {
    return this.forwarding.hsch(sid);
  }

  /** CSCH (css §10.2). */
  csch(sid: number): number {
    return this.forwarding.csch(sid);
  }

  /** XSCH on QEMU's copy only (css §10.2, §5.2). */
  xsch(sid: number): number {
    return this.forwarding.xsch(sid);
  }

  /** RSCH (css §5.2 checks on QEMU's copy), forwarded as a new start request. */
  rsch(sid: number): number {
    return this.forwarding.rsch(sid);
  }

  /** STSCH (css §10.3): refresh PNOM, LPUM, PAM, POM and OR in PNO from the schib region. */
  stsch(sid: number, schibAddr?: number): { cc: number; schib: Uint8Array } {
    const frame = this.m.enter('ioinst_handle_stsch');
    try {
      // QEMU ioinst_handle_stsch: the operand address is checked before the SID (css §5.1)
      checkOperandAddr(this.core, schibAddr, SCHIB_BYTES, 'SCHIB', 'store');
      const { sch, provided } = parseSid(sid);
      if (provided && this.devices.has(sch)) this.m.within('css_do_stsch', () => this.refreshSchib(sch));
      return stsch(this.core, sid, schibAddr);
    } finally {
      this.m.leave(frame);
    }
  }

  /** `vfio_ccw_handle_store` (css §10.3). Read errors are only logged. */
  refreshSchib(sch: number): void {
    this.m.within('vfio_ccw_handle_store', () => {
      const d = this.devices.get(sch)!;
      if (d.regions.schib === undefined) return; // no schib region: the guest SCHIB is used as-is
      const r = this.vfio.read(sch, d.regions.schib, SCHIB_REGION.size);
      if (r.ret !== SCHIB_REGION.size) {
        this.warn(`vfio-ccw ${schBusId(sch)}: reading the schib region failed (${r.ret}); guest SCHIB unchanged`, 'css §10.2');
        return;
      }
      const h = r.data;
      const s = this.core.schib;
      s.set(sch, FIELD['pmcw.pnom'], h[9]);
      s.set(sch, FIELD['pmcw.lpum'], h[10]);
      s.set(sch, FIELD['pmcw.pam'], h[15]);
      s.set(sch, FIELD['pmcw.pom'], h[14]);
      if (getU32(h, 28) & 0x00010000) s.set(sch, FIELD['scsw.pno'], 1);
    });
  }

  /** TSCH on QEMU's copy, with the IRB built from the saved host ESW and sense (css §10.4). */
  tsch(sid: number, irbAddr?: number): { cc: number; irb: Uint8Array } {
    return tsch(this.core, sid, irbAddr, this.passthroughIrb);
  }

  /**
   * `build_irb_passthrough` (css §10.4): ESW from the hardware; ECW = sense when ERW.S. TSCH
   * hands over the virtual IRB it just built for this call, so it is filled in place (issue 12:
   * no copy, and no closure per TSCH).
   */
  private readonly passthroughIrb = (sch: number, virtual: Uint8Array): Uint8Array => {
    const d = this.devices.get(sch);
    if (!d) return virtual;
    virtual.set(d.esw, 12);
    virtual.fill(0, 32, 64);
    if (getU32(d.esw, 4) & 0x01000000) virtual.set(d.sense, 32);
    return virtual;
  };

  msch(sid: number, changes: Record<string, number>, schibAddr?: number): number {
    return msch(this.core, sid, changes, schibAddr);
  }

  /** TPI on QEMU's queues; `addr` 0 stores into the guest lowcore (css §5.1, §11.6). */
  tpi(addr?: number): { cc: number; sid: number; intparm: number; iid: number } {
    return tpi(this.core, addr);
  }

  /**
   * STCRW from QEMU's queue (css §6.3): cc 1 re-arms the CRW machine check. With `addr` the CRW
   * is stored into guest memory (QEMU `ioinst_handle_stcrw`): alignment → specification, outside
   * memory → addressing, and the dequeued CRW goes back to the head when the store faults.
   */
  stcrw(addr?: number): { cc: number; crw: number } {
    const frame = this.m.enter('ioinst_handle_stcrw');
    try {
      if (addr !== undefined && addr & 3) throw new ProgramInterruption('specification', `STCRW area 0x${addr.toString(16)} is not word aligned (css §5.1)`);
      const r = this.m.within('css_do_stcrw', () => this.crws.stcrw());
      if (addr !== undefined) {
        try {
          // css §11.6: access exceptions of the 4-byte store (LAP, addressing, PSW key)
          checkCpuAccess(this.core.cpu, this.mem, addr, 4, 'store', 'STCRW area');
        } catch (e) {
          // css §6.3: "if storing faults, the dequeued CRW is put back at the head" (css_undo_stcrw)
          if (r.cc === 0) this.m.within('css_undo_stcrw', () => this.crws.undoStcrw(r.crw));
          throw e;
        }
        this.mem.writeU32(addr, r.crw);
      }
      this.m.emit({ kind: 'instr', name: 'STCRW', sch: 0, cc: r.cc, detail: `crw=0x${r.crw.toString(16).padStart(8, '0')}` }, 'instruction');
      return r;
    } finally {
      this.m.leave(frame);
    }
  }

  interruptionPending(): boolean {
    return this.core.irq.pending();
  }

  // ---- eventfd handlers (notifiers.ts; QEMU main loop) ----------------------------------------

  /** QEMU's reaction to the REQ eventfd (css §8.2, §10.1): unplug of the vfio-ccw device. */
  unplug(sch: number): void {
    notifiers.unplug(this, sch);
  }

  /** css §10.4: read the whole io region and update the guest SCSW, then inject the interruption. */
  ioNotifier(sch: number, forced?: IoReadResult): void {
    notifiers.ioNotifier(this, sch, forced);
  }
}

export { sidOf };
