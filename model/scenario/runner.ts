/**
 * The scenario runner: turns statements into model calls, one atomic action per `step()`.
 *
 * A statement runs as one action (its internal steps are emitted as events and can still be
 * visited by the debugger through the journal). `wait` is not atomic: while it waits, each
 * step runs one queued machine action (one CCW, one interruption), so a runaway channel program
 * can always be paused. The runner's own position (pc, waiting) lives in journaled state, so
 * travelling back in the journal also moves the runner back.
 */
import type { Scenario, Stmt } from './ast';
import { resolveAddr } from './parser';
import { compare, evaluate, EvalError, formatValue, type EvalContext, type Value } from './evaluate';
import { resolvePath } from './paths';
import { Machine } from '../engine/machine';
import { GUEST_CPU_THREAD } from '../engine/ids';
import { kernelFeatures, type KernelFeatures } from '../kernel/version';
import { GuestMemory } from '../guest/memory';
import { Css, ProgramInterruption, type OrbFields } from '../css/css';
import { Mm, type VmaKind } from '../linux/mm/mm';

export interface ExpectResult {
  line: number;
  ok: boolean;
  expr: string;
  expected: string;
  actual: string;
}

/** Defaults of an ORB written by a scenario (css §2): format-1 CCWs, prefetch allowed, all paths. */
const ORB_DEFAULTS: OrbFields = {
  intparm: 0, key: 0, spnd: 0, str: 0, mod: 0, sync: 0, fmt: 1, pfch: 1, isic: 0, alcc: 0, ssic: 0, b: 0, c64: 0, i2k: 0,
  lpm: 0xff, ils: 0, midaw: 0, orbx: 0, cpa: 0,
};

export class Runner implements EvalContext {
  readonly m = new Machine();
  readonly features: KernelFeatures;
  readonly mem: GuestMemory;
  readonly css: Css;
  readonly mm: Mm;
  /** Journaled runner state. */
  readonly state = {
    pc: 0,
    waiting: false,
    done: false,
    cc: -1n as bigint,
    ret: 0n as bigint,
    failures: 0,
    irb: undefined as Uint8Array | undefined,
    schib: undefined as Uint8Array | undefined,
    intcode: undefined as { sid: number; intparm: number; iid: number } | undefined,
  };
  readonly bindings = new Map<string, number[]>();
  readonly processes = new Map<string, number>();
  readonly expects: ExpectResult[] = [];
  private readonly ccwLines = new Map<number, number>();

  constructor(readonly scenario: Scenario) {
    this.features = kernelFeatures(scenario.kernel);
    this.mem = new GuestMemory(this.m, scenario.memorySize);
    this.css = new Css(this.m, this.mem);
    this.mm = new Mm(this.m, this.features);
    for (const st of scenario.statements) {
      if (st.k === 'program') st.ccws.forEach((c, i) => this.ccwLines.set(st.addr + 8 * i, c.line));
    }
    this.css.ccwLineResolver = (addr) => this.ccwLines.get(addr);
  }

  get statements(): readonly Stmt[] {
    return this.scenario.statements;
  }

  get current(): Stmt | undefined {
    return this.statements[this.state.pc];
  }

  get done(): boolean {
    return this.state.done;
  }

  /** Run one atomic action. Returns false once the scenario has ended. */
  step(): boolean {
    if (this.state.done) return false;
    const j = this.m.journal;
    const st = this.current;
    if (!st) {
      this.finish();
      return false;
    }
    if (this.state.waiting && st.k === 'wait') {
      this.m.within(st.text, () => this.waitStep(st), st.line);
      return true;
    }
    this.m.onThread(GUEST_CPU_THREAD, () => {
      this.m.within(st.text, () => {
        this.m.emit({ kind: 'stmt', line: st.line, text: st.text }, 'statement');
        try {
          this.exec(st);
        } catch (e) {
          if (e instanceof ProgramInterruption) {
            this.m.emit({ kind: 'exception', name: `${e.pic} exception`, line: st.line, detail: e.message }, 'statement');
          } else if (e instanceof EvalError || e instanceof Error) {
            this.m.emit({ kind: 'exception', name: 'scenario error', line: st.line, detail: e.message }, 'statement');
          } else throw e;
        }
      }, st.line);
    });
    if (st.k !== 'wait') j.set(this.state, 'pc', this.state.pc + 1);
    return true;
  }

  /** Run to the end (the headless runner); `limit` bounds runaway programs. */
  runToEnd(limit = 50_000_000): void {
    let n = 0;
    while (this.step()) {
      if (++n >= limit) {
        this.m.emit({ kind: 'warn', message: `stopped after ${limit} steps (runaway channel program?)`, ref: 'PRODUCT §6' }, 'statement');
        break;
      }
    }
  }

  private finish(): void {
    const pins = this.mm.pinsHeld();
    this.m.journal.set(this.state, 'done', true);
    this.m.emit({ kind: 'end', pinsHeld: pins }, 'statement', { name: '<end of scenario>', line: this.lastLine() });
  }

  private lastLine(): number {
    const last = this.statements[this.statements.length - 1];
    return last ? (last.k === 'program' ? last.endLine : last.line) : 1;
  }

  private waitStep(st: Extract<Stmt, { k: 'wait' }>): void {
    const j = this.m.journal;
    const satisfied = st.until === 'interrupt' ? this.css.interruptionPending() : !this.m.hasPendingActions();
    if (satisfied || !this.m.hasPendingActions()) {
      j.set(this.state, 'waiting', false);
      j.set(this.state, 'pc', this.state.pc + 1);
      if (!satisfied) {
        this.m.emit({ kind: 'warn', message: 'wait interrupt: the channel subsystem went idle with no interruption pending', ref: 'css §5.4' }, 'statement');
      }
      return;
    }
    this.m.runNextAction();
  }

  private exec(st: Stmt): void {
    const j = this.m.journal;
    const sid = (sch: number) => 0x00010000 | sch;
    switch (st.k) {
      case 'kernel': case 'topology': case 'memory':
        return;
      case 'chpid': return this.css.addChpid(st.chpid, st.type);
      case 'device':
        return this.css.addDevice({ devno: st.devno, sch: st.sch, type: st.type, chpids: st.chpids, enabled: st.enabled, isc: st.isc });
      case 'data':
        this.mem.write(st.addr, st.bytes);
        return;
      case 'idal': {
        const size = st.format === 1 ? 4 : 8;
        const bytes = new Uint8Array(st.entries.length * size);
        const dv = new DataView(bytes.buffer);
        st.entries.forEach((e, i) => (size === 4 ? dv.setUint32(i * 4, Number(e & 0xffffffffn)) : dv.setBigUint64(i * 8, e)));
        this.mem.write(st.addr, bytes);
        return;
      }
      case 'program': {
        const bytes = new Uint8Array(8 * st.ccws.length);
        const dv = new DataView(bytes.buffer);
        st.ccws.forEach((c, i) => {
          const cda = resolveAddr(c.cda, this.scenario.symbols);
          const o = 8 * i;
          if (st.format === 1) {
            // css §3.1 format 1: cmd, flags, count, 31-bit CDA
            dv.setUint8(o, c.cmd); dv.setUint8(o + 1, c.flags); dv.setUint16(o + 2, c.count); dv.setUint32(o + 4, cda >>> 0);
          } else {
            // css §3.1 format 0: cmd, 24-bit CDA, flags, reserved, count
            dv.setUint32(o, ((c.cmd << 24) | (cda & 0xffffff)) >>> 0); dv.setUint8(o + 4, c.flags); dv.setUint16(o + 6, c.count);
          }
        });
        this.mem.write(st.addr, bytes);
        return;
      }
      case 'ssch': {
        const orb: OrbFields = { ...ORB_DEFAULTS };
        for (const [k, ref] of Object.entries(st.orb)) (orb as unknown as Record<string, number>)[k] = resolveAddr(ref, this.scenario.symbols);
        j.set(this.state, 'cc', BigInt(this.css.ssch(sid(st.sch), orb)));
        return;
      }
      case 'simple-sch': {
        const s = sid(st.sch);
        if (st.instr === 'tsch') {
          const r = this.css.tsch(s);
          j.set(this.state, 'cc', BigInt(r.cc));
          if (r.cc !== 3) j.set(this.state, 'irb', r.irb);
        } else if (st.instr === 'stsch') {
          const r = this.css.stsch(s);
          j.set(this.state, 'cc', BigInt(r.cc));
          if (r.cc === 0) j.set(this.state, 'schib', r.schib);
        } else {
          j.set(this.state, 'cc', BigInt(this.css[st.instr](s)));
        }
        return;
      }
      case 'msch': {
        const changes: Record<string, number> = {};
        for (const c of st.changes) {
          // css §1: the MBA is a doubleword, two words of the SCHIB
          if (c.field === 'mba') {
            changes['mba.high'] = Math.floor(c.value / 2 ** 32);
            changes['mba.low'] = c.value >>> 0;
          } else changes[`pmcw.${c.field}`] = c.value;
        }
        j.set(this.state, 'cc', BigInt(this.css.msch(sid(st.sch), changes)));
        return;
      }
      case 'tpi': {
        const r = this.css.tpi();
        j.set(this.state, 'cc', BigInt(r.cc));
        if (r.cc === 1) j.set(this.state, 'intcode', { sid: r.sid, intparm: r.intparm, iid: r.iid });
        return;
      }
      case 'wait':
        j.set(this.state, 'waiting', true);
        return;
      case 'process':
        if (this.processes.has(st.name)) throw new Error(`process '${st.name}' already exists`);
        this.mm.addProcess(st.pid, st.name);
        j.mapSet(this.processes, st.name, st.pid);
        return;
      case 'vma':
        this.mm.addVma(this.pid(st.proc), st.start, st.size, st.kind as VmaKind, { read: st.read, write: st.write });
        return;
      case 'gup': {
        const r = this.mm.gup(st.api, this.pid(st.proc), st.start, st.nr, st.flags);
        j.set(this.state, 'ret', BigInt(r.ret));
        if (st.bind) j.mapSet(this.bindings, st.bind, r.pages);
        return;
      }
      case 'release': {
        const pages = this.bindings.get(st.target);
        if (!pages) throw new Error(`no pages are bound to '${st.target}'`);
        this.mm.release(st.api, st.api === 'unpin_user_page' || st.api === 'put_page' ? pages.slice(0, 1) : pages, st.makeDirty);
        return;
      }
      case 'expect':
        return this.expect(st);
    }
  }

  private pid(proc: string): number {
    const pid = this.processes.get(proc);
    if (pid === undefined) throw new Error(`unknown process '${proc}' (define it with 'process ${proc} pid N')`);
    return pid;
  }

  private expect(st: Extract<Stmt, { k: 'expect' }>): void {
    let ok = false;
    let actual = '';
    let expected = '';
    try {
      const a = evaluate(st.lhs, this);
      const b = evaluate(st.rhs, this);
      ok = compare(a, st.op, b);
      actual = formatValue(a);
      expected = `${st.op === '==' ? '' : st.op + ' '}${formatValue(b)}`;
    } catch (e) {
      if (!(e instanceof Error)) throw e;
      actual = `error: ${e.message}`;
      expected = st.exprText;
    }
    const r: ExpectResult = { line: st.line, ok, expr: st.exprText, expected, actual };
    this.m.journal.push(this.expects, r);
    if (!ok) this.m.journal.set(this.state, 'failures', this.state.failures + 1);
    this.m.emit({ kind: 'expect', ...r }, 'instruction');
  }

  resolve(head: string, args: Value[], parts: Array<{ field: string } | { index: number }>, col: number): Value {
    return resolvePath(this, head, args, parts, col);
  }
}

export { EvalError };
