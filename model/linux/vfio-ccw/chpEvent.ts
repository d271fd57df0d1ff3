/**
 * Channel-path events in vfio_ccw (vfio_ccw_drv.c, css §8.4, §5.6, §6.4): `vfio_ccw_chp_event`
 * with its path masks, `vfio_ccw_sch_event`, and the CRW list (`vfio_ccw_queue_crw`).
 */
import { encodeCrw, ERC, RSC } from '../../css/crw';
import { CHP_EVENT, schBusId, type ChpEvent } from '../cio/constants';
import { chpSsdGetMask, type HostSubchannel } from '../cio/subchannel';
import { E } from '../cio/errno';
import { type VfioCcwPrivate } from './private';
import { queueWork } from './ioWork';
import type { VfioCcw } from './driver';

/** `vfio_ccw_chp_event` (css §8.4). */
export function chpEvent(d: VfioCcw, hs: HostSubchannel, chpid: number, event: ChpEvent): number {
  // before 5.8 vfio_ccw registers no chp_event callback: the css layer skips the driver (css §0)
  if (!d.features.vfioCcwChpRegions) return 0;
  const p = d.devices.get(hs.sch);
  const mask = chpSsdGetMask(hs.ssd, chpid);
  if (!p || !mask) return 0;
  if (d.cio.cioUpdateSchib(hs)) return -E.ENODEV;
  const j = d.m.journal;
  const lpum = hs.schib[10];
  const retry = { n: 255 };
  switch (event) {
    case CHP_EVENT.VARY_OFF:
      j.set(hs, 'opm', hs.opm & ~mask);
      j.set(hs, 'lpm', hs.lpm & ~mask);
      if (lpum & mask) d.cio.cancelHaltClear(hs, retry);
      break;
    case CHP_EVENT.OFFLINE:
      if (lpum & mask) d.cio.cancelHaltClear(hs, retry);
      queueCrw(d, p, RSC.CHP, ERC.PERRN, chpid);
      break;
    case CHP_EVENT.VARY_ON:
      j.set(hs, 'opm', hs.opm | mask);
      j.set(hs, 'lpm', hs.lpm | mask);
      break;
    case CHP_EVENT.ONLINE:
      j.set(hs, 'lpm', hs.lpm | (mask & hs.opm));
      queueCrw(d, p, RSC.CHP, ERC.INIT, chpid);
      break;
  }
  return 0;
}

/**
 * `vfio_ccw_sch_event` (subchannel evaluation, e.g. after an overflow, css §5.6/§6.4):
 * refresh the SCHIB; failure → FSM NOT_OPER. [unverified: chosen — recalled from the driver]
 */
export function schEvent(d: VfioCcw, hs: HostSubchannel): void {
  d.m.within('vfio_ccw_sch_event', () => {
    const p = d.devices.get(hs.sch);
    if (d.cio.cioUpdateSchib(hs) && p) d.fsmEvent(p, 'NOT_OPER');
  });
}

/** `vfio_ccw_queue_crw` (css §8.4): only RSC/ERC/RSID set; appended; crw work queued. */
export function queueCrw(d: VfioCcw, p: VfioCcwPrivate, rsc: number, erc: number, rsid: number): void {
  d.m.within('vfio_ccw_queue_crw', () => {
    const crw = encodeCrw({ rsc, erc, rsid });
    if (d.fault('crw-alloc-fail')) {
      // css §8.4: kzalloc(GFP_ATOMIC) failed → the event is dropped silently (no overflow report)
      d.warn(`injected: CRW element allocation (GFP_ATOMIC) failed for ${schBusId(p.sch)}: CRW 0x${crw.toString(16).padStart(8, '0')} dropped silently`, 'css §8.4');
      return;
    }
    d.m.journal.push(p.crws, crw);
    d.m.journal.set(p.stats, 'crwsQueued', p.stats.crwsQueued + 1);
    d.m.emit({ kind: 'crw.queued', queue: `vfio-ccw ${schBusId(p.sch)}`, crw }, 'instruction');
    queueWork(d, p, 'crw');
  });
}
