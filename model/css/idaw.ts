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

/** The IDAW format and block size selected by the ORB (css §3.5 table). */
export function idawFormat(orb: { c64: number; i2k: number }): { format: IdawFormat; size: 4 | 8; block: 2048 | 4096 } {
  if (!orb.c64) return { format: 1, size: 4, block: 2048 };
  return { format: 2, size: 8, block: orb.i2k ? 2048 : 4096 };
}

/** Number of IDAWs needed for (addr, len), css §3.5: ((addr mod B) + len + B − 1) / B. */
export function idawCount(addr: number, len: number, block: number): number {
  return Math.floor(((addr % block) + len + block - 1) / block);
}

export type StreamResult =
  | { ok: true; segments: Segment[]; idaws: number[] }
  | { ok: false; reason: string; ref: string; protection?: boolean };

const fail = (reason: string, ref = 'css §3.6'): StreamResult => ({ ok: false, reason, ref });

/** The stream of a transfer of no bytes (every NOP), shared and frozen: readers only read it. */
export const NO_DATA: StreamResult = Object.freeze({ ok: true, segments: Object.freeze([]) as unknown as Segment[], idaws: Object.freeze([]) as unknown as number[] });

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
    return { ok: true, segments: [{ addr: ccw.cda, len: n }], idaws: [] };
  }
  const { format, size, block } = idawFormat(orb);
  const list = ccw.cda;
  if (list & (size - 1)) return fail(`IDAL address 0x${list.toString(16)} not ${size === 4 ? 'word' : 'doubleword'} aligned`, 'css §3.5');
  const segments: Segment[] = [];
  const idaws: number[] = [];
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
      const d = mem.readU64(at);
      if (d === undefined) return fail(`IDAW ${i} at 0x${at.toString(16)} is outside guest memory`, 'css §3.5');
      if (d >= BigInt(mem.size)) return fail(`format-2 IDAW ${i} = 0x${d.toString(16)} is outside guest memory`, 'css §3.5');
      addr = Number(d);
    }
    if (i > 0 && addr % block !== 0) {
      return fail(`IDAW ${i} = 0x${addr.toString(16)} is not ${block === 2048 ? '2K' : '4K'}-block aligned`, 'css §3.5');
    }
    const len = Math.min(left, block - (addr % block));
    if (!mem.inRange(addr, len)) return fail(`IDAW ${i} data 0x${addr.toString(16)}+${len} is outside guest memory`, 'css §3.5');
    idaws.push(addr);
    segments.push({ addr, len });
    left -= len;
  }
  return { ok: true, segments, idaws };
}

/** Read the bytes of the segments (memory → device). */
export function gather(mem: GuestMemory, segments: readonly Segment[]): number[] {
  const out: number[] = [];
  for (const s of segments) out.push(...mem.read(s.addr, s.len)!);
  return out;
}

/** Store bytes into the segments (device → memory), journaled. */
export function scatter(mem: GuestMemory, segments: readonly Segment[], bytes: ArrayLike<number>): void {
  let off = 0;
  for (const s of segments) {
    mem.write(s.addr, Array.from({ length: s.len }, (_, k) => bytes[off + k]));
    off += s.len;
  }
}
