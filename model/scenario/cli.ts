/**
 * The headless runner's logic, free of Node APIs (the entry in model/bin injects file reading and
 * the output streams): parse arguments, check or run each file, print a trace and a summary (or
 * JSON, or TAP 13), choose the exit code. `include` reads through the same injected reader,
 * confined to each scenario's folder. The trace is written as it happens (never held whole) and
 * every run stops at a step cap (issue 13: a runaway program ran out of heap after 173 s).
 */
import { expectOutcomes, failedText, runsNote } from './expectOutcomes';
import { exceptionOutcomes } from './exceptionOutcomes';
import { parseScenario } from './parser';
import { excerpt, formatDiagnostic, type Diagnostic } from './diagnostics';
import { Runner, type ExpectResult } from './runner';
import { dirName, readerIncludeResolver } from './statements/include';
import { describeEvent } from '../engine/events';
import { DEFAULT_LIMITS, LIMITS, resolveLimits, type Limits } from '../limits';

export interface CliResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Where output goes as it is produced (the bin's process streams); without one it is collected. */
export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Reads a scenario file; with `root`, the file must really be inside that folder (symbolic links resolved). */
export type CliReader = (path: string, root?: string, limits?: Limits) => string;

export const USAGE = `usage: vfio-lab run FILE... [--trace] [--json | --tap] [--max-steps N] [--limit NAME=N]...
       vfio-lab check FILE... [--json | --tap] [--limit NAME=N]...
       vfio-lab --help

  run     execute each scenario headless. Prints a trace (statements, CCW fetches and status,
          pins and releases, CRWs, expects, exceptions; with --trace every model event),
          each failed expect as FILE:LINE with expected and actual, and a summary per file
  check   parse only: report every diagnostic (FILE:LINE:COLUMN: severity: message)

  --trace        print every model event, decoded
  --json         print one JSON object per file (diagnostics, expects, exceptions, trace)
  --tap          print TAP version 13: one test point per expect, a 'not ok' with YAML
                 (file, line, column, message) per diagnostic or exception; with check, one
                 point per file or diagnostic
  --max-steps N  stop a scenario after N model steps (a runaway TIC loop); default ${DEFAULT_LIMITS.maxSteps}
  --limit NAME=N raise (or lower) a resource limit; NAME is one of
                 ${LIMITS.filter((l) => l.name !== 'maxHistoryBytes' && l.name !== 'testTimeoutSeconds').map((l) => l.name).join(', ')}
  --help         this text

  include "FILE" in a scenario reads FILE relative to the including file; it must really be
  in the top-level scenario's folder (symbolic links are resolved) and be a regular file.

exit codes:
  0  every file parsed and every expect passed
  1  an expect failed, a program exception occurred, or a scenario error (a limit hit at run time)
  2  diagnostics (errors) in a file, an unreadable file, or bad usage
  3  a scenario was stopped at the step cap (--max-steps): a runaway program
`;

/** Exit code of a run stopped at the step cap. */
export const EXIT_STEP_CAP = 3;
/** Characters of one trace line at most (a 5 MiB `data … hex` statement prints an excerpt). */
const TRACE_LINE_CHARS = 300;

interface ReportedExpect { line: number; ok: boolean; expr: string; expected: string; actual: string; file?: string }

/**
 * An expect statement's outcome in a report (expectOutcomes.ts): its first failing run's values
 * (else its last run's), and how often it ran and failed. A loop runs an expect once per
 * iteration: the text output and TAP give one line per statement, in statement order.
 */
interface ExpectLine { line: number; file?: string; expr: string; ok: boolean; expected: string; actual: string; runs: number; failed: number }

interface FileReport {
  file: string;
  diagnostics: Diagnostic[];
  /** Every expect run, in order (up to the limit maxExpectResults). */
  expects: ReportedExpect[];
  /** Expects run and failed, also those beyond maxExpectResults (counted, not listed). */
  expectsRun: number;
  expectsFailed: number;
  /** Each expect statement that ran, once (its runs counted also beyond maxExpectResults). */
  expectStatements: ExpectLine[];
  exceptions: string[];
  events: number;
  pinsHeld: number;
  trace: string[];
  /** The run stopped at the step cap. */
  stepCap?: boolean;
}

/** Event kinds the plain trace shows (all of them with --trace). */
export const SHOWN_WITHOUT_TRACE: ReadonlySet<string> = new Set(['stmt', 'ccw.fetch', 'ccw.check', 'sch.status', 'page.grab', 'page.release', 'crw.queued', 'chp.state', 'expect', 'exception', 'warn', 'log', 'gup.return', 'end']);

export function runCli(argv: string[], readFile: CliReader, output?: CliOutput): CliResult {
  const collected = { stdout: '', stderr: '' };
  const out: CliOutput = output ?? { stdout: (t) => void (collected.stdout += t), stderr: (t) => void (collected.stderr += t) };
  const [cmd, ...rest] = argv;
  const done = (code: number): CliResult => ({ ...collected, code });
  if (cmd === '--help' || cmd === '-h' || cmd === 'help' || rest.includes('--help')) {
    out.stdout(USAGE);
    return done(0);
  }
  const usage = (msg: string): CliResult => {
    out.stderr(`vfio-lab: ${excerpt(msg, 400)}\n${USAGE}`);
    return done(2);
  };
  if (cmd !== 'run' && cmd !== 'check') return usage(cmd === undefined ? "expected 'run' or 'check'" : `expected 'run' or 'check', found '${excerpt(cmd)}'`);
  const overrides: Record<string, number> = {};
  const args: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--max-steps' || a === '--limit') {
      const v = rest[++i];
      if (v === undefined) return usage(`${a} needs a value`);
      if (a === '--max-steps') {
        const n = Number(v);
        if (!/^[0-9]+$/.test(v) || !Number.isSafeInteger(n) || n < 1) return usage('--max-steps needs a positive integer');
        overrides.maxSteps = n;
      } else {
        const m = /^([A-Za-z]+)=([0-9]+)$/.exec(v);
        if (!m) return usage(`--limit needs NAME=N, found '${excerpt(v)}'`);
        overrides[m[1]] = Number(m[2]);
      }
    } else args.push(a);
  }
  const { limits, problems } = resolveLimits(overrides);
  if (problems.length) return usage(problems[0]);
  const flags = new Set(args.filter((a) => a.startsWith('--')));
  const allowed = cmd === 'run' ? ['--trace', '--json', '--tap'] : ['--json', '--tap'];
  const unknown = [...flags].filter((f) => !allowed.includes(f));
  if (unknown.length) return usage(`unknown option ${unknown.map((u) => excerpt(u)).join(', ')}${cmd === 'check' ? ' for check' : ''}`);
  if (flags.has('--json') && flags.has('--tap')) return usage('--json and --tap exclude each other');
  const files = args.filter((a) => !a.startsWith('--'));
  if (files.length === 0) return usage('no scenario file given');

  const json = flags.has('--json');
  const tapMode = flags.has('--tap');
  // The plain trace streams as events happen; JSON and TAP need each file's whole report.
  const stream = !json && !tapMode && cmd === 'run';
  let code = 0;
  const reports: FileReport[] = [];
  for (const file of files) {
    const rep = runFile(file, readFile, cmd === 'check', flags.has('--trace'), limits, stream ? (line) => out.stdout(line + '\n') : undefined);
    if (rep.diagnostics.some((d) => d.severity === 'error')) code = 2;
    else if (rep.stepCap && code !== 2) code = EXIT_STEP_CAP;
    else if ((rep.expectsFailed > 0 || rep.exceptions.length) && code === 0) code = 1;
    if (tapMode) {
      reports.push(rep);
      continue;
    }
    if (json) {
      out.stdout(JSON.stringify(rep, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) + '\n');
      continue;
    }
    for (const d of rep.diagnostics) out.stderr(formatDiagnostic(d) + '\n');
    if (cmd === 'check') {
      out.stdout(`${file}: ${rep.diagnostics.length === 0 ? 'ok' : `${rep.diagnostics.length} problem(s)`}\n`);
      continue;
    }
    for (const e of rep.expectStatements) {
      if (!e.ok) out.stdout(`${e.file ?? file}:${e.line}: expect ${e.expr} FAILED: ${failedText(e)}\n`);
    }
    if (rep.stepCap) out.stderr(`vfio-lab: ${file}: stopped after ${limits.maxSteps} steps (limit maxSteps): a runaway program? raise it with --max-steps N\n`);
    out.stdout(`${file}: ${rep.expectsRun - rep.expectsFailed} of ${rep.expectsRun} expects passed, ${rep.exceptions.length} exceptions, ${rep.events} events, ${rep.pinsHeld} pins held at end\n`);
  }
  if (tapMode) out.stdout(tap(reports, cmd === 'check'));
  return done(code);
}

/** A YAML scalar that survives any message text. */
const yaml = (s: string | number) => (typeof s === 'number' ? String(s) : JSON.stringify(s));

/** TAP version 13 (testanything.org): plan first, one point per expect / diagnostic / exception. */
function tap(reports: FileReport[], checkOnly: boolean): string {
  const points: string[] = [];
  const comments: string[] = [];
  const point = (ok: boolean, desc: string, diag?: Record<string, string | number>) => {
    let s = `${ok ? 'ok' : 'not ok'} ${points.length + 1} - ${desc.replace(/#/g, '\\#')}`;
    if (diag) s += '\n  ---\n' + Object.entries(diag).map(([k, v]) => `  ${k}: ${yaml(v)}`).join('\n') + '\n  ...';
    points.push(s);
  };
  for (const rep of reports) {
    const errors = rep.diagnostics.filter((d) => d.severity === 'error');
    for (const d of rep.diagnostics.filter((x) => x.severity === 'warning')) comments.push(`# ${formatDiagnostic(d)}`);
    for (const d of errors) {
      point(false, `${d.file}:${d.line}:${d.column} ${d.message}`, { severity: 'error', file: d.file, line: d.line, column: d.column, message: d.message });
    }
    if (errors.length) continue;
    if (checkOnly) {
      point(true, `${rep.file} parses`);
      continue;
    }
    for (const e of rep.expectStatements) {
      const where = `${e.file ?? rep.file}:${e.line}`;
      if (e.ok) point(true, `${where} expect ${e.expr}${runsNote(e)}`);
      else point(false, `${where} expect ${e.expr}${runsNote(e)}`, { file: e.file ?? rep.file, line: e.line, expected: e.expected, actual: e.actual, ...(e.runs > 1 ? { runs: e.runs, failed: e.failed } : {}) });
    }
    for (const x of rep.exceptions) point(false, `${rep.file} ${x}`, { severity: 'exception', file: rep.file, message: x });
    if (rep.expectStatements.length === 0 && rep.exceptions.length === 0) point(true, `${rep.file} runs (no expects)`);
  }
  return ['TAP version 13', `1..${points.length}`, ...comments, ...points].join('\n') + '\n';
}

function runFile(file: string, readFile: CliReader, checkOnly: boolean, fullTrace: boolean, limits: Limits, emit?: (line: string) => void): FileReport {
  const rep: FileReport = { file, diagnostics: [], expects: [], expectsRun: 0, expectsFailed: 0, expectStatements: [], exceptions: [], events: 0, pinsHeld: 0, trace: [] };
  let text: string;
  try {
    text = readFile(file, undefined, limits);
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : e instanceof Error ? e.message.split('\n')[0] : String(e);
    rep.diagnostics.push({ file, line: 1, column: 1, endColumn: 1, severity: 'error', message: `cannot read file: ${why}` });
    return rep;
  }
  const root = dirName(file);
  const { scenario, diagnostics } = parseScenario(text, file, { resolve: readerIncludeResolver((p, r) => readFile(p, r, limits), root), limits });
  rep.diagnostics = diagnostics;
  if (checkOnly || diagnostics.some((d) => d.severity === 'error')) return rep;
  const runner = new Runner(scenario, limits);
  // statements from included files are traced as FILE:LINE (events carry only line and text)
  const included = new Map<string, string>();
  for (const stmt of scenario.statements) if (stmt.file) included.set(`${stmt.line}\u0000${stmt.text}`, stmt.file);
  const describe = (e: Parameters<typeof describeEvent>[0]): string => {
    if (e.kind !== 'stmt') return describeEvent(e);
    const f = included.get(`${e.line}\u0000${e.text}`);
    return f ? `${f}:${e.line}: ${e.text}` : describeEvent(e);
  };
  const write = emit ?? ((line: string) => void rep.trace.push(line));
  runner.m.setLean(); // headless: no time travel, no history, no call stacks
  runner.m.onEvent((r) => {
    rep.events++;
    // without --trace an expect shows once, as its result line
    const redundant = r.event.kind === 'stmt' && /^expect\b/.test(r.event.text);
    if (fullTrace || (SHOWN_WITHOUT_TRACE.has(r.event.kind) && !redundant)) {
      const indent = r.event.kind === 'stmt' ? '' : '    ';
      const line = `${String(r.time).padStart(6)} ${indent}${describe(r.event)}`;
      write(line.length > TRACE_LINE_CHARS ? excerpt(line, TRACE_LINE_CHARS) : line);
    }
  });
  runner.runToEnd(limits.maxSteps);
  // exceptions checked by an `expect exception == …` right after them were expected
  // each (line, message) once: a loop's failing statement fails once per iteration
  rep.exceptions = exceptionOutcomes(runner).map((x) => `line ${x.line}: ${x.message}`);
  if (!runner.done) {
    rep.stepCap = true;
    rep.exceptions.push(`stopped after ${limits.maxSteps} steps (limit maxSteps): a runaway channel program? raise it with --max-steps N`);
  }
  // each result names its statement's file (a loop runs a statement many times: no pairing by order)
  // one reported object per distinct result (a loop's expect repeats the same one: no copy per run)
  const reported = new Map<ExpectResult, ReportedExpect>();
  rep.expects = runner.expects.map((e) => {
    let r = reported.get(e);
    if (r === undefined) {
      const { line, ok, expr, expected, actual, file: from } = e;
      r = { line, ok, expr, expected, actual, ...(from !== undefined ? { file: from } : {}) };
      reported.set(e, r);
    }
    return r;
  });
  for (const { stmt, result: r } of expectOutcomes(runner)) {
    if (r === undefined || stmt.k !== 'expect') continue; // not reached
    rep.expectStatements.push({ line: stmt.line, ...(stmt.file !== undefined ? { file: stmt.file } : {}), expr: stmt.exprText, ...r });
  }
  rep.expectsRun = runner.state.expectsRun;
  rep.expectsFailed = runner.state.failures;
  rep.pinsHeld = runner.mm.pinsHeld();
  return rep;
}
