/**
 * Channel-program translation (vfio_ccw_cp.c, css §9): `cp_init` builds the chains from guest
 * memory (256-CCW limit, TIC recursion, format-0 conversion), `cp_prefetch` builds a host IDAL
 * for every CCW and pins the guest pages through vfio_iommu_type1 (gup §10), `cp_get_orb` makes
 * the host ORB, `cp_update_scsw` translates the CPA back, `cp_free` unpins and frees.
 * Version switches: PFCH = 0 rejected ≤5.7; IDA with C64 = 0 or I2K = 1 rejected and the key
 * forced to 0 ≤6.2; format-1 / 2K IDAWs supported 6.3+ (css §2, §9.2).
 *
 * Host chains and IDALs live in the device's arena of the host DMA area (hostmem.ts).
 */
import type { Machine } from '../../engine/machine';
import type { KernelFeatures } from '../../kernel/version';
import type { GuestMemory } from '../../guest/memory';
import { copyOrb, type OrbFields } from '../../css/orb';
import { E } from '../cio/errno';
import type { HostMemory } from './hostmem';
import type { VfioIommu } from './iommu';
import { PAGE_SIZE, type PinFault } from './iommu';
import { decodeGuestCcw, doesDataTransfer, encodeCcw1, idawCount, isChain, isIdal, isTic, FLAG, type Ccw1 } from './ccw1';

/** CCWCHAIN_LEN_MAX (css §9.1). */
export const CCWCHAIN_LEN_MAX = 256;

/** One vfio_pin_pages call made for a CCW (so cp_free can unpin it the same way). */
export interface PinRun {
  iova: number;
  npage: number;
}

/**
 * Per-CCW page array (`struct page_array`). A value: a change stores a new one in `chain.pa`
 * (putPa), never a field of it, so the journal keeps no slot for objects that live one I/O.
 */
export interface PageArray {
  /** Guest IDAWs (pa_iova). */
  iova: number[];
  /** Host IDAWs written into the host IDAL. */
  host: number[];
  runs: PinRun[];
  /** Host address of the IDAL (0 for a TIC). */
  idal: number;
}

export interface CcwChain {
  /** Guest address of the first CCW (ch_iova). */
  guestHead: number;
  /** Host address of the first translated CCW (ch_ccw). */
  hostHead: number;
  len: number;
  /** Guest CCWs after format conversion. */
  ccws: Ccw1[];
  /** Host CCWs as built. */
  host: Ccw1[];
  pa: PageArray[];
}

export interface ChannelProgram {
  /** The guest ORB (with the ≤6.2 C64 forcing applied after a successful cp_init). */
  orb: OrbFields;
  chains: CcwChain[];
  initialized: boolean;
  /** Next free byte in the device's DMA arena. */
  dmaNext: number;
}

export interface CpContext {
  m: Machine;
  features: KernelFeatures;
  guest: GuestMemory;
  host: HostMemory;
  iommu: VfioIommu;
  arenaBase: number;
  arenaSize: number;
  warn(message: string, ref: string): void;
  /** Fault injection (`inject vfio-ccw guest-fault`): the next guest-memory read fails with -EFAULT. */
  guestFault?: () => boolean;
  /** Fault injection (`inject vfio-ccw pin-fail|pin-partial`): consulted once per page_array_pin call. */
  pinFault?: (npage: number) => PinFault | undefined;
}

const hx = (n: number) => '0x' + n.toString(16);

/** A warn event for an injected fault (not rate-limited like ctx.warn). */
function injected(ctx: CpContext, message: string, ref: string): void {
  ctx.m.emit({ kind: 'warn', message: `injected: ${message}`, ref, note: true }, 'instruction');
}

export function newCp(orb: OrbFields, arenaBase: number): ChannelProgram {
  return { orb: copyOrb(orb), chains: [], initialized: false, dmaNext: arenaBase };
}

function alloc(ctx: CpContext, cp: ChannelProgram, bytes: number, align = 8): number {
  const at = Math.ceil(cp.dmaNext / align) * align;
  if (at + bytes > ctx.arenaBase + ctx.arenaSize) return -E.ENOMEM;
  if (ctx.m.journal.recording) ctx.m.journal.set(cp, 'dmaNext', at + bytes);
  else cp.dmaNext = at + bytes; // lean runs: set would only store (a named store: issue 12, two per CCW)
  return at;
}

/** Guest IDAL blocks: 2K for C64 = 0 or I2K = 1 (6.3+), else 4K (css §9.2 ccw_count_idaws). */
export function idalIs2k(ctx: CpContext, orb: OrbFields): boolean {
  return ctx.features.vfioCcwIdalRework && (!orb.c64 || orb.i2k === 1);
}

/**
 * Read guest memory as vfio does (`vfio_dma_rw`, or ≤6.2 pin + copy + unpin): 0, then the bytes
 * are guest memory at [iova, iova + len), for the caller to decode at once (nothing writes guest
 * memory while the translator reads it; no copy is made, issue 12); or a negative errno.
 */
function copyFromIova(ctx: CpContext, iova: number, len: number): number {
  const frame = ctx.m.enter(ctx.features.vfioCcwIdalRework ? 'vfio_dma_rw' : 'copy_from_iova');
  try {
    // [unverified: chosen -EFAULT for a range beyond the guest's DMA mapping (css §9.2 "guest
    //  memory not accessible: error code propagated")]
    if (!ctx.guest.inRange(iova, len)) return -E.EFAULT;
    // css §9.2 "guest memory not accessible (copy / vfio_dma_rw error code propagated)": injected
    if (ctx.guestFault?.()) {
      injected(ctx, `guest memory access at ${hx(iova)} (+${len}) fails with -EFAULT`, 'css §9.2');
      return -E.EFAULT;
    }
    if (!ctx.features.vfioCcwIdalRework) {
      // ≤6.2: pin the pages, copy, unpin (css §9.1 step 3)
      const first = Math.floor(iova / PAGE_SIZE) * PAGE_SIZE;
      const npage = Math.floor((iova + len - 1) / PAGE_SIZE) - first / PAGE_SIZE + 1;
      const r = ctx.iommu.pin(first, npage);
      if (r.ret < 0) return r.ret;
      ctx.iommu.unpin(first, npage);
    }
    return 0;
  } finally {
    ctx.m.leave(frame);
  }
}

/** `cp_init` (css §9.1). Returns 0 or a negative errno; on error no chain remains. */
export function cpInit(ctx: CpContext, cp: ChannelProgram): number {
  const frame = ctx.m.enter('cp_init');
  try {
    if (cp.initialized) return -E.EBUSY;
    if (!cp.orb.pfch) {
      if (ctx.features.vfioCcwRejectsNoPfch) return -E.EOPNOTSUPP;
      ctx.warn('Prefetching channel program even though prefetch not specified in ORB (rate-limited, 1 per 5 s)', 'css §2, §9.1');
    }
    const ret = handleCcw(ctx, cp, cp.orb.cpa);
    if (ret) {
      freeChains(ctx, cp);
      return ret;
    }
    if (ctx.m.journal.recording) ctx.m.journal.set(cp, 'initialized', true);
    else cp.initialized = true; // lean runs: set would only store (issue 12)
    // ≤6.2: C64 may be forced: had IDAWs needed it, calc_length would have failed (css §9.2)
    if (!ctx.features.vfioCcwIdalRework) {
      const orb = copyOrb(cp.orb);
      orb.c64 = 1;
      ctx.m.journal.set(cp, 'orb', orb);
    }
    return 0;
  } finally {
    ctx.m.leave(frame);
  }
}

function chainContaining(cp: ChannelProgram, addr: number): CcwChain | undefined {
  return cp.chains.find((c) => addr >= c.guestHead && addr <= c.guestHead + 8 * (c.len - 1));
}

/** `ccwchain_handle_ccw` (css §9.1 step 3). */
function handleCcw(ctx: CpContext, cp: ChannelProgram, cda: number): number {
  const frame = ctx.m.enter('ccwchain_handle_ccw');
  try {
    const err = copyFromIova(ctx, cda, CCWCHAIN_LEN_MAX * 8);
    if (err) return err;
    const buf = ctx.guest.bytes;
    const fmt = cp.orb.fmt ? 1 : 0;
    // all 256 slots are converted in the kernel; decoding them lazily gives the same CCWs
    const guest: Ccw1[] = [];
    const slot = (i: number): Ccw1 => (guest[i] ??= decodeGuestCcw(buf, cda + i * 8, fmt));
    const len = calcLength(ctx, cp, slot, cda);
    if (len < 0) return len;
    const hostHead = alloc(ctx, cp, len * 8);
    if (hostHead < 0) return hostHead;
    // calc_length read exactly the chain's CCWs, in order: they are the chain (no copy, issue 12)
    const ccws: Ccw1[] = guest.length === len ? guest : new Array<Ccw1>(len);
    for (let i = 0; i < len; i++) ccws[i] = slot(i);
    const chain: CcwChain = { guestHead: cda, hostHead, len, ccws, host: ccws.slice(), pa: [] };
    ctx.m.journal.push(cp.chains, chain);
    // every TIC whose target is in no chain yet starts a new chain (recursion, css §9.1)
    for (const c of chain.ccws) {
      if (!isTic(c) || chainContaining(cp, c.cda)) continue;
      const r = handleCcw(ctx, cp, c.cda);
      if (r) return r;
    }
    return 0;
  } finally {
    ctx.m.leave(frame);
  }
}

/**
 * `ccwchain_calc_length` (css §9.1 step 4): count CCWs while CC/CD is set or the CCW is a TIC
 * into the chain counted so far; if the first 256 all continue the chain → -EINVAL. ≤6.2: an IDA
 * CCW with ORB C64 = 0 or I2K = 1 → -EOPNOTSUPP (checked per counted CCW).
 */
export function calcLength(ctx: CpContext, cp: ChannelProgram, ccws: readonly Ccw1[] | ((i: number) => Ccw1), head: number): number {
  const at = typeof ccws === 'function' ? ccws : (i: number) => ccws[i];
  const frame = ctx.m.enter('ccwchain_calc_length');
  try {
    let cnt = 0;
    for (;;) {
      if (cnt === CCWCHAIN_LEN_MAX) {
        ctx.warn(`channel program at ${hx(head)}: more than ${CCWCHAIN_LEN_MAX} chained CCWs → -EINVAL`, 'css §9.1');
        return -E.EINVAL;
      }
      const c = at(cnt);
      cnt++;
      if (!ctx.features.vfioCcwIdalRework && (!cp.orb.c64 || cp.orb.i2k) && isIdal(c)) return -E.EOPNOTSUPP;
      const ticWithin = isTic(c) && c.cda >= head && c.cda <= head + 8 * (cnt - 1);
      if (!isChain(c) && !ticWithin) return cnt;
    }
  } finally {
    ctx.m.leave(frame);
  }
}

/** `cp_prefetch` (css §9.2). Errors stop it; the caller frees (only what was translated). */
export function cpPrefetch(ctx: CpContext, cp: ChannelProgram): number {
  const frame = ctx.m.enter('cp_prefetch');
  try {
    for (const chain of cp.chains) {
      for (let idx = 0; idx < chain.len; idx++) {
        const one = ctx.m.enter('ccwchain_fetch_one'); // enter/leave: no closure per CCW (issue 12)
        let r: number;
        try {
          r = fetchOne(ctx, cp, chain, idx);
        } finally {
          ctx.m.leave(one);
        }
        if (r) return r;
      }
    }
    return 0;
  } finally {
    ctx.m.leave(frame);
  }
}

/** The host CCW's 8 bytes as they are stored (a scratch buffer: the store copies them, issue 12). */
const CCW_BYTES = new Uint8Array(8);

function setHostCcw(ctx: CpContext, chain: CcwChain, idx: number, c: Ccw1): void {
  ctx.m.journal.spliceOne(chain.host, idx, c); // one element, not a copy of the chain per CCW
  ctx.host.write(chain.hostHead + 8 * idx, encodeCcw1(c, CCW_BYTES));
}

function fetchOne(ctx: CpContext, cp: ChannelProgram, chain: CcwChain, idx: number): number {
  const ccw = chain.ccws[idx];
  if (isTic(ccw)) {
    const frame = ctx.m.enter('ccwchain_fetch_tic');
    try {
      const target = chainContaining(cp, ccw.cda);
      if (!target) return -E.EFAULT;
      setHostCcw(ctx, chain, idx, { cmd: ccw.cmd, flags: ccw.flags, count: ccw.count, cda: target.hostHead + (ccw.cda - target.guestHead) });
      putPa(ctx, chain, idx, TIC_PA);
      return 0;
    } finally {
      ctx.m.leave(frame);
    }
  }
  const frame = ctx.m.enter('ccwchain_fetch_ccw');
  try {
    const twoK = idalIs2k(ctx, cp.orb);
    const block = twoK ? 2048 : 4096;
    const bytes = ccw.count || 1;
    // the first data address: CDA, or the first guest IDAW (C64 = 0: the first 4 bytes only)
    let first = ccw.cda;
    const fmt1Idaws = ctx.features.vfioCcwIdalRework && !cp.orb.c64;
    if (isIdal(ccw)) {
      const err = copyFromIova(ctx, ccw.cda, fmt1Idaws ? 4 : 8);
      if (err) return err;
      first = fmt1Idaws ? readU32(ctx.guest.bytes, ccw.cda) : readU64(ctx.guest.bytes, ccw.cda);
    }
    const n = idawCount(first, bytes, block);
    const idal = alloc(ctx, cp, n * 8);
    if (idal < 0) return idal;
    // the guest IDAL: read (IDA) or fabricated (direct: first address then block-aligned ones)
    // sized once (issue 12: no empty array made and dropped per CCW)
    const iova = new Array<number>(n);
    if (isIdal(ccw)) {
      const size = fmt1Idaws ? 4 : 8;
      const err = copyFromIova(ctx, ccw.cda, n * size);
      if (err) return err;
      const raw = ctx.guest.bytes;
      for (let i = 0; i < n; i++) iova[i] = size === 4 ? readU32(raw, ccw.cda + i * 4) : readU64(raw, ccw.cda + i * 8);
    } else {
      iova[0] = first;
      for (let i = 1; i < n; i++) iova[i] = Math.floor(iova[i - 1] / block) * block + block;
    }
    // before the pin the host IDAWs are the guest's (one array for both: page arrays are values)
    putPa(ctx, chain, idx, { iova, host: iova, runs: NO_RUNS, idal });
    if (doesDataTransfer(ccw)) {
      const pin = ctx.m.enter('page_array_pin'); // enter/leave: no closure per CCW (issue 12)
      let r: number;
      try {
        r = pinArray(ctx, chain, idx, twoK);
      } finally {
        ctx.m.leave(pin);
      }
      if (r < 0) return r;
    }
    ctx.host.write(idal, idalBytesOf(chain.pa[idx].host));
    setHostCcw(ctx, chain, idx, { cmd: ccw.cmd, flags: ccw.flags | FLAG.IDA, count: ccw.count, cda: idal });
    return 0;
  } finally {
    ctx.m.leave(frame);
  }
}

/**
 * `page_array_pin` (css §9.2): one vfio_pin_pages per IDAW in 2K mode; in 4K mode contiguous
 * runs are coalesced. A failure unpins everything pinned for this CCW: partial pin → -EINVAL.
 */
function pinArray(ctx: CpContext, chain: CcwChain, idx: number, unaligned: boolean): number {
  const { iova, idal } = chain.pa[idx];
  let host: number[] | undefined;
  let runs: PinRun[] = NO_RUNS;
  let pinned = 0;
  while (pinned < iova.length) {
    let npage = 1;
    if (!unaligned) {
      while (pinned + npage < iova.length && iova[pinned] + npage * PAGE_SIZE === iova[pinned + npage]) npage++;
    }
    const fault = ctx.pinFault?.(npage);
    if (fault) injected(ctx, `vfio_pin_pages(${hx(iova[pinned])}, ${npage}) ${fault.kind === 'fail' ? `fails with -${fault.errno}` : `pins only ${npage - 1} page(s)`}`, 'css §9.2');
    const r = ctx.iommu.pin(iova[pinned], npage, fault);
    if (r.ret < 0 || r.ret !== npage) {
      // css §9.2: a partial pin unpins everything, including the pages this call did pin
      if (r.ret > 0) ctx.iommu.unpin(iova[pinned], r.ret);
      for (const run of runs) ctx.iommu.unpin(run.iova, run.npage);
      if (runs.length) putPa(ctx, chain, idx, { ...chain.pa[idx], runs: NO_RUNS });
      return r.ret < 0 ? r.ret : -E.EINVAL; // partial pin → -EINVAL
    }
    // the page array stored after a run keeps its runs array: each run makes a new one, exactly
    // as long (issue 12: one small array per CCW when its pages are one run, as most are)
    const run: PinRun = { iova: iova[pinned], npage };
    runs = runs.length === 0 ? [run] : [...runs, run];
    host ??= iova.slice();
    for (let i = 0; i < npage; i++) host[pinned + i] = r.pfns[i] * PAGE_SIZE + (iova[pinned + i] % PAGE_SIZE);
    pinned += npage;
    // the run is recorded as soon as it is pinned; the host IDAWs with the last one
    putPa(ctx, chain, idx, { iova, host: pinned === iova.length ? host : chain.pa[idx].host, runs, idal });
  }
  return 0;
}

/** No pinned runs (page arrays are values: one frozen empty list for all). */
const NO_RUNS: PinRun[] = Object.freeze([]) as unknown as PinRun[];

/** A TIC's page array: nothing pinned, no IDAL (shared: page arrays are values). */
const TIC_PA: PageArray = Object.freeze({ iova: Object.freeze([]) as unknown as number[], host: Object.freeze([]) as unknown as number[], runs: NO_RUNS, idal: 0 });

/** chain.pa[idx] := pa (appended when idx is the next index): one journal entry, the old value kept. */
function putPa(ctx: CpContext, chain: CcwChain, idx: number, pa: PageArray): void {
  ctx.m.journal.spliceOne(chain.pa, idx, pa);
}

/** `cp_get_orb` (css §9.2, §8.5): the ORB the host issues SSCH with. */
export function cpGetOrb(ctx: CpContext, cp: ChannelProgram, intparm: number, schLpm: number, lpmRule: 'merged' | 'rfc'): OrbFields {
  const o = copyOrb(cp.orb);
  o.intparm = intparm >>> 0;
  o.fmt = 1;
  if (!ctx.features.vfioCcwIdalRework) o.key = 0;
  else {
    if (!o.c64) o.i2k = 1;
    o.c64 = 1;
  }
  if (lpmRule === 'rfc') o.lpm = schLpm; // RFC v1 (not merged): always the subchannel's lpm
  else if (o.lpm === 0) o.lpm = schLpm; // merged: only an ORB LPM of 0 is replaced
  o.cpa = cp.chains[0].hostHead;
  return o;
}

/** `cp_update_scsw` (css §9.3): host CPA → guest CPA; a chain's range includes one slot past its end. */
export function cpUpdateScswCpa(cp: ChannelProgram, cpa: number): number {
  for (const c of cp.chains) {
    if (cpa >= c.hostHead && cpa <= c.hostHead + 8 * c.len) return (c.guestHead + (cpa - c.hostHead)) >>> 0;
  }
  return cpa;
}

/** Guest address of the CCW a host CCW address was translated from (for CCW-line breakpoints). */
export function guestCcwAddr(cp: ChannelProgram, hostAddr: number): number | undefined {
  for (const c of cp.chains) {
    if (hostAddr >= c.hostHead && hostAddr < c.hostHead + 8 * c.len) return c.guestHead + (hostAddr - c.hostHead);
  }
  return undefined;
}

/** `cp_free` (css §9.3): unpin every CCW's pages (not TICs), free the chains. */
export function cpFree(ctx: CpContext, cp: ChannelProgram): void {
  const frame = ctx.m.enter('cp_free'); // enter/leave: no closure per program (issue 12)
  try {
    freeChains(ctx, cp);
  } finally {
    ctx.m.leave(frame);
  }
}

function freeChains(ctx: CpContext, cp: ChannelProgram): void {
  for (const chain of cp.chains) {
    for (let j = 0; j < chain.pa.length; j++) {
      const pa = chain.pa[j];
      if (!pa.runs.length) continue;
      const frame = ctx.m.enter('page_array_unpin_free'); // no closure per CCW (issue 12)
      try {
        for (const run of pa.runs) ctx.iommu.unpin(run.iova, run.npage);
      } finally {
        ctx.m.leave(frame);
      }
      putPa(ctx, chain, j, { iova: pa.iova, host: pa.host, runs: NO_RUNS, idal: pa.idal });
    }
  }
  while (cp.chains.length) ctx.m.journal.shift(cp.chains);
  if (ctx.m.journal.recording) ctx.m.journal.set(cp, 'initialized', false);
  else cp.initialized = false; // lean runs: set would only store (issue 12)
}

/** Pages still pinned by this program (for the invariant checker). */
/**
 * `cp_iova_pinned(cp, iova, length)` (css §9.3): does a page pinned by the current channel
 * program lie in [iova, iova + length)? (Used by the DMA-unmap notification.)
 */
export function cpIovaPinned(cp: ChannelProgram, iova: number, length: number): boolean {
  if (!cp.initialized) return false;
  const end = iova + length;
  for (const run of cpPinnedRuns(cp)) {
    const first = Math.floor(run.iova / PAGE_SIZE) * PAGE_SIZE;
    for (let i = 0; i < run.npage; i++) {
      const page = first + i * PAGE_SIZE;
      if (page >= iova && page < end) return true;
    }
  }
  return false;
}

export function cpPinnedRuns(cp: ChannelProgram): PinRun[] {
  return cp.chains.flatMap((c) => c.pa.flatMap((p) => p.runs));
}

function readU32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

/** A format-2 IDAW; guest memory is far below 2^53, so a number is exact here. */
function readU64(b: Uint8Array, o: number): number {
  return readU32(b, o) * 2 ** 32 + readU32(b, o + 4);
}

/** Scratch for the host IDAL bytes (the store copies them; most IDALs have one IDAW, issue 12). */
let idalScratch = new Uint8Array(64);
/** Views of idalScratch by IDAW count (one view per count, made once: no subarray per CCW). */
let idalViews: Uint8Array[] = [];

/** The host IDAL as stored: format-2 IDAWs, 8 bytes each (a view of a reused buffer). */
function idalBytesOf(host: readonly number[]): Uint8Array {
  const n = host.length;
  if (idalScratch.length < 8 * n) {
    idalScratch = new Uint8Array(8 * n);
    idalViews = [];
  }
  for (let i = 0; i < n; i++) putU64(idalScratch, 8 * i, host[i]);
  return (idalViews[n] ??= idalScratch.subarray(0, 8 * n));
}

/** A format-2 IDAW (big-endian doubleword) at `o` of `b`. */
function putU64(b: Uint8Array, o: number, a: number): void {
  const hi = Math.floor(a / 2 ** 32);
  const lo = a >>> 0;
  b[o] = hi >>> 24; b[o + 1] = (hi >>> 16) & 0xff; b[o + 2] = (hi >>> 8) & 0xff; b[o + 3] = hi & 0xff;
  b[o + 4] = lo >>> 24; b[o + 5] = (lo >>> 16) & 0xff; b[o + 6] = (lo >>> 8) & 0xff; b[o + 7] = lo & 0xff;
}
