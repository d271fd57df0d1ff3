// The issue-10 views in a real extension host: Channel Paths (machine, host and guest side by side
// after a chchp, vary/configure actions undone by Step Back), CRW Queues marking CRWs as they
// arrive, Pages (pincounts rising and falling, a THP folio as one row, per-VMA paging and filters
// with 10^5 pinned pages, bad input), row actions, several sessions. Values cite
// /work/shared/reference/css-vfio-ccw.md and gup-foll-pin.md.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { find, lineOf, norm, render, vfioLabApi, VlabSession, type SnapshotNode } from './vlabSession';

const folder = () => vscode.workspace.workspaceFolders?.[0];
const example = (name: string) => path.join(folder()!.uri.fsPath, name);
const fixture = (name: string) => path.resolve(__dirname, '..', '..', '..', 'test', 'host', 'fixtures', name);

interface Api {
  snapshotView(view: string): Promise<SnapshotNode[]>;
  nodeAt(view: string, path: string[]): Promise<unknown>;
  statusText(): string | undefined;
}
const api = async () => (await vfioLabApi()) as unknown as Api;

/**
 * The requests VS Code sends to `vlab` adapters (to check what a row action asked). Trackers attach
 * when a session starts, so this one is registered when the file loads, before any session.
 */
const sent: Array<{ command: string; arguments?: unknown }> = [];
vscode.debug.registerDebugAdapterTrackerFactory('vlab', {
  createDebugAdapterTracker: () => ({
    onWillReceiveMessage: (m: { type?: string; command?: string; arguments?: unknown }) => {
      if (m.type === 'request' && m.command) sent.push({ command: m.command, arguments: m.arguments });
    },
  }),
});
function recordRequests(): { requests: Array<{ command: string; arguments?: unknown }>; dispose(): void } {
  const from = sent.length;
  return {
    get requests() {
      return sent.slice(from);
    },
    dispose: () => undefined,
  };
}

describe('Channel Paths and CRW Queues after chchp (examples/vfio-chchp-configure.vlab)', function () {
  const file = () => example('vfio-chchp-configure.vlab');
  let s: VlabSession;
  before(async function () {
    this.timeout(180_000); // the Testing view's runs before may still load the machine
    s = await VlabSession.start(folder(), file());
  });
  after(async () => s?.stop());

  it('shows each CHPID as machine, host cio and guest see it, side by side', async () => {
    await s.nextUntilLine(await lineOf(file(), 'chchp -c 0 41'));
    const snap = await s.snapshot('channelPaths');
    // css §7.1 / §10.1: both paths configured and online everywhere; guest PAM from host sysfs
    assert.equal(norm(find(snap, ['CHPID 0x41']).description), 'type 0x1b configured online host online guest PAM 1/1');
    assert.deepEqual(find(snap, ['CHPID 0x41']).children.map((c) => `${c.label} — ${norm(c.description)}`), [
      'machine — configured, online',
      'host cio — online (chp0.41/status)',
      'guest — PAM bit set in 1 of 1 subchannel(s)',
      // css §1.1: CHPID slot 1 ↔ mask 0x40, set in the machine's PIM, PAM, POM and LPM
      // (host cio enables it with lpm = PAM & opm, css §1.2); the guest's PAM has it too
      '0.0.0007 — mask 0x40 PIM ✓ PAM ✓ POM ✓ LPM ✓ guest PAM ✓',
    ]);
  });

  it('after chchp -c 0 41: standby on the machine, the CRW marked new on vfio-ccw’s list', async () => {
    await s.nextUntilLine(await lineOf(file(), 'expect ret == 1'));
    const snap = await s.snapshot('channelPaths');
    // css §7.2: SCLP deconfigure → standby, PAM bit cleared on the machine; the guest has not
    // refreshed its SCHIB yet (css §10.3), so it still sees the path
    assert.equal(norm(find(snap, ['CHPID 0x41']).description), '● type 0x1b standby online host online guest PAM 1/1');
    assert.equal(norm(find(snap, ['CHPID 0x41', '0.0.0007']).description), 'mask 0x40 PIM ✓ PAM ✗ POM ✓ LPM ✓ guest PAM ✓');
    const crw = await s.snapshot('crwQueues');
    // css §8.4: CHP_OFFLINE queues RSC 4 ERC 6 RSID 0x41 on the device's list
    assert.equal(norm(find(crw, ['vfio-ccw 0.0.0007']).description), '1 CRW ● was 0');
    assert.equal(norm(find(crw, ['vfio-ccw 0.0.0007', 'RSC 4']).description), '● new 0x04060041');
  });

  it('the CRW travels to the guest queue (css §10.5)', async () => {
    await s.nextUntilLine(await lineOf(file(), 'expect vfio(0.0.0007).crws == 0'));
    const crw = await s.snapshot('crwQueues');
    assert.equal(norm(find(crw, ['vfio-ccw 0.0.0007']).description), '0 CRWs ● was 1');
    assert.equal(norm(find(crw, ['guest']).description), '1 CRW ● was 0');
  });

  it('vary off from the view runs chchp -v 0 40 through the console path; Step Back undoes it', async () => {
    const rec = recordRequests();
    try {
      const out = await vscode.commands.executeCommand('vfioLab.channelPaths.varyOff', { chpid: 0x40 });
      assert.equal(typeof out, 'string', JSON.stringify(out));
      const evaluate = rec.requests.find((r) => r.command === 'evaluate');
      assert.deepEqual(evaluate?.arguments, { expression: 'chchp -v 0 40', context: 'repl' });
    } finally {
      rec.dispose();
    }
    await s.waitForState();
    let snap = await s.snapshot('channelPaths');
    // css §7.1: vary is the host's state only (lpm/opm), the machine keeps the path configured
    assert.equal(norm(find(snap, ['CHPID 0x40']).description), '● type 0x1b configured online host varied offline guest PAM 1/1');
    await s.debugSession.customRequest('stepBack', { threadId: 1 });
    await s.waitForStop();
    snap = await s.snapshot('channelPaths');
    assert.match(norm(find(snap, ['CHPID 0x40']).description), /configured online host online guest PAM 1\/1$/);
  });

  it('configure off from the view runs chchp -c 0 40; the machine shows standby; Step Back undoes it', async () => {
    const rec = recordRequests();
    try {
      await vscode.commands.executeCommand('vfioLab.channelPaths.configureOff', { chpid: 0x40 });
      assert.deepEqual(rec.requests.find((r) => r.command === 'evaluate')?.arguments, { expression: 'chchp -c 0 40', context: 'repl' });
    } finally {
      rec.dispose();
    }
    await s.waitForState();
    let snap = await s.snapshot('channelPaths');
    // css §7.2: SCLP deconfigure → standby on the machine, PAM bit 0x80 (slot 0) cleared there
    assert.equal(norm(find(snap, ['CHPID 0x40', 'machine']).description), 'standby, online');
    assert.match(norm(find(snap, ['CHPID 0x40', '0.0.0007']).description), /^mask 0x80 PIM ✓ PAM ✗ /);
    await s.debugSession.customRequest('stepBack', { threadId: 1 });
    await s.waitForStop();
    snap = await s.snapshot('channelPaths');
    assert.equal(norm(find(snap, ['CHPID 0x40', 'machine']).description), 'configured, online');
    assert.match(norm(find(snap, ['CHPID 0x40', '0.0.0007']).description), /^mask 0x80 PIM ✓ PAM ✓ /);
  });

  it('configure on a CHPID that does not exist, or while no row is chosen: one line, nothing changed', async () => {
    const before = render(await s.snapshot('channelPaths'));
    const out = (await vscode.commands.executeCommand('vfioLab.channelPaths.configureOn', { chpid: 0x99 })) as { error?: string };
    assert.equal(out.error, 'select a CHPID in the Channel Paths view.');
    assert.equal(render(await s.snapshot('channelPaths')), before);
  });
});

describe('Pages with pincounts rising and falling (examples/gup-pinning.vlab)', function () {
  const file = () => example('gup-pinning.vlab');
  let s: VlabSession;
  before(async function () {
    this.timeout(180_000); // the Testing view's runs before may still load the machine
    s = await VlabSession.start(folder(), file());
  });
  after(async () => {
    await vscode.commands.executeCommand('vfioLab.pages.clearFilter');
    await s?.stop();
  });

  it('the THP with real _pincount is one folio row of 512 pages; small pages 1025', async () => {
    await s.nextUntilLine(await lineOf(file(), 'expect huge[0].refcount'));
    const pages = await s.snapshot('pages');
    const thp = find(pages, ['app', '0x7f0000200000–']);
    assert.equal(norm(thp.description), 'thp rwp 1 folio (512 pages) of 512 pages');
    const folio = find(thp.children, ['0x7f0000200000']);
    // gup §3.1 large folio ref +1 per subpage: 1 + 512 = 513; gup §3.2 _pincount 512
    assert.match(norm(folio.description), /^● folio 512 pages ref 513 pin 512 maybe-pinned/);
    assert.equal(folio.children.length, 512);
    assert.equal(norm(folio.children[511]!.label), '0x7f00003ff000 pfn 0x3ff'.replace('0x3ff', folio.children[511]!.label.split('pfn ')[1]!));
    // gup §4: 4 + 512 acquired
    assert.equal(norm(find(pages, ['vmstat', 'nr_foll_pin_acquired']).description), '● 516 (was 4)');
    assert.equal((await api()).statusText()?.startsWith('$(history) VFIO Lab  t='), true);
  });

  it('filter pincount > N from the view; bad input gives one line and changes nothing', async () => {
    const r = (await vscode.commands.executeCommand('vfioLab.pages.filter', { input: 'minPincount', text: '511' })) as Record<string, unknown>;
    assert.deepEqual(r, { minPincount: 511 });
    let pages = await s.snapshot('pages');
    assert.equal(norm(find(pages, ['app', '0x7f0000000000–']).description), 'anon rwp 0 pages of 16 pages');
    assert.equal(norm(find(pages, ['app', '0x7f0000200000–']).description), 'thp rwp 1 folio (512 pages) of 512 pages');
    const before = render(pages);
    for (const [input, text, error] of [
      ['minPincount', 'lots', "'lots' is not a number: type a whole number ≥ 0 (pincount greater than it is shown)."],
      ['zone', 'highmem', "'highmem' is not a zone: use normal, movable, cma, device."],
      ['vaddrRange', '0x7f0000200000-0x7f0000000000', 'the range 0x7f0000200000-0x7f0000000000 is empty: FROM must be below TO.'],
    ] as const) {
      const bad = (await vscode.commands.executeCommand('vfioLab.pages.filter', { input, text })) as { error?: string };
      assert.equal(bad.error, error);
    }
    assert.equal((await vscode.commands.executeCommand('vfioLab.pages.sort', 'size')) !== undefined, true);
    pages = await s.snapshot('pages');
    assert.equal(render(pages), before);
    await vscode.commands.executeCommand('vfioLab.pages.clearFilter');
  });

  it('pincounts fall after the unpins; vmstat marks the change', async () => {
    await s.nextUntilLine(await lineOf(file(), 'expect pins_held == 0'));
    const pages = await s.snapshot('pages');
    assert.equal(norm(find(pages, ['vmstat']).description), 'pins 0 held ● 1 changed');
    assert.equal(norm(find(pages, ['vmstat', 'nr_foll_pin_released']).description), '● 516 (was 4)');
    // the THP's pins are gone: the folio is listed because it changed since the previous stop
    const folio = find(pages, ['app', '0x7f0000200000–', '0x7f0000200000']);
    assert.match(norm(folio.description), /^● folio 512 pages ref 1 pin 0/);
  });

  it('row actions: copy as hex, reveal the statement that last changed a page, data breakpoint request', async () => {
    const a = await api();
    const node = await a.nodeAt('pages', ['app', '0x7f0000000000–', '0x7f0000000000']);
    assert.ok(node, 'the first small page row');
    const hex = await vscode.commands.executeCommand('vfioLab.copyHex', node);
    // gup §3.1 small pages after unpin_user_pages_dirty_lock: refcount back to 1 (no exact pincount): value shown is the refcount
    assert.equal(hex, '0x1');
    assert.equal(await vscode.env.clipboard.readText(), '0x1');
    const last = (await vscode.commands.executeCommand('vfioLab.revealLastChange', node)) as { found: boolean; line?: number };
    assert.deepEqual([last.found, last.line], [true, await lineOf(file(), 'unpin_user_pages_dirty_lock')]);
    assert.equal(vscode.window.activeTextEditor?.selection.start.line, (await lineOf(file(), 'unpin_user_pages_dirty_lock')) - 1);
    const rec = recordRequests();
    try {
      await vscode.commands.executeCommand('vfioLab.addDataBreakpoint', node);
      // contract (common brief): vlab/dataBreakpoint { expression } with the row's scenario expression
      assert.deepEqual(rec.requests.find((r) => r.command === 'vlab/dataBreakpoint')?.arguments, { expression: 'page(100, 0x7f0000000000).refcount' });
    } finally {
      rec.dispose();
    }
    const cmds = await vscode.commands.getCommands(true);
    for (const c of ['vfioLab.pages.reveal', 'vfioLab.addDataBreakpoint', 'vfioLab.openMemory', 'vfioLab.revealLastChange', 'vfioLab.copyHex']) assert.ok(cmds.includes(c), c);
  });

  it('copy value copies the row in the view\'s radix (dec for Pages), copy as hex in hex', async () => {
    const a = await api();
    const node = await a.nodeAt('pages', ['vmstat', 'nr_foll_pin_released']);
    assert.ok(node, 'the nr_foll_pin_released row');
    // gup §4: 4 small + 512 THP subpages released by the unpins
    assert.equal(await vscode.commands.executeCommand('vfioLab.copyValue', node), '516');
    assert.equal(await vscode.env.clipboard.readText(), '516');
    assert.equal(await vscode.commands.executeCommand('vfioLab.copyHex', node), '0x204');
  });

  it('vfioLab.pages.reveal { pid, vaddr }: a page in a folio, an unmapped address, bad arguments', async () => {
    assert.equal(await vscode.commands.executeCommand('vfioLab.pages.reveal', { pid: 100, vaddr: '0x7f0000200abc' }), undefined);
    assert.equal(await vscode.commands.executeCommand('vfioLab.pages.reveal', { pid: 100, vaddr: '0x7f0000100000' }), '0x7f0000100000 is not inside a VMA of pid 100');
    assert.equal(await vscode.commands.executeCommand('vfioLab.pages.reveal', { pid: 100, vaddr: '0x7f0000010000' }), '0x7f0000010000 is not inside a VMA of pid 100');
    assert.equal(await vscode.commands.executeCommand('vfioLab.pages.reveal', { pid: 100, vaddr: 'here' }), "'here' is not a 0x hex address");
    assert.equal(await vscode.commands.executeCommand('vfioLab.pages.reveal', { pid: 5, vaddr: '0x1000' }), 'no process with pid 5');
  });
});

describe('Pages with 10^5 pinned pages: per-VMA paging, settings, sort (fixtures/pages-100k.vlab)', function () {
  let s: VlabSession;
  before(async function () {
    this.timeout(120_000);
    s = await VlabSession.start(folder(), fixture('pages-100k.vlab'));
    await s.nextUntilLine(11);
  });
  after(async () => {
    await vscode.workspace.getConfiguration('vfioLab').update('pages.limit', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('vfioLab.pages.clearFilter');
    await s?.stop();
  });

  it('each VMA lists its own first 1,000 folios and a Next row; the THP VMA is not starved', async function () {
    this.timeout(60_000);
    const pages = await s.snapshot('pages');
    const big = find(pages, ['app', '0x7f0000000000–']);
    assert.equal(norm(big.description), 'anon rwp 100,000 pages of 102,400 pages');
    assert.equal(big.children.length, 1001);
    assert.equal(norm(big.children[1000]!.label), 'Next 1,000…');
    assert.equal(norm(big.children[1000]!.description), '1,000 of 100,000 folios shown');
    // gup §3.2: the THP pinned twice over 512 pages: _pincount 1024
    const thp = find(pages, ['app', '0x7f8000000000–', '0x7f8000000000']);
    assert.match(norm(thp.description), /folio 512 pages ref 1025 pin 1024/);
    const more = await vscode.commands.executeCommand('vfioLab.pages.more', { pid: 100, start: '0x7f0000000000' });
    assert.equal(more, 2000);
    const again = find(await s.snapshot('pages'), ['app', '0x7f0000000000–']);
    assert.equal(again.children.length, 2001);
    assert.equal(norm(again.children[1999]!.label).split(' ')[0], '0x7f00007cf000');
  });

  it('a settings change refreshes the current stop at once', async function () {
    this.timeout(60_000);
    await vscode.workspace.getConfiguration('vfioLab').update('pages.limit', 3, vscode.ConfigurationTarget.Global);
    const big = find(await s.snapshot('pages'), ['app', '0x7f0000000000–']);
    // paging restarts from the new step; the VMA kept its extra steps (2 × 3 rows)
    assert.deepEqual(big.children.map((c) => norm(c.label)).slice(-1), ['Next 3…']);
  });

  it('sort by pincount puts the THP folio first in its VMA; filters by PFN range', async () => {
    await vscode.commands.executeCommand('vfioLab.pages.sort', 'pincount');
    await vscode.commands.executeCommand('vfioLab.pages.filter', { pinnedOnly: true });
    const pages = await s.snapshot('pages');
    assert.equal(norm(find(pages, ['app', '0x7f8000000000–']).description), 'thp rwp 1 folio (512 pages) of 512 pages');
    await vscode.commands.executeCommand('vfioLab.pages.filter', { input: 'pfnRange', text: '0-10' });
    const small = find(await s.snapshot('pages'), ['app', '0x7f0000000000–']);
    assert.equal(norm(small.description), 'anon rwp 10 pages of 102,400 pages');
  });
});

describe('several sessions and bad input typed into views', function () {
  let a: VlabSession;
  let b: VlabSession;
  before(async function () {
    this.timeout(60_000);
    a = await VlabSession.start(folder(), example('hello.vlab'));
    b = await VlabSession.start(folder(), example('gup-pinning.vlab'));
  });
  after(async () => {
    await b?.stop();
    await a?.stop();
  });

  it('the views follow the active session and fall back when it ends', async () => {
    await b.nextUntilLine(await lineOf(example('gup-pinning.vlab'), 'pin_user_pages app'));
    // gup-pinning defines no subchannel; hello.vlab does
    assert.match(render(await b.snapshot('subchannels')), /^No subchannels defined/);
    // b stopped last: the views show it, though VS Code's active session stayed a
    assert.ok(norm(render(await b.snapshot('pages'))).includes('app'), render(await b.snapshot('pages')));
    await b.stop();
    const subs = await a.snapshot('subchannels');
    assert.match(render(subs), /^No subchannels defined|^0\.0\.0007/);
    assert.equal(norm(render(await a.snapshot('pages'))).includes('app'), false);
  });

  it('editing a read-only field, a too-wide value, a bad address: one line, nothing changed', async () => {
    await a.nextUntilLine(19);
    const before = render(await a.snapshot('subchannels'));
    // css §5.3: pmcw.pim is not modifiable by MSCH
    const pim = await (await api()).nodeAt('subchannels', ['0.0.0007', 'PMCW', 'pim [']);
    assert.ok(pim);
    await vscode.commands.executeCommand('vfioLab.editField', pim);
    // css §1.1 ISC is 3 bits: the adapter refuses 8 and text (its message is checked in the DAP tier)
    await assert.rejects(Promise.resolve(a.debugSession.customRequest('vlab/setField', { sch: 7, field: 'pmcw.isc', value: '8' })));
    await assert.rejects(Promise.resolve(a.debugSession.customRequest('vlab/setField', { sch: 7, field: 'pmcw.isc', value: 'x' })));
    const mem = (await vscode.commands.executeCommand('vfioLab.openMemory', '0xffffffff')) as { error?: string };
    assert.equal(mem.error, '0xffffffff is outside 31-bit guest storage (0..0x7fffffff, css §2).');
    const notNum = (await vscode.commands.executeCommand('vfioLab.openMemory', 'buf')) as { error?: string };
    assert.equal(notNum.error, "'buf' is not an address: type 0x hex or decimal.");
    assert.equal(render(await a.snapshot('subchannels')), before);
  });

  it('opens guest memory at an address as a read-only hex dump (DAP readMemory)', async () => {
    const uri = (await vscode.commands.executeCommand('vfioLab.openMemory', '0x2000')) as string;
    const parsed = vscode.Uri.parse(uri);
    assert.deepEqual([parsed.scheme, parsed.path, parsed.query], ['vfio-lab-memory', '/0x00002000.hexdump', `session=${a.debugSession.id}&count=256`]);
    const text = vscode.window.activeTextEditor!.document.getText();
    if (text.startsWith('Guest absolute storage')) {
      // hello.vlab: data msg at 0x2000 ascii "HELLO, CHANNEL!!"
      assert.match(text, /^00002000 {2}48 45 4c 4c 4f 2c 20 43 48 41 4e 4e 45 4c 21 21 {2}\|HELLO, CHANNEL!!\|$/m);
    } else {
      // an adapter without readMemory answers an error, shown as one line
      assert.match(text, /^readMemory at 0x2000 failed: .+\n$/);
    }
  });
});

describe('the walkthrough\'s scenario steps and the end of the last session', function () {
  it('the walkthrough opens its path-handling and pinning samples; an unknown name opens nothing', async () => {
    for (const name of ['vfio-chchp-configure.vlab', 'gup-pinning.vlab']) {
      const uri = (await vscode.commands.executeCommand('vfioLab.openExample', name)) as string;
      // the copy in the open workspace (the sample workspace) is preferred
      assert.equal(uri, vscode.Uri.file(example(name)).toString());
      assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, example(name));
    }
    assert.equal(await vscode.commands.executeCommand('vfioLab.openExample', '../package.json'), undefined);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, example('gup-pinning.vlab'));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('the views and the status bar clear when the last session ends', async function () {
    this.timeout(60_000);
    const s = await VlabSession.start(folder(), example('gup-pinning.vlab'));
    await s.nextUntilLine(await lineOf(example('gup-pinning.vlab'), 'expect ret == 4'));
    assert.ok(render(await s.snapshot('pages')).includes('pins 4 held'));
    assert.ok((await api()).statusText());
    await s.stop();
    for (const view of ['subchannels', 'channelPaths', 'crwQueues', 'pages'] as const) {
      assert.deepEqual(await (await vfioLabApi()).snapshotView(view), [], view);
    }
    assert.equal((await api()).statusText(), undefined);
  });
});
