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

/** Subchannels listed in the Variables view (all of them are in the Subchannels tree view). */
const SUBCHANNEL_ROWS = 8;

type Producer = (hex: boolean) => DebugProtocol.Variable[];

export function formatNumber(v: number | bigint, hex: boolean): string {
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  const big = typeof v === 'bigint' ? v : BigInt(Math.trunc(v));
  if (!hex) return big.toString();
  return big < 0n ? '-0x' + (-big).toString(16) : '0x' + big.toString(16);
}

export class Variables {
  private handles = new Map<number, Producer>();
  private next = 1;
  private readonly view: ViewData;

  /** `view` is the session's ViewData, so "changed since the last stop" is the same as in the views. */
  constructor(private readonly runner: Runner, private readonly nav: Navigator, view: ViewData) {
    this.view = view;
  }

  private handle(p: Producer): number {
    const h = this.next++;
    this.handles.set(h, p);
    return h;
  }

  scopes(): Array<{ name: string; ref: number; expensive: boolean }> {
    this.handles.clear();
    this.next = 1;
    return [
      { name: 'Statement', ref: this.handle((hex) => this.statement(hex)), expensive: false },
      { name: 'Subchannels', ref: this.handle((hex) => this.subchannels(hex)), expensive: false },
      { name: 'Pages', ref: this.handle((hex) => this.pages(hex)), expensive: false },
      ...(this.runner.vfio ? [{ name: 'vfio-ccw', ref: this.handle((hex) => this.vfioCcw(hex)), expensive: false }] : []),
    ];
  }

  children(ref: number, hex: boolean): DebugProtocol.Variable[] {
    const p = this.handles.get(ref);
    return p ? p(hex) : [];
  }

  /** The `evaluateName` of row `name` under `ref` (dataBreakpointInfo from the Variables view). */
  evaluateNameOf(ref: number, name: string): string | undefined {
    return this.children(ref, false).find((v) => v.name === name)?.evaluateName;
  }

  private v(name: string, value: string, children?: Producer): DebugProtocol.Variable {
    return { name, value, variablesReference: children ? this.handle(children) : 0 };
  }

  private statement(hex: boolean): DebugProtocol.Variable[] {
    const s = this.runner.state;
    const cur = this.nav.current;
    const out: DebugProtocol.Variable[] = [];
    if (cur) out.push(this.v('event', describeEvent(cur.event)));
    out.push(this.v('time', String(this.runner.m.state.time)));
    out.push(this.v('cc', s.cc < 0n ? '(none yet)' : s.cc.toString()));
    out.push(this.v('ret', formatNumber(s.ret, false)));
    if (s.irb) out.push(this.v('irb', 'IRB (css §4)', (h) => this.image(s.irb!, 'irb', h)));
    if (s.schib) out.push(this.v('schib', 'SCHIB (css §1)', (h) => this.image(s.schib!, 'schib', h)));
    for (const [name, pages] of this.runner.bindings) {
      out.push(this.v(name, `${pages.length} pages`, (h) => pages.map((pfn, i) => this.pageVar(`[${i}]`, pfn, h))));
    }
    // O(1): the runner counts failures as it goes (a long scenario has thousands of expects)
    const n = this.runner.expects.length;
    out.push(this.v('expects', `${n - this.runner.state.failures}/${n} passed`));
    void hex;
    return out;
  }

  private image(bytes: Uint8Array, kind: 'irb' | 'schib', hex: boolean): DebugProtocol.Variable[] {
    return this.view.imageGroups(bytes, kind).map((g) =>
      this.v(g.name, g.words.map((w) => w.toString(16).padStart(8, '0')).join(' '), (h) =>
        g.fields.map((f) => this.v(`${f.name} [${f.bits}]`, formatNumber(f.value, h) + (f.valid ? '' : ' (not valid)'))),
      ),
    ).concat(hex ? [] : []);
  }

  private subchannels(hex: boolean): DebugProtocol.Variable[] {
    // rows first; a subchannel's field groups are built when it is expanded
    const { subchannels, total } = this.view.subchannels({ limit: SUBCHANNEL_ROWS }, false);
    const rows = subchannels.map((s, i) =>
      this.v(`${s.sid}${s.side ? ' ' + s.side : ''} (dev ${s.devno} ${s.deviceType})`, s.active ? 'channel program in flight' : 'idle', () =>
        this.view.subchannels({ limit: SUBCHANNEL_ROWS }, true, i).subchannels[i].groups.map((g) =>
          this.v(g.name, g.words.map((w) => w.toString(16).padStart(8, '0')).join(' '), (h) =>
            g.fields.map((f) => this.v(`${f.name} [${f.bits}]`, formatNumber(f.value, h) + (f.valid ? '' : ' (not valid)'))),
          ),
        ),
      ),
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
      const id = `0.0.${sch.toString(16).padStart(4, '0')}`;
      out.push(this.v(id, `${p.state}${p.open ? ' open' : ''}`, (h) => [
        this.v('fsm state', p.state),
        this.v('open', String(p.open)),
        this.v('sch->lpm', hs ? formatNumber(hs.lpm, true) : '-'),
        this.v('sch->opm', hs ? formatNumber(hs.opm, true) : '-'),
        this.v('pimpampom', hs ? pimpampom(stack.cio, sch).trim() : '-'),
        this.v('crw list', `${p.crws.length} CRWs`, () => p.crws.map((c, i) => this.v(`[${i}]`, decodeCrw(c).decoded))),
        this.v('io region ret_code', formatNumber(new DataView(p.io.buffer, p.io.byteOffset).getInt32(120), false)),
        this.v('stats', `${p.stats.requests} requests, ${p.stats.interrupts} interrupts, ${p.stats.crwsQueued} CRWs queued`),
        this.v('pages pinned by channel programs', formatNumber(stack.vfio.pinnedByCps(), h)),
      ]));
    }
    void hex;
    return out;
  }

  private pageVar(name: string, pfn: number, hex: boolean): DebugProtocol.Variable {
    const p = this.runner.mm.pageInfo(pfn);
    const summary = `ref ${p.refcount} pin ${p.pincount ?? '–'}${p.maybeDmaPinned ? ' maybe-pinned' : ''}${p.dirty ? ' dirty' : ''}${p.zeroPage ? ' zero-page' : ''}`;
    return this.v(name, summary, (h) => [
      this.v('pfn', formatNumber(pfn, h || hex)),
      this.v('refcount', formatNumber(p.refcount, h)),
      this.v('pincount', p.pincount === undefined ? 'n/a (small page, gup §3.2)' : formatNumber(p.pincount, h)),
      this.v('maybe_dma_pinned', String(p.maybeDmaPinned)),
      this.v('dirty', String(p.dirty)),
      this.v('order', String(p.order)),
      this.v('zone', p.zone),
    ]);
  }

  private pages(hex: boolean): DebugProtocol.Variable[] {
    // vmstat and one row per VMA; page rows are built when a VMA is expanded, so a stop costs
    // the same with a million interesting pages as with none
    const mm = this.runner.mm;
    const out = Object.entries(mm.vmstat).map(([k, v]) => this.v(k, formatNumber(v, hex)));
    for (const proc of mm.processes()) {
      for (const vma of proc.vmas) {
        const start = '0x' + vma.start.toString(16);
        const end = '0x' + vma.end.toString(16);
        out.push(this.v(`${proc.name} ${start}-${end} ${vma.kind} ${vma.prot}`, 'interesting pages (expand)', (h) => {
          const data = this.view.pages({ interestingOnly: true, limit: 200 });
          const rows = data.processes.find((p) => p.pid === proc.pid)?.vmas.find((v) => v.start === start)?.pages ?? [];
          return rows.map((p) => this.pageVar(p.vaddr, p.pfn, h));
        }));
      }
    }
    return out;
  }
}
