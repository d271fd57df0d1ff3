// The Channel Paths view's context actions, positive path, in a real extension host: vary off then
// on, configure off then on (the `chchp` statements run through the debug console path), each row's
// state afterwards as the machine, host cio and guest see it, and Step Back undoing each action
// exactly. Values: /work/shared/reference/css-vfio-ccw.md §1.2, §7.2, §8.4, §10.3.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { find, lineOf, norm, recordTraffic, render, trafficMark, trafficSince, VlabSession, type SnapshotNode } from './vlabSession';

recordTraffic();

const folder = () => vscode.workspace.workspaceFolders?.[0];
const file = () => path.join(folder()!.uri.fsPath, 'vfio-chchp-configure.vlab');

/** A CHPID row and its children as lines; the change mark (relative to the previous stop) dropped. */
function chpid(snap: SnapshotNode[], id: string): string[] {
  const row = find(snap, [`CHPID ${id}`]);
  return [norm(row.description).replace(/^●\s*/, ''), ...row.children.map((c) => `${c.label} — ${norm(c.description)}`)];
}

/** The whole view without change marks: what Step Back must restore. */
const state = (snap: SnapshotNode[]) => render(snap).replace(/●\s*/g, '');

/** CHPID 0x41 configured and online everywhere, every mask bit set (css §1.2): after vary on and configure on. */
const ONLINE_41 = [
  'type 0x1b configured online host online guest PAM 1/1',
  'machine — configured, online',
  'host cio — online (chp0.41/status)',
  'guest — PAM bit set in 1 of 1 subchannel(s)',
  '0.0.0007 — mask 0x40 PIM ✓ PAM ✓ POM ✓ LPM ✓ guest PAM ✓',
];

describe('Channel Paths actions: vary on/off, configure on/off, undone by Step Back (examples/vfio-chchp-configure.vlab)', function () {
  let s: VlabSession;
  let base = '';
  let afterVaryOff = '';
  let afterConfigureOff = '';

  async function action(command: string, chpidNumber: number, statement: string): Promise<void> {
    const mark = trafficMark();
    const out = await vscode.commands.executeCommand(`vfioLab.channelPaths.${command}`, { chpid: chpidNumber });
    assert.equal(typeof out, 'string', `${command}: ${JSON.stringify(out)}`);
    const evaluate = trafficSince(mark).find((t) => t.dir === 'request' && t.name === 'evaluate');
    assert.deepEqual(evaluate?.arguments, { expression: statement, context: 'repl' });
    await s.waitForState();
  }

  async function stepBack(): Promise<void> {
    await s.debugSession.customRequest('stepBack', { threadId: 1 });
    await s.waitForStop();
  }

  before(async function () {
    this.timeout(120_000);
    s = await VlabSession.start(folder(), file());
    // before `chchp -c 0 41`: both paths configured and online everywhere (css §7.2, §10.1)
    await s.nextUntilLine(await lineOf(file(), 'stsch 0.0.0007'));
    base = state(await s.snapshot('channelPaths'));
  });
  after(async () => s?.stop());

  it('starts with CHPID 0x41 configured and online for the machine, host cio and guest', async () => {
    assert.deepEqual(chpid(await s.snapshot('channelPaths'), '0x41'), [
      'type 0x1b configured online host online guest PAM 1/1',
      'machine — configured, online',
      'host cio — online (chp0.41/status)',
      'guest — PAM bit set in 1 of 1 subchannel(s)',
      // css §1.1: CHPID slot 1 ↔ mask 0x40
      '0.0.0007 — mask 0x40 PIM ✓ PAM ✓ POM ✓ LPM ✓ guest PAM ✓',
    ]);
  });

  it('vary off 41: host cio varied offline; machine and guest unchanged; no CRW (css §7.2, §8.4 CHP_VARY_OFF)', async () => {
    await action('varyOff', 0x41, 'chchp -v 0 41');
    const snap = await s.snapshot('channelPaths');
    assert.deepEqual(chpid(snap, '0x41'), [
      'type 0x1b configured online host varied offline guest PAM 1/1',
      'machine — configured, online',
      'host cio — varied offline (chp0.41/status)',
      'guest — PAM bit set in 1 of 1 subchannel(s)',
      // css §1.2: vary changes Linux's software opm / lpm, which are not written to the PMCW, so
      // the machine's masks keep the path
      '0.0.0007 — mask 0x40 PIM ✓ PAM ✓ POM ✓ LPM ✓ guest PAM ✓',
    ]);
    // css §8.4: CHP_VARY_OFF queues no CRW
    assert.equal(norm(find(await s.snapshot('crwQueues'), ['vfio-ccw 0.0.0007']).description), '0 CRWs');
    afterVaryOff = state(snap);
  });

  it('vary on 41: host cio online again (css §8.4 CHP_VARY_ON)', async () => {
    await action('varyOn', 0x41, 'chchp -v 1 41');
    assert.deepEqual(chpid(await s.snapshot('channelPaths'), '0x41'), ONLINE_41);
  });

  it('Step Back undoes vary on, then vary off, exactly', async () => {
    await stepBack();
    assert.equal(state(await s.snapshot('channelPaths')), afterVaryOff);
    await stepBack();
    assert.equal(state(await s.snapshot('channelPaths')), base);
  });

  it('configure off 41: the machine has it in standby, PAM bit cleared, CRW RSC 4 ERC 6 queued (css §7.2, §8.4)', async () => {
    await action('configureOff', 0x41, 'chchp -c 0 41');
    const snap = await s.snapshot('channelPaths');
    assert.deepEqual(chpid(snap, '0x41'), [
      'type 0x1b standby online host online guest PAM 1/1',
      'machine — standby, online',
      'host cio — online (chp0.41/status)',
      // css §10.3: the guest's SCHIB is refreshed only by its next STSCH
      'guest — PAM bit set in 1 of 1 subchannel(s)',
      // css §1.2: configure-off (SCLP deconfigure) removes the path from the machine's PAM
      '0.0.0007 — mask 0x40 PIM ✓ PAM ✗ POM ✓ LPM ✓ guest PAM ✓',
    ]);
    const crw = await s.snapshot('crwQueues');
    assert.equal(norm(find(crw, ['vfio-ccw 0.0.0007']).description), '1 CRW ● was 0');
    assert.deepEqual(find(crw, ['vfio-ccw 0.0.0007']).children.map((c) => `${c.label} ${norm(c.description)}`), ['RSC 4 channel path, ERC 6 permanent error, not initialized, RSID 0x41 ● new 0x04060041']);
    afterConfigureOff = state(snap);
  });

  it('configure on 41: configured again, PAM bit set, CRW RSC 4 ERC 2 queued behind the first (css §7.2, §8.4)', async () => {
    await action('configureOn', 0x41, 'chchp -c 1 41');
    assert.deepEqual(chpid(await s.snapshot('channelPaths'), '0x41'), ONLINE_41);
    const crw = await s.snapshot('crwQueues');
    assert.equal(norm(find(crw, ['vfio-ccw 0.0.0007']).description), '2 CRWs ● was 1');
    assert.deepEqual(find(crw, ['vfio-ccw 0.0.0007']).children.map((c) => `${c.label} ${norm(c.description)}`), [
      'RSC 4 channel path, ERC 6 permanent error, not initialized, RSID 0x41 0x04060041',
      'RSC 4 channel path, ERC 2 initialized, RSID 0x41 ● new 0x04020041',
    ]);
  });

  it('Step Back undoes configure on, then configure off, exactly', async () => {
    await stepBack();
    assert.equal(state(await s.snapshot('channelPaths')), afterConfigureOff);
    assert.equal(norm(find(await s.snapshot('crwQueues'), ['vfio-ccw 0.0.0007']).description).split(' ●')[0], '1 CRW');
    await stepBack();
    assert.equal(state(await s.snapshot('channelPaths')), base);
    assert.equal(norm(find(await s.snapshot('crwQueues'), ['vfio-ccw 0.0.0007']).description).split(' ●')[0], '0 CRWs');
  });
});
