/**
 * A small ECKD DASD: sense ID reports control unit 3990 model E9 and device 3390 model 0A
 * (css §3.3 sense ID layout). Enough of the ECKD command set for classic channel programs:
 * SEEK, SEARCH ID EQUAL (status modifier on a match, so the TIC back is skipped), READ DATA,
 * WRITE DATA, READ DEVICE CHARACTERISTICS, plus NOP/SENSE/SENSE ID.
 * [unverified: chosen — a simplified model: records are created by WRITE DATA, a search for a
 *  record that is not on the track ends with unit check, sense byte 1 = 0x08 "no record found";
 *  RDC returns 64 bytes beginning with the CU/device types]
 */
import type { Machine } from '../engine/machine';
import { DSTAT } from '../css/status';
import { Device, type CommandRule, type SenseIdInfo } from './device';

export const DASD_SENSE_ID: SenseIdInfo = { cuType: 0x3990, cuModel: 0xe9, devType: 0x3390, devModel: 0x0a };

export const DASD_CMD = { WRITE_DATA: 0x05, READ_DATA: 0x06, SEEK: 0x07, SEARCH_ID_EQ: 0x31, RDC: 0x64 } as const;

/** Sense byte 1 bit 4: no record found. */
export const SENSE1_NO_RECORD = 0x08;

const key = (cyl: number, head: number, rec: number) => `${cyl}.${head}.${rec}`;

function pos(d: Device): { cyl: number; head: number; rec: number } {
  return { cyl: d.state.regs.cyl ?? 0, head: d.state.regs.head ?? 0, rec: d.state.regs.rec ?? 0 };
}

export const DASD_RULES: readonly CommandRule[] = [
  {
    name: 'SEEK',
    match: (c) => c === DASD_CMD.SEEK,
    begin: () => ({ kind: 'output', accept: 6 }),
    end: (d, _c, data) => {
      // BB CC HH
      d.setReg('cyl', ((data[2] ?? 0) << 8) | (data[3] ?? 0));
      d.setReg('head', ((data[4] ?? 0) << 8) | (data[5] ?? 0));
      return 0;
    },
  },
  {
    name: 'SEARCH ID EQUAL',
    match: (c) => c === DASD_CMD.SEARCH_ID_EQ,
    begin: () => ({ kind: 'output', accept: 5 }),
    end: (d, _c, data) => {
      const p = pos(d);
      const cyl = ((data[0] ?? 0) << 8) | (data[1] ?? 0);
      const head = ((data[2] ?? 0) << 8) | (data[3] ?? 0);
      const rec = data[4] ?? 0;
      if (cyl !== p.cyl || head !== p.head || !(key(cyl, head, rec) in d.state.records)) {
        d.unitCheck(0, [SENSE1_NO_RECORD]);
        return DSTAT.UC;
      }
      d.setReg('rec', rec);
      return DSTAT.SM; // match: status modifier, the channel skips the TIC that follows
    },
  },
  {
    name: 'READ DATA',
    match: (c) => c === DASD_CMD.READ_DATA,
    begin: (d) => ({ kind: 'input', data: d.state.records[key(pos(d).cyl, pos(d).head, pos(d).rec)] ?? [] }),
  },
  {
    name: 'WRITE DATA',
    match: (c) => c === DASD_CMD.WRITE_DATA,
    begin: (d) => {
      const r = d.state.records[key(pos(d).cyl, pos(d).head, pos(d).rec)];
      return { kind: 'output', accept: r ? r.length : Infinity };
    },
    end: (d, _c, data) => {
      const p = pos(d);
      d.setRecord(key(p.cyl, p.head, p.rec), data);
      return 0;
    },
  },
  {
    name: 'READ DEVICE CHARACTERISTICS',
    match: (c) => c === DASD_CMD.RDC,
    begin: () => ({ kind: 'input', data: [0x39, 0x90, 0xe9, 0x33, 0x90, 0x0a, ...new Array<number>(58).fill(0)] }),
  },
];

export class DasdDevice extends Device {
  /** Pre-load a record (scenario setup). */
  format(cyl: number, head: number, rec: number, bytes: readonly number[]): void {
    this.setRecord(key(cyl, head, rec), bytes);
  }
}

export function createDasdDevice(m: Machine, devno: number): DasdDevice {
  return new DasdDevice(m, devno, 'dasd', DASD_SENSE_ID, DASD_RULES);
}

