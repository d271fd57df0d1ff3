/**
 * Names for field values, so rows and tooltips say what a value means: flag names joined by `|`
 * (`scsw.dstat` 0x0c → `CE|DE`) and enumerations (`scsw.cc` 1 → `status pending`). One table per
 * field, from the reference tables it cites; used by the Subchannels rows and by the Variables
 * tooltips alike. Pure: no model, no DAP.
 */

type Flags = ReadonlyArray<readonly [mask: number, name: string]>;

/** css §1.3 word 0 bits 17–19. */
const FCTL: Flags = [[0x4, 'start'], [0x2, 'halt'], [0x1, 'clear']];
/** css §1.3 word 0 bits 20–26. */
const ACTL: Flags = [
  [0x40, 'resume pending'], [0x20, 'start pending'], [0x10, 'halt pending'], [0x08, 'clear pending'],
  [0x04, 'subchannel active'], [0x02, 'device active'], [0x01, 'suspended'],
];
/** css §1.3 word 0 bits 27–31. */
const STCTL: Flags = [[0x10, 'alert'], [0x08, 'intermediate'], [0x04, 'primary'], [0x02, 'secondary'], [0x01, 'pending']];
/** css §4 device (unit) status, SCSW byte 8. */
const DSTAT: Flags = [
  [0x80, 'ATTN'], [0x40, 'SM'], [0x20, 'CUE'], [0x10, 'BUSY'], [0x08, 'CE'], [0x04, 'DE'], [0x02, 'UC'], [0x01, 'UE'],
];
/** css §4 subchannel (channel) status, SCSW byte 9. */
const CSTAT: Flags = [
  [0x80, 'PCI'], [0x40, 'IL'], [0x20, 'PRG'], [0x10, 'PROT'], [0x08, 'CDC'], [0x04, 'CCC'], [0x02, 'ICC'], [0x01, 'CHC'],
];

/** Path masks: the CHPID slots whose bit is set (css §1.1: bit 0x80 is CHPID slot 0). */
function pathSlots(value: number): string {
  const slots: string[] = [];
  for (let i = 0; i < 8; i++) if (value & (0x80 >> i)) slots.push(String(i));
  return slots.length ? `slot${slots.length === 1 ? '' : 's'} ${slots.join(',')}` : 'no slots';
}

const ENUMS: Record<string, Readonly<Record<number, string>>> = {
  /** css §1.3: deferred condition code (2 is not used). */
  'scsw.cc': { 0: 'cc 0', 1: 'status pending', 3: 'not operational' },
  /** css §1.1 */
  'pmcw.st': { 0: 'I/O', 1: 'CHSC', 2: 'message', 3: 'EADM' },
  'pmcw.lm': { 0: 'no limit', 1: 'lower limit', 2: 'upper limit' },
  'pmcw.mme': { 0: 'off', 1: 'device-connect time', 2: 'block update' },
};

const FLAGS: Record<string, Flags> = {
  'scsw.fctl': FCTL, 'scsw.actl': ACTL, 'scsw.stctl': STCTL, 'scsw.dstat': DSTAT, 'scsw.cstat': CSTAT,
};

const MASKS = new Set(['pmcw.lpm', 'pmcw.pnom', 'pmcw.lpum', 'pmcw.pim', 'pmcw.pom', 'pmcw.pam']);

/** `0x0c` → `CE|DE`; `none` for 0; unnamed leftover bits as hex. */
export function flagNames(value: number, flags: Flags): string {
  if (value === 0) return 'none';
  const names: string[] = [];
  let rest = value;
  for (const [mask, name] of flags) {
    if (value & mask) {
      names.push(name);
      rest &= ~mask;
    }
  }
  if (rest) names.push(`0x${rest.toString(16)}`);
  return names.join('|');
}

/**
 * The meaning of `value` in field `name` (a SCHIB/IRB field name such as `scsw.stctl`), or
 * undefined when the field is a plain number (addresses, counts, CHPIDs).
 */
export function decodeField(name: string, value: number): string | undefined {
  const flags = FLAGS[name];
  if (flags) return flagNames(value, flags);
  const en = ENUMS[name];
  if (en) return en[value] ?? 'reserved';
  if (MASKS.has(name)) return pathSlots(value);
  return undefined;
}

/**
 * The subchannel row's state from its SCSW (css §1.3): `status pending (primary|secondary)`,
 * else the activity (`start pending`, `subchannel active|device active`), else `idle`.
 */
export function subchannelState(stctl: number, actl: number): { statusPending: boolean; state: string } {
  if (stctl & 0x01) {
    const kinds = flagNames(stctl & ~0x01, STCTL);
    return { statusPending: true, state: `status pending (${kinds === 'none' ? 'no status' : kinds})` };
  }
  if (actl) return { statusPending: false, state: flagNames(actl, ACTL) };
  return { statusPending: false, state: 'idle' };
}
