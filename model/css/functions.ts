/**
 * Ending a function: the status a start, halt or clear function leaves in the SCSW (css §5.3
 * "completion effects"), and the halt and clear functions themselves (QEMU
 * `sch_handle_halt_func`, `sch_handle_clear_func`).
 */
import { endCommand, setLastTic, setNext, type ChanState, type CssCore } from './context';
import { ACTL, CSTAT, DSTAT, STCTL } from './status';
import { monitorEnd } from './facilities';
import { SCSW_WORD } from './fields';
import { FIELD } from './schib';
import { hearSlot } from '../engine/machine';
import { KIND_WORDS, numberRowWords, SCH_STATUS_ID } from '../engine/eventCodec';

const HEAR_STATUS = hearSlot('sch.status');
const STATUS_WORDS = new Int32Array(KIND_WORDS[SCH_STATUS_ID]);

const F_STCTL = FIELD['scsw.stctl'];
const F_ACTL = FIELD['scsw.actl'];
const F_DSTAT = FIELD['scsw.dstat'];
const F_CSTAT = FIELD['scsw.cstat'];
const F_CC = FIELD['scsw.cc'];
const F_COUNT = FIELD['scsw.count'];
const F_CPA = FIELD['scsw.cpa'];
// emitStatus reads STCTL and CC from one SCSW word, DSTAT, CSTAT and the count from another
// (css §1.3): a field table that moved them apart would fail here, at load
if (F_CC.word !== F_STCTL.word || F_CSTAT.word !== F_DSTAT.word || F_COUNT.word !== F_DSTAT.word) {
  throw new Error('internal: the SCSW fields emitStatus reads are not where it reads them');
}

export interface EndStatus {
  stctl: number;
  dstat: number;
  cstat: number;
  cpa: number;
}

export function emitStatus(core: CssCore, sch: number): void {
  // built only when recorded or read (issue 12: every end of a channel program)
  const m = core.m;
  if (!m.hears(HEAR_STATUS)) m.unheard();
  else emitStatusHeard(core, sch);
}

/** emitStatus's event, heard: apart so that the end of every channel program inlines emitStatus (issue 12). */
function emitStatusHeard(core: CssCore, sch: number): void {
  const s = core.schib;
  const m = core.m;
  // the SCSW's three words read once each, every field taken from its word (issue 12: the end of
  // every channel program; the check at the top of this file holds the fields to these words)
  const w0 = s.word(sch, F_STCTL.word);
  const w2 = s.word(sch, F_DSTAT.word);
  const stctl = F_STCTL.of(w0);
  const cc = F_CC.of(w0);
  const dstat = F_DSTAT.of(w2);
  const cstat = F_CSTAT.of(w2);
  const count = F_COUNT.of(w2);
  const cpa = F_CPA.of(s.word(sch, F_CPA.word));
  // journaled: to the history as codec words, no object (eventCodec.ts numberRowWords)
  if (!m.isLean && numberRowWords(SCH_STATUS_ID, STATUS_WORDS, sch, stctl, dstat, cstat, cpa, count, cc)) m.emitWords(SCH_STATUS_ID, 'sch.status', STATUS_WORDS, 'ccw');
  else m.emit({ kind: 'sch.status', sch, stctl, dstat, cstat, cpa, count, cc }, 'ccw');
}

/**
 * Final status of a start function: ACTL start-pending, subchannel-active and device-active
 * cleared; STCTL, DSTAT, CSTAT and CPA stored; the status made pending and an interruption
 * request queued (css §5.3, §5.4).
 * [unverified: chosen — an intermediate status (PCI) not yet cleared by TSCH stays visible: its
 *  STCTL intermediate bit and CSTAT PCI are kept alongside the final status]
 */
export function endStatus(core: CssCore, sch: number, e: EndStatus): void {
  const s = core.schib;
  // one read and one store per SCSW word (issue 12): ACTL and STCTL share word 0, DSTAT and
  // CSTAT word 2
  const w0 = SCSW_WORD;
  const w2 = SCSW_WORD + 2;
  const word0 = s.word(sch, w0);
  const word2 = s.word(sch, w2);
  const old = F_STCTL.of(word0);
  const keep = old & STCTL.PENDING ? old & STCTL.INTERMEDIATE : 0;
  const pci = old & STCTL.PENDING ? F_CSTAT.of(word2) & CSTAT.PCI : 0;
  const w = s.put(w0, word0, F_ACTL, F_ACTL.of(word0) & ~(ACTL.START_PEND | ACTL.SCH_ACTIVE | ACTL.DEV_ACTIVE));
  s.setWord(sch, w0, s.put(w0, w, F_STCTL, e.stctl | keep));
  s.setWord(sch, w2, s.put(w2, s.put(w2, word2, F_DSTAT, e.dstat), F_CSTAT, e.cstat | pci));
  s.set(sch, FIELD['scsw.cpa'], e.cpa >>> 0);
  monitorEnd(core, sch);
  emitStatus(core, sch);
  core.injectIo(sch);
}

/** Halt function (css §5.3 "halt"). */
export function haltFunction(core: CssCore, sch: number): void {
  core.m.within('sch_handle_halt_func', () => {
    const s = core.schib;
    const actl = s.get(sch, FIELD['scsw.actl']);
    const active = (actl & (ACTL.SCH_ACTIVE | ACTL.DEV_ACTIVE)) !== 0;
    const st = core.chan.get(sch);
    s.set(sch, FIELD['scsw.actl'], actl & ~(ACTL.HALT_PEND | ACTL.SCH_ACTIVE | ACTL.DEV_ACTIVE));
    s.or(sch, FIELD['scsw.stctl'], STCTL.PENDING);
    if (active || !(actl & (ACTL.START_PEND | ACTL.SUSPENDED))) s.set(sch, FIELD['scsw.dstat'], DSTAT.DE);
    // [unverified: chosen — "current CCW" = the CCW fetched last (QEMU's channel_prog)]
    if (active || (actl & ACTL.SUSPENDED)) s.set(sch, FIELD['scsw.cpa'], ((st?.cur ?? 0) + 8) >>> 0);
    s.set(sch, FIELD['scsw.cstat'], 0);
    s.set(sch, FIELD['pmcw.lpum'], 0x80);
    if (st) endCommand(core.m.journal, st);
    emitStatus(core, sch);
    core.injectIo(sch);
  });
}

/** Clear function (css §5.3 "clear"). */
export function clearFunction(core: CssCore, sch: number): void {
  core.m.within('sch_handle_clear_func', () => {
    const s = core.schib;
    s.set(sch, FIELD['pmcw.lpum'], 0);
    s.set(sch, FIELD['pmcw.pom'], 0xff);
    s.set(sch, FIELD['scsw.pno'], 0);
    const st = core.chan.get(sch);
    if (st) resetProgram(core, st);
    s.clear(sch, FIELD['scsw.actl'], ACTL.CLEAR_PEND);
    s.or(sch, FIELD['scsw.stctl'], STCTL.PENDING);
    s.set(sch, FIELD['scsw.dstat'], 0);
    s.set(sch, FIELD['scsw.cstat'], 0);
    s.set(sch, FIELD['pmcw.lpum'], 0x80);
    emitStatus(core, sch);
    core.injectIo(sch);
  });
}

/** Clear / cancel: no channel program left (next CCW 0, no TIC, no command in progress). */
export function resetProgram(core: CssCore, st: ChanState): void {
  const j = core.m.journal;
  setNext(j, st, 0);
  setLastTic(j, st, false);
  endCommand(j, st);
}
