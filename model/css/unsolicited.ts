/**
 * Unsolicited device status (css §1.3, §5.4): attention a device presents on its own, and the
 * status it holds back while the subchannel is busy or status pending, presented after TSCH.
 */
import type { CssCore } from './context';
import { STCTL } from './status';
import { emitStatus } from './functions';
import { FIELD } from './schib';

/**
 * A device presents unsolicited status, e.g. attention (css §1.3 "alert + pending with cc 0 =
 * unsolicited", §5.4). Like QEMU `css_conditional_io_interrupt`: only on an enabled subchannel;
 * STCTL := alert + pending, DSTAT := status, CSTAT := 0, SCSW.CC := 0, interruption queued.
 * [unverified: chosen — when the subchannel is busy (FCTL ≠ 0) or already status pending, the
 *  device holds the status and presents it after the TSCH that leaves the subchannel idle
 *  (QEMU drops it); on a disabled subchannel it is dropped, as in QEMU. Both are shown as warn
 *  events.]
 */
export function presentUnsolicited(core: CssCore, sch: number, dstat: number): 'presented' | 'held' | 'dropped' {
  return core.m.within('css_conditional_io_interrupt', () => {
    const s = core.schib;
    const hex = (n: number) => `0x${n.toString(16)}`;
    if (s.get(sch, FIELD['pmcw.ena']) !== 1) {
      core.m.emit({ kind: 'warn', message: `unsolicited status ${hex(dstat)} of subchannel ${hex(sch)} dropped: subchannel not enabled [unverified: chosen, as QEMU]`, ref: 'css §5.4', note: true }, 'instruction');
      return 'dropped';
    }
    if (core.statusPending(sch) || s.get(sch, FIELD['scsw.fctl']) !== 0) {
      const held = core.heldStatus.get(sch) ?? 0;
      core.m.journal.mapSet(core.heldStatus, sch, held | dstat);
      core.m.emit({ kind: 'warn', message: `unsolicited status ${hex(dstat)} of subchannel ${hex(sch)} held by the device until the subchannel is idle and not status pending [unverified: chosen; QEMU drops it]`, ref: 'css §5.4', note: true }, 'instruction');
      return 'held';
    }
    s.set(sch, FIELD['scsw.cc'], 0);
    s.set(sch, FIELD['scsw.dstat'], dstat & 0xff);
    s.set(sch, FIELD['scsw.cstat'], 0);
    s.set(sch, FIELD['scsw.stctl'], STCTL.ALERT | STCTL.PENDING);
    emitStatus(core, sch);
    core.injectIo(sch);
    return 'presented';
  });
}

/** After TSCH: present status the device held back (see presentUnsolicited). */
export function presentHeldStatus(core: CssCore, sch: number): void {
  const held = core.heldStatus.get(sch);
  if (held === undefined || core.statusPending(sch) || core.schib.get(sch, FIELD['scsw.fctl']) !== 0) return;
  core.m.journal.mapDelete(core.heldStatus, sch);
  presentUnsolicited(core, sch, held);
}
