/**
 * The function-control instructions HSCH, CSCH, XSCH and RSCH (css §5.2 condition codes, §5.3
 * side effects). The halt, clear and resume work itself runs later as a channel action.
 */
import type { CssCore } from './context';
import { parseSid } from './instructions';
import { ACTL, FCTL, STCTL } from './status';
import { cancelWork, scheduleWork } from './channel';
import { monitorStart } from './facilities';
import { resetProgram } from './functions';
import { FIELD } from './schib';

function done(core: CssCore, name: string, sch: number, cc: number, detail = ''): number {
  core.m.emit({ kind: 'instr', name, sch, cc, detail }, 'instruction');
  return cc;
}

export function hsch(core: CssCore, sid: number): number {
  return core.m.within('ioinst_handle_hsch', () => {
    const { sch, provided } = parseSid(sid);
    const cc = !provided || !core.exists(sch) ? 3 : core.m.within('css_do_hsch', () => {
      const s = core.schib;
      if (!core.operational(sch)) return 3;
      const stctl = s.get(sch, FIELD['scsw.stctl']);
      // cc 1: status pending alone, or any of primary/secondary/alert; intermediate does not block
      if (stctl === STCTL.PENDING || (stctl & (STCTL.PRIMARY | STCTL.SECONDARY | STCTL.ALERT))) return 1;
      const fctl = s.get(sch, FIELD['scsw.fctl']);
      if (fctl & (FCTL.HALT | FCTL.CLEAR)) return 2;
      s.set(sch, FIELD['scsw.fctl'], (fctl | FCTL.HALT) & ~FCTL.START);
      const actl = s.get(sch, FIELD['scsw.actl']);
      // css §5.3 HSCH row, as QEMU's css_do_hsch writes it: STCTL compared with the intermediate
      // bit alone (without status pending), so clearing status pending is a no-op there.
      // [unverified: the PoP reading — withdraw an intermediate+pending status of an active
      //  subchannel — is not confirmed; QEMU's virtual CSS never has intermediate status]
      if (actl === (ACTL.SCH_ACTIVE | ACTL.DEV_ACTIVE) && stctl === STCTL.INTERMEDIATE) s.clear(sch, FIELD['scsw.stctl'], STCTL.PENDING);
      s.set(sch, FIELD['scsw.actl'], actl | ACTL.HALT_PEND);
      cancelWork(core, sch);
      scheduleWork(core, sch);
      return 0;
    });
    return done(core, 'HSCH', sch, cc);
  });
}

export function csch(core: CssCore, sid: number): number {
  return core.m.within('ioinst_handle_csch', () => {
    const { sch, provided } = parseSid(sid);
    const cc = !provided || !core.exists(sch) ? 3 : core.m.within('css_do_csch', () => {
      const s = core.schib;
      if (!core.operational(sch)) return 3;
      s.set(sch, FIELD['scsw.fctl'], FCTL.CLEAR);
      s.set(sch, FIELD['scsw.actl'], ACTL.CLEAR_PEND);
      // [unverified: chosen PoP behaviour — CSCH withdraws pending status and the interruption
      //  request, so the clear function ends with STCTL = status pending alone; QEMU keeps the
      //  earlier STCTL bits]
      s.set(sch, FIELD['scsw.stctl'], 0);
      core.irq.withdraw(sch);
      cancelWork(core, sch);
      scheduleWork(core, sch);
      return 0;
    });
    return done(core, 'CSCH', sch, cc);
  });
}

export function xsch(core: CssCore, sid: number): number {
  return core.m.within('ioinst_handle_xsch', () => {
    const { sch, provided } = parseSid(sid);
    const cc = !provided || !core.exists(sch) ? 3 : core.m.within('css_do_xsch', () => {
      const s = core.schib;
      if (!core.operational(sch)) return 3;
      if (s.get(sch, FIELD['scsw.stctl']) !== 0) return 1;
      const fctl = s.get(sch, FIELD['scsw.fctl']);
      const actl = s.get(sch, FIELD['scsw.actl']);
      if (fctl !== FCTL.START || !(actl & (ACTL.RESUME_PEND | ACTL.START_PEND | ACTL.SUSPENDED)) || (actl & ACTL.SCH_ACTIVE)) return 2;
      s.set(sch, FIELD['scsw.fctl'], 0);
      s.set(sch, FIELD['scsw.actl'], actl & ~(ACTL.RESUME_PEND | ACTL.START_PEND | ACTL.SUSPENDED));
      s.set(sch, FIELD['scsw.dstat'], 0);
      s.set(sch, FIELD['scsw.cstat'], 0);
      const st = core.chan.get(sch);
      if (st) resetProgram(core, st);
      cancelWork(core, sch);
      return 0;
    });
    return done(core, 'XSCH', sch, cc);
  });
}

export function rsch(core: CssCore, sid: number): number {
  return core.m.within('ioinst_handle_rsch', () => {
    const { sch, provided } = parseSid(sid);
    const cc = !provided || !core.exists(sch) ? 3 : core.m.within('css_do_rsch', () => {
      const s = core.schib;
      if (!core.operational(sch)) return 3;
      if (core.statusPending(sch)) return 1;
      const actl = s.get(sch, FIELD['scsw.actl']);
      if (s.get(sch, FIELD['scsw.fctl']) !== FCTL.START || (actl & ACTL.RESUME_PEND) || !(actl & ACTL.SUSPENDED)) return 2;
      monitorStart(core, sch, false); // css §5.1 SCHM: QEMU css_update_chnmon
      s.set(sch, FIELD['scsw.actl'], actl | ACTL.RESUME_PEND);
      scheduleWork(core, sch);
      return 0;
    });
    return done(core, 'RSCH', sch, cc);
  });
}
