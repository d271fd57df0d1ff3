/**
 * Function breakpoints (PRODUCT §3): on an I/O instruction name (`ssch`, `tsch`, …: stop at a
 * statement executing it) or on a kernel / QEMU function name the model shows in its frames
 * (`pin_user_pages_remote`, `cp_prefetch`, `css_do_ssch`, …: stop at the first record inside
 * that frame). Each may carry a condition and hit condition (breakpointOptions.ts).
 *
 * "Entered" is decided from history alone, so it is the same forwards and backwards: record i is
 * inside a frame that record i-1 was not inside. The model interns frames per call path, so the
 * test is an identity comparison. Two calls of one function with no record between them (a loop
 * of grabs on one stack) read as one entry: the model records no return event between them.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { HistoryRecord, ModelFrame } from '../model/engine/events';
import { suggestion } from '../model/scenario/diagnostics';
import { BreakpointOptions } from './breakpointOptions';
import { FUNCTION_NAMES, INSTRUCTION_NAMES } from './functionNames';

/** Most function breakpoints accepted in one request (a bounded input). */
export const MAX_FUNCTION_BREAKPOINTS = 256;

export interface FunctionBreakpoint {
  id: number;
  name: string;
  kind: 'instruction' | 'function';
  options: BreakpointOptions | undefined;
}

export class FunctionBreakpoints {
  private list: FunctionBreakpoint[] = [];

  constructor(private readonly newId: () => number) {}

  get active(): readonly FunctionBreakpoint[] {
    return this.list;
  }

  set(args: readonly DebugProtocol.FunctionBreakpoint[], known: ReadonlySet<string>): DebugProtocol.Breakpoint[] {
    if (args.length > MAX_FUNCTION_BREAKPOINTS) throw new Error(`at most ${MAX_FUNCTION_BREAKPOINTS} function breakpoints`);
    this.list = [];
    return args.map((a) => {
      const id = this.newId();
      const name = typeof a?.name === 'string' ? a.name.trim() : '';
      const kind = INSTRUCTION_NAMES.includes(name) ? 'instruction' : FUNCTION_NAMES.includes(name) ? 'function' : undefined;
      if (!kind) {
        const what = name === '' ? 'empty function name' : `unknown function or instruction '${name}'${suggestion(name, [...INSTRUCTION_NAMES, ...FUNCTION_NAMES])}`;
        return { id, verified: false, message: what };
      }
      let options: BreakpointOptions | undefined;
      try {
        options = a.condition || a.hitCondition ? new BreakpointOptions({ condition: a.condition, hitCondition: a.hitCondition }, known) : undefined;
      } catch (e) {
        return { id, verified: false, message: e instanceof Error ? e.message : String(e) };
      }
      this.list.push({ id, name, kind, options });
      return { id, verified: true, message: kind === 'instruction' ? `stops at each ${name} statement` : `stops when ${name} is entered` };
    });
  }

  /** Whether record i is at `bp`'s location: the statement runs the instruction, or the frame is entered. */
  at(bp: FunctionBreakpoint, history: readonly HistoryRecord[], i: number): boolean {
    const r = history[i];
    if (bp.kind === 'instruction') return r.event.kind === 'stmt' && firstWord(r.event.text) === bp.name;
    const f = frameNamed(r.frames, bp.name);
    if (!f) return false;
    const prev = i > 0 ? history[i - 1] : undefined;
    return !prev || !prev.frames.includes(f);
  }
}

function firstWord(text: string): string {
  const m = /^\s*(\S+)/.exec(text);
  return m ? m[1] : '';
}

/** The outermost frame with this name (its entry is what the breakpoint is about). */
function frameNamed(frames: readonly ModelFrame[], name: string): ModelFrame | undefined {
  for (let k = frames.length - 1; k >= 0; k--) if (frames[k].name === name) return frames[k];
  return undefined;
}
