/**
 * What a guest's I/O instructions act on. In the `native` topology that is the machine's
 * channel subsystem itself; in the `vfio` topology it is QEMU's virtual subchannels, which
 * forward to vfio-ccw (PRODUCT §1 "topology"). The scenario runner only sees this interface.
 */
import type { OrbFields } from '../css/css';

export interface GuestIo {
  ssch(sid: number, orb: OrbFields): number;
  tsch(sid: number): { cc: number; irb: Uint8Array };
  stsch(sid: number): { cc: number; schib: Uint8Array };
  msch(sid: number, changes: Record<string, number>): number;
  hsch(sid: number): number;
  csch(sid: number): number;
  xsch(sid: number): number;
  rsch(sid: number): number;
  tpi(): { cc: number; sid: number; intparm: number; iid: number };
  stcrw(): { cc: number; crw: number };
  /** An I/O interruption request is pending for the guest. */
  interruptionPending(): boolean;
}
