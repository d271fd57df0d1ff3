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
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
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
    this.handles.fill(undefined);
    this.handles.length = 0;
    this.produced.fill(undefined);
    this.produced.length = 0;
    this.base = this.next;
    this.setters.clear();
  }

  scopes(): Array<{ name: string; ref: number; expensive: boolean }> {
    this.atStop();
    const structured = this.stopState.scopes(this.nav.current).map((s) => ({ name: s.name, ref: this.handle(() => this.rows(s.rows())), expensive: false }));
    return [
      ...structured,
      { name: 'Statement', ref: this.handle((hex) => this.statement(hex)), expensive: false },
      { name: 'Subchannels', ref: this.handle((hex) => this.subchannels(hex)), expensive: false },
      { name: 'Pages', ref: this.handle((hex) => this.pages(hex)), expensive: false },
      ...(this.runner.vfio ? [{ name: 'vfio-ccw', ref: this.handle((hex) => this.vfioCcw(hex)), expensive: false }] : []),
    ];
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

  private v(name: string, value: string, children?: Producer, extra: VarExtra = {}): DebugProtocol.Variable {
    const out: DebugProtocol.Variable = { name, value, variablesReference: children ? this.handle(children) : 0 };
    if (extra.evaluateName) out.evaluateName = extra.evaluateName;
    if (extra.memoryReference) out.memoryReference = extra.memoryReference;
    if (extra.setter && this.producing) this.setters.set(`${this.producing}/${name}`, extra.setter);
    if (!extra.setter) out.presentationHint = READ_ONLY;
    return out;
  }

  private statement(hex: boolean): DebugProtocol.Variable[] {
    const s = this.runner.state;
    const cur = this.nav.current;
    const out: DebugProtocol.Variable[] = [];
    // the one-line event text stays, as a label (the structured scopes decode it)
    if (cur) out.push(this.v('event', describeEvent(cur.event)));
    out.push(this.v('time', String(this.runner.m.state.time), undefined, { evaluateName: 'time' }));
    // issue 11: no stale values — before any instruction or after a failed statement they have none
    out.push(s.cc < 0n ? this.v('cc', '(no value)') : this.v('cc', s.cc.toString(), undefined, { evaluateName: 'cc' }));
    out.push(s.retValid ? this.v('ret', formatNumber(s.ret, false), undefined, { evaluateName: 'ret' }) : this.v('ret', '(no value)'));
    if (s.irb) out.push(this.v('irb', 'IRB (css §4)', (h) => this.image(s.irb!, 'irb', h)));
    if (s.schib) out.push(this.v('schib', 'SCHIB (css §1)', (h) => this.image(s.schib!, 'schib', h)));
    for (const [name, pages] of this.runner.bindings) {
      out.push(this.v(name, `${pages.length} pages`, (h) => this.boundPages(name, pages, h), { evaluateName: `${name}.count` }));
    }
    // O(1): the runner counts failures as it goes (a long scenario has thousands of expects)
    const n = this.runner.expects.length;
    out.push(this.v('expects', `${n - this.runner.state.failures}/${n} passed`));
    void hex;
    return out;
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

  private subchannels(hex: boolean): DebugProtocol.Variable[] {
    // rows first; a subchannel's field groups are built when it is expanded
    const { subchannels, total } = this.view.subchannels({ limit: SUBCHANNEL_ROWS }, false);
    const rows = subchannels.map((s) =>
      // after the SCHIB, the device's scripted rules (css §3.3, §4): the machine's device, so not on the guest side
      this.v(`${s.sid}${s.side ? ' ' + s.side : ''} (dev ${s.devno} ${s.deviceType})`, s.active ? 'channel program in flight' : 'idle', () =>
        [...this.subchannelGroups(s.sch, s.side), ...(s.side === 'guest' ? [] : [this.deviceRules(s.sch)])]),
    );
    if (total > subchannels.length) rows.push(this.v(`… ${total - subchannels.length} more`, 'see the Subchannels view'));
    void hex;
    return rows;
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
    const out = Object.entries(mm.vmstat).map(([k, v]) => this.v(k, formatNumber(v, hex), undefined, { evaluateName: `vmstat.${k}` }));
    for (const proc of mm.processes()) {
      const pname = [...this.runner.processes].find(([, pid]) => pid === proc.pid)?.[0];
      for (const vma of proc.vmas) {
        const start = '0x' + vma.start.toString(16);
        const end = '0x' + vma.end.toString(16);
        out.push(this.v(`${proc.name} ${start}-${end} ${vma.kind} ${vma.prot}`, 'interesting pages (expand)', (h) => {
          // state only, not "changed since the previous stop": the same list stepping back or forward
          const data = this.view.pages({ interestingOnly: true, limit: 200 }, false);
          const rows = data.processes.find((p) => p.pid === proc.pid)?.vmas.find((v) => v.start === start)?.pages ?? [];
          return rows.map((p) => this.pageVar(p.vaddr, p.pfn, h, pname && p.vaddr !== '-' ? `page(${pname}, ${p.vaddr})` : undefined));
        }));
      }
    }
    return out;
  }
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
