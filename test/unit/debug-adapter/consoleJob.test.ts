/**
 * Console jobs (debug-adapter/consoleJob.ts, issue 13): a long console statement run slice by
 * slice gives what the one-shot console path gives (same text, same history and journal), and a
 * job cancelled mid-way leaves the machine, the stop and the recorded history exactly as before.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseScenario } from '../../../model/scenario/parser';
import { Runner } from '../../../model/scenario/runner';
import { Navigator } from '../../../debug-adapter/navigator';
import { Repl } from '../../../debug-adapter/repl';
import { busyText } from '../../../debug-adapter/consoleJob';

const ROOT = path.resolve(__dirname, '../../../..');
const FILE = 'test/fixtures/pinleak.vlab';

/** A session stopped at pinleak.vlab line 6 (`expect ret == 2`), with the end already recorded ahead. */
function stopped(): { r: Runner; nav: Navigator; repl: Repl } {
  const r = new Runner(parseScenario(fs.readFileSync(path.join(ROOT, FILE), 'utf8'), FILE).scenario);
  const nav = new Navigator(r);
  nav.forward((rec) => rec.event.kind === 'stmt' && rec.event.line === 6, 1000);
  const at = nav.cursor;
  nav.forward(() => false, 1000); // record to the end, then come back: a recorded future
  nav.goto(at);
  return { r, nav, repl: new Repl(r, nav) };
}

function fingerprint(r: Runner, nav: Navigator): string {
  const recs = r.m.history.map((h) => JSON.stringify([h.seq, h.journalPos, h.thread, h.frames.map((f) => f.name), h.event], (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
  return [...recs, `cursor ${nav.cursor}`, `journal ${r.m.journal.position}/${r.m.journal.length}`, `vmstat ${JSON.stringify(r.mm.vmstat)}`, `pins ${r.mm.pinsHeld()}`].join('\n');
}

describe('debug adapter: console jobs (issue 13)', () => {
  it('gup_test -a -m 16 in slices = the one-shot console statement (text, history, journal; gup §4 counts)', () => {
    const one = stopped();
    const expected = one.repl.evaluate('gup_test -a -m 16');
    const two = stopped();
    const job = two.repl.job('gup_test -a -m 16');
    assert.ok(job);
    let slices = 0;
    let res;
    while (!(res = job.slice())) slices++;
    assert.ok(slices >= 3, `${slices} slices`);
    assert.deepEqual(res, expected);
    assert.equal(fingerprint(two.r, two.nav), fingerprint(one.r, one.nav));
    // gup §4: one acquired and one released per pinned page (16 MiB = 4,096 pages), besides the scenario's 2 pins
    assert.deepEqual(two.r.mm.vmstat, { nr_foll_pin_acquired: 2 + 4096, nr_foll_pin_released: 4096 });
  });

  it('cancelled mid-way: the machine, the stop and the history (with its recorded future) as before; "cancelled"', () => {
    const s = stopped();
    const before = fingerprint(s.r, s.nav);
    const job = s.repl.job('gup_test -a -m 16')!;
    for (let i = 0; i < 5; i++) assert.equal(job.slice(), undefined);
    assert.ok(s.r.mm.vmstat.nr_foll_pin_acquired > 2, 'pins were taken before the cancel');
    assert.match(busyText('variables', job), /^variables: busy: the Debug Console is running 'gup_test -a -m 16' \(\d+%\); wait for it or cancel it$/);
    job.requestCancel();
    let error = '';
    for (let i = 0; i < 100 && !error; i++) {
      try {
        assert.equal(job.slice(), undefined);
      } catch (e) {
        error = (e as Error).message;
      }
    }
    assert.equal(error, 'cancelled');
    assert.equal(fingerprint(s.r, s.nav), before);
  });

  it('a statement that is no long work is not a job; a job is refused away from a statement stop', () => {
    const s = stopped();
    assert.equal(s.repl.job('pin_user_pages qemu 0x7f0000000000 1 FOLL_WRITE'), undefined);
    assert.equal(s.repl.job('vmstat.nr_foll_pin_acquired'), undefined);
    s.nav.forward((rec) => rec.event.kind !== 'stmt', 1000);
    assert.throws(() => s.repl.job('gup_test -u'), /state can be edited only when stopped at a statement/);
  });
});
