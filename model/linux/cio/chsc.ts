/**
 * CHSC store-event-information on the host (css §5.6, §6.2 last row): a machine CRW RSC 0xB makes
 * `chsc_process_crw` run the SEI loop — CHSC SEI (command 0x000E) until the response has no
 * "more events" flag (0x80) — and handle each content code:
 *  1 link incident (logged), 2 resource accessibility (→ CHP_ONLINE handling), 7 chp
 *  availability (descriptions refreshed, logged), 8 chp-configuration notification (op 0
 *  configure, 1 deconfigure, 2 cancel deconfigure → `chp_cfg_schedule` / `_cancel_deconfigure`;
 *  the cfg work then does the SCLP (de)configure and `chsc_chp_online/offline`).
 *  Flag 0x40 (overflow) → all subchannels re-evaluated.
 *
 * The machine side (the pending event store, the CRW RSC 0xB ERC 0 raised once until SEI has
 * drained it, css §6.3) lives in the MachinePort, which the statement `machine sei …` feeds.
 */
import { CHSC_RC } from '../../css/chsc';
import type { HostCio } from './cio';

/** SEI content codes handled by Linux (css §5.6). */
export const SEI_CC = { LINK_INCIDENT: 1, RES_ACC: 2, CHP_AVAIL: 7, CHP_CONFIG: 8 } as const;
/** Response flags (css §5.6). */
export const SEI_FLAG = { MORE: 0x80, OVERFLOW: 0x40 } as const;
/** chp-configuration notification operations (css §5.6). */
export const CHP_CFG_OP = { configure: 0, deconfigure: 1, cancel: 2 } as const;
export type ChpCfgOp = keyof typeof CHP_CFG_OP;

/** One pending event of the machine's event store (nt 0 area, the fields the host reads). */
export interface SeiEvent {
  /** Content code (css §5.6). */
  cc: number;
  /** Reporting source: 4 = channel path (res-acc), 0 for chp-config. */
  rs: number;
  /** Reporting-source id: the CHPID for res-acc / link incident / chp-avail. */
  rsid: number;
  /** chp-config: the operation and the CHPID map. */
  op?: number;
  chpids?: number[];
}

/** A CHSC SEI response as the host sees it. */
export interface SeiResponse {
  code: number;
  flags: number;
  event: SeiEvent | undefined;
}

const hx = (n: number) => n.toString(16).padStart(2, '0');

/**
 * `chsc_process_crw` (css §6.4, §5.6): with overflow all subchannels are re-evaluated; else the
 * SEI loop. Returns the number of SEI calls (for tests).
 */
export function chscProcessCrw(cio: HostCio, overflow: boolean): number {
  return cio.host('chsc_process_crw', () => {
    if (overflow) {
      cio.scheduleEvalAll('CRW overflow (RSC 0xB)');
      return 0;
    }
    const frame = cio.m.enter('chsc_process_event_information');
    try {
      let calls = 0;
      for (let guard = 0; guard < 10_000; guard++) {
        calls++;
        const r = cio.m.within('chsc_sei', () => cio.port.chscSei());
        if (r.code !== CHSC_RC.OK) break; // 0x0005 no data: nothing (more) to store
        if (r.flags & SEI_FLAG.OVERFLOW) cio.m.within('chsc_process_sei_nt0', () => cio.scheduleEvalAll('SEI event overflow (flag 0x40)'));
        if (r.event) cio.m.within('chsc_process_sei_nt0', () => processNt0(cio, r.event!));
        if (!(r.flags & SEI_FLAG.MORE)) break;
      }
      return calls;
    } finally {
      cio.m.leave(frame);
    }
  });
}

function processNt0(cio: HostCio, e: SeiEvent): void {
  const log = (text: string) => cio.m.emit({ kind: 'log', source: 'host cio', text }, 'instruction');
  switch (e.cc) {
    case SEI_CC.LINK_INCIDENT:
      cio.m.within('chsc_process_sei_link_incident', () => log(`chsc: link incident (rs=${e.rs}, rsid=${hx(e.rsid)})`));
      return;
    case SEI_CC.RES_ACC:
      cio.m.within('chsc_process_sei_res_acc', () => {
        if (e.rs !== 4) return;
        cio.processResAcc(e.rsid & 0xff);
      });
      return;
    case SEI_CC.CHP_AVAIL:
      cio.m.within('chsc_process_sei_chp_avail', () => log(`chsc: channel-path availability (rsid=${hx(e.rsid)}): descriptions refreshed`));
      return;
    case SEI_CC.CHP_CONFIG:
      cio.m.within('chsc_process_sei_chp_config', () => {
        const names = ['configure', 'deconfigure', 'cancel deconfigure'];
        for (const chpid of e.chpids ?? []) {
          log(`Processing ${names[e.op ?? 0] ?? `op ${e.op}`} for channel path 0.${hx(chpid)}`);
          if (e.op === CHP_CFG_OP.configure) cio.chpCfgSchedule(chpid, true);
          else if (e.op === CHP_CFG_OP.deconfigure) cio.chpCfgSchedule(chpid, false);
          else if (e.op === CHP_CFG_OP.cancel) cio.chpCfgCancelDeconfigure(chpid);
        }
      });
      return;
    default:
      log(`chsc: sei nt0 unhandled cc=${e.cc}`);
  }
}
