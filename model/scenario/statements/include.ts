/**
 * `include "FILE"`: the statements of another scenario file, in place (PRODUCT §2, issue 6).
 * Paths are relative to the including file and confined to the scenario's root folder (the
 * top-level file's folder, or the workspace folder in the editor): no absolute paths, no `..`
 * beyond the root. The parser checks the path with the pure helpers below and reads the file
 * through an injected resolver (node fs in the CLI, the workspace in the editor).
 */
import type { StatementDef } from './types';
import { DEFAULT_LIMITS } from '../../limits';

export const INCLUDE_STATEMENTS: readonly StatementDef[] = [
  {
    name: 'include', syntax: 'include "FILE"', ref: 'PRODUCT §2',
    help: 'Runs the statements of another scenario file here, as if written in place. FILE is relative to this file and must stay inside the scenario folder (workspace).',
    parse(c) {
      const t = c.peek();
      const path = c.string('a quoted file name such as "common/setup.vlab"');
      return { k: 'include', path, col: t?.col ?? 1 };
    },
  },
];

/** Reads an included file: `file` is its canonical name (used for cycles and diagnostics). */
export type IncludeResolver = (fromFile: string, relPath: string) => { file: string; text: string } | { error: string };

/** The folder part of a path or URI string (`a/b/c.vlab` → `a/b`; `c.vlab` → ``). */
export function dirName(file: string): string {
  const i = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return i < 0 ? '' : file.slice(0, i);
}

/** Is `rel` an absolute path, a drive path or a URI (all refused by `include`)? */
export function isAbsoluteInclude(rel: string): boolean {
  return /^[\\/]/.test(rel) || /^[a-zA-Z]:/.test(rel) || /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(rel) || rel.startsWith('~');
}

/** Joins `rel` to the folder of `fromFile` and normalises `.` and `..` (no checks). */
export function joinInclude(fromFile: string, rel: string): string {
  const base = dirName(fromFile).replace(/\\/g, '/');
  const parts = base === '' ? [] : base.split('/');
  for (const seg of rel.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && parts.length > 0 && parts[parts.length - 1] !== '..' && parts[parts.length - 1] !== '') parts.pop();
    else parts.push(seg);
  }
  return parts.join('/');
}

/**
 * Checks `rel` as written in `fromFile`: absolute paths and paths that leave `root` are refused.
 * Returns the joined path or the problem.
 */
export function resolveIncludePath(fromFile: string, rel: string, root: string): { path: string } | { error: string } {
  if (rel.trim() === '') return { error: 'expected a file name inside the quotes' };
  if (isAbsoluteInclude(rel)) return { error: `include path '${rel}' must be relative to the including file (absolute paths and URIs are refused)` };
  const joined = joinInclude(fromFile, rel);
  const r = root.replace(/\\/g, '/').replace(/\/+$/, '');
  const inside = r === ''
    ? !joined.startsWith('../') && joined !== '..' && !joined.startsWith('/')
    : joined.startsWith(r + '/') && !joined.slice(r.length + 1).split('/').includes('..');
  if (!inside) return { error: `include path '${rel}' leaves the scenario folder '${root === '' ? '.' : root}'` };
  return { path: joined };
}

/**
 * An include resolver over a synchronous file reader (the CLI's confined Node reader, tests'
 * maps). `read` gets the joined path and the scenario folder (`root`) so a host can check the
 * file's real path against the folder's (symbolic links, issue 13). Each path is read once
 * (fan-out includes of the same file cost one read).
 */
export function readerIncludeResolver(read: (path: string, root: string) => string, root?: string): IncludeResolver {
  const cache = new Map<string, { file: string; text: string } | { error: string }>();
  return (fromFile, rel) => {
    const file = joinInclude(fromFile, rel);
    const hit = cache.get(file);
    if (hit) return hit;
    let got: { file: string; text: string } | { error: string };
    try {
      got = { file, text: read(file, root ?? dirName(fromFile)) };
    } catch (e) {
      got = { error: readErrorText(e) };
    }
    cache.set(file, got);
    return got;
  };
}

/** A reader's failure as one line (never a stack trace). */
export function readErrorText(e: unknown): string {
  const code = (e as { code?: string } | undefined)?.code;
  if (code === 'ENOENT' || /ENOENT|FileNotFound|EntryNotFound/.test(String(e))) return 'no such file';
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0];
}

/**
 * For hosts whose file access is asynchronous (the debug adapter, the editor): reads every file
 * `text` includes, transitively, and returns a synchronous resolver over what was read. Paths
 * that leave `root` are not read (the parser reports them).
 */
export async function preloadIncludes(
  file: string, text: string, read: (path: string, root: string) => Promise<string>, root = dirName(file), maxFiles = DEFAULT_LIMITS.maxIncludes,
): Promise<IncludeResolver> {
  const got = new Map<string, { text: string } | { error: string }>();
  // Each distinct file is read once, and at most maxFiles of them (the parser reports the limit).
  const visit = async (from: string, body: string): Promise<void> => {
    for (const rel of includedPaths(body)) {
      const checked = resolveIncludePath(from, rel, root);
      if ('error' in checked || got.has(checked.path) || got.size >= maxFiles) continue;
      try {
        const t = await read(checked.path, root);
        got.set(checked.path, { text: t });
        await visit(checked.path, t);
      } catch (e) {
        got.set(checked.path, { error: readErrorText(e) });
      }
    }
  };
  await visit(file, text);
  return (fromFile, rel) => {
    const path = joinInclude(fromFile, rel);
    const r = got.get(path);
    if (!r) return { error: `not read (more than ${maxFiles} files are included; limit maxIncludes)` };
    return 'text' in r ? { file: path, text: r.text } : r;
  };
}

/** The quoted paths of the `include` lines of a text (lexically; the parser checks the rest). */
export function includedPaths(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^[ \t]*include[ \t]+"([^"\n]*)"/gm)) out.push(m[1]);
  return out;
}
