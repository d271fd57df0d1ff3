/**
 * Host Linux common I/O layer (drivers/s390/cio), the parts the channel-path work touches
 * (css §6.2, §6.4, §7): channel paths with their vary state, `chchp -v` (sysfs `status`) and
 * `chchp -c` (sysfs `configure` → SCLP → `chsc_chp_online/offline`), per-subchannel lpm/opm,
 * `cio_update_schib`, `cio_cancel_halt_clear`, and dispatch of path events to the subchannel
 * drivers' `chp_event`. All host work runs on the host-kernel thread; every change is journaled.
 */
import type { Machine } from '../../engine/machine';
import { HOST_KERNEL_THREAD } from '../../engine/ids';
import type { Css } from '../../css/css';
import { ACTL } from '../../css/status';
import { CHP_EVENT, CHP_EVENT_NAME, chpName, IO_SCH_ISC, schBusId, type ChpEvent } from './constants';
import { E } from './errno';
import { MachinePort } from './machine';
import { chpSsdGetMask, emptySchib, type HostSubchannel, type SubchannelDriver } from './subchannel';
import { ioSubchannelDriver } from './ioSubchannel';
import { SCH_TODO_ACTION, schedSchTodoUnreg, schTodo } from './unregister';
import { storeBytes } from './journaled';

/** `struct channel_path`: `state` is the vary state (1 online, 0 varied offline), css §7.1. */
export interface ChannelPathState {
  readonly chpid: number;
  state: 0 | 1;
}

const hx = (n: number, w = 2) => n.toString(16).padStart(w, '0');

/** The cfg work item (`cfg_func`, chp.c): pending SCLP (de)configure requests. */
export const CHP_CFG_ACTION = 'host.chp_cfg';
const sidOf = (sch: number) => (0x00010000 | sch) >>> 0;

export class HostCio {
  readonly port: MachinePort;
  /** Registered channel paths (chp_new), by CHPID. */
  readonly chps = new Map<number, ChannelPathState>();
  /** Host subchannels (css_alloc_subchannel), by subchannel number. */
  readonly subchannels = new Map<number, HostSubchannel>();
  readonly drivers = new Map<string, SubchannelDriver>();
  /** `chp_cfg_task[]`: pending configure (true) / deconfigure (false) per CHPID (css §5.6 code 8). */
  readonly cfgTasks = new Map<number, boolean>();
  /** The cfg work item is queued. */
  readonly cfgWork = { queued: false };
  /** `sch->todo`: subchannels whose unregistration is queued (unregister.ts). */
  readonly todo = new Map<number, 'unreg'>();

  constructor(readonly m: Machine, readonly css: Css) {
    this.port = new MachinePort(css);
    this.registerDriver(ioSubchannelDriver(m));
    m.onAction(CHP_CFG_ACTION, () => this.cfgFunc());
    m.onAction(SCH_TODO_ACTION, (sch) => schTodo(this, sch));
  }

  registerDriver(d: SubchannelDriver): void {
    this.drivers.set(d.name, d);
  }

  /** Run host-kernel work on the host thread inside `fn`'s real name. */
  host<T>(name: string, fn: () => T): T {
    return this.m.onThreadWithin(HOST_KERNEL_THREAD, name, fn);
  }

  warn(message: string, ref: string): void {
    this.m.emit({ kind: 'warn', message, ref }, 'instruction');
  }

  // ---- channel paths ------------------------------------------------------------------------

  /** Register the machine's channel paths not yet known (chp_new at boot / CRW ERC 2/4). */
  syncChps(): void {
    for (const chpid of this.port.chpids()) this.chpNew(chpid);
  }

  chpNew(chpid: number): void {
    if (this.chps.has(chpid) || !this.port.hasChpid(chpid)) return;
    this.m.journal.mapSet(this.chps, chpid, { chpid, state: 1 });
  }

  /** `chp_get_status` (css §6.2 filters): vary state of a registered chp; -ENODEV if unregistered. */
  chpGetStatus(chpid: number): number {
    this.syncChps();
    const c = this.chps.get(chpid);
    return c ? c.state : -E.ENODEV;
  }

  // ---- subchannels --------------------------------------------------------------------------

  /**
   * Register a machine subchannel with the host (css_alloc_subchannel + SSD + evaluation):
   * [unverified: chosen — opm = per-chpid vary state and lpm = PAM & opm, as the io_subchannel
   *  driver initialises them (css §1.2); the reference leaves vfio_ccw's initial values open]
   */
  addSubchannel(sch: number, driver: string): HostSubchannel {
    this.syncChps();
    let hs = this.subchannels.get(sch);
    if (!hs) {
      hs = { sch, lpm: 0, opm: 0, vpm: 0, ssd: { pathMask: 0, chpids: [] }, schib: emptySchib(), driver };
      this.m.journal.mapSet(this.subchannels, sch, hs);
    }
    this.m.journal.set(hs, 'driver', driver);
    this.cioUpdateSchib(hs);
    const pim = this.css.field(sch, 'pmcw.pim');
    const chpids = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => this.css.field(sch, `pmcw.chpid${i}`));
    this.m.journal.set(hs, 'ssd', { pathMask: pim, chpids });
    let opm = 0;
    chpids.forEach((c, i) => {
      if (pim & (0x80 >> i) && this.chpGetStatus(c) !== 0) opm |= 0x80 >> i;
    });
    this.m.journal.set(hs, 'opm', opm);
    this.m.journal.set(hs, 'lpm', this.css.field(sch, 'pmcw.pam') & opm);
    this.m.journal.set(hs, 'vpm', this.css.field(sch, 'pmcw.pam') & opm);
    return hs;
  }

  /** The host subchannels of every machine subchannel (the host probes them all). */
  syncSubchannels(): void {
    for (const sch of this.css.subchannelNumbers()) if (!this.subchannels.has(sch)) this.addSubchannel(sch, 'io_subchannel');
  }

  subchannel(sch: number): HostSubchannel {
    const hs = this.subchannels.get(sch);
    if (!hs) throw new Error(`host: no subchannel ${schBusId(sch)}`);
    return hs;
  }

  /**
   * `cio_update_schib` (css §8.1): STSCH into the cached SCHIB; -ENODEV if cc ≠ 0 or the SCHIB
   * is not valid (I/O subchannel with DNV = 0).
   */
  cioUpdateSchib(hs: HostSubchannel): number {
    return this.host('cio_update_schib', () => {
      const r = this.css.stsch(sidOf(hs.sch));
      if (r.cc !== 0) return -E.ENODEV;
      const dnv = (r.schib[5] & 0x01) !== 0;
      const st = (r.schib[25] >> 5) & 7;
      if (st === 0 && !dnv) return -E.ENODEV;
      storeBytes(this.m, hs, 'schib', 0, r.schib); // only the bytes that changed are recorded
      return 0;
    });
  }

  /**
   * `cio_enable_subchannel` (MSCH ENA=1 with the given ISC and INTPARM). Returns 0 or -errno.
   * [unverified: chosen — one MSCH attempt; cc 1/2 → -EBUSY, cc 3 → -ENODEV]
   */
  enable(hs: HostSubchannel, intparm: number, isc = IO_SCH_ISC): number {
    return this.host('cio_enable_subchannel', () => {
      const cc = this.css.msch(sidOf(hs.sch), { 'pmcw.ena': 1, 'pmcw.isc': isc, 'pmcw.intparm': intparm >>> 0 });
      this.cioUpdateSchib(hs);
      return cc === 0 ? 0 : cc === 3 ? -E.ENODEV : -E.EBUSY;
    });
  }

  /** `cio_disable_subchannel`: MSCH ENA=0; -EBUSY while status pending or a function is active. */
  disable(hs: HostSubchannel): number {
    return this.host('cio_disable_subchannel', () => {
      const cc = this.css.msch(sidOf(hs.sch), { 'pmcw.ena': 0 });
      this.cioUpdateSchib(hs);
      return cc === 0 ? 0 : cc === 3 ? -E.ENODEV : -E.EBUSY;
    });
  }

  /**
   * `cio_cancel_halt_clear` (css §8.4): one step. Stage 1 XSCH (if neither halt- nor clear-
   * pending): cc 0 → 0, cc 1 → -EBUSY, cc 3 → -ENODEV, cc 2 → fall through with 3 halt retries;
   * stage 2 HSCH (if not clear-pending): success → -EBUSY (interrupt expected); stage 3 CSCH.
   */
  cancelHaltClear(hs: HostSubchannel, retry: { n: number }): number {
    return this.host('cio_cancel_halt_clear', () => {
      if (this.cioUpdateSchib(hs)) return -E.ENODEV;
      const sid = sidOf(hs.sch);
      if (!this.css.field(hs.sch, 'pmcw.ena')) return 0;
      const actl = this.css.field(hs.sch, 'scsw.actl');
      if (!(actl & ACTL.HALT_PEND) && !(actl & ACTL.CLEAR_PEND)) {
        const cc = this.m.within('cio_cancel', () => this.css.xsch(sid));
        if (cc === 0) {
          this.cioUpdateSchib(hs);
          return 0;
        }
        if (cc === 1) return -E.EBUSY;
        if (cc === 3) return -E.ENODEV;
        retry.n = 3;
      }
      if (!(this.css.field(hs.sch, 'scsw.actl') & ACTL.CLEAR_PEND)) {
        if (retry.n) {
          retry.n--;
          const cc = this.m.within('cio_halt', () => this.css.hsch(sid));
          const ret = cc === 0 ? 0 : cc === 3 ? -E.ENODEV : -E.EBUSY;
          if (ret !== -E.EBUSY) return ret === 0 ? -E.EBUSY : ret;
        }
        retry.n = 255;
      }
      if (retry.n) {
        retry.n--;
        const cc = this.m.within('cio_clear', () => this.css.csch(sid));
        return cc === 0 ? -E.EBUSY : -E.ENODEV;
      }
      return -E.EIO;
    });
  }

  // ---- events to drivers --------------------------------------------------------------------

  private dispatch(chpid: number, event: ChpEvent): Array<{ sch: number; ret: number }> {
    this.syncSubchannels();
    const out: Array<{ sch: number; ret: number }> = [];
    // for_each_subchannel_staged: every subchannel; the driver filters by its SSD mask.
    for (const sch of [...this.subchannels.keys()].sort((a, b) => a - b)) {
      const hs = this.subchannels.get(sch)!;
      const d = this.drivers.get(hs.driver);
      if (!d) continue;
      const ret = this.m.within(`${d.name}_chp_event`, () => d.chpEvent(hs, chpid, event));
      out.push({ sch, ret });
    }
    return out;
  }

  /** `chsc_chp_offline` (css §6.2): nothing if the chp is varied off or unregistered. */
  chscChpOffline(chpid: number): void {
    this.host('chsc_chp_offline', () => {
      if (this.chpGetStatus(chpid) <= 0) return;
      for (const { sch, ret } of this.dispatch(chpid, CHP_EVENT.OFFLINE)) {
        if (ret !== 0) {
          // s390_subchannel_remove_chpid: driver failure → lpm := 0, css_schedule_eval
          const hs = this.subchannels.get(sch)!;
          this.m.journal.set(hs, 'lpm', 0);
          this.warn(`${schBusId(sch)}: ${CHP_EVENT_NAME[CHP_EVENT.OFFLINE]} returned ${ret}; lpm := 0, subchannel evaluation scheduled (not modelled)`, 'css §8.4');
        }
      }
    });
  }

  /** `chsc_chp_online` (css §6.2): acts only if the chp status is not 0 (varied off). */
  chscChpOnline(chpid: number): void {
    this.host('chsc_chp_online', () => {
      if (this.chpGetStatus(chpid) === 0) return;
      this.dispatch(chpid, CHP_EVENT.ONLINE);
    });
  }

  /**
   * `s390_process_res_acc` for a resource-accessibility event on `chpid` (css §5.6 code 2, §6.2):
   * nothing if the chp is varied off; an unknown chp is registered; then CHP_ONLINE to every
   * subchannel driver (vfio-ccw: lpm |= mask & opm, CRW RSC 4 ERC 2).
   */
  processResAcc(chpid: number): void {
    this.host('s390_process_res_acc', () => {
      const status = this.chpGetStatus(chpid);
      if (status === 0) return;
      if (status < 0) this.chpNew(chpid);
      this.dispatch(chpid, CHP_EVENT.ONLINE);
    });
  }

  /** `chp_cfg_schedule` (css §5.6 code 8 ops 0/1): record the request, queue the cfg work. */
  chpCfgSchedule(chpid: number, configure: boolean): void {
    this.m.within('chp_cfg_schedule', () => {
      this.m.journal.mapSet(this.cfgTasks, chpid, configure);
      if (!this.cfgWork.queued) {
        this.m.journal.set(this.cfgWork, 'queued', true);
        this.m.schedule(CHP_CFG_ACTION, 0, 0);
      }
    });
  }

  /** `chp_cfg_cancel_deconfigure` (css §5.6 code 8 op 2): drop a deconfigure still pending. */
  chpCfgCancelDeconfigure(chpid: number): void {
    this.m.within('chp_cfg_cancel_deconfigure', () => {
      if (this.cfgTasks.get(chpid) === false) this.m.journal.mapDelete(this.cfgTasks, chpid);
      else this.warn(`cancel deconfigure of chp ${hx(chpid)}: no deconfigure pending (already done or never requested)`, 'css §5.6');
    });
  }

  /** `cfg_func`: each pending request → SCLP (de)configure → on success chsc_chp_online/offline. */
  private cfgFunc(): void {
    this.host('cfg_func', () => {
      this.m.journal.set(this.cfgWork, 'queued', false);
      for (const chpid of [...this.cfgTasks.keys()].sort((a, b) => a - b)) {
        const on = this.cfgTasks.get(chpid)!;
        this.m.journal.mapDelete(this.cfgTasks, chpid);
        if (!this.port.hasChpid(chpid)) {
          this.warn(`${on ? 'sclp_chp_configure' : 'sclp_chp_deconfigure'}(${hx(chpid)}): CHPID not defined on this machine`, 'css §5.6');
          continue;
        }
        // the SCLP call's frame (sclp_chp_configure / sclp_chp_deconfigure, css §7.2) is opened by the
        // machine side (model/css/chpids.ts configureChpid): naming it here too showed it twice
        const ok = this.port.sclpConfigure(chpid, on);
        if (!ok) {
          this.warn(`${on ? 'sclp_chp_configure' : 'sclp_chp_deconfigure'}(${hx(chpid)}) failed: no path event`, 'css §6.2');
          continue;
        }
        this.chpNew(chpid);
        if (on) this.chscChpOnline(chpid);
        else this.chscChpOffline(chpid);
      }
    });
  }

  /**
   * `css_schedule_eval_all` after an overflow (css §5.6 flag 0x40, §6.4): every subchannel is
   * evaluated: its driver's `sch_event` (vfio_ccw: cio_update_schib, failure → FSM NOT_OPER),
   * else a SCHIB refresh. [unverified: chosen — evaluated at once, not from the slow-path work]
   */
  scheduleEvalAll(why: string): void {
    this.host('css_schedule_eval_all', () => {
      this.warn(`${why}: all subchannels re-evaluated (css_schedule_eval_all)`, 'css §5.6, §6.4');
      this.syncSubchannels();
      for (const sch of [...this.subchannels.keys()].sort((a, b) => a - b)) {
        const hs = this.subchannels.get(sch)!;
        const d = this.drivers.get(hs.driver);
        this.m.within('css_evaluate_subchannel', () => (d?.schEvent ? d.schEvent(hs) : this.cioUpdateSchib(hs)));
      }
    });
  }

  /**
   * `css_evaluate_subchannel` for one subchannel number (after a CRW RSC 3, css §6.4
   * [unverified: chosen]): a known subchannel → its driver's `sch_event` (else a SCHIB refresh);
   * an unknown one the machine provides with a valid SCHIB → registered for io_subchannel.
   */
  evaluateSubchannel(sch: number): void {
    this.host('css_evaluate_subchannel', () => {
      const hs = this.subchannels.get(sch);
      if (hs) {
        const d = this.drivers.get(hs.driver);
        if (d?.schEvent) d.schEvent(hs);
        else if (this.cioUpdateSchib(hs)) {
          // io_subchannel_sch_event for a subchannel whose device is gone: unregister it
          // [unverified: chosen — recalled from Linux device.c (IO_SCH_UNREG); path verification and
          //  the ccw device's own teardown are not modelled]
          this.warn(`${schBusId(sch)}: not operational after evaluation: io_subchannel unregisters it`, 'css §6.4, §7.3');
          schedSchTodoUnreg(this, sch);
        }
        return;
      }
      if (!this.css.hasSubchannel(sch)) return;
      const r = this.css.stsch(sidOf(sch));
      if (r.cc !== 0 || !(r.schib[5] & 0x01)) return;
      this.addSubchannel(sch, 'io_subchannel');
    });
  }

  // ---- sysfs writes (chchp) -----------------------------------------------------------------

  /**
   * Write `/sys/devices/css0/chp0.XX/status` (css §7.2): "on"/"1" vary on, "off"/"0" vary off,
   * else -EINVAL; -ENOENT when the chp directory does not exist. Returns the byte count or -errno.
   */
  writeStatus(chpid: number, value: string): number {
    return this.host('chp_status_write', () => {
      this.syncChps();
      const chp = this.chps.get(chpid);
      if (!chp) return this.noChp(chpid, 'status');
      const v = value.trim();
      let on: boolean;
      if (/^on/i.test(v) || v === '1') on = true;
      else if (/^off/i.test(v) || v === '0') on = false;
      else return -E.EINVAL;
      this.m.within('s390_vary_chpid', () => {
        const status = this.chpGetStatus(chpid);
        if (!on && !status) return; // varying off an offline chp is a no-op (css §7.2)
        this.m.journal.set(chp, 'state', on ? 1 : 0);
        this.m.within('chsc_chp_vary', () => this.dispatch(chpid, on ? CHP_EVENT.VARY_ON : CHP_EVENT.VARY_OFF));
      });
      return value.length;
    });
  }

  /**
   * Write `/sys/devices/css0/chp0.XX/configure` (css §7.2): "0"/"1" only (else -EINVAL); SCLP
   * (de)configure on the machine, then on success `chsc_chp_online/offline` (css §6.2).
   * [unverified: chosen — the machine emits no CRW of its own for a program-initiated SCLP
   *  (de)configure (css §12), so vfio-ccw sees exactly one CHP_ONLINE/OFFLINE]
   */
  writeConfigure(chpid: number, value: string): number {
    return this.host('chp_configure_write', () => {
      this.syncChps();
      if (!this.chps.has(chpid)) return this.noChp(chpid, 'configure');
      const v = value.trim();
      if (v !== '0' && v !== '1') return -E.EINVAL;
      const on = v === '1';
      this.m.within('cfg_func', () => {
        // sclp_chp_(de)configure's frame is opened by configureChpid (css §7.2), as in cfg_func above
        const ok = this.port.sclpConfigure(chpid, on);
        if (!ok) {
          this.warn(`${on ? 'sclp_chp_configure' : 'sclp_chp_deconfigure'}(${hx(chpid)}) failed: -EIO; no path event`, 'css §6.2');
          return;
        }
        if (on) this.chscChpOnline(chpid);
        else this.chscChpOffline(chpid);
      });
      return value.length;
    });
  }

  private noChp(chpid: number, file: string): number {
    this.warn(`/sys/devices/css0/${chpName(chpid)}/${file}: no such file (CHPID ${hx(chpid)} is not defined on this machine)`, 'css §7.2');
    return -E.ENOENT;
  }
}

export { CHP_EVENT, chpSsdGetMask };
