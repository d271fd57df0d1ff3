// The CRW Queues view across one machine CRW (test/host/fixtures/crw.vlab): empty, holding the
// CRW decoded field by field, empty again after STCRW. hello.vlab queues no CRW, so this fixture
// is what shows the view changing. Each assertion cites /work/shared/reference/css-vfio-ccw.md.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { find, render, VlabSession } from './vlabSession';

// out/test/host → the repository's test/host/fixtures (fixtures are not compiled).
const fixture = path.resolve(__dirname, '..', '..', '..', 'test', 'host', 'fixtures', 'crw.vlab');
const norm = (s: string | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();

describe('CRW Queues view (fixtures/crw.vlab)', function () {
  let s: VlabSession;
  before(async function () {
    this.timeout(60_000);
    s = await VlabSession.start(vscode.workspace.workspaceFolders?.[0], fixture);
  });
  after(async () => s?.stop());

  it('is empty before the CRW is made pending', async () => {
    const frames = await s.nextUntilLine(4);
    assert.equal(frames[0]!.name, 'machine crw rsc=4 erc=2 rsid=0x40');
    // css §6.3: adding a chpid generates no CRW (css_generate_chp_crws is an empty stub).
    assert.equal(norm(render(await s.snapshot('crwQueues'))), 'machine — 0 CRWs');
  });

  it('shows the queued CRW decoded, with its raw word and fields', async () => {
    await s.nextUntilLine(5);
    const snap = await s.snapshot('crwQueues');
    const queue = find(snap, ['machine']);
    // the queue changed since the previous stop (it held 0), and the CRW is marked new
    assert.equal(norm(queue.description), '1 CRW ● was 0');
    // css §6.1: RSC 0x4 channel path, ERC 0x02 initialized, RSID = chpid in the low byte;
    // raw word = RSC << 24 | ERC << 16 | RSID.
    const crw = find(snap, ['machine', 'RSC 4 channel path, ERC 2 initialized, RSID 0x40']);
    assert.equal(norm(crw.description), '● new 0x04020040');
    const fields = Object.fromEntries(crw.children.map((c) => [c.label, norm(c.description)]));
    // css §6.1 bit positions: SOL 1, OFLW 2, CHN 3, RSC 4-7, ANC 8, ERC 10-15, RSID 16-31.
    assert.deepEqual(fields, {
      'sol [1]': '0x0',
      'oflw [2]': '0x0',
      'chn [3]': '0x0',
      'rsc [4-7]': '0x4 channel path',
      'anc [8]': '0x0',
      'erc [10-15]': '0x02 initialized, no parameters changed',
      'rsid [16-31]': '0x0040',
    });
  });

  it('is empty again after STCRW stored the CRW (cc 0), and STCRW then gives cc 1', async () => {
    let frames = await s.nextUntilLine(6);
    // css §5.2 / §6.3: STCRW cc 0 = first CRW dequeued and stored.
    assert.equal((await s.variables(frames[0]!.id))['Statement']!['cc'], '0');
    // css §6.3 STCRW dequeued it: the queue changed since the previous stop, when it held 1
    assert.equal(norm(render(await s.snapshot('crwQueues'))), 'machine — 0 CRWs ● was 1');
    frames = await s.nextUntilLine(9);
    // css §6.3: cc 1 = no CRW pending, zeros stored.
    assert.equal((await s.variables(frames[0]!.id))['Statement']!['cc'], '1');
  });
});
