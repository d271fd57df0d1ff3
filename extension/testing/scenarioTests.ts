/**
 * The Testing view: every `.vlab` file of the workspace is a test, each of its `expect` lines a
 * child at its line. Running executes each scenario off the extension host's thread (a worker
 * thread in the Node host, in-process in the browser: scenarioRunner.ts), files in parallel
 * batches, each with a time cap, cancellable; it reports each expect as passed or failed
 * (expected vs. actual) at its line and records the file's trace as test output. The Debug
 * profile starts a debug session on the file instead. The tree follows file changes.
 */
import * as vscode from 'vscode';
import type { Stmt } from '../../model/scenario/ast';
import { preloadIncludes, readErrorText } from '../../model/scenario/statements/include';
import { resolveLimits, DEFAULT_LIMITS, type Limits } from '../../model/limits';
import { COMMANDS } from '../commands';
import { LANGUAGE_ID } from '../debugConfigProvider';
import { toVscodeDiagnostic } from '../language/diagnostics';
import { scenarioParser } from '../language/scenarioParser';
import { includeRoot, readScenario, scenarioName } from '../language/workspace';
import type { ScenarioJob, ScenarioJobResult } from './job';
import { createScenarioRunner, isFailure, type ScenarioRunner } from './scenarioRunner';
import { registerRunFileCommand } from './runFileCommand';

export const CONTROLLER_ID = 'vfioLab.scenarios';
const GLOB = '**/*.vlab';
const EXCLUDE = '**/node_modules/**';
/** Test output recorded per file at most (the trace is cut with a note beyond it). */
const MAX_OUTPUT_CHARS = 256 * 1024;

/** `vfioLab.testing.*` and `vfioLab.limits` (package.json contributes.configuration). */
export function testingSettings(): { parallel: number; timeoutSeconds: number; limits: Limits; problems: string[] } {
  const c = vscode.workspace.getConfiguration('vfioLab');
  const int = (v: unknown, fallback: number, max: number) => (typeof v === 'number' && Number.isInteger(v) && v >= 1 ? Math.min(v, max) : fallback);
  const { limits, problems } = resolveLimits(c.get('limits'));
  return {
    parallel: int(c.get('testing.parallel'), 2, 8),
    timeoutSeconds: int(c.get('testing.timeout'), DEFAULT_LIMITS.testTimeoutSeconds, 3600),
    limits,
    problems,
  };
}

/** A file's outcome in one line, for the Run CodeLens notification. */
export interface FileSummary {
  passed: number;
  total: number;
  state: 'passed' | 'failed' | 'errored' | 'skipped';
  message?: string;
  trace: string;
}

export class ScenarioTests implements vscode.Disposable {
  readonly controller = vscode.tests.createTestController(CONTROLLER_ID, 'VFIO Lab scenarios');
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  /** Last outcome per test item id, for the extension API (host tests; VS Code has no public read API). */
  readonly outcomes = new Map<string, { state: 'passed' | 'failed' | 'errored' | 'skipped'; message?: string }>();
  /** Test output recorded per file item id in the last run (CRLF lines, as appended to the run). */
  readonly outputs = new Map<string, string>();
  /** The last run's summary per file item id (the Run CodeLens shows it). */
  readonly summaries = new Map<string, FileSummary>();

  constructor() {
    const c = this.controller;
    c.resolveHandler = async (item) => {
      if (!item) await this.discover();
      else await this.load(item);
    };
    c.refreshHandler = () => this.discover();
    c.createRunProfile('Run', vscode.TestRunProfileKind.Run, (req, token) => this.run(req, token), true);
    c.createRunProfile('Debug', vscode.TestRunProfileKind.Debug, (req) => this.debug(req), true);
    const watcher = vscode.workspace.createFileSystemWatcher(GLOB);
    this.subscriptions.push(
      registerRunFileCommand(this),
      watcher,
      watcher.onDidCreate((uri) => void this.load(this.fileItem(uri))),
      watcher.onDidChange((uri) => this.later(uri)),
      watcher.onDidDelete((uri) => c.items.delete(uri.toString())),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.languageId === LANGUAGE_ID && e.document.uri.scheme !== 'untitled') this.later(e.document.uri);
      }),
    );
  }

  /** Reload a file's expects shortly after its last change. */
  private later(uri: vscode.Uri): void {
    const key = uri.toString();
    const t = this.pending.get(key);
    if (t !== undefined) clearTimeout(t);
    this.pending.set(key, setTimeout(() => {
      this.pending.delete(key);
      void this.load(this.fileItem(uri));
    }, 300));
  }

  async discover(): Promise<void> {
    const uris = await vscode.workspace.findFiles(GLOB, EXCLUDE);
    const seen = new Set(uris.map((u) => u.toString()));
    this.controller.items.forEach((item) => {
      if (!seen.has(item.id)) this.controller.items.delete(item.id);
    });
    await Promise.all(uris.map((u) => this.load(this.fileItem(u))));
  }

  private fileItem(uri: vscode.Uri): vscode.TestItem {
    const existing = this.controller.items.get(uri.toString());
    if (existing) return existing;
    const item = this.controller.createTestItem(uri.toString(), vscode.workspace.asRelativePath(uri, false), uri);
    item.canResolveChildren = true;
    this.controller.items.add(item);
    return item;
  }

  /** The file's own expect statements (not those of files it includes). */
  private async load(item: vscode.TestItem): Promise<Stmt[]> {
    const uri = item.uri!;
    let text: string;
    try {
      text = await readScenario(scenarioName(uri));
    } catch (e) {
      item.error = `cannot read: ${e instanceof Error ? e.message : String(e)}`;
      return [];
    }
    const { scenario } = scenarioParser().parseScenario(text, scenarioName(uri));
    const expects = scenario.statements.filter((s) => s.k === 'expect' && s.file === undefined);
    item.error = undefined;
    item.children.replace(expects.map((s) => {
      const child = this.controller.createTestItem(`${item.id}#${s.line}`, `${s.line}: ${s.text}`, uri);
      child.range = new vscode.Range(s.line - 1, 0, s.line - 1, s.text.length);
      return child;
    }));
    return expects;
  }

  /** The file items a request covers (a requested expect runs its whole file). */
  private filesOf(request: vscode.TestRunRequest): vscode.TestItem[] {
    const out = new Map<string, vscode.TestItem>();
    if (request.include) {
      for (const t of request.include) {
        const file = t.parent ?? t;
        out.set(file.id, file);
      }
    } else this.controller.items.forEach((i) => void out.set(i.id, i));
    for (const t of request.exclude ?? []) if (!t.parent) out.delete(t.id);
    return [...out.values()];
  }

  async run(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    const run = this.controller.createTestRun(request);
    const settings = testingSettings();
    const runner = createScenarioRunner(settings.parallel);
    const queue = this.filesOf(request);
    const rec = this.recording(run);
    for (const p of settings.problems) run.appendOutput(`vfioLab.limits: ${p}\r\n`);
    try {
      // Parallel batches: `runner.parallel` files at a time, each in its own worker.
      const lane = async () => {
        for (let file = queue.shift(); file; file = queue.shift()) {
          if (token.isCancellationRequested) {
            rec.skipped(file);
            continue;
          }
          try {
            await this.load(file);
            await this.runFile(rec, file, runner, settings, token);
          } catch (e) {
            rec.errored(file, new vscode.TestMessage(`cannot run ${file.label}: ${readErrorText(e)}`));
          }
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, runner.parallel) }, lane));
    } finally {
      runner.dispose?.();
      run.end();
    }
  }

  /** The job for a file: its text and every file it includes, read here (confined, regular files only). */
  private async jobOf(uri: vscode.Uri, limits: Limits): Promise<ScenarioJob> {
    const name = scenarioName(uri);
    const text = await readScenario(name);
    const root = includeRoot(uri);
    const files: ScenarioJob['files'] = [];
    await preloadIncludes(name, text, async (p, r) => {
      try {
        const t = await readScenario(p, r);
        files.push([p, { text: t }]);
        return t;
      } catch (e) {
        files.push([p, { error: readErrorText(e) }]);
        throw e;
      }
    }, root, limits.maxIncludes);
    return { name, text, files, limits, maxTraceChars: MAX_OUTPUT_CHARS, ...(root !== undefined ? { root } : {}) };
  }

  private async runFile(run: Recorder, file: vscode.TestItem, runner: ScenarioRunner, settings: ReturnType<typeof testingSettings>, token: vscode.CancellationToken): Promise<void> {
    const uri = file.uri!;
    const children: vscode.TestItem[] = [];
    file.children.forEach((c) => void children.push(c));
    run.started(file);
    for (const c of children) run.started(c);
    const t0 = Date.now();
    const name = scenarioName(uri);
    const job = await this.jobOf(uri, settings.limits);
    const got = await runner.run(job, token, settings.timeoutSeconds);
    const took = Date.now() - t0;
    if (isFailure(got)) {
      const why = got.failed === 'cancelled' ? 'cancelled'
        : got.failed === 'timeout' ? `stopped after ${got.seconds} s (the time cap; setting vfioLab.testing.timeout)`
        : got.message;
      run.output(file, `${name}: ${why}\n`);
      for (const c of children) run.skipped(c);
      if (got.failed === 'cancelled') run.skipped(file);
      else run.errored(file, new vscode.TestMessage(why), took);
      return;
    }
    this.report(run, file, children, got, took);
  }

  /** Maps a job's result onto the file's test items and records its trace as output. */
  private report(run: Recorder, file: vscode.TestItem, children: vscode.TestItem[], result: ScenarioJobResult, took: number): void {
    const uri = file.uri!;
    const name = scenarioName(uri);
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) {
      run.output(file, errors.map((d) => `${d.file}:${d.line}:${d.column}: error: ${d.message}`).join('\n') + '\n');
      const messages = errors.map((d) => {
        const m = new vscode.TestMessage(d.file === name ? d.message : `${d.file}:${d.line}:${d.column}: ${d.message}`);
        if (d.file === name) m.location = new vscode.Location(uri, toVscodeDiagnostic(d).range);
        return m;
      });
      run.errored(file, messages);
      for (const c of children) run.skipped(c);
      return;
    }
    run.output(file, result.trace);
    const byLine = new Map(children.map((c) => [c.range!.start.line + 1, c]));
    let failed = 0;
    for (const e of result.expects) {
      const child = e.file === undefined ? byLine.get(e.line) : undefined;
      const r = e.result;
      if (r && !r.ok) failed++;
      if (!child) continue;
      if (!r) run.skipped(child);
      else if (r.ok) run.passed(child);
      else {
        const m = vscode.TestMessage.diff(e.failure ?? `${e.text}: expected ${r.expected}, actual ${r.actual}`, r.expected, r.actual);
        m.location = new vscode.Location(uri, child.range!);
        run.failed(child, m);
      }
    }
    if (result.exceptions.length) {
      run.failed(file, result.exceptions.map((x) => {
        const m = new vscode.TestMessage(x.message);
        if (x.line !== undefined) m.location = new vscode.Location(uri, new vscode.Position(x.line - 1, 0));
        return m;
      }), took);
    } else if (failed) run.failed(file, new vscode.TestMessage(`${failed} expect${failed === 1 ? '' : 's'} failed`), took);
    else run.passed(file, took);
  }

  /** Forwards to the real run and remembers each item's outcome and output. */
  private recording(run: vscode.TestRun): Recorder {
    const text = (m: vscode.TestMessage | readonly vscode.TestMessage[]) =>
      (Array.isArray(m) ? m : [m]).map((x: vscode.TestMessage) => (typeof x.message === 'string' ? x.message : x.message.value)).join('\n');
    const summarize = (t: vscode.TestItem, state: FileSummary['state'], message?: string) => {
      if (t.parent) return;
      let passed = 0;
      let total = 0;
      t.children.forEach((c) => {
        total++;
        if (this.outcomes.get(c.id)?.state === 'passed') passed++;
      });
      this.summaries.set(t.id, { passed, total, state, trace: this.outputs.get(t.id) ?? '', ...(message !== undefined ? { message } : {}) });
    };
    return {
      started: (t) => {
        if (!t.parent) this.outputs.delete(t.id);
        run.started(t);
      },
      output: (t, out) => {
        // Test output is a terminal stream: CRLF line ends (VS Code API docs of appendOutput).
        const crlf = out.replace(/\r?\n/g, '\r\n');
        this.outputs.set(t.id, (this.outputs.get(t.id) ?? '') + crlf);
        run.appendOutput(crlf, undefined, t);
      },
      passed: (t, d) => {
        this.outcomes.set(t.id, { state: 'passed' });
        run.passed(t, d);
        summarize(t, 'passed');
      },
      failed: (t, m, d) => {
        this.outcomes.set(t.id, { state: 'failed', message: text(m) });
        run.failed(t, m, d);
        summarize(t, 'failed', text(m));
      },
      errored: (t, m, d) => {
        this.outcomes.set(t.id, { state: 'errored', message: text(m) });
        run.errored(t, m, d);
        summarize(t, 'errored', text(m));
      },
      skipped: (t) => {
        this.outcomes.set(t.id, { state: 'skipped' });
        run.skipped(t);
        summarize(t, 'skipped');
      },
    };
  }

  /** Run one file (or every file) as the Run profile would; for the extension API and the Run CodeLens. */
  async runForApi(uri?: vscode.Uri, token?: vscode.CancellationToken): Promise<void> {
    await this.discover();
    const include = uri ? [this.fileItem(uri)] : undefined;
    const source = new vscode.CancellationTokenSource();
    const sub = token?.onCancellationRequested(() => source.cancel());
    try {
      await this.run(new vscode.TestRunRequest(include), source.token);
    } finally {
      sub?.dispose();
      source.dispose();
    }
  }

  /** The file item id of a scenario URI (the key of `summaries` and `outputs`). */
  idOf(uri: vscode.Uri): string {
    return uri.toString();
  }

  /** Debug profile: a debug session per requested file (the debugger stops on failed expects). */
  async debug(request: vscode.TestRunRequest): Promise<void> {
    for (const file of this.filesOf(request)) await vscode.commands.executeCommand(COMMANDS.debugScenario, file.uri);
  }

  dispose(): void {
    for (const t of this.pending.values()) clearTimeout(t);
    for (const s of this.subscriptions) s.dispose();
    this.controller.dispose();
  }
}

/** What runFile reports through: the TestRun's calls plus the file's output. */
interface Recorder extends Pick<vscode.TestRun, 'started' | 'passed' | 'failed' | 'errored' | 'skipped'> {
  output(item: vscode.TestItem, text: string): void;
}

export function registerTesting(): ScenarioTests {
  return new ScenarioTests();
}
