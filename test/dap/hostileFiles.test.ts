/**
 * The standalone adapter launched on hostile files (issue 13): a symlinked include or a FIFO
 * include makes `launch` answer an error naming the problem — it never hangs — and the adapter
 * stays usable for a good launch. Files are generated per run; reading is
 * debug-adapter/nodeFileAccess.ts, limits model/limits.ts.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { useAdapter } from './client';

const OUTSIDE_MSG = 'it resolves outside the scenario folder (through a symbolic link); only files really inside the folder can be included';

describe('DAP: launch on hostile files answers an error, never hangs', function () {
  this.timeout(30000);
  let dc: DebugClient;
  let dir: string;
  let outside: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-dap-'));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-dap-out-'));
    fs.writeFileSync(path.join(outside, 'secret.vlab'), 'tpi\n');
    fs.symlinkSync(path.join(outside, 'secret.vlab'), path.join(dir, 'link.vlab'));
    fs.writeFileSync(path.join(dir, 'sym.vlab'), 'include "link.vlab"\n');
    execFileSync('mkfifo', [path.join(dir, 'pipe.vlab')]);
    fs.writeFileSync(path.join(dir, 'fifo.vlab'), 'cr6 0\ninclude "pipe.vlab"\n');
    fs.writeFileSync(path.join(dir, 'vma.vlab'), 'process app pid 100\nvma app 0x10000000 size 64G anon rw\n');
    fs.writeFileSync(path.join(dir, 'ok.vlab'), 'cr6 0\n');
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });
  useAdapter((c) => (dc = c), async () => {
    await dc.initializeRequest({ adapterID: 'vlab', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
  });

  const launchError = async (file: string): Promise<string> => {
    const err = await dc.launch({ program: path.join(dir, file), stopOnEntry: true } as DebugProtocol.LaunchRequestArguments).then(
      () => undefined,
      (e: Error) => e.message,
    );
    assert.ok(err, `launch of ${file} should fail`);
    return err;
  };

  it('a symlinked include pointing outside the folder', async () => {
    const msg = await launchError('sym.vlab');
    assert.equal(msg, `1 problem(s) in ${path.join(dir, 'sym.vlab')}; first: ${path.join(dir, 'sym.vlab')}:1:9: error: cannot include 'link.vlab': ${OUTSIDE_MSG}`);
  });

  it('a FIFO include', async () => {
    const msg = await launchError('fifo.vlab');
    assert.equal(msg, `1 problem(s) in ${path.join(dir, 'fifo.vlab')}; first: ${path.join(dir, 'fifo.vlab')}:2:9: error: cannot include 'pipe.vlab': a FIFO (named pipe), not a regular file: only regular files are read`);
  });

  it('a FIFO as the program itself', async () => {
    const msg = await launchError('pipe.vlab');
    assert.equal(msg, `cannot read ${path.join(dir, 'pipe.vlab')}: a FIFO (named pipe), not a regular file: only regular files are read`);
  });

  it('a 64G VMA: the limit maxPages, at its operand', async () => {
    const msg = await launchError('vma.vlab');
    assert.equal(msg, `1 problem(s) in ${path.join(dir, 'vma.vlab')}; first: ${path.join(dir, 'vma.vlab')}:2:25: error: a VMA of 68719476736 bytes (16777216 pages) exceeds limit maxPages (1048576 pages); raise it with CLI --limit NAME=N; editor setting vfioLab.limits`);
  });

  it('the launch attribute `limits` raises a limit; a bad one is refused with its reason (model/limits.ts)', async () => {
    const bad = await dc.launch({ program: path.join(dir, 'vma.vlab'), limits: { maxPagez: 2 } } as DebugProtocol.LaunchRequestArguments).then(() => '', (e: Error) => e.message);
    assert.match(bad, /^launch: unknown limit 'maxPagez' \(known: maxFileBytes, /);
    const notInt = await dc.launch({ program: path.join(dir, 'vma.vlab'), limits: { maxPages: -1 } } as DebugProtocol.LaunchRequestArguments).then(() => '', (e: Error) => e.message);
    assert.equal(notInt, "launch: 'limits.maxPages' must be a positive integer");
    // 64G = 16,777,216 pages: accepted once maxPages allows them (nothing is allocated until touched)
    const stopped = dc.waitForEvent('stopped');
    await dc.launch({ program: path.join(dir, 'vma.vlab'), stopOnEntry: true, limits: { maxPages: 16777216 } } as DebugProtocol.LaunchRequestArguments);
    await dc.configurationDoneRequest();
    assert.equal(((await stopped) as DebugProtocol.StoppedEvent).body.reason, 'entry');
  });

  it('launches a good file after the refusals', async () => {
    const stopped = dc.waitForEvent('stopped');
    await dc.launch({ program: path.join(dir, 'ok.vlab'), stopOnEntry: true } as DebugProtocol.LaunchRequestArguments);
    await dc.configurationDoneRequest();
    assert.equal(((await stopped) as DebugProtocol.StoppedEvent).body.reason, 'entry');
  });
});
