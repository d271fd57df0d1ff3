/**
 * The Pages view's data (PRODUCT §4 "Pages", issue 10): per process and VMA, the folios that pass
 * a filter, sorted and paged, so each VMA shows its own first 1,000 rows and a "next 1,000" row
 * instead of one global limit. One row per folio (a 512-page THP is one row that says so, gup
 * §3.2); counts say folios and the 4 KiB pages they cover.
 *
 * Cost: with `interestingOnly` (the default) the candidates are the interesting folios, tracked
 * through the journal (liveSet.ts), plus those changed since the previous stop; each is placed in
 * every process whose page table maps it at its owner address (fork shares pages, gup §3.3).
 * Without it, each process's page table is walked once. Either way the grouping is computed once
 * per stop and filter, then every VMA request only slices it.
 */
import type * as P from './protocol';
import type { Mm } from '../model/linux/mm/mm';
import { vaddrOf } from '../model/linux/mm/vma';
import { ZONES } from '../model/linux/mm/pageStore';

const PAGE_SHIFT = 12n;

/** A validated filter: numbers and bigints, never text. */
interface Filter {
  interestingOnly: boolean;
  pinnedOnly: boolean;
  minPincount: number | undefined;
  dirtyOnly: boolean;
  zone: string | undefined;
  vaddrFrom: bigint | undefined;
  vaddrTo: bigint | undefined;
  pfnFrom: number | undefined;
  pfnTo: number | undefined;
}

function hexAddress(text: unknown, what: string): bigint {
  if (typeof text !== 'string' || !/^(0x[0-9a-f]{1,16}|\d{1,20})$/i.test(text.trim())) {
    throw new Error(`${what} '${String(text)}' is not an address: use 0x hex or decimal`);
  }
  const v = BigInt(text.trim());
  if (v >= 1n << 64n) throw new Error(`${what} ${String(text)} is wider than 64 bits`);
  return v;
}

function count(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new Error(`${what} must be a whole number ≥ 0, got ${String(value)}`);
  return value;
}

/** Checks every filter field; throws a one-line message naming the bad one. */
export function parseFilter(f: P.PageFilter | undefined): Filter {
  const x = (f ?? {}) as Record<string, unknown>;
  if (typeof x !== 'object' || x === null) throw new Error('filter must be an object');
  const known = ['interestingOnly', 'pinnedOnly', 'minPincount', 'dirtyOnly', 'zone', 'vaddrFrom', 'vaddrTo', 'pfnFrom', 'pfnTo'];
  for (const k of Object.keys(x)) if (!known.includes(k)) throw new Error(`unknown filter field '${k}' (known: ${known.join(', ')})`);
  const bool = (k: string): boolean => {
    if (x[k] === undefined) return k === 'interestingOnly';
    if (typeof x[k] !== 'boolean') throw new Error(`filter.${k} must be true or false`);
    return x[k] as boolean;
  };
  if (x.zone !== undefined && !ZONES.includes(x.zone as never)) throw new Error(`zone '${String(x.zone)}' is not one of ${ZONES.join(', ')}`);
  const out: Filter = {
    interestingOnly: bool('interestingOnly'),
    pinnedOnly: bool('pinnedOnly'),
    minPincount: x.minPincount === undefined ? undefined : count(x.minPincount, 'filter.minPincount'),
    dirtyOnly: bool('dirtyOnly'),
    zone: x.zone as string | undefined,
    vaddrFrom: x.vaddrFrom === undefined ? undefined : hexAddress(x.vaddrFrom, 'filter.vaddrFrom'),
    vaddrTo: x.vaddrTo === undefined ? undefined : hexAddress(x.vaddrTo, 'filter.vaddrTo'),
    pfnFrom: x.pfnFrom === undefined ? undefined : count(x.pfnFrom, 'filter.pfnFrom'),
    pfnTo: x.pfnTo === undefined ? undefined : count(x.pfnTo, 'filter.pfnTo'),
  };
  if (out.vaddrFrom !== undefined && out.vaddrTo !== undefined && out.vaddrFrom >= out.vaddrTo) throw new Error('filter vaddr range is empty: from must be below to');
  if (out.pfnFrom !== undefined && out.pfnTo !== undefined && out.pfnFrom >= out.pfnTo) throw new Error('filter PFN range is empty: from must be below to');
  return out;
}

/** A folio mapped in one VMA: its head and the virtual address of its first page there. */
interface Placed {
  head: number;
  vpn: number;
}

interface Grouping {
  /** `${pid}:${vma start}` → folios in vaddr order. */
  byVma: Map<string, Placed[]>;
  /** The same lists sorted by pincount / refcount, made on demand. */
  sorted: Map<string, Placed[]>;
}

const vmaKey = (pid: number, start: bigint): string => `${pid}:0x${start.toString(16)}`;

export class PagesQuery {
  private cache = new Map<string, Grouping>();

  constructor(
    private readonly mm: Mm,
    /** Interesting folio heads (ascending) and heads changed since the previous stop. */
    private readonly candidates: () => number[],
    private readonly changed: (pfn: number) => boolean,
  ) {}

  /** A new stop: every grouping is stale. */
  invalidate(): void {
    this.cache.clear();
  }

  summary(args: P.PagesSummaryArgs, counters: (pid: number) => P.CounterRow[], vmstat: P.CounterRow[]): P.PagesSummaryResponse {
    const g = this.grouping(parseFilter(args.filter));
    const store = this.mm.pages;
    return {
      vmstat,
      totalPages: store.count,
      processes: this.mm.processes().map((p) => ({
        pid: p.pid,
        name: p.name,
        counters: counters(p.pid),
        vmas: p.vmas.map((v) => {
          const list = g.byVma.get(vmaKey(p.pid, v.start)) ?? [];
          let pages = 0;
          for (const f of list) pages += 1 << store.order[f.head];
          return {
            start: '0x' + v.start.toString(16), end: '0x' + v.end.toString(16), kind: v.kind, prot: v.prot,
            sizePages: Number((v.end - v.start) >> PAGE_SHIFT), matchingFolios: list.length, matchingPages: pages,
          };
        }),
      })),
    };
  }

  vmaPages(args: P.VmaPagesArgs): P.VmaPagesResponse {
    if (typeof args !== 'object' || args === null) throw new Error('vlab/vmaPages needs { pid, start }');
    const proc = this.mm.processes().find((p) => p.pid === args.pid);
    if (!proc) throw new Error(`no process with pid ${String(args.pid)}`);
    const start = hexAddress(args.start, 'VMA start');
    if (!proc.vmas.some((v) => v.start === start)) throw new Error(`process ${proc.pid} has no VMA starting at 0x${start.toString(16)}`);
    const sort = args.sort ?? 'vaddr';
    if (sort !== 'vaddr' && sort !== 'pincount' && sort !== 'refcount') throw new Error(`sort '${String(sort)}' is not vaddr, pincount or refcount`);
    const offset = args.offset === undefined ? 0 : count(args.offset, 'offset');
    const n = args.count === undefined ? 1000 : count(args.count, 'count');
    if (n < 1 || n > 10_000) throw new Error(`count must be 1..10000, got ${n}`);
    const g = this.grouping(parseFilter(args.filter));
    const key = vmaKey(args.pid, start);
    const list = this.sortedList(g, key, sort);
    const out: P.VmaPagesResponse = { total: list.length, offset, rows: list.slice(offset, offset + n).map((f) => this.row(args.pid, f)) };
    if (args.find !== undefined) {
      const addr = hexAddress(args.find, 'address');
      const pfn = this.mm.pageAt(args.pid, addr);
      if (pfn === undefined) out.found = 'unmapped';
      else {
        const head = this.mm.pages.head(pfn);
        out.found = list.findIndex((f) => f.head === head);
      }
    }
    return out;
  }

  private sortedList(g: Grouping, key: string, sort: P.PageSort): Placed[] {
    const list = g.byVma.get(key) ?? [];
    if (sort === 'vaddr') return list;
    const k = `${key}/${sort}`;
    let s = g.sorted.get(k);
    if (!s) {
      const store = this.mm.pages;
      const arr = sort === 'pincount' ? store.pincount : store.refcount;
      // descending, ties in address order (stable sort)
      s = [...list].sort((a, b) => arr[b.head] - arr[a.head]);
      g.sorted.set(k, s);
    }
    return s;
  }

  private row(pid: number, f: Placed): P.FolioRow {
    const info = this.mm.pageInfo(f.head);
    const vaddr = '0x' + vaddrOf(f.vpn).toString(16);
    return {
      pfn: f.head, vaddr, refcount: info.refcount, pincount: info.pincount ?? null, maybeDmaPinned: info.maybeDmaPinned,
      dirty: info.dirty, zeroPage: info.zeroPage, order: info.order, zone: info.zone, changed: this.changed(f.head),
      nrPages: 1 << info.order, expression: `page(${pid}, ${vaddr})`,
    };
  }

  private grouping(filter: Filter): Grouping {
    const key = JSON.stringify(filter, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    let g = this.cache.get(key);
    if (!g) {
      g = { byVma: this.group(filter), sorted: new Map() };
      if (this.cache.size > 8) this.cache.clear();
      this.cache.set(key, g);
    }
    return g;
  }

  /** Does folio `head` pass the filter's page conditions (the address range is checked per mapping)? */
  private passes(filter: Filter, head: number): boolean {
    const s = this.mm.pages;
    if (filter.pfnFrom !== undefined && head + (1 << s.order[head]) <= filter.pfnFrom) return false;
    if (filter.pfnTo !== undefined && head >= filter.pfnTo) return false;
    if (filter.dirtyOnly && !this.mm.pageInfo(head).dirty) return false;
    if (filter.zone !== undefined && s.zoneOf(head) !== filter.zone) return false;
    if (filter.pinnedOnly || filter.minPincount !== undefined) {
      const info = this.mm.pageInfo(head);
      if (filter.pinnedOnly && !((info.pincount ?? 0) > 0 || info.maybeDmaPinned)) return false;
      if (filter.minPincount !== undefined && !((info.pincount ?? 0) > filter.minPincount)) return false;
    }
    return true;
  }

  private group(filter: Filter): Map<string, Placed[]> {
    const mm = this.mm;
    const s = mm.pages;
    const procs = mm.processes();
    const byVma = new Map<string, Placed[]>();
    const ranged = filter.vaddrFrom !== undefined || filter.vaddrTo !== undefined;
    // the VMA of the last page placed: pages come in address order, so most need no search
    let lastPid = -1;
    let lastFrom = 0;
    let lastTo = 0;
    let lastList: Placed[] = [];
    const place = (pid: number, vmas: (typeof procs)[number]['vmas'], head: number, vpn: number) => {
      if (ranged) {
        const addr = vaddrOf(vpn);
        if (filter.vaddrFrom !== undefined && addr < filter.vaddrFrom) return;
        if (filter.vaddrTo !== undefined && addr >= filter.vaddrTo) return;
      }
      if (pid !== lastPid || vpn < lastFrom || vpn >= lastTo) {
        const addr = vaddrOf(vpn);
        const v = vmas.find((m) => addr >= m.start && addr < m.end);
        if (!v) return;
        const k = vmaKey(pid, v.start);
        let list = byVma.get(k);
        if (!list) byVma.set(k, (list = []));
        lastPid = pid;
        lastFrom = Number(v.start >> PAGE_SHIFT);
        lastTo = Number(v.end >> PAGE_SHIFT);
        lastList = list;
      }
      lastList.push({ head, vpn });
    };
    if (filter.interestingOnly) {
      // a bitmap over the PFNs, not a Set: a stop after a large pin has a million candidates
      const done = new Uint8Array(s.count);
      for (const pfn of this.candidates()) {
        // pages changed since the last stop may be tail pages of a large folio: list the folio once
        const head = s.head(pfn);
        if (done[head]) continue;
        done[head] = 1;
        if (!this.passes(filter, head)) continue;
        const owner = s.ownerPid[head];
        if (owner === 0) continue; // not mapped by a process (page cache, freed): no VMA to show it in
        const vpn = s.ownerVpn[head];
        for (const p of procs) {
          // the owner maps it; fork children may map the same folio at the same address (gup §3.3)
          if (p.pid !== owner && Math.floor((mm.spaces.procs.get(p.pid)?.ptes.get(vpn) ?? -2) / 2) !== head) continue;
          place(p.pid, p.vmas, head, vpn);
        }
      }
      for (const list of byVma.values()) list.sort((a, b) => a.vpn - b.vpn);
      return byVma;
    }
    for (const p of procs) {
      const ptes = mm.spaces.procs.get(p.pid)?.ptes;
      if (!ptes) continue;
      const seen = new Set<number>();
      const vpns = [...ptes.keys()].sort((a, b) => a - b);
      for (const vpn of vpns) {
        const pfn = Math.floor(ptes.get(vpn)! / 2);
        if (!s.valid(pfn)) continue; // a raw PFN of a VM_MIXEDMAP mapping has no struct page (gup §2.4)
        const head = s.head(pfn);
        if (seen.has(head)) continue; // the other subpages of a large folio
        seen.add(head);
        if (!this.passes(filter, head)) continue;
        place(p.pid, p.vmas, head, vpn);
      }
    }
    return byVma;
  }
}
