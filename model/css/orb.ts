/**
 * The operation-request block (command mode, css §2): field table, the OrbFields shape the
 * scenario runner builds, encoding to the 12-byte image, and SSCH's acceptance rules.
 */
import { byName, checkFits, extract, insert, type FieldDef } from './fields';

export interface OrbFields {
  intparm: number; key: number; spnd: number; str: number; mod: number; sync: number; fmt: number; pfch: number;
  isic: number; alcc: number; ssic: number; b: number; c64: number; i2k: number; lpm: number; ils: number;
  midaw: number; orbx: number; cpa: number;
  /** Word 1 bits 26–30, must be zero (css §2); optional so scenario ORBs can omit it. */
  reserved?: number;
}

const R = 'css §2';
const f = (name: string, word: number, bit: number, width: number, meaning: string, reserved = false): FieldDef =>
  ({ name: `orb.${name}`, word, bit, width, meaning, ref: R, ...(reserved ? { reserved } : {}) });

export const ORB_FIELDS: readonly FieldDef[] = [
  f('intparm', 0, 0, 32, 'interruption parameter, copied to PMCW.INTPARM at start'),
  f('key', 1, 0, 4, 'storage key for data access'),
  f('spnd', 1, 4, 1, 'suspend control: CCW S flag honoured only if 1'),
  f('str', 1, 5, 1, 'streaming-mode control'),
  f('mod', 1, 6, 1, 'modification control'),
  f('sync', 1, 7, 1, 'synchronization control'),
  f('fmt', 1, 8, 1, '0 = format-0 CCWs, 1 = format-1'),
  f('pfch', 1, 9, 1, 'prefetch allowed'),
  f('isic', 1, 10, 1, 'initial-status-interruption control'),
  f('alcc', 1, 11, 1, 'address-limit-checking control'),
  f('ssic', 1, 12, 1, 'suppress-suspended-interruption control'),
  f('b', 1, 13, 1, 'channel-program type: 1 = transport mode (rejected)'),
  f('c64', 1, 14, 1, 'format-2 (64-bit) IDAWs'),
  f('i2k', 1, 15, 1, '2K block size for format-2 IDAWs'),
  f('lpm', 1, 16, 8, 'logical path mask for this start'),
  f('ils', 1, 24, 1, 'incorrect-length-suppression mode'),
  f('midaw', 1, 25, 1, 'MIDAW control (unsupported: operand exception)'),
  f('reserved', 1, 26, 5, 'reserved, must be zero', true),
  f('orbx', 1, 31, 1, 'ORB extension'),
  f('cpa', 2, 0, 32, 'channel-program address (first CCW); bit 0 must be 0'),
];

export const ORB_FIELD: ReadonlyMap<string, FieldDef> = byName(ORB_FIELDS);

const KEYS = ORB_FIELDS.map((d) => d.name.slice(4) as keyof OrbFields);
/** KEYS' field definitions, looked up once (every SSCH checks every field: issue 12). */
const KEY_DEFS = KEYS.map((k) => ORB_FIELD.get(`orb.${k}`)!);

/** Frozen ORBs already checked by checkOrbWidths: a frozen ORB cannot change (issue 12: the runner reuses one per statement). */
const CHECKED = new WeakSet<OrbFields>();

/** Throws an Error (not a program interruption) when a value does not fit its field. */
export function checkOrbWidths(orb: OrbFields): void {
  if (CHECKED.has(orb)) return;
  for (let i = 0; i < KEYS.length; i++) {
    const k = KEYS[i];
    const v = orb[k];
    if (v === undefined && k === 'reserved') continue;
    const d = KEY_DEFS[i];
    if (v === undefined) throw new Error(`${d.name}: missing (${R})`);
    checkFits(d, v);
  }
  if (Object.isFrozen(orb)) CHECKED.add(orb);
}

/** The 3-word (12-byte) ORB image. */
export function encodeOrb(orb: OrbFields): number[] {
  const w = [0, 0, 0];
  // KEY_DEFS, not a lookup by a built name: every SSCH encodes its ORB (issue 12 profile)
  for (let i = 0; i < KEYS.length; i++) {
    const d = KEY_DEFS[i];
    w[d.word] = insert(d, w[d.word], orb[KEYS[i]] ?? 0);
  }
  return w;
}

export function decodeOrb(words: ArrayLike<number>): OrbFields {
  // QEMU's vfio-ccw path decodes the ORB of every forwarded SSCH (issue 12 profile: 7 % of a cycle)
  return {
    intparm: extractKey(words, 0), key: extractKey(words, 1), spnd: extractKey(words, 2), str: extractKey(words, 3), mod: extractKey(words, 4),
    sync: extractKey(words, 5), fmt: extractKey(words, 6), pfch: extractKey(words, 7), isic: extractKey(words, 8), alcc: extractKey(words, 9),
    ssic: extractKey(words, 10), b: extractKey(words, 11), c64: extractKey(words, 12), i2k: extractKey(words, 13), lpm: extractKey(words, 14),
    ils: extractKey(words, 15), midaw: extractKey(words, 16), reserved: extractKey(words, 17), orbx: extractKey(words, 18), cpa: extractKey(words, 19),
  };
}

/** ORB field KEYS[i] of the image `words`. */
function extractKey(words: ArrayLike<number>, i: number): number {
  const d = KEY_DEFS[i];
  return extract(d, words[d.word]);
}

// the literals above and below list the fields in KEYS' order (the order views and digests show)
if (Object.keys(decodeOrb([0, 0, 0])).join() !== KEYS.join()) throw new Error('orb.ts: decodeOrb fields out of ORB_FIELDS order');

/**
 * A copy of `o` as one of two object literals (without `reserved`, as the scenario writes ORBs,
 * or with it, as decodeOrb makes them), fields in ORB_FIELDS' order: every ORB then has one of
 * two hidden classes (V8 maps). A spread copy made by optimised code got a map of its own, so
 * each `ssch` statement's ORB had a new one, and SSCH, the channel and the ORB checks were
 * deoptimised at every loop and then ran polymorphic (issue 12).
 */
export function copyOrb(o: Readonly<OrbFields>): OrbFields {
  if (o.reserved === undefined) {
    return {
      intparm: o.intparm, key: o.key, spnd: o.spnd, str: o.str, mod: o.mod, sync: o.sync, fmt: o.fmt, pfch: o.pfch, isic: o.isic,
      alcc: o.alcc, ssic: o.ssic, b: o.b, c64: o.c64, i2k: o.i2k, lpm: o.lpm, ils: o.ils, midaw: o.midaw, orbx: o.orbx, cpa: o.cpa,
    };
  }
  return {
    intparm: o.intparm, key: o.key, spnd: o.spnd, str: o.str, mod: o.mod, sync: o.sync, fmt: o.fmt, pfch: o.pfch, isic: o.isic,
    alcc: o.alcc, ssic: o.ssic, b: o.b, c64: o.c64, i2k: o.i2k, lpm: o.lpm, ils: o.ils, midaw: o.midaw, reserved: o.reserved,
    orbx: o.orbx, cpa: o.cpa,
  };
}

/**
 * SSCH's operand checks on the ORB (QEMU `ioinst_orb_valid`, css §2 table): transport-mode bit,
 * reserved bits 26–30, MIDAW, CPA bit 0 → operand exception. Returns the reason, or undefined.
 */
export function orbOperandProblem(orb: OrbFields): string | undefined {
  if (orb.b) return 'ORB word 1 bit 13 (B, transport mode) is set (css §2)';
  if (orb.reserved) return 'ORB word 1 reserved bits 26–30 are set (css §2)';
  if (orb.midaw) return 'ORB MIDAW control is set; MIDAWs are not supported (css §2, §3.5)';
  if (orb.cpa & 0x80000000) return 'ORB CPA bit 0 is set (css §2)';
  return undefined;
}
