/**
 * Device removal on the machine (`machine remove device DEVNO`), as QEMU's emulated channel
 * subsystem hot-unplugs a CCW device (hw/s390x/css-bridge.c `ccw_device_unplug`, css.c
 * `css_generate_sch_crws`, `css_subch_assign`):
 *
 * 1. "Subchannel is now disabled and no longer valid": PMCW.ENA and PMCW.DNV := 0.
 * 2. `css_generate_sch_crws(…, hotplugged = 1, add = 0)`: CRW RSC 3 (subchannel), ERC 4 (installed
 *    parameters initialized), RSID = subchannel number, chained with a second CRW RSID =
 *    (CSSID << 8) | (SSID << 4) when MSS or MCSS-E is enabled (css §6.1, §6.3); ERC 4 withdraws the
 *    subchannel's pending I/O-interruption request (`css_clear_io_interrupt`).
 * 3. Unrealize: `css_subch_assign(…, NULL)` — the subchannel is no longer provided. SSCH, RSCH,
 *    HSCH, CSCH, XSCH, TSCH and MSCH give cc 3; STSCH gives cc 3 beyond the last subchannel still
 *    provided, else stores an all-zero SCHIB (DNV 0) with cc 0 (css §5.2). A channel program in
 *    flight ends with it: no further status.
 *
 * Every step is journaled and shown as events (a `log` line per step, the CRWs as `crw.queued`).
 */
import type { CssCore } from './context';
import type { CrwQueue } from './crw';
import { ERC, RSC } from './crw';
import { facilities } from './facilities';
import { SCHIB_WORDS } from './fields';
import { cancelWork, UNSOLICITED_ACTION } from './channel';

const hex = (n: number, w = 4) => `0x${n.toString(16).padStart(w, '0')}`;

function log(core: CssCore, text: string): void {
  core.m.emit({ kind: 'log', source: 'machine', text }, 'instruction');
}

/** Remove the device with number `devno`; returns its subchannel number. Throws when no such device. */
export function removeDevice(core: CssCore, crws: CrwQueue, devno: number): number {
  const sch = core.devnos.get(devno);
  if (sch === undefined) throw new Error(`device number ${hex(devno)} is not defined (define it with 'device 0.0.${devno.toString(16).padStart(4, '0')} …')`);
  const j = core.m.journal;
  core.m.within('ccw_device_unplug', () => {
    const s = core.schib;
    // css_generate_sch_crws's css_clear_io_interrupt, taken first: the whole unplug happens under
    // QEMU's BQL, and no event may show a request queued for a disabled subchannel (css §5.4)
    core.m.within('css_clear_io_interrupt', () => core.irq.withdraw(sch));
    s.set(sch, 'pmcw.ena', 0);
    s.set(sch, 'pmcw.dnv', 0);
    log(core, `device ${hex(devno)} removed: subchannel ${hex(sch)} disabled and no longer valid (PMCW.ENA = DNV = 0)`);
    core.m.within('css_generate_sch_crws', () => {
      const f = facilities(core);
      const chain = f.mss || f.mcsse;
      crws.queue({ rsc: RSC.SCH, erc: ERC.IPI, chn: chain, rsid: sch & 0xffff });
      // css §6.1: the chained CRW names CSSID 0, SSID 0 — the only set the model provides
      if (chain) crws.queue({ rsc: RSC.SCH, erc: ERC.IPI, rsid: (0 << 8) | (0 << 4) });
    });
    core.m.within('css_subch_assign', () => {
      cancelWork(core, sch);
      core.m.cancel(UNSOLICITED_ACTION, sch);
      for (let w = 0; w < SCHIB_WORDS; w++) if (s.word(sch, w) !== 0) s.setWord(sch, w, 0);
      j.mapDelete(core.devices, sch);
      j.mapDelete(core.devnos, devno);
      for (const m of [core.chan, core.irbs, core.pathFailures, core.startNotOper, core.heldStatus] as Array<Map<number, unknown>>) {
        if (m.has(sch)) j.mapDelete(m, sch);
      }
      let max = -1;
      for (const k of core.devices.keys()) if (k > max) max = k;
      if (max !== core.limits.maxSch) j.set(core.limits, 'maxSch', max);
      log(core, `subchannel ${hex(sch)} no longer provided: its instructions give cc 3; STSCH ${sch > max ? 'cc 3 (beyond the last subchannel)' : 'stores a zero SCHIB (a hole below the last subchannel)'}`);
    });
  });
  return sch;
}
