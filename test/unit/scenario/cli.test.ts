/** The headless runner's exit codes and output (PRODUCT §5). */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../../../model/scenario/cli';

const ROOT = path.resolve(__dirname, '../../../..');
const read = (p: string) => fs.readFileSync(path.resolve(ROOT, p), 'utf8');

describe('cli: vfio-lab run / check', () => {
  it('exits 0 and prints a trace and a summary when every expect passes', () => {
    const r = runCli(['run', 'examples/hello.vlab'], read);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /fetch CCW @0x1000 cmd=0x1 flags=0x40 count=16 cda=0x2000/);
    assert.match(r.stdout, /examples\/hello\.vlab: 12 of 12 expects passed, 0 exceptions/);
  });

  it('exits 1 on a failed expect, naming expected and actual with the line', () => {
    const r = runCli(['run', 'test/fixtures/fails.vlab'], read);
    assert.equal(r.code, 1);
    // css §1.1: PIM bit 0x80 for chpid[0]
    assert.match(r.stdout, /fails\.vlab:4: expect schib\.pmcw\.pim == 0x40 FAILED: expected 64 \(0x40\), actual 128 \(0x80\)/);
  });

  it('exits 2 with file:line:column diagnostics', () => {
    const r = runCli(['run', 'test/fixtures/bad.vlab'], read);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, "test/fixtures/bad.vlab:2:1: error: unknown statement 'sch' (did you mean 'ssch'?)\n");
    const c = runCli(['check', 'test/fixtures/bad.vlab', 'examples/hello.vlab'], read);
    assert.equal(c.code, 2);
    assert.equal(c.stdout, 'test/fixtures/bad.vlab: 1 problem(s)\nexamples/hello.vlab: ok\n');
  });

  it('stops a runaway TIC loop at --max-steps and reports it', () => {
    const r = runCli(['run', 'test/fixtures/tic-loop.vlab', '--max-steps', '5000'], read);
    assert.equal(r.code, 3); // EXIT_STEP_CAP
    assert.match(r.stdout, /1 exceptions/);
    assert.equal(r.stderr, 'vfio-lab: test/fixtures/tic-loop.vlab: stopped after 5000 steps (limit maxSteps): a runaway program? raise it with --max-steps N\n');
  });

  it('prints JSON per file', () => {
    const r = runCli(['run', '--json', 'examples/hello.vlab'], read);
    const j = JSON.parse(r.stdout) as { expects: unknown[]; pinsHeld: number };
    assert.equal(j.expects.length, 12);
    assert.equal(j.pinsHeld, 0);
  });

  it('rejects bad usage with exit 2 and the usage text', () => {
    for (const argv of [[], ['frobnicate'], ['run'], ['run', '--bogus', 'x.vlab'], ['run', 'x', '--max-steps', '-3']]) {
      const r = runCli(argv, read);
      assert.equal(r.code, 2, argv.join(' '));
      assert.match(r.stderr, /usage: vfio-lab run/);
    }
    assert.equal(runCli(['run', 'missing.vlab'], read).code, 2);
    assert.equal(runCli(['--help'], read).code, 0);
  });

  it('traces statements of included files as FILE:LINE (issue 6 include)', () => {
    const r = runCli(['run', 'test/fixtures/include-main.vlab'], read);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /test\/fixtures\/inc\/device\.vlab:3: device 0\.0\.1234 schid 0\.0\.0007 type echo chpids 40 enabled/);
    assert.match(r.stdout, /line 3: ssch 0\.0\.0007 cpa=p/);
  });

  it('counts a program exception as a failure unless the next expect reads `exception` (css §5.1)', () => {
    const files: Record<string, string> = {
      'checked.vlab': 'chpid 40\ndevice 0.0.1234 schid 0.0.0007 type echo chpids 40\nstsch sid 0x0000ffff\nexpect exception == "operand"\n',
      'unchecked.vlab': 'chpid 40\ndevice 0.0.1234 schid 0.0.0007 type echo chpids 40\nstsch sid 0x0000ffff\nexpect pins_held == 0\n',
    };
    const rd = (p: string) => files[p] ?? read(p);
    const ok = runCli(['run', 'checked.vlab'], rd);
    assert.equal(ok.code, 0, ok.stdout);
    assert.match(ok.stdout, /1 of 1 expects passed, 0 exceptions/);
    const bad = runCli(['run', 'unchecked.vlab'], rd);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /1 of 1 expects passed, 1 exceptions/);
  });
});
