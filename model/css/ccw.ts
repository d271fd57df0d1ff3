/**
 * Channel-command words (css §3.1–3.3): layouts of format 0 and 1 as field tables, flag names,
 * command-code classes, and decoding to a format-1 view (the translation QEMU and vfio-ccw both
 * apply, css §3.1).
 */
import { fieldMax, fieldShift, type FieldDef } from './fields';
import type { BitName } from './status';

const R = 'css §3.1';
const f = (name: string, word: number, bit: number, width: number, meaning: string): FieldDef =>
  ({ name: `ccw.${name}`, word, bit, width, meaning, ref: R });

export const CCW1_FIELDS: readonly FieldDef[] = [
  f('cmd', 0, 0, 8, 'command code'),
  f('flags', 0, 8, 8, 'flags (CD CC SLI SKP PCI IDA S MIDA)'),
  f('count', 0, 16, 16, 'byte count'),
  f('cda', 1, 0, 32, 'data address, 31-bit (bit 0 zero)'),
];

export const CCW0_FIELDS: readonly FieldDef[] = [
  f('cmd', 0, 0, 8, 'command code'),
  f('cda', 0, 8, 24, 'data address, 24-bit'),
  f('flags', 1, 0, 8, 'flags (CD CC SLI SKP PCI IDA S MIDA)'),
  f('reserved', 1, 8, 8, 'reserved (ignored)'),
  f('count', 1, 16, 16, 'byte count'),
];

/** CCW flag byte, css §3.2. */
export const CCW_FLAG = { CD: 0x80, CC: 0x40, SLI: 0x20, SKP: 0x10, PCI: 0x08, IDA: 0x04, S: 0x02, MIDA: 0x01 } as const;

export const CCW_FLAG_BITS: readonly BitName[] = [
  { mask: CCW_FLAG.CD, name: 'CD', meaning: 'chain data: next CCW continues the same command' },
  { mask: CCW_FLAG.CC, name: 'CC', meaning: 'chain command: next CCW is a new command' },
  { mask: CCW_FLAG.SLI, name: 'SLI', meaning: 'suppress incorrect-length indication' },
  { mask: CCW_FLAG.SKP, name: 'SKP', meaning: 'skip: no data stored (read, read backward, sense)' },
  { mask: CCW_FLAG.PCI, name: 'PCI', meaning: 'program-controlled interruption' },
  { mask: CCW_FLAG.IDA, name: 'IDA', meaning: 'data address designates an IDAL' },
  { mask: CCW_FLAG.S, name: 'S', meaning: 'suspend before this CCW (ORB SPND required)' },
  { mask: CCW_FLAG.MIDA, name: 'MIDA', meaning: 'data address designates a MIDAL (unsupported)' },
];

/** Well-known command codes, css §3.3. */
export const CMD = {
  NOP: 0x03, SENSE: 0x04, TIC: 0x08, SENSE_ID: 0xe4, READ_IPL: 0x02, READ_BACKWARD: 0x0c,
  STLCK: 0x14, SENSE_PGID: 0x34, RDC: 0x64, RELEASE: 0x94, SET_PGID: 0xaf, DCTL: 0xf3,
} as const;

/** Basic sense delivers 32 bytes (SENSE_MAX_COUNT, css §3.3). */
export const SENSE_MAX_COUNT = 0x20;

export type CommandClass = 'write' | 'read' | 'control' | 'sense' | 'sense-id' | 'read-backward' | 'tic' | 'invalid';

/** Classify a command code by its low-order bits (css §3.3 table, most specific first). */
export function commandClass(cmd: number): CommandClass {
  if (cmd === CMD.SENSE_ID) return 'sense-id';
  switch (cmd & 0x03) {
    case 0x01: return 'write';
    case 0x02: return 'read';
    case 0x03: return 'control';
  }
  switch (cmd & 0x0f) {
    case 0x04: return 'sense';
    case 0x0c: return 'read-backward';
    case 0x08: return 'tic';
    case 0x00: return 'invalid';
  }
  return 'invalid';
}

/** Classes that move data from the device into memory (the SKP flag applies to them). */
export function isInput(cls: CommandClass): boolean {
  return cls === 'read' || cls === 'read-backward' || cls === 'sense' || cls === 'sense-id';
}

/** A CCW in format-1 terms, plus what it was. */
export interface Ccw {
  cmd: number;
  flags: number;
  count: number;
  cda: number;
  fmt: 0 | 1;
  /** The raw 8 bytes as two words. */
  raw: [number, number];
}

/**
 * Per format, where cmd/flags/count/cda sit (word, shift, max), from the tables: what
 * decodeCcwInto's literals are checked against when this module loads.
 */
interface CcwPos { readonly word: number; readonly shift: number; readonly max: number }
const CCW_POS: readonly (readonly CcwPos[])[] = [0, 1].map((fmt) =>
  ['cmd', 'flags', 'count', 'cda'].map((name) => {
    const d = (fmt === 1 ? CCW1_FIELDS : CCW0_FIELDS).find((x) => x.name === `ccw.${name}`)!;
    return { word: d.word, shift: fieldShift(d), max: fieldMax(d) };
  }));

/**
 * Decode the 8 bytes at a CCW address. Format 0 is translated to the format-1 view; a format-0
 * CCW whose low nibble is 8 becomes a clean TIC (cmd 0x08, flags 0, count 0), css §3.1 / §3.4.
 */
export function decodeCcw(w0: number, w1: number, fmt: 0 | 1): Ccw {
  return decodeCcwInto({ cmd: 0, flags: 0, count: 0, cda: 0, fmt, raw: [0, 0] }, w0, w1, fmt);
}

/**
 * `decodeCcw` into an existing Ccw (its `raw` pair included), which is returned: the channel
 * decodes every CCW it fetches into one Ccw per channel subsystem (issue 12: no allocation per
 * CCW); nothing keeps that Ccw beyond the CCW's execution.
 */
export function decodeCcwInto(out: Ccw, w0: number, w1: number, fmt: 0 | 1): Ccw {
  // the shifts and masks of CCW1_FIELDS / CCW0_FIELDS as literals (checked against the tables
  // when this module loads, CCW_DECODE_AGREES): V8 folds them, where the table's were loads
  if (fmt === 0) return decodeCcw0Into(out, w0, w1);
  out.cmd = w0 >>> 24;
  out.flags = (w0 >>> 16) & 0xff;
  out.count = w0 & 0xffff;
  out.cda = w1 >>> 0;
  out.fmt = 1;
  out.raw[0] = w0 >>> 0;
  out.raw[1] = w1 >>> 0;
  return out;
}

/**
 * decodeCcwInto of a format-0 CCW, apart so that the format-1 decode the channel's CCW loop
 * inlines stays small (issue 12: V8 inlines callees into the loop up to a bytecode budget).
 */
function decodeCcw0Into(out: Ccw, w0: number, w1: number): Ccw {
  out.cmd = w0 >>> 24;
  out.cda = w0 & 0xffffff;
  out.flags = w1 >>> 24;
  out.count = w1 & 0xffff;
  out.fmt = 0;
  out.raw[0] = w0 >>> 0;
  out.raw[1] = w1 >>> 0;
  if ((out.cmd & 0x0f) === CMD.TIC) {
    out.cmd = CMD.TIC;
    out.flags = 0;
    out.count = 0;
  }
  return out;
}

/**
 * decodeCcwInto's literals agree with the field tables: each field of each format, set alone to
 * all ones, decodes to its own maximum and leaves the other fields 0 (css §3.1; a format-0
 * command code of all ones is not a TIC).
 */
function decodeAgreesWithTables(): boolean {
  for (const fmt of [0, 1] as const) {
    const pos = CCW_POS[fmt];
    for (let f = 0; f < 4; f++) {
      const w = [0, 0];
      w[pos[f].word] = (pos[f].max << pos[f].shift) >>> 0;
      const c = decodeCcw(w[0], w[1], fmt);
      const got = [c.cmd, c.flags, c.count, c.cda];
      for (let g = 0; g < 4; g++) if (got[g] !== (g === f ? pos[f].max : 0)) return false;
    }
  }
  return true;
}

if (!decodeAgreesWithTables()) throw new Error('ccw.ts: decodeCcwInto disagrees with CCW0_FIELDS / CCW1_FIELDS');

/** Encode a format-1 or format-0 CCW to 8 bytes (for tests and the REPL). */
export function encodeCcw(c: { cmd: number; flags: number; count: number; cda: number }, fmt: 0 | 1 = 1): Uint8Array {
  const b = new Uint8Array(8);
  if (fmt === 1) {
    b.set([c.cmd, c.flags, c.count >> 8, c.count & 0xff, c.cda >>> 24, (c.cda >>> 16) & 0xff, (c.cda >>> 8) & 0xff, c.cda & 0xff]);
  } else {
    b.set([c.cmd, (c.cda >>> 16) & 0xff, (c.cda >>> 8) & 0xff, c.cda & 0xff, c.flags, 0, c.count >> 8, c.count & 0xff]);
  }
  return b;
}
