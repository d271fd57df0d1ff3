/**
 * One Testing-view run of a scenario file as plain data, so it can run off the extension host's
 * thread (a worker thread in the Node host, in-process in the browser): the host reads the file
 * and its includes (workspace file access, confined), the job parses and runs them with the
 * resource limits and returns diagnostics, each expect's result, exceptions and a bounded trace.
 * No `vscode`, no Node import: the worker bundle and the web bundle both include this file.
 */
import type { Diagnostic } from '../../model/scenario/diagnostics';
import { excerpt } from '../../model/scenario/diagnostics';
import { parseScenario } from '../../model/scenario/parser';
import { Runner } from '../../model/scenario/runner';
import { expectOutcomes, failedText, type ExpectOutcomeResult } from '../../model/scenario/expectOutcomes';
import { exceptionOutcomes } from '../../model/scenario/exceptionOutcomes';
import { joinInclude, type IncludeResolver } from '../../model/scenario/statements/include';
import { SHOWN_WITHOUT_TRACE } from '../../model/scenario/cli';
import { describeEvent } from '../../model/engine/events';
import type { Limits } from '../../model/limits';

export interface ScenarioJob {
  /** The scenario's name for the parser (path or URI string, as the debugger uses). */
  name: string;
  text: string;
  /** The folder includes are confined to (the text-level check; real paths were checked when read). */
  root?: string;
  /** Every included file the host read (or why it could not), by joined path. */
  files: Array<[string, { text: string } | { error: string }]>;
  limits: Limits;
  /** The trace is cut after this many characters (test output stays bounded). */
  maxTraceChars: number;
}

export interface JobExpect {
  line: number;
  /** Set when the expect is in an included file. */
  file?: string;
  text: string;
  /** Its runs (a loop's expect runs once per iteration): the first failure's values, else the last run's. */
  result?: ExpectOutcomeResult;
  /** A failed expect's message: `expect …: expected X, actual Y` and, for a loop's, how many of its runs failed. */
  failure?: string;
}

export interface ScenarioJobResult {
  diagnostics: Diagnostic[];
  expects: JobExpect[];
  exceptions: Array<{ line?: number; message: string }>;
  /** The run reached the end (false: stopped at the step cap). */
  finished: boolean;
  steps: number;
  /** The trace, LF-separated, at most maxTraceChars (then one line saying how much was left out). */
  trace: string;
}

/** Characters of one trace line at most. */
const TRACE_LINE_CHARS = 300;

export function runScenarioJob(job: ScenarioJob): ScenarioJobResult {
  const files = new Map(job.files);
  const resolve: IncludeResolver = (from, rel) => {
    const file = joinInclude(from, rel);
    const got = files.get(file);
    if (!got) return { error: `not read (more than ${job.limits.maxIncludes} files are included; limit maxIncludes)` };
    return 'text' in got ? { file, text: got.text } : got;
  };
  const { scenario, diagnostics } = parseScenario(job.text, job.name, { resolve, limits: job.limits, ...(job.root !== undefined ? { root: job.root } : {}) });
  const result: ScenarioJobResult = { diagnostics, expects: [], exceptions: [], finished: false, steps: 0, trace: '' };
  if (diagnostics.some((d) => d.severity === 'error')) return result;

  const lines: string[] = [];
  let chars = 0;
  let omitted = 0;
  const runner = new Runner(scenario, job.limits);
  runner.m.setLean();
  runner.m.onEvent((r) => {
    if (!SHOWN_WITHOUT_TRACE.has(r.event.kind) || (r.event.kind === 'stmt' && /^expect\b/.test(r.event.text))) return;
    if (chars >= job.maxTraceChars) {
      omitted++;
      return;
    }
    const indent = r.event.kind === 'stmt' ? '' : '    ';
    const line = excerpt(`${String(r.time).padStart(6)} ${indent}${describeEvent(r.event)}`, TRACE_LINE_CHARS);
    lines.push(line);
    chars += line.length + 1;
  });
  let steps = 0;
  // a wait's actions run several per call (runner.steps); each counts as a step
  while (steps < job.limits.maxSteps) {
    const k = runner.steps(job.limits.maxSteps - steps);
    if (k === 0) break;
    steps += k;
  }
  result.steps = steps;
  result.finished = runner.done;
  // exceptions checked by an `expect exception == …` right after them were expected
  result.exceptions = exceptionOutcomes(runner).map((x) => ({ line: x.line, message: x.message }));
  if (!runner.done) result.exceptions.push({ message: `stopped after ${job.limits.maxSteps} steps (limit maxSteps): a runaway channel program?` });
  result.expects = expectOutcomes(runner).map(({ stmt, result: r }): JobExpect => ({
    line: stmt.line,
    text: stmt.text,
    ...(stmt.file !== undefined ? { file: stmt.file } : {}),
    ...(r !== undefined ? { result: r } : {}),
    ...(r !== undefined && !r.ok ? { failure: `expect ${stmt.text.replace(/^expect\s+/, '')}: ${failedText(r)}` } : {}),
  }));
  for (const e of result.expects) {
    if (e.result && !e.result.ok) lines.push(`${e.file ?? job.name}:${e.line}: ${e.text} FAILED: ${failedText(e.result)}`);
  }
  if (omitted) lines.push(`… ${omitted} more trace lines not recorded (the test output keeps the first ${job.maxTraceChars} characters)`);
  const passed = result.expects.filter((e) => e.result?.ok).length;
  lines.push(`${job.name}: ${passed} of ${result.expects.length} expects passed, ${result.exceptions.length} exceptions, ${steps} steps`);
  result.trace = lines.join('\n') + '\n';
  return result;
}
