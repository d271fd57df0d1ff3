/**
 * The scenario runner: turns statements into model calls, one atomic action per `step()`.
 *
 * A statement runs as one action (its internal steps are emitted as events and can still be
 * visited by the debugger through the journal). `wait` is not atomic: while it waits, each
 * step runs one queued machine action (one CCW, one interruption), so a runaway channel program
 * can always be paused. The runner's own position (pc, waiting) lives in journaled state, so
 * travelling back in the journal also moves the runner back.
 */
import type { AddrRef, Expr, Scenario, Stmt } from './ast';
import { execCss } from './exec/css';
import { execGup } from './exec/gup';
import { resolveAddr } from './parser';
import { compare, evaluate, EvalError, formatValue, type EvalContext, type Value } from './evaluate';
import { resolvePath } from './paths';
import { hearSlot, Machine } from '../engine/machine';
import { STMT_ID } from '../engine/eventCodec';

const HEAR_STMT = hearSlot('stmt');
import { GUEST_CPU_THREAD } from '../engine/ids';
import { kernelFeatures, type KernelFeatures } from '../kernel/version';
import { GuestMemory } from '../guest/memory';
import { Css, ProgramInterruption } from '../css/css';
import type { ChscResult } from '../css/chsc';
import type { GuestIo } from '../guest/io';
import { Mm } from '../linux/mm/mm';
import { VfioStack, QEMU_NAME, QEMU_PID } from '../qemu/topology';
import { execVfio } from './exec/vfio';
import { execCpu } from './exec/cpu';
import type { GuestCpu } from '../guest/cpu';
import { statementLimitProblem } from './statementLimits';
import { CcwLineTable } from './ccwLineTable';
import { StmtPlan, EXEC, WAIT, EXPECT, REPEAT, END_REPEAT, HEADER, type Executor as StmtExecutor } from './stmtPlan';
import { DEFAULT_LIMITS, LimitError, limitMessage, type Limits } from '../limits';
import type { Pipe } from '../linux/mm/pipes';

type Executor = StmtExecutor<Runner>;
type WaitStmt = Extract<Stmt, { k: 'wait' }>;

/**
 * The executors, asked in this order. Which one runs a statement depends only on its kind and
 * the topology (`device` is vfio's in the vfio topology, the machine's otherwise), so a runner
 * remembers it per statement after the first execution (issue 12: every statement asked each
 * executor before its own, and vfio's built a closure for each).
 */
const EXECUTORS: readonly Executor[] = [execVfio, execCss, execCpu, execGup];

export interface ExpectResult {
  line: number;
  ok: boolean;
  expr: string;
  expected: string;
  actual: string;
  /** The `expect` statement's index in the scenario's statements (−1: typed at the debug console). */
  stmt: number;
  /** The included file the statement was written in (absent: the scenario file itself). */
  file?: string;
}

/**
 * The `stmt` event of `st`: one frozen object per statement, the same fields every time it runs
 * (a loop body's statements ran an object each per iteration; the history stores events by
 * value); to the history as its codec words, made once per statement (eventCodec.ts `stmtWords`,
 * issue 12 round 10), listeners get the object.
 */
function emitStmt(m: Machine, plan: StmtPlan<Runner>): void {
  const event = (plan.event ??= Object.freeze({ kind: 'stmt', line: plan.line, text: plan.text }));
  const words = m.isLean ? undefined : plan.eventWords(m.records.strings, plan.line, plan.text);
  if (words !== undefined) m.emitWords(STMT_ID, 'stmt', words, 'statement', event);
  else m.emit(event, 'statement');
}

export class Runner implements EvalContext {
  readonly m = new Machine();
  readonly features: KernelFeatures;
  readonly mem: GuestMemory;
  readonly css: Css;
  readonly mm: Mm;
  /** Where guest I/O instructions go: the machine (native) or QEMU (vfio topology). */
  readonly io: GuestIo;
  /** The host cio / vfio-ccw / QEMU stack of the vfio topology (model/qemu/topology.ts). */
  readonly vfio: VfioStack | undefined;
  /** Journaled runner state. */
  readonly state = {
    pc: 0,
    waiting: false,
    done: false,
    /**
     * The program-interruption code of the last statement ('operand', 'specification', …; ''
     * when it completed): `expect exception == "operand"` checks it (kvm-unit-tests style).
     */
    exception: '',
    /** The last condition code; −1: no value (none yet, or the last statement failed). */
    cc: -1n as bigint,
    /** The last return value; meaningful only while `retValid` (issue 11: no stale value after a failure). */
    ret: 0n as bigint,
    retValid: false,
    failures: 0,
    /** `expect` statements run so far (also those whose results `maxExpectResults` did not keep). */
    expectsRun: 0,
    irb: undefined as Uint8Array | undefined,
    schib: undefined as Uint8Array | undefined,
    intcode: undefined as { sid: number; intparm: number; iid: number } | undefined,
    /** The CRW of the last `stcrw` (css §6.1). */
    crw: undefined as number | undefined,
    /** The response of the last `chsc` (css §5.6). */
    chsc: undefined as ChscResult | undefined,
    /** The channel-path-status word of the last `stcps` (css §5.1). */
    cpsw: undefined as Uint8Array | undefined,
    /** The key byte the last `iske` inserted (css §11.2). */
    skey: undefined as number | undefined,
  };
  readonly bindings = new Map<string, number[]>();
  /** Pipes filled by `vmsplice` (model/linux/mm/pipes.ts). */
  readonly pipes = new Map<string, Pipe>();
  readonly processes = new Map<string, number>();
  /**
   * Every `expect` run, in order, up to the limit `maxExpectResults`; beyond it they are counted
   * (state.expectsRun, state.failures, expectTally), not kept. A statement that gives the same
   * result again (a loop's) adds the same frozen object, not a new one (issue 12).
   */
  readonly expects: ExpectResult[] = [];
  /**
   * Per statement index: how often its `expect` ran and failed, journaled like the loops'
   * counters: what the Testing view and the CLI report per statement when a loop runs it many
   * times (empty arrays when the scenario has no `expect`).
   */
  readonly expectTally: { runs: Float64Array; failed: Float64Array };
  /** Program exceptions and scenario errors, in order; `checked` ones were expected by an `expect exception …`. */
  readonly exceptions: Array<{ line: number; message: string; checked: boolean }> = [];
  /** Every kernel/QEMU warning the modelled system printed (WARN, bad page, RLIMIT_MEMLOCK …), in order. */
  readonly warnings: string[] = [];
  /** The model's own notes ([unverified: chosen] behaviour, wrong releases, injected faults), in order (issue 11). */
  readonly notes: string[] = [];
  /**
   * Iterations left of each `repeat` (by statement index; 0 when not inside it), journaled like
   * the pc so travelling back moves the loops back too (issue 12).
   */
  readonly loops: { left: Int32Array };
  /** Per statement (by index), made when it first runs: its kind, checks, executor, event (stmtPlan.ts). */
  private readonly plans: Array<StmtPlan<Runner> | undefined> = [];
  /**
   * The statement announce() recorded and that has not run: its pc (−1 none) and its record's
   * seq. ES private: a note for the next step, outside the state walks (the state is the same
   * whether a stop's statement was announced or run and undone).
   */
  #announcedPc = -1;
  #announcedSeq = -1;
  private readonly guestCpu: GuestCpu;
  /** Guest CCW address → the included file it was written in (absent: the scenario itself). */
  private readonly ccwFiles = new Map<number, string>();

  constructor(readonly scenario: Scenario, readonly limits: Limits = DEFAULT_LIMITS) {
    // model/limits.ts: guest storage is allocated whole, so its size is checked before that.
    if (scenario.memorySize > limits.maxGuestMemoryBytes) throw new LimitError('maxGuestMemoryBytes', `guest memory of ${scenario.memorySize} bytes`, limits);
    this.features = kernelFeatures(scenario.kernel);
    this.mem = new GuestMemory(this.m, scenario.memorySize);
    this.mm = new Mm(this.m, this.features);
    if (scenario.topology === 'vfio') {
      // css §6–10: machine on host storage, host cio + vfio_ccw, QEMU relaying the guest's I/O
      this.vfio = new VfioStack(this.m, this.features, this.mem, this.mm);
      this.css = this.vfio.css;
      this.io = this.vfio.qemu;
      this.processes.set(QEMU_NAME, QEMU_PID);
    } else {
      this.css = new Css(this.m, this.mem);
      this.io = this.css;
    }
    this.guestCpu = (this.vfio ? this.vfio.qemu.core : this.css.core).cpu;
    this.loops = { left: new Int32Array(scenario.statements.some((x) => x.k === 'repeat') ? scenario.statements.length : 0) };
    const tally = scenario.statements.some((x) => x.k === 'expect') ? scenario.statements.length : 0;
    this.expectTally = { runs: new Float64Array(tally), failed: new Float64Array(tally) };
    const ccwLines = new Map<number, number>(); // guest CCW address → its line, the last program's
    for (const st of scenario.statements) {
      if (st.k === 'program') {
        st.ccws.forEach((c, i) => {
          ccwLines.set(st.addr + 8 * i, c.line);
          const file = c.file ?? st.file;
          if (file) this.ccwFiles.set(st.addr + 8 * i, file);
        });
      }
    }
    const vfio = this.vfio;
    // warnings are readable from expects (`warnings`, `warned("RLIMIT_MEMLOCK")`), the model's
    // notes apart from them (`notes`, `noted("…")`): an event marked `note`, or any text the
    // model marks as its own ([unverified …], [model] …, injected: …)
    this.m.onEvent((r) => {
      if (r.event.kind !== 'warn') return;
      this.m.journal.push(r.event.note || isModelNote(r.event.message) ? this.notes : this.warnings, r.event.message);
    }, ['warn']); // only warnings: no record object is built for the other events (issue 12)
    const lines = new CcwLineTable(ccwLines);
    this.css.ccwLineResolver = vfio ? (addr) => lines.lineAt(vfio.guestCcwAddr(addr) ?? -1) : (addr) => lines.lineAt(addr);
  }

  /** The included file a CCW at this (machine) address was written in, if not the scenario. */
  ccwFileAt(addr: number): string | undefined {
    const guest = this.vfio ? this.vfio.guestCcwAddr(addr) : addr;
    return guest === undefined ? undefined : this.ccwFiles.get(guest);
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
    const state = this.state;
    if (state.done) return false;
    const m = this.m;
    const pc = state.pc;
    const st = this.scenario.statements[pc];
    if (!st) {
      this.finish();
      return false;
    }
    const plan = this.plan(pc, st);
    if (state.waiting && plan.kind === WAIT) {
      // one action of the wait, in its frame (entered by hand: no closure per step)
      const frame = m.enter(plan.text, plan.line);
      try {
        this.waitStep(st as WaitStmt);
      } finally {
        m.leave(frame);
      }
      return true;
    }
    this.runStatement(st, pc);
    return true;
  }

  /**
   * Run up to `max` atomic actions (at least one); returns how many ran, 0 once the scenario has
   * ended. Each is the action `step()` runs, in the same order: a statement is one and ends the
   * call, unless it leaves a `wait` waiting — then that wait's actions (a CCW, an interruption)
   * follow in this call, its condition checked before each exactly as `step()` checks it, up to
   * the budget or the end of the wait. Callers that count steps (the CLI's --max-steps, the
   * Testing view, `runToEnd`) add the returned number, so every counter counts the same units
   * as with single steps; the debugger too, at most navigator.ts ACTIONS_PER_CALL per call
   * (issue 12: a runner call per CCW).
   */
  steps(max: number): number {
    if (!this.step()) return 0;
    const state = this.state;
    if (max <= 1 || !state.waiting) return 1;
    const st = this.scenario.statements[state.pc];
    if (st === undefined) return 1;
    const plan = this.plan(state.pc, st);
    if (plan.kind !== WAIT) return 1;
    let n = 1;
    // the frame step() enters for each of the wait's actions, entered once for all of them
    const frame = this.m.enter(plan.text, plan.line);
    try {
      while (n < max && state.waiting) n += this.waitStep(st as WaitStmt, max - n);
    } finally {
      this.m.leave(frame);
    }
    return n;
  }

  /**
   * The statement `st` at index `pc` inside its frame on the guest CPU, then the pc past it. The
   * thread and frame are entered by hand, no closure per step (issue 12: the runner's calls were
   * a fifth of a lean STSCH); a method of its own, so step() stays small enough for V8 to inline
   * a wait's action into it (a CCW per step). The pc moves only after the statement returns.
   */
  private runStatement(st: Stmt, pc: number): void {
    const m = this.m;
    const state = this.state;
    const plan = this.plan(pc, st);
    const kind = plan.kind;
    // announced: its exception reset and `stmt` record are made already (announce)
    const announced = this.#announcedPc === pc && this.announcedHere();
    this.#announcedPc = -1;
    // A program exception stays readable (`exception`) until the next statement that is not an `expect`.
    if (!announced && kind !== EXPECT && state.exception !== '') m.journal.set(state, 'exception', '');
    const thread = m.enterThread(GUEST_CPU_THREAD);
    const frame = m.enter(plan.text, plan.line);
    try {
      this.execCurrent(st, pc, plan, announced);
    } finally {
      m.leave(frame);
      m.leaveThread(thread);
    }
    if (kind === WAIT) return;
    const end = kind === REPEAT && this.loops.left[pc] === 0 ? (st as Extract<Stmt, { k: 'repeat' }>).end : 0;
    this.advance(end > 0 ? end + 1 : pc + 1);
  }

  /**
   * Make the next statement's `stmt` record (and the reset of `exception` that comes before it)
   * without running the statement: what `step()` would record first, at the same journal
   * position. The debugger's forward walk (navigator.ts) asks for it when it needs a record past
   * the last one: a stop at that record then needs no undo of the statement, and the next step
   * no redo of it (at scale, the step to a 10^6-page pin ran the pin and undid it, 4.1 s, and the
   * step over it redid it first, 4.9 s; now 2 ms and 3.0–3.6 s). The next `step()` runs the statement without
   * recording it again, while the record is still the last one and nothing has changed since
   * (announcedHere); otherwise it records it again, as after an edit at that stop. False (nothing
   * done) when the scenario has ended, a `wait` is waiting, the statement is announced already,
   * or its record would not be kept (lean runs).
   */
  announce(): boolean {
    const state = this.state;
    const m = this.m;
    if (state.done || state.waiting || m.isLean || !m.hears(HEAR_STMT)) return false;
    const pc = state.pc;
    const st = this.scenario.statements[pc];
    if (st === undefined || (this.#announcedPc === pc && this.announcedHere())) return false;
    const plan = this.plan(pc, st);
    if (plan.kind !== EXPECT && state.exception !== '') m.journal.set(state, 'exception', '');
    const thread = m.enterThread(GUEST_CPU_THREAD);
    const frame = m.enter(plan.text, plan.line);
    try {
      emitStmt(m, plan);
    } finally {
      m.leave(frame);
      m.leaveThread(thread);
    }
    const h = m.records;
    this.#announcedPc = pc;
    this.#announcedSeq = h.seq(h.length - 1);
    return true;
  }

  /**
   * Forget the announcement: the next step records the statement again (an edit at its stop —
   * navigator.ts beginEdit — re-records it with the edited state, even when the edit changed
   * nothing).
   */
  forgetAnnounced(): void {
    this.#announcedPc = -1;
  }

  /** The announced record is still the last one, of the same seq, and the state is the one it was made at. */
  private announcedHere(): boolean {
    const h = this.m.records;
    const j = this.m.journal;
    const n = h.length;
    return n > 0 && h.seq(n - 1) === this.#announcedSeq && h.kind(n - 1) === 'stmt' && j.position === j.length && h.journalPos(n - 1) === j.position;
  }

  /** The plan of statement `st` at index `pc`, made when it first runs. */
  private plan(pc: number, st: Stmt): StmtPlan<Runner> {
    return this.plans[pc] ?? (this.plans[pc] = new StmtPlan<Runner>(st));
  }

  /** The statement `st` at index `pc`, in its frame on the guest CPU (runStatement). */
  private execCurrent(st: Stmt, pc: number, plan: StmtPlan<Runner>, announced: boolean): void {
    const m = this.m;
    // none when nobody hears it (a lean run without a `stmt` listener), nor when announce() made it
    if (!announced) {
      if (m.hears(HEAR_STMT)) emitStmt(m, plan);
      else m.unheard();
    }
    try {
      this.exec(st, pc, plan);
    } catch (e) {
      this.failed(st, e);
    }
  }

  /**
   * Statement `st` threw `e`: a program exception or scenario error is recorded, anything else
   * goes on up. Apart from execCurrent so that the statement path stays small enough for V8 to
   * inline it whole (issue 12: its bytecode is counted against the caller's inlining budget
   * whether the catch runs or not).
   */
  private failed(st: Stmt, e: unknown): void {
    const m = this.m;
    const j = m.journal;
    // A failed statement leaves no condition code, return value or IRB behind: an `expect`
    // on them must not pass on the previous statement's values (issue 11).
    if (e instanceof ProgramInterruption || e instanceof Error) this.forgetResults();
    if (e instanceof ProgramInterruption) {
      j.set(this.state, 'exception', e.pic);
      // e.message is "PIC exception: DETAIL" already: the name once (it read "operand exception: operand exception: …")
      j.push(this.exceptions, { line: st.line, message: e.message, checked: false });
      m.emit({ kind: 'exception', name: `${e.pic} exception`, line: st.line, detail: e.detail }, 'statement');
    } else if (e instanceof EvalError || e instanceof Error) {
      j.push(this.exceptions, { line: st.line, message: `scenario error: ${e.message}`, checked: false });
      m.emit({ kind: 'exception', name: 'scenario error', line: st.line, detail: e.message }, 'statement');
    } else throw e;
  }

  /**
   * Move the pc to `to`, through the `end`s of loops: an `end` is not a stop of its own, it
   * counts one iteration down and goes back to the first statement of the body while any are
   * left (an empty body counts all its iterations at once).
   */
  private advance(to: number): void {
    const sts = this.statements;
    const left = this.loops.left;
    const j = this.m.journal;
    let next = to;
    for (let s = sts[next]; s !== undefined && this.plan(next, s).kind === END_REPEAT; s = sts[next]) {
      const start = (s as Extract<Stmt, { k: 'end-repeat' }>).start;
      const n = start + 1 === next ? 0 : left[start] - 1;
      // noted, then stored with a constant key (journal.ts noteElem/noteNum; a lean run only
      // stores): `setElem`/`set` look the array and field up by name on every layer's objects
      const v = n > 0 ? n : 0;
      j.noteElem(this.loops, 'left', start, left[start], v);
      left[start] = v;
      next = n > 0 ? start + 1 : next + 1;
    }
    const state = this.state;
    j.noteNum(state, 'pc', state.pc, next);
    state.pc = next;
  }

  /** Record a statement's return value (`ret`, `errno`). */
  setRet(v: bigint): void {
    this.m.journal.set(this.state, 'ret', v);
    this.m.journal.set(this.state, 'retValid', true);
  }

  /** `cc`, `ret` and `irb.*` have no value after a failed statement (issue 11). */
  private forgetResults(): void {
    const j = this.m.journal;
    j.set(this.state, 'cc', -1n);
    j.set(this.state, 'retValid', false);
    j.set(this.state, 'irb', undefined);
    j.set(this.state, 'skey', undefined);
  }

  /** The guest CPU (css §11.3): the machine's in the native topology, QEMU's guest CSS in vfio (fixed at construction). */
  get cpu(): GuestCpu {
    return this.guestCpu;
  }

  /**
   * Execute one extra statement now (the debugger's REPL): same semantics as in the file, on
   * the guest CPU, without moving the scenario's position. `wait` is refused (it would need
   * many steps). Errors are returned as text, never thrown.
   */
  execNow(st: Stmt): string | undefined {
    if (st.k === 'wait') return "'wait' cannot run from the console: step or continue instead";
    if (st.k === 'repeat' || st.k === 'end-repeat') return "'repeat' cannot run from the console: it runs in a scenario file";
    if (st.k === 'kernel' || st.k === 'topology' || st.k === 'memory') return `'${st.k}' can only be set at the top of the file`;
    try {
      this.m.onThread(GUEST_CPU_THREAD, () => this.m.within(st.text, () => this.exec(st), st.line));
      return undefined;
    } catch (e) {
      if (e instanceof ProgramInterruption) return e.message;
      if (e instanceof Error) return e.message;
      throw e;
    }
  }

  /** Run to the end (the headless runner); `limit` bounds runaway programs. */
  runToEnd(limit = 10_000_000): void {
    let n = 0;
    for (let k = this.steps(limit); k !== 0; k = this.steps(limit - n)) {
      n += k;
      if (n >= limit) {
        this.m.emit({ kind: 'warn', message: `stopped after ${limit} steps (runaway channel program?)`, ref: 'PRODUCT §6', note: true }, 'statement');
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

  /**
   * One step of a waiting `wait`, or up to `budget` of its actions in one call (`steps`): the
   * machine runs a chained action's next step at once only while `waitEnds` says the wait goes
   * on, the check made here before each action. Returns the number of steps taken.
   */
  private waitStep(st: Extract<Stmt, { k: 'wait' }>, budget = 1): number {
    const satisfied = st.until === 'interrupt' ? this.io.interruptionPending() : !this.m.hasPendingActions();
    if (satisfied || !this.m.hasPendingActions()) {
      this.setWaiting(false);
      this.advance(this.state.pc + 1);
      if (!satisfied) this.waitFailed(st);
      return 1;
    }
    if (budget <= 1) {
      this.m.runNextAction();
      return 1;
    }
    // `wait idle` goes on while an action is queued, as it is whenever a chained action has a next step
    return this.m.runActions(budget, st.until === 'interrupt' ? this.interruptWaitEnds : Runner.NEVER);
  }

  /**
   * `wait interrupt` that can never be satisfied is a failed statement (issue 11), not just an
   * event: it counts as a scenario error, and leaves no stale results behind. Apart from waitStep
   * so that a wait's steps inline it whole (issue 12).
   */
  private waitFailed(st: Extract<Stmt, { k: 'wait' }>): void {
    const message = 'wait interrupt: the channel subsystem went idle with no interruption pending';
    this.forgetResults();
    this.m.journal.push(this.exceptions, { line: st.line, message: `scenario error: ${message}`, checked: false });
    this.m.emit({ kind: 'exception', name: 'scenario error', line: st.line, detail: `${message} (css §5.4)` }, 'statement');
  }

  /**
   * `state.waiting` := v, noted (not called in lean runs), then stored with a constant key
   * (`journal.set`'s keyed store was 3 % of a lean SSCH/TSCH cycle, which waits once per cycle).
   */
  private setWaiting(v: boolean): void {
    const j = this.m.journal;
    if (j.recording) j.noteBool(this.state, 'waiting', this.state.waiting, v);
    this.state.waiting = v;
  }

  /** `wait interrupt`'s condition, for `runActions` (built once per runner). */
  private readonly interruptWaitEnds = (): boolean => this.io.interruptionPending();
  private static readonly NEVER = (): boolean => false;

  /** `pc`: the statement's index in the scenario (absent for the console's statements). */
  private exec(st: Stmt, pc?: number, plan: StmtPlan<Runner> = new StmtPlan<Runner>(st)): void {
    // model/limits.ts: a statement beyond a resource limit is a scenario error, never an allocation
    // (the REPL's statements and files parsed without the limits meet the same check here).
    if (plan.limited) this.checkLimits(st);
    if (plan.kind !== EXEC) return this.execControl(st, pc, plan);
    // css §11.5: a privileged instruction in problem state does nothing but the exception
    if (plan.privileged) this.guestCpu.checkPrivileged(plan.privileged);
    const known = plan.executor;
    if (known === undefined || !known(this, st)) this.execFirst(st, pc, plan);
  }

  /** The runner's own statements (exec): the header, `wait`, `expect`, `repeat` and its `end`. */
  private execControl(st: Stmt, pc: number | undefined, plan: StmtPlan<Runner>): void {
    switch (plan.kind) {
      case HEADER:
        return;
      case WAIT:
        this.setWaiting(true);
        return;
      case EXPECT:
        return this.expect(st as Extract<Stmt, { k: 'expect' }>, pc ?? -1, pc === undefined ? undefined : plan);
      case REPEAT:
        // its iterations; step() then enters the body, or skips it when there are none
        this.m.journal.setElem(this.loops, 'left', this.state.pc, (st as Extract<Stmt, { k: 'repeat' }>).count);
        return;
      case END_REPEAT:
        return; // never the pc (advance passes it)
    }
  }

  /** A statement beyond a resource limit (exec). */
  private checkLimits(st: Stmt): void {
    const over = statementLimitProblem(st, this.limits, undefined, this.mm.pages.count);
    if (over) throw new LimitError(over.limit, over.what, this.limits);
  }

  /**
   * The first run of a statement (exec): each executor in turn until one takes it, kept in the
   * plan for the next runs. The limit check and this search are apart from exec, and the catch
   * from execCurrent, so that the statement path (step → runStatement → execCurrent → exec) fits
   * V8's default inlining budget (920 bytes of bytecode per optimised function) and is compiled
   * as one function (issue 12).
   */
  private execFirst(st: Stmt, pc: number | undefined, plan: StmtPlan<Runner>): void {
    for (let e = 0; e < EXECUTORS.length; e++) {
      if (!EXECUTORS[e](this, st)) continue;
      if (pc !== undefined) plan.executor = EXECUTORS[e];
      return;
    }
    throw new Error(`statement '${st.k}' has no executor`);
  }

  /** Resolve a data/program name or literal to a guest address. */
  addr(ref: AddrRef): number {
    return resolveAddr(ref, this.scenario.symbols);
  }

  pid(proc: string): number {
    const pid = this.processes.get(proc);
    if (pid === undefined) throw new Error(`unknown process '${proc}' (define it with 'process ${proc} pid N')`);
    return pid;
  }

  private expect(st: Extract<Stmt, { k: 'expect' }>, pc: number, plan: StmtPlan<Runner> | undefined): void {
    // an `expect` that reads `exception` right after a program exception makes it an expected one
    const readsException = (e: Expr) => e.k === 'path' && (e.head === 'exception' || e.head === 'pic');
    const last = this.exceptions[this.exceptions.length - 1];
    const j = this.m.journal;
    if (this.state.exception !== '' && last && !last.checked && (readsException(st.lhs) || readsException(st.rhs))) {
      j.set(last, 'checked', true);
    }
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
    // the statement's last result again when it is the same (a loop's expect: one object, not one per run)
    const held = plan?.expectResult;
    const r: ExpectResult = held !== undefined && held.ok === ok && held.actual === actual && held.expected === expected
      ? held
      : Object.freeze({ line: st.line, ok, expr: st.exprText, expected, actual, stmt: pc, ...(st.file !== undefined ? { file: st.file } : {}) });
    if (plan !== undefined && r !== held) {
      plan.expectResult = r;
      plan.expectEvent = Object.freeze({ kind: 'expect', line: r.line, ok, expr: r.expr, expected, actual });
    }
    const run = this.state.expectsRun;
    if (run < this.limits.maxExpectResults) j.push(this.expects, r);
    else if (run === this.limits.maxExpectResults) {
      // model/limits.ts: counted from here on, not kept; said once
      this.m.emit({ kind: 'warn', message: limitMessage('maxExpectResults', `expect number ${run + 1}`, this.limits) + ': later results are counted (expects passed/failed), not listed', ref: 'PRODUCT §6', note: true }, 'statement');
    }
    j.set(this.state, 'expectsRun', run + 1);
    if (!ok) j.set(this.state, 'failures', this.state.failures + 1);
    if (pc >= 0 && pc < this.expectTally.runs.length) {
      j.setElem(this.expectTally, 'runs', pc, this.expectTally.runs[pc] + 1);
      if (!ok) j.setElem(this.expectTally, 'failed', pc, this.expectTally.failed[pc] + 1);
    }
    this.m.emit(plan?.expectEvent ?? { kind: 'expect', line: r.line, ok, expr: r.expr, expected, actual }, 'instruction');
  }

  resolve(head: string, args: Value[], parts: Array<{ field: string } | { index: number }>, col: number): Value {
    return resolvePath(this, head, args, parts, col);
  }
}

export { EvalError };

/** Text the model uses for its own notes rather than a modelled kernel/QEMU warning. */
export function isModelNote(message: string): boolean {
  return /\[unverified|\[model\]|^injected: /.test(message);
}
