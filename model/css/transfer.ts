/**
 * The data side of a CCW (css §3.5, §11.7): what a device may peek at before it answers, which
 * bytes of a transfer pass the ORB key, and the part of a transfer that moves before a protected
 * frame. The channel (channel.ts) runs the rules; these move and check the bytes.
 */
import type { DeviceOp } from '../devices/device';
import type { CssCore } from './context';
import { dataSegments, gather, scatter, type Segment } from './idaw';
import { channelAccess } from './storageAccess';

/**
 * The CCW's data area as a device may read it before it answers (devices/device.ts `DataPeek`,
 * virtio-ccw's control blocks): bytes within the CCW count only, undefined where they cannot be
 * reached. Reading has no side effect; the transfer itself still follows the channel rules. One
 * peek function per channel subsystem reads the CCW of the command starting (`core.peekCcw`, set
 * around `dev.begin`): no closure per command (issue 12).
 */
export function peekData(core: CssCore, offset: number, length: number): readonly number[] | undefined {
  const ccw = core.peekCcw;
  if (ccw === undefined || offset < 0 || length <= 0 || offset + length > ccw.count) return undefined;
  const seg = dataSegments(core.mem, ccw, core.chan.get(core.peekSch)!.orb, offset + length);
  return seg.ok ? gather(core.mem, seg.segments).slice(offset) : undefined;
}

/** css §11.7: bytes of the segments, in transfer order, before the first frame failing the ORB key. */
export function dataAccessible(core: CssCore, key: number, segments: readonly Segment[], access: 'fetch' | 'store'): number {
  let ok = 0;
  for (let k = 0; k < segments.length; k++) {
    const g = segments[k];
    const n = channelAccess(core.mem, key, g.addr, g.len, access);
    ok += n;
    if (n < g.len) break;
  }
  return ok;
}

/** Absolute address of byte `offset` of a segment list (the first protected byte, for the trace). */
export function segmentAddr(segments: readonly Segment[], offset: number): number {
  let left = offset;
  for (const g of segments) {
    if (left < g.len) return g.addr + left;
    left -= g.len;
  }
  return segments[segments.length - 1].addr;
}

/** Move the first `count` bytes of a partially protected transfer (css §11.7, HERC-z). */
export function transferData(core: CssCore, sch: number, op: DeviceOp, from: number, count: number, segments: readonly Segment[]): void {
  const part: Segment[] = [];
  let left = count;
  for (const g of segments) {
    if (left <= 0) break;
    part.push({ addr: g.addr, len: Math.min(g.len, left) });
    left -= g.len;
  }
  if (op.kind === 'input') {
    const bytes = op.data.slice(from, from + count);
    core.m.within('ccw_dstream_write', () => {
      scatter(core.mem, part, bytes);
      core.m.emit({ kind: 'ccw.data', sch, addr: part[0].addr, count, write: false, bytes: bytes.slice() }, 'instruction');
    });
  } else {
    const bytes = gather(core.mem, part);
    // the command ends with the protection check: the bytes reach no device (dev.end is not called)
    core.m.within('ccw_dstream_read', () => {
      core.m.emit({ kind: 'ccw.data', sch, addr: part[0].addr, count, write: true, bytes }, 'instruction');
    });
  }
}
