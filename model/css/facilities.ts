/**
 * The channel-subsystem-wide instructions and facilities of css §5.1 that do not name a
 * subchannel: SET ADDRESS LIMIT (SAL, with ORB ALCC / PMCW LM address-limit checking), STORE
 * CHANNEL PATH STATUS (STCPS), RESET CHANNEL PATH (RCHP, solicited CRW on completion, css §6.3)
 * and SET CHANNEL MONITOR (SCHM) with the measurement blocks it enables; plus the global state
 * that CHSC SDA (multiple-subchannel-set / MCSS-E enablement) and SEI (pending CSS events) use.
 *
 * Operand rules follow QEMU `ioinst_handle_sal/_schm/_rchp` (Q-inst) and, for STCPS which QEMU
 * does not implement, Hercules `store_channel_path_status` (HERC). The state lives beside the
 * CssCore (one per core, journaled), so the hot files (context.ts, channel.ts) stay untouched
 * apart from one call each.
 */
import type { CssCore } from './context';
import type { CrwQueue } from './crw';
import { ERC, RSC } from './crw';
import { ProgramInterruption } from './program-interruption';
import { checkCpuAccess } from './storageAccess';
import { ACTL } from './status';
import type { FieldDef } from './fields';
import type { Segment } from './idaw';
import type { OrbFields } from './orb';
import { FIELD } from './schib';

const hex = (n: number, w = 0) => `0x${(n >>> 0).toString(16).padStart(w, '0')}`;

/** One pending CHSC store-event-information event (nt0 area, Linux `chsc_sei_nt0_area`, css §5.6). */
export interface SeiEvent {
  /** Content code: 1 link incident, 2 resource accessibility, 7 chp availability, 8 chp configuration, ... */
  cc: number;
  /** Reporting source (4 = channel path). */
  rs: number;
  rsid: number;
  fla: number;
  /** Content-code-dependent bytes (cc 8: operation code 0 configure, 1 deconfigure, 2 cancel). */
  ccdf: number[];
}

export interface FacilityState {
  /** SAL: the address limit (GR1; a multiple of 64K below 2G), css §5.1. */
  addressLimit: number;
  /** SCHM: measurement on (update), origin of the format-0 area, key, device-connect-time mode. */
  monitor: { active: boolean; origin: number; key: number; dct: boolean };
  /** CHSC SDA: MCSS-E / MSS enabled (css §5.6, §6.1 chained CRWs). */
  mcsse: boolean;
  mss: boolean;
  /** RCHP resets in progress, by CHPID (cc 2 while one is). */
  readonly rchp: Map<number, number>;
  /** SEI events not yet stored, oldest first; `seiPending` as QEMU's `sei_pending`. */
  readonly sei: SeiEvent[];
  seiPending: boolean;
  /** Virtual time each measured start function began (device-connect time). */
  readonly started: Map<number, number>;
}

const STATES = new WeakMap<CssCore, FacilityState>();

/** The facility state of a core (created with its defaults on first use). */
export function facilities(core: CssCore): FacilityState {
  let s = STATES.get(core);
  if (!s) {
    s = { addressLimit: 0, monitor: { active: false, origin: 0, key: 0, dct: false }, mcsse: false, mss: false, rchp: new Map(), sei: [], seiPending: false, started: new Map() };
    STATES.set(core, s);
  }
  return s;
}

function instr(core: CssCore, name: string, cc: number, detail: string): number {
  core.m.emit({ kind: 'instr', name, sch: 0, cc, detail }, 'instruction');
  return cc;
}

function info(core: CssCore, text: string): void {
  core.m.emit({ kind: 'log', source: 'css', text }, 'instruction');
}

// ---- SAL and address-limit checking ---------------------------------------------------------

/**
 * SAL (B237): GR1 bit 0 (0x80000000) and bits 16–31 must be zero, else operand exception (QEMU,
 * Hercules); the limit is recorded for ORB ALCC / PMCW LM checking. QEMU suppresses the
 * instruction and does no checking; the model (like Hercules) records and checks. No cc.
 */
export function sal(core: CssCore, gr1: number): void {
  core.m.within('ioinst_handle_sal', () => {
    if (!Number.isInteger(gr1) || gr1 < 0 || gr1 > 0xffffffff) throw new ProgramInterruption('operand', `SAL: GR1 ${gr1} is not a 32-bit word (css §5.1)`);
    if (gr1 & 0x8000ffff) throw new ProgramInterruption('operand', `SAL: GR1 ${hex(gr1, 8)} has bit 0 or bits 16–31 set (css §5.1)`);
    core.m.journal.set(facilities(core), 'addressLimit', gr1 >>> 0);
    instr(core, 'SAL', 0, `address limit ${hex(gr1, 8)} (checked for ORB ALCC = 1 with PMCW LM 01/10)`);
  });
}

/**
 * Address-limit check of the data areas of one CCW (ORB ALCC = 1, PMCW LM ≠ 0): returns a
 * program-check reason or undefined.
 * [unverified: chosen PoP reading — LM 01: every data byte must be at or above the limit;
 *  LM 10: below it; LM 11 (reserved) checks nothing; a violation is a channel-program check
 *  (CSTAT 0x20) before any data moves. The reference lists the fields only (css §1.1, §2).]
 */
export function addressLimitProblem(core: CssCore, sch: number, orb: Readonly<OrbFields>, segments: readonly Segment[]): string | undefined {
  if (!orb.alcc) return undefined;
  const lm = core.schib.get(sch, FIELD['pmcw.lm']);
  if (lm !== 1 && lm !== 2) return undefined;
  const limit = facilities(core).addressLimit;
  for (const g of segments) {
    if (g.len <= 0) continue;
    if (lm === 1 && g.addr < limit) return `data address ${hex(g.addr)} below the address limit ${hex(limit)} (PMCW LM 01, ORB ALCC) [unverified: chosen program check]`;
    if (lm === 2 && g.addr + g.len > limit) return `data area ${hex(g.addr)}+${g.len} reaches the address limit ${hex(limit)} (PMCW LM 10, ORB ALCC) [unverified: chosen program check]`;
  }
  return undefined;
}

// ---- STCPS ----------------------------------------------------------------------------------

export const CPSW_BYTES = 32;

/**
 * STCPS (B23A): the 256-bit channel-path-status word, bit i (byte i/8, mask 0x80 >> i%8) = 1 when
 * CHPID i is in use: some enabled, valid subchannel is subchannel-active and device-active and
 * its LPUM names that CHPID (Hercules). The operand must be on a 32-byte boundary
 * ([unverified: chosen — Hercules; the reference only says "area"]) → specification exception;
 * outside guest memory → addressing exception. No condition code.
 */
export function stcps(core: CssCore, addr?: number): Uint8Array {
  return core.m.within('stcps', () => {
    if (addr !== undefined) {
      if (addr & 0x1f) throw new ProgramInterruption('specification', `STCPS area ${hex(addr)} is not on a 32-byte boundary (css §5.1; Hercules) [unverified: chosen]`);
      checkCpuAccess(core.cpu, core.mem, addr, CPSW_BYTES, 'store', 'STCPS area'); // css §11.6 store
    }
    const w = new Uint8Array(CPSW_BYTES);
    const s = core.schib;
    const busy = ACTL.SCH_ACTIVE | ACTL.DEV_ACTIVE;
    for (const sch of core.devices.keys()) {
      if (!core.operational(sch) || (s.get(sch, FIELD['scsw.actl']) & busy) !== busy) continue;
      const lpum = s.get(sch, FIELD['pmcw.lpum']);
      if (!lpum) continue;
      const i = Math.clz32(lpum) - 24;
      const chpid = s.get(sch, `pmcw.chpid${i}`);
      w[chpid >> 3] |= 0x80 >> (chpid & 7);
    }
    if (addr !== undefined) core.mem.write(addr, w);
    const set = [...Array(256).keys()].filter((c) => w[c >> 3] & (0x80 >> (c & 7)));
    instr(core, 'STCPS', 0, `channel paths in use: ${set.length ? set.map((c) => hex(c, 2)).join(',') : 'none'}`);
    return w;
  });
}

// ---- RCHP -----------------------------------------------------------------------------------

export const RCHP_ACTION = 'rchp';
/** Virtual time from RCHP to the end of the reset (the solicited CRW). [unverified: chosen] */
export const RCHP_DELAY = 2;

/**
 * RCHP (B23B): GR1 bits 0–7 and 16–23 reserved (QEMU mask 0xFF00FF00) → operand exception;
 * CSSID (bits 8–15) beyond the last CSS (0 unless MCSS-E is enabled, QEMU) → operand exception.
 * cc 3 = CHPID not installed (not defined, or in standby [unverified: chosen]); cc 2 = busy: a
 * reset of that CHPID is still in progress [unverified: chosen — QEMU never answers cc 2];
 * cc 0 = reset initiated: RCHP_DELAY later the channel subsystem queues a solicited CRW RSC 4
 * ERC 2 (css §6.3), chained with a second CRW RSID = CSSID << 8 when MCSS-E is enabled (QEMU).
 * [unverified: chosen — the reset changes no path or subchannel state: the model's paths carry
 *  no link state to reset, as QEMU's virtual chpids]
 */
export function rchp(core: CssCore, gr1: number): number {
  return core.m.within('ioinst_handle_rchp', () => {
    if (!Number.isInteger(gr1) || gr1 < 0 || gr1 > 0xffffffff) throw new ProgramInterruption('operand', `RCHP: GR1 ${gr1} is not a 32-bit word (css §5.1)`);
    if (gr1 & 0xff00ff00) throw new ProgramInterruption('operand', `RCHP: GR1 ${hex(gr1, 8)} has reserved bits set (mask 0xff00ff00, css §5.1)`);
    const st = facilities(core);
    const cssid = (gr1 >>> 16) & 0xff;
    const chpid = gr1 & 0xff;
    const maxCssid = st.mcsse ? 0xfe : 0;
    if (cssid > maxCssid) throw new ProgramInterruption('operand', `RCHP: CSSID ${hex(cssid, 2)} is not an installed channel subsystem${st.mcsse ? '' : ' (MCSS-E not enabled: only CSSID 0)'} (css §5.1)`);
    if (cssid !== 0) return instr(core, 'RCHP', 3, `CHPID ${hex(cssid, 2)}.${hex(chpid, 2)}: the model provides CSS 0 only`);
    const p = core.chpids.get(chpid);
    if (!p || !p.configured) return instr(core, 'RCHP', 3, `CHPID ${hex(chpid, 2)} not installed${p ? ' (standby) [unverified: chosen]' : ''}`);
    if (st.rchp.has(chpid)) return instr(core, 'RCHP', 2, `CHPID ${hex(chpid, 2)}: a reset is still in progress [unverified: chosen busy]`);
    core.m.journal.mapSet(st.rchp, chpid, core.m.state.time + RCHP_DELAY);
    core.m.schedule(RCHP_ACTION, chpid, RCHP_DELAY);
    return instr(core, 'RCHP', 0, `reset of CHPID ${hex(chpid, 2)} initiated; solicited CRW RSC 4 ERC 2 when it completes`);
  });
}

/** End of a channel-path reset: the solicited CRW(s), css §6.1/§6.3. */
export function rchpComplete(core: CssCore, crws: CrwQueue, chpid: number): void {
  core.m.within('css_do_rchp', () => {
    const st = facilities(core);
    if (!st.rchp.has(chpid)) return;
    core.m.journal.mapDelete(st.rchp, chpid);
    crws.queue({ rsc: RSC.CHP, erc: ERC.INIT, sol: true, chn: st.mcsse, rsid: chpid });
    if (st.mcsse) crws.queue({ rsc: RSC.CHP, erc: ERC.INIT, sol: true, rsid: 0 << 8 });
    info(core, `RCHP CHPID ${hex(chpid, 2)} reset complete: solicited CRW RSC 4 ERC 2${st.mcsse ? ', chained with RSID 0x0000 (MCSS-E enabled)' : ' (MCSS-E off: no chained CRW)'}`);
  });
}

export function registerFacilities(core: CssCore, crws: CrwQueue): void {
  core.m.onAction(RCHP_ACTION, (chpid) => rchpComplete(core, crws, chpid));
}

// ---- RSC 3 subchannel CRWs ------------------------------------------------------------------

/**
 * CRW for a subchannel whose device became not operational / operational again (css §6.1):
 * RSC 3, RSID = subchannel number, chained with a second CRW RSID = (CSSID << 8) | (SSID << 4)
 * when MSS or MCSS-E is enabled (QEMU `css_generate_sch_crws`).
 * [unverified: chosen ERC — not operational → ERC 6 (permanent error, not initialized),
 *  operational again → ERC 2 (initialized), as for channel paths (css §6.2); QEMU's hot(un)plug
 *  uses ERC 4 for both]
 */
export function subchannelCrw(core: CssCore, crws: CrwQueue, sch: number, operational: boolean): void {
  const st = facilities(core);
  const chain = st.mss || st.mcsse;
  const erc = operational ? ERC.INIT : ERC.PERRN;
  crws.queue({ rsc: RSC.SCH, erc, chn: chain, rsid: sch & 0xffff });
  if (chain) crws.queue({ rsc: RSC.SCH, erc, rsid: (0 << 8) | (0 << 4) });
  core.m.emit({
    kind: 'warn', ref: 'css §6.1',
    message: `subchannel ${hex(sch, 4)} ${operational ? 'operational again: CRW RSC 3 ERC 2 (initialized)' : 'not operational: CRW RSC 3 ERC 6 (permanent error, not initialized)'}${chain ? ', chained second CRW' : ''} [unverified: chosen ERC]`,
  }, 'instruction');
}

// ---- SCHM and measurement blocks ------------------------------------------------------------

const MB = 'css §1.1, §5.1 (Linux cmf.c struct cmb / cmbe)';
const mbf = (name: string, word: number, bit: number, width: number, meaning: string): FieldDef => ({ name, word, bit, width, meaning, ref: MB });

/** Format-0 measurement block, 32 bytes at SCHM origin + MBI × 32 (QEMU global area). */
export const MB0_FIELDS: readonly FieldDef[] = [
  mbf('ssch_rsch_count', 0, 0, 16, 'SSCH + RSCH count'),
  mbf('sample_count', 0, 16, 16, 'sample count'),
  mbf('device_connect_time', 1, 0, 32, 'device-connect time'),
  mbf('function_pending_time', 2, 0, 32, 'function-pending time'),
  mbf('device_disconnect_time', 3, 0, 32, 'device-disconnect time'),
  mbf('control_unit_queuing_time', 4, 0, 32, 'control-unit-queuing time'),
  mbf('device_active_only_time', 5, 0, 32, 'device-active-only time'),
];
/** Format-1 (extended) measurement block, 64 bytes at PMCW MBA when MBFC = 1. */
export const MB1_FIELDS: readonly FieldDef[] = [
  mbf('ssch_rsch_count', 0, 0, 32, 'SSCH + RSCH count'),
  mbf('sample_count', 1, 0, 32, 'sample count'),
  mbf('device_connect_time', 2, 0, 32, 'device-connect time'),
  mbf('function_pending_time', 3, 0, 32, 'function-pending time'),
  mbf('device_disconnect_time', 4, 0, 32, 'device-disconnect time'),
  mbf('control_unit_queuing_time', 5, 0, 32, 'control-unit-queuing time'),
  mbf('device_active_only_time', 6, 0, 32, 'device-active-only time'),
  mbf('device_busy_time', 7, 0, 32, 'device-busy time'),
  mbf('initial_command_response_time', 8, 0, 32, 'initial-command-response time'),
];
export const MB_FIELD_NAMES = ['addr', 'format', ...MB1_FIELDS.map((f) => f.name)];

/**
 * SCHM (B23C), QEMU `ioinst_handle_schm` / `css_do_schm`: GR1 bits 4–29 reserved (mask
 * 0x0FFFFFFC) → operand exception; MBK = bits 0–3 (key, recorded: the model has no storage
 * keys), UPD = 0x2 (measurement-block update on), DCT = 0x1 (device-connect-time mode,
 * recorded). With UPD, GR2 = the format-0 area origin, 32-byte aligned (else operand exception).
 * UPD = 0 switches measurement off. No condition code.
 * As QEMU: a second SCHM with UPD while measurement is on keeps the first origin (shown).
 */
export function schm(core: CssCore, gr1: number, gr2: number): void {
  core.m.within('ioinst_handle_schm', () => {
    if (!Number.isInteger(gr1) || gr1 < 0 || gr1 > 0xffffffff) throw new ProgramInterruption('operand', `SCHM: GR1 ${gr1} is not a 32-bit word (css §5.1)`);
    if (gr1 & 0x0ffffffc) throw new ProgramInterruption('operand', `SCHM: GR1 ${hex(gr1, 8)} has reserved bits set (mask 0x0ffffffc, css §5.1)`);
    const key = gr1 >>> 28;
    const update = (gr1 & 2) !== 0;
    const dct = (gr1 & 1) !== 0;
    if (update && (!Number.isSafeInteger(gr2) || gr2 < 0 || gr2 % 32 !== 0)) throw new ProgramInterruption('operand', `SCHM: measurement-block origin ${hex(gr2)} is not 32-byte aligned (css §5.1)`);
    const st = facilities(core);
    const j = core.m.journal;
    let detail: string;
    if (update && !st.monitor.active) {
      j.set(st, 'monitor', { active: true, origin: gr2, key, dct });
      detail = `measurement on: format-0 blocks at ${hex(gr2)} + MBI×32, key ${key}${dct ? ', device-connect-time mode' : ''}`;
    } else if (update) {
      detail = `measurement already on at ${hex(st.monitor.origin)}: origin ${hex(gr2)} ignored (QEMU keeps the first origin)`;
      core.m.emit({ kind: 'warn', message: `SCHM: ${detail}`, ref: 'css §5.1' }, 'instruction');
    } else {
      j.set(st, 'monitor', { active: false, origin: 0, key, dct });
      detail = 'measurement off';
    }
    instr(core, 'SCHM', 0, detail);
  });
}

/** Where the subchannel's measurement block is, or undefined when no block is updated. */
export function measurementBlock(core: CssCore, sch: number): { addr: number; format: 0 | 1 } | undefined {
  const st = facilities(core);
  if (!st.monitor.active || !core.exists(sch)) return undefined;
  const s = core.schib;
  if (s.get(sch, FIELD['pmcw.mbfc'])) return { addr: s.get(sch, 'mba.high') * 2 ** 32 + s.get(sch, 'mba.low'), format: 1 };
  return { addr: st.monitor.origin + s.get(sch, FIELD['pmcw.mbi']) * 32, format: 0 };
}

/** Block updates need SCHM on and PMCW MME block-update enable (MME value 2 or 3). */
function measuring(core: CssCore, sch: number): { addr: number; format: 0 | 1 } | undefined {
  const st = STATES.get(core);
  if (!st || !st.monitor.active) return undefined;
  // css §1.1: MME 0x10 (halfword) = block-update enable = field value 2.
  // [unverified: chosen — QEMU updates when either MME bit is set]
  if (!(core.schib.get(sch, FIELD['pmcw.mme']) & 2)) return undefined;
  return measurementBlock(core, sch);
}

function bumpField(core: CssCore, sch: number, mb: { addr: number; format: 0 | 1 }, name: string, by: number): void {
  const d = (mb.format ? MB1_FIELDS : MB0_FIELDS).find((f) => f.name === name)!;
  const size = d.width / 8;
  const at = mb.addr + d.word * 4 + d.bit / 8;
  if (!core.mem.inRange(at, size)) {
    core.m.emit({ kind: 'warn', message: `measurement block of subchannel ${hex(sch, 4)} at ${hex(mb.addr)} is outside guest memory: not updated [unverified: chosen; QEMU ignores the failed store]`, ref: 'css §1.1', note: true }, 'instruction');
    return;
  }
  const old = size === 2 ? core.mem.readU16(at)! : core.mem.readU32(at)!;
  const max = size === 2 ? 0xffff : 0xffffffff;
  const v = (old + by) % (max + 1);
  core.mem.write(at, size === 2 ? [v >>> 8, v & 0xff] : [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]);
}

/**
 * SSCH / RSCH accepted (cc 0): QEMU `css_update_chnmon` adds one to the SSCH + RSCH count of the
 * block. The model also notes the time for device-connect time and shows the block address in
 * the SCHIB's model-dependent area (MDA) [unverified: chosen — MDA is model dependent].
 */
export function monitorStart(core: CssCore, sch: number, isSsch: boolean): void {
  const mb = measuring(core, sch);
  if (!mb) return;
  core.m.within('css_update_chnmon', () => {
    bumpField(core, sch, mb, 'ssch_rsch_count', 1);
    if (isSsch) core.m.journal.mapSet(facilities(core).started, sch, core.m.state.time);
    core.schib.set(sch, 'mda', mb.addr >>> 0);
  });
}

/**
 * A measured start function ends (primary status): sample count + 1 and device-connect time +=
 * virtual time since the SSCH. [unverified: chosen — QEMU updates only the SSCH + RSCH count;
 * times are in virtual time units, not 128 µs units]
 */
export function monitorEnd(core: CssCore, sch: number): void {
  const st = STATES.get(core);
  if (!st || !st.monitor.active) return;
  const mb = measuring(core, sch);
  if (!mb) return;
  core.m.within('css_update_chnmon', () => {
    bumpField(core, sch, mb, 'sample_count', 1);
    const t0 = st.started.get(sch);
    if (t0 !== undefined) {
      bumpField(core, sch, mb, 'device_connect_time', Math.max(0, core.m.state.time - t0));
      core.m.journal.mapDelete(st.started, sch);
    }
  });
}

/** Read a measurement-block field of a subchannel (`addr`, `format`, or a block field). */
export function readMeasurement(core: CssCore, sch: number, name: string): number | undefined {
  const mb = measurementBlock(core, sch);
  if (!mb) return undefined;
  if (name === 'addr') return mb.addr;
  if (name === 'format') return mb.format;
  const d = (mb.format ? MB1_FIELDS : MB0_FIELDS).find((f) => f.name === name);
  if (!d) return undefined;
  const at = mb.addr + d.word * 4 + d.bit / 8;
  return (d.width === 16 ? core.mem.readU16(at) : core.mem.readU32(at)) ?? 0;
}

// ---- CHSC SEI events --------------------------------------------------------------------------

/**
 * A channel-subsystem event becomes pending for CHSC SEI (css §5.6): queued in order, and the
 * CRW RSC 0xB ERC 0 (event information pending, RSID = CSSID 0) is queued once until SEI has
 * drained the events (QEMU `css_generate_css_crws`).
 */
export function addSeiEvent(core: CssCore, crws: CrwQueue | undefined, ev: SeiEvent): void {
  const st = facilities(core);
  core.m.journal.push(st.sei, ev);
  if (!st.seiPending && crws) crws.queue({ rsc: RSC.CSS, erc: ERC.EVENT, rsid: 0 });
  core.m.journal.set(st, 'seiPending', true);
  info(core, `CHSC SEI event pending: content code ${ev.cc}, reporting source ${ev.rs}, RSID ${hex(ev.rsid, 4)} (${st.sei.length} pending)`);
}
