// Breakpoints from the extension host (issue 9): "VFIO Lab: Add Function Breakpoint…" adds a
// standard function breakpoint that stops the session at the instruction, and a data breakpoint
// set through the custom request `vlab/dataBreakpoint` (what the views' "add data breakpoint"
// row action calls) stops it when the value changes (gup §4: nr_foll_pin_acquired counts pins).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { VlabSession } from './vlabSession';

const hello = path.resolve(__dirname, '..', '..', '..', 'examples', 'hello.vlab');

describe('breakpoints from the extension host (examples/hello.vlab)', function () {
  let s: VlabSession;
  const responses: string[] = [];
  let tracker: vscode.Disposable | undefined;
  before(async function () {
    this.timeout(60_000);
    tracker = vscode.debug.registerDebugAdapterTrackerFactory('vlab', {
      createDebugAdapterTracker: () => ({
        onDidSendMessage: (m: { type: string; command?: string }) => {
          if (m.type === 'response' && m.command) responses.push(m.command);
        },
      }),
    });
    s = await VlabSession.start(vscode.workspace.workspaceFolders?.[0], hello);
  });
  after(async () => {
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    tracker?.dispose();
    await s?.stop();
  });

  async function until(command: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!responses.includes(command)) {
      if (Date.now() > deadline) throw new Error(`no ${command} response (saw ${responses.join(', ')})`);
      await new Promise((r) => setTimeout(r, 20));
    }
    responses.splice(0);
  }

  async function evaluate(expression: string): Promise<string> {
    const r = await s.debugSession.customRequest('evaluate', { expression, context: 'watch' });
    return r.result as string;
  }

  it('Add Function Breakpoint… on tsch stops at the tsch statement (css §5)', async () => {
    responses.splice(0);
    const added = await vscode.commands.executeCommand('vfioLab.addFunctionBreakpoint', 'tsch');
    assert.equal(added, 'tsch');
    assert.ok(vscode.debug.breakpoints.some((b) => b instanceof vscode.FunctionBreakpoint && b.functionName === 'tsch'));
    await until('setFunctionBreakpoints');
    await s.debugSession.customRequest('continue', { threadId: 1 });
    const stop = await s.waitForStop();
    assert.equal(stop.reason, 'function breakpoint');
    const frames = await s.stack();
    assert.equal(frames[0]!.name, 'tsch 0.0.0007');
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    await until('setFunctionBreakpoints');
  });

  it('a data breakpoint from vlab/dataBreakpoint stops the session when vmstat changes (gup §4)', async () => {
    const r = await s.debugSession.customRequest('vlab/dataBreakpoint', { expression: 'vmstat.nr_foll_pin_acquired' });
    assert.equal(r.dataId, 'expr:vmstat.nr_foll_pin_acquired');
    assert.equal(r.description, 'vmstat.nr_foll_pin_acquired (now 0)');
    await s.debugSession.customRequest('continue', { threadId: 1 });
    const stop = await s.waitForStop();
    assert.equal(stop.reason, 'data breakpoint');
    assert.equal(await evaluate('vmstat.nr_foll_pin_acquired'), '1');
  });
});
