/**
 * vfio_ccw's remove callback at subchannel unregistration (css_sch_device_unregister, after
 * `fsm_notoper` scheduled SCH_TODO_UNREG, css §8.3): the vfio core's `vfio_unregister_group_dev`
 * asks userspace to release the device (`vfio_ccw_mdev_request`: the REQ eventfd, css §8.2) and
 * waits; QEMU answers by unplugging the device (model/qemu/notifiers.ts `unplug`: guest CRW RSC 3
 * ERC 4, the fd closed). Then `vfio_ccw_sch_remove` frees the private data and the host subchannel
 * goes away. Each wait is a queued action, so the I/O timeline shows every request.
 * [unverified: chosen — the kernel repeats the request every 10 s forever; the model waits
 *  UNREG_RETRY_DELAY time units between requests and gives up after UNREG_MAX_REQUESTS, leaving
 *  the device bound in NOT_OPER (schib region reads −ENODEV)]
 */
import { schBusId } from '../cio/constants';
import type { HostSubchannel } from '../cio/subchannel';
import { finishUnregister } from '../cio/unregister';
import { hostWork } from './host';
import type { VfioCcw } from './driver';

/** The waiting step of `vfio_unregister_group_dev` (arg = sch | requests sent << 16). */
export const VFIO_UNREG_ACTION = 'host.vfio_unregister';
export const UNREG_RETRY_DELAY = 10;
export const UNREG_MAX_REQUESTS = 10;

/** The driver's remove callback: 'done' when nothing holds the device, else the wait starts. */
export function remove(d: VfioCcw, hs: HostSubchannel): 'done' | 'pending' {
  const p = d.devices.get(hs.sch);
  if (!p) return 'done';
  if (!p.open) {
    d.schRemove(p);
    return 'done';
  }
  step(d, hs.sch);
  return 'pending';
}

/** One round of the unregister wait: done if userspace closed the device, else one more request. */
export function step(d: VfioCcw, arg: number): void {
  const sch = arg & 0xffff;
  const sent = arg >>> 16;
  hostWork(d.m, 'vfio_unregister_group_dev', () => {
    const p = d.devices.get(sch);
    if (!p) return;
    if (!p.open) {
      d.schRemove(p);
      finishUnregister(d.cio, sch);
      return;
    }
    if (sent >= UNREG_MAX_REQUESTS) {
      d.warn(`${schBusId(sch)}: userspace did not release the device after ${sent} requests; unregistration stays blocked (the model gives up)`, 'css §8.2, §12');
      return;
    }
    d.request(sch, sent);
    d.m.schedule(VFIO_UNREG_ACTION, (sch | ((sent + 1) << 16)) >>> 0, UNREG_RETRY_DELAY);
  });
}
