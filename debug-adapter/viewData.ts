/**
 * Builds the data of the custom view requests (protocol.ts) from the live model: subchannel
 * field rows with "changed since last stop" marks, CRW queues, pages grouped by process/VMA.
 */
import type * as P from './protocol';
import type { Runner } from '../model/scenario/runner';
import { imageFields, schibFieldTable, scswFieldValid, type FieldLoc } from '../model/scenario/fieldLocator';
import { SCHIB_FIELD, SCHIB_WORDS } from '../model/css/fields';
import type { SchibStore } from '../model/css/schib';

const DEV_FIELD = SCHIB_FIELD.get('pmcw.dev')!;
const ACTL_FIELD = SCHIB_FIELD.get('scsw.actl')!;
import { decodeCrw } from './crwView';
import { LiveKeySet } from './liveSet';
import { MAX_SUBCHANNELS } from '../model/css/schib';
import { decodeField, subchannelState } from './fieldDecode';
import { PagesQuery } from './pagesQuery';
import { channelPaths } from './channelPathsData';
import { StopSnapshots } from './stopSnapshots';

const STCTL_FIELD = SCHIB_FIELD.get('scsw.stctl')!;

const GROUP_WORDS: Record<string, [number, number]> = { PMCW: [0, 7], SCSW: [7, 10], MBA: [10, 12], MDA: [12, 13] };

function bitsText(f: FieldLoc): string {
  return f.width === 1 ? `w${f.word}.${f.bit}` : `w${f.word}.${f.bit}-${f.bit + f.width - 1}`;
}

function extract(words: ArrayLike<number>, f: FieldLoc): number {
  const shift = 32 - f.bit - f.width;
  const mask = f.width === 32 ? 0xffffffff : (1 << f.width) - 1;
  return ((words[f.word] >>> shift) & mask) >>> 0;
}

/** `extract` of a field from its own word (f.word is not looked at). */
function fieldOf(word: number, f: FieldLoc): number {
  const shift = 32 - f.bit - f.width;
  const mask = f.width === 32 ? 0xffffffff : (1 << f.width) - 1;
  return ((word >>> shift) & mask) >>> 0;
}

export class ViewData {
  /** Journal positions of the previous and the current stop: "changed" means changed between them. */
  private prevStop: number | undefined;
  private curStop = 0;
  private changes: ReturnType<Runner['m']['journal']['elemsChangedBetween']> | undefined;
  /** changedPageMarks of this stop: null when no page changed, undefined when not computed yet. */
  private pageMarks: Uint8Array | null | undefined;

  /** Interesting pages and active (machine) subchannels, kept up to date from the journal (liveSet.ts). */
  private readonly interesting: LiveKeySet;
  private readonly active: LiveKeySet;
  private readonly pagesQuery: PagesQuery;
  /** Counters, CRW queues and CHPID states at this and the previous stop (small; taken at every stop). */
  private readonly snapshots: StopSnapshots;

  constructor(private readonly runner: Runner) {
    const mm = runner.mm;
    const css = runner.css;
    this.interesting = new LiveKeySet(runner.m.journal, () => mm.interestingSources(), () => mm.pages.count, (i) => i, (pfn) => mm.isInteresting(pfn));
    this.active = new LiveKeySet(runner.m.journal, () => [css.core.schib], () => MAX_SUBCHANNELS, (i) => Math.floor(i / SCHIB_WORDS),
      (sch) => css.hasSubchannel(sch) && (extract(css.core.schib.view(sch), ACTL_FIELD) & 0x26) !== 0);
    this.pagesQuery = new PagesQuery(mm, () => this.firstInteresting(Infinity), (pfn) => this.pageChanged(pfn));
    this.snapshots = new StopSnapshots(runner);
  }

  /** Called by the session at every stop (STYLE: peripheral-viewer highlights changes since the last stop). */
  setStop(journalPos: number): void {
    if (journalPos === this.curStop && this.prevStop !== undefined) return;
    this.prevStop = this.curStop;
    this.curStop = journalPos;
    this.changes = undefined;
    this.pageMarks = undefined;
    this.pagesQuery.invalidate();
    this.snapshots.take();
  }

  /** Value of `owner[field][index]` at the previous stop, when it changed since then. */
  private oldValue(owner: object, field: string, index: number): number | undefined {
    if (this.prevStop === undefined) return undefined;
    this.changes ??= this.runner.m.journal.elemsChangedBetween(this.prevStop, this.curStop);
    return this.changes.get(owner)?.get(field)?.get(index);
  }

  /**
   * Machine subchannels with css §1.3 ACTL start pending (0x20), subchannel active (0x04) or
   * device active (0x02), ascending; tracked through the journal, never a scan of 65,536.
   */
  activeSubchannels(): number[] {
    return this.active.first();
  }

  /**
   * The subchannels to show: the machine's in the native topology; in the vfio topology each
   * passthrough subchannel twice, as the guest sees it (QEMU's copy) and as the host has it
   * (the machine's), side by side (PRODUCT §4).
   */
  private sides(limit = Infinity): Array<{ sch: number; side?: 'guest' | 'host'; store: SchibStore }> {
    const r = this.runner;
    const host = r.css.core.schib;
    if (!r.vfio) return this.firstSubchannels(limit).map((sch) => ({ sch, store: host }));
    const guest = r.vfio.qemu.core.schib;
    return [...r.vfio.qemu.devices.keys()].sort((a, b) => a - b).flatMap((sch) => [
      { sch, side: 'guest' as const, store: guest },
      { sch, side: 'host' as const, store: host },
    ]);
  }

  /**
   * `fields` false: the field groups are left empty (the Variables view builds them when a
   * subchannel is expanded); `onlyIndex`: groups only for that entry of the result.
   */
  subchannels(args: P.SubchannelsArgs, fields = true, onlyIndex?: number): P.SubchannelsResponse {
    const only = args.only ? new Set(args.only) : undefined;
    // native, no `only`: build just the first `limit` entries (65,536 may be defined)
    const all = only || this.runner.vfio ? this.sides() : this.sides(args.limit ?? 256);
    const chosen = all.filter((e) => !only || only.has(e.sch)).slice(0, args.limit ?? 256);
    const active = new Set(this.activeSubchannels());
    const hex4 = (n: number) => n.toString(16).padStart(4, '0');
    return {
      total: only || this.runner.vfio ? all.length : this.runner.css.core.devices.size,
      subchannels: chosen.map(({ sch, side, store }, index) => {
        const words = store.view(sch);
        const state = subchannelState(extract(words, STCTL_FIELD), extract(words, ACTL_FIELD));
        const view: P.SubchannelView = {
          sch,
          sid: `0.0.${hex4(sch)}`,
          devno: `0.0.${hex4(extract(words, DEV_FIELD))}`,
          deviceType: this.runner.css.deviceType(sch),
          active: side === 'guest' ? (extract(words, ACTL_FIELD) & 0x26) !== 0 : active.has(sch),
          statusPending: state.statusPending,
          state: state.state,
          groups: !fields || (onlyIndex !== undefined && onlyIndex !== index) ? [] : Object.entries(GROUP_WORDS).map(([name, [from, to]]) => ({
            name,
            words: Array.from(words.slice(from, to)),
            fields: schibFieldTable()
              .filter((f) => f.word >= from && f.word < to)
              .map((f) => {
                const value = extract(words, f);
                const oldWord = this.oldValue(store, 'words', sch * SCHIB_WORDS + f.word);
                const before = oldWord === undefined ? undefined : extract([oldWord], { ...f, word: 0 });
                const row: P.FieldRow = {
                  name: f.name, bits: bitsText(f), value, width: f.width, meaning: f.meaning, ref: f.ref,
                  valid: scswFieldValid(words, f.name),
                  changed: before !== undefined && before !== value,
                  // the host PMCW belongs to host Linux; users edit what the guest can MSCH
                  editable: !!f.msch && side !== 'host',
                };
                const decoded = decodeField(f.name, value);
                if (decoded !== undefined) row.decoded = decoded;
                // `sch(N).…` reads the machine's SCHIB: the native subchannel or the host side
                if (side !== 'guest') row.expression = `sch(0x${sch.toString(16)}).${f.name}`;
                return row;
              }),
          })),
        };
        if (side) view.side = side;
        return view;
      }),
    };
  }

  /**
   * The first `limit` entries of `subchannels({ limit }, false)` and its total, without a view
   * object, a SCHIB view or a Set per stop (the Variables view's rows, issue 12): `visit` gets each
   * entry's subchannel, side, device number (pmcw.dev) and `active`, computed as there.
   */
  visitSubchannels(limit: number, visit: (sch: number, side: 'guest' | 'host' | undefined, dev: number, active: boolean) => void): number {
    const r = this.runner;
    const entries = r.vfio ? this.sides() : undefined;
    const numbers = entries ? undefined : this.firstSubchannels(limit);
    const n = Math.min(limit, entries ? entries.length : numbers!.length);
    for (let i = 0; i < n; i++) {
      const sch = entries ? entries[i].sch : numbers![i];
      const side = entries?.[i].side;
      const store = entries ? entries[i].store : r.css.core.schib;
      const dev = fieldOf(store.word(sch, DEV_FIELD.word), DEV_FIELD);
      const active = side === 'guest' ? (fieldOf(store.word(sch, ACTL_FIELD.word), ACTL_FIELD) & 0x26) !== 0 : this.active.has(sch);
      visit(sch, side, dev, active);
    }
    return entries ? entries.length : r.css.core.devices.size;
  }

  /** The `limit` lowest defined machine subchannel numbers (`subchannelNumbers().slice(0, limit)`). */
  private firstSubchannels(limit: number): number[] {
    const devices = this.runner.css.core.devices;
    if (devices.size <= 4096 || limit >= devices.size) return this.runner.css.subchannelNumbers().slice(0, limit);
    const out: number[] = [];
    for (let sch = 0; sch < MAX_SUBCHANNELS && out.length < limit; sch++) if (devices.has(sch)) out.push(sch);
    return out;
  }

  /** Field groups of a stored IRB or SCHIB image, for the Variables view. */
  imageGroups(bytes: Uint8Array, kind: 'irb' | 'schib'): P.FieldGroup[] {
    return imageFields(bytes, kind).map((g) => ({
      name: g.name,
      words: g.words,
      fields: g.fields.map((f) => ({ name: f.name, bits: bitsText(f), value: f.value, width: f.width, meaning: f.meaning, ref: f.ref, valid: f.valid, changed: false, editable: false })),
    }));
  }

  crwQueues(): P.CrwQueuesResponse {
    const r = this.runner;
    const machine = r.css.crwQueue();
    const queues: P.CrwQueueView[] = [{ name: 'machine', crws: machine.crws.map(decodeCrw), overflow: machine.overflow }];
    if (r.vfio) {
      // css §8.4: vfio-ccw's per-device CRW list has no overflow reporting
      for (const [sch, p] of [...r.vfio.vfio.devices].sort((a, b) => a[0] - b[0])) {
        queues.push({ name: `vfio-ccw 0.0.${sch.toString(16).padStart(4, '0')}`, crws: p.crws.map(decodeCrw), overflow: false });
      }
      const g = r.vfio.qemu.crws;
      queues.push({ name: 'guest', crws: g.crws.map(decodeCrw), overflow: g.flags.lost });
    }
    return { queues: queues.map((q) => this.snapshots.markCrwQueue(q)) };
  }

  pagesSummary(args: P.PagesSummaryArgs): P.PagesSummaryResponse {
    return this.pagesQuery.summary(args, (pid) => this.snapshots.processCounters(pid), this.snapshots.vmstatCounters());
  }

  vmaPages(args: P.VmaPagesArgs): P.VmaPagesResponse {
    return this.pagesQuery.vmaPages(args);
  }

  channelPaths(): P.ChannelPathsResponse {
    return channelPaths(this.runner, (chpid) => this.snapshots.chpidChanged(chpid));
  }

  /** Did the folio's refcount, pincount or flags change between the previous and the current stop? */
  private pageChanged(pfn: number): boolean {
    const store = this.runner.mm.pages;
    return ['refcount', 'pincount', 'flags'].some((field) => {
      const old = this.oldValue(store, field, pfn);
      return old !== undefined && old !== (store as unknown as Record<string, Int32Array | Uint8Array>)[field][pfn];
    });
  }

  /**
   * `changedToo` false: only pages interesting in the current state, so the list is the same
   * whichever direction the stop was reached from (the Variables view, issue 13).
   */
  pages(args: P.PagesArgs, changedToo = true): P.PagesResponse {
    const mm = this.runner.mm;
    const limit = args.limit ?? 1000;
    // "interesting" also covers pages that changed since the previous stop (an unpin back to
    // idle is exactly what the user wants to see)
    // only the first `limit` PFNs are looked at (a million may be mapped and interesting)
    const shown = args.interestingOnly === false ? mm.mappedPages(limit) : changedToo ? this.firstInteresting(limit) : this.interesting.first(limit);
    const byVma = new Map<string, P.PageRow[]>();
    const procs = mm.processes();
    const key = (pid: number, vaddr: bigint) => {
      const p = procs.find((x) => x.pid === pid);
      const v = p?.vmas.find((m) => vaddr >= m.start && vaddr < m.end);
      return v ? `${pid}:${v.start}` : `${pid}:?`;
    };
    for (const pfn of shown) {
      const info = mm.pageInfo(pfn);
      const k = info.pid === undefined || info.vaddr === undefined ? 'none' : key(info.pid, info.vaddr);
      const rows = byVma.get(k) ?? [];
      const store = mm.pages;
      const changed = ['refcount', 'pincount', 'flags'].some((field) => {
        const old = this.oldValue(store, field, pfn);
        return old !== undefined && old !== (store as unknown as Record<string, Int32Array | Uint8Array>)[field][pfn];
      });
      rows.push({
        pfn, vaddr: info.vaddr === undefined ? '-' : '0x' + info.vaddr.toString(16), refcount: info.refcount,
        pincount: info.pincount ?? null, maybeDmaPinned: info.maybeDmaPinned, dirty: info.dirty, zeroPage: info.zeroPage,
        order: info.order, zone: info.zone, changed,
      });
      byVma.set(k, rows);
    }
    return {
      vmstat: { ...mm.vmstat },
      lockedVm: 0,
      totalPages: mm.pages.count,
      shownPages: shown.length,
      processes: procs.map((p) => ({
        pid: p.pid,
        name: p.name,
        vmas: p.vmas.map((v) => ({
          start: '0x' + v.start.toString(16), end: '0x' + v.end.toString(16), kind: v.kind, prot: v.prot,
          pages: byVma.get(`${p.pid}:${v.start}`) ?? [],
        })),
      })),
    };
  }

  /** The `limit` lowest PFNs interesting now or changed since the previous stop. */
  private firstInteresting(limit: number): number[] {
    const changed = this.changedPageMarks();
    const first = this.interesting.first(limit);
    if (!changed) return first;
    // both lists are in PFN order: one pass over a bitmap, no Set and no sort of a million PFNs
    const marks = changed.slice();
    for (const pfn of first) if (pfn < marks.length) marks[pfn] = 1;
    const out: number[] = [];
    for (let pfn = 0; pfn < marks.length && out.length < limit; pfn++) if (marks[pfn]) out.push(pfn);
    return out;
  }

  /** Pages whose refcount, pincount or flags changed between the previous and the current stop,
   * as a bitmap over the PFNs (undefined: none, or no previous stop); once per stop. */
  private changedPageMarks(): Uint8Array | undefined {
    if (this.prevStop === undefined) return undefined;
    if (this.pageMarks !== undefined) return this.pageMarks ?? undefined;
    this.changes ??= this.runner.m.journal.elemsChangedBetween(this.prevStop, this.curStop);
    const fields = this.changes.get(this.runner.mm.pages);
    const n = this.runner.mm.pages.count;
    let marks: Uint8Array | null = null;
    for (const f of ['refcount', 'pincount', 'flags']) {
      for (const pfn of fields?.get(f)?.keys() ?? []) {
        if (pfn >= n) continue;
        marks ??= new Uint8Array(n);
        marks[pfn] = 1;
      }
    }
    this.pageMarks = marks;
    return marks ?? undefined;
  }

  /** Validates an edit and returns the function that applies it through MSCH. */
  prepareSetField(a: P.SetFieldArgs): () => P.SetFieldResponse {
    const known = this.runner.vfio ? this.runner.vfio.qemu.devices.has(a.sch) : this.runner.css.hasSubchannel(a.sch);
    if (typeof a.sch !== 'number' || !known) throw new Error(`no subchannel ${String(a.sch)}`);
    const f = schibFieldTable().find((x) => x.name === a.field);
    if (!f) throw new Error(`unknown field '${String(a.field)}'`);
    if (!f.msch) throw new Error(`${f.name} is not modifiable by MSCH (css §5.3)`);
    const text = String(a.value).trim();
    if (!/^(0x[0-9a-f]+|0b[01]+|\d+)$/i.test(text)) throw new Error(`'${text}' is not a number (use decimal, 0x hex or 0b binary)`);
    const value = Number(BigInt(text));
    if (value >= 2 ** f.width) throw new Error(`${f.name} is ${f.width} bit(s) wide: ${text} does not fit`);
    return () => {
      // through the guest's MSCH: the machine in the native topology, QEMU's copy in vfio
      const cc = this.runner.io.msch(0x00010000 | a.sch, { [f.name]: value });
      const store = this.runner.vfio ? this.runner.vfio.qemu.core.schib : this.runner.css.core.schib;
      return { cc, value: extract(store.view(a.sch), f) };
    };
  }
}
