/**
 * QEMU's channel subsystem for a vfio-ccw guest (hw/s390x/css.c + hw/vfio/ccw.c, css §10):
 * the guest's virtual subchannels built from host sysfs, the guest's I/O instructions
 * (SSCH / HSCH / CSCH forwarded to the vfio-ccw regions with the errno → cc / unit-exception
 * mapping; STSCH refreshed from the schib region; TSCH, MSCH, XSCH, TPI, STCRW on QEMU's copy),
 * I/O completion from the io region, and CRW forwarding into the guest CRW queue with
 * machine-check throttling (css §6.3). It is the `GuestIo` of the vfio topology.
 */
import type { Machine } from '../engine/machine';
import type { GuestMemory } from '../guest/memory';
import type { GuestIo } from '../guest/io';
import { CssCore } from '../css/context';
import { CrwQueue } from '../css/crw';
import { parseSid, tpi, tsch, stsch } from '../css/instructions';
import { msch } from '../css/msch';
import { checkOrbWidths, encodeOrb, orbOperandProblem, type OrbFields } from '../css/orb';
import { ProgramInterruption } from '../css/program-interruption';
import { ACTL, FCTL, STCTL, DSTAT, STCTL_ALERT_END } from '../css/status';
import { ERC, RSC } from '../css/crw';
import { wordsToBytes } from '../css/fields';
import { createDevice } from '../devices/factory';
import type { VfioCcw } from '../linux/vfio-ccw/driver';
import { ASYNC_CMD, ASYNC_REGION, CRW_REGION, IO_REGION, SCHIB_REGION, getU32, regionOffset, type IrqName } from '../linux/vfio-ccw/regions';
import { eventfdTestAndClear } from '../linux/vfio-ccw/eventfd';
import { pimpampom, chpids as sysfsChpids } from '../linux/cio/sysfs';
import { schBusId } from '../linux/cio/constants';
import { QEMU_THREAD } from './threads';
import { ioReadOutcome, requestOutcome, type IoReadResult } from './mapping';

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
  private pfchWarned = false;

  constructor(readonly m: Machine, readonly mem: GuestMemory, readonly vfio: VfioCcw) {
    this.core = new CssCore(m, mem);
    this.crws = new CrwQueue(m, 'guest');
    vfio.onEventfd((sch, irq) => this.onEventfd(sch, irq));
  }

  private qemu<T>(name: string, fn: () => T): T {
    return this.m.onThread(QEMU_THREAD, () => this.m.within(name, fn));
  }

  private warn(message: string, ref: string): void {
    this.m.emit({ kind: 'warn', message, ref }, 'instruction');
  }

  device(sch: number): QemuDevice | undefined {
    return this.devices.get(sch);
  }

  // ---- realize (css §10.1, §7.2) -----------------------------------------------------------

  /**
   * `vfio_ccw_realize`: open the device, check the regions, install the eventfds, and build the
   * guest SCHIB from host sysfs (PIM/PAM/POM from `pimpampom`, CHPIDs from `chpids`, LPM 0,
   * disabled). The guest subchannel number and device number are the host's (a modelling
   * choice; QEMU lets the user choose them).
   */
  realize(sch: number): void {
    this.qemu('vfio_ccw_realize', () => {
      const v = this.vfio;
      const ret = v.open(sch);
      if (ret) throw new Error(`vfio-ccw ${schBusId(sch)}: opening the device failed ${ret}`);
      const priv = v.device(sch);
      const regions: QemuDevice['regions'] = { io: regionOffset(0) };
      priv.regions.forEach((r, i) => {
        const off = regionOffset(i + 1);
        const want = r.name === 'async' ? ASYNC_REGION.size : r.name === 'schib' ? SCHIB_REGION.size : CRW_REGION.size;
        if (r.size !== want) throw new Error(`vfio-ccw: ${r.name} region has size ${r.size}, expected ${want} (css §10.1)`);
        if (r.name === 'async') regions.async = off;
        if (r.name === 'schib') regions.schib = off;
        if (r.name === 'crw') regions.crw = off;
      });
      if (IO_REGION.size !== 124) throw new Error('vfio-ccw: config region size mismatch (css §10.1)');
      v.setIrq(sch, 'io', true);
      if (regions.crw !== undefined) v.setIrq(sch, 'crw', true);
      if (v.setIrq(sch, 'req', true) !== 0) this.warn(`vfio-ccw ${schBusId(sch)}: no REQ IRQ index in this kernel (only a warning)`, 'css §10.1');
      this.m.journal.mapSet(this.devices, sch, {
        sch, regions, orb: undefined, channelProg: 0, esw: new Uint8Array(20), sense: new Uint8Array(32),
        stats: { unitExceptions: 0, ioIrqs: 0, crwsForwarded: 0, eagainRetries: 0 },
      });
      this.buildSchib(sch);
    });
  }

  /**
   * `vfio open SID` while QEMU's vfio-ccw device exists: QEMU opens the device fd again and, as at
   * realize (css §10.1), registers its IO eventfd, the CRW eventfd if the CRW region exists, and
   * the REQ eventfd if the kernel has the index. Returns the open's result (0 or −errno); on
   * failure nothing is registered. The guest subchannel is left as it is.
   * [unverified: chosen — the kernel's close_device drops the eventfds (css §8.3); the reference
   *  does not describe a userspace reopen, so the model has QEMU redo its realize-time IRQ setup]
   */
  reopen(sch: number): number {
    return this.qemu('vfio_ccw_reopen', () => {
      const v = this.vfio;
      const ret = v.open(sch);
      if (ret) return ret;
      this.warn(`vfio-ccw ${schBusId(sch)}: device reopened by QEMU: IO/CRW/REQ eventfds registered again as at realize [unverified: chosen]`, 'css §8.2, §10.1');
      this.m.within('vfio_ccw_register_irq_notifier', () => {
        v.setIrq(sch, 'io', true);
        if (v.device(sch).regions.some((r) => r.name === 'crw')) v.setIrq(sch, 'crw', true);
        v.setIrq(sch, 'req', true); // no REQ index (5.8): -EINVAL, only a warning at realize
      });
      return 0;
    });
  }

  /** `css_sch_build_schib` from sysfs (css §7.2). */
  private buildSchib(sch: number): void {
    const c = this.core;
    const s = c.schib;
    const host = this.vfio.css;
    const [pim, pam, pom] = pimpampom(this.vfio.cio, sch).split(' ').map((x) => parseInt(x, 16));
    const ids = sysfsChpids(this.vfio.cio, sch).trim().split(' ').map((x) => parseInt(x, 16));
    const devno = host.field(sch, 'pmcw.dev');
    s.set(sch, 'pmcw.dnv', 1);
    s.set(sch, 'pmcw.dev', devno);
    s.set(sch, 'pmcw.pim', pim);
    s.set(sch, 'pmcw.pam', pam);
    s.set(sch, 'pmcw.pom', pom);
    s.set(sch, 'pmcw.lpm', 0);
    ids.forEach((id, i) => s.set(sch, `pmcw.chpid${i}`, id));
    this.m.journal.mapSet(c.devices, sch, createDevice(this.m, 'echo', devno)); // placeholder: I/O goes to vfio-ccw
    this.m.journal.mapSet(c.devnos, devno, sch);
    if (sch > c.limits.maxSch) this.m.journal.set(c.limits, 'maxSch', sch);
  }

  // ---- guest instructions ------------------------------------------------------------------

  private instr(name: string, sch: number, cc: number, detail = ''): number {
    this.m.emit({ kind: 'instr', name, sch, cc, detail }, 'instruction');
    return cc;
  }

  private get s() {
    return this.core.schib;
  }

  /** SSCH (css §10.2): `css_do_ssch` checks, then the io-region write. */
  ssch(sid: number, orb: OrbFields): number {
    return this.m.within('ioinst_handle_ssch', () => {
      const { sch, provided } = parseSid(sid);
      checkOrbWidths(orb);
      const problem = orbOperandProblem(orb);
      if (problem) throw new ProgramInterruption('operand', problem);
      if (!provided || !this.core.exists(sch)) return this.instr('SSCH', sch, 3, 'subchannel not provided');
      const cc = this.m.within('css_do_ssch', () => {
        const s = this.s;
        if (!this.core.operational(sch)) return 3;
        if (this.core.statusPending(sch)) return 1;
        if (s.get(sch, 'scsw.fctl') !== 0) return 2;
        const d = this.devices.get(sch)!;
        const saved = s.word(sch, 7);
        let o = { ...orb };
        this.m.journal.set(d, 'orb', o);
        this.m.journal.set(d, 'channelProg', orb.cpa);
        s.set(sch, 'scsw.fctl', FCTL.START);
        s.set(sch, 'scsw.actl', s.get(sch, 'scsw.actl') | ACTL.START_PEND);
        s.set(sch, 'scsw.pno', 0);
        return this.m.within('sch_handle_start_func_passthrough', () => {
          if (!(s.get(sch, 'scsw.actl') & ACTL.SUSPENDED)) s.set(sch, 'pmcw.intparm', orb.intparm >>> 0);
          if (!o.pfch && this.options.forceOrbPfch) {
            o = { ...o, pfch: 1 };
            this.m.journal.set(d, 'orb', o);
            if (!this.pfchWarned) {
              this.pfchWarned = true;
              this.warn('vfio-ccw (devno): PFCH flag forced (force-orb-pfch=on)', 'css §2');
            }
          }
          const cc = this.requestStart(sch, o);
          if (cc !== 0) s.setWord(sch, 7, saved); // css §5.3: ctrl/flags restored on a nonzero cc
          return cc;
        });
      });
      return this.instr('SSCH', sch, cc, `cpa=0x${orb.cpa.toString(16)} lpm=0x${orb.lpm.toString(16)}`);
    });
  }

  /** `vfio_ccw_handle_request`: write ORB + SCSW into the io region; map the result (css §10.2). */
  private requestStart(sch: number, orb: OrbFields): number {
    return this.m.within('vfio_ccw_handle_request', () => {
      const region = new Uint8Array(IO_REGION.size);
      region.set(wordsToBytes(encodeOrb(orb)), 0);
      region.set(wordsToBytes([this.s.word(sch, 7), this.s.word(sch, 8), this.s.word(sch, 9)]), 12);
      const ret = this.writeRetrying(sch, 0, region); // retry on -EAGAIN (css §10.2)
      return this.mapOutcome(sch, ret, 'ssch');
    });
  }

  /**
   * pwrite with QEMU's `goto again` on -EAGAIN (css §10.2: io_mutex contention, css §8.1).
   * [unverified: chosen — QEMU retries without bound; the model stops after 100 attempts and
   *  lets -EAGAIN take the "other error" row (unit exception)]
   */
  private writeRetrying(sch: number, offset: number, region: Uint8Array): number {
    const d = this.devices.get(sch)!;
    let ret = this.vfio.write(sch, offset, region);
    for (let i = 1; i < 100 && ret === -11; i++) {
      this.m.journal.set(d, 'stats', { ...d.stats, eagainRetries: d.stats.eagainRetries + 1 });
      ret = this.vfio.write(sch, offset, region);
    }
    if (ret === -11) this.warn(`vfio-ccw ${schBusId(sch)}: region write still -EAGAIN after 100 attempts; the model stops retrying`, 'css §10.2, §8.1');
    return ret;
  }

  private mapOutcome(sch: number, ret: number, instr: 'ssch' | 'hsch' | 'csch'): number {
    const o = requestOutcome(ret, instr);
    if ('cc' in o) return o.cc;
    this.warn(`vfio-ccw ${schBusId(sch)}: ${instr === 'ssch' ? 'write I/O region' : 'async command'} failed with ${ret}: unit exception to the guest`, 'css §10.2');
    this.unitException(sch);
    return 0;
  }

  /** `sch_gen_unit_exception` (QEMU ≥6.1, css §10.2) + `css_inject_io_interrupt`. */
  private unitException(sch: number): void {
    this.m.within('sch_gen_unit_exception', () => {
      const s = this.s;
      const d = this.devices.get(sch)!;
      s.set(sch, 'scsw.actl', s.get(sch, 'scsw.actl') & ~(ACTL.DEV_ACTIVE | ACTL.SCH_ACTIVE));
      s.set(sch, 'scsw.stctl', s.get(sch, 'scsw.stctl') | STCTL_ALERT_END);
      s.set(sch, 'scsw.cpa', (d.channelProg + 8) >>> 0);
      s.set(sch, 'scsw.dstat', DSTAT.UE);
      this.m.journal.set(d, 'stats', { ...d.stats, unitExceptions: d.stats.unitExceptions + 1 });
      this.core.injectIo(sch);
    });
  }

  /** HSCH (css §10.2): `css_do_hsch` checks and SCSW update, then the async region (or local emulation). */
  hsch(sid: number): number {
    return this.m.within('ioinst_handle_hsch', () => {
      const { sch, provided } = parseSid(sid);
      if (!provided || !this.core.exists(sch)) return this.instr('HSCH', sch, 3);
      const cc = this.m.within('css_do_hsch', () => {
        const s = this.s;
        if (!this.core.operational(sch)) return 3;
        const stctl = s.get(sch, 'scsw.stctl');
        if (stctl === STCTL.PENDING || stctl & (STCTL.PRIMARY | STCTL.SECONDARY | STCTL.ALERT)) return 1;
        const fctl = s.get(sch, 'scsw.fctl');
        if (fctl & (FCTL.HALT | FCTL.CLEAR)) return 2;
        const saved = s.word(sch, 7);
        s.set(sch, 'scsw.fctl', (fctl | FCTL.HALT) & ~FCTL.START);
        const actl = s.get(sch, 'scsw.actl');
        if (actl === (ACTL.SCH_ACTIVE | ACTL.DEV_ACTIVE) && stctl === STCTL.INTERMEDIATE) s.clear(sch, 'scsw.stctl', STCTL.PENDING);
        s.set(sch, 'scsw.actl', actl | ACTL.HALT_PEND);
        const cc = this.asyncCmd(sch, 'hsch');
        if (cc !== 0) s.setWord(sch, 7, saved);
        return cc;
      });
      return this.instr('HSCH', sch, cc);
    });
  }

  /** CSCH (css §10.2). */
  csch(sid: number): number {
    return this.m.within('ioinst_handle_csch', () => {
      const { sch, provided } = parseSid(sid);
      if (!provided || !this.core.exists(sch)) return this.instr('CSCH', sch, 3);
      const cc = this.m.within('css_do_csch', () => {
        const s = this.s;
        if (!this.core.operational(sch)) return 3;
        const saved = s.word(sch, 7);
        s.set(sch, 'scsw.fctl', FCTL.CLEAR);
        s.set(sch, 'scsw.actl', ACTL.CLEAR_PEND);
        const cc = this.asyncCmd(sch, 'csch');
        if (cc !== 0) s.setWord(sch, 7, saved);
        return cc;
      });
      return this.instr('CSCH', sch, cc);
    });
  }

  /** `vfio_ccw_handle_halt/clear`: the async region, or local emulation when it is missing. */
  private asyncCmd(sch: number, instr: 'hsch' | 'csch'): number {
    return this.m.within(instr === 'hsch' ? 'vfio_ccw_handle_halt' : 'vfio_ccw_handle_clear', () => {
      const d = this.devices.get(sch)!;
      if (d.regions.async === undefined) {
        // -ENOSYS: emulate the function on QEMU's copy (css §10.2 "no async region → emulate")
        this.warn(`no async region: ${instr.toUpperCase()} emulated locally`, 'css §10.2');
        this.emulateLocally(sch, instr);
        return 0;
      }
      const region = new Uint8Array(ASYNC_REGION.size);
      region[3] = instr === 'hsch' ? ASYNC_CMD.HSCH : ASYNC_CMD.CSCH;
      const ret = this.writeRetrying(sch, d.regions.async, region);
      return this.mapOutcome(sch, ret, instr);
    });
  }

  private emulateLocally(sch: number, instr: 'hsch' | 'csch'): void {
    const s = this.s;
    if (instr === 'csch') {
      s.set(sch, 'pmcw.pom', 0xff);
      s.set(sch, 'scsw.pno', 0);
      s.set(sch, 'scsw.dstat', 0);
      s.set(sch, 'scsw.cstat', 0);
    }
    s.set(sch, 'scsw.actl', s.get(sch, 'scsw.actl') & ~(instr === 'hsch' ? ACTL.HALT_PEND : ACTL.CLEAR_PEND));
    s.set(sch, 'scsw.stctl', STCTL.PENDING);
    this.core.injectIo(sch);
  }

  /** XSCH on QEMU's copy only (css §10.2, §5.2). */
  xsch(sid: number): number {
    return this.m.within('ioinst_handle_xsch', () => {
      const { sch, provided } = parseSid(sid);
      if (!provided || !this.core.exists(sch)) return this.instr('XSCH', sch, 3);
      const cc = this.m.within('css_do_xsch', () => {
        const s = this.s;
        if (!this.core.operational(sch)) return 3;
        if (s.get(sch, 'scsw.stctl') !== 0) return 1;
        const fctl = s.get(sch, 'scsw.fctl');
        const actl = s.get(sch, 'scsw.actl');
        if (fctl !== FCTL.START || !(actl & (ACTL.RESUME_PEND | ACTL.START_PEND | ACTL.SUSPENDED)) || actl & ACTL.SCH_ACTIVE) return 2;
        s.set(sch, 'scsw.fctl', 0);
        s.set(sch, 'scsw.actl', actl & ~(ACTL.RESUME_PEND | ACTL.START_PEND | ACTL.SUSPENDED));
        s.set(sch, 'scsw.dstat', 0);
        s.set(sch, 'scsw.cstat', 0);
        // [unverified: chosen per css §10.2 / §12 — XSCH is not forwarded: a start already written
        //  to the io region keeps running on the host, and its completion still reaches the guest]
        const p = this.vfio.devices.get(sch);
        if (p && (p.state === 'CP_PENDING' || p.cp.initialized)) {
          this.warn(`vfio-ccw ${schBusId(sch)}: XSCH handled on QEMU's copy only (cc 0); the host channel program is not cancelled and its completion will still be reported`, 'css §10.2, §12');
        } else {
          this.warn(`vfio-ccw ${schBusId(sch)}: XSCH handled on QEMU's copy only, not forwarded to the host`, 'css §10.2, §12');
        }
        return 0;
      });
      return this.instr('XSCH', sch, cc, 'QEMU copy only, not forwarded');
    });
  }

  /**
   * RSCH (css §5.2 checks on QEMU's copy, then the start path again).
   * [unverified: chosen — forwarded as a new io-region request with the stored ORB; the
   *  reference marks RSCH over vfio-ccw as not a supported path (css §10.2, §12)]
   */
  rsch(sid: number): number {
    return this.m.within('ioinst_handle_rsch', () => {
      const { sch, provided } = parseSid(sid);
      if (!provided || !this.core.exists(sch)) return this.instr('RSCH', sch, 3);
      const cc = this.m.within('css_do_rsch', () => {
        const s = this.s;
        if (!this.core.operational(sch)) return 3;
        if (this.core.statusPending(sch)) return 1;
        const actl = s.get(sch, 'scsw.actl');
        if (s.get(sch, 'scsw.fctl') !== FCTL.START || actl & ACTL.RESUME_PEND || !(actl & ACTL.SUSPENDED)) return 2;
        const d = this.devices.get(sch)!;
        this.warn('RSCH through vfio-ccw is not a supported path: forwarded as a new start request', 'css §10.2, §12');
        s.set(sch, 'scsw.actl', actl | ACTL.RESUME_PEND);
        return d.orb ? this.requestStart(sch, d.orb) : 0;
      });
      return this.instr('RSCH', sch, cc);
    });
  }

  /** STSCH (css §10.3): refresh PNOM, LPUM, PAM, POM and OR in PNO from the schib region. */
  stsch(sid: number): { cc: number; schib: Uint8Array } {
    return this.m.within('ioinst_handle_stsch', () => {
      const { sch, provided } = parseSid(sid);
      if (provided && this.devices.has(sch)) this.m.within('css_do_stsch', () => this.refreshSchib(sch));
      return stsch(this.core, sid);
    });
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
      const s = this.s;
      s.set(sch, 'pmcw.pnom', h[9]);
      s.set(sch, 'pmcw.lpum', h[10]);
      s.set(sch, 'pmcw.pam', h[15]);
      s.set(sch, 'pmcw.pom', h[14]);
      if (getU32(h, 28) & 0x00010000) s.set(sch, 'scsw.pno', 1);
    });
  }

  /** TSCH on QEMU's copy, with the IRB built from the saved host ESW and sense (css §10.4). */
  tsch(sid: number): { cc: number; irb: Uint8Array } {
    const res = tsch(this.core, sid);
    const sch = sid & 0xffff;
    const d = this.devices.get(sch);
    if (!d || res.cc === 3) return res;
    // build_irb_passthrough: ESW from the hardware; ECW = sense when ERW.S (css §10.4)
    const irb = res.irb.slice();
    irb.set(d.esw, 12);
    irb.fill(0, 32, 64);
    if (getU32(d.esw, 4) & 0x01000000) irb.set(d.sense, 32);
    return { cc: res.cc, irb };
  }

  msch(sid: number, changes: Record<string, number>): number {
    return msch(this.core, sid, changes);
  }

  tpi(): { cc: number; sid: number; intparm: number; iid: number } {
    return tpi(this.core);
  }

  /** STCRW from QEMU's queue (css §6.3): cc 1 re-arms the CRW machine check. */
  stcrw(): { cc: number; crw: number } {
    return this.m.within('ioinst_handle_stcrw', () => {
      const r = this.m.within('css_do_stcrw', () => this.crws.stcrw());
      this.m.emit({ kind: 'instr', name: 'STCRW', sch: 0, cc: r.cc, detail: `crw=0x${r.crw.toString(16).padStart(8, '0')}` }, 'instruction');
      return r;
    });
  }

  interruptionPending(): boolean {
    return this.core.irq.pending();
  }

  // ---- eventfd handlers (QEMU main loop) ---------------------------------------------------

  private onEventfd(sch: number, irq: IrqName): void {
    const d = this.devices.get(sch);
    if (!d) return;
    const fd = this.vfio.device(sch).eventfds[irq];
    if (irq === 'io') this.qemu('vfio_ccw_io_notifier_handler', () => eventfdTestAndClear(this.m, fd) && this.ioNotifier(sch));
    else if (irq === 'crw') this.qemu('vfio_ccw_crw_notifier_handler', () => eventfdTestAndClear(this.m, fd) && this.crwRead(sch));
    else this.qemu('vfio_ccw_req_notifier_handler', () => {
      if (!eventfdTestAndClear(this.m, fd)) return;
      this.unplug(sch);
    });
  }

  /**
   * QEMU's reaction to the REQ eventfd (css §8.2, §10.1): `qdev_unplug` of the vfio-ccw device.
   * The guest subchannel disappears (a subchannel hot-unplug CRW RSC 3 ERC 4 RSID = schno per
   * css §6.3, pending I/O interruptions of it withdrawn; STSCH then gives cc 3 past the last
   * subchannel, css §5.2), then unrealize removes the eventfds and closes the device fd (kernel
   * CLOSE, css §8.3). [unverified: chosen — no MSS/MCSS-E, so the CRW is not chained]
   */
  unplug(sch: number): void {
    this.qemu('qdev_unplug', () => {
      const d = this.devices.get(sch);
      if (!d) return;
      const c = this.core;
      this.warn(`vfio-ccw ${schBusId(sch)}: host requested release (REQ eventfd): QEMU unplugs the device; the guest gets CRW RSC 3 ERC 4 and the subchannel is gone`, 'css §8.2, §6.3');
      this.m.within('css_generate_sch_crws', () => {
        const armed = this.crws.flags.mchkArmed;
        this.crws.queue({ rsc: RSC.SCH, erc: ERC.IPI, rsid: sch });
        if (armed && !this.crws.flags.mchkArmed) this.m.journal.set(this.mchk, 'injected', this.mchk.injected + 1);
        c.irq.withdraw(sch); // CRW_ERC_IPI → css_clear_io_interrupt
      });
      const devno = c.schib.get(sch, 'pmcw.dev');
      this.m.journal.mapDelete(c.devices, sch);
      this.m.journal.mapDelete(c.devnos, devno);
      let max = -1;
      for (const k of c.devices.keys()) if (k > max) max = k;
      this.m.journal.set(c.limits, 'maxSch', max);
      this.m.within('vfio_ccw_unrealize', () => {
        for (const irq of ['req', 'crw', 'io'] as const) this.vfio.setIrq(sch, irq, false);
        this.m.within('vfio_ccw_put_device', () => this.vfio.close(sch));
      });
      this.m.journal.mapDelete(this.devices, sch);
    });
  }

  /** css §10.4: read the whole io region and update the guest SCSW, then inject the interruption. */
  ioNotifier(sch: number, forced?: IoReadResult): void {
    const d = this.devices.get(sch)!;
    const s = this.s;
    const r = this.vfio.read(sch, d.regions.io, IO_REGION.size);
    const result: IoReadResult = forced ?? (r.ret < 0 ? { kind: 'error', errno: -r.ret } : r.ret !== IO_REGION.size ? { kind: 'short' } : { kind: 'ok' });
    const change = ioReadOutcome(result);
    if (change.kind === 'deferred-cc3') {
      s.set(sch, 'scsw.cc', 3);
      s.set(sch, 'scsw.stctl', STCTL.ALERT | STCTL.PENDING);
    } else if (change.kind === 'status') {
      s.set(sch, 'scsw.cstat', change.cstat);
      s.set(sch, 'scsw.actl', s.get(sch, 'scsw.actl') & ~ACTL.START_PEND);
      s.set(sch, 'scsw.stctl', STCTL_ALERT_END);
    } else {
      const irb = r.data.subarray(24, 24 + 64);
      for (let i = 0; i < 3; i++) s.setWord(sch, 7 + i, getU32(irb, i * 4));
      this.m.journal.set(d, 'esw', irb.slice(12, 32));
      if (s.get(sch, 'scsw.dstat') & DSTAT.UC && s.get(sch, 'pmcw.csense')) this.m.journal.set(d, 'sense', irb.slice(32, 64));
    }
    this.m.journal.set(d, 'stats', { ...d.stats, ioIrqs: d.stats.ioIrqs + 1 });
    this.core.injectIo(sch);
  }

  /** css §10.5: read CRWs until the region returns zero; each one verbatim into the guest queue. */
  private crwRead(sch: number): void {
    const d = this.devices.get(sch)!;
    this.m.within('vfio_ccw_crw_read', () => {
      for (let guard = 0; guard < 100_000; guard++) {
        const r = this.vfio.read(sch, d.regions.crw!, CRW_REGION.size);
        if (r.ret < 0) {
          this.warn(`vfio-ccw ${schBusId(sch)}: reading the CRW region failed (${r.ret})`, 'css §10.5');
          return;
        }
        const crw = getU32(r.data, 0);
        if (crw === 0) return;
        const armed = this.crws.flags.mchkArmed;
        this.m.within('css_crw_add_to_queue', () => this.crws.add(crw));
        if (armed && !this.crws.flags.mchkArmed) this.m.journal.set(this.mchk, 'injected', this.mchk.injected + 1);
        this.m.journal.set(d, 'stats', { ...d.stats, crwsForwarded: d.stats.crwsForwarded + 1 });
      }
    });
  }
}

export { sidOf };
