/**
 * What the runner works out once per scenario statement (by index) instead of at every run of it
 * (issue 12): the statement objects have a shape per kind, so reading `st.k` at the runner's
 * half-dozen sites was a megamorphic load each, and a loop body's statements ran the resource
 * limit check (statementLimits.ts) and the privileged-instruction switch (exec/cpu.ts) on every
 * iteration. A plan has one shape: its fields are plain loads (also the statement's text and
 * line, which every run of it reads for its frame: megamorphic loads on the statements).
 */
import type { Stmt } from './ast';
import type { ModelEvent } from '../engine/events';
import type { ExpectResult } from './runner';
import { stmtWords, type StringTable } from '../engine/eventCodec';
import { LIMITED_KINDS } from './statementLimits';
import { privilegedMnemonic } from './exec/cpu';

/** The kinds the runner's own control flow tells apart (StmtPlan.kind); every other statement is EXEC. */
export const EXEC = 0;
export const WAIT = 1;
export const EXPECT = 2;
export const REPEAT = 3;
export const END_REPEAT = 4;
/** kernel, topology, memory: set up before the run, nothing to do when reached. */
export const HEADER = 5;

/** A statement executor (model/scenario/exec/): true when it ran `st`, false when `st` is not its kind. */
export type Executor<R> = (r: R, st: Stmt) => boolean;

export class StmtPlan<R> {
  readonly kind: number;
  /** Whether statementLimitProblem can find it beyond a limit (its kind is checked there). */
  readonly limited: boolean;
  /** css §11.5: the mnemonic when it is a privileged instruction. */
  readonly privileged: string | undefined;
  /** The statement's text and line (its frame's name and line): read here, the load has one shape, not one per kind. */
  readonly text: string;
  readonly line: number;
  /** Its executor, once known (which one depends only on the kind and the topology). */
  executor: Executor<R> | undefined = undefined;
  /** Its `stmt` event: one frozen object, the same fields every time it runs. */
  event: ModelEvent | undefined = undefined;
  /**
   * That event's codec words for the history, once it is recorded: a cache, in an ES private
   * field (outside the state walks: lean and journaled runs have the same plans).
   */
  #words: Int32Array | undefined = undefined;
  /**
   * An `expect`'s last result and its event, frozen: added again while the statement gives the
   * same result (a loop's expect, issue 12), replaced when it does not.
   */
  expectResult: ExpectResult | undefined = undefined;
  expectEvent: ModelEvent | undefined = undefined;

  constructor(st: Stmt) {
    this.kind = planKind(st);
    this.limited = LIMITED_KINDS.has(st.k);
    this.privileged = privilegedMnemonic(st);
    this.text = st.text;
    this.line = st.line;
  }

  /** The `stmt` event's codec words (eventCodec.ts `stmtWords`), made on the first call. */
  eventWords(strings: StringTable, line: number, text: string): Int32Array | undefined {
    return (this.#words ??= stmtWords(strings, line, text));
  }
}

function planKind(st: Stmt): number {
  switch (st.k) {
    case 'wait': return WAIT;
    case 'expect': return EXPECT;
    case 'repeat': return REPEAT;
    case 'end-repeat': return END_REPEAT;
    case 'kernel': case 'topology': case 'memory': return HEADER;
    default: return EXEC;
  }
}
