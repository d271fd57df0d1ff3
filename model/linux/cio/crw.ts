/**
 * Host CRW collection (css §6.4): the `crw_collect_info` kthread STCRWs until cc ≠ 0, handles up
 * to two chained CRWs, calls every handler with overflow on OFLW, else dispatches by RSC.
 * RSC 4 → `chp_process_crw` (css §6.2); RSC 0xB → `chsc_process_crw`, the SEI loop (css §5.6);
 * RSC 3 → `css_process_crw`, subchannel evaluation ([unverified: chosen], not in css §6.4).
 */
import { decodeCrwWord, ERC, RSC } from '../../css/crw';
import type { HostCio } from './cio';
import { chscProcessCrw } from './chsc';

export interface CrwCollectResult {
  collected: number[];
}

export function crwCollectInfo(cio: HostCio): CrwCollectResult {
  return cio.host('crw_collect_info', () => {
    const collected: number[] = [];
    let chain: number[] = [];
    // css §6.4: more than two chained CRWs — Linux (crw.c) keeps storing and only logging them
    // until one without CHN has been stored; none of them reaches a handler.
    let discarding = 0;
    for (let guard = 0; guard < 10_000; guard++) {
      const { cc, crw } = cio.port.stcrw();
      if (cc !== 0) break;
      collected.push(crw);
      const d = decodeCrwWord(crw);
      if (discarding) {
        cio.warn(`more than two chained CRWs: CRW 0x${crw.toString(16).padStart(8, '0')} (number ${discarding + 1} in the chain) ignored`, 'css §6.4');
        discarding = d.chn ? discarding + 1 : 0;
        continue;
      }
      if (d.oflw) {
        // every registered handler with overflow = 1 (css §6.4): chp and css re-evaluate everything
        cio.scheduleEvalAll('CRW overflow');
        chain = [];
        continue;
      }
      chain.push(crw);
      if (chain.length === 1 && d.chn) continue;
      dispatchCrw(cio, chain);
      // css §6.4: a chained second CRW makes the following ones "more than two chained"
      discarding = chain.length === 2 && d.chn ? 2 : 0;
      chain = [];
    }
    return { collected };
  });
}

function dispatchCrw(cio: HostCio, chain: number[]): void {
  // css §6.4: the handler is looked up by the RSC of the last CRW stored (crw[chain].rsc)
  const rsc = decodeCrwWord(chain[chain.length - 1]).rsc;
  switch (rsc) {
    case RSC.CHP:
      cio.m.within('chp_process_crw', () => chpProcessCrw(cio, chain[0]));
      return;
    case RSC.CSS:
      chscProcessCrw(cio, false);
      return;
    case RSC.SCH:
      cssProcessCrw(cio, chain[0], chain.length > 1 ? chain[1] : undefined);
      return;
    default:
      cio.warn(`CRW RSC 0x${rsc.toString(16)}: no handler modelled`, 'css §6.4');
  }
}

/** `chp_process_crw` (css §6.2): SOL ignored; ERC 2/4 → chp_new + online; ERC 6/7 → offline. */
export function chpProcessCrw(cio: HostCio, word: number): void {
  const crw = decodeCrwWord(word);
  if (crw.sol) return; // RCHP result
  const chpid = crw.rsid & 0xff;
  switch (crw.erc) {
    case ERC.IPI:
    case ERC.INIT:
      cio.chpNew(chpid);
      cio.chscChpOnline(chpid);
      return;
    case ERC.PERRI:
    case ERC.PERRN:
      cio.chscChpOffline(chpid);
      return;
    default:
      cio.warn(`chp_process_crw: don't know how to handle erc=0x${crw.erc.toString(16)}`, 'css §6.2');
  }
}

/**
 * `css_process_crw` for a subchannel CRW (RSC 3): the subchannel named by CRW0's RSID (with the
 * subchannel-set id from a chained CRW1, always set 0 here) is evaluated whatever the ERC: a known
 * subchannel goes to its driver's `sch_event` (vfio_ccw: cio_update_schib, failure → FSM NOT_OPER),
 * else a SCHIB refresh; a subchannel the host does not know yet is registered if STSCH finds it.
 * [unverified: chosen — css §6.4 lists handlers only for RSC 4 and 0xB; recalled from Linux css.c
 *  (css_process_crw → css_evaluate_subchannel); the ERC 8 SSD-info refresh is not modelled]
 */
export function cssProcessCrw(cio: HostCio, word0: number, word1?: number): void {
  cio.m.within('css_process_crw', () => {
    const crw = decodeCrwWord(word0);
    const sch = crw.rsid & 0xffff;
    const ssid = word1 === undefined ? 0 : (decodeCrwWord(word1).rsid >> 4) & 3;
    cio.warn(`CRW RSC 3 ERC 0x${crw.erc.toString(16)} for subchannel 0.${ssid}.${sch.toString(16).padStart(4, '0')}: css_process_crw → css_evaluate_subchannel [unverified: chosen — handler not in the reference]`, 'css §6.4');
    if (ssid !== 0) return; // only subchannel set 0 exists in this model
    cio.evaluateSubchannel(sch);
  });
}
