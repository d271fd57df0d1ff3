/**
 * The CLI against hostile files (issue 13), run as a user runs it: `node vfio-lab.js` in a folder
 * of generated files. Every case ends through a limit the product enforces (the exact diagnostic
 * naming it is asserted), not through a timer; the spawn timeout only guards against a hang.
 * Limits: model/limits.ts; file reading: debug-adapter/nodeFileAccess.ts.
 */
import * as assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_LIMITS } from '../../../model/limits';

const ROOT = path.resolve(__dirname, '../../../..');
const CLI = path.join(ROOT, 'out/model/bin/vfio-lab.js');
const RAISE = 'raise it with CLI --limit NAME=N; editor setting vfioLab.limits';

describe('cli: hostile files end with a diagnostic naming the limit (issue 13)', function () {
  this.timeout(180_000);
  let dir: string;
  let outside: string;

  /** Runs the CLI in `dir`, optionally with a V8 heap cap (bounded memory is then a pass condition). */
  const cli = (args: string[], heapMb?: number) => {
    const r = spawnSync(process.execPath, [...(heapMb ? [`--max-old-space-size=${heapMb}`] : []), CLI, ...args], { cwd: dir, encoding: 'utf8', timeout: 170_000, maxBuffer: 256 * 1024 * 1024 });
    assert.notEqual(r.status, null, `the CLI did not exit: ${r.signal} ${r.stderr?.slice(0, 300)}`);
    return { code: r.status!, stdout: r.stdout, stderr: r.stderr };
  };
  const write = (name: string, text: string | Buffer) => {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  };

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-cli-'));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-outside-'));
    fs.writeFileSync(path.join(outside, 'secret.vlab'), 'root:x:0:0:root:/root:/bin/bash\n');
    fs.mkdirSync(path.join(outside, 'd'));
    fs.writeFileSync(path.join(outside, 'd', 'x.vlab'), 'tpi\n');
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  const OUTSIDE = 'it resolves outside the scenario folder (through a symbolic link); only files really inside the folder can be included';

  it('refuses a symlinked include pointing outside the folder, reading nothing', () => {
    fs.symlinkSync(path.join(outside, 'secret.vlab'), path.join(dir, 'link.vlab'));
    write('sym-file.vlab', 'include "link.vlab"\n');
    const r = cli(['check', 'sym-file.vlab']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `sym-file.vlab:1:9: error: cannot include 'link.vlab': ${OUTSIDE}\n`);
    assert.ok(!r.stderr.includes('root:x'), 'no line of the target is echoed');
  });

  it('refuses an include through a symlinked directory', () => {
    fs.symlinkSync(path.join(outside, 'd'), path.join(dir, 'linkdir'));
    write('sym-dir.vlab', 'include "linkdir/x.vlab"\n');
    const r = cli(['check', 'sym-dir.vlab']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `sym-dir.vlab:1:9: error: cannot include 'linkdir/x.vlab': ${OUTSIDE}\n`);
  });

  it('still reads a symlink whose target is inside the folder', () => {
    write('real/inner.vlab', 'tpi\n');
    fs.symlinkSync(path.join(dir, 'real', 'inner.vlab'), path.join(dir, 'inner-link.vlab'));
    write('sym-inside.vlab', 'include "inner-link.vlab"\n');
    const r = cli(['check', 'sym-inside.vlab']);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
  });

  it('refuses a FIFO include without blocking, and a FIFO or /dev/zero given as the file', () => {
    execFileSync('mkfifo', [path.join(dir, 'pipe.vlab')]);
    write('fifo.vlab', 'include "pipe.vlab"\n');
    let r = cli(['check', 'fifo.vlab']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, "fifo.vlab:1:9: error: cannot include 'pipe.vlab': a FIFO (named pipe), not a regular file: only regular files are read\n");
    r = cli(['run', 'pipe.vlab']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'pipe.vlab:1:1: error: cannot read file: a FIFO (named pipe), not a regular file: only regular files are read\n');
    r = cli(['check', '/dev/zero']);
    assert.equal(r.stderr, '/dev/zero:1:1: error: cannot read file: a character device, not a regular file: only regular files are read\n');
  });

  it('refuses a /dev/zero link (outside the folder) and a directory named like a scenario', () => {
    fs.symlinkSync('/dev/zero', path.join(dir, 'zero.vlab'));
    fs.mkdirSync(path.join(dir, 'dir.vlab'));
    write('zero-dir.vlab', 'include "zero.vlab"\ninclude "dir.vlab"\n');
    const r = cli(['check', 'zero-dir.vlab']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, [
      `zero-dir.vlab:1:9: error: cannot include 'zero.vlab': ${OUTSIDE}`,
      "zero-dir.vlab:2:9: error: cannot include 'dir.vlab': a directory, not a regular file: only regular files are read",
      '',
    ].join('\n'));
  });

  for (const [fan, depth] of [[4, 10], [10, 8]]) {
    it(`stops fan-out includes (${fan} a file × ${depth} levels) at limit maxIncludes`, () => {
      for (let l = 0; l < depth; l++) write(`fan${fan}/f${l}.vlab`, `${`include "f${l + 1}.vlab"\n`.repeat(fan)}cr6 0\n`);
      write(`fan${fan}/f${depth}.vlab`, 'cr6 0\n');
      const r = cli(['check', `fan${fan}/f0.vlab`], 128);
      assert.equal(r.code, 2);
      // The 257th include is refused where it is written; every includer above says so once.
      const deepest = r.stderr.split('\n').find((l) => l.includes('exceeds limit maxIncludes') && !l.includes('included file'));
      assert.match(deepest ?? '', new RegExp(`^fan${fan}/f\\d+\\.vlab:\\d+:9: error: include number ${DEFAULT_LIMITS.maxIncludes + 1} of the expanded scenario exceeds limit maxIncludes \\(256 files\\); ${RAISE.replace(/[.]/g, '\\.')}$`));
      assert.ok(r.stderr.split('\n').length < 40, `a short report: ${r.stderr.split('\n').length} lines`);
    });
  }

  it('reports a 64G VMA and a pin of 16 M pages at check time (limit maxPages)', () => {
    write('vma64g.vlab', 'process app pid 100\nvma app 0x10000000 size 64G anon rw\npin_user_pages app 0x10000000 16777216 FOLL_WRITE -> p\n');
    const r = cli(['check', 'vma64g.vlab']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, [
      `vma64g.vlab:2:25: error: a VMA of 68719476736 bytes (16777216 pages) exceeds limit maxPages (1048576 pages); ${RAISE}`,
      `vma64g.vlab:3:31: error: pin_user_pages of 16777216 pages exceeds limit maxPages (1048576 pages); ${RAISE}`,
      '',
    ].join('\n'));
  });

  it('reports gup_test -m 65536 at check time (limit maxGupTestMiB) and runs it when raised below maxPages', () => {
    write('gup.vlab', 'gup_test -m 65536\n');
    const r = cli(['check', 'gup.vlab']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `gup.vlab:1:13: error: gup_test -m 65536 exceeds limit maxGupTestMiB (4096 MiB); ${RAISE}\n`);
    const raised = cli(['check', 'gup.vlab', '--limit', 'maxGupTestMiB=100000']);
    assert.equal(raised.stderr, `gup.vlab:1:13: error: gup_test -m 65536 (16777216 pages) exceeds limit maxPages (1048576 pages); ${RAISE}\n`);
  });

  it('stops a runaway TIC loop at the default step cap (limit maxSteps, exit 3), streaming its trace in bounded memory', () => {
    fs.copyFileSync(path.join(ROOT, 'test/fixtures/tic-loop.vlab'), path.join(dir, 'loop.vlab'));
    // A 64 MB heap: the trace (≈75 MB) must stream, not be held.
    const r = cli(['run', 'loop.vlab'], 64);
    assert.equal(r.code, 3);
    assert.equal(r.stderr, `vfio-lab: loop.vlab: stopped after ${DEFAULT_LIMITS.maxSteps} steps (limit maxSteps): a runaway program? raise it with --max-steps N\n`);
    assert.match(r.stdout, /\nloop\.vlab: 0 of 0 expects passed, 1 exceptions, \d+ events, 0 pins held at end\n$/);
    assert.ok(r.stdout.length > 64 * 1024 * 1024, `the trace streamed (${r.stdout.length} bytes)`);
  });

  it('quotes at most 40 characters of a 10 MB unknown word (limit maxLineLength first)', () => {
    write('word.vlab', 'a'.repeat(10_000_000) + '\n');
    let r = cli(['check', 'word.vlab']);
    assert.equal(r.stderr, `word.vlab:1:1: error: a line of 10000000 characters exceeds limit maxLineLength (1048576 bytes); ${RAISE}\n`);
    r = cli(['check', 'word.vlab', '--limit', 'maxLineLength=20000000']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `word.vlab:1:1: error: unknown statement '${'a'.repeat(40)}…'\n`);
  });

  it('parses 5 MiB of hex data without exhausting the stack', () => {
    const hex = '5a'.repeat(2_621_440);
    write('hex.vlab', `memory 8M\ndata d at 0x1000 hex "${hex}"\nexpect mem(0x280ffe, 2) == "ZZ"\n`);
    let r = cli(['check', 'hex.vlab']);
    assert.equal(r.stderr, `hex.vlab:2:1: error: a line of 5242903 characters exceeds limit maxLineLength (1048576 bytes); ${RAISE}\n`);
    r = cli(['run', 'hex.vlab', '--limit', 'maxLineLength=8000000']);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /hex\.vlab: 1 of 1 expects passed, 0 exceptions/);
    assert.ok(r.stdout.split('\n').every((l) => l.length <= 301), 'trace lines are excerpts');
  });

  it('lists 100 diagnostics of 1 M bad lines, then stops checking (limit maxDiagnosticsPerFile)', () => {
    write('bad.vlab', 'x\n'.repeat(1_000_000));
    const r = cli(['check', 'bad.vlab']);
    assert.equal(r.code, 2);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 101);
    assert.equal(lines[0], "bad.vlab:1:1: error: unknown statement 'x'");
    assert.equal(lines[100], 'bad.vlab:101:1: error: more problems not shown: checking of this file stopped at line 101 after 100 problems (limit maxDiagnosticsPerFile)');
  });

  it('escapes NUL and control characters in messages', () => {
    write('nul.vlab', 'cr6 0\u0000\u001b[31m\n');
    const r = cli(['check', 'nul.vlab']);
    assert.equal(r.stderr, "nul.vlab:1:6: error: unexpected character '\\x00'\nnul.vlab:1:7: error: unexpected character '\\x1b'\n");
  });

  it('accepts a UTF-8 BOM and gives a UTF-16 file one clear error', () => {
    write('bom.vlab', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('cr6 0\n')]));
    assert.deepEqual(cli(['check', 'bom.vlab']), { code: 0, stdout: 'bom.vlab: ok\n', stderr: '' });
    const text = 'cr6 0\nexpect cc == 0\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    write('le.vlab', le);
    write('be.vlab', be);
    write('nobom.vlab', Buffer.from(text, 'utf16le'));
    for (const f of ['le.vlab', 'be.vlab', 'nobom.vlab']) {
      const r = cli(['check', f]);
      assert.equal(r.stderr, `${f}:1:1: error: '${f}' looks like UTF-16 text (a byte-order mark or a NUL every other byte): save it as UTF-8\n`);
    }
  });

  it('refuses a file beyond maxFileBytes before reading it', () => {
    write('big.vlab', Buffer.alloc(DEFAULT_LIMITS.maxFileBytes + 1, 0x20));
    const r = cli(['check', 'big.vlab']);
    assert.equal(r.stderr, `big.vlab:1:1: error: cannot read file: a file of ${DEFAULT_LIMITS.maxFileBytes + 1} bytes exceeds limit maxFileBytes (16777216 bytes); ${RAISE}\n`);
  });

  it('answers bad --limit arguments with one line and the usage', () => {
    let r = cli(['check', 'x.vlab', '--limit', 'maxBogus=3']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.split('\n')[0], "vfio-lab: unknown limit 'maxBogus' (known: maxFileBytes, maxScenarioBytes, maxScenarioLines, maxLineLength, maxIncludes, maxIncludeDepth, maxDiagnosticsPerFile, maxGuestMemoryBytes, maxPages, maxSubchannels, maxGupTestMiB, maxSteps, maxExpectResults, maxHistoryBytes, testTimeoutSeconds)");
    r = cli(['check', 'x.vlab', '--limit', 'maxPages']);
    assert.equal(r.stderr.split('\n')[0], "vfio-lab: --limit needs NAME=N, found 'maxPages'");
  });
});
