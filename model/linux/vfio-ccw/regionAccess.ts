/**
 * Region access on the device fd (`vfio_ccw_mdev_read` / `_write`, css §8.1): the offset →
 * region lookup, the io and async region writes that drive the FSM, and the schib and CRW
 * region reads.
 */
import { schBusId } from '../cio/constants';
import { E } from '../cio/errno';
import { getRet, IO_REGION, VFIO_CCW_NUM_REGIONS, VFIO_CCW_OFFSET_SHIFT, type RegionDef } from './regions';
import { type VfioCcwPrivate } from './private';
import { storeBytes, storeU32 } from '../cio/journaled';
import { eventfdSignal } from './eventfd';
import type { VfioCcw } from './driver';

const NONE = new Uint8Array(0);

/** The region a file offset names (index = offset >> 10, css §8.1), or -EINVAL. */
function regionAt(p: VfioCcwPrivate, offset: number): RegionDef | number {
  if (!Number.isInteger(offset) || offset < 0) return -E.EINVAL;
  const index = Math.floor(offset / REGION_SPAN);
  if (index === 0) return IO_REGION;
  const i = index - VFIO_CCW_NUM_REGIONS;
  if (i >= p.regions.length) return -E.EINVAL;
  return p.regions[i];
}

const REGION_SPAN = 1 << VFIO_CCW_OFFSET_SHIFT;

/** Position inside the region (the low VFIO_CCW_OFFSET_SHIFT bits of the file offset). */
const posIn = (offset: number): number => offset % REGION_SPAN;

/** The bytes [pos, pos + count) of a region struct: a copy, or into the reader's buffer. */
function copyOut(src: Uint8Array, pos: number, count: number, into: Uint8Array | undefined): Uint8Array {
  if (!into || into.length < count) return src.slice(pos, pos + count);
  for (let i = 0; i < count; i++) into[i] = src[pos + i];
  return into;
}

/** pread on the device fd: the bytes (into the caller's buffer when given), or a negative errno. */
export function regionRead(d: VfioCcw, sch: number, offset: number, count: number, into?: Uint8Array): { ret: number; data: Uint8Array } {
  const p = d.device(sch);
  const frame = d.m.enter('vfio_ccw_mdev_read');
  try {
    const none = NONE;
    if (!p.open) return { ret: -E.EBADF, data: none };
    if (!Number.isInteger(count) || count < 0) return { ret: -E.EINVAL, data: none };
    const def = regionAt(p, offset);
    if (typeof def === 'number') return { ret: def, data: none };
    const pos = posIn(offset);
    if (pos + count > def.size) return { ret: -E.EINVAL, data: none };
    switch (def.name) {
      case 'io': return { ret: count, data: copyOut(p.io, pos, count, into) };
      case 'async': return { ret: count, data: copyOut(p.cmd, pos, count, into) };
      case 'schib': return d.m.within('vfio_ccw_schib_region_read', () => {
        const hs = d.cio.subchannel(sch);
        if (d.cio.cioUpdateSchib(hs)) return { ret: -E.ENODEV, data: none };
        storeBytes(d.m, p, 'schib', 0, hs.schib);
        return { ret: count, data: p.schib.slice(pos, pos + count) };
      });
      case 'crw': return d.m.within('vfio_ccw_crw_region_read', () => {
        const crw = d.m.journal.shift(p.crws);
        // the CRW is put into the region, copied out, and the region cleared again (css §8.4)
        storeU32(d.m, p, 'crwRegion', 0, crw ?? 0);
        const data = p.crwRegion.slice(pos, pos + count);
        storeU32(d.m, p, 'crwRegion', 0, 0);
        // vfio_ccw_crw_region_read (css §8.4, L-vfio vfio_ccw_chp.c): "notify the guest if more
        // CRWs are on our queue" — eventfd_signal straight from the read path, not the work item,
        // so each read that leaves CRWs behind is one more signal (bursts count as in the kernel)
        if (p.crws.length) eventfdSignal(d.m, p.eventfds, p.sch, 'crw');
        return { ret: count, data };
      });
    }
  } finally {
    d.m.leave(frame);
  }
}

/** pwrite on the device fd: the byte count, the region's ret_code, or a negative errno. */
export function regionWrite(d: VfioCcw, sch: number, offset: number, data: Uint8Array): number {
  const p = d.device(sch);
  const frame = d.m.enter('vfio_ccw_mdev_write');
  try {
    if (!p.open) return -E.EBADF;
    const def = regionAt(p, offset);
    if (typeof def === 'number') return def;
    const pos = posIn(offset);
    if (pos + data.length > def.size) return -E.EINVAL;
    switch (def.name) {
      case 'io': return writeRequest(d, p, 'vfio_ccw_mdev_write_io_region', 'io', pos, data, 'IO_REQ', 120);
      case 'async': return writeRequest(d, p, 'vfio_ccw_async_region_write', 'cmd', pos, data, 'ASYNC_REQ', 4);
      default:
        return -E.EINVAL; // schib and crw regions are read-only
    }
  } finally {
    d.m.leave(frame);
  }
}

/** `mutex_trylock(&private->io_mutex)` failing (css §8.1): only through fault injection here. */
function ioMutexBusy(d: VfioCcw, p: VfioCcwPrivate): boolean {
  if (!d.fault('io-mutex-busy')) return false;
  d.warn(`injected: ${schBusId(p.sch)} io_mutex is held: mutex_trylock failed → -EAGAIN`, 'css §8.1');
  return true;
}

/**
 * A write to the io or async region (css §8.1): take the device mutex (trylock → -EAGAIN),
 * copy the bytes in, run the FSM event, and return ret_code if nonzero, else the byte count.
 */
function writeRequest(d: VfioCcw, p: VfioCcwPrivate, fn: string, field: 'io' | 'cmd', pos: number, data: Uint8Array, ev: 'IO_REQ' | 'ASYNC_REQ', retOffset: number): number {
  const frame = d.m.enter(fn);
  try {
    if (ioMutexBusy(d, p)) return -E.EAGAIN;
    storeBytes(d.m, p, field, pos, data); // copy_from_user into the region (in place)
    d.fsmEvent(p, ev);
    const rc = getRet(p[field], retOffset);
    return rc !== 0 ? rc : data.length;
  } finally {
    d.m.leave(frame);
  }
}
