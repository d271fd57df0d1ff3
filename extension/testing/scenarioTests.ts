/**
 * The Testing view: every `.vlab` file of the workspace is a test, each of its `expect` lines a
 * child at its line. Running executes the scenario in-process with the model's runner (no debug
 * session) and reports each expect as passed or failed (expected vs. actual) at its line; the
 * Debug profile starts a debug session on the file instead. The tree follows file changes.
 */
import * as vscode from 'vscode';
import { parseScenario } from '../../model/scenario/parser';
import { runScenarioTest } from '../../model/scenario/language/testRun';
import type { Stmt } from '../../model/scenario/ast';
import { COMMANDS } from '../commands';
import { LANGUAGE_ID } from '../debugConfigProvider';
import { toVscodeDiagnostic } from '../language/diagnostics';
import { parseOptions, readScenario, scenarioName } from '../language/workspace';

export const CONTROLLER_ID = 'vfioLab.scenarios';
const GLOB = '**/*.vlab';
const EXCLUDE = '**/node_modules/**';

export class ScenarioTests implements vscode.Disposable {
  readonly controller = vscode.tests.createTestController(CONTROLLER_ID, 'VFIO Lab scenarios');
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  /** Last outcome per test item id, for the extension API (host tests; VS Code has no public read API). */
  readonly outcomes = new Map<string, { state: 'passed' | 'failed' | 'errored' | 'skipped'; message?: string }>();

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
    const { scenario } = parseScenario(text, scenarioName(uri));
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
    try {
      for (const file of this.filesOf(request)) {
        if (token.isCancellationRequested) break;
        try {
          await this.load(file);
          await this.runFile(run, file);
        } catch (e) {
          run.errored(file, new vscode.TestMessage(`cannot run ${file.label}: ${e instanceof Error ? e.message : String(e)}`));
        }
      }
    } finally {
      run.end();
    }
  }

  private async runFile(realRun: vscode.TestRun, file: vscode.TestItem): Promise<void> {
    const run = this.recording(realRun);
    const uri = file.uri!;
    const children: vscode.TestItem[] = [];
    file.children.forEach((c) => void children.push(c));
    run.started(file);
    for (const c of children) run.started(c);
    const t0 = Date.now();
    const text = await readScenario(scenarioName(uri));
    const name = scenarioName(uri);
    const { scenario, diagnostics } = parseScenario(text, name, await parseOptions(uri, text));
    const errors = diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) {
      const messages = errors.map((d) => {
        const m = new vscode.TestMessage(d.file === name ? d.message : `${d.file}:${d.line}:${d.column}: ${d.message}`);
        if (d.file === name) m.location = new vscode.Location(uri, toVscodeDiagnostic(d).range);
        return m;
      });
      run.errored(file, messages);
      for (const c of children) run.skipped(c);
      return;
    }
    const result = runScenarioTest(scenario);
    const byLine = new Map(children.map((c) => [c.range!.start.line + 1, c]));
    let failed = 0;
    for (const { stmt, result: r } of result.expects) {
      const child = stmt.file === undefined ? byLine.get(stmt.line) : undefined;
      if (r && !r.ok) failed++;
      if (!child) continue;
      if (!r) run.skipped(child);
      else if (r.ok) run.passed(child);
      else {
        const m = vscode.TestMessage.diff(`expect ${stmt.text.replace(/^expect\s+/, '')}: expected ${r.expected}, actual ${r.actual}`, r.expected, r.actual);
        m.location = new vscode.Location(uri, child.range!);
        run.failed(child, m);
      }
    }
    const took = Date.now() - t0;
    if (result.exceptions.length) {
      run.failed(file, result.exceptions.map((x) => {
        const m = new vscode.TestMessage(x.message);
        if (x.line !== undefined) m.location = new vscode.Location(uri, new vscode.Position(x.line - 1, 0));
        return m;
      }), took);
    } else if (failed) run.failed(file, new vscode.TestMessage(`${failed} expect${failed === 1 ? '' : 's'} failed`), took);
    else run.passed(file, took);
  }

  /** Forwards to the real run and remembers each item's outcome. */
  private recording(run: vscode.TestRun): Pick<vscode.TestRun, 'started' | 'passed' | 'failed' | 'errored' | 'skipped'> {
    const text = (m: vscode.TestMessage | readonly vscode.TestMessage[]) =>
      (Array.isArray(m) ? m : [m]).map((x: vscode.TestMessage) => (typeof x.message === 'string' ? x.message : x.message.value)).join('\n');
    return {
      started: (t) => run.started(t),
      passed: (t, d) => {
        this.outcomes.set(t.id, { state: 'passed' });
        run.passed(t, d);
      },
      failed: (t, m, d) => {
        this.outcomes.set(t.id, { state: 'failed', message: text(m) });
        run.failed(t, m, d);
      },
      errored: (t, m, d) => {
        this.outcomes.set(t.id, { state: 'errored', message: text(m) });
        run.errored(t, m, d);
      },
      skipped: (t) => {
        this.outcomes.set(t.id, { state: 'skipped' });
        run.skipped(t);
      },
    };
  }

  /** Run one file (or every file) as the Run profile would; for the extension API. */
  async runForApi(uri?: vscode.Uri): Promise<void> {
    await this.discover();
    const include = uri ? [this.fileItem(uri)] : undefined;
    const source = new vscode.CancellationTokenSource();
    try {
      await this.run(new vscode.TestRunRequest(include), source.token);
    } finally {
      source.dispose();
    }
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

export function registerTesting(): ScenarioTests {
  return new ScenarioTests();
}
