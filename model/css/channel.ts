/**
 * Channel-program execution for the native (emulated) channel subsystem, after QEMU's
 * `do_subchannel_work_virtual` / `sch_handle_start_func_virtual` / `css_interpret_ccw`, but one
 * CCW per queued engine action so the debugger can pause between CCWs and a TIC loop never
 * blocks. Per CCW: fetch → checks (css §3.6) → device → data transfer (IDAWs, css §3.5) →
 * incorrect length / SLI → chaining CD / CC / TIC (css §3.4) → status (css §4, §5.3).
 */
import { channelThread, schNo } from '../engine/ids';
import { hearSlot } from '../engine/machine';
import { CCW_CHAIN_ID, CCW_FETCH_ID, ccwChainWords, ccwFetchWords, KIND_WORDS, numberRowWords, SCH_START_ID } from '../engine/eventCodec';
import { CCW_FLAG, CMD, decodeCcwInto, isInput, commandClass, type Ccw } from './ccw';
import type { Device, DeviceOp } from '../devices/device';
import { beginCommand, endCommand, holdCommand, NO_BYTES, setCcws, setCur, setDelayedAt, setLastTic, setNext, setNoData, type ChanState, type CssCore } from './context';
import { dataSegments, gather, NO_DATA, scatter } from './idaw';
import { selectPath } from './paths';
import { ACTL, CSTAT, DSTAT, FCTL, STCTL, STCTL_ALERT_END, STCTL_DEFERRED_CC3, STCTL_NORMAL } from './status';
import { clearFunction, emitStatus, endStatus, haltFunction } from './functions';
import { addressLimitProblem } from './facilities';
import { channelAccess } from './storageAccess';
import { SCSW_WORD } from './fields';
import { FIELD } from './schib';
import { dataAccessible, peekData, segmentAddr, transferData } from './transfer';
import { presentUnsolicited } from './unsolicited';

// The SCHIB fields every CCW reads, resolved once (schib.ts FIELD)
const F_FCTL = FIELD['scsw.fctl'];
const F_ACTL = FIELD['scsw.actl'];
const F_LPUM = FIELD['pmcw.lpum'];
const F_PNOM = FIELD['pmcw.pnom'];
const F_COUNT = FIELD['scsw.count'];
// The events every CCW may emit, as Machine.hears slots
const HEAR_FETCH = hearSlot('ccw.fetch');
const HEAR_CHAIN = hearSlot('ccw.chain');
const HEAR_START = hearSlot('sch.start');
const HEAR_DATA = hearSlot('ccw.data');

export const CHANNEL_ACTION = 'channel';
/** Virtual time from an accepted instruction to the channel picking the subchannel up. */
export const START_DELAY = 1;
/** Virtual time per CCW. */
export const CCW_DELAY = 1;

/**
 * What a channel step returns: the delay of the subchannel's next channel step (the engine runs
 * it as a queued action, or at once within `runActions`, machine.ts), or NO_STEP when the
 * function ended, was suspended or waits for a new instruction.
 */
type NextStep = number;
const NO_STEP = 0;

/** Engine action: a device presents unsolicited status (attention after a scripted command). */
export const UNSOLICITED_ACTION = 'device-status';

export function registerChannel(core: CssCore): void {
  core.peek = (offset, length) => peekData(core, offset, length);
  core.m.onChainedAction(CHANNEL_ACTION, (sch) => doSubchannelWork(core, sch));
  core.m.onAction(UNSOLICITED_ACTION, (sch) =>
    core.m.onThread(channelThread(schNo(sch)), () => presentUnsolicited(core, sch, DSTAT.ATTN)));
}

export function scheduleWork(core: CssCore, sch: number, delay = START_DELAY): void {
  core.m.schedule(CHANNEL_ACTION, sch, delay);
}

export function cancelWork(core: CssCore, sch: number): void {
  core.m.cancel(CHANNEL_ACTION, sch);
}

/**
 * One channel action for `sch`: the pending function with the highest priority (clear, halt,
 * start). On the subchannel's channel thread, in QEMU's frames; no closure per action (issue 12:
 * one action per CCW). Returns when the subchannel's next channel action is due (NextStep).
 */
export function doSubchannelWork(core: CssCore, sch: number): NextStep {
  const m = core.m;
  const thread = m.enterThread(channelThread(schNo(sch)));
  const outer = m.enter('do_subchannel_work_virtual');
  try {
    // FCTL and ACTL are both in SCSW word 0 (css §1.3): one read per CCW (issue 12)
    const w0 = core.schib.word(sch, F_FCTL.word);
    const fctl = F_FCTL.of(w0);
    if (fctl & FCTL.CLEAR) clearFunction(core, sch);
    else if (fctl & FCTL.HALT) haltFunction(core, sch);
    else if (fctl & FCTL.START) {
      m.enter('sch_handle_start_func_virtual'); // left with the outer frame, below
      return startFunction(core, sch, F_ACTL.word === F_FCTL.word ? F_ACTL.of(w0) : core.schib.get(sch, F_ACTL));
    }
    return NO_STEP;
  } finally {
    m.leave(outer);
    m.leaveThread(thread);
  }
}

/** The start function's next step; `actl` is SCSW.ACTL as doSubchannelWork read it. */
function startFunction(core: CssCore, sch: number, actl: number): NextStep {
  const s = core.schib;
  if (actl & ACTL.RESUME_PEND) {
    // css §5.3 RSCH: the suspended program continues with the CCW that carried the S flag.
    s.set(sch, FIELD['scsw.actl'], (actl & ~(ACTL.RESUME_PEND | ACTL.SUSPENDED)) | ACTL.SCH_ACTIVE | ACTL.DEV_ACTIVE);
    return interpretCcw(core, sch);
  }
  if (actl & ACTL.START_PEND) return beginStart(core, sch);
  return actl & ACTL.SCH_ACTIVE ? interpretCcw(core, sch) : NO_STEP;
}

/** The start function leaves "start pending": select a path (css §5.5) and go active. */
function beginStart(core: CssCore, sch: number): NextStep {
  const s = core.schib;
  const st = core.chan.get(sch)!;
  // [unverified: chosen — DSTAT, CSTAT and the residual count start from 0 for each start
  //  function (QEMU clears DSTAT/CSTAT here and leaves the count)]
  // DSTAT, CSTAT and the count are SCSW word 2: one store (issue 12)
  const w2 = SCSW_WORD + 2;
  let w = s.put(w2, s.word(sch, w2), FIELD['scsw.dstat'], 0);
  w = s.put(w2, w, FIELD['scsw.cstat'], 0);
  s.setWord(sch, w2, s.put(w2, w, FIELD['scsw.count'], 0));
  const choice = selectPath(st.orb.lpm, s.get(sch, FIELD['pmcw.pim']), s.get(sch, FIELD['pmcw.pam']), core, sch);
  // PNOM and LPUM are PMCW word 2 (css §1.1): built here, stored once below (issue 12)
  const p2 = F_PNOM.word;
  const pmcw2 = s.put(p2, s.word(sch, p2), F_PNOM, choice.pnom);
  if (choice.pnom) {
    s.set(sch, FIELD['pmcw.pom'], s.get(sch, FIELD['pmcw.pom']) & ~choice.pnom);
    s.set(sch, FIELD['scsw.pno'], 1);
  }
  if (!choice.lpum) {
    // css §5.2 / §5.5: no path → deferred cc 3: CC 3, STCTL alert + pending (0x11), FCTL start
    // kept (SCSW.CC is valid only with FCTL start, css §1.3), and the start function is no longer
    // pending: ACTL start pending is reset, nothing else active (architecture; QEMU's emulated
    // CSS leaves start pending set — a quirk, issue 11). DSTAT/CSTAT stay 0 (not meaningful
    // with cc 3, css §1.3 validity table); PNO/PNOM as path selection found them.
    s.setWord(sch, p2, pmcw2);
    s.set(sch, FIELD['scsw.actl'], s.get(sch, FIELD['scsw.actl']) & ~ACTL.START_PEND);
    s.set(sch, FIELD['scsw.cc'], 3);
    s.set(sch, FIELD['scsw.stctl'], STCTL_DEFERRED_CC3);
    emitStatus(core, sch);
    core.injectIo(sch);
    return NO_STEP;
  }
  s.setWord(sch, p2, s.put(p2, pmcw2, F_LPUM, choice.lpum));
  s.set(sch, FIELD['scsw.actl'], (s.get(sch, FIELD['scsw.actl']) & ~ACTL.START_PEND) | ACTL.SCH_ACTIVE | ACTL.DEV_ACTIVE);
  // not built when nobody records or reads it; journaled, codec words (issue 12)
  const m = core.m;
  if (!m.hears(HEAR_START)) m.unheard();
  else if (!m.isLean && numberRowWords(SCH_START_ID, START_WORDS, sch, choice.lpum)) m.emitWords(SCH_START_ID, 'sch.start', START_WORDS, 'instruction');
  else m.emit({ kind: 'sch.start', sch, lpum: choice.lpum }, 'instruction');
  if (st.orb.isic) {
    // [unverified: chosen PoP behaviour — ISIC: intermediate status with ZCC when the subchannel
    //  becomes active; QEMU's emulated CSS ignores ISIC]
    s.set(sch, FIELD['scsw.zcc'], 1);
    s.or(sch, FIELD['scsw.stctl'], STCTL.INTERMEDIATE | STCTL.PENDING);
    emitStatus(core, sch);
    core.injectIo(sch);
  }
  return CCW_DELAY;
}

/** Channel-program check (css §3.6): CSTAT 0x20, STCTL 0x17, CPA = failing CCW + 8. */
function programCheck(core: CssCore, sch: number, addr: number, reason: string, ref = 'css §3.6'): typeof NO_STEP {
  core.m.emit({ kind: 'ccw.check', sch, addr, reason, ref }, 'ccw');
  endCommand(core.m.journal, core.chan.get(sch)!);
  endStatus(core, sch, { stctl: STCTL_ALERT_END, dstat: 0, cstat: CSTAT.PRG, cpa: (addr + 8) >>> 0 });
  return NO_STEP;
}

/**
 * Protection check (css §11.7): the operation ends, chaining stops; CSTAT 0x10 with the ending
 * status of a program check (STCTL 0x17, DSTAT 0) [unverified: chosen, as the reference says];
 * CPA = the CCW whose fetch, IDAW fetch or data access failed + 8 (HERC-z); `residual`: the CCW
 * count minus the bytes transferred before the first protected frame (HERC-z), when data moved.
 */
function protectionCheck(core: CssCore, sch: number, addr: number, reason: string, residual?: number): typeof NO_STEP {
  core.m.emit({ kind: 'ccw.check', sch, addr, reason, ref: 'css §11.7' }, 'ccw');
  endCommand(core.m.journal, core.chan.get(sch)!);
  if (residual !== undefined) core.schib.set(sch, FIELD['scsw.count'], residual);
  endStatus(core, sch, { stctl: STCTL_ALERT_END, dstat: 0, cstat: CSTAT.PROT, cpa: (addr + 8) >>> 0 });
  return NO_STEP;
}

/**
 * Fetch and execute one CCW (QEMU `css_interpret_ccw`). Within `runActions` the CCWs that follow go on
 * in the same call while the engine would run them next anyway (`Machine.goesOn`, css §3.4
 * chaining): nothing else can change the subchannel between them, so its ChanState and device are
 * looked up once for all of them.
 */
function interpretCcw(core: CssCore, sch: number): NextStep {
  const m = core.m;
  const mark = m.enter('css_interpret_ccw');
  try {
    return runCcws(core, sch, core.chan.get(sch)!, core.devices.get(sch));
  } finally {
    m.leave(mark);
  }
}

/**
 * interpretCcw's body, in its frame: `st` and `dev` are the subchannel's. One CCW per pass; the
 * next pass follows while the engine would run it next anyway (Machine.goesOn). The loop and the
 * CCW's steps are one function, and what fails a check is told apart and reported by cold
 * functions (fetchFailed, ccwCheck / ticCheck → ccwCheckFailed), so the optimised loop holds
 * the whole hot path (issue 12: as a function called per CCW, its messages made it three times
 * V8's inlining limit, and every CCW paid a call and reloaded what the loop had in registers).
 * Every `break ccw` ends the pass with `next` set, as a `return` from a per-CCW function would.
 */
function runCcws(core: CssCore, sch: number, st: ChanState, dev: Device | undefined): NextStep {
  const m = core.m;
  const j = m.journal;
  const mem = core.mem;
  for (;;) {
    let next: NextStep;
    ccw: {
      const addr = st.next;
      const fmt = st.fmt;
      if (core.pathFailures.size !== 0) {
        const lpum = core.schib.get(sch, F_LPUM);
        if (lpum && (core.pathFailures.get(sch) ?? 0) & lpum) {
          next = deviceLost(core, sch, lpum);
          break ccw;
        }
      }
      if (addr === 0 || ccwAddressBad(addr, fmt)) {
        next = fetchFailed(core, sch, st, addr);
        break ccw;
      }
      // readU32, not the bytes: vfio-ccw's host memory (hostmem.ts) answers undefined for a frame
      // nothing backs, inside its range
      const w0 = mem.readU32(addr);
      const w1 = mem.readU32(addr + 4);
      // css §11.7: the CCW fetch (also after a TIC) is checked against the ORB key, after validity
      if (w0 === undefined || w1 === undefined || channelAccess(mem, st.orb.key, addr, 8, 'fetch') < 8) {
        next = fetchFailed(core, sch, st, addr);
        break ccw;
      }
      const ccw = decodeCcwInto(core.fetched, w0, w1, fmt);
      const chaining = st.cmd >= 0;
      const isTic = (ccw.cmd & 0x0f) === CMD.TIC;
      if (!chaining && !isTic && dev !== undefined && dev.state.script.length !== 0) {
        const delay = dev.scripted(ccw.cmd)?.delay ?? 0;
        if (delay > 0 && st.delayedAt !== addr) {
          // scripted device delay (`rule … delay N`): the command starts N time units later
          setDelayedAt(j, st, addr);
          next = delay;
          break ccw;
        }
      }
      setCur(j, st, addr);
      setCcws(j, st, st.ccws + 1);
      setDelayedAt(j, st, -1);
      // the event (and its source line) is built only when it is recorded or read (issue 12)
      if (m.hears(HEAR_FETCH)) fetchEvent(core, sch, addr, ccw);
      else m.unheard();
      // css §3.6 checks, in QEMU's order (ccwCheck)
      const failed = ccwCheck(st, ccw, chaining, isTic, fmt);
      if (failed !== CCW_OK) {
        next = ccwCheckFailed(core, sch, addr, ccw, failed);
        break ccw;
      }
      if (ccw.flags & CCW_FLAG.S) {
        next = suspend(core, sch, addr);
        break ccw;
      }
      if (ccw.cda === 0) setNoData(j, st, st.noData + 1);
      if (isTic) {
        const tic = ticCheck(st, ccw);
        if (tic !== CCW_OK) {
          next = ccwCheckFailed(core, sch, addr, ccw, tic);
          break ccw;
        }
        setNext(j, st, ccw.cda);
        setLastTic(j, st, true);
        chainEvent(core, sch, ccw.cda, 'tic');
        next = CCW_DELAY;
        break ccw;
      }
      setLastTic(j, st, false);
      if (ccw.flags & CCW_FLAG.PCI) pciInterruption(core, sch);
      next = executeCommand(core, sch, st, dev!, addr, ccw, chaining);
    }
    if (next <= 0 || !m.goesOn(next)) return next;
  }
}

/** css §3.6: a CCW address that is not doubleword aligned or beyond the format's 31- / 24-bit limit. */
function ccwAddressBad(addr: number, fmt: 0 | 1): boolean {
  return (addr & (fmt === 1 ? 0x80000007 : 0xff000007)) !== 0 || addr > 0xffffffff;
}

/**
 * The CCW fetch at `addr` failed (runCcws): the first of its checks that fails, in QEMU's
 * order — address 0, alignment and address limit, outside guest memory → program check (css
 * §3.6); the ORB key → protection check (css §11.7).
 */
function fetchFailed(core: CssCore, sch: number, st: ChanState, addr: number): NextStep {
  const fmt = st.fmt;
  if (addr === 0) return programCheck(core, sch, addr, 'CCW address 0');
  if (ccwAddressBad(addr, fmt)) {
    return programCheck(core, sch, addr, `CCW address 0x${addr.toString(16)} not doubleword aligned or beyond the ${fmt === 1 ? '31' : '24'}-bit limit`);
  }
  const mem = core.mem;
  // [unverified: chosen program check for a CCW outside guest memory]
  if (mem.readU32(addr) === undefined || mem.readU32(addr + 4) === undefined) return programCheck(core, sch, addr, `CCW at 0x${addr.toString(16)} is outside guest memory`);
  return protectionCheck(core, sch, addr, `CCW fetch at 0x${addr.toString(16)}: ORB key ${st.orb.key} does not match the fetch-protected frame's key 0x${mem.storageKey(addr).toString(16)}`);
}

/** What ccwCheck found (CCW_OK: nothing); ccwCheckFailed reports each. */
const CCW_OK = 0;
const CCW_INVALID_CMD = 1;
const CCW_TIC_HIGH_NIBBLE = 2;
const CCW_FMT0_COUNT_0 = 3;
const CCW_MIDA = 4;
const CCW_S_NO_SPND = 5;
const CCW_S_DATA_CHAINED = 6;
const CCW_NO_DATA_LOOP = 7;
const CCW_TIC_AFTER_TIC = 8;
const CCW_TIC_FLAGS_COUNT = 9;

/**
 * css §3.6 checks of a fetched CCW, in QEMU's order, up to the data-address-0 loop guard: the
 * first that fails, else CCW_OK (the TIC's own checks follow its count, ticCheck).
 */
function ccwCheck(st: ChanState, ccw: Ccw, chaining: boolean, isTic: boolean, fmt: 0 | 1): number {
  if (!chaining && (ccw.cmd & 0x0f) === 0) return CCW_INVALID_CMD;
  if (isTic && (ccw.cmd & 0xf0) !== 0) return CCW_TIC_HIGH_NIBBLE;
  if (fmt === 0 && ccw.count === 0 && !isTic) return CCW_FMT0_COUNT_0;
  if (ccw.flags & CCW_FLAG.MIDA) return CCW_MIDA;
  if (ccw.flags & CCW_FLAG.S) {
    if (!st.orb.spnd) return CCW_S_NO_SPND;
    // [unverified: chosen program check for an S flag in a data-chained CCW]
    if (chaining) return CCW_S_DATA_CHAINED;
    return CCW_OK; // suspended before this CCW (runCcws)
  }
  if (ccw.cda === 0 && st.noData === 255) return CCW_NO_DATA_LOOP;
  return CCW_OK;
}

/** css §3.4 checks of a TIC, after its data-address-0 count (runCcws): the first that fails, else CCW_OK. */
function ticCheck(st: ChanState, ccw: Ccw): number {
  if (st.lastTic) return CCW_TIC_AFTER_TIC;
  if (ccw.flags || ccw.count) return CCW_TIC_FLAGS_COUNT;
  return CCW_OK;
}

/** The program check of a CCW that failed ccwCheck with `failed`. */
function ccwCheckFailed(core: CssCore, sch: number, addr: number, ccw: Ccw, failed: number): typeof NO_STEP {
  switch (failed) {
    case CCW_INVALID_CMD: return programCheck(core, sch, addr, `invalid command code 0x${ccw.cmd.toString(16)} (low nibble 0)`, 'css §3.3, §3.6');
    case CCW_TIC_HIGH_NIBBLE: return programCheck(core, sch, addr, `format-1 TIC with nonzero high nibble (0x${ccw.cmd.toString(16)})`, 'css §3.4');
    case CCW_FMT0_COUNT_0: return programCheck(core, sch, addr, 'format-0 CCW with count 0');
    case CCW_MIDA: return programCheck(core, sch, addr, 'MIDA flag set (MIDAWs not supported)', 'css §3.5, §3.6');
    case CCW_S_NO_SPND: return programCheck(core, sch, addr, 'S flag set but ORB SPND = 0', 'css §3.2, §3.6');
    case CCW_S_DATA_CHAINED: return programCheck(core, sch, addr, 'S flag in a data-chained CCW');
    case CCW_NO_DATA_LOOP: return programCheck(core, sch, addr, 'more than 255 CCWs with data address 0 (loop guard)');
    case CCW_TIC_AFTER_TIC: return programCheck(core, sch, addr, 'TIC immediately following a TIC', 'css §3.4');
    default: return programCheck(core, sch, addr, 'format-1 TIC with nonzero flags or count', 'css §3.4');
  }
}

/**
 * The `ccw.fetch` event of the CCW at `addr`, heard: to the history as its codec words
 * (eventCodec.ts `ccwFetchWords`, no object), to a lean run's listeners as the object.
 */
function fetchEvent(core: CssCore, sch: number, addr: number, ccw: Ccw): void {
  const m = core.m;
  const line = core.ccwLineResolver(addr);
  if (!m.isLean && ccwFetchWords(FETCH_WORDS, sch, addr, ccw.cmd, ccw.flags, ccw.count, ccw.cda, line)) m.emitWords(CCW_FETCH_ID, 'ccw.fetch', FETCH_WORDS, 'ccw');
  else m.emit({ kind: 'ccw.fetch', sch, addr, cmd: ccw.cmd, flags: ccw.flags, count: ccw.count, cda: ccw.cda, ccwLine: line }, 'ccw');
}

/** css §3.4: the program continues at `next` (the event is built only when heard, issue 12; its words as fetchEvent's). */
function chainEvent(core: CssCore, sch: number, next: number, how: 'tic' | 'data' | 'command'): void {
  const m = core.m;
  if (!m.hears(HEAR_CHAIN)) m.unheard();
  else if (!m.isLean && ccwChainWords(CHAIN_WORDS, m.records.strings, sch, next, how)) m.emitWords(CCW_CHAIN_ID, 'ccw.chain', CHAIN_WORDS, 'ccw');
  else m.emit({ kind: 'ccw.chain', sch, next, how }, 'ccw');
}

const FETCH_WORDS = new Int32Array(KIND_WORDS[CCW_FETCH_ID]);
const CHAIN_WORDS = new Int32Array(KIND_WORDS[CCW_CHAIN_ID]);
const START_WORDS = new Int32Array(KIND_WORDS[SCH_START_ID]);

/**
 * The device stopped responding on the path in use while the program ran (`machine
 * path-failure` / `machine not-oper` during I/O).
 * [unverified: chosen — interface-control check (CSTAT 0x02), alert status 0x17, CPA = current
 *  CCW + 8; the path is dropped from POM. The reference describes not-operational detection only
 *  at path selection (css §5.5).]
 */
function deviceLost(core: CssCore, sch: number, lpum: number): typeof NO_STEP {
  const s = core.schib;
  const st = core.chan.get(sch)!;
  core.m.emit({ kind: 'warn', message: `device of subchannel 0x${sch.toString(16)} not operational on path 0x${lpum.toString(16)} during I/O: interface-control check [unverified: chosen]`, ref: 'css §4, §5.5', note: true }, 'ccw');
  s.set(sch, FIELD['pmcw.pom'], s.get(sch, FIELD['pmcw.pom']) & ~lpum);
  endCommand(core.m.journal, st);
  endStatus(core, sch, { stctl: STCTL_ALERT_END, dstat: 0, cstat: CSTAT.ICC, cpa: ((st.cur || st.next) + 8) >>> 0 });
  return NO_STEP;
}

/** css §3.2 PCI: intermediate status with CSTAT PCI while the program continues. */
function pciInterruption(core: CssCore, sch: number): void {
  const s = core.schib;
  s.or(sch, FIELD['scsw.cstat'], CSTAT.PCI);
  // [unverified: chosen PoP behaviour — STCTL intermediate + pending when the CCW becomes
  //  current; QEMU's emulated CSS ignores PCI]
  s.or(sch, FIELD['scsw.stctl'], STCTL.INTERMEDIATE | STCTL.PENDING);
  emitStatus(core, sch);
  core.injectIo(sch);
}

/** css §3.2 S flag with ORB SPND = 1: the function is suspended before this CCW. */
function suspend(core: CssCore, sch: number, addr: number): typeof NO_STEP {
  const s = core.schib;
  const st = core.chan.get(sch)!;
  setNext(core.m.journal, st, addr);
  s.set(sch, FIELD['scsw.actl'], (s.get(sch, FIELD['scsw.actl']) & ~(ACTL.START_PEND | ACTL.SCH_ACTIVE | ACTL.DEV_ACTIVE)) | ACTL.SUSPENDED);
  // [unverified: chosen — CPA = suspended CCW + 8]
  s.set(sch, FIELD['scsw.cpa'], (addr + 8) >>> 0);
  if (!st.orb.ssic) {
    // [unverified: chosen PoP behaviour — intermediate status unless SSIC; QEMU injects an
    //  interruption without making the subchannel status pending]
    s.or(sch, FIELD['scsw.stctl'], STCTL.INTERMEDIATE | STCTL.PENDING);
    emitStatus(core, sch);
    core.injectIo(sch);
  } else {
    emitStatus(core, sch);
  }
  return NO_STEP;
}

/**
 * Execute the command of one CCW: start it at the device (unless data chaining continues one,
 * css §3.4), move its data, then end it or chain. What the device does (`op`), the bytes moved
 * and the output gathered are local; they go into the subchannel's ChanState only when data
 * chaining carries the command into the next CCW (ChanState keeps `cmd` from begin to end).
 */
function executeCommand(core: CssCore, sch: number, st: ChanState, dev: Device, addr: number, ccw: Ccw, chaining: boolean): NextStep {
  const s = core.schib;
  const j = core.m.journal;
  const orb = st.orb;
  const checkLen = !((ccw.flags & CCW_FLAG.SLI) && !(ccw.flags & CCW_FLAG.CD));
  let cmd: number;
  let op: DeviceOp;
  let moved0: number;
  let out: readonly number[];
  if (!chaining) {
    core.peekCcw = ccw;
    core.peekSch = sch;
    try {
      op = dev.begin(ccw.cmd, core.peek);
    } finally {
      core.peekCcw = undefined;
    }
    if (op.kind === 'busy') {
      // [unverified: chosen — a busy device ends the program with unit status BUSY (no CE/DE),
      //  STCTL 0x17; at initial selection (the program's first command) with deferred cc 1
      //  (css §5.2 "deferred condition code 1 = … busy conditions")]
      if (st.ccws === 1) s.set(sch, FIELD['scsw.cc'], 1);
      s.set(sch, FIELD['scsw.count'], ccw.count);
      dev.clearActive();
      endStatus(core, sch, { stctl: STCTL_ALERT_END, dstat: DSTAT.BUSY, cstat: 0, cpa: (addr + 8) >>> 0 });
      return NO_STEP;
    }
    const residual = dev.active?.residual;
    if (residual !== undefined && (op.kind === 'input' || op.kind === 'output')) {
      // scripted `residual N`: the device moves count − N bytes (css §1.3 residual count)
      const want = Math.max(0, ccw.count - residual);
      op = op.kind === 'input' ? { kind: 'input', data: [...op.data, ...new Array<number>(want).fill(0)].slice(0, want) } : { kind: 'output', accept: want };
    }
    if (op.kind === 'reject') {
      dev.clearActive();
      // css §5.3 command reject: DSTAT = UC, STCTL 0x17, sense byte 0 = 0x80
      s.set(sch, FIELD['scsw.count'], ccw.count);
      endStatus(core, sch, { stctl: STCTL_ALERT_END, dstat: DSTAT.UC, cstat: 0, cpa: (addr + 8) >>> 0 });
      return NO_STEP;
    }
    cmd = ccw.cmd;
    moved0 = 0;
    out = NO_BYTES;
  } else {
    cmd = st.cmd;
    op = st.op!;
    moved0 = st.moved;
    out = st.out;
  }
  let n = 0;
  if (op.kind === 'input') n = Math.min(ccw.count, op.data.length - moved0);
  else if (op.kind === 'output') n = Math.min(ccw.count, op.accept - moved0);
  // only a transfer has a direction (every use below needs n > 0): no class lookup per NOP
  const backward = n > 0 && commandClass(cmd) === 'read-backward';
  // `beginCommand` (ChanState.cmd := cmd) before each event while the command is in progress, so
  // a stop there shows it; a command that emits nothing before it ends (NOP) journals no cmd
  if (backward && n > 0 && (ccw.flags & CCW_FLAG.IDA)) {
    beginCommand(j, st, cmd);
    return programCheck(core, sch, addr, 'read backward with IDA is not modelled [unverified: chosen program check]', 'css §3.3');
  }
  // [unverified: chosen PoP behaviour — read backward: the CDA designates the rightmost byte;
  //  the n bytes received are stored at descending addresses CDA, CDA−1, … (reference silent)]
  // no bytes: the empty stream dataSegments gives, without the call (every NOP, issue 12)
  const seg = n === 0 ? NO_DATA : dataSegments(core.mem, backward ? { ...ccw, cda: ccw.cda - n + 1 } : ccw, orb, n);
  if (!seg.ok) {
    beginCommand(j, st, cmd);
    return seg.protection ? protectionCheck(core, sch, addr, seg.reason) : programCheck(core, sch, addr, seg.reason, seg.ref);
  }
  // css §2 ORB ALCC + §1.1 PMCW LM + §5.1 SAL: address-limit checking (facilities.ts)
  const limitProblem = orb.alcc ? addressLimitProblem(core, sch, orb, seg.segments) : undefined;
  if (limitProblem) {
    beginCommand(j, st, cmd);
    return programCheck(core, sch, addr, limitProblem, 'css §1.1, §2, §5.1');
  }
  // css §11.7: data access with the ORB key — input stores always checked, output fetches only
  // on frames with F = 1; data the skip flag suppresses is not accessed, so not checked
  const skipped = op.kind === 'input' && (ccw.flags & CCW_FLAG.SKP) !== 0 && isInput(commandClass(cmd));
  const allowed = n > 0 && !skipped && (op.kind === 'input' || op.kind === 'output')
    ? dataAccessible(core, orb.key, seg.segments, op.kind === 'input' ? 'store' : 'fetch') : n;
  if (allowed < n) {
    beginCommand(j, st, cmd);
    // the bytes before the first protected frame are transferred (HERC-z); a read backward
    // stores from the right end, so nothing of it reaches memory [unverified: chosen]
    const moved = backward ? 0 : allowed;
    if (moved > 0) transferData(core, sch, op, moved0, moved, seg.segments);
    return protectionCheck(core, sch, addr, `data ${op.kind === 'input' ? 'store' : 'fetch'} at 0x${(seg.segments[0].addr + allowed).toString(16)}: ORB key ${orb.key} does not match the frame's key 0x${core.mem.storageKey(segmentAddr(seg.segments, allowed)).toString(16)}`, ccw.count - moved);
  }
  if (op.kind === 'input' && n > 0) {
    beginCommand(j, st, cmd);
    const data = op.data;
    // the device's bytes are stored from data[moved0] on (a copy only for read backward); the
    // event, when someone takes it, gets its own copy (issue 12: enter/leave, no closure)
    const bytes = backward ? data.slice(moved0, moved0 + n).reverse() : data;
    const from = backward ? 0 : moved0;
    const frame = core.m.enter('ccw_dstream_write');
    try {
      if (!skipped) scatter(core.mem, seg.segments, bytes, from);
      if (core.m.hears(HEAR_DATA)) core.m.emit({ kind: 'ccw.data', sch, addr: seg.segments[0].addr, count: n, write: false, bytes: skipped ? [] : bytes.slice(from, from + n) }, 'instruction');
      else core.m.unheard();
    } finally {
      core.m.leave(frame);
    }
  } else if (op.kind === 'output' && n > 0) {
    beginCommand(j, st, cmd);
    const bytes = gather(core.mem, seg.segments);
    out = out.length === 0 ? bytes : [...out, ...bytes];
    const frame = core.m.enter('ccw_dstream_read');
    try {
      if (core.m.hears(HEAR_DATA)) core.m.emit({ kind: 'ccw.data', sch, addr: seg.segments[0].addr, count: n, write: true, bytes: out === bytes ? bytes.slice() : bytes }, 'instruction');
      else core.m.unheard();
    } finally {
      core.m.leave(frame);
    }
  }
  const moved = moved0 + n;
  const residual = ccw.count - n;
  s.setField(sch, F_COUNT, residual);
  // Does the device have more data to give (input) or take (output)? Infinite acceptance takes
  // whatever the CCWs give, so it keeps data chaining going but never means "incorrect length".
  const wantsMore = op.kind === 'input' ? moved < op.data.length : op.kind === 'output' ? moved < op.accept : false;
  const lengthDiffers = op.kind !== 'control' && (residual > 0 || (wantsMore && !(op.kind === 'output' && op.accept === Infinity)));

  if (residual === 0 && (ccw.flags & CCW_FLAG.CD) && wantsMore) {
    const next = (addr + 8) >>> 0;
    holdCommand(j, st, cmd, op, moved, out);
    setNext(j, st, next);
    chainEvent(core, sch, next, 'data');
    return CCW_DELAY;
  }
  // The command ends here. Incorrect length: the device and the CCWs disagree on the length.
  // [unverified: chosen — control commands (NOP) never indicate incorrect length; ILS ignored]
  const ilReported = lengthDiffers && checkLen;
  const attention = dev.active?.attention;
  const dstat = dev.end(cmd, out, moved);
  if (attention !== undefined) core.m.schedule(UNSOLICITED_ACTION, sch, Math.max(1, attention));
  endCommand(j, st);
  const cpa = (addr + 8) >>> 0;
  if (ilReported || (dstat & (DSTAT.UC | DSTAT.UE))) {
    // [unverified: chosen — incorrect length is an alert condition (STCTL 0x17), chaining suppressed]
    endStatus(core, sch, { stctl: STCTL_ALERT_END, dstat, cstat: ilReported ? CSTAT.IL : 0, cpa });
    return NO_STEP;
  }
  if (ccw.flags & CCW_FLAG.CC) {
    // Status modifier with command chaining skips the next CCW.
    const next = (addr + ((dstat & DSTAT.SM) ? 16 : 8)) >>> 0;
    setNext(j, st, next);
    chainEvent(core, sch, next, 'command');
    return CCW_DELAY;
  }
  endStatus(core, sch, { stctl: STCTL_NORMAL, dstat, cstat: 0, cpa });
  return NO_STEP;
}
