/**
 * Journaled runs chain too (issue 12; machine.ts `runActions`, debug-adapter/navigator.ts): the
 * debugger lets the runner run a `wait`'s chained steps (a CCW after a CCW, css §3.4) in one call
 * instead of a runner call, a queue push and a queue shift per CCW. That must not change what
 * the debugger shows: for every example and conformance scenario, a journaled run in calls of
 * `steps(256)` and one of single `step()`s record the same history (every record's seq, time,
 * thread, granularity, call stack and event) and the same final state, and at sampled records
 * (each run's journal undone or redone to the record, as a stop does) the same state, at the
 * record's virtual time. (The state at a record is compared between the two runs, not with the
 * state at the moment of recording: scratch fields such as the last CCW decoded are not
 * journaled, by design, and differ after any time travel.) Only the journal
 * differs: the queue's push and shift of the chained steps are not in it, so it is shorter and
 * the records' journal positions are smaller.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseScenario } from '../../../model/scenario/parser';
import { Runner } from '../../../model/scenario/runner';
import { readerIncludeResolver } from '../../../model/scenario/statements/include';
import type { HistoryRecord } from '../../../model/engine/events';
import { stateDigest } from './stateDigest';
import { corpusFiles } from '../vlabFiles';

const ROOT = path.resolve(__dirname, '../../../..');
const FILES = corpusFiles(ROOT);
/** The navigator's actions per runner call (navigator.ts ACTIONS_PER_CALL). */
const PER_CALL = 256;
/** Records whose states are compared per scenario (evenly spread, CCW records first). */
const SAMPLES = 6;
const MAX_STEPS = 1_000_000;

const json = (x: unknown) => JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Array.from(v) : v));
const recordKey = (x: HistoryRecord) => `${x.seq} ${x.time} ${x.thread} ${x.granularity} ${x.frames.map((f) => `${f.name}:${f.line ?? ''}`).join('<')} ${json(x.event)}`;

function load(file: string): Runner {
  const resolve = readerIncludeResolver((p) => fs.readFileSync(p, 'utf8'));
  const { scenario } = parseScenario(fs.readFileSync(file, 'utf8'), file, { resolve });
  return new Runner(scenario);
}

/** Move the journal to the state right after record i (what a stop at it shows). */
function settle(r: Runner, i: number): void {
  const j = r.m.journal;
  const pos = r.m.records.journalPos(i);
  if (pos < j.position) j.undoTo(pos);
  else if (pos > j.position) j.redoTo(pos);
}

/** Up to `n` record indices: the CCW records spread over the run first, then any others. */
function samples(h: readonly HistoryRecord[], n: number): number[] {
  const ccw = h.map((x, i) => (x.granularity === 'ccw' ? i : -1)).filter((i) => i >= 0);
  const pick = (xs: number[], k: number) => (xs.length <= k ? xs : Array.from({ length: k }, (_, t) => xs[Math.floor(((t + 0.5) * xs.length) / k)]));
  const out = pick(ccw, Math.ceil(n / 2));
  const rest = h.map((_, i) => i).filter((i) => !out.includes(i));
  return [...out, ...pick(rest, n - out.length)].sort((a, b) => a - b);
}

describe('journaled runs chain a wait\'s steps and show the same history and states (issue 12)', function () {
  this.timeout(180000);
  it('covers every example and conformance scenario', () => assert.ok(FILES.length >= 200, `${FILES.length} files`));
  for (const f of FILES) {
    it(path.relative(ROOT, f), () => {
      const one = load(f);
      const many = load(f);
      let singles = 0;
      while (singles < MAX_STEPS && one.step()) singles++;
      let counted = 0;
      for (let k = many.steps(PER_CALL); k !== 0 && counted < MAX_STEPS; k = many.steps(PER_CALL)) counted += k;
      // css §3.4 chaining changes no count: every action is counted as one step either way
      assert.equal(counted, singles, 'steps counted');
      const a = one.m.history;
      const b = many.m.history;
      assert.equal(b.length, a.length, 'records');
      for (let i = 0; i < a.length; i++) if (recordKey(a[i]) !== recordKey(b[i])) assert.fail(`record ${i} differs:\n single  ${recordKey(a[i])}\n chained ${recordKey(b[i])}`);
      assert.equal(stateDigest(many), stateDigest(one), 'final state');
      assert.ok(many.m.journal.length <= one.m.journal.length, `journal ${many.m.journal.length} <= ${one.m.journal.length}`);
      for (const i of samples(a, SAMPLES)) {
        settle(one, i);
        settle(many, i);
        const at = `at record ${i} (${a[i].event.kind})`;
        assert.equal(one.m.state.time, a[i].time, `virtual time ${at}, single steps`);
        assert.equal(many.m.state.time, a[i].time, `virtual time ${at}, chained`);
        assert.equal(stateDigest(many), stateDigest(one), `state ${at}`);
      }
    });
  }
});
