/**
 * Invariants of the channel subsystem that hold after every model step (css §1.2, §1.3, §5.3,
 * §5.4, §6.3). Tests run `checkCssInvariants` on every emitted event; a violation names the
 * subchannel, the rule and the reference section, so a model bug shows where it starts.
 */
import type { Css } from './css';
import { ACTL, FCTL, STCTL } from './status';

export interface Violation {
  sch: number | undefined;
  rule: string;
  ref: string;
}

const hex = (n: number) => `0x${n.toString(16)}`;

/** Check the subchannels `schs` (default: every defined one) and the global queues. */
export function checkCssInvariants(css: Css, schs?: Iterable<number>): Violation[] {
  const out: Violation[] = [];
  const core = css.core;
  const s = core.schib;
  const bad = (sch: number | undefined, rule: string, ref: string) => out.push({ sch, rule, ref });
  const queues = core.irq.queues; // copies: read once
  for (const sch of schs ?? core.devices.keys()) {
    if (!core.exists(sch)) continue;
    const stctl = s.get(sch, 'scsw.stctl');
    const fctl = s.get(sch, 'scsw.fctl');
    const actl = s.get(sch, 'scsw.actl');
    const pending = (stctl & STCTL.PENDING) !== 0;
    // STCTL: alert/intermediate/primary/secondary exist only with status pending (css §1.3)
    if (stctl && !pending) bad(sch, `STCTL ${hex(stctl)} without status pending`, 'css §1.3');
    // FCTL: the clear function excludes start and halt (css §5.3 CSCH: FCTL = clear only)
    if (fctl & FCTL.CLEAR && fctl !== FCTL.CLEAR) bad(sch, `FCTL ${hex(fctl)}: clear together with start/halt`, 'css §5.3');
    if (actl && !fctl) bad(sch, `ACTL ${hex(actl)} with FCTL 0`, 'css §1.3, §5.3');
    // start/resume pending need the start function, or a halt that replaced it (QEMU's HSCH
    // clears FCTL start and leaves ACTL start pending until TSCH, css §5.3)
    if (actl & (ACTL.START_PEND | ACTL.RESUME_PEND) && !(fctl & (FCTL.START | FCTL.HALT))) bad(sch, `ACTL ${hex(actl)} start/resume pending without start or halt function`, 'css §5.3');
    if (actl & ACTL.HALT_PEND && !(fctl & FCTL.HALT)) bad(sch, 'halt pending without the halt function', 'css §5.3');
    if (actl & ACTL.CLEAR_PEND && actl !== ACTL.CLEAR_PEND) bad(sch, `ACTL ${hex(actl)}: clear pending with other activity`, 'css §5.3');
    if (actl & ACTL.SUSPENDED && actl & (ACTL.SCH_ACTIVE | ACTL.DEV_ACTIVE)) bad(sch, 'suspended and active at once', 'css §1.3');
    if (stctl & STCTL.PRIMARY && actl & (ACTL.START_PEND | ACTL.SCH_ACTIVE | ACTL.DEV_ACTIVE)) {
      bad(sch, `primary status with ACTL ${hex(actl)} still active`, 'css §5.3');
    }
    const cc = s.get(sch, 'scsw.cc');
    if (cc === 2) bad(sch, 'deferred condition code 2', 'css §1.3, §5.2');
    // paths (css §1.2, §5.5)
    const pim = s.get(sch, 'pmcw.pim');
    const pam = s.get(sch, 'pmcw.pam');
    const pnom = s.get(sch, 'pmcw.pnom');
    const lpum = s.get(sch, 'pmcw.lpum');
    if (pam & ~pim) bad(sch, `PAM ${hex(pam)} ⊄ PIM ${hex(pim)}`, 'css §1.2');
    if (pnom & ~pim) bad(sch, `PNOM ${hex(pnom)} ⊄ PIM ${hex(pim)}`, 'css §1.2');
    if (lpum & ~pim) bad(sch, `LPUM ${hex(lpum)} ⊄ PIM ${hex(pim)}`, 'css §1.2');
    if (lpum & (lpum - 1)) bad(sch, `LPUM ${hex(lpum)} names more than one path`, 'css §1.2');
    if (s.get(sch, 'scsw.pno') && !pnom) bad(sch, 'SCSW.PNO = 1 with PNOM = 0', 'css §1.3, §5.5');
    // interruption requests (css §5.4): one at most, for PMCW.ISC, only while status pending
    const iscs = queues.map((q, isc) => (q.includes(sch) ? isc : -1)).filter((i) => i >= 0);
    if (iscs.length > 1) bad(sch, `interruption requests on ISCs ${iscs.join(',')}`, 'css §5.4');
    if (iscs.length === 1) {
      if (!pending) bad(sch, 'interruption request queued while not status pending', 'css §5.4');
      if (iscs[0] !== s.get(sch, 'pmcw.isc')) bad(sch, `request on ISC ${iscs[0]} but PMCW.ISC ${s.get(sch, 'pmcw.isc')}`, 'css §5.4');
      if (!s.get(sch, 'pmcw.ena')) bad(sch, 'interruption request for a disabled subchannel', 'css §5.4');
    }
  }
  // CRW queue (css §6.3): bounded
  if (css.crws.crws.length > css.crws.capacity) bad(undefined, `CRW queue holds ${css.crws.crws.length} > ${css.crws.capacity}`, 'css §6.3');
  for (const q of queues) {
    for (const sch of q) if (!core.exists(sch)) bad(sch, 'interruption request for an undefined subchannel', 'css §5.4');
  }
  return out;
}

export function formatViolations(v: readonly Violation[]): string {
  return v.map((x) => `${x.sch === undefined ? 'css' : `sch ${hex(x.sch)}`}: ${x.rule} (${x.ref})`).join('\n');
}
