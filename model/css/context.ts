/**
 * The channel subsystem's state, shared by the instructions, the channel and the facade: the
 * SCHIB store, the interruption queues, devices, channel paths and the per-subchannel channel
 * program state. Every change goes through `m.journal`.
 */
import type { Machine } from '../engine/machine';
import type { Journal } from '../engine/journal';
import type { GuestMemory } from '../guest/memory';
import type { DataPeek, Device, DeviceOp } from '../devices/device';
import type { Ccw } from './ccw';
import { CHPID_FIELDS, FIELD, SchibStore } from './schib';
import { IoInterruptions } from './interruptions';
import type { OrbFields } from './orb';
import { STCTL } from './status';
import { GuestCpu } from '../guest/cpu';

/** No bytes gathered (the output buffer of a command that has not moved any). */
export const NO_BYTES: readonly number[] = Object.freeze([]);

/**
 * State of the channel program of one subchannel (QEMU keeps the same in `SubchDev`): a class of
 * fixed shape changed through the per-field setters below, each a journal write with a constant
 * key (issue 12: a patch object per CCW made megamorphic keyed stores and an object per step).
 * What the device does with the command in progress (`op`) and the output it gathered (`out`)
 * are kept here only while the command spans CCWs (data chaining, css §3.4); a command that
 * starts and ends within one CCW keeps them in the channel's locals, so a command-chained
 * program journals no object per CCW (`cmd` and `moved`, numbers, stay visible to the views at
 * every stop).
 */
export class ChanState {
  /** Address of the next CCW to fetch (QEMU `channel_prog`). */
  next: number;
  /** Address of the CCW fetched last (0 before the first). */
  cur = 0;
  /** The CCW fetched last was a TIC (TIC-after-TIC check, css §3.4). */
  lastTic = false;
  /** CCWs with CDA 0 so far (loop guard: more than 255 → program check, css §3.6). */
  noData = 0;
  /**
   * Command in progress, or -1: set before any event its CCW emits while it runs (data transfer,
   * check) and while data chaining carries it, so every stop shows it; a command that ends
   * without an event in between (NOP) never sets it.
   */
  cmd = -1;
  /** What the device does with a command that continues by data chaining (else undefined). */
  op: DeviceOp | undefined = undefined;
  /** Bytes moved by the CCWs before the current one for the command in progress. */
  moved = 0;
  /** Bytes gathered from memory so far for an output command in progress across data chaining. */
  out: readonly number[] = NO_BYTES;
  /** CCWs fetched (shown in the Variables view; 1 = initial selection, css §5.2). */
  ccws = 0;
  /** Address of a CCW whose scripted device delay has been served (css §4 device rules), or -1. */
  delayedAt = -1;

  constructor(
    /** The ORB of the start function (frozen). */
    public orb: Readonly<OrbFields>,
    public fmt: 0 | 1,
  ) {
    this.next = orb.cpa;
  }
}

/**
 * A start function begins (SSCH, css §5.3): the subchannel's channel state starts over with the
 * ORB's program. An existing ChanState is reset field by field (a loop's SSCH with the same ORB
 * journals a few numbers, not a new object: issue 12); a subchannel's first start adds one.
 */
export function startProgram(core: CssCore, sch: number, orb: Readonly<OrbFields>): void {
  const j = core.m.journal;
  const fmt = orb.fmt ? 1 : 0;
  const st = core.chan.get(sch);
  if (!st) {
    j.mapSet(core.chan, sch, new ChanState(orb, fmt));
    return;
  }
  if (j.recording) noteProgram(j, st, orb, fmt);
  st.orb = orb;
  st.fmt = fmt;
  setNext(j, st, orb.cpa);
  setCur(j, st, 0);
  setLastTic(j, st, false);
  setNoData(j, st, 0);
  endCommand(j, st);
  setCcws(j, st, 0);
  setDelayedAt(j, st, -1);
}

/** startProgram's journal notes of the ORB and format (apart: not called in lean runs, issue 12). */
function noteProgram(j: Journal, st: ChanState, orb: Readonly<OrbFields>, fmt: 0 | 1): void {
  // a loop's SSCH gives the same (frozen) ORB again: no generic keyed access for it (issue 12)
  if (st.orb !== orb) j.set(st, 'orb', orb);
  j.noteNum(st, 'fmt', st.fmt, fmt);
}

// Journaled setters of ChanState, one per field so each write has a constant key: the journal
// records the numbers (`noteNum`) and the setter stores them. Not recording (lean runs), noteNum
// would only return: it is not called, so V8 does not inline it into the channel's hot path
// (issue 12: every CCW sets `cur`, `ccws` and `next`). A value already held is not noted (no
// call: a command-chained NOP sets `delayedAt` and `lastTic` to what they hold); every change
// still goes through the journal, which refuses it while positioned in the past.
export function setNext(j: Journal, st: ChanState, v: number): void {
  if (j.recording && st.next !== v) j.noteNum(st, 'next', st.next, v);
  st.next = v;
}

export function setCur(j: Journal, st: ChanState, v: number): void {
  if (j.recording && st.cur !== v) j.noteNum(st, 'cur', st.cur, v);
  st.cur = v;
}

export function setLastTic(j: Journal, st: ChanState, v: boolean): void {
  if (st.lastTic === v) return;
  if (j.recording) j.noteBool(st, 'lastTic', st.lastTic, v);
  st.lastTic = v;
}

export function setNoData(j: Journal, st: ChanState, v: number): void {
  if (j.recording && st.noData !== v) j.noteNum(st, 'noData', st.noData, v);
  st.noData = v;
}

export function setDelayedAt(j: Journal, st: ChanState, v: number): void {
  if (j.recording && st.delayedAt !== v) j.noteNum(st, 'delayedAt', st.delayedAt, v);
  st.delayedAt = v;
}

export function setCcws(j: Journal, st: ChanState, v: number): void {
  if (j.recording && st.ccws !== v) j.noteNum(st, 'ccws', st.ccws, v);
  st.ccws = v;
}

/** The command `cmd` is in progress (css §3.2), shown at the stop of the event that follows. */
export function beginCommand(j: Journal, st: ChanState, cmd: number): void {
  if (j.recording && st.cmd !== cmd) j.noteNum(st, 'cmd', st.cmd, cmd);
  st.cmd = cmd;
}

/** The command in progress continues in the next CCW (data chaining): its state is kept. */
export function holdCommand(j: Journal, st: ChanState, cmd: number, op: DeviceOp, moved: number, out: readonly number[]): void {
  if (!j.recording) {
    st.cmd = cmd;
    st.op = op;
    st.moved = moved;
    st.out = out;
    return;
  }
  j.set(st, 'cmd', cmd);
  j.set(st, 'op', op);
  j.set(st, 'moved', moved);
  j.set(st, 'out', out);
}

/** No command in progress (it ended, or a check, halt or clear ended it). */
export function endCommand(j: Journal, st: ChanState): void {
  // nothing in progress (every NOP): the test alone, small enough to inline (issue 12)
  if (st.cmd !== -1 || st.op !== undefined || st.moved !== 0 || st.out !== NO_BYTES) clearCommand(j, st);
}

function clearCommand(j: Journal, st: ChanState): void {
  if (!j.recording) {
    st.cmd = -1;
    st.op = undefined;
    st.moved = 0;
    st.out = NO_BYTES;
    return;
  }
  j.set(st, 'cmd', -1);
  j.set(st, 'op', undefined);
  j.set(st, 'moved', 0);
  j.set(st, 'out', NO_BYTES);
}

export interface ChannelPath {
  readonly chpid: number;
  readonly type: number;
  /** The path responds (false: dropped from POM and recorded in PNOM at selection, css §5.5). */
  operational: boolean;
  /** SCLP state: configured (true) or standby (false), css §7.1. */
  configured: boolean;
  /** Machine view of the physical path: machine CRW RSC 4 ERC 2 (true) / ERC 6 (false), css §6.2. */
  online: boolean;
}

export class CssCore {
  readonly schib: SchibStore;
  readonly irq: IoInterruptions;
  /** Devices by subchannel number. */
  readonly devices = new Map<number, Device>();
  /** Subchannel number by device number. */
  readonly devnos = new Map<number, number>();
  readonly chpids = new Map<number, ChannelPath>();
  readonly chan = new Map<number, ChanState>();
  readonly irbs = new Map<number, Uint8Array>();
  /**
   * Per subchannel: path-mask bits on which the device does not respond (`machine path-failure`,
   * `machine not-oper`): selection drops them into PNOM (css §5.5).
   */
  readonly pathFailures = new Map<number, number>();
  /**
   * Per subchannel: path-mask bits on which the subchannel is not operational for START
   * SUBCHANNEL itself (`machine start-not-oper`): an SSCH whose candidate paths all lie in the mask
   * ends with immediate cc 3 (css §5.2, §5.5) [unverified: chosen].
   */
  readonly startNotOper = new Map<number, number>();
  /** Unsolicited device status held until the subchannel can take it (sch → unit status). */
  readonly heldStatus = new Map<number, number>();
  /** Highest subchannel number defined (STSCH cc 3 beyond it, css §5.2). */
  readonly limits = { maxSch: -1 };
  ccwLineResolver: (addr: number) => number | undefined = () => undefined;
  /**
   * The CCW (and subchannel) of the command a device is starting, readable through `peek` while
   * `dev.begin` runs (transfer.ts `peekData`); undefined otherwise. Not model state.
   */
  peekCcw: Ccw | undefined = undefined;
  /**
   * The CCW the channel is executing, decoded in place at each fetch (channel.ts `runCcws`,
   * issue 12: no object per CCW). Read only while that CCW executes; not model state.
   */
  readonly fetched: Ccw = { cmd: 0, flags: 0, count: 0, cda: 0, fmt: 1, raw: [0, 0] };
  peekSch = -1;
  /** The device's view of that CCW's data (set by channel.ts `registerChannel`). */
  peek: DataPeek = () => undefined;
  /** The CPU issuing this channel subsystem's instructions: PSW key, problem state, CR0 (css §11.3). */
  readonly cpu: GuestCpu;

  constructor(
    readonly m: Machine,
    readonly mem: GuestMemory,
  ) {
    this.cpu = new GuestCpu(m);
    this.schib = new SchibStore(m);
    this.irq = new IoInterruptions(m);
  }

  exists(sch: number): boolean {
    return this.devices.has(sch);
  }

  /** Is channel path `chpid` operational? Undeclared CHPIDs count as operational. */
  pathOperational(chpid: number): boolean {
    return this.chpids.get(chpid)?.operational ?? true;
  }

  /** Does the device of `sch` respond on path-mask bit `bit`? (channel path and device, css §5.5) */
  pathWorks(sch: number, i: number): boolean {
    const bit = 0x80 >> i;
    return this.pathOperational(this.schib.get(sch, CHPID_FIELDS[i])) && !((this.pathFailures.get(sch) ?? 0) & bit);
  }

  /** css §5.2 "not operational": not provided, DNV = 0 or ENA = 0. */
  operational(sch: number): boolean {
    return this.exists(sch) && this.schib.get(sch, FIELD['pmcw.dnv']) === 1 && this.schib.get(sch, FIELD['pmcw.ena']) === 1;
  }

  statusPending(sch: number): boolean {
    return (this.schib.get(sch, FIELD['scsw.stctl']) & STCTL.PENDING) !== 0;
  }

  /** css §5.4: queue an I/O-interruption request for PMCW.ISC if the subchannel is enabled. */
  injectIo(sch: number): void {
    const mark = this.m.enter('css_inject_io_interrupt');
    try {
      // ENA and ISC: PMCW word 1 (css §1.1), read once
      const ena = FIELD['pmcw.ena'];
      const isc = FIELD['pmcw.isc'];
      const w = this.schib.word(sch, ena.word);
      if (ena.of(w) === 1) this.irq.queue(sch, isc.word === ena.word ? isc.of(w) : this.schib.get(sch, isc));
    } finally {
      this.m.leave(mark);
    }
  }
}
