/**
 * The views' data in the adapter (issue 10): per-VMA paging of folio rows, filters and sorts,
 * change marks on counters and CRW queues, channel paths as machine / host / guest see them,
 * decoded SCSW values and "what last changed this". Exact values cite the references
 * (/work/shared/reference/gup-foll-pin.md, css-vfio-ccw.md).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseScenario } from '../../../model/scenario/parser';
import { Runner } from '../../../model/scenario/runner';
import { Navigator } from '../../../debug-adapter/navigator';
import { ViewData } from '../../../debug-adapter/viewData';
import { lastChange } from '../../../debug-adapter/lastChange';
import { decodeField, subchannelState } from '../../../debug-adapter/fieldDecode';
import type * as P from '../../../debug-adapter/protocol';

const ROOT = path.resolve(__dirname, '../../../..');

/** A runner, its navigator and view data, stepped statement by statement like the debugger. */
class Stepper {
  readonly r: Runner;
  readonly nav: Navigator;
  readonly v: ViewData;
  constructor(readonly file: string, text?: string) {
    const src = text ?? fs.readFileSync(path.join(ROOT, file), 'utf8');
    const { scenario, diagnostics } = parseScenario(src, file);
    const errors = diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(errors, []);
    this.r = new Runner(scenario);
    this.nav = new Navigator(this.r);
    this.v = new ViewData(this.r);
    this.stop();
  }
  private stop(): void {
    this.v.setStop(this.nav.current?.journalPos ?? 0);
  }
  /** Run until the statement on `line` is about to run (everything before it has run), and stop there. */
  to(line: number): void {
    const r = this.nav.forward((rec) => rec.event.kind === 'stmt' && rec.event.line === line, 10_000_000);
    assert.notEqual(r, 'end', `line ${line} never reached`);
    assert.notEqual(r, 'budget');
    this.stop();
  }
  toEnd(): void {
    this.nav.forward(() => false, 10_000_000);
    this.stop();
  }
  lineOf(text: string): number {
    const src = fs.readFileSync(path.join(ROOT, this.file), 'utf8').split('\n');
    const i = src.findIndex((l) => l.startsWith(text));
    assert.ok(i >= 0, `no line starting with '${text}'`);
    return i + 1;
  }
}

const vma = (s: P.PagesSummaryResponse, pid: number, start: string) => {
  const v = s.processes.find((p) => p.pid === pid)?.vmas.find((x) => x.start === start);
  assert.ok(v, `VMA ${pid}:${start}`);
  return v;
};

describe('debug-adapter: view data (issue 10)', () => {
  it('gup-pinning: a THP VMA with real _pincount shows one 512-page folio row, the small VMA its 4 pages', () => {
    const s = new Stepper('examples/gup-pinning.vlab');
    s.to(s.lineOf('unpin_user_pages_dirty_lock'));
    const sum = s.v.pagesSummary({});
    // gup §3.2: the 2M THP is one folio of 512 pages; the 64K VMA has 4 pinned small pages
    assert.deepEqual(
      [vma(sum, 100, '0x7f0000200000').matchingFolios, vma(sum, 100, '0x7f0000200000').matchingPages, vma(sum, 100, '0x7f0000200000').sizePages],
      [1, 512, 512],
    );
    assert.deepEqual([vma(sum, 100, '0x7f0000000000').matchingFolios, vma(sum, 100, '0x7f0000000000').matchingPages], [4, 4]);
    const thp = s.v.vmaPages({ pid: 100, start: '0x7f0000200000' });
    assert.equal(thp.total, 1);
    const row = thp.rows[0]!;
    // gup §3.1: large folio ref +1 per subpage (513); gup §3.2: _pincount 512
    assert.deepEqual([row.nrPages, row.refcount, row.pincount, row.order, row.vaddr, row.expression], [512, 513, 512, 9, '0x7f0000200000', 'page(100, 0x7f0000200000)']);
    const small = s.v.vmaPages({ pid: 100, start: '0x7f0000000000' });
    // gup §3.1: small page pinned with FOLL_PIN: refcount 1 + GUP_PIN_COUNTING_BIAS (1024)
    assert.deepEqual(small.rows.map((x) => [x.vaddr, x.refcount, x.nrPages]), [
      ['0x7f0000000000', 1025, 1], ['0x7f0000001000', 1025, 1], ['0x7f0000002000', 1025, 1], ['0x7f0000003000', 1025, 1],
    ]);
  });

  it('vmstat and locked_vm rows carry the previous value when they changed since the last stop', () => {
    const s = new Stepper('examples/gup-pinning.vlab');
    s.to(s.lineOf('pin_user_pages app'));
    s.to(s.lineOf('expect ret == 4'));
    const sum = s.v.pagesSummary({});
    // gup §4: one nr_foll_pin_acquired per pinned subpage: 4 small pages
    assert.deepEqual(sum.vmstat.find((c) => c.name === 'nr_foll_pin_acquired'), { name: 'nr_foll_pin_acquired', value: 4, previous: 0, expression: 'vmstat.nr_foll_pin_acquired' });
    assert.deepEqual(sum.vmstat.find((c) => c.name === 'nr_foll_pin_released'), { name: 'nr_foll_pin_released', value: 0, expression: 'vmstat.nr_foll_pin_released' });
    assert.deepEqual(sum.processes[0]!.counters[0], { name: 'locked_vm', value: 0, expression: 'locked_vm(100)' });
  });

  it('filters and sorts: pincount > N, dirty, zone, address ranges; bad filters are one-line errors', () => {
    const s = new Stepper('examples/gup-pinning.vlab');
    s.to(s.lineOf('unpin_user_pages huge'));
    // after unpin_user_pages_dirty_lock small true: the small pages are dirty (gup §6), unpinned
    const dirty = s.v.pagesSummary({ filter: { dirtyOnly: true } });
    assert.equal(vma(dirty, 100, '0x7f0000000000').matchingFolios, 4);
    const pinned = s.v.pagesSummary({ filter: { pinnedOnly: true } });
    assert.equal(vma(pinned, 100, '0x7f0000000000').matchingFolios, 0);
    assert.equal(vma(pinned, 100, '0x7f0000200000').matchingFolios, 1);
    const over = s.v.pagesSummary({ filter: { minPincount: 511 } });
    assert.equal(vma(over, 100, '0x7f0000200000').matchingFolios, 1);
    assert.equal(vma(s.v.pagesSummary({ filter: { minPincount: 512 } }), 100, '0x7f0000200000').matchingFolios, 0);
    const range = s.v.vmaPages({ pid: 100, start: '0x7f0000000000', filter: { vaddrFrom: '0x7f0000001000', vaddrTo: '0x7f0000003000' } });
    assert.deepEqual(range.rows.map((x) => x.vaddr), ['0x7f0000001000', '0x7f0000002000']);
    assert.equal(vma(s.v.pagesSummary({ filter: { zone: 'movable' } }), 100, '0x7f0000000000').matchingFolios, 0);
    assert.throws(() => s.v.pagesSummary({ filter: { zone: 'dma32' } }), /zone 'dma32' is not one of normal, movable, cma, device/);
    assert.throws(() => s.v.pagesSummary({ filter: { minPincount: -1 } }), /filter.minPincount must be a whole number ≥ 0, got -1/);
    assert.throws(() => s.v.pagesSummary({ filter: { vaddrFrom: 'zz' } }), /filter.vaddrFrom 'zz' is not an address/);
    assert.throws(() => s.v.pagesSummary({ filter: { vaddrFrom: '0x20', vaddrTo: '0x10' } }), /vaddr range is empty/);
    assert.throws(() => s.v.vmaPages({ pid: 100, start: '0x7f0000000000', count: 0 }), /count must be 1..10000, got 0/);
    assert.throws(() => s.v.vmaPages({ pid: 7, start: '0x0' }), /no process with pid 7/);
    assert.throws(() => s.v.vmaPages({ pid: 100, start: '0x1000' }), /process 100 has no VMA starting at 0x1000/);
    // find: a mapped page listed, an unmapped address
    assert.equal(s.v.vmaPages({ pid: 100, start: '0x7f0000000000', find: '0x7f0000002abc' }).found, 2);
    assert.equal(s.v.vmaPages({ pid: 100, start: '0x7f0000000000', find: '0x7f0000100000' }).found, 'unmapped');
  });

  it('a second process (the fork child) shows the COW-shared pinned page too', () => {
    const s = new Stepper('examples/gup-fork-cow.vlab');
    s.to(s.lineOf('touch app'));
    const sum = s.v.pagesSummary({});
    assert.deepEqual(sum.processes.map((p) => [p.name, p.vmas.map((v) => v.matchingFolios)]), [['app', [1]], ['child', [1]]]);
    // gup §3.3: fork shares the pinned page: mapcount 2, refcount 1025 + 1
    const child = sum.processes[1]!;
    const rows = s.v.vmaPages({ pid: child.pid, start: '0x10000' }).rows;
    assert.deepEqual(rows.map((x) => [x.vaddr, x.refcount]), [['0x10000', 1026]]);
  });

  it('pages 10^5 pinned pages per VMA: 1,000 rows a request, sorted by pincount, offset past the end empty', function () {
    this.timeout(60_000);
    const text = [
      'kernel 6.18',
      'process app pid 100',
      'vma app 0x7f0000000000 size 400M anon rw',
      'vma app 0x7f8000000000 size 2M thp rw',
      'pin_user_pages app 0x7f0000000000 100000 FOLL_WRITE -> many',
      'pin_user_pages app 0x7f8000000000 512 FOLL_WRITE -> huge',
      'pin_user_pages app 0x7f8000000000 512 FOLL_WRITE -> huge2',
      'expect pins_held == 101024',
    ].join('\n');
    const s = new Stepper('inline.vlab', text);
    s.toEnd();
    const sum = s.v.pagesSummary({});
    assert.deepEqual([vma(sum, 100, '0x7f0000000000').matchingFolios, vma(sum, 100, '0x7f0000000000').sizePages], [100_000, 102_400]);
    const p1 = s.v.vmaPages({ pid: 100, start: '0x7f0000000000', offset: 0, count: 1000 });
    const p2 = s.v.vmaPages({ pid: 100, start: '0x7f0000000000', offset: 1000, count: 1000 });
    assert.deepEqual([p1.total, p1.rows.length, p1.rows[0]!.vaddr, p2.rows[0]!.vaddr, p2.rows[999]!.vaddr], [100_000, 1000, '0x7f0000000000', '0x7f00003e8000', '0x7f00007cf000']);
    assert.equal(s.v.vmaPages({ pid: 100, start: '0x7f0000000000', offset: 100_000 }).rows.length, 0);
    // the THP VMA: one folio pinned twice over 512 pages, _pincount 1024 (gup §3.2)
    const thp = s.v.vmaPages({ pid: 100, start: '0x7f8000000000', sort: 'pincount' });
    assert.deepEqual([thp.total, thp.rows[0]!.pincount, thp.rows[0]!.nrPages], [1, 1024, 512]);
    const bySort = s.v.vmaPages({ pid: 100, start: '0x7f0000000000', sort: 'refcount', count: 2 });
    assert.deepEqual(bySort.rows.map((x) => x.refcount), [1025, 1025]);
  });

  it('CRW queues mark the CRWs queued since the previous stop; channel paths show machine, host and guest', () => {
    const s = new Stepper('examples/vfio-chchp-configure.vlab');
    s.to(s.lineOf('chchp -c 0 41'));
    const before = s.v.channelPaths();
    assert.equal(before.topology, 'vfio');
    assert.deepEqual(before.paths.map((p) => [p.id, p.typeName, p.configured, p.online, p.hostVary, p.guestAvailable, p.guestUsing]), [
      ['0x40', '0x1b', true, true, 'online', 1, 1],
      ['0x41', '0x1b', true, true, 'online', 1, 1],
    ]);
    // css §1.1: CHPID slot 1 → mask bit 0x40
    assert.deepEqual(before.paths[1]!.subchannels.map((u) => [u.sid, u.mask, u.pim, u.pam, u.pom, u.guestPam]), [['0.0.0007', 0x40, true, true, true, true]]);
    s.to(s.lineOf('expect ret == 1'));
    const after = s.v.channelPaths();
    // css §7.2 chchp -c 0: SCLP deconfigure (standby), PAM bit cleared on the machine
    assert.deepEqual(after.paths.map((p) => [p.id, p.configured, p.changed]), [['0x40', true, false], ['0x41', false, true]]);
    assert.deepEqual(after.paths[1]!.subchannels.map((u) => [u.pam]), [[false]]);
    const crw = s.v.crwQueues().queues.find((q) => q.name === 'vfio-ccw 0.0.0007')!;
    // css §8.4: CHP_OFFLINE queues RSC 4 ERC 6 RSID 0x41 on vfio-ccw's list
    assert.deepEqual([crw.changed, crw.previousCount, crw.crws.map((c) => [c.raw, c.isNew])], [true, 0, [[0x04060041, true]]]);
    // what last changed CHPID 0x41: the chchp statement
    const lc = lastChange(s.r, { slot: { kind: 'chpid', chpid: 0x41 } }, s.nav.current!.journalPos, 'x.vlab');
    assert.deepEqual([lc.found, lc.line], [true, s.lineOf('chchp -c 0 41')]);
  });

  it('last change of a page and of a counter names the pin statement; an untouched page has none', () => {
    const s = new Stepper('examples/gup-pinning.vlab');
    s.to(s.lineOf('expect huge[0].refcount'));
    const pfn = s.v.vmaPages({ pid: 100, start: '0x7f0000200000' }).rows[0]!.pfn;
    const pos = s.nav.current!.journalPos;
    const lc = lastChange(s.r, { slot: { kind: 'page', pfn } }, pos, 'gup-pinning.vlab');
    assert.deepEqual([lc.found, lc.line, lc.file], [true, s.lineOf('pin_user_pages_fast'), 'gup-pinning.vlab']);
    const vm = lastChange(s.r, { slot: { kind: 'counter', name: 'nr_foll_pin_acquired' } }, pos, 'g.vlab');
    assert.equal(vm.line, s.lineOf('pin_user_pages_fast'));
    assert.deepEqual(lastChange(s.r, { slot: { kind: 'counter', name: 'locked_vm', pid: 100 } }, pos, 'g.vlab'), { found: false });
    assert.throws(() => lastChange(s.r, { slot: { kind: 'counter', name: 'nope' } }, pos, 'g.vlab'), /unknown counter 'nope'/);
    assert.throws(() => lastChange(s.r, { slot: { kind: 'page', pfn: 1e9 } }, pos, 'g.vlab'), /pfn 1000000000 is not a page of the model/);
  });

  it('decodes SCSW values by name (css §1.3, §4)', () => {
    // css §1.3 table: normal end STCTL primary+secondary+pending 0x07, DSTAT CE+DE 0x0C
    assert.equal(decodeField('scsw.dstat', 0x0c), 'CE|DE');
    assert.equal(decodeField('scsw.stctl', 0x07), 'primary|secondary|pending');
    assert.equal(decodeField('scsw.stctl', 0x17), 'alert|primary|secondary|pending');
    assert.equal(decodeField('scsw.fctl', 0x4), 'start');
    assert.equal(decodeField('scsw.actl', 0x06), 'subchannel active|device active');
    assert.equal(decodeField('scsw.cstat', 0x20), 'PRG');
    assert.equal(decodeField('scsw.cc', 1), 'status pending');
    assert.equal(decodeField('pmcw.pam', 0xc0), 'slots 0,1');
    assert.equal(decodeField('scsw.dstat', 0), 'none');
    assert.equal(decodeField('pmcw.dev', 0x1234), undefined);
    assert.deepEqual(subchannelState(0x07, 0), { statusPending: true, state: 'status pending (primary|secondary)' });
    assert.deepEqual(subchannelState(0, 0x20), { statusPending: false, state: 'start pending' });
    assert.deepEqual(subchannelState(0, 0), { statusPending: false, state: 'idle' });
  });

  it('subchannel rows carry decoded values, an expression and the status-pending state', () => {
    const s = new Stepper('examples/hello.vlab');
    const text = fs.readFileSync(path.join(ROOT, 'examples/hello.vlab'), 'utf8').split('\n');
    const tsch = text.findIndex((l) => l.startsWith('tsch')) + 1;
    s.to(tsch);
    const sch = s.v.subchannels({}).subchannels[0]!;
    const scsw = sch.groups.find((g) => g.name === 'SCSW')!.fields;
    const f = (n: string) => scsw.find((x) => x.name === n)!;
    // css §1.3 normal end: STCTL 0x07, DSTAT 0x0C before TSCH
    assert.deepEqual([f('scsw.stctl').decoded, f('scsw.dstat').decoded, f('scsw.stctl').expression], ['primary|secondary|pending', 'CE|DE', `sch(0x${sch.sch.toString(16)}).scsw.stctl`]);
    assert.deepEqual([sch.statusPending, sch.state], [true, 'status pending (primary|secondary)']);
  });
});
