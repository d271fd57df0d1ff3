/**
 * The host's `struct subchannel` as far as channel-path handling needs it (css §1.2, §7): the
 * software path masks lpm/opm/vpm (never written to the PMCW), the SSD info, the cached SCHIB
 * (`sch->schib`, refreshed by `cio_update_schib`) and the bound driver. Journaled objects.
 */
import { SCHIB_BYTES } from '../../css/fields';
import type { ChpEvent } from './constants';

export interface SsdInfo {
  /** Path mask of the SSD (CHSC store-subchannel-description), css §7.1. */
  pathMask: number;
  /** CHPID per path-mask bit i. */
  chpids: readonly number[];
}

export interface HostSubchannel {
  readonly sch: number;
  /** Logical path mask used when an ORB has no LPM (css §1.2, §8.5). */
  lpm: number;
  /** Paths not varied offline (css §1.2). */
  opm: number;
  /** Verified path mask (css §1.2; io_subchannel path verification, not used by vfio_ccw). */
  vpm: number;
  ssd: SsdInfo;
  /** The cached SCHIB image (52 bytes), css §7.2 `pimpampom` reads it. */
  schib: Uint8Array;
  /** 'io_subchannel' (the host's own device driver) or 'vfio_ccw'. */
  driver: string;
}

/** A subchannel driver's callbacks (struct css_driver). */
export interface SubchannelDriver {
  readonly name: string;
  /** `chp_event(sch, link, event)`: 0, or a negative errno (css §8.4). */
  chpEvent(hs: HostSubchannel, chpid: number, event: ChpEvent): number;
  /** `sch_event` (css_evaluate_subchannel); default: refresh the cached SCHIB only. */
  schEvent?(hs: HostSubchannel): void;
  /**
   * The driver's remove callback at `css_sch_device_unregister` (unregister.ts): 'done', or
   * 'pending' when it completes later (vfio_ccw waits for userspace to release the device).
   */
  remove?(hs: HostSubchannel): 'done' | 'pending';
}

export function emptySchib(): Uint8Array {
  return new Uint8Array(SCHIB_BYTES);
}

/**
 * `chp_ssd_get_mask` (css §7.1): `0x80 >> i` for the first SSD entry i whose path bit is set and
 * whose CHPID matches; 0 if none. (FLA matching is not modelled: links carry no FLA.)
 */
export function chpSsdGetMask(ssd: SsdInfo, chpid: number): number {
  for (let i = 0; i < 8; i++) {
    const bit = 0x80 >> i;
    if (ssd.pathMask & bit && ssd.chpids[i] === chpid) return bit;
  }
  return 0;
}

/** Byte offsets of PMCW fields in the SCHIB image (css §1.1). */
export const PMCW_BYTE = { lpm: 8, pnom: 9, lpum: 10, pim: 11, pom: 14, pam: 15, chpid0: 16 } as const;

export function schibByte(img: Uint8Array, what: keyof typeof PMCW_BYTE): number {
  return img[PMCW_BYTE[what]];
}
