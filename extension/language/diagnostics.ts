/**
 * Problems view as you type: each `.vlab` document is parsed ~200 ms after its last change
 * (with its includes read through the workspace) and all of its diagnostics are published at
 * once. Problems inside an included file appear on the `include` line and, when that file is
 * open, in the file itself.
 */
import * as vscode from 'vscode';
import type { Diagnostic } from '../../model/scenario/diagnostics';
import { LANGUAGE_ID } from '../debugConfigProvider';
import { scenarioParser } from './scenarioParser';
import { parseOptions, scenarioName } from './workspace';

export const DIAGNOSTIC_DELAY_MS = 200;

export function toVscodeDiagnostic(d: Diagnostic): vscode.Diagnostic {
  const line = Math.max(0, d.line - 1);
  const from = Math.max(0, d.column - 1);
  const to = Math.max(from + 1, d.endColumn - 1);
  const v = new vscode.Diagnostic(new vscode.Range(line, from, line, to), d.message, d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
  v.source = 'vlab';
  return v;
}

export class DiagnosticsPublisher implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('vlab');
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor() {
    this.subscriptions.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, DIAGNOSTIC_DELAY_MS)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.cancel(d.uri);
        this.collection.delete(d.uri);
      }),
    );
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  private cancel(uri: vscode.Uri): void {
    const t = this.timers.get(uri.toString());
    if (t !== undefined) clearTimeout(t);
    this.timers.delete(uri.toString());
  }

  schedule(document: vscode.TextDocument, delay: number): void {
    if (document.languageId !== LANGUAGE_ID) return;
    this.cancel(document.uri);
    this.timers.set(document.uri.toString(), setTimeout(() => {
      this.timers.delete(document.uri.toString());
      void this.validate(document);
    }, delay));
  }

  async validate(document: vscode.TextDocument): Promise<vscode.Diagnostic[]> {
    const version = document.version;
    const text = document.getText();
    const name = scenarioName(document.uri);
    const opts = await parseOptions(document.uri, text);
    if (document.isClosed || document.version !== version) return [];
    const { diagnostics } = scenarioParser().parseScenario(text, name, opts);
    const mine = diagnostics.filter((d) => d.file === name).map(toVscodeDiagnostic);
    this.collection.set(document.uri, mine);
    return mine;
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const s of this.subscriptions) s.dispose();
    this.collection.dispose();
  }
}
