/**
 * Realizing QEMU's vfio-ccw device (hw/vfio/ccw.c, css §10.1, §7.2): open the device, check the
 * regions, install the eventfds and build the guest SCHIB from host sysfs; and the reopen of the
 * device fd (`vfio open SID`) that registers the eventfds again.
 */
import type { Machine } from '../engine/machine';
import { createDevice } from '../devices/factory';
import { ASYNC_REGION, CRW_REGION, IO_REGION, SCHIB_REGION, regionOffset } from '../linux/vfio-ccw/regions';
import { pimpampom, chpids as sysfsChpids } from '../linux/cio/sysfs';
import { schBusId } from '../linux/cio/constants';
import { onQemuThread } from './threads';
import type { QemuCss, QemuDevice } from './css';

const warn = (m: Machine, message: string, ref: string): void => {
  m.emit({ kind: 'warn', message, ref }, 'instruction');
};

/**
 * `vfio_ccw_realize`: open the device, check the regions, install the eventfds, and build the
 * guest SCHIB from host sysfs (PIM/PAM/POM from `pimpampom`, CHPIDs from `chpids`, LPM 0,
 * disabled). The guest subchannel number and device number are the host's (a modelling
 * choice; QEMU lets the user choose them).
 */
export function realize(q: QemuCss, sch: number): void {
  onQemuThread(q.m, 'vfio_ccw_realize', () => {
    const v = q.vfio;
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
    if (v.setIrq(sch, 'req', true) !== 0) warn(q.m, `vfio-ccw ${schBusId(sch)}: no REQ IRQ index in this kernel (only a warning)`, 'css §10.1');
    q.m.journal.mapSet(q.devices, sch, {
      sch, regions, orb: undefined, channelProg: 0, esw: new Uint8Array(20), sense: new Uint8Array(32),
      stats: { unitExceptions: 0, ioIrqs: 0, crwsForwarded: 0, eagainRetries: 0 },
    });
    buildSchib(q, sch);
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
export function reopen(q: QemuCss, sch: number): number {
  return onQemuThread(q.m, 'vfio_ccw_reopen', () => {
    const v = q.vfio;
    const ret = v.open(sch);
    if (ret) return ret;
    warn(q.m, `vfio-ccw ${schBusId(sch)}: device reopened by QEMU: IO/CRW/REQ eventfds registered again as at realize [unverified: chosen]`, 'css §8.2, §10.1');
    q.m.within('vfio_ccw_register_irq_notifier', () => {
      v.setIrq(sch, 'io', true);
      if (v.device(sch).regions.some((r) => r.name === 'crw')) v.setIrq(sch, 'crw', true);
      v.setIrq(sch, 'req', true); // no REQ index (5.8): -EINVAL, only a warning at realize
    });
    return 0;
  });
}

/** `css_sch_build_schib` from sysfs (css §7.2). */
function buildSchib(q: QemuCss, sch: number): void {
  const c = q.core;
  const s = c.schib;
  const host = q.vfio.css;
  const [pim, pam, pom] = pimpampom(q.vfio.cio, sch).split(' ').map((x) => parseInt(x, 16));
  const ids = sysfsChpids(q.vfio.cio, sch).trim().split(' ').map((x) => parseInt(x, 16));
  const devno = host.field(sch, 'pmcw.dev');
  s.set(sch, 'pmcw.dnv', 1);
  s.set(sch, 'pmcw.dev', devno);
  s.set(sch, 'pmcw.pim', pim);
  s.set(sch, 'pmcw.pam', pam);
  s.set(sch, 'pmcw.pom', pom);
  s.set(sch, 'pmcw.lpm', 0);
  ids.forEach((id, i) => s.set(sch, `pmcw.chpid${i}`, id));
  q.m.journal.mapSet(c.devices, sch, createDevice(q.m, 'echo', devno)); // placeholder: I/O goes to vfio-ccw
  q.m.journal.mapSet(c.devnos, devno, sch);
  if (sch > c.limits.maxSch) q.m.journal.set(c.limits, 'maxSch', sch);
}
