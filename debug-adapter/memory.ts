/**
 * DAP `readMemory` / `writeMemory` on guest absolute storage (the scenario's `memory` size).
 * Memory references are guest addresses as "0x…" (the same text as Variables' memoryReference,
 * disassembly addresses and instruction pointer references). Reads past the end return what
 * exists plus `unreadableBytes` (the DAP convention); writes must lie wholly inside memory and
 * go through the journal (GuestMemory.write), so stepping back undoes them.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Runner } from '../model/scenario/runner';
import { hex, parseAddress } from './disassembly';

/** Largest single read or write (the hex editor pages in far smaller chunks). */
export const MAX_MEMORY_REQUEST = 1 << 20;

export interface ReadResult {
  address: string;
  data: string;
  unreadableBytes: number;
}

function addressOf(ref: string | undefined, offset: number | undefined, what: string): number {
  const base = parseAddress(ref);
  if (base === undefined) throw new Error(`${what}: memoryReference '${String(ref)}' is not a guest address (e.g. 0x2000)`);
  const off = offset ?? 0;
  if (!Number.isInteger(off)) throw new Error(`${what}: offset must be an integer`);
  return base + off;
}

export function readMemory(runner: Runner, args: DebugProtocol.ReadMemoryArguments): ReadResult {
  const addr = addressOf(args.memoryReference, args.offset, 'readMemory');
  const count = args.count;
  if (!Number.isInteger(count) || count < 0) throw new Error('readMemory: count must be a non-negative integer');
  if (count > MAX_MEMORY_REQUEST) throw new Error(`readMemory: at most ${MAX_MEMORY_REQUEST} bytes per request (asked ${count})`);
  const mem = runner.mem;
  if (addr < 0 || addr >= mem.size) {
    throw new Error(`readMemory: address ${addr < 0 ? '-' + hex(-addr) : hex(addr)} is outside guest memory (0x0–${hex(mem.size - 1)})`);
  }
  const n = Math.min(count, mem.size - addr);
  const bytes = mem.read(addr, n) ?? new Uint8Array(0);
  return { address: hex(addr), data: toBase64(bytes), unreadableBytes: count - n };
}

/**
 * Validate a write and return the function that performs it (the session runs it inside the
 * navigator's edit path, so it is journaled and undone by stepping back).
 */
export function prepareWrite(runner: Runner, args: DebugProtocol.WriteMemoryArguments): { addr: number; bytes: Uint8Array; apply: () => void } {
  const addr = addressOf(args.memoryReference, args.offset, 'writeMemory');
  if (typeof args.data !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(args.data)) throw new Error('writeMemory: data must be base64');
  const bytes = fromBase64(args.data);
  if (bytes.length > MAX_MEMORY_REQUEST) throw new Error(`writeMemory: at most ${MAX_MEMORY_REQUEST} bytes per request (got ${bytes.length})`);
  const mem = runner.mem;
  if (!mem.inRange(addr, bytes.length)) {
    throw new Error(`writeMemory: ${bytes.length} bytes at ${addr < 0 ? '-' + hex(-addr) : hex(addr)} do not fit in guest memory (0x0–${hex(mem.size - 1)})`);
  }
  return {
    addr,
    bytes,
    apply: () => {
      if (!mem.write(addr, bytes)) throw new Error(`writeMemory: ${hex(addr)} is outside guest memory`);
    },
  };
}

/**
 * Bytes for `mem(ADDR, LEN) = VALUE` (setExpression): a quoted ASCII string of exactly LEN
 * characters, or a number stored big-endian in LEN bytes (as `expect mem(…) ==` compares).
 */
export function valueBytes(value: string, len: number): Uint8Array {
  if (len > MAX_MEMORY_REQUEST) throw new Error(`mem: at most ${MAX_MEMORY_REQUEST} bytes`);
  const str = /^"(.*)"$/.exec(value);
  if (str) {
    const chars = [...str[1]];
    if (chars.length !== len || chars.some((c) => c.charCodeAt(0) > 0x7e || c.charCodeAt(0) < 0x20)) throw new Error(`mem: expected ${len} printable ASCII characters in quotes, got ${value}`);
    return Uint8Array.from(chars, (c) => c.charCodeAt(0));
  }
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(value)) throw new Error(`mem: '${value}' is not a number or a quoted string`);
  let n = BigInt(value);
  if (n >= 1n << BigInt(8 * len)) throw new Error(`mem: ${value} does not fit in ${len} byte(s)`);
  const out = new Uint8Array(len);
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

/** A subchannel id as the scenario writes it (`0.0.0007`) or a number. */
export function parseSid(text: string): number {
  const m = /^[0-9a-f]\.[0-3]\.([0-9a-f]{4})$/i.exec(text.trim());
  const n = m ? parseInt(m[1], 16) : Number(text.trim());
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw new Error(`'${text}' is not a subchannel id (e.g. 0.0.0007)`);
  return n;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 without Node's Buffer (the adapter also runs in a browser extension host). */
export function toBase64(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i] << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    s += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] + (i + 1 < b.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < b.length ? B64[n & 63] : '=');
  }
  return s;
}

export function fromBase64(s: string): Uint8Array {
  const clean = s.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let j = 0;
  for (const ch of clean) {
    acc = (acc << 6) | B64.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[j++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, j);
}
