/**
 * QEMU's eventfd handlers for vfio-ccw (hw/vfio/ccw.c, main loop; css §10.4, §10.5, §8.2): the
 * IO notifier (io region → guest SCSW, ESW and sense; I/O interruption), the CRW notifier (CRW
 * region → the guest CRW queue with machine-check throttling, css §6.3) and the REQ notifier
 * (unplug of the device).
 */
import type { Machine } from '../engine/machine';
import { ACTL, STCTL, DSTAT, STCTL_ALERT_END } from '../css/status';
import { ERC, RSC } from '../css/crw';
import { FIELD } from '../css/schib';
import { CRW_REGION, IO_REGION, getU32, type IrqName } from '../linux/vfio-ccw/regions';
import { eventfdTestAndClear } from '../linux/vfio-ccw/eventfd';
import { storeBytes } from '../linux/cio/journaled';
import { schBusId } from '../linux/cio/constants';
import { onQemuThread, QEMU_THREAD } from './threads';
import { ioReadOutcome, type IoReadResult } from './mapping';
import type { QemuCss } from './css';

const warn = (m: Machine, message: string, ref: string): void => {
  m.emit({ kind: 'warn', message, ref }, 'instruction');
};

export function onEventfd(q: QemuCss, sch: number, irq: IrqName): void {
  const d = q.devices.get(sch);
  if (!d) return;
  const fd = q.vfio.device(sch).eventfds[irq];
  if (irq === 'io') {
    // as onQemuThread, without a closure per interrupt (issue 12)
    const prev = q.m.enterThread(QEMU_THREAD);
    const frame = q.m.enter('vfio_ccw_io_notifier_handler');
    try {
      if (eventfdTestAndClear(q.m, fd)) ioNotifier(q, sch);
    } finally {
      q.m.leave(frame);
      q.m.leaveThread(prev);
    }
  } else if (irq === 'crw') onQemuThread(q.m, 'vfio_ccw_crw_notifier_handler', () => eventfdTestAndClear(q.m, fd) && crwRead(q, sch));
  else onQemuThread(q.m, 'vfio_ccw_req_notifier_handler', () => {
    if (!eventfdTestAndClear(q.m, fd)) return;
    unplug(q, sch);
  });
}

/**
 * QEMU's reaction to the REQ eventfd (css §8.2, §10.1): `qdev_unplug` of the vfio-ccw device.
 * The guest subchannel disappears (a subchannel hot-unplug CRW RSC 3 ERC 4 RSID = schno per
 * css §6.3, pending I/O interruptions of it withdrawn; STSCH then gives cc 3 past the last
 * subchannel, css §5.2), then unrealize removes the eventfds and closes the device fd (kernel
 * CLOSE, css §8.3). [unverified: chosen — no MSS/MCSS-E, so the CRW is not chained]
 */
export function unplug(q: QemuCss, sch: number): void {
  onQemuThread(q.m, 'qdev_unplug', () => {
    const d = q.devices.get(sch);
    if (!d) return;
    const c = q.core;
    warn(q.m, `vfio-ccw ${schBusId(sch)}: host requested release (REQ eventfd): QEMU unplugs the device; the guest gets CRW RSC 3 ERC 4 and the subchannel is gone`, 'css §8.2, §6.3');
    q.m.within('css_generate_sch_crws', () => {
      const armed = q.crws.flags.mchkArmed;
      q.crws.queue({ rsc: RSC.SCH, erc: ERC.IPI, rsid: sch });
      if (armed && !q.crws.flags.mchkArmed) q.m.journal.set(q.mchk, 'injected', q.mchk.injected + 1);
      c.irq.withdraw(sch); // CRW_ERC_IPI → css_clear_io_interrupt
    });
    const devno = c.schib.get(sch, FIELD['pmcw.dev']);
    q.m.journal.mapDelete(c.devices, sch);
    q.m.journal.mapDelete(c.devnos, devno);
    let max = -1;
    for (const k of c.devices.keys()) if (k > max) max = k;
    q.m.journal.set(c.limits, 'maxSch', max);
    q.m.within('vfio_ccw_unrealize', () => {
      for (const irq of ['req', 'crw', 'io'] as const) q.vfio.setIrq(sch, irq, false);
      q.m.within('vfio_ccw_put_device', () => q.vfio.close(sch));
    });
    q.m.journal.mapDelete(q.devices, sch);
  });
}

/**
 * QEMU's io region buffer the notifier reads into (vcdev->io_region; one here for every device:
 * the handler uses it only while it runs). Not model state.
 */
const IO_READ = new Uint8Array(IO_REGION.size);
const READ_OK: IoReadResult = Object.freeze({ kind: 'ok' });
const READ_SHORT: IoReadResult = Object.freeze({ kind: 'short' });

/** css §10.4: read the whole io region and update the guest SCSW, then inject the interruption. */
export function ioNotifier(q: QemuCss, sch: number, forced?: IoReadResult): void {
  const d = q.devices.get(sch)!;
  const s = q.core.schib;
  const r = q.vfio.read(sch, d.regions.io, IO_REGION.size, IO_READ);
  const result: IoReadResult = forced ?? (r.ret < 0 ? { kind: 'error', errno: -r.ret } : r.ret !== IO_REGION.size ? READ_SHORT : READ_OK);
  const change = ioReadOutcome(result);
  if (change.kind === 'deferred-cc3') {
    s.set(sch, FIELD['scsw.cc'], 3);
    s.set(sch, FIELD['scsw.stctl'], STCTL.ALERT | STCTL.PENDING);
  } else if (change.kind === 'status') {
    s.set(sch, FIELD['scsw.cstat'], change.cstat);
    s.set(sch, FIELD['scsw.actl'], s.get(sch, FIELD['scsw.actl']) & ~ACTL.START_PEND);
    s.set(sch, FIELD['scsw.stctl'], STCTL_ALERT_END);
  } else {
    // the irb_area starts at byte 24 of the region (css §8.1): SCSW, then ESW (+12), ECW (+32)
    const irb = r.data;
    for (let i = 0; i < 3; i++) s.setWord(sch, 7 + i, getU32(irb, 24 + i * 4));
    storeBytes(q.m, d, 'esw', 0, irb, 24 + 12, 20);
    if (s.get(sch, FIELD['scsw.dstat']) & DSTAT.UC && s.get(sch, FIELD['pmcw.csense'])) storeBytes(q.m, d, 'sense', 0, irb, 24 + 32, 32);
  }
  if (q.m.journal.recording) q.m.journal.set(d.stats, 'ioIrqs', d.stats.ioIrqs + 1);
  else d.stats.ioIrqs++; // lean runs: set would only store (issue 12)
  // css §1.3, §10.4: the guest's SCSW now holds a deferred cc 3 (valid with status pending); the
  // host's status event is the host subchannel's, so the guest's own gets a record (the
  // deferred-cc3 exception filter stops here, in QEMU's handler, where the guest receives it)
  if (change.kind !== 'status' && s.get(sch, FIELD['scsw.cc']) === 3 && s.get(sch, FIELD['scsw.stctl']) & STCTL.PENDING) {
    q.m.emit({ kind: 'guest.status', sch, stctl: s.get(sch, FIELD['scsw.stctl']), cc: 3, from: change.kind === 'deferred-cc3' ? 'enodev' : 'irb' }, 'instruction');
  }
  q.core.injectIo(sch);
}

/** css §10.5: read CRWs until the region returns zero; each one verbatim into the guest queue. */
function crwRead(q: QemuCss, sch: number): void {
  const d = q.devices.get(sch)!;
  q.m.within('vfio_ccw_crw_read', () => {
    for (let guard = 0; guard < 100_000; guard++) {
      const r = q.vfio.read(sch, d.regions.crw!, CRW_REGION.size);
      if (r.ret < 0) {
        warn(q.m, `vfio-ccw ${schBusId(sch)}: reading the CRW region failed (${r.ret})`, 'css §10.5');
        return;
      }
      const crw = getU32(r.data, 0);
      if (crw === 0) return;
      const armed = q.crws.flags.mchkArmed;
      q.m.within('css_crw_add_to_queue', () => q.crws.add(crw));
      if (armed && !q.crws.flags.mchkArmed) q.m.journal.set(q.mchk, 'injected', q.mchk.injected + 1);
      q.m.journal.set(d.stats, 'crwsForwarded', d.stats.crwsForwarded + 1);
    }
  });
}
