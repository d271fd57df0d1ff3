/**
 * The host interrupt and the driver's work items (vfio_ccw_drv.c, css §8.3 "io work", §6.4):
 * do_IRQ on the host (TPI / TSCH, then the driver's irq callback), the io and CRW work queue,
 * `vfio_ccw_sch_io_todo`, and the host CRW machine check.
 */
import { ACTL, STCTL } from '../../css/status';
import { crwCollectInfo } from '../cio/crw';
import { cpFree, cpUpdateScswCpa } from './cp';
import { getU32, putU32 } from './regions';
import { IRB_BYTES } from '../../css/irb';
import { storeBytes } from '../cio/journaled';
import { eventfdSignal } from './eventfd';
import { setState, type VfioCcwPrivate } from './private';
import { hostWork, sidOf } from './host';
import { HOST_KERNEL_THREAD } from '../../engine/ids';
import type { VfioCcw } from './driver';

export const HOST_IRQ_ACTION = 'host.io_irq';
export const HOST_CRW_ACTION = 'host.crw_mchk';
export const VFIO_WORK_ACTION = 'vfio-ccw.work';

/** do_IRQ on the host: TPI/TSCH each pending subchannel, then the driver's irq callback. */
export function doIoIrq(d: VfioCcw): void {
  // host kernel work without a closure per interrupt (hostWork's thread and frame by hand, issue 12)
  const prev = d.m.enterThread(HOST_KERNEL_THREAD);
  const work = d.m.enter('do_io_irq');
  try {
    for (let guard = 0; guard < 1000; guard++) {
      if (!d.css.interruptionPending()) return;
      const t = d.css.tpi();
      if (t.cc === 0) return;
      const sch = t.sid & 0xffff;
      const r = d.css.tsch(sidOf(sch));
      const hs = d.cio.subchannels.get(sch);
      if (hs) storeBytes(d.m, hs, 'schib', 28, r.irb, 0, 12); // TSCH updates the cached SCSW
      const p = d.devices.get(sch);
      if (p && r.cc === 0) {
        const frame = d.m.enter('vfio_ccw_sch_irq'); // enter/leave: no closure per interrupt (issue 12)
        try {
          storeBytes(d.m, p, 'irb', 0, r.irb, 0, p.irb.length); // memcpy(&private->irb, irb, sizeof)
          d.fsmEvent(p, 'INTERRUPT');
        } finally {
          d.m.leave(frame);
        }
      }
    }
  } finally {
    d.m.leave(work);
    d.m.leaveThread(prev);
  }
}

/** queue_work: a no-op while the item is pending. */
export function queueWork(d: VfioCcw, p: VfioCcwPrivate, w: 'io' | 'crw'): void {
  if (p.work[w]) return;
  d.m.journal.set(p.work, w, true);
  d.m.schedule(VFIO_WORK_ACTION, p.sch * 2 + (w === 'io' ? 0 : 1), 0);
}

/** A queued work item runs (VFIO_WORK_ACTION). */
export function runWork(d: VfioCcw, arg: number): void {
  const p = d.devices.get(Math.floor(arg / 2));
  if (!p) return;
  const w = arg % 2 === 0 ? 'io' : 'crw';
  d.m.journal.set(p.work, w, false);
  if (w === 'io') {
    // as hostWork, without a closure per interrupt (issue 12)
    const prev = d.m.enterThread(HOST_KERNEL_THREAD);
    const frame = d.m.enter('vfio_ccw_sch_io_todo');
    try {
      ioTodo(d, p);
    } finally {
      d.m.leave(frame);
      d.m.leaveThread(prev);
    }
  } else hostWork(d.m, 'vfio_ccw_crw_todo', () => {
    if (p.crws.length) eventfdSignal(d.m, p.eventfds, p.sch, 'crw');
  });
}

/** The IRB as the io region gets it (a scratch buffer: storeBytes copies it). */
const IRB = new Uint8Array(IRB_BYTES);

/** `vfio_ccw_sch_io_todo` (css §8.3 "io work"). */
function ioTodo(d: VfioCcw, p: VfioCcwPrivate): void {
  const irb = p.irb;
  const w0 = getU32(irb, 0);
  const actl = (w0 >>> 5) & 0x7f;
  const stctl = w0 & 0x1f;
  const cc = (w0 >>> 24) & 3;
  const final = !(actl & (ACTL.DEV_ACTIVE | ACTL.SCH_ACTIVE));
  // css §1.3: unsolicited iff cc 0 and STCTL == alert | status pending
  const solicited = cc !== 0 || stctl !== (STCTL.ALERT | STCTL.PENDING);
  let finished = false;
  // the SCSW's CPA as the io region will show it: cp_update_scsw translates it (host → guest)
  let cpa = getU32(irb, 4);
  if (solicited) {
    const frame = d.m.enter('cp_update_scsw'); // enter/leave: no closure per interrupt (issue 12)
    try {
      cpa = cpUpdateScswCpa(p.cp, cpa);
    } finally {
      d.m.leave(frame);
    }
    if (final && p.state === 'CP_PENDING') {
      cpFree(d.cpContext(p), p.cp);
      finished = true;
    }
  }
  // memcpy(region->irb_area, irb, sizeof(*irb)) with the translated CPA word
  IRB.set(irb); // private->irb is IRB_BYTES long
  putU32(IRB, 4, cpa);
  storeBytes(d.m, p, 'io', 24, IRB);
  if (d.features.vfioCcwOpenClose ? finished : final) setState(d.m, p, 'IDLE');
  eventfdSignal(d.m, p.eventfds, p.sch, 'io');
}

/** Host CRW machine check: the crw_collect_info kthread runs (css §6.4). */
export function crwMachineCheck(d: VfioCcw): void {
  d.cio.host('crw_machine_check', () => {
    d.css.crws.takeMachineCheck();
  });
  crwCollectInfo(d.cio);
}
