/**
 * Guest absolute storage: one byte array, every store journaled per byte so stepping back
 * restores memory exactly (STYLE §7). Out-of-range accesses are reported, never clamped: the
 * channel subsystem turns them into program checks (css §3.6), the runner into diagnostics.
 */
import type { Machine } from '../engine/machine';
import { StorageKeys } from './storageKeys';
import type { Access } from '../css/keys';

export class GuestMemory {
  /** The storage itself; change it only through `write` (journaled). */
  readonly bytes: Uint8Array;
  /**
   * The same storage as `bytes`, for big-endian word loads: one bounds-checked load and a byte
   * swap instead of four byte loads (issue 12: a CCW fetch reads two words). ES private: not
   * state of its own, outside the state walks of views and tests.
   */
  readonly #view: DataView;
  /** One storage key per 4 KiB frame (css §11.1). */
  readonly skeys: StorageKeys;

  constructor(
    private readonly m: Machine,
    readonly size: number,
  ) {
    if (!Number.isInteger(size) || size <= 0 || size > 0x80000000) {
      throw new Error(`guest memory size ${size} must be an integer in 1..2 GiB (31-bit addressing, css §2)`);
    }
    this.bytes = new Uint8Array(size);
    this.#view = new DataView(this.bytes.buffer);
    this.skeys = new StorageKeys(m, size);
  }

  /** The storage-key byte of the frame holding absolute address `addr` (css §11.1). */
  storageKey(addr: number): number {
    return this.skeys.get(addr);
  }

  /** Record a reference (fetch) or change (store) of [addr, addr+len) in the frames' keys (css §11.1). */
  markAccess(addr: number, len: number, access: Access): void {
    this.skeys.mark(addr, len, access);
  }

  /** True when [addr, addr+len) lies inside guest memory. */
  inRange(addr: number, len: number): boolean {
    // `x >>> 0 === x`: x is an integer in 0…2^32 − 1 (NaN, fractions, negatives and larger numbers
    // fail), and the size is at most 2^31: the Number.isInteger test in a form small enough to be
    // inlined into every access (issue 12: two per CCW fetch)
    return addr >>> 0 === addr && len >>> 0 === len && addr + len <= this.size;
  }

  /** A copy of `len` bytes at `addr`; undefined if any of them is outside guest memory. */
  read(addr: number, len: number): Uint8Array | undefined {
    if (!this.inRange(addr, len)) return undefined;
    return this.bytes.slice(addr, addr + len);
  }

  /** Store `data` at `addr`, journaled per byte; false (nothing stored) if out of range. */
  write(addr: number, data: ArrayLike<number>): boolean {
    if (!this.inRange(addr, data.length)) return false;
    const j = this.m.journal;
    if (!j.recording) {
      // lean runs: setElem would only store (issue 12)
      const b = this.bytes;
      // a byte array is one copy; other arrays byte by byte, modulo 256 (what `& 0xff` gives)
      if (data instanceof Uint8Array) b.set(data, addr);
      else for (let i = 0; i < data.length; i++) b[addr + i] = data[i] & 0xff;
      return true;
    }
    for (let i = 0; i < data.length; i++) j.setElem(this, 'bytes', addr + i, data[i] & 0xff);
    return true;
  }

  /** Big-endian halfword, undefined if out of range. */
  readU16(addr: number): number | undefined {
    if (!this.inRange(addr, 2)) return undefined;
    return (this.bytes[addr] << 8) | this.bytes[addr + 1];
  }

  /** Big-endian word (unsigned), undefined if out of range. */
  readU32(addr: number): number | undefined {
    if (!this.inRange(addr, 4)) return undefined;
    return this.#view.getUint32(addr);
  }

  /** Big-endian doubleword as bigint (IDAW format 2 addresses may exceed 2^53, STYLE §10). */
  readU64(addr: number): bigint | undefined {
    const hi = this.readU32(addr);
    const lo = this.readU32(addr + 4);
    if (hi === undefined || lo === undefined) return undefined;
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  writeU32(addr: number, value: number): boolean {
    return this.write(addr, [value >>> 24, value >>> 16, value >>> 8, value]);
  }
}
