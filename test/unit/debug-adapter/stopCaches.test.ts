/**
 * What the adapter keeps from one stop to the next (issue 12, allocation per step) never shows a
 * stale value: Variables' cached row names and producers (bound names, subchannels, VMAs) and
 * the reused snapshots behind "previous value" marks. Each stop is checked after a step forward
 * and after a step back, with exact values: gup §4 (nr_foll_pin_acquired +1 per pinned page),
 * css §1.3 / §5.1 (ACTL start pending after SSCH, cleared by the interruption and TSCH).
 */
import * as assert from 'node:assert/strict';
import { parseScenario } from '../../../model/scenario/parser';
import { Runner } from '../../../model/scenario/runner';
import { Navigator } from '../../../debug-adapter/navigator';
import { ViewData } from '../../../debug-adapter/viewData';
import { Variables, formatNumber } from '../../../debug-adapter/variables';

const SCENARIO = `chpid 40
device 0.0.1234 schid 0.0.0007 type echo chpids 40 enabled
device 0.0.5678 schid 0.0.0008 type echo chpids 40 enabled
data buf at 0x3000 zero 4
program p at 0x1000
  NOP CC data buf
  NOP data buf
end
process q pid 1
vma q 0x7f0000000000 size 64K anon rw
pin_user_pages q 0x7f0000000000 4 FOLL_WRITE -> b
pin_user_pages q 0x7f0000004000 2 FOLL_WRITE -> b
ssch 0.0.0007 cpa=p
wait interrupt
tsch 0.0.0007
process r pid 2
vma r 0x10000 size 16K anon rw
unpin_user_pages b
`;
const LINE = (start: string) => SCENARIO.split('\n').findIndex((l) => l.startsWith(start)) + 1;

class Session {
  readonly r: Runner;
  readonly nav: Navigator;
  readonly view: ViewData;
  readonly vars: Variables;
  constructor() {
    const { scenario, diagnostics } = parseScenario(SCENARIO, 'caches.vlab');
    assert.deepEqual(diagnostics.filter((d) => d.severity === 'error'), []);
    this.r = new Runner(scenario);
    this.nav = new Navigator(this.r);
    this.view = new ViewData(this.r);
    this.vars = new Variables(this.r, this.nav, this.view);
    this.stop();
  }
  private stop(): void {
    this.view.setStop(this.nav.current?.journalPos ?? 0);
  }
  /** Forward to the statement on the line starting with `start` (not yet run). */
  to(start: string): void {
    const line = LINE(start);
    const r = this.nav.forward((rec) => rec.event.kind === 'stmt' && rec.event.line === line, 1_000_000);
    assert.notEqual(r, 'end');
    this.stop();
  }
  /** Back to the statement on the line starting with `start`. */
  back(start: string): void {
    const line = LINE(start);
    const r = this.nav.backward((rec) => rec.event.kind === 'stmt' && rec.event.line === line);
    assert.notEqual(r, 'start');
    this.stop();
  }
  /** name → value of a scope's rows, as a client fetches them at this stop. */
  scope(name: string): Map<string, string> {
    const s = this.vars.scopes().find((x) => x.name === name);
    assert.ok(s, `scope ${name}`);
    return new Map(this.vars.children(s.ref, false).map((v) => [v.name, v.value]));
  }
  /** The rows under a scope's row `row`. */
  expand(scope: string, row: string): string[] {
    const s = this.vars.scopes().find((x) => x.name === scope)!;
    const v = this.vars.children(s.ref, false).find((x) => x.name === row);
    assert.ok(v && v.variablesReference > 0, `${scope} / ${row}`);
    return this.vars.children(v.variablesReference, false).map((x) => `${x.name}=${x.value}`);
  }
}

describe('per-stop caches in the adapter: never a stale value (issue 12)', () => {
  it('a bound name: its page count and its pages follow a rebinding forward and back', () => {
    const s = new Session();
    s.to('pin_user_pages q 0x7f0000004000');
    assert.equal(s.scope('Statement').get('b'), '4 pages');
    assert.equal(s.expand('Statement', 'b').length, 4);
    s.to('ssch');
    assert.equal(s.scope('Statement').get('b'), '2 pages');
    assert.equal(s.expand('Statement', 'b').length, 2);
    const stale = s.vars.scopes().find((x) => x.name === 'Statement')!.ref;
    s.back('pin_user_pages q 0x7f0000004000');
    assert.equal(s.scope('Statement').get('b'), '4 pages');
    assert.equal(s.expand('Statement', 'b').length, 4);
    // a handle of the stop before is unknown here (DAP: valid while stopped at one point), even
    // though the handle slots are reused
    assert.deepEqual(s.vars.children(stale, false), []);
  });

  it('vmstat rows: gup §4 nr_foll_pin_acquired 4 then 6, back to 4; released 2 after the unpin', () => {
    const s = new Session();
    s.to('pin_user_pages q 0x7f0000004000');
    assert.equal(s.scope('Pages').get('nr_foll_pin_acquired'), '4');
    s.to('ssch');
    assert.equal(s.scope('Pages').get('nr_foll_pin_acquired'), '6');
    s.back('pin_user_pages q 0x7f0000004000');
    assert.equal(s.scope('Pages').get('nr_foll_pin_acquired'), '4');
    s.to('unpin_user_pages');
    s.nav.forward(() => false, 1_000_000);
    s.view.setStop(s.nav.current!.journalPos);
    const pages = s.scope('Pages');
    assert.equal(pages.get('nr_foll_pin_acquired'), '6');
    assert.equal(pages.get('nr_foll_pin_released'), '2');
  });

  it('subchannel rows: names from pmcw.dev and the device type, "in flight" while ACTL is set (css §5.1), idle again after TSCH and before SSCH', () => {
    const s = new Session();
    s.to('ssch');
    assert.deepEqual([...s.scope('Subchannels')], [['0.0.0007 (dev 0.0.1234 echo)', 'idle'], ['0.0.0008 (dev 0.0.5678 echo)', 'idle']]);
    s.to('wait interrupt');
    assert.deepEqual([...s.scope('Subchannels')], [['0.0.0007 (dev 0.0.1234 echo)', 'channel program in flight'], ['0.0.0008 (dev 0.0.5678 echo)', 'idle']]);
    s.to('process r');
    assert.equal(s.scope('Subchannels').get('0.0.0007 (dev 0.0.1234 echo)'), 'idle');
    s.back('wait interrupt');
    assert.equal(s.scope('Subchannels').get('0.0.0007 (dev 0.0.1234 echo)'), 'channel program in flight');
  });

  it('VMA rows: a second process\'s VMA appears after `vma r` and is gone after a step back', () => {
    const s = new Session();
    s.to('vma r');
    const one = [...s.scope('Pages').keys()].filter((k) => k.startsWith('q ') || k.startsWith('r '));
    assert.deepEqual(one, ['q 0x7f0000000000-0x7f0000010000 anon rwp']);
    s.to('unpin_user_pages');
    const two = [...s.scope('Pages').keys()].filter((k) => k.startsWith('q ') || k.startsWith('r '));
    assert.deepEqual(two, ['q 0x7f0000000000-0x7f0000010000 anon rwp', 'r 0x10000-0x14000 anon rwp']);
    s.back('vma r');
    const back = [...s.scope('Pages').keys()].filter((k) => k.startsWith('q ') || k.startsWith('r '));
    assert.deepEqual(back, one);
  });

  it('previous-value marks (reused snapshots): the value at the stop before, forward and back; a new process has none', () => {
    const s = new Session();
    s.to('pin_user_pages q 0x7f0000004000');
    s.to('ssch');
    const acquired = () => s.view.pagesSummary({}).vmstat.find((c) => c.name === 'nr_foll_pin_acquired');
    assert.deepEqual(acquired(), { name: 'nr_foll_pin_acquired', value: 6, previous: 4, expression: 'vmstat.nr_foll_pin_acquired' });
    s.to('wait interrupt');
    assert.deepEqual(acquired(), { name: 'nr_foll_pin_acquired', value: 6, expression: 'vmstat.nr_foll_pin_acquired' });
    s.back('pin_user_pages q 0x7f0000004000');
    assert.deepEqual(acquired(), { name: 'nr_foll_pin_acquired', value: 4, previous: 6, expression: 'vmstat.nr_foll_pin_acquired' });
    s.to('unpin_user_pages');
    const r = s.view.pagesSummary({}).processes.find((p) => p.pid === 2);
    assert.deepEqual(r?.counters, [{ name: 'locked_vm', value: 0, expression: 'locked_vm(2)' }, { name: 'pinned_vm', value: 0, expression: 'pinned_vm(2)' }]);
  });
});

describe('formatNumber: safe integers without a BigInt, the same text (issue 12)', () => {
  // the text before issue 12: through BigInt(Math.trunc(v)) for every finite number
  const viaBigInt = (v: number, hex: boolean): string => {
    if (!Number.isFinite(v)) return String(v);
    const big = BigInt(Math.trunc(v));
    if (!hex) return big.toString();
    return big < 0n ? '-0x' + (-big).toString(16) : '0x' + big.toString(16);
  };
  it('decimal and hex of integers, -0, fractions, the safe-integer edges and beyond, non-finite', () => {
    const values = [0, -0, 1, -1, 7, 255, 4096, 0xffffffff, -0x80000000, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 2 ** 53 + 2, -(2 ** 60), 1e21, 1.5, -1.5, -0.5, 0.999, 123456.789, NaN, Infinity, -Infinity];
    for (const v of values) for (const hex of [false, true]) assert.equal(formatNumber(v, hex), viaBigInt(v, hex), `${v} hex=${hex}`);
    assert.equal(formatNumber(-0.5, false), '0');
    assert.equal(formatNumber(2 ** 53 + 2, false), '9007199254740994');
    assert.equal(formatNumber(-255, true), '-0xff');
    assert.equal(formatNumber(10n, true), '0xa');
  });
});
