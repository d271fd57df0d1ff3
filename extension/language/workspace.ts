/**
 * The editor side of file access for the language features and the Testing view: a scenario's
 * name for the parser (the same path or URI string the debug adapter uses), its workspace folder
 * (the root `include` must stay in), and reads that prefer the unsaved text of open editors.
 */
import * as vscode from 'vscode';
import { preloadIncludes, type IncludeResolver } from '../../model/scenario/statements/include';
import { programOf } from '../debugConfigProvider';
import { checkScenarioFile, readScenarioFile, toUri } from '../workspaceFileAccess';

export function scenarioName(uri: vscode.Uri): string {
  return programOf(uri);
}

/** The folder `include` is confined to: the workspace folder, else the file's own folder. */
export function includeRoot(uri: vscode.Uri): string | undefined {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  return folder ? programOf(folder.uri) : undefined;
}

/**
 * A scenario's text: an open editor's (unsaved) text, else the file — a regular file of at most
 * maxFileBytes and, with `root` (an included file), really inside that folder
 * (workspaceFileAccess.ts, issue 13).
 */
export async function readScenario(name: string, root?: string): Promise<string> {
  const uri = toUri(name);
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) {
    if (root !== undefined && uri.scheme !== 'untitled') await checkScenarioFile(name, root);
    return open.getText();
  }
  return readScenarioFile(name, root);
}

/** Parser options for a scenario: includes preloaded through the workspace, confined to its folder. */
export async function parseOptions(uri: vscode.Uri, text: string): Promise<{ resolve: IncludeResolver; root?: string }> {
  const name = scenarioName(uri);
  const root = includeRoot(uri);
  const resolve = await preloadIncludes(name, text, (p, r) => readScenario(p, r), root);
  return root === undefined ? { resolve } : { resolve, root };
}
