/** `vfio-lab run --tap`, `check`, `--help` and `include` through the CLI's injected reader. */
import * as assert from 'node:assert/strict';
import { runCli, USAGE } from '../../../model/scenario/cli';

function reader(files: Record<string, string>): (p: string) => string {
  return (p) => {
    if (!(p in files)) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${p}'`), { code: 'ENOENT' });
    return files[p];
  };
}

const PASS = ['process p pid 1', 'vma p 0x10000 size 8K anon rw', 'get_user_pages p 0x10000 1 FOLL_WRITE -> g', 'expect ret == 1', 'expect g.count == 1', 'put_page g'].join('\n');
const FAIL = ['process p pid 1', 'expect pins_held == 3'].join('\n');
const BAD = ['chpid zz', 'devic 0.0.1234'].join('\n');
const FILES = reader({ 's/pass.vlab': PASS, 's/fail.vlab': FAIL, 's/bad.vlab': BAD });

describe('cli: --tap', () => {
  it('prints TAP 13 with a plan and one point per expect', () => {
    const r = runCli(['run', '--tap', 's/pass.vlab'], FILES);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, ['TAP version 13', '1..2', 'ok 1 - s/pass.vlab:4 expect ret == 1', 'ok 2 - s/pass.vlab:5 expect g.count == 1', ''].join('\n'));
  });

  it('reports a failed expect as not ok with expected and actual in YAML', () => {
    const r = runCli(['run', 's/pass.vlab', 's/fail.vlab', '--tap'], FILES);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^TAP version 13\n1\.\.3\n/);
    assert.match(r.stdout, /not ok 3 - s\/fail\.vlab:2 expect pins_held == 3\n  ---\n  file: "s\/fail\.vlab"\n  line: 2\n  expected: "3"\n  actual: "0"\n  \.\.\.\n$/);
  });

  it('reports diagnostics as not ok with file, line, column and message, exit 2', () => {
    const r = runCli(['run', '--tap', 's/bad.vlab', 's/pass.vlab'], FILES);
    assert.equal(r.code, 2);
    const lines = r.stdout.split('\n');
    assert.deepEqual(lines.slice(0, 3), ['TAP version 13', '1..4', 'not ok 1 - s/bad.vlab:1:7 expected a CHPID (hex, e.g. 40), found \'zz\'']);
    assert.match(r.stdout, /  severity: "error"\n  file: "s\/bad\.vlab"\n  line: 1\n  column: 7\n  message: "expected a CHPID \(hex, e\.g\. 40\), found 'zz'"/);
    assert.match(r.stdout, /not ok 2 - s\/bad\.vlab:2:1 unknown statement 'devic' \(did you mean 'device'\?\)/);
  });

  it('check --tap: one point per clean file or per diagnostic', () => {
    const r = runCli(['check', '--tap', 's/pass.vlab', 's/bad.vlab'], FILES);
    assert.equal(r.code, 2);
    assert.match(r.stdout, /^TAP version 13\n1\.\.3\nok 1 - s\/pass\.vlab parses\nnot ok 2 - s\/bad\.vlab:1:7/);
  });

  it('reports an unreadable file as a diagnostic', () => {
    const r = runCli(['run', '--tap', 's/none.vlab'], FILES);
    assert.equal(r.code, 2);
    assert.match(r.stdout, /not ok 1 - s\/none\.vlab:1:1 cannot read file: no such file/);
  });
});

describe('cli: check, usage, help', () => {
  it('check prints every diagnostic on stderr and a line per file', () => {
    const r = runCli(['check', 's/bad.vlab', 's/pass.vlab'], FILES);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, "s/bad.vlab:1:7: error: expected a CHPID (hex, e.g. 40), found 'zz'\ns/bad.vlab:2:1: error: unknown statement 'devic' (did you mean 'device'?)\n");
    assert.equal(r.stdout, 's/bad.vlab: 2 problem(s)\ns/pass.vlab: ok\n');
    assert.equal(runCli(['check', 's/pass.vlab', 's/fail.vlab'], FILES).code, 0);
  });

  it('--help documents commands, options and the exit codes', () => {
    for (const argv of [['--help'], ['-h'], ['help'], ['run', '--help']]) {
      const r = runCli(argv, FILES);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, USAGE);
    }
    for (const word of ['run', 'check', '--trace', '--json', '--tap', '--max-steps', 'include', '0  every', '1  an expect failed', '2  diagnostics']) assert.ok(USAGE.includes(word), word);
  });

  it('rejects conflicting or misplaced options with exit 2', () => {
    assert.match(runCli(['run', '--json', '--tap', 's/pass.vlab'], FILES).stderr, /--json and --tap exclude each other/);
    assert.match(runCli(['check', '--trace', 's/pass.vlab'], FILES).stderr, /unknown option --trace for check/);
    assert.match(runCli(['frob'], FILES).stderr, /expected 'run' or 'check', found 'frob'/);
    assert.equal(runCli(['check'], FILES).code, 2);
  });
});

describe('cli: include', () => {
  const files = reader({
    'w/main.vlab': 'include "lib/setup.vlab"\nexpect g.count == 1\nput_page g',
    'w/lib/setup.vlab': 'process p pid 1\nvma p 0x10000 size 8K anon rw\nget_user_pages p 0x10000 1 0 -> g\nexpect ret == 1',
    'w/bad.vlab': 'include "lib/broken.vlab"',
    'w/lib/broken.vlab': '# broken\nvma p 0x1 sise 8K anon',
    'w/escape.vlab': 'include "../outside.vlab"',
    'outside.vlab': 'tpi',
    'w/abs.vlab': 'include "/etc/passwd"',
    'w/missing.vlab': 'include "nope.vlab"',
    'w/a.vlab': 'include "b.vlab"',
    'w/b.vlab': 'include "a.vlab"',
  });

  it('runs the included statements in place; expects report their own file and line', () => {
    const r = runCli(['run', '--tap', 'w/main.vlab'], files);
    assert.equal(r.code, 0, r.stdout);
    assert.equal(r.stdout, 'TAP version 13\n1..2\nok 1 - w/lib/setup.vlab:4 expect ret == 1\nok 2 - w/main.vlab:2 expect g.count == 1\n');
  });

  it('reports a problem in an included file at its file and line, and at the include', () => {
    const r = runCli(['check', 'w/bad.vlab'], files);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, [
      "w/bad.vlab:1:9: error: included file 'lib/broken.vlab' has 1 problem; first: broken.vlab:2:11: expected 'size', found 'sise'",
      "w/lib/broken.vlab:2:11: error: expected 'size', found 'sise'",
      '',
    ].join('\n'));
  });

  it('refuses paths leaving the folder, absolute paths, missing files and cycles', () => {
    const err = (f: string) => runCli(['check', f], files).stderr;
    assert.equal(err('w/escape.vlab'), "w/escape.vlab:1:9: error: include path '../outside.vlab' leaves the scenario folder 'w'\n");
    assert.equal(err('w/abs.vlab'), "w/abs.vlab:1:9: error: include path '/etc/passwd' must be relative to the including file (absolute paths and URIs are refused)\n");
    assert.equal(err('w/missing.vlab'), "w/missing.vlab:1:9: error: cannot include 'nope.vlab': no such file\n");
    assert.equal(err('w/a.vlab'), [
      "w/a.vlab:1:9: error: included file 'b.vlab' has 1 problem; first: b.vlab:1:9: include cycle: a.vlab → b.vlab → a.vlab",
      'w/b.vlab:1:9: error: include cycle: a.vlab → b.vlab → a.vlab',
      '',
    ].join('\n'));
  });
});
