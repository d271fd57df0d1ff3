#!/usr/bin/env node
/**
 * `vfio-lab run FILE... [--trace] [--json]` and `vfio-lab check FILE...`: the headless runner
 * (PRODUCT §5). Exit codes: 0 all expects passed, 1 a failed expect or exception, 2 diagnostics
 * or bad usage, 3 stopped at the step cap. Output is written as it is produced, in chunks (stdout
 * and stderr writes to files, pipes and terminals are synchronous on Linux, so the trace of a
 * long run never piles up in memory); files are read confined and regular-only
 * (debug-adapter/nodeFileAccess.ts).
 */
import { writeSync } from 'fs';
import { runCli } from '../scenario/cli';
import { readScenarioFileSync } from '../../debug-adapter/nodeFileAccess';

/** Line output gathered into chunks of about this many characters per write. */
const CHUNK = 64 * 1024;

function chunked(fd: number): { write(text: string): void; flush(): void } {
  let buf: string[] = [];
  let size = 0;
  const flush = () => {
    if (size === 0) return;
    const text = buf.join('');
    buf = [];
    size = 0;
    writeAll(fd, text);
  };
  return {
    write(text) {
      buf.push(text);
      size += text.length;
      if (size >= CHUNK) flush();
    },
    flush,
  };
}

/** writeSync may write part of a buffer (a pipe) or answer EAGAIN (a non-blocking pipe): retry. */
function writeAll(fd: number, text: string): void {
  let data = Buffer.from(text, 'utf8');
  while (data.length > 0) {
    try {
      const n = writeSync(fd, data);
      data = data.subarray(n);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'EAGAIN') continue;
      if (code === 'EPIPE') return; // the reader went away (`| head`): stop writing quietly
      throw e;
    }
  }
}

const stdout = chunked(1);
const stderr = chunked(2);
const result = runCli(process.argv.slice(2), readScenarioFileSync, {
  stdout: (t) => stdout.write(t),
  stderr: (t) => {
    stdout.flush(); // keep the two streams in order on a terminal
    stderr.write(t);
    stderr.flush();
  },
});
stdout.flush();
stderr.flush();
process.exitCode = result.code;
