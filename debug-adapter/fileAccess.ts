/**
 * How the adapter reads scenario files: injected, so the same session runs inline in the
 * extension host (vscode.workspace.fs, also in a browser), standalone over stdio (node fs) and
 * in tests (an in-memory map). STYLE: vscode-mock-debug's FileAccessor.
 */
export interface FileAccess {
  readFile(path: string): Promise<string>;
}
