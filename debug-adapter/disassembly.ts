/**
 * The DAP `disassemble` request over guest memory: every doubleword decoded as a CCW (css §3.1),
 * with the command named by its class or Linux name (css §3.3), the flags by name (css §3.2),
 * the count and the data address; a TIC's target is shown as the program's label (css §3.4).
 * The format comes from the `program` block the address lies in (format 0 or 1), else from the
 * ORB of the channel program in flight, else format 1. Addresses are "0x…" guest absolute
 * addresses, the same text as `instructionPointerReference` on CCW frames and as instruction
 * breakpoints.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Runner } from '../model/scenario/runner';
import { CCW_FLAG_BITS, CMD, commandClass, decodeCcw, type Ccw } from '../model/css/ccw';

/** At most this many instructions per request (a client asks for a screenful, ~50–400). */
export const MAX_DISASSEMBLE = 4096;

/** Linux names of well-known command codes (css §3.3 "Other Linux-named codes"). */
const CMD_NAMES: ReadonlyMap<number, string> = new Map([
  [CMD.NOP, 'NOP'], [CMD.SENSE, 'SENSE'], [CMD.TIC, 'TIC'], [CMD.SENSE_ID, 'SENSE_ID'], [CMD.READ_IPL, 'READ'],
  [CMD.READ_BACKWARD, 'READ_BACKWARD'], [CMD.STLCK, 'STLCK'], [CMD.SENSE_PGID, 'SENSE_PGID'], [0x5b, 'SUSPEND_RECONNECT'],
  [CMD.RDC, 'RDC'], [CMD.RELEASE, 'RELEASE'], [CMD.SET_PGID, 'SET_PGID'], [CMD.DCTL, 'DCTL'], [0x01, 'WRITE'],
]);

/** "READ", "WRITE", "TIC", … or the class for other codes ("write 0x11", "invalid 0x00"); css §3.3. */
export function commandName(cmd: number): string {
  const n = CMD_NAMES.get(cmd);
  if (n) return n;
  return `${commandClass(cmd)} 0x${cmd.toString(16).padStart(2, '0')}`;
}

/** Set flag names in mask order: "CC SLI" (css §3.2); "" when none. */
export function flagNames(flags: number): string {
  return CCW_FLAG_BITS.filter((b) => flags & b.mask).map((b) => b.name).join(' ');
}

export const hex = (n: number | bigint): string => '0x' + n.toString(16);

/** Parse a memory reference / instruction pointer reference: "0x1000" or decimal; undefined if not an address. */
export function parseAddress(ref: string | undefined): number | undefined {
  if (typeof ref !== 'string') return undefined;
  const t = ref.trim();
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(t)) return undefined;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : undefined;
}

export class Disassembler {
  constructor(private readonly runner: Runner) {}

  /** Format of the CCW at `addr`: its program block's, else the active channel's ORB, else 1. */
  formatAt(addr: number): 0 | 1 {
    for (const st of this.runner.statements) {
      if (st.k === 'program' && addr >= st.addr && addr < st.addr + 8 * Math.max(1, st.ccws.length)) return st.format;
    }
    for (const st of this.runner.css.core.chan.values()) return st.fmt;
    return 1;
  }

  /** The label (CCW label, program or data name) at exactly `addr`, if any. */
  symbolAt(addr: number): string | undefined {
    let best: string | undefined;
    for (const [name, a] of this.runner.scenario.symbols) {
      if (a !== addr) continue;
      // a CCW label beats the program name at the same address (`top:` in `program loop`)
      if (best === undefined || this.isProgram(best)) best = name;
    }
    return best;
  }

  private isProgram(name: string): boolean {
    return this.runner.statements.some((s) => s.k === 'program' && s.name === name);
  }

  /** Decode the CCW at `addr` (undefined when not fully inside guest memory). */
  ccwAt(addr: number, fmt = this.formatAt(addr)): Ccw | undefined {
    const mem = this.runner.mem;
    const w0 = mem.readU32(addr);
    const w1 = mem.readU32(addr + 4);
    if (w0 === undefined || w1 === undefined) return undefined;
    return decodeCcw(w0, w1, fmt);
  }

  /** One-line text of a decoded CCW: "READ SLI count 16 cda 0x3000", "TIC → top (0x1000)". */
  text(c: Ccw): string {
    if ((c.cmd & 0x0f) === CMD.TIC) {
      const sym = this.symbolAt(c.cda);
      return `TIC → ${sym ? `${sym} (${hex(c.cda)})` : hex(c.cda)}`;
    }
    const flags = flagNames(c.flags);
    const sym = this.symbolAt(c.cda);
    return `${commandName(c.cmd)}${flags ? ' ' + flags : ''} count ${c.count} cda ${hex(c.cda)}${sym ? ` <${sym}>` : ''}`;
  }

  /**
   * DAP disassemble: `instructionCount` CCWs starting `instructionOffset` doublewords from
   * `memoryReference` + `offset`. Addresses outside guest memory yield rows marked invalid, as
   * the DAP asks ("implementation defined" placeholders keep the client's paging working).
   */
  disassemble(args: DebugProtocol.DisassembleArguments): DebugProtocol.DisassembledInstruction[] {
    const base = parseAddress(args.memoryReference);
    if (base === undefined) throw new Error(`disassemble: memoryReference '${String(args.memoryReference)}' is not an address (e.g. 0x1000)`);
    const count = args.instructionCount;
    if (!Number.isInteger(count) || count < 0) throw new Error('disassemble: instructionCount must be a non-negative integer');
    if (count > MAX_DISASSEMBLE) throw new Error(`disassemble: at most ${MAX_DISASSEMBLE} instructions per request (asked ${count})`);
    const offset = Number.isInteger(args.offset) ? (args.offset as number) : 0;
    const insnOffset = Number.isInteger(args.instructionOffset) ? (args.instructionOffset as number) : 0;
    // CCWs are doubleword aligned (css §3.1): start on the doubleword at or below the address
    const start = Math.floor((base + offset) / 8) * 8 + insnOffset * 8;
    const out: DebugProtocol.DisassembledInstruction[] = [];
    for (let i = 0; i < count; i++) {
      const addr = start + i * 8;
      const row: DebugProtocol.DisassembledInstruction = { address: hex(Math.max(0, addr)), instruction: '' };
      const c = addr >= 0 ? this.ccwAt(addr) : undefined;
      if (!c) {
        row.instruction = '(outside guest memory)';
        row.presentationHint = 'invalid';
      } else {
        row.instructionBytes = [...(this.runner.mem.read(addr, 8) ?? [])].map((b) => b.toString(16).padStart(2, '0')).join(' ');
        row.instruction = this.text(c);
        const sym = this.symbolAt(addr);
        if (sym) row.symbol = sym;
        const line = this.lineOf(addr);
        if (line) {
          row.line = line.line;
          row.location = { name: basename(line.file), path: line.file };
        }
      }
      out.push(row);
    }
    return out;
  }

  private lineOf(addr: number): { line: number; file: string } | undefined {
    for (const st of this.runner.statements) {
      if (st.k !== 'program' || addr < st.addr || addr >= st.addr + 8 * st.ccws.length) continue;
      const c = st.ccws[(addr - st.addr) / 8];
      return { line: c.line, file: c.file ?? st.file ?? this.runner.scenario.file };
    }
    return undefined;
  }
}

function basename(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}
