/** CodeLens "Run | Debug" on the first line of every `.vlab` file (commands take the file's URI). */
import * as vscode from 'vscode';
import { COMMANDS } from '../commands';

export const codeLensProvider: vscode.CodeLensProvider = {
  provideCodeLenses(document) {
    const top = new vscode.Range(0, 0, 0, 0);
    return [
      new vscode.CodeLens(top, { title: '$(run) Run', command: COMMANDS.runScenario, arguments: [document.uri], tooltip: 'Run this scenario without stopping (expect results in the Debug Console)' }),
      new vscode.CodeLens(top, { title: '$(debug-alt) Debug', command: COMMANDS.debugScenario, arguments: [document.uri], tooltip: 'Debug this scenario, stopping at the first statement' }),
    ];
  },
};
