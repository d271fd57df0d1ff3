/**
 * The Channel Paths view's data (PRODUCT §4): each CHPID as the machine sees it (SCLP configured
 * or standby, physically online, css §6.2, §7.1), as host cio sees it (vary state of
 * chp0.XX/status, css §7.1), as the guest sees it (the PAM bits of QEMU's subchannels, css §7.2,
 * §10.1), and which subchannels use it in PIM / PAM / POM / LPM (css §1.1). One pass over the
 * defined subchannels per request, so 65,536 subchannels cost one scan, not one per CHPID.
 */
import type * as P from './protocol';
import type { Runner } from '../model/scenario/runner';
import type { SchibStore } from '../model/css/schib';
import { extract, SCHIB_FIELD, SCHIB_WORDS } from '../model/css/fields';

/** At most this many subchannels are listed per CHPID (the count is always exact). */
export const MAX_SUBCHANNELS_PER_PATH = 256;

const hex2 = (n: number) => '0x' + n.toString(16).padStart(2, '0');
const sid = (sch: number) => `0.0.${sch.toString(16).padStart(4, '0')}`;

/** The comparable state of one CHPID, for "changed since the previous stop". */
export function chpidStateKey(r: Runner, chpid: number): string {
  const p = r.css.core.chpids.get(chpid);
  const host = r.vfio?.cio.chps.get(chpid);
  return p ? `${p.configured}/${p.online}/${p.operational}/${host?.state ?? '-'}` : 'gone';
}

interface Using {
  sch: number;
  mask: number;
}

const PIM = SCHIB_FIELD.get('pmcw.pim')!;
const CHPIDS = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => SCHIB_FIELD.get(`pmcw.chpid${i}`)!);

/**
 * chpid → subchannels whose PMCW.CHPID[i] with PIM bit i names it, in one pass over the words
 * (no per-field lookups: 65,536 subchannels are read in a few milliseconds).
 */
function usersByChpid(store: SchibStore, schs: Iterable<number>): Map<number, Using[]> {
  const out = new Map<number, Using[]>();
  const words = store.words;
  for (const sch of schs) {
    const base = sch * SCHIB_WORDS;
    const pim = extract(PIM, words[base + PIM.word]);
    if (!pim) continue;
    for (let i = 0; i < 8; i++) {
      const bit = 0x80 >> i;
      if (!(pim & bit)) continue;
      const f = CHPIDS[i];
      const chpid = extract(f, words[base + f.word]);
      let list = out.get(chpid);
      if (!list) out.set(chpid, (list = []));
      const last = list[list.length - 1];
      if (last?.sch === sch) last.mask |= bit;
      else list.push({ sch, mask: bit });
    }
  }
  return out;
}

export function channelPaths(r: Runner, changed: (chpid: number) => boolean): P.ChannelPathsResponse {
  const core = r.css.core;
  const store = core.schib;
  const schs = Int32Array.from(core.devices.keys()).sort();
  const users = usersByChpid(store, schs);
  const guest = r.vfio?.qemu;
  const guestUsers = guest ? usersByChpid(guest.core.schib, [...guest.devices.keys()].sort((a, b) => a - b)) : undefined;
  const paths = r.css.chpids().map((chpid): P.ChannelPathView => {
    const p = core.chpids.get(chpid)!;
    const list = users.get(chpid) ?? [];
    const gl = guestUsers?.get(chpid) ?? [];
    const guestPam = new Map(gl.map((u) => [u.sch, (guest!.core.schib.get(u.sch, 'pmcw.pam') & u.mask) !== 0]));
    const view: P.ChannelPathView = {
      chpid,
      id: hex2(chpid),
      type: p.type,
      // lschp prints the type as hex; the model keeps no names for type codes
      typeName: hex2(p.type),
      configured: p.configured,
      online: p.online,
      operational: p.operational,
      subchannels: list.slice(0, MAX_SUBCHANNELS_PER_PATH).map((u) => {
        const bit = (name: string) => (store.get(u.sch, name) & u.mask) !== 0;
        const row: P.ChannelPathView['subchannels'][number] = {
          sid: sid(u.sch), sch: u.sch, mask: u.mask, pim: true, pam: bit('pmcw.pam'), pom: bit('pmcw.pom'), lpm: bit('pmcw.lpm'),
        };
        const g = guestPam.get(u.sch);
        if (g !== undefined) row.guestPam = g;
        return row;
      }),
      changed: changed(chpid),
    };
    if (list.length > MAX_SUBCHANNELS_PER_PATH) view.subchannelCount = list.length;
    if (r.vfio) {
      const host = r.vfio.cio.chps.get(chpid);
      // unregistered chps count as online for opm (css §1.2 "bit set iff chp state ≠ 0")
      view.hostVary = host && host.state === 0 ? 'offline' : 'online';
      view.guestUsing = gl.length;
      view.guestAvailable = [...guestPam.values()].filter(Boolean).length;
    }
    return view;
  });
  return { topology: r.vfio ? 'vfio' : 'native', paths };
}
