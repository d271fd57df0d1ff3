/**
 * Reading scenario files with Node's fs (the standalone adapter and the CLI), safely against a
 * hostile checkout (issue 13):
 * - confinement on the resolved real path: an included file must really be inside the real
 *   scenario folder, so a symbolic link (to a file or a directory) pointing outside is refused
 *   before anything is read;
 * - only regular files are read (a FIFO would block for ever, /dev/zero never ends, a directory
 *   or a device is not text): the path is stat'ed before it is opened, and opened non-blocking;
 * - at most maxFileBytes are read.
 * Errors are `Error`s with a one-line message (and `code: 'ENOENT'` for a missing file).
 */
import * as fs from 'fs';
import * as nodePath from 'path';
import type { FileAccess } from './fileAccess';
import { DEFAULT_LIMITS, limitMessage, type Limits } from '../model/limits';

export class ScenarioFileError extends Error {
  constructor(message: string, readonly code?: string) {
    super(message);
  }
}

const decoder = new TextDecoder('utf-8');

function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function fsError(e: unknown): ScenarioFileError {
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT') return new ScenarioFileError('no such file', 'ENOENT');
  if (code === 'EACCES' || code === 'EPERM') return new ScenarioFileError('permission denied', code);
  if (code === 'ELOOP') return new ScenarioFileError('too many levels of symbolic links', code);
  if (code === 'EISDIR') return new ScenarioFileError('is a directory', code);
  if (e instanceof ScenarioFileError) return e;
  return new ScenarioFileError(code ? `cannot read (${code})` : 'cannot read', code);
}

/** Is `real` the folder `root` or inside it (both real, absolute paths)? */
export function isInside(real: string, root: string): boolean {
  const rel = nodePath.relative(root, real);
  return rel === '' || (!rel.startsWith('..') && !nodePath.isAbsolute(rel));
}

function confinementError(): ScenarioFileError {
  return new ScenarioFileError('it resolves outside the scenario folder (through a symbolic link); only files really inside the folder can be included');
}

function checkStat(st: fs.Stats, limits: Limits): void {
  if (!st.isFile()) throw new ScenarioFileError(`${kindOf(st)}, not a regular file: only regular files are read`);
  if (st.size > limits.maxFileBytes) throw new ScenarioFileError(limitMessage('maxFileBytes', `a file of ${st.size} bytes`, limits));
}

/**
 * Reads a scenario file synchronously (the CLI). With `root`, the file's real path must be
 * inside the real path of `root`.
 */
export function readScenarioFileSync(path: string, root?: string, limits: Limits = DEFAULT_LIMITS): string {
  try {
    if (root !== undefined) {
      const realRoot = fs.realpathSync(root === '' ? '.' : root);
      if (!isInside(fs.realpathSync(path), realRoot)) throw confinementError();
    }
    checkStat(fs.statSync(path), limits);
    // O_NONBLOCK: should the path have become a FIFO since the stat, open still returns at once.
    const fd = fs.openSync(path, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    try {
      const st = fs.fstatSync(fd);
      checkStat(st, limits);
      const buf = Buffer.alloc(Math.min(st.size, limits.maxFileBytes));
      let got = 0;
      while (got < buf.length) {
        const n = fs.readSync(fd, buf, got, buf.length - got, got);
        if (n === 0) break;
        got += n;
      }
      return decoder.decode(buf.subarray(0, got));
    } finally {
      fs.closeSync(fd);
    }
  } catch (e) {
    throw fsError(e);
  }
}

/** The same, asynchronously (the standalone adapter). */
export async function readScenarioFile(path: string, root?: string, limits: Limits = DEFAULT_LIMITS): Promise<string> {
  try {
    if (root !== undefined) {
      const realRoot = await fs.promises.realpath(root === '' ? '.' : root);
      if (!isInside(await fs.promises.realpath(path), realRoot)) throw confinementError();
    }
    checkStat(await fs.promises.stat(path), limits);
    const handle = await fs.promises.open(path, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    try {
      const st = await handle.stat();
      checkStat(st, limits);
      const buf = Buffer.alloc(Math.min(st.size, limits.maxFileBytes));
      let got = 0;
      while (got < buf.length) {
        const { bytesRead } = await handle.read(buf, got, buf.length - got, got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return decoder.decode(buf.subarray(0, got));
    } finally {
      await handle.close();
    }
  } catch (e) {
    throw fsError(e);
  }
}

/**
 * The standalone adapter's FileAccess. The session reads the launched `program` first, then the
 * files it includes: the first read fixes the scenario folder (the folder of the program as
 * named), and every later read must really be inside it.
 */
export class NodeFileAccess implements FileAccess {
  private root: string | undefined;

  constructor(private readonly limits: Limits = DEFAULT_LIMITS) {}

  async readFile(path: string): Promise<string> {
    if (this.root === undefined) {
      let text: string;
      try {
        text = await readScenarioFile(path, undefined, this.limits);
      } catch (e) {
        // The program itself: name it (an include's problem is named by the parser at its line).
        const err = e as ScenarioFileError;
        throw new ScenarioFileError(`cannot read ${path}: ${err.message}${err.code ? ` (${err.code})` : ''}`, err.code);
      }
      this.root = nodePath.dirname(nodePath.resolve(path));
      return text;
    }
    return readScenarioFile(path, this.root, this.limits);
  }
}
