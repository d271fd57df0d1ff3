/**
 * vfio-ccw internals readable by `expect` (issue 11 E): the host ORB that `cp_get_orb` built for
 * the last host SSCH (css §9.2, §8.5) and the live `channel_program` (css §9.1, §9.2) —
 *
 *   vfio(SID).orb.FIELD                       host ORB field (intparm key fmt pfch c64 i2k lpm cpa …)
 *   vfio(SID).cp.chains                       number of chains
 *   vfio(SID).cp.chain[i].len / .guest_head / .host_head
 *   vfio(SID).cp.chain[i].ccw[j].cmd / .flags / .count / .cda       the host CCW copy (a TIC's cda
 *                                                                    is its host target)
 *   vfio(SID).cp.chain[i].ccw[j].guest_cda    the guest CCW's data address (a TIC's guest target)
 *   vfio(SID).cp.chain[i].ccw[j].idal         host address of the CCW's IDAL (0 for a TIC)
 *   vfio(SID).cp.chain[i].ccw[j].idaws        number of IDAWs; .idaw[k] host IDAW, .guest_idaw[k]
 */
import { EvalError } from './evaluate';
import { suggestion } from './diagnostics';
import type { VfioCcwPrivate } from '../linux/vfio-ccw/private';
import { ORB_FIELDS } from '../css/orb';

type Part = { field: string } | { index: number };

const ORB_NAMES = ORB_FIELDS.map((d) => d.name.slice(4));
const CHAIN_FIELDS = ['len', 'guest_head', 'host_head', 'ccw'];
const CCW_FIELDS = ['cmd', 'flags', 'count', 'cda', 'guest_cda', 'idal', 'idaws', 'idaw', 'guest_idaw'];

function field(p: Part | undefined, names: readonly string[], col: number, what: string): string {
  if (!p || !('field' in p)) throw new EvalError(col, `expected ${what}.FIELD: ${names.join(', ')}`);
  if (!names.includes(p.field)) throw new EvalError(col, `unknown ${what} field '${p.field}'${suggestion(p.field, names)}; known: ${names.join(', ')}`);
  return p.field;
}

function index(p: Part | undefined, n: number, col: number, what: string): number {
  if (!p || !('index' in p)) throw new EvalError(col, `expected ${what}[i]`);
  if (p.index < 0 || p.index >= n) throw new EvalError(col, `${what}[${p.index}]: only ${n} ${n === 1 ? 'entry' : 'entries'}`);
  return p.index;
}

/** `vfio(SID).orb…` / `vfio(SID).cp.…` with more than the bare `cp`; undefined: not such a path. */
export function vfioCpPath(p: VfioCcwPrivate, parts: readonly Part[], col: number): bigint | undefined {
  const head = parts[0];
  if (!head || !('field' in head)) return undefined;
  if (head.field === 'orb') {
    const o = p.hostOrb;
    if (!o) throw new EvalError(col, 'vfio(SID).orb has no value: no host SSCH yet (cp_get_orb runs in fsm_io_helper)');
    const name = field(parts[1], ORB_NAMES, col, 'vfio(SID).orb');
    return BigInt((o as unknown as Record<string, number>)[name]);
  }
  if (head.field !== 'cp' || parts.length < 2) return undefined;
  const cp = p.cp;
  const f1 = parts[1];
  if (f1 && 'field' in f1 && f1.field === 'chains') return BigInt(cp.chains.length);
  field(f1, ['chains', 'chain'], col, 'vfio(SID).cp');
  if (!cp.initialized) throw new EvalError(col, 'vfio(SID).cp has no channel program (none in flight: cp_free ran, or no start yet)');
  const chain = cp.chains[index(parts[2], cp.chains.length, col, 'cp.chain')];
  const cf = field(parts[3], CHAIN_FIELDS, col, 'cp.chain[i]');
  if (cf === 'len') return BigInt(chain.len);
  if (cf === 'guest_head') return BigInt(chain.guestHead);
  if (cf === 'host_head') return BigInt(chain.hostHead);
  const j = index(parts[4], chain.len, col, 'cp.chain[i].ccw');
  const host = chain.host[j];
  const guest = chain.ccws[j];
  const pa = chain.pa[j];
  const xf = field(parts[5], CCW_FIELDS, col, 'cp.chain[i].ccw[j]');
  switch (xf) {
    case 'cmd': return BigInt(host.cmd);
    case 'flags': return BigInt(host.flags);
    case 'count': return BigInt(host.count);
    case 'cda': return BigInt(host.cda >>> 0);
    case 'guest_cda': return BigInt(guest.cda >>> 0);
    case 'idal': return BigInt(pa?.idal ?? 0);
    case 'idaws': return BigInt(pa?.host.length ?? 0);
    case 'idaw': return BigInt(pa!.host[index(parts[6], pa?.host.length ?? 0, col, 'ccw[j].idaw')]);
    case 'guest_idaw': return BigInt(pa!.iova[index(parts[6], pa?.iova.length ?? 0, col, 'ccw[j].guest_idaw')]);
  }
  return undefined;
}
