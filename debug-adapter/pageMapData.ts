/**
 * The page map's data: one cell per page of a VMA, in address order, read straight from the page
 * store's typed arrays and the process's PTEs into typed arrays of the answer (no object per
 * page), sent as base64 so a window of 2^18 pages is a few MB of JSON (STYLE "Pictures": a memory
 * heat map; gup §3.1–§3.3 for what the counters mean).
 */
import type { Mm } from '../model/linux/mm/mm';
import { PG_DIRTY, PG_FREED, PG_HEAD, PG_ZERO, ZONES } from '../model/linux/mm/pageStore';
import type { Process, Vma } from '../model/linux/mm/vma';
import * as P from './protocol';

const PAGE_SHIFT = 12n;
const F = P.PAGE_MAP_FLAG;

/** One window of cells, as typed arrays (tests read these; the response carries them in base64). */
export interface PageMapCells {
  pfn: Int32Array;
  head: Int32Array;
  refcount: Int32Array;
  pincount: Int32Array;
  flags: Uint8Array;
  zone: Uint8Array;
  order: Uint8Array;
}

export class PageMapData {
  private summaryKey = '';
  private summary: P.PageMapProcess[] = [];

  constructor(private readonly mm: Mm) {}

  /** Processes and VMAs with their page counts, computed once per stop (`stopKey` names the machine state: journal position, history length, stop seq). */
  processes(stopKey: string): P.PageMapProcess[] {
    if (stopKey === this.summaryKey) return this.summary;
    const out: P.PageMapProcess[] = [];
    for (const p of [...this.mm.spaces.procs.values()].sort((a, b) => a.pid - b.pid)) {
      const vmas = [...p.vmas].sort((a, b) => (a.start < b.start ? -1 : 1));
      const mapped = new Array<number>(vmas.length).fill(0);
      const starts = vmas.map((v) => Number(v.start >> PAGE_SHIFT));
      const ends = vmas.map((v) => Number(v.end >> PAGE_SHIFT));
      for (const vpn of p.ptes.keys()) {
        const i = findVma(starts, ends, vpn);
        if (i >= 0) mapped[i]++;
      }
      out.push({
        pid: p.pid,
        name: p.name,
        vmas: vmas.map((v, i) => ({
          start: hex(v.start), end: hex(v.end), kind: v.kind, prot: `${v.read ? 'r' : '-'}${v.write ? 'w' : '-'}`,
          pages: ends[i] - starts[i], mapped: mapped[i],
        })),
      });
    }
    this.summaryKey = stopKey;
    this.summary = out;
    return out;
  }

  /** Answer `vlab/pageMap`: the selected VMA's window of cells. */
  pageMap(args: P.PageMapArgs, stopKey: string, seq: number): P.PageMapResponse {
    const a = (args ?? {}) as P.PageMapArgs;
    const procs = this.processes(stopKey);
    if (!procs.length) throw new Error('pageMap: the scenario has no process (add `process NAME pid N` and a `vma`)');
    if (a.pid !== undefined && !Number.isInteger(a.pid)) throw new Error("pageMap: 'pid' must be an integer");
    const pv = a.pid === undefined ? procs[0] : procs.find((p) => p.pid === a.pid);
    if (!pv) throw new Error(`pageMap: no process with pid ${a.pid} (known: ${procs.map((p) => p.pid).join(', ')})`);
    if (!pv.vmas.length) throw new Error(`pageMap: process ${pv.pid} has no VMA`);
    const vmaStart = a.vma === undefined ? pv.vmas[0].start : parseHex(a.vma, 'vma');
    const vv = pv.vmas.find((v) => v.start === vmaStart);
    if (!vv) throw new Error(`pageMap: process ${pv.pid} has no VMA starting at ${String(a.vma)} (VMAs: ${pv.vmas.map((v) => v.start).join(', ')})`);
    const from = a.from ?? 0;
    if (!Number.isInteger(from) || from < 0 || from > vv.pages) throw new Error(`pageMap: 'from' must be an integer 0..${vv.pages}`);
    const count = a.count ?? 65_536;
    if (!Number.isInteger(count) || count < 1 || count > P.PAGE_MAP_MAX_CELLS) throw new Error(`pageMap: 'count' must be an integer 1..${P.PAGE_MAP_MAX_CELLS}`);
    const proc = this.mm.spaces.proc(pv.pid);
    const n = Math.min(count, vv.pages - from);
    const cells = this.cells(proc, Number(BigInt(vv.start) >> PAGE_SHIFT) + from, n);
    return {
      processes: procs,
      pid: pv.pid,
      vma: vv.start,
      pages: vv.pages,
      from,
      count: n,
      pfn: base64(cells.pfn),
      head: base64(cells.head),
      refcount: base64(cells.refcount),
      pincount: base64(cells.pincount),
      flags: base64(cells.flags),
      zone: base64(cells.zone),
      order: base64(cells.order),
      zones: [...ZONES],
      seq,
    };
  }

  /** `n` cells from virtual page `firstVpn` of `proc`; counters are the folio's (on its head, gup §3.1). */
  cells(proc: Process, firstVpn: number, n: number): PageMapCells {
    const s = this.mm.pages;
    const counting = this.mm.counting;
    const out: PageMapCells = {
      pfn: new Int32Array(n).fill(-1), head: new Int32Array(n).fill(-1), refcount: new Int32Array(n), pincount: new Int32Array(n).fill(-1),
      flags: new Uint8Array(n), zone: new Uint8Array(n), order: new Uint8Array(n),
    };
    // per-folio values computed once per head (a 2 MiB THP is 512 cells of one folio)
    let lastHead = -1;
    let headFlags = 0;
    let pin = -1;
    for (let k = 0; k < n; k++) {
      const pte = proc.ptes.get(firstVpn + k);
      if (pte === undefined) continue;
      const pfn = Math.floor(pte / 2);
      let f = F.mapped | (pte & 1 ? F.writable : 0);
      out.pfn[k] = pfn;
      if (!s.valid(pfn)) {
        // a raw PFN of a VM_MIXEDMAP mapping has no struct page (gup §2.4)
        out.flags[k] = f;
        continue;
      }
      const h = s.head(pfn);
      if (h !== lastHead) {
        lastHead = h;
        const hf = s.flags[h];
        headFlags = (counting.maybeDmaPinned(h) ? F.maybeDmaPinned : 0) | (hf & PG_DIRTY ? F.dirty : 0) | (hf & PG_ZERO ? F.zeroPage : 0) |
          (hf & PG_FREED ? F.freed : 0);
        pin = counting.hasPincount(s.order[h]) ? s.pincount[h] : -1;
      }
      if (pfn === h && s.flags[h] & PG_HEAD) f |= F.head;
      out.flags[k] = f | headFlags;
      out.head[k] = h;
      out.refcount[k] = s.refcount[h];
      out.pincount[k] = pin;
      out.zone[k] = s.zone[h];
      out.order[k] = s.order[h];
    }
    return out;
  }

  /** Answer `vlab/pageMapFind`: a user address (`0x…`) in `pid`, or `pfn N`. */
  find(args: P.PageMapFindArgs, stopKey: string): P.PageMapFindResponse {
    const a = (args ?? {}) as P.PageMapFindArgs;
    const q = String(a.query ?? '').trim().toLowerCase();
    if (!q) throw new Error('type a user address (0x7f0000000000) or a PFN (pfn 0x12)');
    const procs = this.processes(stopKey);
    const pfnMatch = /^pfn\s+(0x[0-9a-f]+|\d+)$/.exec(q);
    if (pfnMatch) {
      const pfn = Number(BigInt(pfnMatch[1]));
      const s = this.mm.pages;
      if (!s.valid(pfn)) throw new Error(`pfn ${pfnMatch[1]} is not a page of the model (${s.count} slots allocated)`);
      const pid = s.ownerPid[pfn];
      if (pid === 0) throw new Error(`pfn ${pfnMatch[1]} is mapped by no single process (shared, the zero page, or unmapped)`);
      return this.locate(procs, pid, BigInt(s.ownerVpn[pfn]) << PAGE_SHIFT, q);
    }
    if (!/^0x[0-9a-f]+$/.test(q)) throw new Error(`'${q}' is neither a user address (0x…) nor a PFN (pfn N)`);
    if (a.pid !== undefined && !procs.some((p) => p.pid === a.pid)) throw new Error(`no process with pid ${String(a.pid)}`);
    const pid = a.pid ?? procs[0]?.pid;
    if (pid === undefined) throw new Error('the scenario has no process');
    return this.locate(procs, pid, BigInt(q) & ~0xfffn, q);
  }

  private locate(procs: P.PageMapProcess[], pid: number, vaddr: bigint, q: string): P.PageMapFindResponse {
    const pv = procs.find((p) => p.pid === pid);
    const proc = this.mm.spaces.procs.get(pid);
    const vma: Vma | undefined = proc?.vmas.find((v) => vaddr >= v.start && vaddr < v.end);
    if (!pv || !proc || !vma) throw new Error(`${q} is not in any VMA of pid ${pid}: nothing mapped there`);
    const pte = proc.ptes.get(Number(vaddr >> PAGE_SHIFT));
    if (pte === undefined) throw new Error(`${hex(vaddr)} is in VMA ${hex(vma.start)}-${hex(vma.end)} of pid ${pid} but no page is mapped there (no PTE yet)`);
    return { pid, vma: hex(vma.start), index: Number((vaddr - vma.start) >> PAGE_SHIFT), pfn: Math.floor(pte / 2), vaddr: hex(vaddr) };
  }
}

function findVma(starts: number[], ends: number[], vpn: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (vpn < starts[mid]) hi = mid - 1;
    else if (vpn >= ends[mid]) lo = mid + 1;
    else return mid;
  }
  return -1;
}

const hex = (v: bigint): string => '0x' + v.toString(16);

function parseHex(text: unknown, what: string): string {
  const t = String(text).trim().toLowerCase();
  if (!/^0x[0-9a-f]+$/.test(t)) throw new Error(`pageMap: '${what}' must be a 0x hex address, got '${String(text)}'`);
  return hex(BigInt(t));
}

const B64 = new TextEncoder().encode('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');
const PAD = 61; // '='

/**
 * Base64 of a typed array's bytes (little-endian on every platform VS Code runs on). Encoded into
 * a byte buffer and decoded once: no Node Buffer (the adapter also runs in a browser) and no
 * string built piece by piece (a 2^18-cell window is megabytes).
 */
export function base64(a: Int32Array | Uint8Array): string {
  const b = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const n = b.length;
  const out = new Uint8Array(Math.ceil(n / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
    out[o++] = B64[v >> 18];
    out[o++] = B64[(v >> 12) & 63];
    out[o++] = B64[(v >> 6) & 63];
    out[o++] = B64[v & 63];
  }
  if (i < n) {
    const v = (b[i] << 16) | (i + 1 < n ? b[i + 1] << 8 : 0);
    out[o++] = B64[v >> 18];
    out[o++] = B64[(v >> 12) & 63];
    out[o++] = i + 1 < n ? B64[(v >> 6) & 63] : PAD;
    out[o++] = PAD;
  }
  return new TextDecoder('ascii').decode(out);
}
