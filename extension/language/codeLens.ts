/**
 * CodeLens "Run | Debug" on the first line of every `.vlab` file (commands take the file's URI).
 * Run executes the file as a Testing-view run and shows "N/M expects passed" with the trace
 * (testing/runFileCommand.ts); Debug starts a debug session.
 */
import * as vscode from 'vscode';
import { COMMANDS } from '../commands';
import { RUN_FILE_COMMAND } from '../testing/runFileCommand';

export const codeLensProvider: vscode.CodeLensProvider = {
  provideCodeLenses(document) {
    const top = new vscode.Range(0, 0, 0, 0);
    return [
      new vscode.CodeLens(top, { title: '$(run) Run', command: RUN_FILE_COMMAND, arguments: [document.uri], tooltip: 'Run this scenario as a test: a notification shows how many expects passed, the trace goes to the "VFIO Lab Runs" output' }),
      new vscode.CodeLens(top, { title: '$(debug-alt) Debug', command: COMMANDS.debugScenario, arguments: [document.uri], tooltip: 'Debug this scenario, stopping at the first statement' }),
    ];
  },
};
