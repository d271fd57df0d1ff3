/**
 * The subchannel I/O instructions on the guest CPU (QEMU `ioinst_handle_*` → `css_do_*`):
 * operand checks (css §5.1), condition codes (css §5.2) and SCSW/PMCW side effects (css §5.3).
 * Each returns its condition code and emits an `instr` event.
 */
import { startProgram, type CssCore } from './context';
import { ProgramInterruption } from './program-interruption';
import { checkOrbWidths, copyOrb, orbOperandProblem, type OrbFields } from './orb';
import { ACTL, FCTL, STCTL } from './status';
import { scheduleWork } from './channel';
import { presentHeldStatus } from './unsolicited';
import { bytesHoldWords, IRB_BYTES, irbWords, sameBytes } from './irb';
import { SCHIB_BYTES, SCHIB_WORDS, SCSW_WORD, wordsToBytes } from './fields';
import { ZERO_SENSE } from '../devices/device';
import { monitorStart } from './facilities';
import { checkCpuAccess } from './storageAccess';
import type { Access } from './keys';
import { FIELD, type SchibStore } from './schib';
import { INSTR_ID, IRQ_PRESENTED_ID, KIND_WORDS, instrWords, numberRowWords } from '../engine/eventCodec';
import { hearSlot, type Machine } from '../engine/machine';

const HEAR_INSTR = hearSlot('instr');
const HEAR_PRESENTED = hearSlot('irq.presented');
const PRESENTED_WORDS = new Int32Array(KIND_WORDS[IRQ_PRESENTED_ID]);

export interface Sid {
  sch: number;
  /** CSSID 0 and SSID 0: the only subchannel set this model provides. */
  provided: boolean;
}

/** Decode a SID word (css §5.1); violations → operand exception. */
export function parseSid(sid: number): Sid {
  const v = sidSch(sid);
  return { sch: v & 0xffff, provided: v <= 0xffff };
}

/**
 * parseSid's checks and result as one number, no object (STSCH in a loop, issue 12): the
 * subchannel number, plus 0x10000 when the SID names a subchannel set this model does not provide.
 */
function sidSch(sid: number): number {
  // subchannel set 0 of CSSID 0 (the word 0x0001xxxx: bit 15 one, M = 0, bits 8–11 zero): every
  // check passes; the checks themselves apart, so SSCH / TSCH / STSCH stay small enough for V8
  // to inline their whole path (issue 12)
  return (sid >>> 16) === 1 && sid >>> 0 === sid ? sid & 0xffff : sidSchChecked(sid);
}

/** sidSch's checks, in css §5.1's order; the operand exception of the first that fails. */
function sidSchChecked(sid: number): number {
  if (!Number.isInteger(sid) || sid < 0 || sid > 0xffffffff) throw new ProgramInterruption('operand', `SID ${sid} is not a 32-bit word (css §5.1)`);
  // the SID's text is built only for a message: every I/O instruction decodes a SID (issue 12)
  const h = () => `0x${sid.toString(16).padStart(8, '0')}`;
  if (!(sid & 0x00010000)) throw new ProgramInterruption('operand', `SID ${h()}: bit 15 (0x00010000) must be one (css §5.1)`);
  if (sid & 0x00f00000) throw new ProgramInterruption('operand', `SID ${h()}: bits 8–11 must be zero (css §5.1)`);
  const m = (sid & 0x00080000) !== 0;
  const cssid = sid >>> 24;
  const ssid = (sid >>> 17) & 3;
  if (!m && cssid !== 0) throw new ProgramInterruption('operand', `SID ${h()}: CSSID ≠ 0 requires M = 1 (css §5.1)`);
  return cssid === 0 && ssid === 0 ? sid & 0xffff : (sid & 0xffff) | 0x10000;
}

/**
 * Second-operand address checks (css §5.1, §11.5 ranks 3–4): word alignment, then the access
 * exceptions of css §11.4 for a fetch or store of `len` bytes (low-address protection, addressing,
 * key-controlled protection with the PSW key; storageAccess.ts).
 */
export function checkOperandAddr(core: CssCore, addr: number | undefined, len: number, what: string, access: Access): void {
  if (addr !== undefined) checkOperandAt(core, addr, len, what, access);
}

/** checkOperandAddr of an operand the statement gives (`… at ADDR`), apart from the common case of none. */
function checkOperandAt(core: CssCore, addr: number, len: number, what: string, access: Access): void {
  if (addr & 3) throw new ProgramInterruption('specification', `${what} address 0x${addr.toString(16)} is not word aligned (css §5.1)`);
  checkCpuAccess(core.cpu, core.mem, addr, len, access, what);
}

function instr(core: CssCore, name: string, sch: number, cc: number, detail = ''): number {
  // built only when recorded or read (issue 12: every instruction of a lean loop); the history
  // takes its codec words, no object (eventCodec.ts instrWords); a lean run's listener gets the
  // object (no string of a lean run is interned)
  const m = core.m;
  if (!m.hears(HEAR_INSTR)) m.unheard();
  else emitInstr(m, name, sch, cc, detail);
  return cc;
}

/** instr()'s event, heard: apart from instr so that every instruction's path inlines it whole (issue 12). */
function emitInstr(m: Machine, name: string, sch: number, cc: number, detail: string): void {
  if (!m.isLean && instrWords(INSTR_WORDS, m.records.strings, name, sch, cc, detail)) m.emitWords(INSTR_ID, 'instr', INSTR_WORDS, 'instruction');
  else m.emit({ kind: 'instr', name, sch, cc, detail }, 'instruction');
}

/** instr()'s words for the history (emitWords copies them). */
const INSTR_WORDS = new Int32Array(KIND_WORDS[INSTR_ID]);

const hex = (n: number) => `0x${n.toString(16)}`;

/** SSCH's trace text per frozen ORB, built once (a loop's SSCH reuses its ORB, issue 12). */
const SSCH_DETAIL = new WeakMap<OrbFields, string>();

function sschDetail(orb: OrbFields): string {
  let d = SSCH_DETAIL.get(orb);
  if (d === undefined) {
    d = `cpa=${hex(orb.cpa)} fmt=${orb.fmt} lpm=${hex(orb.lpm)} intparm=${hex(orb.intparm)}`;
    if (Object.isFrozen(orb)) SSCH_DETAIL.set(orb, d);
  }
  return d;
}

/**
 * `machine start-not-oper` (css §5.2 "not operational", §5.5 immediate cc 3): the candidate paths of the
 * start (ORB.LPM & PIM & PAM) all lie in the subchannel's start-not-operational mask.
 * [unverified: chosen — the reference leaves open when SSCH gives immediate rather than deferred
 *  cc 3 (css §12); the model gives it only where a scenario asked for it]
 */
function startNotOperational(core: CssCore, sch: number, orbLpm: number): boolean {
  const mask = core.startNotOper.get(sch) ?? 0;
  if (!mask) return false;
  const candidates = orbLpm & core.schib.get(sch, FIELD['pmcw.pim']) & core.schib.get(sch, FIELD['pmcw.pam']) & 0xff;
  return (candidates & ~mask) === 0;
}

export function ssch(core: CssCore, sid: number, orb: OrbFields, orbAddr?: number): number {
  // frames by enter/leave, not closures (issue 12: every SSCH of a loop); a throw leaves through
  // the outer `finally`, which restores the stack below every inner frame
  const m = core.m;
  const outer = m.enter('ioinst_handle_ssch');
  try {
    // QEMU ioinst_handle_ssch (css §5.1): the ORB address is checked (alignment → specification,
    // then the fetch → access) before the SID and the ORB fields (operand exception).
    checkOperandAddr(core, orbAddr, 12, 'ORB', 'fetch'); // css §11.6 SSCH fetches the ORB
    const { sch, provided } = parseSid(sid);
    checkOrbWidths(orb);
    const problem = orbOperandProblem(orb);
    if (problem) throw new ProgramInterruption('operand', problem);
    if (!provided || !core.exists(sch)) return instr(core, 'SSCH', sch, 3, 'subchannel not provided');
    const inner = m.enter('css_do_ssch');
    const cc = doSsch(core, sch, orb);
    m.leave(inner);
    return instr(core, 'SSCH', sch, cc, m.hears(HEAR_INSTR) ? sschDetail(orb) : '');
  } finally {
    m.leave(outer);
  }
}

/**
 * What SSCH stores in SCSW word 0 besides ACTL (css §1.3: the ORB's flags are valid with FCTL
 * start; css §5.3: deferred cc, ZCC, ECTL and PNO reset; FCTL := start): field → value.
 */
const SSCH_SCSW0: ReadonlyArray<readonly [SchibFieldName, (orb: OrbFields) => number]> = [
  ['scsw.key', (o) => o.key], ['scsw.sctl', (o) => o.spnd], ['scsw.eswf', () => 0], ['scsw.cc', () => 0],
  ['scsw.fmt', (o) => o.fmt], ['scsw.pfch', (o) => o.pfch], ['scsw.isic', (o) => o.isic], ['scsw.alcc', (o) => o.alcc],
  ['scsw.ssi', (o) => o.ssic], ['scsw.zcc', () => 0], ['scsw.ectl', () => 0], ['scsw.pno', () => 0],
  ['scsw.fctl', () => FCTL.START],
];

type SchibFieldName = keyof typeof FIELD;

/**
 * SSCH_SCSW0 for `orb` as the bits of its fields (`mask`) and their values (`bits`), made with
 * `put` (so checked as every field store is). The last ORB's pair is kept: the scenario runner
 * reuses one frozen ORB per statement (issue 12: a loop's SSCH folded 13 fields each time), and a
 * frozen ORB cannot change; any other ORB is folded again.
 */
const LAST_SSCH: { orb: OrbFields | undefined; mask: number; bits: number } = { orb: undefined, mask: 0, bits: 0 };

function sschScsw0(s: SchibStore, orb: OrbFields): { mask: number; bits: number } {
  return LAST_SSCH.orb === orb ? LAST_SSCH : foldSschScsw0(s, orb);
}

/** sschScsw0 of an ORB other than the last one: its fields folded, kept when it is frozen. */
function foldSschScsw0(s: SchibStore, orb: OrbFields): { mask: number; bits: number } {
  const last = LAST_SSCH;
  let mask = 0;
  let bits = 0;
  for (const [name, value] of SSCH_SCSW0) {
    const a = FIELD[name];
    mask |= a.mask;
    bits = s.put(SCSW_WORD, bits, a, value(orb));
  }
  last.orb = Object.isFrozen(orb) ? orb : undefined;
  last.mask = mask >>> 0;
  last.bits = bits;
  return last;
}

/** QEMU `css_do_ssch`: the condition code, and on cc 0 the start function made pending. */
function doSsch(core: CssCore, sch: number, orb: OrbFields): number {
  const s = core.schib;
  if (!core.operational(sch)) return 3;
  if (startNotOperational(core, sch, orb.lpm)) return 3;
  if (core.statusPending(sch)) return 1;
  if (s.get(sch, FIELD['scsw.fctl']) !== 0) return 2;
  // a frozen ORB (the scenario runner's, cached per statement) is kept as it is, else copied
  // (the ORB LAST_SSCH holds is frozen: no isFrozen test for a loop's SSCH)
  startProgram(core, sch, orb === LAST_SSCH.orb || Object.isFrozen(orb) ? orb : Object.freeze(copyOrb(orb)));
  s.set(sch, FIELD['pmcw.intparm'], orb.intparm >>> 0);
  // SCSW word 0 from the ORB (SSCH_SCSW0) and ACTL start pending, stored once (one journal entry)
  const W = SCSW_WORD;
  const word = s.word(sch, W);
  const f = sschScsw0(s, orb);
  s.setWord(sch, W, s.put(W, ((word & ~f.mask) | f.bits) >>> 0, FIELD['scsw.actl'], FIELD['scsw.actl'].of(word) | ACTL.START_PEND));
  monitorStart(core, sch, true); // css §5.1 SCHM: QEMU css_update_chnmon
  const work = core.m.enter('do_subchannel_work_virtual');
  scheduleWork(core, sch);
  core.m.leave(work);
  return 0;
}

/** TSCH: store the IRB; if status pending, clear the conditions (css §5.2, §5.3). */
export function tsch(core: CssCore, sid: number, irbAddr?: number, adjust?: (sch: number, irb: Uint8Array) => Uint8Array): { cc: number; irb: Uint8Array } {
  const m = core.m;
  const outer = m.enter('ioinst_handle_tsch');
  try {
    const { sch, provided } = parseSid(sid);
    checkOperandAddr(core, irbAddr, IRB_BYTES, 'IRB', 'store'); // css §11.6 TSCH stores the IRB
    if (!provided || !core.operational(sch)) return { cc: instr(core, 'TSCH', sch, 3, 'not operational'), irb: new Uint8Array(IRB_BYTES) };
    m.enter('css_do_tsch_get_irb'); // the rest of TSCH runs in it; left with the outer frame
    const s = core.schib;
    const dev = core.devices.get(sch);
    // `adjust`: QEMU's passthrough IRB (saved host ESW and sense, css §10.4) replaces the virtual one
    const words = irbWords(s.words, sch * SCHIB_WORDS, dev?.state.sense ?? ZERO_SENSE);
    // an IRB equal to the one held is not stored again: the same object stays (issue 12: a
    // journaled SSCH/TSCH loop recorded a map entry and a result object per TSCH)
    const held = core.irbs.get(sch);
    let irb: Uint8Array;
    if (adjust) {
      const made = adjust(sch, wordsToBytes(words));
      irb = held !== undefined && sameBytes(held, made) ? held : made;
    } else irb = held !== undefined && bytesHoldWords(held, words) ? held : wordsToBytes(words);
    const pending = core.statusPending(sch);
    if (irbAddr !== undefined) core.mem.write(irbAddr, irb);
    if (irb !== held) m.journal.mapSet(core.irbs, sch, irb);
    if (pending) {
      const update = m.enter('css_do_tsch_update_subch');
      updateAfterTsch(core, sch);
      m.leave(update);
    }
    const cc = instr(core, 'TSCH', sch, pending ? 0 : 1, pending ? 'status cleared' : 'not status pending');
    if (pending) presentHeldStatus(core, sch);
    return { cc, irb };
  } finally {
    m.leave(outer);
  }
}

/** The TSCH clearing table of css §5.3 (QEMU `css_do_tsch_update_subch`). */
function updateAfterTsch(core: CssCore, sch: number): void {
  const s = core.schib;
  const word0 = s.word(sch, SCSW_WORD); // STCTL, FCTL and ACTL: SCSW word 0 (css §1.3), read once
  const stctl = FIELD['scsw.stctl'].of(word0);
  const fctl = FIELD['scsw.fctl'].of(word0);
  const actl = FIELD['scsw.actl'].of(word0);
  const intermediateOnly = stctl === (STCTL.INTERMEDIATE | STCTL.PENDING);
  const pendBits = ACTL.RESUME_PEND | ACTL.START_PEND | ACTL.HALT_PEND | ACTL.CLEAR_PEND | ACTL.SUSPENDED;
  // css §5.3 "exception: halt+suspended also clears" FCTL. [unverified: chosen — QEMU's HSCH
  //  clears FCTL start, so its "suspended + start (+ halt)" test below can no longer see the halt
  //  case it was written for, and would leave ACTL suspended with FCTL 0; the model applies the
  //  halt-present clearing (PNO and all pending/suspended ACTL bits) whenever it clears FCTL here.
  //  While ACTL halt pending is still set the halt function has not been performed yet (QEMU runs
  //  it inside HSCH, so TSCH never sees it): FCTL and ACTL are then kept for the halt's status.]
  const haltSuspended = (fctl & FCTL.HALT) !== 0 && (actl & ACTL.SUSPENDED) !== 0 && !(actl & ACTL.HALT_PEND);
  // all in SCSW word 0: built, then stored once (issue 12)
  const W = SCSW_WORD;
  let w = s.put(W, word0, FIELD['scsw.stctl'], 0);
  if (!intermediateOnly || haltSuspended) w = s.put(W, w, FIELD['scsw.fctl'], 0);
  if (!intermediateOnly) {
    w = s.put(W, w, FIELD['scsw.pno'], 0);
    w = s.put(W, w, FIELD['scsw.actl'], actl & ~pendBits);
  } else if (haltSuspended || ((actl & ACTL.SUSPENDED) && (fctl & FCTL.START))) {
    w = s.put(W, w, FIELD['scsw.pno'], 0);
    w = s.put(W, w, FIELD['scsw.actl'], fctl & FCTL.HALT ? actl & ~pendBits : actl & ~ACTL.RESUME_PEND);
  }
  s.setWord(sch, W, w);
  if (s.get(sch, FIELD['pmcw.csense'])) core.devices.get(sch)!.setSense(ZERO_SENSE);
  // css §5.4: the subchannel is no longer status pending, so its interruption request goes too.
  core.irq.withdraw(sch);
}

/** The last image STSCH made: from which store and subchannel, and the 13 words it was made from. */
const LAST_IMAGE: { store: SchibStore | undefined; sch: number; words: Uint32Array; image: Uint8Array } = {
  store: undefined,
  sch: -1,
  words: new Uint32Array(SCHIB_WORDS),
  image: new Uint8Array(SCHIB_BYTES),
};

/**
 * The SCHIB image of `sch` (css §1): the one made last time while the subchannel's 13 words are
 * the same, else a new one. An image is never written after it is made (callers store it, copy
 * it to guest storage or read it), so equal words give the same bytes in the same object; a STSCH
 * loop made and collected an image per instruction (issue 12 profile: a third of a lean STSCH).
 * The words are compared each time, so any change (MSCH, I/O, a step back) makes a new image.
 */
function schibImage(store: SchibStore, sch: number): Uint8Array {
  const words = store.words;
  const base = sch * SCHIB_WORDS;
  const last = LAST_IMAGE;
  if (last.store === store && last.sch === sch) {
    let i = 0;
    while (i < SCHIB_WORDS && last.words[i] === words[base + i]) i++;
    if (i === SCHIB_WORDS) return last.image;
  }
  const image = store.image(sch);
  last.store = store;
  last.sch = sch;
  last.image = image;
  for (let i = 0; i < SCHIB_WORDS; i++) last.words[i] = words[base + i];
  return image;
}

/** STSCH: the 52-byte SCHIB (css §1, §5.2). */
export function stsch(core: CssCore, sid: number, addr?: number): { cc: number; schib: Uint8Array } {
  // frames entered by hand, no closure per STSCH (issue 12, as TPI)
  const outer = core.m.enter('ioinst_handle_stsch');
  try {
    return stschIn(core, sid, addr);
  } finally {
    core.m.leave(outer);
  }
}

/** STSCH in its frame. */
function stschIn(core: CssCore, sid: number, addr: number | undefined): { cc: number; schib: Uint8Array } {
  // QEMU: the alignment (and access) checks come before the SID's operand exception (css §5.1)
  checkOperandAddr(core, addr, SCHIB_BYTES, 'SCHIB', 'store'); // css §11.6 STSCH stores the SCHIB
  const v = sidSch(sid);
  const sch = v & 0xffff;
  const provided = v <= 0xffff;
  let cc = 0;
  let image: Uint8Array;
  if (provided && core.exists(sch)) {
    const frame = core.m.enter('css_do_stsch');
    try {
      image = schibImage(core.schib, sch);
    } finally {
      core.m.leave(frame);
    }
  } else {
    // the all-zero image only where it is the result (issue 12: one was made per STSCH)
    image = new Uint8Array(SCHIB_BYTES);
    if (!provided || sch > core.limits.maxSch) cc = 3; // no more subchannels in this set
    // else: a hole below the last defined subchannel stores an all-zero SCHIB with cc 0
  }
  if (cc === 0 && addr !== undefined) core.mem.write(addr, image);
  return { cc: instr(core, 'STSCH', sch, cc), schib: image };
}

function putWord(b: Uint8Array, o: number, w: number): void {
  b[o] = w >>> 24;
  b[o + 1] = w >>> 16;
  b[o + 2] = w >>> 8;
  b[o + 3] = w;
}

/** Lowcore address of the I/O-interruption code: SID word 0xB8, intparm 0xBC, IID 0xC0 (css §11.3). */
export const LOWCORE_IO_INT_CODE = 0xb8;

/**
 * TPI: dequeue the highest-priority enabled I/O-interruption request (css §5.2, §5.4). The
 * second operand: address ≠ 0 → the 8-byte code (SID word, intparm) there, word aligned; address
 * 0 → the 12-byte code (SID word, intparm, interruption-identification word) into the lowcore at
 * 0xB8–0xC3 of the prefix area (css §5.1, §11.3, §11.6; prefix 0 in this model), with neither
 * key nor low-address protection.
 */
export function tpi(core: CssCore, addr?: number): { cc: number; sid: number; intparm: number; iid: number } {
  const outer = core.m.enter('ioinst_handle_tpi');
  try {
    return tpiIn(core, addr);
  } finally {
    core.m.leave(outer);
  }
}

/** The last TPI trace text and what it was made from. */
const LAST_TPI = { sid: -1, intparm: -1, isc: -1, text: '' };

/**
 * TPI's trace text: the same string object while the interruption code is the same (issue 12: a
 * loop's TPI built a new string per instruction, and the history's string table compared it
 * character by character with the ones it holds).
 */
function tpiDetail(sid: number, intparm: number, isc: number): string {
  const last = LAST_TPI;
  if (last.sid !== sid || last.intparm !== intparm || last.isc !== isc) {
    last.sid = sid;
    last.intparm = intparm;
    last.isc = isc;
    last.text = `sid=${hex(sid)} intparm=${hex(intparm)} isc=${isc}`;
  }
  return last.text;
}

/** TPI in its frame. */
function tpiIn(core: CssCore, addr: number | undefined): { cc: number; sid: number; intparm: number; iid: number } {
  if (addr !== undefined && addr !== 0) checkOperandAddr(core, addr, 8, 'TPI interruption-code area', 'store'); // css §11.6 store, LAP applies
  if (addr === 0 && !core.mem.inRange(LOWCORE_IO_INT_CODE, 12)) throw new ProgramInterruption('addressing', 'TPI: the lowcore interruption code (0xB8–0xC3) is outside guest memory');
  const isc = core.irq.presentableIsc();
  if (isc < 0) {
    instr(core, 'TPI', 0, 0, 'no I/O interruption pending');
    return { cc: 0, sid: 0, intparm: 0, iid: 0 };
  }
  const sch = core.irq.take(isc);
  const sidWord = (0x00010000 | sch) >>> 0;
  const intparm = core.schib.get(sch, FIELD['pmcw.intparm']);
  const iid = (isc << 27) >>> 0;
  if (addr !== undefined) {
    // big-endian SID word, intparm (and the IID word into the lowcore)
    const bytes = new Uint8Array(addr === 0 ? 12 : 8);
    putWord(bytes, 0, sidWord);
    putWord(bytes, 4, intparm);
    if (addr === 0) putWord(bytes, 8, iid);
    core.mem.write(addr === 0 ? LOWCORE_IO_INT_CODE : addr, bytes);
  }
  // built only when recorded or read (issue 12: every TPI of a lean loop)
  const m = core.m;
  if (!m.hears(HEAR_PRESENTED)) m.unheard();
  else if (!m.isLean && numberRowWords(IRQ_PRESENTED_ID, PRESENTED_WORDS, sch, isc, intparm)) m.emitWords(IRQ_PRESENTED_ID, 'irq.presented', PRESENTED_WORDS, 'instruction');
  else m.emit({ kind: 'irq.presented', sch, isc, intparm }, 'instruction');
  // the trace text is built only when the event is recorded or read (issue 12)
  instr(core, 'TPI', sch, 1, core.m.hears(HEAR_INSTR) ? tpiDetail(sidWord, intparm, isc) : '');
  return { cc: 1, sid: sidWord, intparm, iid };
}
