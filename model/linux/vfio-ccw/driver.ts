/**
 * The vfio_ccw subchannel driver (vfio_ccw_drv.c, _fsm.c, _ops.c, _chp.c; css §8): binding,
 * open / close / reset, the FSM dispatcher and its actions, region reads and writes, the host
 * interrupt and its io work, chp_event with the CRW list, and the eventfds. Host kernel work runs
 * on the host-kernel thread; every change goes through the journal.
 */
import type { Machine } from '../../engine/machine';
import { HOST_KERNEL_THREAD } from '../../engine/ids';
import type { KernelFeatures } from '../../kernel/version';
import type { Css } from '../../css/css';
import type { GuestMemory } from '../../guest/memory';
import { decodeOrb } from '../../css/orb';
import { encodeCrw, ERC, RSC } from '../../css/crw';
import { ACTL, FCTL, STCTL } from '../../css/status';
import type { HostCio } from '../cio/cio';
import { crwCollectInfo } from '../cio/crw';
import { CHP_EVENT, schBusId, type ChpEvent } from '../cio/constants';
import { chpSsdGetMask, type HostSubchannel } from '../cio/subchannel';
import { E, errName } from '../cio/errno';
import type { Mm } from '../mm/mm';
import { HostMemory, DMA_ARENA, DMA_ARENAS, DMA_BASE } from './hostmem';
import { VfioIommu } from './iommu';
import { ACTION_FUNCTION, fsmTable, type FsmAction, type FsmEvent, type FsmState, type FsmTable } from './fsm';
import { cpFree, cpGetOrb, cpInit, cpIovaPinned, cpPrefetch, cpUpdateScswCpa, guestCcwAddr, newCp, cpPinnedRuns, type CpContext } from './cp';
import { newFaultTable, takeFault, type FaultName } from './faults';
import {
  addedRegions, ASYNC_CMD, ASYNC_REGION, CRW_REGION, getRet, getU32, IO_REGION, numIrqs, putU32, SCHIB_REGION,
  VFIO_CCW_NUM_REGIONS, VFIO_CCW_OFFSET_SHIFT, type IrqName, type RegionDef,
} from './regions';
import { decodeEventfdArg, EVENTFD_ACTION, eventfdSignal, newEventFds } from './eventfd';
import type { VfioCcwPrivate } from './private';

export const HOST_IRQ_ACTION = 'host.io_irq';
export const HOST_CRW_ACTION = 'host.crw_mchk';
export const VFIO_WORK_ACTION = 'vfio-ccw.work';

/** Host INTPARM: the address of `struct subchannel` (host-internal, css §2). */
export const hostSchAddr = (sch: number): number => (0x0f000000 + sch * 0x100) >>> 0;

export type LpmRule = 'merged' | 'rfc';

/** VFIO_IRQ_INFO_EVENTFD (include/uapi/linux/vfio.h). */
export const VFIO_IRQ_INFO_EVENTFD = 1 << 0;

const sidOf = (sch: number) => (0x00010000 | sch) >>> 0;

export class VfioCcw {
  readonly devices = new Map<number, VfioCcwPrivate>();
  readonly iommu: VfioIommu;
  readonly table: FsmTable;
  readonly options = { lpmRule: 'merged' as LpmRule };
  /** Injected faults (`inject vfio-ccw …`), journaled. */
  readonly faults = newFaultTable();
  /** DMA-unmap notifications that reset a device (css §9.3), for views and expects. */
  readonly dmaUnmapResets = { count: 0 };
  /** QEMU's eventfd readers (installed at realize). */
  private readonly readers: Array<(sch: number, irq: IrqName) => void> = [];

  constructor(
    readonly m: Machine,
    readonly features: KernelFeatures,
    readonly css: Css,
    readonly cio: HostCio,
    readonly mm: Mm,
    readonly guest: GuestMemory,
    readonly host: HostMemory,
    readonly qemuPid: number,
    readonly guestBase: bigint,
  ) {
    this.table = fsmTable(features);
    this.iommu = new VfioIommu(m, mm, qemuPid, guestBase, guest.size);
    cio.registerDriver({ name: 'vfio_ccw', chpEvent: (hs, chpid, ev) => this.chpEvent(hs, chpid, ev), schEvent: (hs) => this.schEvent(hs) });
    m.onAction(HOST_IRQ_ACTION, () => this.doIoIrq());
    m.onAction(HOST_CRW_ACTION, () => this.crwMachineCheck());
    m.onAction(VFIO_WORK_ACTION, (arg) => this.runWork(arg));
    // css §9.3: the vfio container tells the vendor driver about DMA unmaps (vfio_ccw_dma_unmap)
    mm.vfio.onDmaUnmap((iova, size) => this.dmaUnmap(Number(iova), Number(size)));
    m.onAction(EVENTFD_ACTION, (arg) => {
      const { sch, irq } = decodeEventfdArg(arg);
      for (const r of this.readers) r(sch, irq);
    });
    // The machine raises I/O interruptions and CRW machine checks for the host CPU.
    m.onEvent((r) => {
      const e = r.event;
      if (e.kind === 'irq.queued' && css.interruptionPending()) m.schedule(HOST_IRQ_ACTION, 0, 0);
      if (e.kind === 'crw.queued' && e.queue === css.crws.name) m.schedule(HOST_CRW_ACTION, 0, 0);
    });
  }

  onEventfd(reader: (sch: number, irq: IrqName) => void): void {
    this.readers.push(reader);
  }

  private hostWork<T>(name: string, fn: () => T): T {
    return this.m.onThread(HOST_KERNEL_THREAD, () => this.m.within(name, fn));
  }

  warn(message: string, ref: string): void {
    this.m.emit({ kind: 'warn', message, ref }, 'instruction');
  }

  private set<K extends keyof VfioCcwPrivate>(p: VfioCcwPrivate, k: K, v: VfioCcwPrivate[K]): void {
    this.m.journal.set(p as unknown as Record<string, unknown>, k as string, v);
  }

  private setState(p: VfioCcwPrivate, s: FsmState): void {
    this.set(p, 'state', s);
  }

  device(sch: number): VfioCcwPrivate {
    const p = this.devices.get(sch);
    if (!p) throw new Error(`${schBusId(sch)} is not bound to vfio_ccw`);
    return p;
  }

  cpContext(p: VfioCcwPrivate): CpContext {
    return {
      m: this.m, features: this.features, guest: this.guest, host: this.host, iommu: this.iommu,
      arenaBase: DMA_BASE + p.arena * DMA_ARENA, arenaSize: DMA_ARENA,
      warn: (msg, ref) => {
        if (p.pfchWarned) return;
        this.set(p, 'pfchWarned', true);
        this.warn(msg, ref);
      },
      guestFault: () => this.fault('guest-fault'),
      pinFault: (npage) => {
        if (this.faults.armed['pin-fail'] && this.fault('pin-fail')) return { kind: 'fail', errno: E.ENOMEM };
        if (npage >= 2 && this.faults.armed['pin-partial'] && this.fault('pin-partial')) return { kind: 'partial' };
        return undefined;
      },
    };
  }

  // ---- binding and lifecycle ---------------------------------------------------------------

  /**
   * Bind the subchannel to vfio_ccw (`vfio_ccw_sch_probe`) and create the mdev. 5.8: the
   * subchannel is enabled at probe (ISC 3, INTPARM = host address) → STANDBY, mdev create →
   * IDLE. ≈6.0+: probe leaves it disabled → STANDBY; OPEN enables it (css §8.3).
   */
  bind(sch: number): VfioCcwPrivate {
    return this.hostWork('vfio_ccw_sch_probe', () => {
      if (this.devices.has(sch)) throw new Error(`${schBusId(sch)} is already bound to vfio_ccw`);
      if (this.css.field(sch, 'pmcw.qf')) throw new Error(`${schBusId(sch)}: QDIO subchannel, vfio_ccw probe → -ENODEV (css §1.1)`);
      if (this.devices.size >= DMA_ARENAS) throw new Error(`at most ${DMA_ARENAS} vfio-ccw devices in this model`);
      const hs = this.cio.addSubchannel(sch, 'vfio_ccw');
      const p: VfioCcwPrivate = {
        sch, arena: this.devices.size, state: 'NOT_OPER', cp: newCp(decodeOrb([0, 0, 0]), DMA_BASE),
        io: new Uint8Array(IO_REGION.size), cmd: new Uint8Array(ASYNC_REGION.size), schib: new Uint8Array(SCHIB_REGION.size),
        crwRegion: new Uint8Array(CRW_REGION.size), crws: [], irb: new Uint8Array(64), open: false, regions: [],
        eventfds: newEventFds(), work: { io: false, crw: false }, stats: { crwsQueued: 0, interrupts: 0, requests: 0 },
        pfchWarned: false,
      };
      this.m.journal.mapSet(this.devices, sch, p);
      this.warn(`${schBusId(sch)}: [unverified: chosen] lpm 0x${hs.lpm.toString(16)} / opm 0x${hs.opm.toString(16)} initialised as io_subchannel does (opm = vary states, lpm = PAM & opm); vfio_ccw's own initial values are not in the reference`, 'css §1.2, §12');
      if (!this.features.vfioCcwOpenClose) {
        const ret = this.cio.enable(hs, hostSchAddr(sch));
        if (ret) {
          this.warn(`vfio_ccw_sch_probe: cio_enable_subchannel failed ${errName(ret)}`, 'css §8.3');
          return p;
        }
        this.setState(p, 'STANDBY');
        this.m.within('vfio_ccw_mdev_create', () => this.setState(p, 'IDLE'));
      } else {
        this.setState(p, 'STANDBY');
      }
      return p;
    });
  }

  /** Open the device fd (`vfio_ccw_mdev_open_device`): register regions; ≈6.0+: FSM OPEN. */
  open(sch: number): number {
    const p = this.device(sch);
    return this.hostWork('vfio_ccw_mdev_open_device', () => {
      if (p.open) return -E.EBUSY;
      this.set(p, 'regions', addedRegions(this.features));
      this.set(p, 'open', true);
      if (this.features.vfioCcwOpenClose) {
        this.fsmEvent(p, 'OPEN');
        if (p.state === 'NOT_OPER') {
          this.set(p, 'regions', []);
          this.set(p, 'open', false);
          return -E.EINVAL;
        }
      }
      return 0;
    });
  }

  /**
   * Close the device fd (`vfio_ccw_mdev_close_device`): ≈6.0+ FSM CLOSE; 5.8: quiesce and reset
   * to STANDBY, free the CP. Regions are unregistered; eventfds removed.
   * [unverified: chosen 5.8 release = quiesce → STANDBY + cp_free (css §8.3 "5.8 details")]
   */
  close(sch: number): number {
    const p = this.device(sch);
    return this.hostWork('vfio_ccw_mdev_close_device', () => {
      if (!p.open) return -E.EBADF;
      if (this.features.vfioCcwOpenClose) this.fsmEvent(p, 'CLOSE');
      else {
        if (p.state !== 'NOT_OPER' && p.state !== 'STANDBY') {
          const r = this.quiesce(p);
          this.setState(p, r === 0 ? 'STANDBY' : 'NOT_OPER');
        }
        if (p.cp.initialized) cpFree(this.cpContext(p), p.cp);
      }
      this.set(p, 'regions', []);
      this.set(p, 'open', false);
      for (const k of ['io', 'crw', 'req'] as const) this.m.journal.set(p.eventfds[k], 'installed', false);
      return 0;
    });
  }

  /**
   * VFIO_DEVICE_RESET (css §8.3): ≈6.0+ CLOSE then OPEN, NOT_OPER afterwards → -EINVAL;
   * 5.8: quiesce, enable again → IDLE.
   */
  reset(sch: number): number {
    const p = this.device(sch);
    return this.hostWork('vfio_ccw_mdev_reset', () => {
      if (!p.open) return -E.EBADF;
      if (this.features.vfioCcwOpenClose) {
        this.fsmEvent(p, 'CLOSE');
        this.fsmEvent(p, 'OPEN');
        return p.state === 'NOT_OPER' ? -E.EINVAL : 0;
      }
      const r = this.quiesce(p);
      if (r) return r;
      const e = this.cio.enable(this.cio.subchannel(sch), hostSchAddr(sch));
      if (!e) this.setState(p, 'IDLE');
      return e;
    });
  }

  /** Consume one injection of an armed fault. */
  fault(name: FaultName): boolean {
    return takeFault(this.m, this.faults, name);
  }

  /**
   * VFIO_DEVICE_GET_IRQ_INFO (css §8.2): index ≥ num_irqs → -EINVAL (num_irqs 2 in 5.8, 3 once
   * the REQ index exists); else count 1, flags EVENTFD.
   */
  getIrqInfo(sch: number, index: number): { ret: number; count: number; flags: number } {
    this.device(sch);
    return this.hostWork('vfio_ccw_mdev_get_irq_info', () => {
      if (!Number.isInteger(index) || index < 0 || index >= numIrqs(this.features)) return { ret: -E.EINVAL, count: 0, flags: 0 };
      return { ret: 0, count: 1, flags: VFIO_IRQ_INFO_EVENTFD };
    });
  }

  /**
   * The vfio core asks the driver to have userspace release the device (`vfio_ccw_mdev_request`,
   * css §8.2 REQ eventfd, ≈5.11+): signal the REQ eventfd if userspace installed one, else log
   * that the request is blocked until userspace releases the device. Returns whether it signalled.
   * [unverified: chosen — notice texts and the every-10th rate limit recalled from the driver]
   */
  request(sch: number, count: number): boolean {
    const p = this.device(sch);
    return this.hostWork('vfio_ccw_mdev_request', () => {
      if (p.eventfds.req.installed) {
        if (count % 10 === 0) this.warn(`${schBusId(sch)}: Relaying device request to user (#${count})`, 'css §8.2');
        return eventfdSignal(this.m, p.eventfds, sch, 'req');
      }
      if (count === 0) this.warn(`${schBusId(sch)}: No device request channel registered, blocked until released by user`, 'css §8.2');
      return false;
    });
  }

  /**
   * Unbind the subchannel from vfio_ccw: the vfio core's unregister loop sends device requests
   * until userspace has closed the device, then \`vfio_ccw_sch_remove\` disables the subchannel,
   * frees the CRW list and the private data. Returns 0, or -EBUSY if userspace never released it.
   * [unverified: chosen — the kernel waits forever (10 s between requests); the model sends at
   *  most 10 requests, running the machine's queued actions after each, then gives up]
   */
  unbind(sch: number): number {
    const p = this.device(sch);
    return this.hostWork('vfio_unregister_group_dev', () => {
      for (let i = 0; p.open && i < 10; i++) {
        this.request(sch, i);
        for (let k = 0; k < 10_000 && p.open && this.m.hasPendingActions(); k++) this.m.runNextAction();
      }
      if (p.open) {
        this.warn(`${schBusId(sch)}: userspace did not release the device after 10 requests; unbind stays blocked (the model gives up)`, 'css §8.2, §12');
        return -E.EBUSY;
      }
      return this.m.within('vfio_ccw_sch_remove', () => {
        const hs = this.cio.subchannel(sch);
        if (!this.features.vfioCcwOpenClose && p.state !== 'NOT_OPER') this.quiesce(p);
        else if (hs.schib[5] & 0x80) this.cio.disable(hs);
        if (p.cp.initialized) cpFree(this.cpContext(p), p.cp);
        this.m.journal.splice(p.crws, 0, p.crws.length); // the CRW list is freed at unbind (css §8.4)
        this.m.journal.mapDelete(this.devices, sch);
        this.m.journal.set(hs, 'driver', 'none');
        return 0;
      });
    });
  }

  /**
   * \`vfio_ccw_dma_unmap\` (css §9.3): if a page pinned by the device's current channel program is
   * in [iova, iova + length) the device is reset (CLOSE + OPEN; 5.8: quiesce + enable, then
   * cp_free), which releases the pins before the container removes the mapping.
   */
  dmaUnmap(iova: number, length: number): void {
    for (const p of [...this.devices.values()]) {
      if (!cpIovaPinned(p.cp, iova, length)) continue;
      this.hostWork('vfio_ccw_dma_unmap', () => {
        this.warn(`${schBusId(p.sch)}: DMA unmap of [0x${iova.toString(16)}, +0x${length.toString(16)}) hits pages pinned by the channel program: device reset (CLOSE+OPEN), pins released`, 'css §9.3');
        this.m.journal.set(this.dmaUnmapResets, 'count', this.dmaUnmapResets.count + 1);
        this.reset(p.sch);
        if (p.cp.initialized) cpFree(this.cpContext(p), p.cp);
        if (p.state === 'CP_PENDING') this.setState(p, 'IDLE');
      });
    }
  }

  /** Install / remove an eventfd (VFIO_DEVICE_SET_IRQS, css §8.2). */
  setIrq(sch: number, irq: IrqName, installed: boolean): number {
    const p = this.device(sch);
    const index = ['io', 'crw', 'req'].indexOf(irq);
    if (index >= numIrqs(this.features)) return -E.EINVAL;
    this.m.journal.set(p.eventfds[irq], 'installed', installed);
    return 0;
  }

  // ---- the FSM -----------------------------------------------------------------------------

  /** `vfio_ccw_fsm_event`: look the action up in the era's table and run it. */
  fsmEvent(p: VfioCcwPrivate, ev: FsmEvent): void {
    const action = this.table[p.state][ev];
    if (!action) throw new Error(`vfio-ccw FSM: event ${ev} does not exist in Linux ${this.features.version.major}.${this.features.version.minor} (css §8.3)`);
    this.m.within('vfio_ccw_fsm_event', () => this.m.within(ACTION_FUNCTION[action], () => this.runAction(p, action)));
  }

  private setIoRet(p: VfioCcwPrivate, ret: number): void {
    const io = p.io.slice();
    putU32(io, 120, ret >>> 0);
    this.set(p, 'io', io);
  }

  private setCmdRet(p: VfioCcwPrivate, ret: number): void {
    const cmd = p.cmd.slice();
    putU32(cmd, 4, ret >>> 0);
    this.set(p, 'cmd', cmd);
  }

  private runAction(p: VfioCcwPrivate, a: FsmAction): void {
    switch (a) {
      case 'nop': return;
      case 'io_error': return this.setIoRet(p, -E.EIO);
      case 'io_retry': return this.setIoRet(p, -E.EAGAIN);
      case 'io_busy': return this.setIoRet(p, -E.EBUSY);
      case 'async_error': return this.setCmdRet(p, -E.EIO);
      case 'async_retry': return this.setCmdRet(p, -E.EAGAIN);
      case 'disabled_irq':
        // an interrupt while disabled means an earlier disable failed: try again (css §8.3)
        this.cio.disable(this.cio.subchannel(p.sch));
        return;
      case 'notoper':
        this.warn(`${schBusId(p.sch)}: not operational; subchannel unregistration scheduled (css_sched_sch_todo, not modelled)`, 'css §8.3');
        this.setState(p, 'NOT_OPER');
        if (p.cp.initialized) cpFree(this.cpContext(p), p.cp);
        return;
      case 'open': {
        const ret = this.cio.enable(this.cio.subchannel(p.sch), hostSchAddr(p.sch));
        if (ret) return this.fsmEvent(p, 'NOT_OPER');
        this.setState(p, 'IDLE');
        return;
      }
      case 'close': {
        const hs = this.cio.subchannel(p.sch);
        if (!(hs.schib[5] & 0x80)) return this.fsmEvent(p, 'NOT_OPER'); // cached PMCW: not enabled
        let ret = this.cio.disable(hs);
        if (ret === -E.EBUSY) ret = this.quiesce(p);
        if (ret) return this.fsmEvent(p, 'NOT_OPER');
        this.setState(p, 'STANDBY');
        if (p.cp.initialized) cpFree(this.cpContext(p), p.cp);
        return;
      }
      case 'irq':
        this.set(p, 'stats', { ...p.stats, interrupts: p.stats.interrupts + 1 });
        this.queueWork(p, 'io');
        return;
      case 'io_request': return this.ioRequest(p);
      case 'async_request': return this.asyncRequest(p);
    }
  }

  /**
   * `vfio_ccw_sch_quiesce`: cancel/halt/clear steps, waiting for the interrupt each time (the
   * machine runs until this subchannel is idle), then disable again.
   * [unverified: chosen — the 3 s completion wait is modelled as running the machine's queued
   *  actions, at most 10,000 of them per round]
   */
  quiesce(p: VfioCcwPrivate): number {
    return this.m.within('vfio_ccw_sch_quiesce', () => {
      const hs = this.cio.subchannel(p.sch);
      const retry = { n: 255 };
      let ret = this.cio.disable(hs);
      for (let round = 0; ret === -E.EBUSY && round < 300; round++) {
        ret = this.cio.cancelHaltClear(hs, retry);
        if (ret === -E.EBUSY) {
          for (let i = 0; i < 10_000 && this.m.hasPendingActions(); i++) this.m.runNextAction();
        }
        if (ret === -E.EIO || ret === -E.ENODEV) break;
        ret = this.cio.disable(hs);
      }
      return ret;
    });
  }

  /** `fsm_io_request` (css §8.3). */
  private ioRequest(p: VfioCcwPrivate): void {
    this.setState(p, 'CP_PROCESSING');
    this.set(p, 'stats', { ...p.stats, requests: p.stats.requests + 1 });
    const scswW0 = getU32(p.io, 12);
    const fctl = (scswW0 >>> 12) & 7;
    const fail = (ret: number) => {
      this.setIoRet(p, ret);
      this.setState(p, 'IDLE');
    };
    if (fctl & FCTL.START) {
      const orb = decodeOrb([getU32(p.io, 0), getU32(p.io, 4), getU32(p.io, 8)]);
      if (orb.b) return fail(-E.EOPNOTSUPP); // transport mode
      const ctx = this.cpContext(p);
      this.set(p, 'cp', newCp(orb, ctx.arenaBase));
      let ret = cpInit(ctx, p.cp);
      if (ret) return fail(ret);
      ret = cpPrefetch(ctx, p.cp);
      if (ret) {
        cpFree(ctx, p.cp);
        return fail(ret);
      }
      ret = this.m.within('fsm_io_helper', () => this.ioHelper(p));
      if (ret) {
        cpFree(ctx, p.cp);
        return fail(ret);
      }
      return;
    }
    if (fctl & (FCTL.HALT | FCTL.CLEAR)) return fail(-E.EOPNOTSUPP); // must use the async region
    // [unverified: chosen — no function requested: ret_code keeps the value userspace wrote]
    this.setState(p, 'IDLE');
  }

  /** `fsm_io_helper` (css §8.3, §5.5): host SSCH with the translated ORB. */
  private ioHelper(p: VfioCcwPrivate): number {
    const hs = this.cio.subchannel(p.sch);
    const orb = cpGetOrb(this.cpContext(p), p.cp, hostSchAddr(p.sch), hs.lpm, this.options.lpmRule);
    if (this.options.lpmRule === 'rfc') {
      this.warn(`ORB LPM replaced by the subchannel lpm 0x${hs.lpm.toString(16)} (RFC v1 rule, not merged)`, 'css §8.5');
    }
    const cc = this.css.ssch(sidOf(p.sch), orb);
    switch (cc) {
      case 0: {
        this.cachedActl(hs, (a) => a | ACTL.START_PEND); // sch->schib.scsw.cmd.actl |= START_PEND
        this.setIoRet(p, 0);
        this.setState(p, 'CP_PENDING');
        return 0;
      }
      case 1:
      case 2:
        return -E.EBUSY;
      default: {
        // cc 3: drop the ORB's paths (or all) from lpm, refresh, -EACCES if paths remain
        this.m.journal.set(hs, 'lpm', orb.lpm !== 0 ? hs.lpm & ~orb.lpm : 0);
        if (this.cio.cioUpdateSchib(hs)) return -E.ENODEV;
        return hs.lpm ? -E.EACCES : -E.ENODEV;
      }
    }
  }

  /** `fsm_async_request` (css §8.3): HSCH / CSCH on the host; the state is not changed. */
  private asyncRequest(p: VfioCcwPrivate): void {
    const cmd = getU32(p.cmd, 0);
    const hs = this.cio.subchannel(p.sch);
    let ret: number;
    if (cmd === ASYNC_CMD.HSCH) {
      ret = this.m.within('fsm_do_halt', () => {
        const cc = this.css.hsch(sidOf(p.sch));
        if (cc === 0) this.cachedActl(hs, (a) => a | ACTL.HALT_PEND);
        return cc === 0 ? 0 : cc === 3 ? -E.ENODEV : -E.EBUSY;
      });
    } else if (cmd === ASYNC_CMD.CSCH) {
      ret = this.m.within('fsm_do_clear', () => {
        const cc = this.css.csch(sidOf(p.sch));
        if (cc === 0) this.cachedActl(hs, () => ACTL.CLEAR_PEND);
        return cc === 0 ? 0 : -E.ENODEV;
      });
    } else ret = -E.EINVAL;
    this.setCmdRet(p, ret);
  }

  private cachedActl(hs: HostSubchannel, f: (actl: number) => number): void {
    const img = hs.schib.slice();
    const w0 = getU32(img, 28);
    const actl = f((w0 >>> 5) & 0x7f) & 0x7f;
    putU32(img, 28, ((w0 & ~(0x7f << 5)) | (actl << 5)) >>> 0);
    this.m.journal.set(hs, 'schib', img);
  }

  // ---- interrupts and work -----------------------------------------------------------------

  /** do_IRQ on the host: TPI/TSCH each pending subchannel, then the driver's irq callback. */
  private doIoIrq(): void {
    this.hostWork('do_io_irq', () => {
      for (let guard = 0; guard < 1000; guard++) {
        if (!this.css.interruptionPending()) return;
        const t = this.css.tpi();
        if (t.cc === 0) return;
        const sch = t.sid & 0xffff;
        const r = this.css.tsch(sidOf(sch));
        const hs = this.cio.subchannels.get(sch);
        if (hs) {
          const img = hs.schib.slice();
          img.set(r.irb.subarray(0, 12), 28); // TSCH updates the cached SCSW
          this.m.journal.set(hs, 'schib', img);
        }
        const p = this.devices.get(sch);
        if (p && r.cc === 0) {
          this.m.within('vfio_ccw_sch_irq', () => {
            this.set(p, 'irb', r.irb.slice());
            this.fsmEvent(p, 'INTERRUPT');
          });
        }
      }
    });
  }

  private queueWork(p: VfioCcwPrivate, w: 'io' | 'crw'): void {
    if (p.work[w]) return;
    this.set(p, 'work', { ...p.work, [w]: true });
    this.m.schedule(VFIO_WORK_ACTION, p.sch * 2 + (w === 'io' ? 0 : 1), 0);
  }

  private runWork(arg: number): void {
    const p = this.devices.get(Math.floor(arg / 2));
    if (!p) return;
    const w = arg % 2 === 0 ? 'io' : 'crw';
    this.set(p, 'work', { ...p.work, [w]: false });
    if (w === 'io') this.hostWork('vfio_ccw_sch_io_todo', () => this.ioTodo(p));
    else this.hostWork('vfio_ccw_crw_todo', () => {
      if (p.crws.length) eventfdSignal(this.m, p.eventfds, p.sch, 'crw');
    });
  }

  /** `vfio_ccw_sch_io_todo` (css §8.3 "io work"). */
  private ioTodo(p: VfioCcwPrivate): void {
    const irb = p.irb.slice();
    const w0 = getU32(irb, 0);
    const actl = (w0 >>> 5) & 0x7f;
    const stctl = w0 & 0x1f;
    const cc = (w0 >>> 24) & 3;
    const final = !(actl & (ACTL.DEV_ACTIVE | ACTL.SCH_ACTIVE));
    // css §1.3: unsolicited iff cc 0 and STCTL == alert | status pending
    const solicited = cc !== 0 || stctl !== (STCTL.ALERT | STCTL.PENDING);
    let finished = false;
    if (solicited) {
      this.m.within('cp_update_scsw', () => putU32(irb, 4, cpUpdateScswCpa(p.cp, getU32(irb, 4))));
      if (final && p.state === 'CP_PENDING') {
        cpFree(this.cpContext(p), p.cp);
        finished = true;
      }
    }
    const io = p.io.slice();
    io.set(irb.subarray(0, 64), 24);
    this.set(p, 'io', io);
    if (this.features.vfioCcwOpenClose ? finished : final) this.setState(p, 'IDLE');
    eventfdSignal(this.m, p.eventfds, p.sch, 'io');
  }

  /** Host CRW machine check: the crw_collect_info kthread runs (css §6.4). */
  private crwMachineCheck(): void {
    this.cio.host('crw_machine_check', () => {
      this.css.crws.takeMachineCheck();
    });
    crwCollectInfo(this.cio);
  }

  // ---- channel-path events -----------------------------------------------------------------

  /** `vfio_ccw_chp_event` (css §8.4). */
  chpEvent(hs: HostSubchannel, chpid: number, event: ChpEvent): number {
    // before 5.8 vfio_ccw registers no chp_event callback: the css layer skips the driver (css §0)
    if (!this.features.vfioCcwChpRegions) return 0;
    const p = this.devices.get(hs.sch);
    const mask = chpSsdGetMask(hs.ssd, chpid);
    if (!p || !mask) return 0;
    if (this.cio.cioUpdateSchib(hs)) return -E.ENODEV;
    const j = this.m.journal;
    const lpum = hs.schib[10];
    const retry = { n: 255 };
    switch (event) {
      case CHP_EVENT.VARY_OFF:
        j.set(hs, 'opm', hs.opm & ~mask);
        j.set(hs, 'lpm', hs.lpm & ~mask);
        if (lpum & mask) this.cio.cancelHaltClear(hs, retry);
        break;
      case CHP_EVENT.OFFLINE:
        if (lpum & mask) this.cio.cancelHaltClear(hs, retry);
        this.queueCrw(p, RSC.CHP, ERC.PERRN, chpid);
        break;
      case CHP_EVENT.VARY_ON:
        j.set(hs, 'opm', hs.opm | mask);
        j.set(hs, 'lpm', hs.lpm | mask);
        break;
      case CHP_EVENT.ONLINE:
        j.set(hs, 'lpm', hs.lpm | (mask & hs.opm));
        this.queueCrw(p, RSC.CHP, ERC.INIT, chpid);
        break;
    }
    return 0;
  }

  /**
   * `vfio_ccw_sch_event` (subchannel evaluation, e.g. after an overflow, css §5.6/§6.4):
   * refresh the SCHIB; failure → FSM NOT_OPER. [unverified: chosen — recalled from the driver]
   */
  schEvent(hs: HostSubchannel): void {
    this.m.within('vfio_ccw_sch_event', () => {
      const p = this.devices.get(hs.sch);
      if (this.cio.cioUpdateSchib(hs) && p) this.fsmEvent(p, 'NOT_OPER');
    });
  }

  /** `vfio_ccw_queue_crw` (css §8.4): only RSC/ERC/RSID set; appended; crw work queued. */
  queueCrw(p: VfioCcwPrivate, rsc: number, erc: number, rsid: number): void {
    this.m.within('vfio_ccw_queue_crw', () => {
      const crw = encodeCrw({ rsc, erc, rsid });
      if (this.fault('crw-alloc-fail')) {
        // css §8.4: kzalloc(GFP_ATOMIC) failed → the event is dropped silently (no overflow report)
        this.warn(`injected: CRW element allocation (GFP_ATOMIC) failed for ${schBusId(p.sch)}: CRW 0x${crw.toString(16).padStart(8, '0')} dropped silently`, 'css §8.4');
        return;
      }
      this.m.journal.push(p.crws, crw);
      this.set(p, 'stats', { ...p.stats, crwsQueued: p.stats.crwsQueued + 1 });
      this.m.emit({ kind: 'crw.queued', queue: `vfio-ccw ${schBusId(p.sch)}`, crw }, 'instruction');
      this.queueWork(p, 'crw');
    });
  }

  // ---- region access (vfio_ccw_mdev_read / _write, css §8.1) ---------------------------------

  private regionAt(p: VfioCcwPrivate, offset: number): { def: RegionDef; pos: number } | number {
    if (!Number.isInteger(offset) || offset < 0) return -E.EINVAL;
    const index = Math.floor(offset / (1 << VFIO_CCW_OFFSET_SHIFT));
    const pos = offset % (1 << VFIO_CCW_OFFSET_SHIFT);
    if (index === 0) return { def: IO_REGION, pos };
    const i = index - VFIO_CCW_NUM_REGIONS;
    if (i >= p.regions.length) return -E.EINVAL;
    return { def: p.regions[i], pos };
  }

  /** pread on the device fd: the bytes, or a negative errno. */
  read(sch: number, offset: number, count: number): { ret: number; data: Uint8Array } {
    const p = this.device(sch);
    return this.m.within('vfio_ccw_mdev_read', () => {
      const none = new Uint8Array(0);
      if (!p.open) return { ret: -E.EBADF, data: none };
      if (!Number.isInteger(count) || count < 0) return { ret: -E.EINVAL, data: none };
      const at = this.regionAt(p, offset);
      if (typeof at === 'number') return { ret: at, data: none };
      const { def, pos } = at;
      if (pos + count > def.size) return { ret: -E.EINVAL, data: none };
      switch (def.name) {
        case 'io': return { ret: count, data: p.io.slice(pos, pos + count) };
        case 'async': return { ret: count, data: p.cmd.slice(pos, pos + count) };
        case 'schib': return this.m.within('vfio_ccw_schib_region_read', () => {
          const hs = this.cio.subchannel(sch);
          if (this.cio.cioUpdateSchib(hs)) return { ret: -E.ENODEV, data: none };
          this.set(p, 'schib', hs.schib.slice());
          return { ret: count, data: p.schib.slice(pos, pos + count) };
        });
        case 'crw': return this.m.within('vfio_ccw_crw_region_read', () => {
          const crw = this.m.journal.shift(p.crws);
          const region = new Uint8Array(CRW_REGION.size);
          if (crw !== undefined) putU32(region, 0, crw);
          this.set(p, 'crwRegion', region);
          const data = region.slice(pos, pos + count);
          this.set(p, 'crwRegion', new Uint8Array(CRW_REGION.size));
          if (p.crws.length) this.queueWork(p, 'crw'); // signal again while CRWs remain
          return { ret: count, data };
        });
      }
    });
  }

  /** pwrite on the device fd: the byte count, the region's ret_code, or a negative errno. */
  write(sch: number, offset: number, data: Uint8Array): number {
    const p = this.device(sch);
    return this.m.within('vfio_ccw_mdev_write', () => {
      if (!p.open) return -E.EBADF;
      const at = this.regionAt(p, offset);
      if (typeof at === 'number') return at;
      const { def, pos } = at;
      if (pos + data.length > def.size) return -E.EINVAL;
      switch (def.name) {
        case 'io': return this.m.within('vfio_ccw_mdev_write_io_region', () => {
          if (this.ioMutexBusy(p)) return -E.EAGAIN;
          const io = p.io.slice();
          io.set(data, pos);
          this.set(p, 'io', io);
          this.fsmEvent(p, 'IO_REQ');
          const rc = getRet(p.io, 120);
          return rc !== 0 ? rc : data.length;
        });
        case 'async': return this.m.within('vfio_ccw_async_region_write', () => {
          if (this.ioMutexBusy(p)) return -E.EAGAIN;
          const cmd = p.cmd.slice();
          cmd.set(data, pos);
          this.set(p, 'cmd', cmd);
          this.fsmEvent(p, 'ASYNC_REQ');
          const rc = getRet(p.cmd, 4);
          return rc !== 0 ? rc : data.length;
        });
        default:
          return -E.EINVAL; // schib and crw regions are read-only
      }
    });
  }

  /** `mutex_trylock(&private->io_mutex)` failing (css §8.1): only through fault injection here. */
  private ioMutexBusy(p: VfioCcwPrivate): boolean {
    if (!this.fault('io-mutex-busy')) return false;
    this.warn(`injected: ${schBusId(p.sch)} io_mutex is held: mutex_trylock failed → -EAGAIN`, 'css §8.1');
    return true;
  }

  // ---- reading, for views, paths and the invariant checker -----------------------------------

  /** Guest address of a host CCW (for CCW-line breakpoints in the vfio topology). */
  guestCcwAddr(hostAddr: number): number | undefined {
    for (const p of this.devices.values()) {
      const g = guestCcwAddr(p.cp, hostAddr);
      if (g !== undefined) return g;
    }
    return undefined;
  }

  pinnedByCps(): number {
    let n = 0;
    for (const p of this.devices.values()) n += cpPinnedRuns(p.cp).reduce((s, r) => s + r.npage, 0);
    return n;
  }
}
