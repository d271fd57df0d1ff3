/**
 * Scopes and variables at the current stop: the statement's results (cc, ret, IRB, SCHIB),
 * each subchannel's SCHIB by field, and the pages with their pin state. Handles point at
 * functions that read the live model (STYLE §3: handles map to model objects, not copies) and
 * are valid until the next stop.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Runner } from '../model/scenario/runner';
import type { Navigator } from './navigator';
import { ViewData } from './viewData';
import { describeEvent } from '../model/engine/events';
import { pimpampom } from '../model/linux/cio/sysfs';
import { decodeCrw } from './crwView';
import { StopState, sidOf, type StateRow } from './stopState';
import type { Structured } from './repl';
import { PG_DIRTY } from '../model/linux/mm/pageStore';
import { ruleRows } from './deviceRules';

/** Subchannels listed in the Variables view (all of them are in the Subchannels tree view). */
const SUBCHANNEL_ROWS = 8;
/** The hint of every row without a setter: one shared, frozen object (sent as JSON; two objects per row per stop before, issue 12). */
const READ_ONLY: DebugProtocol.VariablePresentationHint = Object.freeze({ attributes: Object.freeze(['readOnly']) as string[] });

type Producer = (hex: boolean) => DebugProtocol.Variable[];

/** Validates a typed value and returns the function that applies it (run inside the navigator's edit path). */
export type Setter = (value: string) => { apply: () => void; memory?: { addr: number; count: number } };

interface VarExtra {
  evaluateName?: string;
  memoryReference?: string;
  setter?: Setter;
}

export function formatNumber(v: number | bigint, hex: boolean): string {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return String(v);
    // a safe integer prints as its BigInt does, without making one per row (issue 12); -0 as 0
    const t = Math.trunc(v);
    if (Number.isSafeInteger(t)) return !hex ? String(t === 0 ? 0 : t) : t < 0 ? '-0x' + (-t).toString(16) : '0x' + t.toString(16);
  }
  const big = typeof v === 'bigint' ? v : BigInt(Math.trunc(v));
  if (!hex) return big.toString();
  return big < 0n ? '-0x' + (-big).toString(16) : '0x' + big.toString(16);
}

export class Variables {
  /**
   * The stop's producers by handle - `base`, and the rows produced (evaluateNameOf), in arrays
   * emptied slot by slot at the next stop (issue 12, step p99 at scale): a cleared Map keeps its
   * old table, and a table promoted to the old generation kept the previous stop's rows and
   * closures alive through young-generation GCs, so they were copied and promoted with it.
   */
  private handles: Array<Producer | undefined> = [];
  private base = 1;
  private next = 1;
  private readonly view: ViewData;
  private readonly stopState: StopState;
  /** Rows produced per handle (evaluateNameOf) and setters by "handle/name" (setVariable). */
  private produced: Array<DebugProtocol.Variable[] | undefined> = [];
  private setters = new Map<string, Setter>();
  private producing = 0;
  /** The stop (history seq) the handles belong to: a new stop drops them. */
  private stopSeq: number | undefined;
  /**
   * Made once, used at every stop (issue 12, allocation per step): the fixed scopes' producers;
   * per shown subchannel, per bound name and per VMA row its name text and its children's producer
   * (they read the live model when called, so they are the same function at every stop), rebuilt
   * when what the text shows changes. Variables rows and handles are still new at each stop.
   */
  private readonly statementRows: Producer = () => this.statement();
  private readonly subchannelRows: Producer = () => this.subchannels();
  private readonly pageRows: Producer = (hex) => this.pages(hex);
  private readonly vfioRows: Producer = (hex) => this.vfioCcw(hex);
  private readonly subchannelCache = new Map<number, { dev: number; type: string; name: string; open: Producer }>();
  private readonly bindingCache = new Map<string, { pages: readonly number[]; count: number; value: string; evaluateName: string; open: Producer }>();
  private vmaCache: Array<{ pid: number; procName: string; start: bigint; end: bigint; kind: string; prot: string; name: string; open: Producer }> = [];

  /** `view` is the session's ViewData, so "changed since the last stop" is the same as in the views. */
  constructor(private readonly runner: Runner, private readonly nav: Navigator, view: ViewData) {
    this.view = view;
    this.stopState = new StopState(runner);
  }

  private handle(p: Producer): number {
    const h = this.next++;
    this.handles[h - this.base] = p;
    return h;
  }

  /** Forget the handles of an earlier stop (handles are valid while stopped at one point, DAP). */
  private atStop(): void {
    const seq = this.nav.current?.seq ?? -1;
    if (seq === this.stopSeq) return;
    this.stopSeq = seq;
    // emptied slot by slot (see above); the arrays keep their capacity for the next stop (no
    // regrowth per stop, issue 12) unless a stop made many handles (a large bound name expanded)
    const used = this.next - this.base;
    clearSlots(this.handles, used);
    clearSlots(this.produced, used);
    this.base = this.next;
    this.setters.clear();
  }

  scopes(): Array<{ name: string; ref: number; expensive: boolean }> {
    this.atStop();
    const structured: Array<{ name: string; ref: number; expensive: boolean }> = this.stopState.scopes(this.nav.current).map((s) => ({ name: s.name, ref: this.handle(() => this.rows(s.rows())), expensive: false }));
    structured.push(
      { name: 'Statement', ref: this.handle(this.statementRows), expensive: false },
      { name: 'Subchannels', ref: this.handle(this.subchannelRows), expensive: false },
      { name: 'Pages', ref: this.handle(this.pageRows), expensive: false },
    );
    if (this.runner.vfio) structured.push({ name: 'vfio-ccw', ref: this.handle(this.vfioRows), expensive: false });
    return structured;
  }

  /** A handle for rows built elsewhere (the REPL's structured values); valid until the next stop. */
  expandable(rows: () => StateRow[]): number {
    this.atStop();
    return this.handle(() => this.rows(rows()));
  }

  /** The handle of a console / hover value (repl.ts `structured`). */
  structuredRef(v: Structured): number {
    this.atStop();
    const r = this.runner;
    switch (v.kind) {
      case 'irb': return this.handle((h) => (r.state.irb ? this.image(r.state.irb, 'irb', h) : []));
      case 'schib': return this.handle((h) => (r.state.schib ? this.image(r.state.schib, 'schib', h) : []));
      case 'sch': return this.handle(() => this.subchannelGroups(v.sch, v.side));
      case 'page': return this.pageVar(v.at, v.pfn, false, v.at).variablesReference;
      case 'bound': return this.handle((h) => this.boundPages(v.name, r.bindings.get(v.name) ?? [], h));
      case 'cp': return this.handle(() => this.rows(this.stopState.cpRows(this.nav.current, v.sch)));
      case 'ccw': return this.handle(() => this.rows(this.stopState.ccwAtRows(v.addr)));
    }
  }

  children(ref: number, hex: boolean): DebugProtocol.Variable[] {
    const p = Number.isInteger(ref) && ref >= this.base ? this.handles[ref - this.base] : undefined;
    if (!p) return [];
    this.producing = ref;
    try {
      const vars = p(hex);
      this.produced[ref - this.base] = vars;
      return vars;
    } finally {
      this.producing = 0;
    }
  }

  /** The rows produced under handle `ref` at this stop (an index check: handles of other stops are unknown). */
  private producedAt(ref: number): DebugProtocol.Variable[] | undefined {
    return Number.isInteger(ref) && ref >= this.base ? this.produced[ref - this.base] : undefined;
  }

  /** The scenario expression of a row shown under `ref` (h9a: dataBreakpointInfo). */
  evaluateNameOf(variablesReference: number, name: string): string | undefined {
    return this.producedAt(variablesReference)?.find((v) => v.name === name)?.evaluateName;
  }

  /** The setter of row `name` under `ref`; a clear "read-only" error when there is none. */
  setterOf(ref: number, name: string): Setter {
    const s = this.setters.get(`${ref}/${name}`);
    if (s) return s;
    const known = this.producedAt(ref)?.some((v) => v.name === name);
    if (!known) throw new Error(`no variable '${name}' here (expand its parent first)`);
    throw new Error(`read-only: ${name} (editable: guest SCHIB fields that MSCH modifies, device rules, page dirty, guest memory through writeMemory)`);
  }

  private rows(rows: StateRow[]): DebugProtocol.Variable[] {
    return rows.map((r) => this.v(r.name, r.value, r.children ? () => this.rows(r.children!()) : undefined, r));
  }

  private v(name: string, value: string, children?: Producer, extra?: VarExtra): DebugProtocol.Variable {
    const out: DebugProtocol.Variable = { name, value, variablesReference: children ? this.handle(children) : 0 };
    if (extra?.evaluateName) out.evaluateName = extra.evaluateName;
    if (extra?.memoryReference) out.memoryReference = extra.memoryReference;
    if (extra?.setter && this.producing) this.setters.set(`${this.producing}/${name}`, extra.setter);
    if (!extra?.setter) out.presentationHint = READ_ONLY;
    return out;
  }

  /** A read-only row with an evaluateName and no children (v() without the extra object). */
  private named(name: string, value: string, evaluateName: string): DebugProtocol.Variable {
    return { name, value, variablesReference: 0, evaluateName, presentationHint: READ_ONLY };
  }

  private statement(): DebugProtocol.Variable[] {
    const s = this.runner.state;
    const cur = this.nav.current;
    const out: DebugProtocol.Variable[] = [];
    // the one-line event text stays, as a label (the structured scopes decode it)
    if (cur) out.push(this.v('event', describeEvent(cur.event)));
    out.push(this.named('time', String(this.runner.m.state.time), 'time'));
    // issue 11: no stale values — before any instruction or after a failed statement they have none
    out.push(s.cc < 0n ? this.v('cc', '(no value)') : this.named('cc', s.cc.toString(), 'cc'));
    out.push(s.retValid ? this.named('ret', formatNumber(s.ret, false), 'ret') : this.v('ret', '(no value)'));
    if (s.irb) out.push(this.v('irb', 'IRB (css §4)', (h) => this.image(s.irb!, 'irb', h)));
    if (s.schib) out.push(this.v('schib', 'SCHIB (css §1)', (h) => this.image(s.schib!, 'schib', h)));
    for (const [name, pages] of this.runner.bindings) {
      const b = this.binding(name, pages);
      out.push({ name, value: b.value, variablesReference: this.handle(b.open), evaluateName: b.evaluateName, presentationHint: READ_ONLY });
    }
    // O(1): the runner counts failures as it goes (a long scenario has thousands of expects)
    const n = this.runner.state.expectsRun;
    out.push(this.v('expects', `${n - this.runner.state.failures}/${n} passed`));
    return out;
  }

  /** The cached row parts of a bound name: the same array and length give the same parts. */
  private binding(name: string, pages: readonly number[]): { value: string; evaluateName: string; open: Producer } {
    const had = this.bindingCache.get(name);
    if (had && had.pages === pages && had.count === pages.length) return had;
    if (this.bindingCache.size >= CACHE_LIMIT) this.bindingCache.clear();
    const made = { pages, count: pages.length, value: `${pages.length} pages`, evaluateName: `${name}.count`, open: (h: boolean) => this.boundPages(name, pages, h) };
    this.bindingCache.set(name, made);
    return made;
  }

  /** A bound name's pages (`pin_user_pages … -> bufs`), each `bufs[i]`. */
  boundPages(name: string, pages: readonly number[], hex: boolean): DebugProtocol.Variable[] {
    return pages.map((pfn, i) => this.pageVar(`[${i}]`, pfn, hex, `${name}[${i}]`));
  }

  /** A stored IRB/SCHIB image by field group; evaluateName `irb.scsw.stctl`. */
  image(bytes: Uint8Array, kind: 'irb' | 'schib', hex: boolean): DebugProtocol.Variable[] {
    void hex;
    return this.view.imageGroups(bytes, kind).map((g) =>
      this.v(g.name, g.words.map((w) => w.toString(16).padStart(8, '0')).join(' '), (h) =>
        g.fields.map((f) => this.v(`${f.name} [${f.bits}]`, formatNumber(f.value, h) + (f.valid ? '' : ' (not valid)'), undefined, { evaluateName: `${kind}.${f.name}` })),
      ),
    );
  }

  /**
   * One subchannel's live SCHIB by field group (css §1). Guest-side fields MSCH modifies are
   * editable (the edit runs the guest's MSCH, css §5.3); host-side rows are read-only.
   */
  subchannelGroups(sch: number, side: 'guest' | 'host' | undefined): DebugProtocol.Variable[] {
    const data = this.view.subchannels({ only: [sch] }, true);
    // `sch(SID)` reads the machine's subchannel: the host side in the vfio topology
    const want = side ?? (this.runner.vfio ? 'host' : undefined);
    const view = data.subchannels.find((x) => x.side === want) ?? data.subchannels[0];
    if (!view) return [];
    const sid = view.sid;
    const head = view.side === 'guest' ? `guest(${sid})` : view.side === 'host' ? `host(${sid})` : `sch(${sid})`;
    return view.groups.map((g) =>
      this.v(g.name, g.words.map((w) => w.toString(16).padStart(8, '0')).join(' '), (h) =>
        g.fields.map((f) =>
          this.v(`${f.name} [${f.bits}]`, formatNumber(f.value, h) + (f.valid ? '' : ' (not valid)'), undefined, {
            evaluateName: `${head}.${f.name}`,
            setter: f.editable ? (value) => {
              const apply = this.view.prepareSetField({ sch, field: f.name, value });
              return {
                apply: () => {
                  // refused by MSCH (css §5.2): the edit throws, so the navigator rolls it back
                  const r = apply();
                  if (r.cc !== 0) throw new Error(`MSCH gave cc ${r.cc}: ${f.name} not changed (css §5.2)`);
                },
              };
            } : undefined,
          }),
        ),
      ),
    );
  }

  /** `device rules`: one editable row per scripted rule, its actions underneath (deviceRules.ts). */
  private deviceRules(sch: number): DebugProtocol.Variable {
    const rows = ruleRows(this.runner, sch);
    const summary = rows.length ? `${rows.length} scripted (rule statements; edit a rule or one action)` : 'none scripted (the device type\'s own behaviour)';
    return this.v('device rules', summary, rows.length ? () => rows.map((r) =>
      this.v(r.name, r.value, () => r.fields.map((f) => this.v(f.name, f.value, undefined, { setter: (value) => ({ apply: f.set(value) }) })), { setter: (value) => ({ apply: r.set(value) }) }),
    ) : undefined);
  }

  private subchannels(): DebugProtocol.Variable[] {
    // rows first; a subchannel's field groups are built when it is expanded. The rows are those of
    // ViewData.subchannels (the Subchannels view's first SUBCHANNEL_ROWS), read without its view objects.
    const rows: DebugProtocol.Variable[] = [];
    const total = this.view.visitSubchannels(SUBCHANNEL_ROWS, (sch, side, dev, active) => {
      const row = this.subchannelRow(sch, side, dev);
      rows.push({ name: row.name, value: active ? 'channel program in flight' : 'idle', variablesReference: this.handle(row.open), presentationHint: READ_ONLY });
    });
    if (total > rows.length) rows.push(this.v(`… ${total - rows.length} more`, 'see the Subchannels view'));
    return rows;
  }

  /** A subchannel row's name and producer, kept while its device number and type stay. */
  private subchannelRow(sch: number, side: 'guest' | 'host' | undefined, dev: number): { name: string; open: Producer } {
    const key = side === 'guest' ? -1 - sch : sch;
    const type = this.runner.css.deviceType(sch);
    const had = this.subchannelCache.get(key);
    if (had && had.dev === dev && had.type === type) return had;
    if (this.subchannelCache.size >= CACHE_LIMIT) this.subchannelCache.clear();
    const made = {
      dev,
      type,
      name: `${sidOf(sch)}${side ? ' ' + side : ''} (dev ${sidOf(dev)} ${type})`,
      // after the SCHIB, the device's scripted rules (css §3.3, §4): the machine's device, so not on the guest side
      open: () => [...this.subchannelGroups(sch, side), ...(side === 'guest' ? [] : [this.deviceRules(sch)])],
    };
    this.subchannelCache.set(key, made);
    return made;
  }

  /** css §7–§8: per device the FSM state, the host path masks, the CRW list, the regions. */
  private vfioCcw(hex: boolean): DebugProtocol.Variable[] {
    const stack = this.runner.vfio;
    if (!stack) return [];
    const out: DebugProtocol.Variable[] = [];
    for (const [sch, p] of [...stack.vfio.devices].sort((a, b) => a[0] - b[0])) {
      const hs = stack.cio.subchannels.get(sch);
      const id = sidOf(sch);
      out.push(this.v(id, `${p.state}${p.open ? ' open' : ''}`, (h) => [
        this.v('fsm state', p.state, undefined, { evaluateName: `fsm(${id}).state` }),
        this.v('open', String(p.open), undefined, { evaluateName: `vfio(${id}).open` }),
        this.v('sch->lpm', hs ? formatNumber(hs.lpm, true) : '-', undefined, { evaluateName: `lpm(${id})` }),
        this.v('sch->opm', hs ? formatNumber(hs.opm, true) : '-', undefined, { evaluateName: `opm(${id})` }),
        this.v('pimpampom', hs ? pimpampom(stack.cio, sch).trim() : '-'),
        this.v('crw list', `${p.crws.length} CRWs`, () => p.crws.map((c, i) => this.v(`[${i}]`, decodeCrw(c).decoded)), { evaluateName: `vfio(${id}).crws` }),
        this.v('io region ret_code', formatNumber(new DataView(p.io.buffer, p.io.byteOffset).getInt32(120), false), undefined, { evaluateName: `vfio(${id}).ret_code` }),
        this.v('stats', `${p.stats.requests} requests, ${p.stats.interrupts} interrupts, ${p.stats.crwsQueued} CRWs queued`),
        this.v('pages pinned by channel programs', formatNumber(stack.vfio.pinnedByCps(), h)),
      ]));
    }
    void hex;
    return out;
  }

  /** A page's state (gup §3); `at` is the scenario expression naming it (`bufs[0]`, `page(qemu, 0x…)`). */
  pageVar(name: string, pfn: number, hex: boolean, at?: string): DebugProtocol.Variable {
    const p = this.runner.mm.pageInfo(pfn);
    const summary = `ref ${p.refcount} pin ${p.pincount ?? '–'}${p.maybeDmaPinned ? ' maybe-pinned' : ''}${p.dirty ? ' dirty' : ''}${p.zeroPage ? ' zero-page' : ''}`;
    const ev = (f: string) => (at ? `${at}.${f}` : undefined);
    return this.v(name, summary, (h) => [
      // a page of QEMU's guest-RAM VMA is guest memory: the hex editor opens it (vfio topology)
      this.v('pfn', formatNumber(pfn, h || hex), undefined, { evaluateName: ev('pfn'), memoryReference: guestRefOfPfn(this.runner, pfn) }),
      this.v('refcount', formatNumber(p.refcount, h), undefined, { evaluateName: ev('refcount') }),
      this.v('pincount', p.pincount === undefined ? 'n/a (small page, gup §3.2)' : formatNumber(p.pincount, h), undefined, { evaluateName: ev('pincount') }),
      this.v('maybe_dma_pinned', String(p.maybeDmaPinned), undefined, { evaluateName: ev('maybe_dma_pinned') }),
      // a kernel sets PG_dirty (set_page_dirty_lock, gup §6) and clears it (writeback): editable
      this.v('dirty', String(p.dirty), undefined, { evaluateName: ev('dirty'), setter: (value) => ({ apply: prepareDirty(this.runner, pfn, value) }) }),
      this.v('order', String(p.order), undefined, { evaluateName: ev('order') }),
      this.v('zone', p.zone),
    ], { evaluateName: at ? `${at}.refcount` : undefined });
  }

  private pages(hex: boolean): DebugProtocol.Variable[] {
    // vmstat and one row per VMA; page rows are built when a VMA is expanded, so a stop costs
    // the same with a million interesting pages as with none
    const mm = this.runner.mm;
    const out: DebugProtocol.Variable[] = [];
    const vmstat = mm.vmstat as unknown as Record<string, number>;
    for (const k in vmstat) out.push(this.named(k, formatNumber(vmstat[k], hex), vmstatName(k)));
    let i = 0;
    for (const proc of mm.processes()) {
      for (const vma of proc.vmas) {
        const row = this.vmaRow(i++, proc, vma);
        out.push({ name: row.name, value: 'interesting pages (expand)', variablesReference: this.handle(row.open), presentationHint: READ_ONLY });
      }
    }
    if (this.vmaCache.length > i) this.vmaCache.length = i;
    return out;
  }

  /** The `i`-th VMA row's name and producer, kept while that row shows the same process and VMA. */
  private vmaRow(i: number, proc: { pid: number; name: string }, vma: { start: bigint; end: bigint; kind: string; prot: string }): { name: string; open: Producer } {
    const had = this.vmaCache[i];
    if (had && had.pid === proc.pid && had.procName === proc.name && had.start === vma.start && had.end === vma.end && had.kind === vma.kind && had.prot === vma.prot) return had;
    const pid = proc.pid;
    const start = '0x' + vma.start.toString(16);
    const end = '0x' + vma.end.toString(16);
    const made = {
      pid, procName: proc.name, start: vma.start, end: vma.end, kind: vma.kind, prot: vma.prot,
      name: `${proc.name} ${start}-${end} ${vma.kind} ${vma.prot}`,
      open: (h: boolean) => {
        // state only, not "changed since the previous stop": the same list stepping back or forward
        const pname = [...this.runner.processes].find(([, p]) => p === pid)?.[0];
        const data = this.view.pages({ interestingOnly: true, limit: 200 }, false);
        const rows = data.processes.find((p) => p.pid === pid)?.vmas.find((v) => v.start === start)?.pages ?? [];
        return rows.map((p) => this.pageVar(p.vaddr, p.pfn, h, pname && p.vaddr !== '-' ? `page(${pname}, ${p.vaddr})` : undefined));
      },
    };
    this.vmaCache[i] = made;
    return made;
  }
}

/** Handle slots kept allocated from one stop to the next (Variables.atStop). */
const KEPT_HANDLES = 1024;

/** Empty the first `used` slots (the others are empty already); drop a large array's slots. */
function clearSlots(a: unknown[], used: number): void {
  if (a.length > KEPT_HANDLES) {
    a.fill(undefined);
    a.length = 0;
  } else a.fill(undefined, 0, used);
}

/** Entries kept in each per-row cache of Variables (rows shown at one stop are far fewer). */
const CACHE_LIMIT = 256;

/** `vmstat.<counter>`, made once per counter name. */
const VMSTAT_NAMES = new Map<string, string>();
function vmstatName(k: string): string {
  let n = VMSTAT_NAMES.get(k);
  if (n === undefined) VMSTAT_NAMES.set(k, (n = `vmstat.${k}`));
  return n;
}

/** Guest absolute address ("0x…") of the page a PFN backs in QEMU's guest RAM, if any. */
function guestRefOfPfn(runner: Runner, pfn: number): string | undefined {
  const g = runner.vfio?.guestAddrOfPfn(pfn);
  return g === undefined ? undefined : '0x' + g.toString(16);
}

/** Validate a dirty-flag value (0/1/true/false) and return the journaled change (gup §6). */
export function prepareDirty(runner: Runner, pfn: number, value: string): () => void {
  const t = value.trim().toLowerCase();
  const on = t === '1' || t === 'true' ? true : t === '0' || t === 'false' ? false : undefined;
  if (on === undefined) throw new Error(`dirty: expected 1/true or 0/false, got '${value.trim()}'`);
  const s = runner.mm.pages;
  if (!s.valid(pfn)) throw new Error(`read-only: pfn 0x${pfn.toString(16)} has no struct page`);
  const h = s.head(pfn);
  return () => s.setFlag(h, PG_DIRTY, on);
}
