/**
 * Cross-layer invariants of the vfio topology, checked after every step of the scenario tests:
 * - no pinned page without a live channel program (every vfio_pfn belongs to a CP's pin runs,
 *   and a CP's runs exist only while it is initialized);
 * - guest PAM ⊆ host PAM after a refresh (css §10.3 copies PAM, so a refresh makes them equal);
 * - FSM state consistent with the CP: CP_PENDING ⇔ an initialized CP; NOT_OPER/STANDBY/IDLE
 *   never hold one (CP_PROCESSING only exists inside an action).
 */
import type { Runner } from '../../../model/scenario/runner';
import { cpPinnedRuns } from '../../../model/linux/vfio-ccw/cp';

export function checkInvariants(r: Runner): string[] {
  const v = r.vfio;
  if (!v) return [];
  const bad: string[] = [];
  let cpPages = 0;
  for (const p of v.vfio.devices.values()) {
    const runs = cpPinnedRuns(p.cp);
    cpPages += runs.reduce((s, x) => s + x.npage, 0);
    if (runs.length && !p.cp.initialized) bad.push(`0.0.${p.sch.toString(16)}: pinned runs in an uninitialized CP`);
    if (p.state === 'CP_PENDING' && !p.cp.initialized) bad.push(`0.0.${p.sch.toString(16)}: CP_PENDING without a channel program`);
    if ((p.state === 'IDLE' || p.state === 'STANDBY' || p.state === 'NOT_OPER') && p.cp.initialized) bad.push(`0.0.${p.sch.toString(16)}: ${p.state} with a live channel program`);
    if (p.state === 'CP_PROCESSING') bad.push(`0.0.${p.sch.toString(16)}: CP_PROCESSING between actions`);
  }
  // vfio_pfn nodes count 2K IDAWs sharing a page once; a CP run may name a page twice
  const nodes = v.vfio.iommu.pinnedCount();
  if (nodes > cpPages) bad.push(`${nodes} vfio_pfn nodes but the live channel programs pinned ${cpPages} pages`);
  if (cpPages === 0 && nodes !== 0) bad.push(`${nodes} pages pinned without a channel program`);
  // guest PAM ⊆ host PAM as of the last refresh: compare with the host's cached SCHIB the refresh read
  for (const sch of v.qemu.devices.keys()) {
    const p = v.vfio.devices.get(sch)!;
    const guestPam = v.qemu.core.schib.get(sch, 'pmcw.pam');
    const refreshed = p.schib[15];
    if (p.schib.some((b) => b !== 0) && (guestPam & ~refreshed) !== 0) bad.push(`0.0.${sch.toString(16)}: guest PAM 0x${guestPam.toString(16)} ⊄ host PAM 0x${refreshed.toString(16)} of the last refresh`);
  }
  return bad;
}
