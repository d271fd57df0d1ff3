/**
 * Instruction breakpoints on CCW guest addresses (PRODUCT §3, from the Disassembly view): the
 * reference is a guest address "0x…", the offset counts CCWs (8 bytes each, css §3.1 CCWs are
 * doubleword aligned). The breakpoint stops when a channel fetches the CCW at that address: a
 * `ccw.fetch` record, whose machine address is mapped back to the guest's in the vfio topology.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { HistoryRecord } from '../model/engine/events';
import { BreakpointOptions } from './breakpointOptions';

export const MAX_INSTRUCTION_BREAKPOINTS = 256;

export interface InstructionBreakpoint {
  id: number;
  addr: number;
  options: BreakpointOptions | undefined;
}

export interface CcwSpace {
  /** Guest memory size in bytes. */
  memorySize: number;
  /** Guest address of the CCW a ccw.fetch record names (machine address in the vfio topology). */
  guestAddr(machineAddr: number): number | undefined;
  /** The scenario line of a CCW declared at this guest address, if any. */
  declaredAt(guestAddr: number): number | undefined;
}

/** Parse "0x…" plus an offset in CCWs; throws a one-line Error. */
export function parseCcwReference(ref: unknown, offset: unknown): number {
  if (typeof ref !== 'string' || !/^0x[0-9a-fA-F]{1,16}$/.test(ref.trim())) throw new Error(`instruction reference '${String(ref)}': expected a guest address 0x…`);
  if (offset !== undefined && (typeof offset !== 'number' || !Number.isInteger(offset))) throw new Error('offset must be a whole number of CCWs');
  const addr = Number.parseInt(ref.trim().slice(2), 16) + 8 * ((offset as number | undefined) ?? 0);
  if (!Number.isSafeInteger(addr) || addr < 0) throw new Error(`instruction reference ${ref} + ${String(offset)} CCWs is not a guest address`);
  return addr;
}

export class InstructionBreakpoints {
  private list: InstructionBreakpoint[] = [];

  constructor(private readonly newId: () => number, private readonly space: CcwSpace) {}

  get active(): readonly InstructionBreakpoint[] {
    return this.list;
  }

  set(args: readonly DebugProtocol.InstructionBreakpoint[], known: ReadonlySet<string>): DebugProtocol.Breakpoint[] {
    if (args.length > MAX_INSTRUCTION_BREAKPOINTS) throw new Error(`at most ${MAX_INSTRUCTION_BREAKPOINTS} instruction breakpoints`);
    this.list = [];
    return args.map((a) => {
      const id = this.newId();
      try {
        const addr = parseCcwReference(a?.instructionReference, a?.offset);
        if (addr % 8 !== 0) throw new Error(`0x${addr.toString(16)} is not doubleword aligned: a CCW starts on an 8-byte boundary (css §3.1)`);
        if (addr + 8 > this.space.memorySize) throw new Error(`0x${addr.toString(16)} is outside guest memory (0x${this.space.memorySize.toString(16)} bytes)`);
        const options = a.condition || a.hitCondition ? new BreakpointOptions({ condition: a.condition, hitCondition: a.hitCondition }, known) : undefined;
        this.list.push({ id, addr, options });
        const line = this.space.declaredAt(addr);
        const ref = '0x' + addr.toString(16);
        return {
          id, verified: true, instructionReference: ref,
          message: line !== undefined ? `CCW of line ${line}` : `no CCW declared at ${ref}: stops if a channel fetches one there`,
        };
      } catch (e) {
        return { id, verified: false, message: e instanceof Error ? e.message : String(e) };
      }
    });
  }

  at(bp: InstructionBreakpoint, r: HistoryRecord): boolean {
    return r.event.kind === 'ccw.fetch' && this.space.guestAddr(r.event.addr) === bp.addr;
  }
}
