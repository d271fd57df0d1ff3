// The Pages tree's dirty and zone filters, its refcount sort, and the locked_vm / vmstat change
// marks, in a real extension host, on a small scenario whose every row is known
// (fixtures/pages-filters.vlab). Values: /work/shared/reference/gup-foll-pin.md §3.1 (refcount
// per pin / get), §4 (vmstat), §5 (zones), §6 (dirtying on release), §10.1 (vfio locked_vm).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { find, lineOf, norm, VlabSession, type SnapshotNode } from './vlabSession';

const folder = () => vscode.workspace.workspaceFolders?.[0];
const fixture = path.resolve(__dirname, '..', '..', '..', 'test', 'host', 'fixtures', 'pages-filters.vlab');

/** A VMA's folio rows as `label — description`. */
function rows(snap: SnapshotNode[], vma: string): string[] {
  return find(snap, ['qemu', vma]).children.map((c) => `${norm(c.label)} — ${norm(c.description)}`);
}

describe('Pages filters (dirty, zone), refcount sort, locked_vm and vmstat marks (fixtures/pages-filters.vlab)', function () {
  let s: VlabSession;
  before(async function () {
    this.timeout(120_000);
    await vscode.commands.executeCommand('vfioLab.pages.clearFilter');
    s = await VlabSession.start(folder(), fixture);
    // before vfio_pin_pages: a[0] unpinned dirty, b pins a[1] again, g gets two pages, m[0] unpinned dirty
    await s.nextUntilLine(await lineOf(fixture, 'vfio_pin_pages'));
  });
  // each case starts from no filter and address order, whatever the one before did
  afterEach(() => vscode.commands.executeCommand('vfioLab.pages.clearFilter'));
  after(async () => s?.stop());

  // gup §3.1: a small page's refcount is 1 (its mapping) + 1024 per pin (GUP_PIN_COUNTING_BIAS)
  // + 1 per get; a small page has no exact pincount ("–"), maybe-pinned from ref ≥ 1024 (§3.3)
  const NORMAL = {
    p0: '0x7f0000000000 pfn 0x0 — ref 1 pin – dirty', // pinned by a, released dirty (§6)
    p1: '0x7f0000001000 pfn 0x1 — ref 2049 pin – maybe-pinned', // a and b: 1 + 2 × 1024
    p2: '0x7f0000002000 pfn 0x2 — ref 1025 pin – maybe-pinned', // a only
    p4: '0x7f0000004000 pfn 0x3 — ref 2 pin –', // get_user_pages: 1 + 1
    p5: '0x7f0000005000 pfn 0x4 — ref 2 pin –',
  };
  // a page outside ZONE_NORMAL names its zone (gup §5)
  const MOVABLE = {
    p0: '0x7f0000100000 pfn 0x5 — ref 1 pin – dirty movable', // m[0] released dirty
    p1: '0x7f0000101000 pfn 0x6 — ref 1025 pin – maybe-pinned movable',
  };

  it('unfiltered: the pages pinned, gotten or dirtied, in address order, per VMA', async () => {
    const pages = await s.snapshot('pages');
    assert.deepEqual(rows(pages, '0x7f0000000000–'), [NORMAL.p0, NORMAL.p1, NORMAL.p2, NORMAL.p4, NORMAL.p5]);
    assert.deepEqual(rows(pages, '0x7f0000100000–'), [MOVABLE.p0, MOVABLE.p1]);
  });

  it('dirty only: the two pages unpin_user_pages_dirty_lock(…, true) dirtied, one per VMA (gup §6)', async () => {
    assert.deepEqual(await vscode.commands.executeCommand('vfioLab.pages.filter', { dirtyOnly: true }), { dirtyOnly: true });
    const pages = await s.snapshot('pages');
    assert.deepEqual(rows(pages, '0x7f0000000000–'), [NORMAL.p0]);
    assert.deepEqual(rows(pages, '0x7f0000100000–'), [MOVABLE.p0]);
    assert.equal(norm(find(pages, ['qemu']).description), 'pid 1000 2 VMAs 2 pages');
  });

  it('zone movable: only the zone-movable VMA\'s pages (no FOLL_LONGTERM, so no migration: gup §5)', async () => {
    assert.deepEqual(await vscode.commands.executeCommand('vfioLab.pages.filter', { input: 'zone', text: 'movable' }), { zone: 'movable' });
    const pages = await s.snapshot('pages');
    assert.equal(norm(find(pages, ['qemu', '0x7f0000000000–']).description), 'anon rwp 0 pages of 16 pages');
    assert.deepEqual(rows(pages, '0x7f0000100000–'), [MOVABLE.p0, MOVABLE.p1]);
    await vscode.commands.executeCommand('vfioLab.pages.filter', { input: 'zone', text: 'normal' });
    const normal = await s.snapshot('pages');
    assert.deepEqual(rows(normal, '0x7f0000000000–'), [NORMAL.p0, NORMAL.p1, NORMAL.p2, NORMAL.p4, NORMAL.p5]);
    assert.equal(norm(find(normal, ['qemu', '0x7f0000100000–']).description), 'anon rwp 0 pages of 16 pages');
  });

  it('sort by refcount: highest first, equal refcounts in address order (gup §3.1)', async () => {
    assert.equal(await vscode.commands.executeCommand('vfioLab.pages.sort', 'refcount'), 'refcount');
    const pages = await s.snapshot('pages');
    assert.deepEqual(rows(pages, '0x7f0000000000–'), [NORMAL.p1, NORMAL.p2, NORMAL.p4, NORMAL.p5, NORMAL.p0]);
    assert.deepEqual(rows(pages, '0x7f0000100000–'), [MOVABLE.p1, MOVABLE.p0]);
    // with a filter too: dirty pages by refcount
    await vscode.commands.executeCommand('vfioLab.pages.filter', { dirtyOnly: true });
    assert.deepEqual(rows(await s.snapshot('pages'), '0x7f0000000000–'), [NORMAL.p0]);
  });

  it('after vfio_pin_pages: locked_vm and the vmstat counter marked with their previous values (gup §4, §10.1)', async () => {
    await s.next();
    const pages = await s.snapshot('pages');
    // gup §10.1 steps 5–6: one pin_user_pages_remote(FOLL_LONGTERM) and locked_vm +1 per new IOVA page
    assert.deepEqual(find(pages, ['qemu']).children.filter((c) => !c.label.startsWith('0x')).map((c) => `${c.label} — ${norm(c.description)}`), [
      'locked_vm — ● 2 (was 0)',
      'pinned_vm — 0',
    ]);
    // gup §4: nr_foll_pin_acquired 3 + 1 + 2 = 6 before, + 2; released a[0] and m[0]
    assert.deepEqual(find(pages, ['vmstat']).children.map((c) => `${c.label} — ${norm(c.description)}`), [
      'nr_foll_pin_acquired — ● 8 (was 6)',
      'nr_foll_pin_released — 2',
    ]);
    assert.equal(norm(find(pages, ['vmstat']).description), 'pins 6 held ● 1 changed');
    assert.equal(norm(find(pages, ['qemu']).description), 'pid 1000 2 VMAs 9 pages ●');
    // the two pages vfio pinned are new rows, marked changed
    assert.deepEqual(rows(pages, '0x7f0000000000–').slice(-2), [
      '0x7f0000008000 pfn 0x7 — ● ref 1025 pin – maybe-pinned',
      '0x7f0000009000 pfn 0x8 — ● ref 1025 pin – maybe-pinned',
    ]);
  });
});
