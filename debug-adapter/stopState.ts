/**
 * Structured state at a stop (PRODUCT §3 "Variables", issue 9): what the stopped event is about,
 * decoded, beside the one-line event text. A CCW stop shows the CCW and the channel's state
 * (css §1.3, §3), a page stop the page and the counting rule that fired (gup §3), a stop in
 * vfio-ccw the channel_program and the FSM (css §8.3, §9). Rows are built lazily (children are
 * functions), so a stop costs the same at 65,536 subchannels and 10^6 pages.
 */
import type { Runner } from '../model/scenario/runner';
import type { HistoryRecord, ModelEvent } from '../model/engine/events';
import { CCW_FLAG, CCW_FLAG_BITS, CMD, decodeCcw, type Ccw } from '../model/css/ccw';
import { idawCount, idawFormat } from '../model/css/idaw';
import { ACTION_FUNCTION, FSM_EVENTS, FSM_STATES, type FsmAction } from '../model/linux/vfio-ccw/fsm';
import type { VfioCcwPrivate } from '../model/linux/vfio-ccw/private';
import { QEMU_GUEST_BASE, QEMU_PID } from '../model/qemu/topology';
import { describeEvent } from '../model/engine/events';
import { Disassembler, commandName, flagNames, hex } from './disassembly';

export interface StateRow {
  name: string;
  value: string;
  /** A scenario expression evaluating to this value (watch, data breakpoints, hovers). */
  evaluateName?: string;
  /** Guest absolute address ("0x…") for the hex editor / readMemory. */
  memoryReference?: string;
  children?: () => StateRow[];
}

export interface StopScope {
  name: 'CCW' | 'Page' | 'vfio-ccw program';
  rows: () => StateRow[];
}

/** Rows listed per expandable list before "… N more" (a 256-CCW chain stays cheap). */
export const LIST_ROWS = 256;

const hex2 = (n: number): string => '0x' + n.toString(16).padStart(2, '0');

export const sidOf = (sch: number): string => `0.0.${sch.toString(16).padStart(4, '0')}`;

const CHANNEL_EVENTS = new Set(['ccw.fetch', 'ccw.data', 'ccw.chain', 'ccw.check', 'sch.status', 'sch.start']);
const VFIO_FRAME = /^(vfio_ccw|cp_|ccwchain_|ccw_|page_array|fsm_|vfio_pin|vfio_unpin)/;

export class StopState {
  private readonly dis: Disassembler;

  constructor(private readonly runner: Runner) {
    this.dis = new Disassembler(runner);
  }

  /** The structured scopes for this stop, most specific first. */
  scopes(rec: HistoryRecord | undefined): StopScope[] {
    if (!rec) return [];
    const e = rec.event;
    const out: StopScope[] = [];
    if (CHANNEL_EVENTS.has(e.kind) && 'sch' in e && this.runner.css.hasSubchannel(e.sch)) out.push({ name: 'CCW', rows: () => this.ccw(e, e.sch) });
    if (e.kind === 'page.grab' || e.kind === 'page.release' || e.kind === 'page.fault') out.push({ name: 'Page', rows: () => this.page(e) });
    const devices = this.vfioDevices(rec);
    if (devices.length) out.push({ name: 'vfio-ccw program', rows: () => this.vfio(rec, devices) });
    return out;
  }

  /** Guest absolute address behind a machine address (host storage in the vfio topology). */
  guestRef(machineAddr: number): string | undefined {
    const v = this.runner.vfio;
    const g = v ? v.hostMem.guestAddrOf(machineAddr) : machineAddr;
    return g !== undefined && this.runner.mem.inRange(g, 1) ? hex(g) : undefined;
  }

  private row(name: string, value: string, extra: Partial<StateRow> = {}): StateRow {
    return { name, value, ...extra };
  }

  // ---- CCW (css §1.3, §3) ----

  private ccw(e: ModelEvent, sch: number): StateRow[] {
    const core = this.runner.css.core;
    const st = core.chan.get(sch);
    const sid = sidOf(sch);
    const out: StateRow[] = [this.row('event', describeEvent(e)), this.row('subchannel', sid)];
    let addr = e.kind === 'ccw.fetch' || e.kind === 'ccw.check' ? e.addr : st?.cur ?? 0;
    if (!addr && e.kind === 'sch.status' && e.cpa >= 8) addr = e.cpa - 8;
    const fmt = st?.fmt ?? 1;
    let ccw: Ccw | undefined;
    if (e.kind === 'ccw.fetch') ccw = { cmd: e.cmd, flags: e.flags, count: e.count, cda: e.cda, fmt, raw: [0, 0] };
    else if (addr) {
      const w0 = core.mem.readU32(addr);
      const w1 = core.mem.readU32(addr + 4);
      if (w0 !== undefined && w1 !== undefined) ccw = decodeCcw(w0, w1, fmt);
    }
    if (e.kind === 'sch.start') out.push(this.row('first CCW', hex(st?.next ?? 0), { memoryReference: this.guestRef(st?.next ?? 0) }));
    else if (addr) {
      const guest = this.runner.vfio?.guestCcwAddr(addr);
      const label = this.dis.symbolAt(guest ?? addr);
      out.push(this.row('ccw address', `${hex(addr)}${guest !== undefined ? ` (guest ${hex(guest)})` : ''}${label ? ` <${label}>` : ''}`, { memoryReference: this.guestRef(addr) }));
    }
    if (ccw) out.push(...this.ccwRows(ccw, st?.orb));
    if (e.kind === 'ccw.data') {
      out.push(this.row('transfer', `${e.write ? 'write (memory → device)' : 'read (device → memory)'} ${e.count} bytes @${hex(e.addr)}`, { memoryReference: this.guestRef(e.addr) }));
      out.push(this.row('bytes', e.bytes.length ? e.bytes.slice(0, 64).map((b) => b.toString(16).padStart(2, '0')).join(' ') + (e.bytes.length > 64 ? ' …' : '') : '(none stored: SKP, css §3.2)'));
    }
    // at a data event the channel has not yet added this transfer to `moved` (channel.ts)
    if (st && st.cmd >= 0) out.push(this.row('transferred so far', `${st.moved + (e.kind === 'ccw.data' ? e.count : 0)} bytes for command ${commandName(st.cmd)}`));
    out.push(this.row('channel', this.decision(e, ccw), { children: () => this.channel(sch, st) }));
    if (e.kind === 'ccw.check') out.push(this.row('program check', `${e.reason} (${e.ref})`));
    return out;
  }

  /** The CCW's fields, decoded (css §3.1–3.3, §3.5). */
  ccwRows(c: Ccw, orb?: { c64: number; i2k: number }): StateRow[] {
    const rows: StateRow[] = [
      this.row('command', `${commandName(c.cmd)} (${hex2(c.cmd)})`),
      this.row('flags', `${hex2(c.flags)}${c.flags ? ' ' + flagNames(c.flags) : ''}`, {
        children: () => CCW_FLAG_BITS.map((b) => this.row(b.name, `${c.flags & b.mask ? 'set' : 'clear'}: ${b.meaning} (css §3.2)`)),
      }),
      this.row('count', String(c.count)),
      this.row('cda', `${hex(c.cda)}${c.flags & CCW_FLAG.IDA ? ' (IDAL)' : ''}${(c.cmd & 0x0f) === CMD.TIC && this.dis.symbolAt(c.cda) ? ` <${this.dis.symbolAt(c.cda)}>` : ''}`, { memoryReference: this.guestRef(c.cda) }),
      this.row('format', `format ${c.fmt} (css §3.1)`),
    ];
    if (c.flags & CCW_FLAG.IDA && orb) rows.push(this.row('idaws', `${this.idaws(c, orb).length} IDAWs`, { children: () => this.idaws(c, orb) }));
    return rows;
  }

  /** The IDAWs the CCW's count needs (css §3.5: ((addr mod B) + len + B − 1) / B). */
  private idaws(c: Ccw, orb: { c64: number; i2k: number }): StateRow[] {
    const mem = this.runner.css.core.mem;
    const { format, size, block } = idawFormat(orb);
    const first = size === 4 ? mem.readU32(c.cda) : mem.readU64(c.cda);
    if (first === undefined) return [this.row('[0]', `unreadable at ${hex(c.cda)} (css §3.6)`)];
    const n = Math.min(idawCount(Number(first), Math.max(1, c.count), block), LIST_ROWS);
    const rows: StateRow[] = [];
    for (let i = 0; i < n; i++) {
      const at = c.cda + i * size;
      const w = size === 4 ? mem.readU32(at) : mem.readU64(at);
      if (w === undefined) break;
      rows.push(this.row(`[${i}]`, `${hex(w)} (format-${format} IDAW @${hex(at)}, ${block}-byte blocks)`, { memoryReference: this.guestRef(Number(w)) }));
    }
    return rows;
  }

  /** What the channel does after this event (css §3.2 chaining flags, §3.4 TIC). */
  private decision(e: ModelEvent, c: Ccw | undefined): string {
    if (e.kind === 'ccw.chain') {
      const sym = this.dis.symbolAt(this.runner.vfio?.guestCcwAddr(e.next) ?? e.next);
      return `${e.how} chaining → ${hex(e.next)}${sym ? ` <${sym}>` : ''} (css §3.2${e.how === 'tic' ? ', §3.4' : ''})`;
    }
    if (e.kind === 'sch.status') return `end: status stctl ${hex(e.stctl)} dstat ${hex(e.dstat)} cstat ${hex(e.cstat)} (css §1.3, §4)`;
    if (e.kind === 'ccw.check') return 'end: channel-program check, CSTAT 0x20 (css §3.6)';
    if (e.kind === 'sch.start') return 'start function: fetch the first CCW at the ORB CPA (css §2)';
    if (!c) return 'unknown';
    if ((c.cmd & 0x0f) === CMD.TIC) return `pending: tic → ${hex(c.cda)} (css §3.4)`;
    if (c.flags & CCW_FLAG.CD) return 'pending: data chaining when the count is exhausted (CD, css §3.2)';
    if (c.flags & CCW_FLAG.CC) return 'pending: command chaining when the device ends the command (CC, css §3.2)';
    return 'pending: end of the program after this command (no CD/CC, css §3.2)';
  }

  private channel(sch: number, st: ReturnType<Runner['css']['core']['chan']['get']>): StateRow[] {
    const s = this.runner.css.core.schib;
    const sid = sidOf(sch);
    const f = (field: string) => s.get(sch, field);
    const rows: StateRow[] = [
      this.row('residual count', String(f('scsw.count')), { evaluateName: `sch(${sid}).scsw.count` }),
      this.row('scsw.cpa', hex(f('scsw.cpa')), { evaluateName: `sch(${sid}).scsw.cpa`, memoryReference: this.guestRef(f('scsw.cpa')) }),
      this.row('scsw.actl', hex(f('scsw.actl')), { evaluateName: `sch(${sid}).scsw.actl` }),
      this.row('scsw.stctl', hex(f('scsw.stctl')), { evaluateName: `sch(${sid}).scsw.stctl` }),
      this.row('pmcw.lpum', hex(f('pmcw.lpum')), { evaluateName: `sch(${sid}).pmcw.lpum` }),
    ];
    if (st) {
      rows.push(
        this.row('next CCW', hex(st.next), { memoryReference: this.guestRef(st.next) }),
        this.row('CCWs fetched', String(st.ccws)),
        this.row('command in progress', st.cmd >= 0 ? `${commandName(st.cmd)} (${hex2(st.cmd)})` : 'none'),
        this.row('orb', `fmt ${st.orb.fmt} pfch ${st.orb.pfch} c64 ${st.orb.c64} i2k ${st.orb.i2k} lpm ${hex(st.orb.lpm)} intparm ${hex(st.orb.intparm)} (css §2)`),
        this.row('orb.cpa', hex(st.orb.cpa), { memoryReference: this.guestRef(st.orb.cpa) }),
      );
    }
    return rows;
  }

  /** A vfio-ccw device's channel program and FSM (the console's `cp(SID)`). */
  cpRows(rec: HistoryRecord | undefined, sch: number): StateRow[] {
    const p = this.runner.vfio?.vfio.devices.get(sch);
    return p ? this.device(rec ?? { seq: -1, journalPos: 0, time: 0, thread: 0, granularity: 'statement', frames: [], event: { kind: 'end', pinsHeld: 0 } }, p) : [];
  }

  /** The CCW at a guest address, decoded (the console's `ccw(ADDR)`). */
  ccwAtRows(addr: number): StateRow[] {
    const c = this.dis.ccwAt(addr);
    if (!c) return [this.row('ccw', `${hex(addr)} is outside guest memory`)];
    const orb = [...this.runner.css.core.chan.values()][0]?.orb ?? { c64: 0, i2k: 0 };
    const sym = this.dis.symbolAt(addr);
    return [this.row('address', `${hex(addr)}${sym ? ` <${sym}>` : ''}`, { memoryReference: hex(addr) }), this.row('text', this.dis.text(c)), ...this.ccwRows(c, orb)];
  }

  // ---- Page (gup §3) ----

  private processName(pid: number): string | undefined {
    for (const [name, p] of this.runner.processes) if (p === pid) return name;
    return undefined;
  }

  private vaddrRef(pid: number, vaddr: bigint): string | undefined {
    if (!this.runner.vfio || pid !== QEMU_PID || vaddr < QEMU_GUEST_BASE) return undefined;
    const off = vaddr - QEMU_GUEST_BASE;
    return off < BigInt(this.runner.mem.size) ? hex(off) : undefined;
  }

  private page(e: Extract<ModelEvent, { kind: 'page.grab' | 'page.release' | 'page.fault' }>): StateRow[] {
    const out: StateRow[] = [this.row('event', describeEvent(e))];
    if (e.kind === 'page.release') {
      const info = this.runner.mm.pageInfo(e.pfn);
      out.push(
        this.row('pfn', hex(e.pfn)),
        this.row('how', e.how),
        this.row('refcount after', String(e.refcount)),
        this.row('pincount after', String(e.pincount)),
        this.row('dirty', String(e.dirty)),
        this.row('folio head', hex(info.head)),
        this.row('order', String(info.order)),
      );
      return out;
    }
    const proc = this.processName(e.pid);
    const at = proc ? `page(${proc}, ${hex(e.vaddr)})` : undefined;
    const ev = (f: string) => (at ? { evaluateName: `${at}.${f}` } : {});
    out.push(
      this.row('pid', `${e.pid}${proc ? ` (${proc})` : ''}`),
      this.row('vaddr', hex(e.vaddr), { memoryReference: this.vaddrRef(e.pid, e.vaddr) }),
      this.row('pfn', hex(e.pfn), ev('pfn')),
    );
    if (e.kind === 'page.fault') {
      out.push(this.row('zero page', e.zero ? 'the shared zero page (read fault)' : 'no'));
      return out;
    }
    const info = this.runner.mm.pageInfo(e.pfn);
    out.push(
      this.row('folio head', hex(info.head)),
      this.row('order', String(info.order), ev('order')),
      this.row('refcount', `${e.before.refcount} → ${e.refcount}`, ev('refcount')),
      this.row('pincount', info.pincountField ? `${e.before.pincount} → ${e.pincount} (${info.pincountField})` : 'no exact counter for this folio (gup §3.2)', ev('pincount')),
      this.row('refs', String(e.refs)),
      this.row('kind', `${e.foll} via the ${e.path} path (${e.path === 'fast' ? 'gup_fast' : '__get_user_pages'})`),
      this.row('FOLL flags', e.flags),
      this.row('rule', e.rule),
      this.row('maybe_dma_pinned', String(info.maybeDmaPinned), ev('maybe_dma_pinned')),
      this.row('dirty', String(info.dirty), ev('dirty')),
    );
    return out;
  }

  // ---- vfio-ccw (css §8.3, §9) ----

  private vfioDevices(rec: HistoryRecord): VfioCcwPrivate[] {
    const v = this.runner.vfio;
    if (!v) return [];
    const e = rec.event;
    if ('sch' in e) {
      const p = v.vfio.devices.get(e.sch);
      if (p && (p.cp.chains.length || rec.frames.some((f) => VFIO_FRAME.test(f.name)))) return [p];
    }
    if (!rec.frames.some((f) => f.line === undefined && VFIO_FRAME.test(f.name))) return [];
    const all = [...v.vfio.devices.values()].sort((a, b) => a.sch - b.sch);
    const busy = all.filter((p) => p.cp.chains.length > 0 || p.state === 'CP_PROCESSING' || p.state === 'CP_PENDING');
    return busy.length ? busy : all.slice(0, 1);
  }

  private vfio(rec: HistoryRecord, devices: VfioCcwPrivate[]): StateRow[] {
    if (devices.length === 1) return this.device(rec, devices[0]);
    return devices.map((p) => this.row(sidOf(p.sch), `${p.state}, ${p.cp.chains.length} chains`, { children: () => this.device(rec, p) }));
  }

  private device(rec: HistoryRecord, p: VfioCcwPrivate): StateRow[] {
    const sid = sidOf(p.sch);
    const cp = p.cp;
    const table = this.runner.vfio!.vfio.table;
    const actionFrame = rec.frames.find((f) => f.name.startsWith('fsm_') && Object.values(ACTION_FUNCTION).includes(f.name));
    const rows: StateRow[] = [
      this.row('subchannel', sid),
      this.row('fsm state', p.state, { evaluateName: `fsm(${sid}).state` }),
    ];
    if (actionFrame) {
      const action = (Object.keys(ACTION_FUNCTION) as FsmAction[]).find((a) => ACTION_FUNCTION[a] === actionFrame.name)!;
      const pairs = FSM_STATES.flatMap((s) => FSM_EVENTS.filter((ev) => table[s][ev] === action).map((ev) => `${s}+${ev}`));
      rows.push(this.row('fsm event', `${actionFrame.name}, run for ${pairs.join(', ')} (css §8.3)`));
    }
    rows.push(
      this.row('cp initialized', String(cp.initialized), { evaluateName: `vfio(${sid}).cp` }),
      this.row('orb', `fmt ${cp.orb.fmt} pfch ${cp.orb.pfch} c64 ${cp.orb.c64} i2k ${cp.orb.i2k} lpm ${hex(cp.orb.lpm)} (css §2, §9.1)`),
      this.row('orb.cpa', hex(cp.orb.cpa), { memoryReference: this.guestRef(cp.orb.cpa) }),
      this.row('chains', `${cp.chains.length} chains`, { children: () => this.chains(p) }),
      this.row('pinned pages', String(cp.chains.reduce((s, c) => s + c.pa.reduce((t, a) => t + a.runs.reduce((u, r) => u + r.npage, 0), 0), 0)), { evaluateName: `vfio(${sid}).pinned` }),
    );
    return rows;
  }

  private chains(p: VfioCcwPrivate): StateRow[] {
    const mem = this.runner.mem;
    const ok = (a: number) => (mem.inRange(a, 1) ? hex(a) : undefined);
    return p.cp.chains.map((c, i) =>
      this.row(`[${i}]`, `guest ${hex(c.guestHead)} → host ${hex(c.hostHead)}, ${c.len} CCWs (css §9.1)`, {
        memoryReference: ok(c.guestHead),
        children: () => c.ccws.slice(0, LIST_ROWS).map((g, j) => {
          const h = c.host[j];
          const pa = c.pa[j];
          const gAddr = c.guestHead + 8 * j;
          const gc: Ccw = { ...g, fmt: 1, raw: [0, 0] };
          return this.row(`[${j}] @${hex(gAddr)}`, this.dis.text(gc), {
            memoryReference: ok(gAddr),
            children: () => {
              const rows: StateRow[] = [this.row('guest CCW', this.dis.text(gc)), ...this.ccwRows(gc)];
              if (h) rows.push(this.row('host copy', `${commandName(h.cmd)}${h.flags ? ' ' + flagNames(h.flags) : ''} count ${h.count} cda ${hex(h.cda)} @${hex(c.hostHead + 8 * j)} (css §9.2)`));
              if ((g.cmd & 0x0f) === CMD.TIC) {
                const target = p.cp.chains.findIndex((x) => g.cda >= x.guestHead && g.cda < x.guestHead + 8 * x.len);
                rows.push(this.row('TIC target', `${hex(g.cda)}${this.dis.symbolAt(g.cda) ? ` <${this.dis.symbolAt(g.cda)}>` : ''}${target >= 0 ? `, chain [${target}]` : ''} (css §9.1)`, { memoryReference: ok(g.cda) }));
              }
              if (pa && pa.idal) {
                rows.push(this.row('host IDAL', hex(pa.idal)));
                rows.push(this.row('guest IDAWs', `${pa.iova.length}`, { children: () => pa.iova.slice(0, LIST_ROWS).map((a, k) => this.row(`[${k}]`, hex(a), { memoryReference: ok(a) })) }));
                rows.push(this.row('host IDAWs', `${pa.host.length}`, { children: () => pa.host.slice(0, LIST_ROWS).map((a, k) => this.row(`[${k}]`, hex(a), { memoryReference: this.guestRef(a) })) }));
              }
              if (pa && pa.runs.length) rows.push(this.row('pinned', pa.runs.map((r) => `${r.npage} page(s) at iova ${hex(r.iova)}`).join(', ') + ' (vfio_pin_pages, css §9.2)'));
              return rows;
            },
          });
        }),
      }),
    );
  }
}
