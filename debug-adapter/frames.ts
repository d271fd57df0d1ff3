/**
 * Stack frames for every thread (PRODUCT §3 "Threads"). The stopped thread shows the model's
 * call stack: the CCW line on top in a channel thread, kernel / QEMU functions with a
 * generated explanation source (kernelSources.ts) whose line is the step running now, the
 * scenario statement at the bottom. Threads that did not stop show their own real state: the
 * host kernel's and QEMU's queued work items (the machine's action queue is data), a channel's
 * current CCW — or no frame at all, never a placeholder.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Runner } from '../model/scenario/runner';
import type { Navigator } from './navigator';
import type { SourceMap } from './breakpoints';
import { GUEST_CPU_THREAD, CHANNEL_THREAD_BASE, HOST_KERNEL_THREAD } from '../model/engine/ids';
import { QEMU_THREAD } from '../model/qemu/threads';
import { KernelSources, currentLine, explanationOf, functionOf } from './kernelSources';
import { CHANNEL_ACTION } from '../model/css/channel';
import { HOST_IRQ_ACTION, HOST_CRW_ACTION, VFIO_WORK_ACTION } from '../model/linux/vfio-ccw/ioWork';
import { EVENTFD_ACTION, decodeEventfdArg } from '../model/linux/vfio-ccw/eventfd';
import { CHP_CFG_ACTION } from '../model/linux/cio/cio';
import { sidOf } from './stopState';
import { hex } from './disassembly';

/** Queued machine actions → the function that will run them, per thread. */
const HOST_WORK: Record<string, (arg: number) => { fn: string; what: string }> = {
  [HOST_IRQ_ACTION]: () => ({ fn: 'do_io_irq', what: 'I/O interruption pending' }),
  [HOST_CRW_ACTION]: () => ({ fn: 'crw_machine_check', what: 'channel report pending' }),
  [VFIO_WORK_ACTION]: (arg) => ({ fn: arg % 2 === 0 ? 'vfio_ccw_sch_io_todo' : 'vfio_ccw_crw_todo', what: `queued work of ${sidOf(Math.floor(arg / 2))}` }),
  [CHP_CFG_ACTION]: () => ({ fn: 'cfg_func', what: 'channel-path configure request queued' }),
};
const NOTIFIER = { io: 'vfio_ccw_io_notifier_handler', crw: 'vfio_ccw_crw_notifier_handler', req: 'vfio_ccw_req_notifier_handler' } as const;

export class Frames {
  readonly kernel = new KernelSources();

  constructor(
    private readonly runner: Runner,
    private readonly nav: Navigator,
    private readonly sources: SourceMap | undefined,
    private readonly programPath: string,
  ) {}

  /** The frames of `threadId`, innermost first; `idBase` numbers them. */
  stack(threadId: number, idBase: number): DebugProtocol.StackFrame[] {
    const cur = this.nav.current;
    if (!cur) return [];
    let id = idBase;
    const out: DebugProtocol.StackFrame[] = [];
    const push = (f: Omit<DebugProtocol.StackFrame, 'id' | 'column'> & { column?: number }) => out.push({ id: id++, column: f.line ? 1 : 0, ...f });
    if (threadId === cur.thread) {
      const e = cur.event;
      if (e.kind === 'ccw.fetch' && e.ccwLine !== undefined) push(this.ccwFrame(e.addr, e.cmd, e.ccwLine));
      cur.frames.forEach((f, i) => {
        if (f.line !== undefined) {
          push({ name: f.name, source: this.fileSource(this.sources?.fileOf(f.line, f.name) ?? this.programPath), line: f.line });
        } else {
          const inner = i > 0 ? cur.frames[i - 1].name : undefined;
          push(this.kernelFrame(f.name, currentLine(f.name, inner, i === 0 ? e.kind : undefined)));
        }
      });
      return out;
    }
    if (threadId === GUEST_CPU_THREAD) {
      const st = this.runner.current;
      if (st) push({ name: st.text, source: this.fileSource(st.file ?? this.programPath), line: st.line });
      return out;
    }
    for (const a of this.queued(threadId)) push(this.kernelFrame(a.fn, 1, `${a.fn} (${a.what}, runs at t=${a.time})`));
    if (threadId >= CHANNEL_THREAD_BASE) {
      const sch = threadId - CHANNEL_THREAD_BASE;
      const st = this.runner.css.core.chan.get(sch);
      if (st) {
        const addr = st.cur || st.next;
        const w0 = this.runner.css.core.mem.readU32(addr);
        const line = this.runner.css.ccwLineResolver(addr);
        const f = this.ccwFrame(addr, w0 === undefined ? 0 : w0 >>> 24, line);
        if (!st.cur) f.name = `next ${f.name}`;
        out.unshift({ ...f, id: id++, column: f.line ? 1 : 0 });
      }
    }
    return out;
  }

  /** The host kernel's, QEMU's or a channel's queued actions, in the order they will run. */
  private queued(threadId: number): Array<{ fn: string; what: string; time: number }> {
    const out: Array<{ fn: string; what: string; time: number }> = [];
    for (const a of this.runner.m.queue) {
      if (threadId === HOST_KERNEL_THREAD && HOST_WORK[a.kind]) out.push({ ...HOST_WORK[a.kind](a.arg), time: a.time });
      else if (threadId === QEMU_THREAD && a.kind === EVENTFD_ACTION) {
        const { sch, irq } = decodeEventfdArg(a.arg);
        out.push({ fn: NOTIFIER[irq], what: `${irq} eventfd of ${sidOf(sch)} signalled`, time: a.time });
      } else if (threadId >= CHANNEL_THREAD_BASE && a.kind === CHANNEL_ACTION && a.arg === threadId - CHANNEL_THREAD_BASE) {
        out.push({ fn: 'css_interpret_ccw', what: 'next CCW', time: a.time });
      }
    }
    return out;
  }

  /** CCW frame: its scenario line and the guest address as instruction pointer (disassembly, instruction breakpoints). */
  ccwFrame(addr: number, cmd: number, line: number | undefined): Omit<DebugProtocol.StackFrame, 'id' | 'column'> & { column?: number } {
    const guest = this.runner.vfio ? this.runner.vfio.guestCcwAddr(addr) : addr;
    const file = this.runner.ccwFileAt(addr) ?? this.programPath;
    const f: Omit<DebugProtocol.StackFrame, 'id' | 'column'> & { column?: number } = {
      name: `CCW @0x${addr.toString(16)} cmd 0x${cmd.toString(16).padStart(2, '0')}`,
      line: line ?? 0,
    };
    if (line !== undefined) f.source = this.fileSource(file);
    if (guest !== undefined) f.instructionPointerReference = hex(guest);
    return f;
  }

  private kernelFrame(name: string, line: number, label = name): Omit<DebugProtocol.StackFrame, 'id' | 'column'> {
    const e = explanationOf(name);
    return {
      name: label,
      line,
      source: {
        name: `${functionOf(name)}()`,
        sourceReference: this.kernel.referenceOf(name),
        origin: e ? e.origin : 'VFIO Lab model',
      },
    };
  }

  private fileSource(file: string): DebugProtocol.Source {
    // the base name once per file (a split array per frame per step before, issue 12)
    let name = this.baseNames.get(file);
    if (name === undefined) {
      name = file.split(/[\\/]/).pop() ?? file;
      if (this.baseNames.size < 1024) this.baseNames.set(file, name);
    }
    return { name, path: file };
  }

  private readonly baseNames = new Map<string, string>();
}
