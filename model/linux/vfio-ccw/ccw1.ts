/**
 * CCW helpers for the translator (css §3.1–3.3, §9): format-1 view of guest CCWs, format-0 →
 * format-1 conversion as vfio-ccw does it, the predicates of vfio_ccw_cp.c, and encoding.
 */
export interface Ccw1 {
  cmd: number;
  flags: number;
  count: number;
  cda: number;
}

export const FLAG = { CD: 0x80, CC: 0x40, SLI: 0x20, SKP: 0x10, PCI: 0x08, IDA: 0x04, S: 0x02, MIDA: 0x01 } as const;
export const CCW_CMD_NOOP = 0x03;
export const CCW_CMD_TIC = 0x08;

/** Decode 8 bytes at `o` of `b` as a format-1 CCW; format 0 is converted (css §3.1). */
export function decodeGuestCcw(b: Uint8Array, o: number, fmt: 0 | 1): Ccw1 {
  if (fmt === 1) {
    return { cmd: b[o], flags: b[o + 1], count: (b[o + 2] << 8) | b[o + 3], cda: ((b[o + 4] << 24) | (b[o + 5] << 16) | (b[o + 6] << 8) | b[o + 7]) >>> 0 };
  }
  const cmd = b[o];
  const cda = (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];
  // css §3.1: a format-0 CCW whose low nibble is 8 becomes a clean TIC (cmd 0x08, flags 0, count 0)
  if ((cmd & 0x0f) === CCW_CMD_TIC) return { cmd: CCW_CMD_TIC, flags: 0, count: 0, cda };
  return { cmd, flags: b[o + 4], count: (b[o + 6] << 8) | b[o + 7], cda };
}

/** The 8 bytes of a format-1 CCW, into `out` when given (a reused buffer), else a new array. */
export function encodeCcw1(c: Ccw1, out?: Uint8Array): ArrayLike<number> {
  if (!out) return [c.cmd, c.flags, c.count >> 8, c.count & 0xff, c.cda >>> 24, (c.cda >>> 16) & 0xff, (c.cda >>> 8) & 0xff, c.cda & 0xff];
  out[0] = c.cmd; out[1] = c.flags; out[2] = c.count >> 8; out[3] = c.count & 0xff;
  out[4] = c.cda >>> 24; out[5] = (c.cda >>> 16) & 0xff; out[6] = (c.cda >>> 8) & 0xff; out[7] = c.cda & 0xff;
  return out;
}

/** css §9.1 rule 5: a TIC is exactly command byte 0x08 after format conversion. */
export const isTic = (c: Ccw1): boolean => c.cmd === CCW_CMD_TIC;
export const isChain = (c: Ccw1): boolean => (c.flags & (FLAG.CC | FLAG.CD)) !== 0;
export const isIdal = (c: Ccw1): boolean => (c.flags & FLAG.IDA) !== 0;
const isNoop = (c: Ccw1) => c.cmd === CCW_CMD_NOOP;
const isRead = (c: Ccw1) => (c.cmd & 0x03) === 0x02;
const isReadBackward = (c: Ccw1) => (c.cmd & 0x0f) === 0x0c;
const isSense = (c: Ccw1) => (c.cmd & 0x0f) === 0x04;

/**
 * `ccw_does_data_transfer` (css §9.2): not when count = 0, not for NOP, not when SKP is set on
 * read / read backward / sense (SKP on other commands is ignored).
 */
export function doesDataTransfer(c: Ccw1): boolean {
  if (c.count === 0) return false;
  if (isNoop(c)) return false;
  if (!(c.flags & FLAG.SKP)) return true;
  if (isRead(c) || isReadBackward(c)) return false;
  if (isSense(c)) return false;
  return true;
}

/** Number of IDAWs for (addr, len) with block size B (css §3.5). */
export function idawCount(addr: number, len: number, block: number): number {
  return Math.floor(((addr % block) + len + block - 1) / block);
}
