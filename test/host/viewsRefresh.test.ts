// Views refresh only on a stop, and only what is visible and expanded (issue 10, PRODUCT §4): the
// custom requests the VFIO Lab tree views send to the adapter are counted per stop through a debug
// adapter tracker, in a real extension host, with the views hidden, shown, one of them closed, and
// with a VMA row collapsed (10^5 folios) next to an expanded one (1 folio). Nothing is requested
// between a run request (`continue`, `next`) and the `stopped` event that ends it.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { recordTraffic, trafficMark, trafficSince, vfioLabApi, VlabSession, type Traffic } from './vlabSession';

recordTraffic();

const folder = () => vscode.workspace.workspaceFolders?.[0];
const fixture = path.resolve(__dirname, '..', '..', '..', 'test', 'host', 'fixtures', 'pages-100k.vlab');

/** The requests the four tree views make (debug-adapter/protocol.ts). */
const VIEW_REQUESTS = new Set(['vlab/subchannels', 'vlab/channelPaths', 'vlab/crwQueues', 'vlab/pages', 'vlab/pagesSummary', 'vlab/vmaPages']);
const RUN_REQUESTS = new Set(['continue', 'next', 'stepIn', 'stepOut', 'stepBack', 'reverseContinue', 'goto']);

/** `vlab/vmaPages 0x7f8000000000` for a VMA's rows, the command alone for the others. */
function viewRequests(log: Traffic[]): string[] {
  return log
    .filter((t) => t.dir === 'request' && VIEW_REQUESTS.has(t.name))
    .map((t) => (t.name === 'vlab/vmaPages' ? `${t.name} ${(t.arguments as { start?: string }).start}` : t.name))
    .sort();
}

/** View requests sent after a run request and before the `stopped` (or `terminated`) event ending it. */
function requestsWhileRunning(log: Traffic[]): string[] {
  const out: string[] = [];
  let running = false;
  for (const t of log) {
    if (t.dir === 'request' && RUN_REQUESTS.has(t.name)) running = true;
    else if (t.dir === 'event' && (t.name === 'stopped' || t.name === 'terminated')) running = false;
    else if (running && t.dir === 'request' && VIEW_REQUESTS.has(t.name)) out.push(t.name);
  }
  return out;
}

/** Waits until the views' requests since `mark` stop growing (the tree has drawn what is shown). */
async function settle(mark: number, quietMs = 1500, maxMs = 20_000): Promise<string[]> {
  const deadline = Date.now() + maxMs;
  let last = -1;
  let quietSince = Date.now();
  for (;;) {
    const n = viewRequests(trafficSince(mark)).length;
    if (n !== last) {
      last = n;
      quietSince = Date.now();
    }
    if (Date.now() - quietSince >= quietMs || Date.now() > deadline) return viewRequests(trafficSince(mark));
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('views refresh only on stop, only what is shown and expanded (fixtures/pages-100k.vlab)', function () {
  let s: VlabSession;
  const bp = new vscode.SourceBreakpoint(new vscode.Location(vscode.Uri.file(fixture), new vscode.Position(9, 0))); // line 10: expect pins_held == 101024
  /** What the four views ask at a stop when all are shown: each root once; of the VMAs only the
   * expanded THP VMA (1 folio), not the collapsed one with 100,000 folios (vmaNode: > 64 → collapsed). */
  const ALL_SHOWN = ['vlab/channelPaths', 'vlab/crwQueues', 'vlab/pagesSummary', 'vlab/subchannels', 'vlab/vmaPages 0x7f8000000000'];

  before(async function () {
    this.timeout(120_000);
    await vscode.commands.executeCommand('workbench.view.explorer'); // the VFIO Lab container hidden
    await vscode.workspace.getConfiguration('vfioLab').update('pages.limit', undefined, vscode.ConfigurationTarget.Global);
    vscode.debug.addBreakpoints([bp]);
    s = await VlabSession.start(folder(), fixture);
  });
  after(async () => {
    vscode.debug.removeBreakpoints([bp]);
    // the closed view comes back (its focus command shows it again)
    await vscode.commands.executeCommand('vfioLab.subchannels.focus');
    await s?.stop();
  });

  it('hidden views ask nothing, neither while running through 10^5 pins nor at the stop', async function () {
    this.timeout(120_000);
    const mark = trafficMark();
    await s.debugSession.customRequest('continue', { threadId: 1 });
    await s.waitForStop();
    assert.equal((await s.stack())[0]?.line, 10);
    assert.deepEqual(await settle(mark), []);
    assert.deepEqual(requestsWhileRunning(trafficSince(mark)), []);
  });

  it('shown, each view asks once for the stop it shows; a collapsed VMA is not fetched', async function () {
    this.timeout(60_000);
    const mark = trafficMark();
    await vscode.commands.executeCommand('vfioLab.pages.focus');
    assert.deepEqual(await settle(mark), ALL_SHOWN);
  });

  it('a step: nothing while running, each shown view once at the stop, nothing after it', async function () {
    this.timeout(60_000);
    const mark = trafficMark();
    await s.next();
    assert.equal((await s.stack())[0]?.line, 11);
    assert.deepEqual(await settle(mark), ALL_SHOWN);
    assert.deepEqual(requestsWhileRunning(trafficSince(mark)), []);
    // a radix change redraws from the answers held for this stop: no request
    const quiet = trafficMark();
    await (await vfioLabApi() as unknown as { setRadix(v: string, r: string): Promise<void> }).setRadix('pages', 'hex');
    await (await vfioLabApi() as unknown as { setRadix(v: string, r: string): Promise<void> }).setRadix('pages', 'dec');
    assert.deepEqual(await settle(quiet), []);
  });

  it('a view the user closed asks nothing at the next stop; the others still refresh', async function () {
    this.timeout(60_000);
    await vscode.commands.executeCommand('vfioLab.subchannels.removeView');
    const mark = trafficMark();
    await s.next();
    assert.equal((await s.stack())[0]?.line, 12);
    assert.deepEqual(await settle(mark), ALL_SHOWN.filter((r) => r !== 'vlab/subchannels'));
    assert.deepEqual(requestsWhileRunning(trafficSince(mark)), []);
  });
});
