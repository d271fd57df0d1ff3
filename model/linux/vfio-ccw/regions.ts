/**
 * vfio-ccw device regions (css §8.1) as data: index, offset (index << 10), subtype, struct
 * size, flags, and the byte layout of each struct. One table, read by the region accessors, the
 * QEMU realize checks, the views and the tests.
 */
import { atLeast, type KernelFeatures } from '../../kernel/version';

/** VFIO_CCW_OFFSET_SHIFT: region file offset = index << 10 (css §8.1). */
export const VFIO_CCW_OFFSET_SHIFT = 10;
export const regionOffset = (index: number): number => index << VFIO_CCW_OFFSET_SHIFT;

/** VFIO_REGION_INFO_FLAG_* (css §8.1). */
export const REGION_FLAG = { READ: 1 << 0, WRITE: 1 << 1, MMAP: 1 << 2, CAPS: 1 << 3 } as const;
/** VFIO_DEVICE_FLAGS_* (css §8.1). */
export const DEVICE_FLAG = { RESET: 1 << 0, CCW: 1 << 4 } as const;
/** VFIO_REGION_TYPE_CCW and subtypes (css §8.1). */
export const VFIO_REGION_TYPE_CCW = 2;
export const VFIO_CCW_NUM_REGIONS = 1;

export type RegionName = 'io' | 'async' | 'schib' | 'crw';

export interface RegionDef {
  name: RegionName;
  struct: string;
  /** 0 for the config region (fixed index 0). */
  subtype: number;
  size: number;
  flags: number;
  /** Byte layout of the struct: field → [offset, size]. */
  layout: Readonly<Record<string, readonly [number, number]>>;
  meaning: string;
}

export const IO_REGION: RegionDef = {
  name: 'io', struct: 'ccw_io_region', subtype: 0, size: 124, flags: REGION_FLAG.READ | REGION_FLAG.WRITE,
  layout: { orb_area: [0, 12], scsw_area: [12, 12], irb_area: [24, 96], ret_code: [120, 4] },
  meaning: 'write = submit a start request (FSM IO_REQ); read = the last IRB',
};
export const ASYNC_REGION: RegionDef = {
  name: 'async', struct: 'ccw_cmd_region', subtype: 1, size: 8, flags: REGION_FLAG.READ | REGION_FLAG.WRITE | REGION_FLAG.CAPS,
  layout: { command: [0, 4], ret_code: [4, 4] },
  meaning: 'write = HSCH (command 1) or CSCH (command 2), FSM ASYNC_REQ',
};
export const SCHIB_REGION: RegionDef = {
  name: 'schib', struct: 'ccw_schib_region', subtype: 2, size: 52, flags: REGION_FLAG.READ | REGION_FLAG.CAPS,
  layout: { schib_area: [0, 52] },
  meaning: 'each read performs a host STSCH and returns the real host SCHIB',
};
export const CRW_REGION: RegionDef = {
  name: 'crw', struct: 'ccw_crw_region', subtype: 3, size: 8, flags: REGION_FLAG.READ | REGION_FLAG.CAPS,
  layout: { crw: [0, 4], pad: [4, 4] },
  meaning: 'each read dequeues at most one CRW (8 zero bytes when none)',
};

/** Async commands (css §8.1). */
export const ASYNC_CMD = { HSCH: 1 << 0, CSCH: 1 << 1 } as const;

/**
 * Regions added at device open, in order (css §8.1): async (≈5.2), then schib and crw (5.8).
 * [unverified: chosen 5.2 for the async region (css §12); all supported versions have it]
 */
export function addedRegions(f: KernelFeatures): RegionDef[] {
  const out = [ASYNC_REGION];
  if (f.vfioCcwChpRegions) out.push(SCHIB_REGION, CRW_REGION);
  return out;
}

/** IRQ indexes (css §8.2): IO always, CRW 5.8+, REQ ≈5.11+. */
export const IRQ_INDEX = { IO: 0, CRW: 1, REQ: 2 } as const;
export type IrqName = 'io' | 'crw' | 'req';

/** [unverified: chosen 5.11 for the REQ IRQ index (css §12)] */
export function numIrqs(f: KernelFeatures): number {
  if (atLeast(f.version, 5, 11)) return 3;
  return f.vfioCcwChpRegions ? 2 : 1;
}

export function regionByName(name: string): RegionDef | undefined {
  return [IO_REGION, ASYNC_REGION, SCHIB_REGION, CRW_REGION].find((r) => r.name === name);
}

/** Big-endian helpers for region structs. */
export function getU32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}
export function putU32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24; b[o + 1] = (v >>> 16) & 0xff; b[o + 2] = (v >>> 8) & 0xff; b[o + 3] = v & 0xff;
}
/** ret_code fields hold a negative errno as a 32-bit two's-complement value. */
export function getRet(b: Uint8Array, o: number): number {
  return getU32(b, o) | 0;
}
