/**
 * The adapter's FileAccess over `vscode.workspace.fs`: works for local files, remote and virtual
 * workspaces, and in the browser. A `program` is a file-system path or, in virtual workspaces, a
 * URI string (see debugConfigProvider `programOf`).
 */
import * as vscode from 'vscode';
import type { FileAccess } from '../debug-adapter/fileAccess';

/** `C:\x.vlab` and `/x.vlab` are paths; `vscode-vfs://github/...` is a URI. */
export function toUri(program: string): vscode.Uri {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]+:/.test(program) && !/^[a-zA-Z]:[\\/]/.test(program)) return vscode.Uri.parse(program, true);
  return vscode.Uri.file(program);
}

export class WorkspaceFileAccess implements FileAccess {
  private readonly decoder = new TextDecoder('utf-8');

  async readFile(path: string): Promise<string> {
    const uri = toUri(path);
    try {
      return this.decoder.decode(await vscode.workspace.fs.readFile(uri));
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(`cannot read ${uri.scheme === 'file' ? uri.fsPath : uri.toString()}: ${reason}`);
    }
  }
}
