/**
 * `include "FILE"`: the statements of another scenario file, in place (PRODUCT §2, issue 6).
 * Paths are relative to the including file and confined to the scenario's root folder (the
 * top-level file's folder, or the workspace folder in the editor): no absolute paths, no `..`
 * beyond the root. The parser checks the path with the pure helpers below and reads the file
 * through an injected resolver (node fs in the CLI, the workspace in the editor).
 */
import type { StatementDef } from './types';

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

/** An include resolver over a synchronous file reader (the CLI's `fs.readFileSync`, tests' maps). */
export function readerIncludeResolver(read: (path: string) => string): IncludeResolver {
  return (fromFile, rel) => {
    const file = joinInclude(fromFile, rel);
    try {
      return { file, text: read(file) };
    } catch (e) {
      const code = (e as { code?: string }).code;
      return { error: code === 'ENOENT' ? 'no such file' : e instanceof Error ? e.message : String(e) };
    }
  };
}

/**
 * For hosts whose file access is asynchronous (the debug adapter, the editor): reads every file
 * `text` includes, transitively, and returns a synchronous resolver over what was read. Paths
 * that leave `root` are not read (the parser reports them).
 */
export async function preloadIncludes(file: string, text: string, read: (path: string) => Promise<string>, root = dirName(file)): Promise<IncludeResolver> {
  const got = new Map<string, { text: string } | { error: string }>();
  const visit = async (from: string, body: string): Promise<void> => {
    for (const rel of includedPaths(body)) {
      const checked = resolveIncludePath(from, rel, root);
      if ('error' in checked || got.has(checked.path) || got.size >= 256) continue;
      try {
        const t = await read(checked.path);
        got.set(checked.path, { text: t });
        await visit(checked.path, t);
      } catch (e) {
        const code = (e as { code?: string }).code;
        got.set(checked.path, { error: code === 'ENOENT' || /ENOENT|FileNotFound|not found/i.test(String(e)) ? 'no such file' : e instanceof Error ? e.message : String(e) });
      }
    }
  };
  await visit(file, text);
  return (fromFile, rel) => {
    const path = joinInclude(fromFile, rel);
    const r = got.get(path);
    if (!r) return { error: 'not read' };
    return 'text' in r ? { file: path, text: r.text } : r;
  };
}

/** The quoted paths of the `include` lines of a text (lexically; the parser checks the rest). */
export function includedPaths(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^[ \t]*include[ \t]+"([^"\n]*)"/gm)) out.push(m[1]);
  return out;
}
