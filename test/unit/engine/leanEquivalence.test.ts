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
import { createHash, type Hash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseScenario } from '../../../model/scenario/parser';
import { Runner } from '../../../model/scenario/runner';
import { readerIncludeResolver } from '../../../model/scenario/statements/include';
import type { HistoryRecord } from '../../../model/engine/events';
import { facilities } from '../../../model/css/facilities';

const ROOT = path.resolve(__dirname, '../../../..');

function vlabFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...vlabFiles(p));
    else if (e.name.endsWith('.vlab')) out.push(p);
  }
  return out.sort();
}

/**
 * Machine fields that exist only for time travel (and the lean switch itself), and the action
 * queue's arrays: a lean run runs a chained action's next step at once instead of queueing it
 * (machine.ts `runActions`), so the arrays' free slots, head index and capacity differ; the
 * queued actions themselves (`Machine.queue`, in order with their times) are hashed instead.
 */
const ENGINE_ONLY = new Set(['journal', 'history', 'root', 'top', 'lean', 'leanSeq', 'historyBase', 'recordBytesTotal', 'listeners', 'q', 'inlineLeft', 'inlineRan', 'inlineStop']);

/** Hash everything reachable from `root` in a fixed order; shared objects by first path. */
function stateDigest(root: Runner): string {
  const h: Hash = createHash('sha256');
  const seen = new Map<object, number>();
  const stack: unknown[] = [root.m.queue, facilities(root.css.core), root];
  const put = (s: string) => h.update(s + '\u0001');
  while (stack.length) {
    const v = stack.pop();
    if (v === null || v === undefined) { put(String(v)); continue; }
    const t = typeof v;
    if (t === 'function') { put('fn'); continue; }
    if (t === 'bigint') { put(`${v as bigint}n`); continue; }
    if (t !== 'object') { put(`${t}:${String(v)}`); continue; }
    const o = v as object;
    const id = seen.get(o);
    if (id !== undefined) { put(`@${id}`); continue; }
    seen.set(o, seen.size);
    if (ArrayBuffer.isView(o)) {
      const b = o as unknown as Uint8Array;
      put(`${o.constructor.name}[${b.byteLength}]`);
      h.update(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
      continue;
    }
    if (o instanceof Map) {
      put(`Map${o.size}`);
      for (const [k, x] of [...o.entries()].reverse()) stack.push(x, k);
      continue;
    }
    if (o instanceof Set) {
      put(`Set${o.size}`);
      for (const x of [...o].reverse()) stack.push(x);
      continue;
    }
    if (Array.isArray(o)) {
      put(`Array${o.length}`);
      for (let i = o.length - 1; i >= 0; i--) stack.push(o[i]);
      continue;
    }
    const skip = o instanceof (root.m.constructor as new () => object) ? ENGINE_ONLY : undefined;
    const keys = Object.keys(o).filter((k) => !skip?.has(k)).sort();
    put(`${o.constructor?.name ?? 'Object'}{${keys.join(',')}}`);
    for (let i = keys.length - 1; i >= 0; i--) stack.push((o as Record<string, unknown>)[keys[i]]);
  }
  return h.digest('hex');
}

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

const FILES = [...vlabFiles(path.join(ROOT, 'examples')), ...vlabFiles(path.join(ROOT, 'test/scenarios'))];

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
