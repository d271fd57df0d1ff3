/**
 * Storage accesses checked against the keys (css §11.4, §11.6, §11.7): a CPU operand access of an
 * I/O instruction (PSW key, CR0 overrides, low-address protection) and a channel access of a
 * channel program (ORB key, no overrides). The rules themselves are in keys.ts.
 */
import type { GuestMemory } from '../guest/memory';
import type { GuestCpu } from '../guest/cpu';
import { ProgramInterruption } from './program-interruption';
import {
  accKey, channelProtected, CR0, fetchOverrideApplies, fetchProtected, framePieces, keyControlledProtection, lowAddressProtected, type Access,
} from './keys';

const hex = (n: number) => `0x${n.toString(16)}`;

/**
 * css §11.4 steps 1, 3 and 4 for the storage operand [addr, addr+len) of an instruction (no DAT:
 * step 2 never applies): low-address protection (stores) → protection exception; outside the
 * configuration → addressing exception; key-controlled protection with the PSW key, page by page
 * → protection exception. Nothing is stored or fetched when any byte fails (the instruction is
 * suppressed, §11.6). The frames' reference/change bits are set when the access is allowed (§11.1
 * lets R and C be set without an actual reference).
 */
export function checkCpuAccess(cpu: GuestCpu, mem: GuestMemory, addr: number, len: number, access: Access, what: string): void {
  const cr0 = cpu.cr.cr0;
  if (lowAddressProtected(addr, len, access, cr0)) {
    throw new ProgramInterruption('protection', `${what} store at ${hex(addr)}+${len} touches effective addresses 0–511 or 4096–4607 with low-address protection on (CR0 bit 35, css §11.4 step 1)`);
  }
  if (!mem.inRange(addr, len)) throw new ProgramInterruption('addressing', `${what} at ${hex(addr)} is outside guest memory (css §11.4 step 3)`);
  const key = cpu.psw.key;
  const fetchOverride = fetchOverrideApplies(addr, len, cr0);
  const storageOverride = (cr0 & CR0.SPO) !== 0n;
  for (const [a] of framePieces(addr, len)) {
    const skey = mem.storageKey(a);
    const r = keyControlledProtection({ accessKey: key, storageKey: skey, access, fetchOverride, storageOverride });
    if (!r.allowed) {
      throw new ProgramInterruption('protection', `${what} ${access} at ${hex(a)}: PSW key ${key} does not match the frame's storage key ${hex(skey)} (ACC ${accKey(skey)}, F ${fetchProtected(skey) ? 1 : 0}) (css §11.4 step 4, §11.6)`);
    }
  }
  mem.markAccess(addr, len, access);
}

/**
 * css §11.7: a channel access of [addr, addr+len) with ORB key `orbKey`. Returns the number of
 * bytes before the first frame that fails the key check (len when all pass). The frames passed
 * get their reference/change bits (§11.7 "the channel sets R on fetches and R and C on stores").
 */
export function channelAccess(mem: GuestMemory, orbKey: number, addr: number, len: number, access: Access): number {
  if (orbKey === 0) {
    // key 0 matches every storage key (css §11.7): no per-frame check
    mem.markAccess(addr, len, access);
    return len;
  }
  return keyedChannelAccess(mem, orbKey, addr, len, access);
}

/**
 * channelAccess with a nonzero ORB key, frame by frame (apart: what every CCW fetch with key 0
 * runs stays small enough to be inlined into the channel's CCW loop, issue 12).
 */
function keyedChannelAccess(mem: GuestMemory, orbKey: number, addr: number, len: number, access: Access): number {
  let ok = 0;
  for (const [a, n] of framePieces(addr, len)) {
    if (channelProtected(orbKey, mem.storageKey(a), access)) break;
    ok += n;
  }
  if (ok > 0) mem.markAccess(addr, ok, access);
  return ok;
}
