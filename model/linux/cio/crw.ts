/**
 * Host CRW collection (css §6.4): the `crw_collect_info` kthread STCRWs until cc ≠ 0, handles up
 * to two chained CRWs, calls every handler with overflow on OFLW, else dispatches by RSC.
 * RSC 4 → `chp_process_crw` (css §6.2); RSC 0xB → `chsc_process_crw`, the SEI loop (css §5.6).
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
    for (let guard = 0; guard < 10_000; guard++) {
      const { cc, crw } = cio.port.stcrw();
      if (cc !== 0) break;
      collected.push(crw);
      const d = decodeCrwWord(crw);
      if (d.oflw) {
        // every registered handler with overflow = 1 (css §6.4): chp and css re-evaluate everything
        cio.scheduleEvalAll('CRW overflow');
        chain = [];
        continue;
      }
      chain.push(crw);
      if (d.chn && chain.length < 2) continue;
      if (d.chn) cio.warn('more than two chained CRWs; the rest is ignored', 'css §6.4');
      dispatchCrw(cio, chain);
      chain = [];
    }
    return { collected };
  });
}

function dispatchCrw(cio: HostCio, chain: number[]): void {
  const crw0 = decodeCrwWord(chain[0]);
  switch (crw0.rsc) {
    case RSC.CHP:
      cio.m.within('chp_process_crw', () => chpProcessCrw(cio, chain[0]));
      return;
    case RSC.CSS:
      chscProcessCrw(cio, false);
      return;
    default:
      cio.warn(`CRW RSC 0x${crw0.rsc.toString(16)}: no handler modelled`, 'css §6.4');
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
