/**
 * Field tables: one description per architected field, read by the encoder, the decoder, the
 * instructions, the variables view and the tooltips alike (STYLE §2 "one table, many readers").
 *
 * Positions use IBM numbering (css §0): `word` is the 32-bit word index inside the structure,
 * `bit` the IBM bit number of the field's most significant bit in that word (bit 0 = MSB), and
 * `width` the number of bits. No field crosses a word boundary; 64-bit quantities (MBA) are two
 * fields.
 */

export interface FieldDef {
  /** Name as the reference spells it, with its group: `pmcw.lpm`, `scsw.stctl`, `orb.cpa`. */
  readonly name: string;
  readonly word: number;
  readonly bit: number;
  readonly width: number;
  readonly meaning: string;
  /** Reference section, e.g. `css §1.1`. */
  readonly ref: string;
  /** The program may change this field with MSCH (css §5.3). */
  readonly msch?: boolean;
  /** Reserved: must be zero where the instruction checks it. */
  readonly reserved?: boolean;
}

/** Shift of the field's least significant bit from bit 31 (IBM) of its word. */
export function fieldShift(f: FieldDef): number {
  return 32 - f.bit - f.width;
}

/** Mask of the field in its word (unsigned). */
export function fieldMask(f: FieldDef): number {
  return f.width >= 32 ? 0xffffffff : (fieldMax(f) << fieldShift(f)) >>> 0;
}

/** Largest value the field can hold. */
export function fieldMax(f: FieldDef): number {
  // a shift, not 2 ** width: this runs for every field access of every CCW
  return f.width >= 32 ? 0xffffffff : ((1 << f.width) - 1) >>> 0;
}

/** Extract the field's value from a word. */
export function extract(f: FieldDef, word: number): number {
  return f.width === 32 ? word >>> 0 : ((word >>> fieldShift(f)) & fieldMax(f)) >>> 0;
}

/** Return `word` with the field replaced by `value` (which must fit). */
export function insert(f: FieldDef, word: number, value: number): number {
  const mask = fieldMask(f);
  return ((word & ~mask) | ((value << fieldShift(f)) & mask)) >>> 0;
}

/** Checks a value against a field's width; throws an Error naming the field. */
export function checkFits(f: FieldDef, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > fieldMax(f)) {
    throw new Error(`${f.name}: value ${value} does not fit in ${f.width} bit${f.width === 1 ? '' : 's'} (${f.ref})`);
  }
}

/** Index a table by name. */
export function byName(table: readonly FieldDef[]): ReadonlyMap<string, FieldDef> {
  return new Map(table.map((f) => [f.name, f]));
}

/** Decode a field from a big-endian byte image of the structure. */
export function extractFromBytes(f: FieldDef, bytes: Uint8Array, byteOffset = 0): number {
  const o = byteOffset + f.word * 4;
  const w = ((bytes[o] << 24) | (bytes[o + 1] << 16) | (bytes[o + 2] << 8) | bytes[o + 3]) >>> 0;
  return extract(f, w);
}

/** Serialize words big-endian. */
export function wordsToBytes(words: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  for (let i = 0; i < words.length; i++) {
    const w = words[i] >>> 0;
    out[i * 4] = w >>> 24;
    out[i * 4 + 1] = (w >>> 16) & 0xff;
    out[i * 4 + 2] = (w >>> 8) & 0xff;
    out[i * 4 + 3] = w & 0xff;
  }
  return out;
}

/** Parse big-endian words. */
export function bytesToWords(bytes: ArrayLike<number>, count: number, byteOffset = 0): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const o = byteOffset + i * 4;
    out.push(((bytes[o] << 24) | (bytes[o + 1] << 16) | (bytes[o + 2] << 8) | bytes[o + 3]) >>> 0);
  }
  return out;
}

const f = (
  name: string, word: number, bit: number, width: number, meaning: string, ref: string,
  extra: { msch?: boolean; reserved?: boolean } = {},
): FieldDef => ({ name, word, bit, width, meaning, ref, ...extra });

const P = 'css §1.1';
const S = 'css §1.3';
const M = { msch: true };

/** SCHIB = PMCW (words 0–6) + SCSW (words 7–9) + MBA (10–11) + MDA (12), css §1. */
export const SCHIB_WORDS = 13;
export const SCHIB_BYTES = 52;
export const SCSW_WORD = 7;

/** The SCSW alone (3 words, command mode), css §1.3; the IRB and the SCHIB place it. */
export const SCSW_FIELDS: readonly FieldDef[] = [
  f('scsw.key', 0, 0, 4, 'subchannel key (from ORB)', S),
  f('scsw.sctl', 0, 4, 1, 'suspend control (from ORB SPND)', S),
  f('scsw.eswf', 0, 5, 1, 'ESW format: format-0 ESW with logout stored', S),
  f('scsw.cc', 0, 6, 2, 'deferred condition code (0, 1 or 3)', S),
  f('scsw.fmt', 0, 8, 1, 'CCW format (from ORB)', S),
  f('scsw.pfch', 0, 9, 1, 'prefetch (from ORB)', S),
  f('scsw.isic', 0, 10, 1, 'initial-status-interruption control (from ORB)', S),
  f('scsw.alcc', 0, 11, 1, 'address-limit-checking control (from ORB)', S),
  f('scsw.ssi', 0, 12, 1, 'suppress-suspended-interruption (from ORB SSIC)', S),
  f('scsw.zcc', 0, 13, 1, 'zero condition code (intermediate status after ISIC)', S),
  f('scsw.ectl', 0, 14, 1, 'extended control: ECW holds model-dependent information', S),
  f('scsw.pno', 0, 15, 1, 'path not operational (PNOM ≠ 0)', S),
  f('scsw.res', 0, 16, 1, 'reserved', S, { reserved: true }),
  f('scsw.fctl', 0, 17, 3, 'function control: 4 start, 2 halt, 1 clear', S),
  f('scsw.actl', 0, 20, 7, 'activity control: 0x40 resume pend, 0x20 start pend, 0x10 halt pend, 0x08 clear pend, 0x04 subchannel active, 0x02 device active, 0x01 suspended', S),
  f('scsw.stctl', 0, 27, 5, 'status control: 0x10 alert, 0x08 intermediate, 0x04 primary, 0x02 secondary, 0x01 status pending', S),
  f('scsw.cpa', 1, 0, 32, 'channel-program address: 8 bytes past the last CCW executed', S),
  f('scsw.dstat', 2, 0, 8, 'device (unit) status', 'css §4'),
  f('scsw.cstat', 2, 8, 8, 'subchannel (channel) status', 'css §4'),
  f('scsw.count', 2, 16, 16, 'residual byte count of the last CCW', S),
];

/** Move a table to another word offset (the SCSW inside the SCHIB or the IRB). */
export function placeAt(table: readonly FieldDef[], wordOffset: number): FieldDef[] {
  return table.map((d) => ({ ...d, word: d.word + wordOffset }));
}

export const SCHIB_FIELDS: readonly FieldDef[] = [
  f('pmcw.intparm', 0, 0, 32, 'interruption parameter, returned in the I/O interruption code', P, M),
  f('pmcw.qf', 1, 0, 1, 'QDIO facility', P),
  f('pmcw.w', 1, 1, 1, 'validity bit for message subchannels', P),
  f('pmcw.isc', 1, 2, 3, 'interruption subclass 0–7', P, M),
  f('pmcw.res1a', 1, 5, 1, 'reserved (MSCH accepts it set and stores 0)', 'css §1.1, §5.3', { reserved: true }),
  f('pmcw.res1b', 1, 6, 2, 'reserved (MSCH: operand exception when set)', 'css §1.1, §5.3', { reserved: true }),
  f('pmcw.ena', 1, 8, 1, 'subchannel enabled', P, M),
  f('pmcw.lm', 1, 9, 2, 'limit mode (00 none, 01 lower, 10 upper)', P, M),
  f('pmcw.mme', 1, 11, 2, 'measurement mode: 2 block-update, 1 device-connect-time', P, M),
  f('pmcw.mp', 1, 13, 1, 'multipath mode', P, M),
  f('pmcw.tf', 1, 14, 1, 'timing facility available', P),
  f('pmcw.dnv', 1, 15, 1, 'device number valid', P),
  f('pmcw.dev', 1, 16, 16, 'device number', P),
  f('pmcw.lpm', 2, 0, 8, 'logical path mask', P, M),
  f('pmcw.pnom', 2, 8, 8, 'path-not-operational mask', P),
  f('pmcw.lpum', 2, 16, 8, 'last-path-used mask', P),
  f('pmcw.pim', 2, 24, 8, 'path-installed mask', P),
  f('pmcw.mbi', 3, 0, 16, 'measurement-block index', P, M),
  f('pmcw.pom', 3, 16, 8, 'path-operational mask', P, M),
  f('pmcw.pam', 3, 24, 8, 'path-available mask', P),
  ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) =>
    f(`pmcw.chpid${i}`, 4 + (i >> 2), (i & 3) * 8, 8, `channel-path id ${i} (path-mask bit 0x${(0x80 >> i).toString(16)})`, P)),
  f('pmcw.res6a', 6, 0, 8, 'reserved (MSCH: operand exception when set)', P, { reserved: true }),
  f('pmcw.st', 6, 8, 3, 'subchannel type: 0 I/O, 1 CHSC, 2 message, 3 EADM', P),
  f('pmcw.res6b', 6, 11, 18, 'reserved (MSCH: operand exception when set)', P, { reserved: true }),
  f('pmcw.mbfc', 6, 29, 1, 'measurement-block format control', P, M),
  f('pmcw.xmwme', 6, 30, 1, 'extended-measurement-word mode enable (MSCH: operand exception when set)', P),
  f('pmcw.csense', 6, 31, 1, 'concurrent sense (sense data delivered in the ECW)', P, M),
  ...placeAt(SCSW_FIELDS, SCSW_WORD),
  f('mba.high', 10, 0, 32, 'measurement-block address, high word', 'css §1', M),
  f('mba.low', 11, 0, 32, 'measurement-block address, low word (format-1 blocks 64-byte aligned)', 'css §1', M),
  f('mda', 12, 0, 32, 'model-dependent area; the model stores the address of the last measurement-block update here (SCHM on, MME block update) [unverified: chosen]', 'css §1, §5.1'),
];

export const SCHIB_FIELD: ReadonlyMap<string, FieldDef> = byName(SCHIB_FIELDS);

/** Look up a SCHIB field; throws an Error naming the unknown field. */
export function schibField(name: string): FieldDef {
  const d = SCHIB_FIELD.get(name);
  if (!d) throw new Error(`unknown SCHIB field '${name}' (css §1); known: ${SCHIB_FIELDS.map((x) => x.name).join(', ')}`);
  return d;
}
