/**
 * Bit names of the SCSW control and status fields (css §1.3, §4), as data: the channel uses the
 * constants, the views decode a value into names with `bitNames`.
 */

export interface BitName {
  readonly mask: number;
  readonly name: string;
  readonly meaning: string;
}

/** SCSW.FCTL (3-bit field value), css §1.3. */
export const FCTL = { START: 0x4, HALT: 0x2, CLEAR: 0x1 } as const;
/** SCSW.ACTL (7-bit field value), css §1.3. */
export const ACTL = {
  RESUME_PEND: 0x40, START_PEND: 0x20, HALT_PEND: 0x10, CLEAR_PEND: 0x08,
  SCH_ACTIVE: 0x04, DEV_ACTIVE: 0x02, SUSPENDED: 0x01,
} as const;
/** SCSW.STCTL (5-bit field value), css §1.3. */
export const STCTL = { ALERT: 0x10, INTERMEDIATE: 0x08, PRIMARY: 0x04, SECONDARY: 0x02, PENDING: 0x01 } as const;
/** Device (unit) status, SCSW byte 8, css §4. */
export const DSTAT = { ATTN: 0x80, SM: 0x40, CUE: 0x20, BUSY: 0x10, CE: 0x08, DE: 0x04, UC: 0x02, UE: 0x01 } as const;
/** Subchannel (channel) status, SCSW byte 9, css §4. */
export const CSTAT = { PCI: 0x80, IL: 0x40, PRG: 0x20, PROT: 0x10, CDC: 0x08, CCC: 0x04, ICC: 0x02, CHC: 0x01 } as const;
/** Architected sense byte 0, css §4. */
export const SENSE0 = { CMD_REJECT: 0x80, INTERV_REQ: 0x40, BUS_OUT: 0x20, EQUIP_CHECK: 0x10, DATA_CHECK: 0x08, OVERRUN: 0x04, INCOMPLETE_DOMAIN: 0x01 } as const;

/** Completion STCTL values used throughout css §5.3. */
export const STCTL_NORMAL = STCTL.PRIMARY | STCTL.SECONDARY | STCTL.PENDING; // 0x07
export const STCTL_ALERT_END = STCTL.ALERT | STCTL_NORMAL; // 0x17
export const STCTL_DEFERRED_CC3 = STCTL.ALERT | STCTL.PENDING; // 0x11

const b = (mask: number, name: string, meaning: string): BitName => ({ mask, name, meaning });

export const FCTL_BITS: readonly BitName[] = [
  b(FCTL.START, 'start', 'start function'), b(FCTL.HALT, 'halt', 'halt function'), b(FCTL.CLEAR, 'clear', 'clear function'),
];
export const ACTL_BITS: readonly BitName[] = [
  b(ACTL.RESUME_PEND, 'resume-pending', 'RSCH accepted, resume not yet done'),
  b(ACTL.START_PEND, 'start-pending', 'SSCH accepted, start not yet done'),
  b(ACTL.HALT_PEND, 'halt-pending', 'HSCH accepted, halt not yet done'),
  b(ACTL.CLEAR_PEND, 'clear-pending', 'CSCH accepted, clear not yet done'),
  b(ACTL.SCH_ACTIVE, 'subchannel-active', 'channel program executing'),
  b(ACTL.DEV_ACTIVE, 'device-active', 'device working on a command'),
  b(ACTL.SUSPENDED, 'suspended', 'channel program suspended (CCW S flag)'),
];
export const STCTL_BITS: readonly BitName[] = [
  b(STCTL.ALERT, 'alert', 'alert status'), b(STCTL.INTERMEDIATE, 'intermediate', 'intermediate status'),
  b(STCTL.PRIMARY, 'primary', 'primary status'), b(STCTL.SECONDARY, 'secondary', 'secondary status'),
  b(STCTL.PENDING, 'status-pending', 'status pending'),
];
export const DSTAT_BITS: readonly BitName[] = [
  b(DSTAT.ATTN, 'attention', 'attention'), b(DSTAT.SM, 'status-modifier', 'status modifier'),
  b(DSTAT.CUE, 'control-unit-end', 'control-unit end'), b(DSTAT.BUSY, 'busy', 'busy'),
  b(DSTAT.CE, 'channel-end', 'channel end'), b(DSTAT.DE, 'device-end', 'device end'),
  b(DSTAT.UC, 'unit-check', 'unit check'), b(DSTAT.UE, 'unit-exception', 'unit exception'),
];
export const CSTAT_BITS: readonly BitName[] = [
  b(CSTAT.PCI, 'pci', 'program-controlled interruption'), b(CSTAT.IL, 'incorrect-length', 'incorrect length'),
  b(CSTAT.PRG, 'program-check', 'program check'), b(CSTAT.PROT, 'protection-check', 'protection check'),
  b(CSTAT.CDC, 'channel-data-check', 'channel-data check'), b(CSTAT.CCC, 'channel-control-check', 'channel-control check'),
  b(CSTAT.ICC, 'interface-control-check', 'interface-control check'), b(CSTAT.CHC, 'chaining-check', 'chaining check'),
];
export const SENSE0_BITS: readonly BitName[] = [
  b(SENSE0.CMD_REJECT, 'command-reject', 'command reject'), b(SENSE0.INTERV_REQ, 'intervention-required', 'intervention required'),
  b(SENSE0.BUS_OUT, 'bus-out-check', 'bus-out check'), b(SENSE0.EQUIP_CHECK, 'equipment-check', 'equipment check'),
  b(SENSE0.DATA_CHECK, 'data-check', 'data check'), b(SENSE0.OVERRUN, 'overrun', 'overrun'),
  b(SENSE0.INCOMPLETE_DOMAIN, 'incomplete-domain', 'incomplete domain'),
];

/** Names of the bits set in `value`, most significant first. */
export function bitNames(table: readonly BitName[], value: number): string[] {
  return table.filter((x) => (value & x.mask) !== 0).map((x) => x.name);
}
