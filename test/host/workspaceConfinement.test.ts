// The browser-side include confinement of extension/workspaceFileAccess.ts (issue 13 "include
// escapes through symlinks ... and for vscode.workspace.fs reads in the extension too"), run in
// the real extension host against the real `vscode.workspace.fs`. The web extension host has no
// real-path function (useRealPath is only called by the Node entry), so this module instance —
// loaded by the test, never given one — takes exactly the web host's path: every segment from
// the scenario folder to the file is stat'ed and a FileType.SymbolicLink bit refuses it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { readScenarioFile, useRealPath, WorkspaceFileAccess } from '../../extension/workspaceFileAccess';
import { VlabSession } from '../../debug-adapter/session';

const LINK_MSG = 'it is, or is reached through, a symbolic link; include only reads files really inside the scenario folder';
const OUTSIDE_MSG = 'it resolves outside the scenario folder (through a symbolic link); only files really inside the folder can be included';
/** The first line of /etc/passwd on every Linux: what must never show up in a message. */
const SECRET = 'root:x:0:0';

describe('include confinement through vscode.workspace.fs, as in the web extension host (issue 13)', function () {
  this.timeout(30_000);
  let dir: string;
  let scen: string;

  before(() => {
    useRealPath(undefined); // the web host's state: no real paths, segment stats only
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-confine-'));
    scen = path.join(dir, 'scen');
    fs.mkdirSync(path.join(scen, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(scen, 'ok.vlab'), 'kernel 6.18\n');
    fs.writeFileSync(path.join(scen, 'sub', 'inner.vlab'), 'process qemu pid 1000\n');
    fs.writeFileSync(path.join(dir, 'outside.vlab'), 'process evil pid 666\n');
    fs.symlinkSync('/etc/passwd', path.join(scen, 'link.vlab'));
    fs.symlinkSync('/etc', path.join(scen, 'linked'));
    fs.symlinkSync(path.join(scen, 'ok.vlab'), path.join(scen, 'inside-link.vlab'));
    fs.writeFileSync(path.join(scen, 'main.vlab'), 'kernel 6.18\ninclude "link.vlab"\nprocess qemu pid 1000\n');
    fs.writeFileSync(path.join(scen, 'main-dir.vlab'), 'kernel 6.18\ninclude "linked/passwd"\n');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('vscode.workspace.fs.stat reports the SymbolicLink bit for a linked file and a linked directory', async () => {
    const file = await vscode.workspace.fs.stat(vscode.Uri.file(path.join(scen, 'link.vlab')));
    const folder = await vscode.workspace.fs.stat(vscode.Uri.file(path.join(scen, 'linked')));
    assert.equal(file.type, vscode.FileType.File | vscode.FileType.SymbolicLink);
    assert.equal(folder.type, vscode.FileType.Directory | vscode.FileType.SymbolicLink);
  });

  it('regular files inside the folder are read; a link to a file outside, a file under a linked folder and a link inside are refused', async () => {
    assert.equal(await readScenarioFile(path.join(scen, 'ok.vlab'), scen), 'kernel 6.18\n');
    assert.equal(await readScenarioFile(path.join(scen, 'sub', 'inner.vlab'), scen), 'process qemu pid 1000\n');
    await assert.rejects(readScenarioFile(path.join(scen, 'link.vlab'), scen), (e: Error) => e.message === LINK_MSG);
    await assert.rejects(readScenarioFile(path.join(scen, 'linked', 'passwd'), scen), (e: Error) => e.message === LINK_MSG);
    // without real paths a link cannot be told harmless: any link on the way is refused
    await assert.rejects(readScenarioFile(path.join(scen, 'inside-link.vlab'), scen), (e: Error) => e.message === LINK_MSG);
    // a `..` that climbs out of the folder is outside, whatever its text starts with
    await assert.rejects(readScenarioFile(path.join(scen, 'sub') + '/../../outside.vlab', scen), (e: Error) => e.message === OUTSIDE_MSG);
    await assert.rejects(readScenarioFile(path.join(dir, 'outside.vlab'), scen), (e: Error) => e.message === OUTSIDE_MSG);
  });

  /** Launch `program` in an in-process session over WorkspaceFileAccess (the inline adapter's); returns the launch answer and the output. */
  async function launch(program: string): Promise<{ response: DebugProtocol.Response; output: string }> {
    const session = new VlabSession(new WorkspaceFileAccess());
    const sent: DebugProtocol.ProtocolMessage[] = [];
    session.onDidSendMessage((m) => sent.push(m as DebugProtocol.ProtocolMessage));
    session.handleMessage({ seq: 1, type: 'request', command: 'initialize', arguments: { adapterID: 'vlab', pathFormat: 'path' } } as DebugProtocol.Request);
    session.handleMessage({ seq: 2, type: 'request', command: 'launch', arguments: { program, stopOnEntry: true } } as DebugProtocol.Request);
    const answered = () => sent.find((m): m is DebugProtocol.Response => m.type === 'response' && (m as DebugProtocol.Response).request_seq === 2);
    for (let i = 0; i < 500 && !answered(); i++) await new Promise((r) => setTimeout(r, 10));
    const response = answered();
    assert.ok(response, 'launch answered');
    const output = sent.filter((m) => m.type === 'event' && (m as DebugProtocol.Event).event === 'output').map((m) => (m as DebugProtocol.OutputEvent).body.output).join('');
    session.dispose();
    return { response, output };
  }

  it('the inline adapter refuses `include "link.vlab"` (→ /etc/passwd) with a diagnostic, leaking none of its lines', async () => {
    const { response, output } = await launch(path.join(scen, 'main.vlab'));
    assert.equal(response.success, false);
    // the answer names the first problem (one bounded line); the output has the whole diagnostic
    assert.ok(response.message?.includes(`error: cannot include 'link.vlab': cannot read ${path.join(scen, 'link.vlab')}: it is`), response.message);
    assert.ok(output.includes(`main.vlab:2:9: error: cannot include 'link.vlab': cannot read ${path.join(scen, 'link.vlab')}: ${LINK_MSG}`), output);
    assert.ok(!output.includes(SECRET) && !response.message?.includes(SECRET));
  });

  it('the inline adapter refuses `include "linked/passwd"` through a linked directory, leaking nothing', async () => {
    const { response, output } = await launch(path.join(scen, 'main-dir.vlab'));
    assert.equal(response.success, false);
    assert.ok(response.message?.includes(`error: cannot include 'linked/passwd': cannot read ${path.join(scen, 'linked', 'passwd')}: `), response.message);
    assert.ok(output.includes(`main-dir.vlab:2:9: error: cannot include 'linked/passwd': cannot read ${path.join(scen, 'linked', 'passwd')}: ${LINK_MSG}`), output);
    assert.ok(!output.includes(SECRET) && !response.message?.includes(SECRET));
  });
});
