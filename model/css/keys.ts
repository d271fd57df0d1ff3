/**
 * Storage keys and protection, as rules (css §11): the key byte layout (§11.1), the CPU state bits
 * the checks read (§11.3), the order of the checks on a CPU storage access (§11.4), key-controlled
 * protection as a first-match table, low-address protection, and the channel's key rule (§11.7).
 * Pure data and functions: the places that access storage (instructions.ts, channel.ts, idaw.ts)
 * call them through storageAccess.ts.
 */

/** css §11.1 storage-key byte: ACC bits 0–3, F bit 4, R bit 5, C bit 6; bit 7 is not part of the key. */
export const SKEY = { ACC: 0xf0, F: 0x08, R: 0x04, C: 0x02, UNUSED: 0x01 } as const;

/** css §11.1: one key per 4 KiB frame of absolute storage (no 2 KiB keys in z/Architecture). */
export const KEY_FRAME = 4096;

/** css §11.3 CR0 bits, as masks of the 64-bit register. */
export const CR0 = {
  /** bit 35: low-address protection (§11.4 step 1). */
  LAP: 0x10000000n,
  /** bit 36: extraction authority. */
  EXTRACTION: 0x08000000n,
  /** bit 38: fetch-protection override. */
  FPO: 0x02000000n,
  /** bit 39: storage-protection override. */
  SPO: 0x01000000n,
} as const;

export type Access = 'fetch' | 'store';

export const accKey = (skey: number): number => (skey & SKEY.ACC) >>> 4;
export const fetchProtected = (skey: number): boolean => (skey & SKEY.F) !== 0;

/** What key-controlled protection looks at for one frame (css §11.4 step 4). */
export interface KeyCheck {
  /** Access key: the PSW key (CPU) or the ORB key (channel). */
  accessKey: number;
  /** The frame's storage-key byte. */
  storageKey: number;
  access: Access;
  /** Fetch-protection override applies: CR0 bit 38 and the access lies wholly within effective addresses 0–2047. */
  fetchOverride: boolean;
  /** Storage-protection override is on: CR0 bit 39. */
  storageOverride: boolean;
}

type Outcome = 'allowed' | 'next' | 'protection';

interface ProtectionRow {
  when: string;
  test(x: KeyCheck): boolean;
  fetch: Outcome;
  store: Outcome;
}

/** css §11.4 step 4, first matching row wins (L-kvm `vcpu_check_access_key_gpa`, HERC-z citing PoP 3.4.1). */
export const KEY_CONTROLLED_PROTECTION: readonly ProtectionRow[] = [
  { when: 'access key 0', test: (x) => x.accessKey === 0, fetch: 'allowed', store: 'allowed' },
  { when: 'ACC = access key', test: (x) => accKey(x.storageKey) === x.accessKey, fetch: 'allowed', store: 'allowed' },
  { when: 'F = 0', test: (x) => !fetchProtected(x.storageKey), fetch: 'allowed', store: 'next' },
  { when: 'fetch-protection override (CR0 bit 38, effective addresses 0–2047)', test: (x) => x.fetchOverride, fetch: 'allowed', store: 'next' },
  { when: 'storage-protection override (CR0 bit 39, ACC 9)', test: (x) => x.storageOverride && accKey(x.storageKey) === 9, fetch: 'allowed', store: 'allowed' },
  { when: 'otherwise', test: () => true, fetch: 'protection', store: 'protection' },
];

/** css §11.4 step 4: the row that decides, and whether the access is allowed. */
export function keyControlledProtection(x: KeyCheck): { allowed: boolean; row: string } {
  for (const r of KEY_CONTROLLED_PROTECTION) {
    if (!r.test(x)) continue;
    const o = x.access === 'fetch' ? r.fetch : r.store;
    if (o === 'next') continue;
    return { allowed: o === 'allowed', row: r.when };
  }
  return { allowed: false, row: 'otherwise' };
}

/** css §11.4 step 1: the effective-address ranges low-address protection covers. */
export const LOW_ADDRESS_RANGES: ReadonlyArray<readonly [number, number]> = [[0, 511], [4096, 4607]];

/**
 * css §11.4 step 1: a store (any key, key 0 included) touching effective addresses 0–511 or
 * 4096–4607 with CR0 bit 35 on. No DAT in this model, so the private-space exemption never applies.
 */
export function lowAddressProtected(addr: number, len: number, access: Access, cr0: bigint): boolean {
  if (access !== 'store' || (cr0 & CR0.LAP) === 0n || len <= 0) return false;
  const last = addr + len - 1;
  return LOW_ADDRESS_RANGES.some(([lo, hi]) => addr <= hi && last >= lo);
}

/** css §11.4 step 4: fetch-protection override covers an access wholly within 0–2047 with CR0 bit 38. */
export function fetchOverrideApplies(addr: number, len: number, cr0: bigint): boolean {
  return (cr0 & CR0.FPO) !== 0n && addr >= 0 && addr + len - 1 <= 2047;
}

/**
 * css §11.7 channel rule, key K = the ORB key: CCW, IDAW and output-data fetches are checked only
 * when F = 1; input-data stores always; K = 0 matches every key. Neither override applies (CR0 is
 * a CPU's, HERC-z) — the same first-match table with both overrides off.
 */
export function channelProtected(orbKey: number, storageKey: number, access: Access): boolean {
  return !keyControlledProtection({ accessKey: orbKey, storageKey, access, fetchOverride: false, storageOverride: false }).allowed;
}

/** css §11.1: the key byte a reference (fetch) or change (store) leaves behind: R on both, C on stores. */
export function referenced(skey: number, access: Access): number {
  return skey | SKEY.R | (access === 'store' ? SKEY.C : 0);
}

/** The frames [addr, addr+len) touches, as [start, length] pieces split at 4 KiB boundaries. */
export function framePieces(addr: number, len: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let a = addr;
  const end = addr + len;
  while (a < end) {
    const next = Math.min(end, (Math.floor(a / KEY_FRAME) + 1) * KEY_FRAME);
    out.push([a, next - a]);
    a = next;
  }
  return out;
}
