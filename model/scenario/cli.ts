/**
 * The headless runner's logic, free of Node APIs (the entry in model/bin injects file reading):
 * parse arguments, check or run each file, print a trace and a summary, choose the exit code.
 */
import { parseScenario } from './parser';
import { formatDiagnostic, type Diagnostic } from './diagnostics';
import { Runner } from './runner';
import { describeEvent } from '../engine/events';

export interface CliResult {
  stdout: string;
  stderr: string;
  code: number;
}

export const USAGE = `usage: vfio-lab run FILE... [--trace] [--json] [--max-steps N]
       vfio-lab check FILE...

  run     execute each scenario headless; print a trace (with --trace: every model event,
          otherwise statements, CCWs, pins, CRWs and expects) and a summary
  check   report diagnostics only
  --json  print one JSON object per file instead of text
  --max-steps N  stop a scenario after N model steps (a runaway TIC loop); default 10000000
exit code: 0 all expects passed, 1 a failed expect or a program exception, 2 diagnostics or bad usage
`;

interface FileReport {
  file: string;
  diagnostics: Diagnostic[];
  expects: { line: number; ok: boolean; expr: string; expected: string; actual: string }[];
  exceptions: string[];
  events: number;
  pinsHeld: number;
  trace: string[];
}

const SHOWN_WITHOUT_TRACE = new Set(['stmt', 'ccw.fetch', 'ccw.check', 'sch.status', 'page.grab', 'page.release', 'crw.queued', 'expect', 'exception', 'warn', 'log', 'gup.return', 'end']);

export function runCli(argv: string[], readFile: (path: string) => string): CliResult {
  const [cmd, ...rest] = argv;
  if (cmd === '--help' || cmd === '-h' || cmd === 'help') return { stdout: USAGE, stderr: '', code: 0 };
  if (cmd !== 'run' && cmd !== 'check') return { stdout: '', stderr: `vfio-lab: expected 'run' or 'check'\n${USAGE}`, code: 2 };
  let maxSteps = 10_000_000;
  const args = [...rest];
  const ms = args.indexOf('--max-steps');
  if (ms >= 0) {
    const n = Number(args[ms + 1]);
    if (!Number.isInteger(n) || n < 1) return { stdout: '', stderr: `vfio-lab: --max-steps needs a positive integer\n${USAGE}`, code: 2 };
    maxSteps = n;
    args.splice(ms, 2);
  }
  const flags = new Set(args.filter((a) => a.startsWith('--')));
  const unknown = [...flags].filter((f) => !['--trace', '--json'].includes(f));
  if (unknown.length) return { stdout: '', stderr: `vfio-lab: unknown option ${unknown.join(', ')}\n${USAGE}`, code: 2 };
  const files = args.filter((a) => !a.startsWith('--'));
  if (files.length === 0) return { stdout: '', stderr: `vfio-lab: no scenario file given\n${USAGE}`, code: 2 };

  let stdout = '';
  let stderr = '';
  let code = 0;
  for (const file of files) {
    const rep = runFile(file, readFile, cmd === 'check', flags.has('--trace'), maxSteps);
    const failed = rep.expects.filter((e) => !e.ok).length;
    if (rep.diagnostics.some((d) => d.severity === 'error')) code = 2;
    else if ((failed || rep.exceptions.length) && code === 0) code = 1;
    if (flags.has('--json')) {
      stdout += JSON.stringify(rep, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) + '\n';
      continue;
    }
    for (const d of rep.diagnostics) stderr += formatDiagnostic(d) + '\n';
    if (cmd === 'check') {
      stdout += `${file}: ${rep.diagnostics.length === 0 ? 'ok' : `${rep.diagnostics.length} problem(s)`}\n`;
      continue;
    }
    stdout += rep.trace.join('\n') + (rep.trace.length ? '\n' : '');
    for (const e of rep.expects.filter((x) => !x.ok)) stdout += `${file}:${e.line}: expect ${e.expr} FAILED: expected ${e.expected}, actual ${e.actual}\n`;
    stdout += `${file}: ${rep.expects.length - failed} of ${rep.expects.length} expects passed, ${rep.exceptions.length} exceptions, ${rep.events} events, ${rep.pinsHeld} pins held at end\n`;
  }
  return { stdout, stderr, code };
}

function runFile(file: string, readFile: (p: string) => string, checkOnly: boolean, fullTrace: boolean, maxSteps: number): FileReport {
  const rep: FileReport = { file, diagnostics: [], expects: [], exceptions: [], events: 0, pinsHeld: 0, trace: [] };
  let text: string;
  try {
    text = readFile(file);
  } catch (e) {
    rep.diagnostics.push({ file, line: 1, column: 1, endColumn: 1, severity: 'error', message: `cannot read file: ${e instanceof Error ? e.message : String(e)}` });
    return rep;
  }
  const { scenario, diagnostics } = parseScenario(text, file);
  rep.diagnostics = diagnostics;
  if (checkOnly || diagnostics.some((d) => d.severity === 'error')) return rep;
  const runner = new Runner(scenario);
  runner.m.setLean(); // headless: no time travel, no history, no call stacks
  runner.m.onEvent((r) => {
    rep.events++;
    if (r.event.kind === 'exception') rep.exceptions.push(describeEvent(r.event));
    // without --trace an expect shows once, as its result line
    const redundant = r.event.kind === 'stmt' && /^expect\b/.test(r.event.text);
    if (fullTrace || (SHOWN_WITHOUT_TRACE.has(r.event.kind) && !redundant)) {
      const indent = r.event.kind === 'stmt' ? '' : '    ';
      rep.trace.push(`${String(r.time).padStart(6)} ${indent}${describeEvent(r.event)}`);
    }
  });
  runner.runToEnd(maxSteps);
  if (!runner.done) rep.exceptions.push(`stopped after ${maxSteps} steps: runaway channel program?`);
  rep.expects = runner.expects.map((e) => ({ ...e }));
  rep.pinsHeld = runner.mm.pinsHeld();
  return rep;
}
