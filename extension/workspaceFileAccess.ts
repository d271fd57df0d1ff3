/**
 * The adapter's FileAccess over `vscode.workspace.fs`: works for local files, remote and virtual
 * workspaces, and in the browser. A `program` is a file-system path or, in virtual workspaces, a
 * URI string (see debugConfigProvider `programOf`).
 *
 * Reads are safe against a hostile checkout (issue 13; the Node twin is
 * debug-adapter/nodeFileAccess.ts): only regular files (a FIFO, a device or a directory stats as
 * something else and is refused before it is opened), at most maxFileBytes, and an included file
 * must really be inside the scenario folder. For `file:` URIs in the Node extension host the real
 * paths are compared (a real-path function injected by the Node entry, so this module stays free
 * of Node imports for the web bundle); elsewhere every path segment from the folder to the file
 * is stat'ed and a symbolic link anywhere on the way is refused.
 */
import * as vscode from 'vscode';
import type { FileAccess } from '../debug-adapter/fileAccess';
import { DEFAULT_LIMITS, limitMessage, type Limits } from '../model/limits';

/** `C:\x.vlab` and `/x.vlab` are paths; `vscode-vfs://github/...` is a URI. */
export function toUri(program: string): vscode.Uri {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]+:/.test(program) && !/^[a-zA-Z]:[\\/]/.test(program)) return vscode.Uri.parse(program, true);
  return vscode.Uri.file(program);
}

/** Resolves a local path to its real path (symbolic links followed); set by the Node entry. */
export type RealPath = (fsPath: string) => Promise<string>;
let realPath: RealPath | undefined;

/** Called once by the Node extension entry with `fs.promises.realpath`. */
export function useRealPath(fn: RealPath | undefined): void {
  realPath = fn;
}

export class FileAccessError extends Error {
  constructor(message: string, readonly code?: string) {
    super(message);
  }
}

function isNotFound(e: unknown): boolean {
  return (e instanceof vscode.FileSystemError && (e.code === 'FileNotFound' || e.code === 'EntryNotFound')) || /ENOENT|FileNotFound|EntryNotFound/.test(String(e));
}

/** Is `path` the folder `root` or below it (both with `/` separators, no trailing one on root)? */
function below(path: string, root: string): boolean {
  const p = path.replace(/\\/g, '/');
  const r = root.replace(/\\/g, '/').replace(/\/+$/, '');
  return p === r || p.startsWith(r + '/');
}

const OUTSIDE = 'it resolves outside the scenario folder (through a symbolic link); only files really inside the folder can be included';

/**
 * `.` and `..` segments resolved in the text of a URI path. `sub/../../x` must not pass the
 * folder test by its prefix; the file read is then the resolved path, the one checked (the
 * file system would resolve `..` after a linked directory physically, not textually).
 */
export function resolveDots(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return '/' + out.join('/');
}

/**
 * Refuses `uri` unless it is really inside `rootUri`: real paths for local files when the Node
 * entry gave a real-path function, else no symbolic link on any segment between the two (the
 * web host). Returns the URI to read.
 */
async function checkConfined(uri: vscode.Uri, rootUri: vscode.Uri): Promise<vscode.Uri> {
  if (uri.scheme === 'file' && rootUri.scheme === 'file' && realPath) {
    const [real, realRoot] = await Promise.all([realPath(uri.fsPath), realPath(rootUri.fsPath)]);
    if (!below(real, realRoot)) throw new FileAccessError(OUTSIDE);
    return uri;
  }
  const rootPath = resolveDots(rootUri.path);
  const target = uri.with({ path: resolveDots(uri.path) });
  if (uri.scheme !== rootUri.scheme || uri.authority !== rootUri.authority || !below(target.path, rootPath)) throw new FileAccessError(OUTSIDE);
  const rest = target.path.slice(rootPath.replace(/\/+$/, '').length).split('/').filter((s) => s !== '');
  let at = rootUri.with({ path: rootPath });
  for (const seg of rest) {
    at = vscode.Uri.joinPath(at, seg);
    // stat follows links and adds FileType.SymbolicLink to the target's type (checked in the host tier)
    const st = await vscode.workspace.fs.stat(at);
    if (st.type & vscode.FileType.SymbolicLink) throw new FileAccessError('it is, or is reached through, a symbolic link; include only reads files really inside the scenario folder');
  }
  return target;
}

/** Only a regular file of at most maxFileBytes is read (stat before open, issue 13). */
async function checkRegular(uri: vscode.Uri, limits: Limits): Promise<void> {
  const st = await vscode.workspace.fs.stat(uri);
  if (st.type & vscode.FileType.Directory) throw new FileAccessError('a directory, not a regular file: only regular files are read');
  if (!(st.type & vscode.FileType.File)) throw new FileAccessError('not a regular file (a FIFO, a device or a socket): only regular files are read');
  if (st.size > limits.maxFileBytes) throw new FileAccessError(limitMessage('maxFileBytes', `a file of ${st.size} bytes`, limits));
}

/**
 * Checks that `name` may be read (regular, small enough, and — with `root` — really inside that
 * folder) without reading it. Throws a one-line FileAccessError (code ENOENT when missing).
 */
export async function checkScenarioFile(name: string, root: string | undefined, limits: Limits = DEFAULT_LIMITS): Promise<vscode.Uri> {
  let uri = toUri(name);
  try {
    if (root !== undefined) uri = await checkConfined(uri, toUri(root));
    await checkRegular(uri, limits);
  } catch (e) {
    if (isNotFound(e) || (e as { code?: string }).code === 'ENOENT') throw new FileAccessError('no such file', 'ENOENT');
    if (e instanceof FileAccessError) throw e;
    throw new FileAccessError(`cannot read: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
  }
  return uri;
}

const decoder = new TextDecoder('utf-8');

/** Reads a scenario file after checkScenarioFile. */
export async function readScenarioFile(name: string, root: string | undefined, limits: Limits = DEFAULT_LIMITS): Promise<string> {
  const uri = await checkScenarioFile(name, root, limits);
  try {
    const bytes = await vscode.workspace.fs.readFile(uri);
    return decoder.decode(bytes.length > limits.maxFileBytes ? bytes.subarray(0, limits.maxFileBytes) : bytes);
  } catch (e) {
    if (isNotFound(e)) throw new FileAccessError('no such file', 'ENOENT');
    throw new FileAccessError(`cannot read: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
  }
}

/**
 * The inline adapter's FileAccess. The session reads the launched `program` first, then the files
 * it includes: the first read fixes the scenario folder (the program's folder), and every later
 * read must really be inside it.
 */
export class WorkspaceFileAccess implements FileAccess {
  private root: string | undefined;

  constructor(private readonly limits: Limits = DEFAULT_LIMITS) {}

  async readFile(path: string): Promise<string> {
    const uri = toUri(path);
    const where = uri.scheme === 'file' ? uri.fsPath : uri.toString();
    try {
      if (this.root === undefined) {
        const text = await readScenarioFile(path, undefined, this.limits);
        this.root = uri.scheme === 'file' ? vscode.Uri.joinPath(uri, '..').fsPath : vscode.Uri.joinPath(uri, '..').toString();
        return text;
      }
      return await readScenarioFile(path, this.root, this.limits);
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      throw Object.assign(new Error(`cannot read ${where}: ${reason}`), { code: (e as { code?: string }).code });
    }
  }
}
