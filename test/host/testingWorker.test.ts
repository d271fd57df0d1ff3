// The Testing view off the extension host's thread (issue 10 "records each file's trace as test
// output", issue 13 "off the extension host's thread, cancellable, with a time cap") and the Run
// CodeLens's visible result, in a real extension host.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';

const EXAMPLES = path.resolve(__dirname, '../../../examples');
const FIXTURES = path.resolve(__dirname, '../../../test/fixtures');

interface Api {
  testing: {
    run(uri?: vscode.Uri, token?: vscode.CancellationToken): Promise<void>;
    items(): Array<{ id: string; label: string; children: Array<{ id: string; label: string; line: number }> }>;
    outcome(id: string): { state: string; message?: string } | undefined;
    output(id: string): string | undefined;
  };
}

describe('Testing view: worker runs, output, cancel, time cap; Run CodeLens result', () => {
  let api: Api;
  const dir = path.join(EXAMPLES, 'zz-host-h13a');
  const settings = () => vscode.workspace.getConfiguration('vfioLab');
  before(async () => {
    api = (await vscode.extensions.getExtension('vfio-lab.vfio-lab')!.activate()) as Api;
  });
  /** The runaway scenario, created only for the tests that need it (a whole-workspace run must not meet it). */
  const loop = () => {
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(path.join(FIXTURES, 'tic-loop.vlab'), path.join(dir, 'loop.vlab'));
    return vscode.Uri.file(path.join(dir, 'loop.vlab'));
  };
  after(async () => {
    await settings().update('testing.timeout', undefined, vscode.ConfigurationTarget.Global);
    await settings().update('limits', undefined, vscode.ConfigurationTarget.Global);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('records the file trace as test output with CRLF line ends', async () => {
    const uri = vscode.Uri.file(path.join(EXAMPLES, 'hello.vlab'));
    await api.testing.run(uri);
    assert.equal(api.testing.outcome(uri.toString())?.state, 'passed');
    const out = api.testing.output(uri.toString()) ?? '';
    // css §3.1: the WRITE CCW of hello.vlab's program is fetched at 0x1000 (cmd 0x01, CC 0x40, count 16)
    assert.match(out, /fetch CCW @0x1000 cmd=0x1 flags=0x40 count=16 cda=0x2000\r\n/);
    assert.ok(out.endsWith('hello.vlab: 12 of 12 expects passed, 0 exceptions, ' + /(\d+) steps\r\n$/.exec(out)![1] + ' steps\r\n'), out.slice(-200));
    assert.ok(!/[^\r]\n/.test(out), 'every line ends in CRLF');
  });

  it('runs every example in parallel batches: each passes and records its trace', async () => {
    await api.testing.run();
    const files = api.testing.items().filter((i) => i.id.endsWith('.vlab') && !i.id.includes('zz-'));
    assert.equal(files.length, fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.vlab')).length);
    for (const f of files) {
      assert.equal(api.testing.outcome(f.id)?.state, 'passed', `${f.label}: ${api.testing.outcome(f.id)?.message}`);
      assert.match(api.testing.output(f.id) ?? '', new RegExp(`${f.children.length} of ${f.children.length} expects passed, 0 exceptions, \\d+ steps\r\n$`), f.label);
    }
  });

  it('cancels a running file: its worker is stopped and the file is skipped', async () => {
    // limit maxSteps raised so the runaway loop would run for minutes
    await settings().update('limits', { maxSteps: 1_000_000_000 }, vscode.ConfigurationTarget.Global);
    const uri = loop();
    const source = new vscode.CancellationTokenSource();
    const started = Date.now();
    const running = api.testing.run(uri, source.token);
    setTimeout(() => source.cancel(), 1500);
    await running;
    assert.equal(api.testing.outcome(uri.toString())?.state, 'skipped');
    assert.match(api.testing.output(uri.toString()) ?? '', /loop\.vlab: cancelled\r\n$/);
    assert.ok(Date.now() - started < 25_000, 'the cancelled run ended well before the step cap');
  });

  it('stops a file at the time cap (setting vfioLab.testing.timeout) and reports it', async () => {
    await settings().update('limits', { maxSteps: 1_000_000_000 }, vscode.ConfigurationTarget.Global);
    await settings().update('testing.timeout', 2, vscode.ConfigurationTarget.Global);
    const uri = loop();
    await api.testing.run(uri);
    const o = api.testing.outcome(uri.toString());
    assert.equal(o?.state, 'errored');
    assert.equal(o?.message, 'stopped after 2 s (the time cap; setting vfioLab.testing.timeout)');
  });

  it('stops a runaway file at the default step cap (limit maxSteps) without a setting', async () => {
    await settings().update('limits', undefined, vscode.ConfigurationTarget.Global);
    await settings().update('testing.timeout', undefined, vscode.ConfigurationTarget.Global);
    const uri = loop();
    await api.testing.run(uri);
    const o = api.testing.outcome(uri.toString());
    assert.equal(o?.state, 'failed');
    assert.equal(o?.message, 'stopped after 1000000 steps (limit maxSteps): a runaway channel program?');
  });

  it('refuses an include whose symbolic link leads outside the workspace folder', async () => {
    fs.mkdirSync(dir, { recursive: true });
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-out-'));
    fs.writeFileSync(path.join(outside, 'secret.vlab'), 'tpi\n');
    fs.symlinkSync(path.join(outside, 'secret.vlab'), path.join(dir, 'link.vlab'));
    fs.writeFileSync(path.join(dir, 'main.vlab'), 'include "link.vlab"\n');
    try {
      const uri = vscode.Uri.file(path.join(dir, 'main.vlab'));
      await api.testing.run(uri);
      const o = api.testing.outcome(uri.toString());
      assert.equal(o?.state, 'errored');
      assert.equal(o?.message, "cannot include 'link.vlab': it resolves outside the scenario folder (through a symbolic link); only files really inside the folder can be included");
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('Run CodeLens runs the file and returns what its notification shows', async () => {
    const uri = vscode.Uri.file(path.join(EXAMPLES, 'hello.vlab'));
    const s = await vscode.commands.executeCommand<{ passed: number; total: number; state: string; trace: string }>('vfioLab.runScenarioTests', uri);
    assert.equal(s?.state, 'passed');
    assert.equal(`${s?.passed}/${s?.total}`, '12/12');
    assert.match(s?.trace ?? '', /hello\.vlab: 12 of 12 expects passed/);
  });
});
