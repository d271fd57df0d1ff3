// examples/hello.vlab debugged inside a real VS Code extension host: what the debugger and the
// three VFIO Lab views show at each stop. Values are the architecture's, not the implementation's:
// each assertion cites the reference section (/work/shared/reference/*.md) that fixes it.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { find, render, type SnapshotNode, VlabSession } from './vlabSession';

const folder = () => vscode.workspace.workspaceFolders?.[0];
const hello = () => path.join(folder()!.uri.fsPath, 'hello.vlab');
const norm = (s: string | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();

/**
 * A SCHIB field row `name [bits]` (labelled without its group prefix: `stctl [w7.27-31]` under
 * SCSW) → its shown value, the change marker, validity and the decoded names after the value.
 */
function field(snap: SnapshotNode[], group: 'PMCW' | 'SCSW', name: string) {
  const node = find(snap, ['0.0.0007', group, `${name.replace(/^\w+\./, '')} [`]);
  const m = /^(● )?(\S+)(?: ([^(]+?))?( \(not valid\))?$/.exec(norm(node.description));
  assert.ok(m, `unexpected row format '${node.label} — ${node.description}'`);
  return { value: m[2], changed: Boolean(m[1]), valid: !m[4], decoded: m[3] };
}

function crwText(snap: SnapshotNode[]): string {
  return norm(render(snap));
}

describe('hello.vlab in the extension host', function () {
  let s: VlabSession;
  const seen: Record<string, Record<'subchannels' | 'crwQueues' | 'pages', string>> = {};
  async function remember(stop: string) {
    seen[stop] = {
      subchannels: render(await s.snapshot('subchannels')),
      crwQueues: render(await s.snapshot('crwQueues')),
      pages: render(await s.snapshot('pages')),
    };
  }

  before(async function () {
    this.timeout(60_000);
    assert.ok(folder(), 'the examples folder is open as the workspace');
    s = await VlabSession.start(folder(), hello());
  });
  after(async () => s?.stop());

  it('stops on entry at the first machine statement, with empty views', async () => {
    const frames = await s.stack();
    assert.equal(frames.length, 1);
    assert.equal(frames[0]!.name, 'chpid 40 type 0x1b');
    assert.equal(frames[0]!.line, 7); // kernel/topology/memory are the header, not steps
    assert.ok(frames[0]!.source?.endsWith('/examples/hello.vlab'), frames[0]!.source);
    const { threads } = await s.debugSession.customRequest('threads');
    assert.deepEqual(threads.map((t: { name: string }) => t.name), ['guest CPU 0']);
    assert.match(render(await s.snapshot('subchannels')), /^No subchannels defined/);
    // css §6.3: nothing has queued a CRW yet (adding a chpid generates none).
    assert.equal(crwText(await s.snapshot('crwQueues')), 'machine — 0 CRWs');
    const pages = await s.snapshot('pages');
    assert.equal(norm(find(pages, ['vmstat', 'nr_foll_pin_acquired']).description), '0');
    assert.equal(norm(find(pages, ['vmstat', 'nr_foll_pin_released']).description), '0');
    await remember('entry');
  });

  it('after SSCH: start function and start pending, a channel thread', async () => {
    const frames = await s.nextUntilLine(19);
    assert.equal(frames[0]!.name, 'expect cc == 0');
    const vars = await s.variables(frames[0]!.id);
    assert.equal(vars['Statement']!['cc'], '0'); // css §5.2: SSCH cc 0, start function initiated
    // PRODUCT.md §3: one thread per subchannel with a channel program in flight.
    const { threads } = await s.debugSession.customRequest('threads');
    assert.deepEqual(threads.map((t: { name: string }) => t.name), ['guest CPU 0', 'channel 0.0.0007']);
    const sch = await s.snapshot('subchannels');
    assert.match(norm(find(sch, ['0.0.0007']).description), /^dev 0\.0\.1234 echo active/);
    // css §5.3 SSCH row: FCTL start (bit 17 → 0x4 of the 3-bit field), ACTL start pending (bit 21).
    assert.deepEqual(field(sch, 'SCSW', 'scsw.fctl'), { value: '0x4', changed: true, valid: true, decoded: 'start' });
    assert.deepEqual(field(sch, 'SCSW', 'scsw.actl'), { value: '0x20', changed: true, valid: true, decoded: 'start pending' });
    assert.equal(field(sch, 'SCSW', 'scsw.stctl').value, '0x00');
    // the subchannel row says its state (css §1.3 ACTL start pending)
    assert.equal(norm(find(sch, ['0.0.0007']).description), 'dev 0.0.1234 echo active start pending ●');
    // css §1.1: CHPID 0x40 in slot 0 ↔ path mask 0x80 (PIM), ISC 3 from the device statement.
    assert.equal(field(sch, 'PMCW', 'pmcw.chpid0').value, '0x40');
    assert.equal(field(sch, 'PMCW', 'pmcw.pim').value, '0x80');
    assert.equal(field(sch, 'PMCW', 'pmcw.isc').value, '0x3');
    // css §2 / §10.2: SSCH copies ORB.INTPARM into PMCW.INTPARM.
    assert.deepEqual(field(sch, 'PMCW', 'pmcw.intparm'), { value: '0x0000cafe', changed: true, valid: true, decoded: undefined });
    await remember('ssch');
  });

  it('after the channel program ends: status pending, CE+DE, CPA past the last CCW', async () => {
    const frames = await s.nextUntilLine(21);
    assert.equal(frames[0]!.name, 'tsch 0.0.0007');
    const vars = await s.variables(frames[0]!.id);
    assert.equal(vars['Subchannels']!['0.0.0007 (dev 0.0.1234 echo)'], 'idle');
    const sch = await s.snapshot('subchannels');
    // css §5.3 "normal end": ACTL start-pend cleared; STCTL primary+secondary+pending = 0x07;
    // DSTAT CE+DE = 0x0c (css §4); CPA = last CCW (0x1008) + 8.
    // decoded: STCTL primary|secondary|pending, DSTAT CE|DE (css §1.3, §4)
    assert.deepEqual(field(sch, 'SCSW', 'scsw.stctl'), { value: '0x07', changed: true, valid: true, decoded: 'primary|secondary|pending' });
    assert.deepEqual(field(sch, 'SCSW', 'scsw.dstat'), { value: '0x0c', changed: true, valid: true, decoded: 'CE|DE' });
    assert.deepEqual(field(sch, 'SCSW', 'scsw.actl'), { value: '0x00', changed: true, valid: true, decoded: 'none' });
    assert.deepEqual(field(sch, 'SCSW', 'scsw.cpa'), { value: '0x00001010', changed: true, valid: true, decoded: undefined });
    // status pending on the subchannel row itself (css §1.3 STCTL 0x01)
    assert.equal(norm(find(sch, ['0.0.0007']).description), 'dev 0.0.1234 echo status pending (primary|secondary) ●');
    assert.equal(field(sch, 'SCSW', 'scsw.cstat').value, '0x00');
    // css §1.3 word 2: residual count; the READ of 16 bytes into count 16 leaves none.
    assert.equal(field(sch, 'SCSW', 'scsw.count').value, '0x0000');
    // FCTL start stays until TSCH (css §5.3 TSCH row clears it).
    assert.deepEqual(field(sch, 'SCSW', 'scsw.fctl'), { value: '0x4', changed: false, valid: true, decoded: 'start' });
    // css §1.3 validity: ZCC needs STCTL intermediate, ECTL needs alert: neither here.
    assert.equal(field(sch, 'SCSW', 'scsw.zcc').valid, false);
    assert.equal(field(sch, 'SCSW', 'scsw.ectl').valid, false);
    assert.equal(norm(find(sch, ['0.0.0007', 'SCSW']).description), 'w7–9 ● 4 changed');
    await remember('ended');
  });

  it('after TSCH: status cleared, DSTAT no longer valid', async () => {
    const frames = await s.nextUntilLine(22);
    const vars = await s.variables(frames[0]!.id);
    assert.equal(vars['Statement']!['cc'], '0'); // css §5.2: TSCH cc 0 when status pending
    const sch = await s.snapshot('subchannels');
    // css §5.3 TSCH row: STCTL → 0 and FCTL → 0 (the status was not intermediate-only).
    assert.deepEqual(field(sch, 'SCSW', 'scsw.stctl'), { value: '0x00', changed: true, valid: true, decoded: 'none' });
    assert.deepEqual(field(sch, 'SCSW', 'scsw.fctl'), { value: '0x0', changed: true, valid: true, decoded: 'none' });
    // css §1.3 validity: DSTAT/CSTAT only with status pending; KEY etc. only with FCTL start.
    assert.equal(field(sch, 'SCSW', 'scsw.dstat').valid, false);
    assert.equal(field(sch, 'SCSW', 'scsw.key').valid, false);
    await remember('tsch');
  });

  it('after pin_user_pages FOLL_LONGTERM: refcount 1 + 1024 per small page', async () => {
    const frames = await s.nextUntilLine(32);
    const vars = await s.variables(frames[0]!.id);
    assert.equal(vars['Statement']!['ret'], '4'); // gup §2.4: number of pages pinned
    assert.equal(vars['Statement']!['bufs'], '4 pages');
    assert.equal(vars['Pages']!['nr_foll_pin_acquired'], '4');
    const pages = await s.snapshot('pages');
    // gup §4: one nr_foll_pin_acquired per pinned page; pin_user_pages charges no locked_vm
    // (only vfio_pin_pages does, gup §10).
    // the counter that changed at this stop carries its previous value
    assert.equal(norm(find(pages, ['vmstat']).description), 'pins 4 held ● 1 changed');
    assert.equal(norm(find(pages, ['vmstat', 'nr_foll_pin_acquired']).description), '● 4 (was 0)');
    assert.equal(norm(find(pages, ['qemu', 'locked_vm']).description), '0');
    const vma = find(pages, ['qemu', '0x7f0000000000']);
    // 64K = 16 pages; 4 interesting small pages, so counts say pages (folios of one page)
    assert.equal(norm(vma.description), 'anon rwp 4 pages of 16 pages');
    for (let i = 0; i < 4; i++) {
      const page = find(vma.children, [`0x7f000000${i}000  pfn 0x${i}`]);
      // gup §3.1 E4/E5 "FOLL_PIN on small page: ref +B": R0 1 + 1024 = 1025; gup §3.2 a small
      // page has no pincount field (shown "–"); gup §3.3 small page maybe-pinned ⇔ ref ≥ 1024.
      // ● marks the change since the previous stop.
      assert.equal(norm(page.description), '● ref 1025 pin – maybe-pinned');
      assert.deepEqual(page.children, []); // a small page: one row, nothing to expand
    }
    await remember('pinned');
  });

  it('after unpin_user_pages: released balances acquired', async () => {
    const frames = await s.nextUntilLine(37);
    assert.equal(frames[0]!.name, 'expect page(qemu, 0x7f0000000000).refcount == 1');
    const pages = await s.snapshot('pages');
    // gup §3.6 "unpin in S1": −1024 each, no pin left; gup §4 "balance": equal when no pin held.
    assert.equal(norm(find(pages, ['vmstat']).description), 'pins 0 held ● 1 changed');
    assert.equal(norm(find(pages, ['vmstat', 'nr_foll_pin_released']).description), '● 4 (was 0)');
    assert.doesNotMatch(render(pages), /maybe-pinned/);
    await remember('unpinned');
  });

  it('the views changed between stops (and the CRW queue stayed empty)', () => {
    const order = ['entry', 'ssch', 'ended', 'tsch', 'pinned', 'unpinned'];
    for (let i = 1; i < 4; i++) {
      assert.notEqual(seen[order[i]!]!.subchannels, seen[order[i - 1]!]!.subchannels, `Subchannels ${order[i - 1]} → ${order[i]}`);
    }
    assert.notEqual(seen['pinned']!.pages, seen['tsch']!.pages);
    assert.notEqual(seen['unpinned']!.pages, seen['pinned']!.pages);
    // css §6.2/§6.3: hello.vlab has no channel-path or hot-plug event, so no CRW at any stop.
    for (const stop of order) assert.equal(norm(seen[stop]!.crwQueues), 'machine — 0 CRWs', stop);
  });
});

describe('stepping into the channel program of hello.vlab', function () {
  let s: VlabSession;
  before(async function () {
    this.timeout(60_000);
    s = await VlabSession.start(folder(), hello());
  });
  after(async () => s?.stop());

  it('shows the CCW line on top of the channel thread, the scenario line at the bottom', async () => {
    await s.nextUntilLine(20); // wait interrupt: the channel program runs during this statement
    const names: string[] = [];
    for (let i = 0; i < 10; i++) {
      await s.debugSession.customRequest('stepIn', { threadId: 1 });
      const stop = await s.waitForStop();
      const frames = await s.stack(stop.threadId);
      names.push(frames.map((f) => `${f.name}:${f.line}`).join(' < '));
      if (frames[0]!.name === 'CCW @0x1000 cmd 0x01') {
        // css §3 (QEMU css_interpret_ccw): the first CCW, WRITE (0x01) at 0x1000, on line 14,
        // fetched on the subchannel's channel thread, above the scenario statement.
        assert.deepEqual(frames.map((f) => f.name), [
          'CCW @0x1000 cmd 0x01', 'css_interpret_ccw', 'sch_handle_start_func_virtual',
          'do_subchannel_work_virtual', 'wait interrupt']);
        assert.equal(frames[0]!.line, 14);
        assert.equal(frames.at(-1)!.line, 20);
        return;
      }
    }
    assert.fail(`never reached the first CCW; stacks were:\n${names.join('\n')}`);
  });
});
