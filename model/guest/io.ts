/**
 * What a guest's I/O instructions act on. In the `native` topology that is the machine's
 * channel subsystem itself; in the `vfio` topology it is QEMU's virtual subchannels, which
 * forward to vfio-ccw (PRODUCT §1 "topology"). The scenario runner only sees this interface.
 */
import type { OrbFields } from '../css/css';

/**
 * Every instruction takes its operands as the guest gives them: a raw GR1 SID word and, where the
 * instruction has a storage operand, its address in guest memory (undefined: the model's own
 * buffer, no storage access). Both topologies implement all of them (css §5.1, §10.2; QEMU
 * handles the operands of every I/O instruction against guest memory).
 */
export interface GuestIo {
  ssch(sid: number, orb: OrbFields, orbAddr?: number): number;
  tsch(sid: number, irbAddr?: number): { cc: number; irb: Uint8Array };
  stsch(sid: number, schibAddr?: number): { cc: number; schib: Uint8Array };
  /** `changes` by field name, or — with `schibAddr` — the SCHIB image read from guest memory. */
  msch(sid: number, changes: Record<string, number>, schibAddr?: number): number;
  hsch(sid: number): number;
  csch(sid: number): number;
  xsch(sid: number): number;
  rsch(sid: number): number;
  tpi(addr?: number): { cc: number; sid: number; intparm: number; iid: number };
  stcrw(addr?: number): { cc: number; crw: number };
  /** An I/O interruption request is pending for the guest. */
  interruptionPending(): boolean;
}
