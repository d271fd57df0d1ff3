/** The navigator: stepping over history, time travel and bounded history (PRODUCT §3, §6). */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseScenario } from '../../../model/scenario/parser';
import { Runner } from '../../../model/scenario/runner';
import { Navigator } from '../../../debug-adapter/navigator';

const ROOT = path.resolve(__dirname, '../../../..');
const runner = (file: string) => new Runner(parseScenario(fs.readFileSync(path.join(ROOT, file), 'utf8'), file).scenario);

describe('debug-adapter: navigator', () => {
  it('reverse-continue to the start and replay reproduce every SCHIB word and page count', () => {
    const r = runner('examples/hello.vlab');
    const nav = new Navigator(r);
    const snapshots: string[] = [];
    const snap = () => JSON.stringify([Array.from(r.css.schibWords(7)), Array.from(r.mm.pages.refcount.slice(0, 8)), r.mm.vmstat, r.state.pc]);
    for (;;) {
      const x = nav.forward(() => true, 1);
      if (x === 'end') break;
      if (x !== 'budget') snapshots.push(snap()); // a step that emitted nothing moves no cursor
    }
    const last = nav.cursor;
    nav.backward(() => false);
    assert.equal(nav.cursor, 0);
    assert.equal(snap(), snapshots[0]);
    for (let i = 1; i <= last; i++) {
      assert.notEqual(nav.forward(() => true, 1), 'budget'); // replay never runs the runner
      assert.equal(snap(), snapshots[i], `record ${i}`);
    }
  });

  it('bounds the history: the oldest half is dropped and what remains is still exact', () => {
    const r = runner('test/fixtures/tic-loop.vlab');
    const nav = new Navigator(r, 200);
    for (let i = 0; i < 1000; i++) nav.forward(() => true, 1);
    assert.ok(r.m.history.length <= 201, `history ${r.m.history.length}`);
    assert.ok(nav.dropped >= 700);
    const here = JSON.stringify(Array.from(r.css.schibWords(7)));
    const cur = nav.cursor;
    nav.backward(() => false);
    assert.equal(nav.cursor, 0);
    nav.forward((_rec, i) => i === cur, 10_000);
    assert.equal(JSON.stringify(Array.from(r.css.schibWords(7))), here);
  });

  it('trims history while walking already-recorded records after a stop (journal behind the cursor)', () => {
    // one statement records many events at once (a big pin), the stop is before it, then `next`
    const text = ['process p pid 1', 'vma p 0x10000000 size 4M anon rw', 'pin_user_pages p 0x10000000 1024 FOLL_WRITE -> b', 'unpin_user_pages b', 'expect vmstat.nr_foll_pin_released == 1024'].join('\n');
    const r = new Runner(parseScenario(text, 'trim.vlab').scenario);
    const nav = new Navigator(r, 1000);
    const isStmt = (rec: { event: { kind: string } }) => rec.event.kind === 'stmt';
    const stops: number[] = [];
    for (;;) {
      const x = nav.forward(isStmt, 1_000_000);
      if (x === 'end') break;
      if (x !== 'budget') stops.push(x.event.kind === 'stmt' ? x.event.line : -1);
    }
    assert.deepEqual(stops, [1, 2, 3, 4, 5]);
    assert.ok(nav.dropped > 0);
    assert.deepEqual(r.expects.map((e) => e.ok), [true]);
    assert.equal(r.mm.vmstat.nr_foll_pin_acquired, 1024); // gup §4: one per pinned page
  });
});
