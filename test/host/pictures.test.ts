// The two pictures in a real extension host: the I/O timeline and the page map open as panels,
// their webviews load, ask the followed session for data and get it, refresh on the next stop and
// clear when the session ends. What the webviews asked and got is read through the internal
// command `vfioLab.pictures.state`; what they draw is checked by test/e2e/pictures.e2e.js.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import * as P from '../../debug-adapter/protocol';
import type { PictureState } from '../../extension/webviews/pictureHost';
import { VlabSession } from './vlabSession';

// out/test/host → the repository's examples (the sample workspace)
const EXAMPLES = path.resolve(__dirname, '..', '..', '..', 'examples');

async function pictures(): Promise<PictureState[]> {
  return (await vscode.commands.executeCommand<PictureState[]>('vfioLab.pictures.state')) ?? [];
}

/** Polls the pictures' state until `test` holds for the picture of `kind`. */
async function until(kind: PictureState['kind'], test: (s: PictureState) => boolean, what: string): Promise<PictureState> {
  const deadline = Date.now() + 20_000;
  let last: PictureState | undefined;
  while (Date.now() < deadline) {
    last = (await pictures()).find((p) => p.kind === kind);
    if (last && test(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: ${JSON.stringify(last)}`);
}

describe('Pictures: I/O timeline and page map webviews', function () {
  this.timeout(180_000); // a few dozen DAP round trips and two webviews, on a loaded machine
  let s: VlabSession | undefined;
  afterEach(async () => {
    await s?.stop();
    s = undefined;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('the timeline gets the rows of the current stop, refreshes on the next one and clears at the end', async () => {
    s = await VlabSession.start(vscode.workspace.workspaceFolders?.[0], path.join(EXAMPLES, 'vfio-chchp-configure.vlab'));
    await s.nextUntilLine(16); // `stsch`: the device is set up (host cio, vfio-ccw and guest events)
    const direct = (await s.debugSession.customRequest(P.TIMELINE_REQUEST, { count: 1 })) as P.TimelineResponse;
    await vscode.commands.executeCommand('vfioLab.openTimeline');
    const first = await until('timeline', (p) => p.ready && p.last?.command === P.TIMELINE_REQUEST && p.last.summary?.currentSeq === direct.currentSeq, 'timeline answered for this stop');
    assert.equal(first.phase, 'stopped');
    assert.equal(first.last?.summary?.total, direct.total);
    await s.next();
    const after = (await s.debugSession.customRequest(P.TIMELINE_REQUEST, { count: 1 })) as P.TimelineResponse;
    assert.ok(after.currentSeq > direct.currentSeq);
    await until('timeline', (p) => p.last?.summary?.currentSeq === after.currentSeq, 'timeline refreshed after a step');
    await s.stop();
    s = undefined;
    await until('timeline', (p) => p.phase === 'none', 'timeline cleared when the session ended');
  });

  it('the page map gets the THP VMA of the sample, and a scenario without processes gives its message', async () => {
    s = await VlabSession.start(vscode.workspace.workspaceFolders?.[0], path.join(EXAMPLES, 'gup-page-map.vlab'));
    await s.nextUntilLine(29);
    await vscode.commands.executeCommand('vfioLab.openPageMap');
    // gup-page-map.vlab: pid 100's first VMA is a 4 MiB THP region, both folios faulted in (1024 pages)
    const p = await until('pageMap', (x) => x.ready && x.last?.command === P.PAGE_MAP_REQUEST && x.last.summary?.count === 1024, 'page map answered');
    assert.deepEqual([p.last?.summary?.pid, p.last?.summary?.vma, p.last?.summary?.pages], [100, '0x7f0000000000', 1024]);
    await s.stop();
    s = undefined;
    await until('pageMap', (x) => x.phase === 'none', 'page map cleared when the session ended');
    // native topology, no process: the webview shows the adapter's message (in the vfio topology
    // QEMU's process holds the guest memory)
    s = await VlabSession.start(vscode.workspace.workspaceFolders?.[0], path.join(EXAMPLES, 'css-path-selection.vlab'));
    await until('pageMap', (x) => x.last?.error === 'pageMap: the scenario has no process (add `process NAME pid N` and a `vma`)', 'page map message without processes');
  });
});
