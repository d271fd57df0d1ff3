/**
 * `vfioLab.runScenarioTests` (the "Run" CodeLens): runs one scenario as a Testing-view run (off the
 * extension host's thread, cancellable from the progress notification) and shows the result
 * visibly: a notification "FILE: N/M expects passed" (or the error), and the trace in the
 * "VFIO Lab Runs" output channel. Returns the file's summary (host tests read it).
 */
import * as vscode from 'vscode';
import type { FileSummary, ScenarioTests } from './scenarioTests';

export const RUN_FILE_COMMAND = 'vfioLab.runScenarioTests';

function baseName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}

/** The notification text for a file's summary (one line). */
export function summaryText(file: string, s: FileSummary): string {
  const counts = `${s.passed}/${s.total} expects passed`;
  if (s.state === 'errored') return `${file}: ${s.message?.split('\n')[0] ?? 'could not run'}`;
  if (s.state === 'skipped') return `${file}: not run (cancelled)`;
  if (s.state === 'failed' && s.passed === s.total) return `${file}: ${counts}; ${s.message?.split('\n')[0] ?? 'failed'}`;
  return `${file}: ${counts}`;
}

export function registerRunFileCommand(tests: ScenarioTests): vscode.Disposable {
  // created by the first run, not at activation (issue 14)
  let runs: vscode.OutputChannel | undefined;
  const command = vscode.commands.registerCommand(RUN_FILE_COMMAND, async (arg: unknown): Promise<FileSummary | undefined> => {
    const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
    if (!uri || !uri.path.endsWith('.vlab')) {
      void vscode.window.showErrorMessage('VFIO Lab: open a .vlab scenario first.');
      return undefined;
    }
    const name = baseName(uri);
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `VFIO Lab: running ${name}`, cancellable: true },
      (_progress, token) => tests.runForApi(uri, token),
    );
    const s = tests.summaries.get(tests.idOf(uri));
    if (!s) return undefined;
    const channel = (runs ??= vscode.window.createOutputChannel('VFIO Lab Runs'));
    channel.clear();
    channel.append(s.trace.replace(/\r\n/g, '\n'));
    const text = summaryText(name, s);
    const show = s.state === 'passed' ? vscode.window.showInformationMessage : s.state === 'skipped' ? vscode.window.showWarningMessage : vscode.window.showErrorMessage;
    void show(text, 'Show Trace', 'Open Testing').then((pick) => {
      if (pick === 'Show Trace') channel.show(true);
      if (pick === 'Open Testing') void vscode.commands.executeCommand('workbench.view.testing.focus');
    });
    return s;
  });
  return vscode.Disposable.from({ dispose: () => runs?.dispose() }, command);
}
