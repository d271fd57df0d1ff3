/**
 * The interruption-response block TSCH stores (css §4): SCSW (words 0–2), ESW (3–7), ECW (8–15);
 * 64 bytes as QEMU and Linux store it (no EMW). Field tables for the views, and the builder
 * (QEMU `css_do_tsch_get_irb`).
 */
import { byName, placeAt, SCSW_FIELDS, SCSW_WORD, insert, wordsToBytes, type FieldDef } from './fields';
import { CSTAT, DSTAT, STCTL } from './status';

export const IRB_BYTES = 64;

/** Two byte images (IRBs, SCHIBs) hold the same bytes. */
export function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
export const IRB_WORDS = 16;
export const ESW_WORD = 3;
export const ECW_WORD = 8;

const E = 'css §4';
const f = (name: string, word: number, bit: number, width: number, meaning: string): FieldDef =>
  ({ name, word, bit, width, meaning, ref: E });

/** ESW format 0 subchannel logout (word 0) and the ERW (word 1), relative to the ESW. */
export const ESW_FIELDS: readonly FieldDef[] = [
  f('esw.sublog', 0, 0, 32, 'subchannel logout (format 0) / word 0'),
  f('esw.esf', 0, 1, 7, 'extended-status flags: 0x40 key, 0x20 MB program, 0x10 MB data, 0x08 MB protection, 0x04 CCW, 0x02 IDAW check'),
  f('esw.lpum', 0, 8, 8, 'last-path-used mask'),
  f('esw.arep', 0, 16, 1, 'ancillary report'),
  f('esw.fvf', 0, 17, 5, 'field-validity flags: LPUM, termination code, sequence code, device status, CCW address valid'),
  f('esw.sacc', 0, 22, 2, 'storage-access code'),
  f('esw.tc', 0, 24, 2, 'termination code: 0 halt, 1 normal, 2 clear'),
  f('esw.devsc', 0, 26, 1, 'device-status check'),
  f('esw.serr', 0, 27, 1, 'secondary error'),
  f('esw.ioerr', 0, 28, 1, 'I/O-error alert'),
  f('esw.seq', 0, 29, 3, 'sequence code'),
  f('esw.erw', 1, 0, 32, 'extended-report word'),
  f('erw.a', 1, 3, 1, 'authorization check'),
  f('erw.p', 1, 4, 1, 'path-verification required'),
  f('erw.t', 1, 5, 1, 'channel-path timeout'),
  f('erw.f', 1, 6, 1, 'failing-storage-address valid'),
  f('erw.s', 1, 7, 1, 'concurrent sense: the ECW holds sense data'),
  f('erw.r', 1, 8, 1, 'secondary-CCW-address valid'),
  f('erw.fa', 1, 9, 1, 'failing-address format'),
  f('erw.scnt', 1, 10, 6, 'concurrent-sense count'),
  f('esw.faddr', 2, 0, 32, 'failing-storage address, high'),
  f('esw.faddr_low', 3, 0, 32, 'failing-storage address, low'),
  f('esw.saddr', 4, 0, 32, 'secondary-CCW address'),
];

export const IRB_FIELDS: readonly FieldDef[] = [
  ...SCSW_FIELDS,
  ...placeAt(ESW_FIELDS, ESW_WORD),
  ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => f(`ecw.w${i}`, ECW_WORD + i, 0, 32, `extended-control word ${i} (sense bytes ${i * 4}–${i * 4 + 3} with concurrent sense)`)),
];

export const IRB_FIELD: ReadonlyMap<string, FieldDef> = byName(IRB_FIELDS);
const ERW = byName(ESW_FIELDS);
const ERW_S = ERW.get('erw.s')!;
const ERW_SCNT = ERW.get('erw.scnt')!;
const SCRATCH = new Uint32Array(IRB_WORDS);

/** ESW word 0 as QEMU builds it (css §4): format-1 style with LPUM, or format-0 logout on CDC/CCC/ICC. */
export const ESW0_NORMAL = 0x00800000;
export const ESW0_LOGOUT = 0x04804000;

/**
 * Build the 64-byte IRB from the subchannel's SCHIB words and its sense bytes (css §4):
 * when status pending, ESW word 0 carries LPUM; with CDC/CCC/ICC it is a format-0 logout and
 * SCSW.ESWF is set; with unit check and PMCW.CSENSE the ECW holds the sense data, SCSW.ESWF and
 * ECTL are set and the ERW has the concurrent-sense bit and count.
 */
export function buildIrb(schibWords: ArrayLike<number>, sense: ArrayLike<number>): Uint8Array {
  return wordsToBytes(irbWords(schibWords, 0, sense));
}

/**
 * The IRB's 16 words (buildIrb) from the SCHIB at `base` in `schibWords`, in a scratch array
 * valid until the next call: TSCH compares them with the IRB it holds before making bytes
 * (issue 12: no SCHIB view and no new IRB per TSCH that stores an equal one).
 */
export function irbWords(schibWords: ArrayLike<number>, base: number, sense: ArrayLike<number>): Uint32Array {
  // a scratch word array, not a new one per TSCH (issue 12): filled, serialized, done
  const w = SCRATCH.fill(0);
  for (let i = 0; i < 3; i++) w[i] = schibWords[base + SCSW_WORD + i] >>> 0;
  const stctl = w[0] & 0x1f;
  const dstat = w[2] >>> 24;
  const cstat = (w[2] >>> 16) & 0xff;
  const lpum = (schibWords[base + 2] >>> 8) & 0xff;
  const csense = (schibWords[base + 6] & 1) !== 0;
  if (stctl & STCTL.PENDING) {
    if (cstat & (CSTAT.CDC | CSTAT.CCC | CSTAT.ICC)) {
      w[0] = (w[0] | 0x04000000) >>> 0; // ESWF
      w[ESW_WORD] = (ESW0_LOGOUT & 0xff00ffff) | (lpum << 16);
    } else {
      // LPUM in byte 1: QEMU always has 0x80 (virtual path 0); here the path really used.
      w[ESW_WORD] = (ESW0_NORMAL & 0xff00ffff) | (lpum << 16);
    }
    if ((dstat & DSTAT.UC) && csense) {
      w[0] = (w[0] | 0x04000000 | 0x00020000) >>> 0; // ESWF | ECTL
      for (let i = 0; i < 8; i++) {
        w[ECW_WORD + i] = ((sense[i * 4] << 24) | (sense[i * 4 + 1] << 16) | (sense[i * 4 + 2] << 8) | sense[i * 4 + 3]) >>> 0;
      }
      // [unverified: chosen the ERW layout of css §4 (concurrent-sense count in bits 10–15, so
      //  32 bytes → 0x01200000); QEMU stores 0x01000000 | (32 << 8) = 0x01002000]
      let erw = insert(ERW_S, 0, 1);
      erw = insert(ERW_SCNT, erw, 32);
      w[ESW_WORD + 1] = erw;
    }
  }
  return w;
}

/** Do 64 IRB bytes hold these 16 words (big-endian)? */
export function bytesHoldWords(bytes: Uint8Array, words: Uint32Array): boolean {
  if (bytes.length !== words.length * 4) return false;
  for (let i = 0; i < words.length; i++) {
    const o = i * 4;
    if ((((bytes[o] << 24) | (bytes[o + 1] << 16) | (bytes[o + 2] << 8) | bytes[o + 3]) >>> 0) !== words[i]) return false;
  }
  return true;
}

