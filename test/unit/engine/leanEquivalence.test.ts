/**
 * Lean and journaled runs are the same run (issue 12): for every example (examples/*.vlab) and
 * every conformance scenario (test/scenarios/**), a headless run in lean mode (no journal, no
 * history, no call stacks) and one with the journal on end in the same state and deliver the
 * same event stream to listeners.
 *
 * "State" is everything the model holds, reached from the runner: every object, array, typed
 * array, Map and Set under it (CSS, guest memory, page store, mm, QEMU/vfio-ccw/cio layers,
 * runner results), walked in a fixed order and hashed. Left out are only the engine's
 * time-travel structures, which lean mode exists to skip: the journal, the history and its
 * byte count, the call-stack tree, the listeners, and the lean flag and counter themselves. The
 * CSS facility state (kept beside the core in a WeakMap) is walked too; the WARN_ON_ONCE sites
 * show in the event stream (their first warning).
 * The event stream is each event's kind and fields with its seq, virtual time, thread and
 * granularity (a lean record has no frames and no journal position, by design).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseScenario } from '../../../model/scenario/parser';
import { Runner } from '../../../model/scenario/runner';
import { readerIncludeResolver } from '../../../model/scenario/statements/include';
import type { HistoryRecord } from '../../../model/engine/events';
import { facilities } from '../../../model/css/facilities';
import { stateDigest } from './stateDigest';
import { corpusFiles } from '../vlabFiles';

const ROOT = path.resolve(__dirname, '../../../..');

const json = (x: unknown) => JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Array.from(v) : v));

function run(file: string, lean: boolean, change?: (r: Runner) => void): { state: string; events: string[]; done: boolean } {
  const resolve = readerIncludeResolver((p) => fs.readFileSync(p, 'utf8'));
  const { scenario } = parseScenario(fs.readFileSync(file, 'utf8'), file, { resolve });
  const r = new Runner(scenario);
  if (lean) r.m.setLean();
  const events: string[] = [];
  r.m.onEvent((x: HistoryRecord) => events.push(json({ seq: x.seq, time: x.time, thread: x.thread, g: x.granularity, e: x.event })));
  r.runToEnd(1_000_000);
  change?.(r);
  return { state: stateDigest(r), events, done: r.state.done };
}

const FILES = corpusFiles(ROOT);

describe('lean and journaled runs are the same run (issue 12)', function () {
  this.timeout(120000);
  it('covers every example and conformance scenario', () => assert.ok(FILES.length >= 200, `${FILES.length} files`));
  it('the state digest sees one changed SCHIB word, guest byte or page count', () => {
    const f = path.join(ROOT, 'examples/hello.vlab');
    const base = run(f, true).state;
    assert.equal(run(f, true).state, base);
    assert.notEqual(run(f, true, (r) => { r.css.core.schib.words[7 * 13 + 1] ^= 1; }).state, base);
    assert.notEqual(run(f, true, (r) => { r.mem.bytes[0x10] ^= 1; }).state, base);
    assert.notEqual(run(f, true, (r) => { facilities(r.css.core).mss = !facilities(r.css.core).mss; }).state, base);
  });
  for (const f of FILES) {
    it(path.relative(ROOT, f), () => {
      const a = run(f, false);
      const b = run(f, true);
      assert.ok(a.done, 'the journaled run reached the end');
      assert.equal(b.events.length, a.events.length, 'event count');
      for (let i = 0; i < a.events.length; i++) if (a.events[i] !== b.events[i]) assert.fail(`event ${i} differs:\n journal ${a.events[i]}\n lean    ${b.events[i]}`);
      assert.equal(b.state, a.state, 'final state');
    });
  }
});
