/**
 * Data breakpoints with a footprint (debug-adapter/dataFootprint.ts) pass over the records whose
 * journal span wrote none of the watched slots. This checks that they stop at exactly the records
 * where evaluating the expression at every change of state stops (the old walk), forwards and by
 * reverse-continue, over examples of both topologies: the footprint covers everything the value
 * depends on, including whether it exists.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseScenario } from '../../../model/scenario/parser';
import { Runner } from '../../../model/scenario/runner';
import { Navigator } from '../../../debug-adapter/navigator';
import { SourceMap } from '../../../debug-adapter/breakpoints';
import { StopPolicy } from '../../../debug-adapter/stopPolicy';
import { backwardSlice } from '../../../debug-adapter/runControl';
import { compileExpression, knownHeads } from '../../../debug-adapter/conditions';
import { Footprint, footprintOf } from '../../../debug-adapter/dataFootprint';
import { Journal } from '../../../model/engine/journal';

const ROOT = path.resolve(__dirname, '../../../..');

interface Walk {
  fwd: string[];
  back: string[];
}

/** Every data-breakpoint stop forwards from the start and backwards from the end, as "index: text". */
function walks(file: string, exprs: readonly string[], footprints: boolean): Map<string, Walk> {
  const { scenario } = parseScenario(fs.readFileSync(path.join(ROOT, file), 'utf8'), file);
  const runner = new Runner(scenario);
  const nav = new Navigator(runner);
  const policy = new StopPolicy(runner, new SourceMap(scenario, file), () => file, () => undefined);
  policy.setExceptions([], []);
  const out = new Map<string, Walk>();
  // the whole history first, so both ways walk the same recorded records
  assert.equal(nav.forward(() => false, 10_000_000), 'end');
  for (const expr of exprs) {
    assert.equal(policy.setData([{ dataId: 'expr:' + expr }])[0].verified, true, expr);
    const bp = policy.data.active[0];
    if (!footprints) bp.footprint = null;
    const w: Walk = { fwd: [], back: [] };
    nav.goto(0);
    for (;;) {
      const r = nav.forward((_r, i) => !!policy.check(i), 10_000_000);
      if (r === 'end') break;
      if (r !== 'budget') w.fwd.push(`${nav.cursor}: ${policy.check(nav.cursor)!.text}`);
    }
    for (;;) {
      const r = backwardSlice(nav, (_r, i) => !!policy.check(i), 10_000_000);
      if (r === 'start') break;
      if (r !== 'budget') w.back.push(`${nav.cursor}: ${policy.check(nav.cursor)!.text}`);
    }
    if (footprints) assert.ok(bp.footprint, `${expr} has a footprint`);
    out.set(expr, w);
  }
  return out;
}

const CASES: Array<[string, string[]]> = [
  ['examples/hello.vlab', ['sch(0.0.0007).scsw.stctl', 'sch(0.0.0007).scsw.cpa', 'sch(0.0.0007).pmcw.lpum', 'vmstat.nr_foll_pin_acquired', 'vmstat.nr_foll_pin_released - vmstat.nr_foll_pin_acquired']],
  ['examples/css-path-selection.vlab', ['sch(0.0.0007).pmcw.pom', 'sch(0.0.0007).scsw.cc', 'sch(0.0.0007).pmcw.pnom | sch(0.0.0007).scsw.pno']],
  ['examples/css-crw-overflow.vlab', ['crwq.count', 'crwq.count > 2']],
  ['examples/vfio-orb-lpm.vlab', ['host(0.0.0007).pmcw.lpum', 'guest(0.0.0007).scsw.stctl', 'guest(0.0.0007).scsw.cc', 'host(0.0.0007).scsw.cc', 'vmstat.nr_foll_pin_released']],
  ['examples/vfio-crw-burst.vlab', ['guest.crws', 'guest(0.0.0008).scsw.stctl', 'host(0.0.0008).pmcw.pam']],
];

describe('debug-adapter: data breakpoint footprints', function () {
  this.timeout(120000);

  for (const [file, exprs] of CASES) {
    it(`${path.basename(file)}: the same stops with and without footprints, forwards and backwards`, () => {
      const fast = walks(file, exprs, true);
      const slow = walks(file, exprs, false);
      for (const expr of exprs) {
        const f = fast.get(expr)!;
        const s = slow.get(expr)!;
        assert.deepEqual(f.fwd, s.fwd, `${expr} forwards`);
        assert.deepEqual(f.back, s.back, `${expr} backwards`);
        assert.deepEqual(f.back, [...f.fwd].reverse(), `${expr}: reverse-continue meets the same records`);
        assert.ok(f.fwd.length > 0, `${expr} changes at least once in ${file}`);
      }
    });
  }

  it('a footprint answers per journal span, walking down (one search per write) and up, and starts over when the journal forgets its future', () => {
    const j = new Journal();
    const store = { words: new Uint32Array(4) };
    const counters = { n: 0 };
    const queue: number[] = [];
    j.setElem(store, 'words', 1, 5); // 0
    j.set(counters, 'n', 1); // 1
    j.setElem(store, 'words', 2, 7); // 2
    j.push(queue, 9); // 3
    j.setElem(store, 'words', 1, 6); // 4
    const word = new Footprint([{ owner: store, field: 'words', index: 1 }]);
    const spans = (fp: Footprint, order: number[]) => order.map((e) => fp.touched(j, e, e + 1));
    assert.deepEqual(spans(word, [4, 3, 2, 1, 0]), [true, false, false, false, true]);
    assert.deepEqual(spans(word, [0, 1, 2, 3, 4]), [true, false, false, false, true]);
    assert.equal(word.touched(j, 1, 4), false);
    assert.equal(word.touched(j, 0, 5), true);
    const others = new Footprint([{ owner: counters, field: 'n', index: undefined }, { owner: queue, field: undefined, index: undefined }]);
    assert.deepEqual(spans(others, [4, 3, 2, 1, 0]), [false, true, false, true, false]);
    // a forgotten future: positions 2.. name other states now
    j.undoTo(2);
    j.truncateFuture();
    j.setElem(store, 'words', 1, 8); // 2
    assert.equal(word.touched(j, 2, 3), true);
    assert.equal(others.touched(j, 2, 3), false);
  });

  it('only expressions over SCHIB fields, vmstat and CRW queue lengths with literal operands have one', () => {
    const { scenario } = parseScenario(fs.readFileSync(path.join(ROOT, 'examples/hello.vlab'), 'utf8'), 'hello.vlab');
    const runner = new Runner(scenario);
    const known = knownHeads(scenario);
    const has = (e: string) => footprintOf(compileExpression(e, known).ast, runner) !== undefined;
    assert.equal(has('sch(0.0.0007).scsw.stctl == 0x11'), true);
    assert.equal(has('vmstat.nr_foll_pin_acquired'), true);
    assert.equal(has('crwq.count'), true);
    // a subchannel chosen by state, a page found through the page tables, an unknown field: evaluated every time
    assert.equal(has('sch(cc).scsw.stctl'), false);
    assert.equal(has('page(qemu, 0x7f0000000000).refcount'), false);
    assert.equal(has('sch(0.0.0007).scsw.nosuch'), false);
    assert.equal(has('crwq.lost'), false);
    assert.equal(has('time'), false);
  });
});
