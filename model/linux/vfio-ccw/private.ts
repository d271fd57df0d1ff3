/**
 * `struct vfio_ccw_private`: the per-device state of vfio-ccw (css §8): FSM state, the channel
 * program, the region contents, the CRW list, the IRB of the last interrupt, the eventfds and the
 * pending work items. Fields are changed through the journal by the setters below; the region
 * structs and the IRB through `storeBytes` / `storeU32` (../cio/journaled.ts), which record only the
 * bytes that change. Readers copy what they hand out.
 */
import type { OrbFields } from '../../css/orb';
import type { Machine } from '../../engine/machine';
import type { FsmState } from './fsm';
import type { ChannelProgram } from './cp';
import type { RegionDef } from './regions';
import type { EventFd } from './eventfd';
import type { IrqName } from './regions';

export interface VfioCcwPrivate {
  readonly sch: number;
  /** Index of the device's arena in the host DMA area. */
  readonly arena: number;
  state: FsmState;
  cp: ChannelProgram;
  /** The ORB `cp_get_orb` built for the last host SSCH (css §9.2, §8.5); undefined before the first. */
  hostOrb: OrbFields | undefined;
  /** ccw_io_region (124 bytes). */
  io: Uint8Array;
  /** ccw_cmd_region (8 bytes). */
  cmd: Uint8Array;
  /** ccw_schib_region (52 bytes). */
  schib: Uint8Array;
  /** ccw_crw_region (8 bytes). */
  crwRegion: Uint8Array;
  /** The CRW list (css §8.4), oldest first. */
  crws: number[];
  /** private->irb: the IRB of the last interrupt (64 bytes). */
  irb: Uint8Array;
  /** The device is open (a VFIO device fd exists). */
  open: boolean;
  /** Regions registered on open after the config region (css §8.1). */
  regions: RegionDef[];
  eventfds: Record<IrqName, EventFd>;
  /** Pending work items (queue_work on a pending item is a no-op). */
  work: { io: boolean; crw: boolean };
  /** Counters for views and expects. */
  stats: { crwsQueued: number; interrupts: number; requests: number };
  /** The PFCH warning was given (rate limit). */
  pfchWarned: boolean;
}

/** Journaled write of one field of the private struct (undone by time travel). */
export function setPriv<K extends keyof VfioCcwPrivate>(m: Machine, p: VfioCcwPrivate, k: K, v: VfioCcwPrivate[K]): void {
  m.journal.set(p as unknown as Record<string, unknown>, k as string, v);
}

/** Journaled FSM state change. */
export function setState(m: Machine, p: VfioCcwPrivate, s: FsmState): void {
  if (m.journal.recording) setPriv(m, p, 'state', s);
  else p.state = s; // lean runs: set would only store (a named store: issue 12, three per I/O)
}
