/**
 * Machine channel paths (css §1.2, §6.1, §6.2, §7.1): the SCLP configure on/off of a CHPID
 * (configured / standby), machine-initiated path events that queue CRWs, and the PAM bits of
 * the subchannels using a path.
 *
 * A channel path has three independent states:
 *  - `configured` — SCLP configure (1) or deconfigure to standby (0), css §7.1 CHP_STATUS_*;
 *  - `online`     — the machine's view of the physical path (machine CRW RSC 4 ERC 2 / 6);
 *  - `operational`— the path responds during path selection; false drops it into PNOM (§5.5).
 * PAM bit i of a subchannel whose CHPID[i] is this path is 1 iff configured and online.
 */
import type { CssCore, ChannelPath } from './context';
import type { CrwQueue } from './crw';
import { ERC, RSC } from './crw';

const REF_PAM = 'css §1.2, §6.2';
const h2 = (n: number) => n.toString(16).padStart(2, '0');

/** Subchannels whose PMCW.CHPID[i] (with PIM bit i set) equals `chpid`, with the mask bit 0x80>>i. */
export function subchannelsUsingChpid(core: CssCore, chpid: number): Array<{ sch: number; mask: number }> {
  const out: Array<{ sch: number; mask: number }> = [];
  const s = core.schib;
  for (const sch of [...core.devices.keys()].sort((a, b) => a - b)) {
    const pim = s.get(sch, 'pmcw.pim');
    let mask = 0;
    for (let i = 0; i < 8; i++) {
      const bit = 0x80 >> i;
      if (pim & bit && s.get(sch, `pmcw.chpid${i}`) === chpid) mask |= bit;
    }
    if (mask) out.push({ sch, mask });
  }
  return out;
}

/** Is the path available, i.e. may its PAM bits be 1? */
export function pathAvailable(p: ChannelPath): boolean {
  return p.configured && p.online;
}

/**
 * Bring every PAM bit of `p` in line with its state; returns how many subchannels changed.
 * [unverified: chosen — PAM follows configure on/off and machine online/offline immediately,
 *  for every subchannel using the path, whether or not I/O is active on it (css §1.2 marks the
 *  PAM behaviour as PoP semantics not verified in primary text). PNOM, POM, LPUM are untouched.]
 */
export function syncPam(core: CssCore, p: ChannelPath): number {
  const avail = pathAvailable(p);
  let changed = 0;
  for (const { sch, mask } of subchannelsUsingChpid(core, p.chpid)) {
    const pam = core.schib.get(sch, 'pmcw.pam');
    const next = avail ? pam | mask : pam & ~mask;
    if (next !== pam) {
      core.schib.set(sch, 'pmcw.pam', next);
      changed++;
    }
  }
  return changed;
}

function stateEvent(core: CssCore, p: ChannelPath, changed: number, why: string): void {
  core.m.emit({
    kind: 'chp.state', chpid: p.chpid, configured: p.configured, online: p.online, pamChanged: changed,
    note: `${why}; PAM bit ${pathAvailable(p) ? 'set' : 'cleared'} in ${changed} subchannel(s) [unverified: chosen PAM behaviour, ${REF_PAM}]`,
  }, 'instruction');
}

/**
 * SCLP configure on/off (css §6.2, §7.2 `chchp -c`).
 * [unverified: chosen — no machine CRW for a program-initiated SCLP (de)configure (css §6.2
 *  leaves open whether firmware emits one).]
 */
export function configureChpid(core: CssCore, chpid: number, configured: boolean): boolean {
  const p = core.chpids.get(chpid);
  if (!p) return false;
  return core.m.within(configured ? 'sclp_chp_configure' : 'sclp_chp_deconfigure', () => {
    core.m.journal.set(p, 'configured', configured);
    const changed = syncPam(core, p);
    stateEvent(core, p, changed, `SCLP ${configured ? 'configure' : 'deconfigure (standby)'} CHPID ${h2(chpid)}, no machine CRW [unverified: chosen, css §6.2]`);
    return true;
  });
}

/**
 * A machine-initiated channel-path event (css §6.1, §6.2): a CRW RSC 4 with ERC 2 (initialized)
 * for `online` or ERC 6 (permanent error, not initialized) for `offline`, RSID = chpid; PAM as
 * for configure. An undefined CHPID still gets its CRW (the machine reports it) but no PAM change.
 */
export function machineChpidEvent(core: CssCore, crws: CrwQueue, chpid: number, event: 'online' | 'offline'): void {
  core.m.within('chp_machine_event', () => {
    const p = core.chpids.get(chpid);
    const online = event === 'online';
    if (p) {
      core.m.journal.set(p, 'online', online);
      // a path coming online responds again (css §5.5)
      if (online) core.m.journal.set(p, 'operational', true);
      const changed = syncPam(core, p);
      stateEvent(core, p, changed, `machine CHPID ${h2(chpid)} ${event}`);
    }
    crws.queue({ rsc: RSC.CHP, erc: online ? ERC.INIT : ERC.PERRN, rsid: chpid & 0xff });
  });
}
