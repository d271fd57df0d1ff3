/**
 * The kernel / QEMU function names the model puts in its call stacks (`m.within(NAME, …)` in
 * model/): function breakpoints are verified against them, their "did you mean" comes from them,
 * and the "Add Function Breakpoint…" picker lists them (vlab/functionNames). They are the names
 * the frame explanations are kept under (kernelExplanationsCss.ts, kernelExplanationsMm.ts: one
 * entry per function the model emits, a unit test checks every emitted frame has one), so the
 * two cannot drift: a function explained is a function that takes a breakpoint. A unit test
 * checks every name still occurs in model/; any frame name seen in history also matches.
 */
import { STATEMENT_BY_NAME } from '../model/scenario/statements/index';
import { CSS_EXPLANATIONS } from './kernelExplanationsCss';
import { GRAB_FNS, MM_EXPLANATIONS } from './kernelExplanationsMm';

/** Built at run time, so not written out in model/: the host cio layer calls each driver's callback as `${driver}_chp_event` (css §8.4). */
const BUILT_NAMES = ['vfio_ccw_chp_event', 'io_subchannel_chp_event'];

/** gup §3.5 / counting.ts grabFn / putFn: the era-dependent grab and put helpers. */
const HELPER_NAMES = [...GRAB_FNS, 'put_compound_head', 'gup_put_folio'];

/** A C function's name; explained steps that are not functions ("touch pages (p[0] = 0)") are no breakpoint names. */
const isFunctionName = (n: string): boolean => /^[A-Za-z_][A-Za-z0-9_]*$/.test(n);

/** css §5 (and §11.2 SSKE/ISKE): the I/O and key instructions; a function breakpoint on one stops at a statement executing it. */
const INSTRUCTIONS = ['ssch', 'tsch', 'stsch', 'msch', 'csch', 'hsch', 'xsch', 'rsch', 'tpi', 'stcrw', 'stcps', 'chsc', 'schm', 'sal', 'rchp', 'sske', 'iske'];

/** Instruction names that are statements of the scenario language. */
export const INSTRUCTION_NAMES: readonly string[] = INSTRUCTIONS.filter((n) => STATEMENT_BY_NAME.has(n));

/** Every kernel / QEMU function name the model can show in a frame. */
export const FUNCTION_NAMES: readonly string[] = [...new Set([...CSS_EXPLANATIONS, ...MM_EXPLANATIONS].map(([name]) => name).filter(isFunctionName))].sort();

/** The names written out in model/ (a unit test checks each still occurs there). */
export const FRAME_NAME_TABLE: readonly string[] = FUNCTION_NAMES.filter((n) => !BUILT_NAMES.includes(n));
export const HELPER_NAME_TABLE: readonly string[] = HELPER_NAMES;
