/**
 * Data streams of one CCW (QEMU `ccw_dstream_*`): where in guest memory the bytes of a transfer
 * go, directly (CDA) or through an indirect-data-address list (css §3.5). IDAWs are fetched
 * lazily, only as many as the transferred length needs; every fault is a channel-program check.
 */
import type { GuestMemory } from '../guest/memory';
import { CCW_FLAG, type Ccw } from './ccw';
import { channelAccess } from './storageAccess';

export interface Segment {
  addr: number;
  len: number;
}

export type IdawFormat = 1 | 2;

export interface IdawLayout {
  readonly format: IdawFormat;
  readonly size: 4 | 8;
  readonly block: 2048 | 4096;
}

/** The three rows of the css §3.5 table (shared and frozen: one per row, no object per CCW, issue 12). */
const IDAW_FMT1: IdawLayout = Object.freeze({ format: 1, size: 4, block: 2048 });
const IDAW_FMT2_2K: IdawLayout = Object.freeze({ format: 2, size: 8, block: 2048 });
const IDAW_FMT2_4K: IdawLayout = Object.freeze({ format: 2, size: 8, block: 4096 });

/** The IDAW format and block size selected by the ORB (css §3.5 table). */
export function idawFormat(orb: { c64: number; i2k: number }): IdawLayout {
  if (!orb.c64) return IDAW_FMT1;
  return orb.i2k ? IDAW_FMT2_2K : IDAW_FMT2_4K;
}

/** Number of IDAWs needed for (addr, len), css §3.5: ((addr mod B) + len + B − 1) / B. */
export function idawCount(addr: number, len: number, block: number): number {
  return Math.floor(((addr % block) + len + block - 1) / block);
}

export type StreamResult =
  | { ok: true; segments: Segment[] }
  | { ok: false; reason: string; ref: string; protection?: boolean };

const fail = (reason: string, ref = 'css §3.6'): StreamResult => ({ ok: false, reason, ref });

/** The stream of a transfer of no bytes (every NOP), shared and frozen: readers only read it. */
export const NO_DATA: StreamResult = Object.freeze({ ok: true, segments: Object.freeze([]) as unknown as Segment[] });

/** Addressing limit of the CCW format: 2^31 (format 1) or 2^24 (format 0), css §3.6. */
export function addressLimit(fmt: 0 | 1): number {
  return fmt === 1 ? 0x80000000 : 0x1000000;
}

/**
 * Segments for the first `n` bytes of `ccw`'s data area. `n` may be less than the CCW count (the
 * device ended early): only the IDAWs the transfer touches are fetched.
 */
export function dataSegments(mem: GuestMemory, ccw: Ccw, orb: { c64: number; i2k: number; key?: number }, n: number): StreamResult {
  if (n === 0) return NO_DATA;
  const limit = addressLimit(ccw.fmt);
  if (!(ccw.flags & CCW_FLAG.IDA)) {
    if (ccw.cda + n > limit) return fail(`data area 0x${ccw.cda.toString(16)}+${n} exceeds the ${ccw.fmt === 1 ? '31' : '24'}-bit limit`);
    // [unverified: chosen program check for a data area outside guest memory (PoP "location not
    //  available"); QEMU's dstream reports the failed access the same way]
    if (!mem.inRange(ccw.cda, n)) return fail(`data area 0x${ccw.cda.toString(16)}+${n} is outside guest memory`);
    return { ok: true, segments: [{ addr: ccw.cda, len: n }] };
  }
  const { format, size, block } = idawFormat(orb);
  const list = ccw.cda;
  if (list & (size - 1)) return fail(`IDAL address 0x${list.toString(16)} not ${size === 4 ? 'word' : 'doubleword'} aligned`, 'css §3.5');
  const segments: Segment[] = [];
  let left = n;
  for (let i = 0; left > 0; i++) {
    const at = list + i * size;
    if (at + size > limit) return fail(`IDAW ${i} at 0x${at.toString(16)} beyond the addressing limit`, 'css §3.5');
    // css §11.7: an IDAW fetch is checked against the ORB key (fetch: only frames with F = 1),
    // after the validity checks of the IDAW address (css §3.5: a program check wins)
    if (orb.key !== undefined && mem.inRange(at, size) && channelAccess(mem, orb.key, at, size, 'fetch') < size) {
      return { ok: false, reason: `IDAW ${i} fetch at 0x${at.toString(16)}: ORB key ${orb.key} does not match the fetch-protected frame's key 0x${mem.storageKey(at).toString(16)}`, ref: 'css §11.7', protection: true };
    }
    let addr: number;
    if (format === 1) {
      const w = mem.readU32(at);
      if (w === undefined) return fail(`IDAW ${i} at 0x${at.toString(16)} is outside guest memory`, 'css §3.5');
      if (w & 0x80000000) return fail(`format-1 IDAW ${i} = 0x${w.toString(16)} has bit 0 set`, 'css §3.5');
      addr = w;
    } else {
      // the doubleword as two words: d = hi·2^32 + lo ≥ size (≤ 2^31) iff hi > 0 or lo ≥ size; no
      // bigint per IDAW (issue 12), the bigint only for the message
      const hi = mem.readU32(at);
      const lo = mem.readU32(at + 4);
      if (hi === undefined || lo === undefined) return fail(`IDAW ${i} at 0x${at.toString(16)} is outside guest memory`, 'css §3.5');
      if (hi !== 0 || lo >= mem.size) return fail(`format-2 IDAW ${i} = 0x${((BigInt(hi) << 32n) | BigInt(lo)).toString(16)} is outside guest memory`, 'css §3.5');
      addr = lo;
    }
    if (i > 0 && addr % block !== 0) {
      return fail(`IDAW ${i} = 0x${addr.toString(16)} is not ${block === 2048 ? '2K' : '4K'}-block aligned`, 'css §3.5');
    }
    const len = Math.min(left, block - (addr % block));
    if (!mem.inRange(addr, len)) return fail(`IDAW ${i} data 0x${addr.toString(16)}+${len} is outside guest memory`, 'css §3.5');
    segments.push({ addr, len });
    left -= len;
  }
  return { ok: true, segments };
}

/** Read the bytes of the segments (memory → device). */
export function gather(mem: GuestMemory, segments: readonly Segment[]): number[] {
  let total = 0;
  for (let k = 0; k < segments.length; k++) total += segments[k].len;
  // sized once and filled by index: no spread of each segment's copy into a growing array (issue 12)
  const out = new Array<number>(total);
  let off = 0;
  for (let k = 0; k < segments.length; k++) {
    const s = segments[k];
    const b = mem.read(s.addr, s.len)!;
    for (let i = 0; i < b.length; i++) out[off + i] = b[i];
    off += s.len;
  }
  return out;
}

/**
 * Store bytes[from …] into the segments (device → memory), journaled. A transfer into one segment
 * of the whole of `bytes` (most of them) stores `bytes` as it is; otherwise each segment's part is
 * a slice (no array built element by element through a callback, issue 12).
 */
export function scatter(mem: GuestMemory, segments: readonly Segment[], bytes: ArrayLike<number>, from = 0): void {
  if (segments.length === 1 && from === 0 && segments[0].len === bytes.length) {
    mem.write(segments[0].addr, bytes);
    return;
  }
  let off = from;
  for (let k = 0; k < segments.length; k++) {
    const s = segments[k];
    mem.write(s.addr, Array.prototype.slice.call(bytes, off, off + s.len) as number[]);
    off += s.len;
  }
}
