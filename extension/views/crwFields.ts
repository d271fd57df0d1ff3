/**
 * The decoded fields of one CRW as field rows (css §6.1), so CRW rows render exactly like SCHIB
 * fields. Read-only: a CRW is a report, not a register. No `vscode` import.
 *
 * TODO(lead): once model/css has the CRW field table, read names/bits/meanings from it (one
 * table, many readers) or have the adapter send `FieldRow[]` in `CrwView`.
 */
import type { CrwView, FieldRow } from '../../debug-adapter/protocol';

interface CrwField {
  name: string;
  bits: string;
  width: number;
  meaning: string;
  read(crw: CrwView): number;
}

const RSC_NAMES: Record<number, string> = {
  0x2: 'monitoring facility',
  0x3: 'subchannel',
  0x4: 'channel path',
  0x9: 'configuration-alert facility',
  0xb: 'channel subsystem',
};

const ERC_NAMES: Record<number, string> = {
  0x00: 'event information pending (use CHSC SEI)',
  0x01: 'available',
  0x02: 'initialized, no parameters changed',
  0x03: 'temporary error',
  0x04: 'installed parameters initialized',
  0x05: 'terminal',
  0x06: 'permanent error, not initialized',
  0x07: 'permanent error, initialized',
  0x08: 'installed parameters modified (PIM/PAM/CHPIDs changed)',
  0x0a: 'PIM/PAM/CHPID restored',
};

export function rscName(rsc: number): string {
  return RSC_NAMES[rsc] ?? 'unknown reporting source';
}

export function ercName(erc: number): string {
  return ERC_NAMES[erc] ?? 'unknown error-recovery code';
}

const b = (v: boolean): number => (v ? 1 : 0);

const CRW_FIELDS: readonly CrwField[] = [
  { name: 'sol', bits: '1', width: 1, meaning: 'Solicited: the CRW is the result of a request such as RCHP.', read: (c) => b(c.sol) },
  { name: 'oflw', bits: '2', width: 1, meaning: 'Overflow: one or more CRWs were lost before this one was queued.', read: (c) => b(c.oflw) },
  { name: 'chn', bits: '3', width: 1, meaning: 'Chained: another CRW describes the same event.', read: (c) => b(c.chn) },
  { name: 'rsc', bits: '4-7', width: 4, meaning: 'Reporting-source code.', read: (c) => c.rsc },
  { name: 'anc', bits: '8', width: 1, meaning: 'Ancillary report.', read: (c) => b(c.anc) },
  { name: 'erc', bits: '10-15', width: 6, meaning: 'Error-recovery code.', read: (c) => c.erc },
  {
    name: 'rsid',
    bits: '16-31',
    width: 16,
    meaning: 'Reporting-source ID: chpid in the low byte for RSC 4, subchannel number for RSC 3, cssid for RSC 0xB.',
    read: (c) => c.rsid,
  },
];

/** The CRW's fields in layout order, as read-only, always-valid field rows. */
export function crwFieldRows(crw: CrwView): FieldRow[] {
  return CRW_FIELDS.map((f) => {
    const value = f.read(crw);
    let meaning = f.meaning;
    if (f.name === 'rsc') meaning += ` ${value}: ${rscName(value)}.`;
    if (f.name === 'erc') meaning += ` ${value}: ${ercName(value)}.`;
    const decoded = f.name === 'rsc' ? rscName(value) : f.name === 'erc' ? ercName(value) : undefined;
    return {
      ...(decoded ? { decoded } : {}),
      name: `crw.${f.name}`,
      bits: f.bits,
      value,
      width: f.width,
      meaning,
      ref: 'css §6.1',
      valid: true,
      changed: false,
      editable: false,
    };
  });
}
