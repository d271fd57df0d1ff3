/**
 * Journal runs (issue 12 "run entries for page runs"): entries that continue the step of the two
 * groups before them are stored as one RUN entry, yet every position still names one state.
 * Checked against snapshots taken while recording: step-by-step and coalesced walks, queries
 * (lastWriteBefore, elemsChangedBetween, forEachChangeOf), dropOldest into a run and into its
 * template, truncateFuture inside a run, and a seeded random mix of all of them.
 */
import * as assert from 'node:assert/strict';
import { Journal } from '../../../model/engine/journal';
import { JOURNAL_COMPACT_ENTRY_BYTES } from '../../../model/engine/memoryEstimate';

/** What a pin of `pages` small pages writes (gup §3.1 small page: refcount + 1024; gup §4 vmstat + 1). */
function pinLike(j: Journal, store: { refcount: Int32Array }, vm: { acq: number }, from: number, pages: number, snaps?: string[], snap?: () => string): void {
  for (let k = from; k < from + pages; k++) {
    j.setElem(store, 'refcount', k, store.refcount[k] + 1024);
    if (snaps) snaps[j.position] = snap!();
    j.set(vm, 'acq', vm.acq + 1);
    if (snaps) snaps[j.position] = snap!();
  }
}

describe('engine: journal runs (issue 12)', () => {
  it('a pin of 1,500 pages is stored as two template groups and one run; every position reads back exactly', () => {
    const j = new Journal();
    const store = { refcount: new Int32Array(2000).fill(1) };
    const vm = { acq: 0 };
    const snap = () => JSON.stringify([Array.from(store.refcount.subarray(0, 1600)), vm.acq]);
    const snaps: string[] = [snap()];
    pinLike(j, store, vm, 0, 1500, snaps, snap);
    assert.equal(j.length, 3000);
    assert.equal(j.storedEntries, 5);
    assert.equal(j.estimatedBytes, 5 * JOURNAL_COMPACT_ENTRY_BYTES);
    // what dropping records would free: the template, nothing for positions inside the run
    assert.equal(j.bytesBetween(0, 3000), 5 * JOURNAL_COMPACT_ENTRY_BYTES);
    assert.equal(j.bytesBetween(0, 4), 4 * JOURNAL_COMPACT_ENTRY_BYTES);
    assert.equal(j.bytesBetween(10, 2000), 0);
    const q: number[] = [];
    j.push(q, 1);
    j.set(vm, 'acq', 0.5);
    assert.equal(j.bytesBetween(0, j.length), j.estimatedBytes);
    // step by step, through the middle of the run
    for (let p = 3000; p >= 2980; p--) {
      j.undoTo(p);
      assert.equal(snap(), snaps[p], `at ${p}`);
    }
    // coalesced (≥ 1024 entries at once) to odd positions inside the run, and back
    for (const p of [1, 4, 5, 1001, 1200, 0]) {
      j.undoTo(p);
      assert.equal(snap(), snaps[p], `undone to ${p}`);
      j.redoTo(3000);
      assert.equal(snap(), snaps[3000], `redone from ${p}`);
    }
    assert.equal(j.lastWriteBefore(store, 'refcount', 700, 3000), 1400);
    assert.equal(j.lastWriteBefore(vm, 'acq', undefined, 1402), 1401);
    const changed = j.elemsChangedBetween(3000, 10).get(store)!.get('refcount')!;
    assert.equal(changed.size, 1495);
    assert.equal(changed.get(1499), 1025);
    const seen: unknown[] = [];
    j.forEachChangeOf(store, 100, 106, (k) => seen.push(k));
    assert.deepEqual(seen, [50, 51, 52]);
  });

  it('truncateFuture inside a run keeps its entries before the position; the run then continues or ends', () => {
    const j = new Journal();
    const store = { refcount: new Int32Array(64).fill(1) };
    const vm = { acq: 0 };
    pinLike(j, store, vm, 0, 30);
    j.undoTo(41); // the middle of page 20: refcount written, vmstat not yet
    j.truncateFuture();
    assert.equal(j.length, 41);
    assert.deepEqual([store.refcount[20], store.refcount[21], vm.acq], [1025, 1, 20]);
    j.set(vm, 'acq', 21); // the entry the run predicts
    j.setElem(store, 'refcount', 21, 1025);
    j.set(vm, 'acq', 99); // not predicted: stored
    assert.equal(j.length, 44);
    assert.equal(j.storedEntries, 6);
    j.undoTo(0);
    assert.deepEqual([Array.from(store.refcount.subarray(0, 23)), vm.acq], [new Array(23).fill(1), 0]);
    j.redoTo(44);
    assert.deepEqual([store.refcount[21], store.refcount[22], vm.acq], [1025, 1, 99]);
  });

  it('dropOldest into a run, or into its template, keeps the template stored; what is left reads back exactly', () => {
    for (const drop of [1, 2, 3, 4, 5, 17, 59]) {
      const j = new Journal();
      const store = { refcount: new Int32Array(64).fill(1) };
      const vm = { acq: 0 };
      const snap = () => JSON.stringify([Array.from(store.refcount), vm.acq]);
      const snaps: string[] = [snap()];
      pinLike(j, store, vm, 0, 30, snaps, snap);
      j.dropOldest(drop);
      assert.equal(j.length, 60 - drop);
      assert.ok(j.storedEntries <= 5, `${drop}: ${j.storedEntries}`);
      for (let p = j.length; p >= 0; p--) {
        j.undoTo(p);
        assert.equal(snap(), snaps[p + drop], `dropped ${drop}, at ${p}`);
      }
      j.redoTo(j.length);
      pinLike(j, store, vm, 30, 3); // recording goes on after the drop
      assert.equal(vm.acq, 33);
      j.undoTo(0);
      assert.equal(snap(), snaps[drop]);
    }
  });

  it('a seeded random mix of runs, single writes, walks, drops and truncations: every position keeps its state', () => {
    let seed = Number(process.env.JOURNAL_RUNS_SEED ?? 12);
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const j = new Journal();
    const a = { v: new Float64Array(256) };
    const b = { v: new Int32Array(256) };
    const o = { n: 0, f: false, x: 0 };
    const q: number[] = [];
    const snap = () => JSON.stringify([Array.from(a.v), Array.from(b.v), o, q]);
    let snaps: string[] = [snap()];
    const record = () => (snaps[j.position] = snap());
    // which element each position wrote ('a:i' / 'b:i'; '' for other entries): what forEachChangeOf must visit
    let writes: string[] = [];
    const wrote = (what: string, write: () => void) => {
      const before = j.length;
      write();
      if (j.length === before + 1) writes[before] = what;
    };
    for (let round = 0; round < 300; round++) {
      const op = rnd(10);
      if (op < 4) {
        // a burst of groups with steps (some fractional: the run must end where a + g·(b − a) is not exact)
        const period = 1 + rnd(5);
        const steps = Array.from({ length: period }, () => [rnd(3), rnd(4) - 1, rnd(3) === 0 ? 0.1 : rnd(3)]);
        const base = rnd(64);
        for (let t = 0; t < 2 + rnd(40); t++) {
          steps.forEach(([kind, di, dv], s) => {
            const ia = (base + s * 7 + 256 + t * di) % 256;
            const ib = (base + s * 5 + 256 + t * di) % 256;
            if (kind === 0) wrote(`a:${ia}`, () => j.setElem(a, 'v', ia, a.v[ia] + dv + 1));
            else if (kind === 1) wrote(`b:${ib}`, () => j.setElem(b, 'v', ib, t * dv + s));
            else wrote('', () => j.set(o, 'n', o.n + dv + 1));
            record();
          });
        }
      } else if (op === 4) {
        wrote('', () => j.set(o, 'f', !o.f));
        record();
        wrote('', () => j.push(q, rnd(100)));
        record();
      } else if (op === 5 && q.length) {
        wrote('', () => j.shift(q));
        record();
      } else if (op === 6) {
        const p = rnd(j.length + 1);
        j.undoTo(p);
        assert.equal(snap(), snaps[p], `round ${round}: undone to ${p}`);
        const r = p + rnd(j.length - p + 1);
        j.redoTo(r);
        assert.equal(snap(), snaps[r], `round ${round}: redone to ${r}`);
        if (rnd(2)) {
          j.truncateFuture();
          snaps = snaps.slice(0, r + 1);
          writes = writes.slice(0, r);
          wrote('', () => j.set(o, 'x', o.x + 1));
          record();
        } else j.redoTo(j.length);
      } else if (op === 7 && j.length > 10) {
        const d = rnd(Math.min(j.length, 60));
        j.dropOldest(d);
        snaps = snaps.slice(d);
        writes = writes.slice(d);
      } else {
        wrote('', () => j.set(o, 'x', o.x + 0.5));
        record();
      }
    }
    assert.ok(j.storedEntries < j.length, `runs were formed: ${j.storedEntries} of ${j.length}`);
    assert.equal(writes.length, j.length);
    // forEachChangeOf visits, in position order, the element index of every entry of its owner,
    // whether the range starts and ends inside runs, in stored spans, or crosses both
    for (let t = 0; t < 200; t++) {
      const x = rnd(j.length + 1);
      const y = rnd(j.length + 1);
      for (const [name, owner] of [['a', a], ['b', b]] as const) {
        const got: unknown[] = [];
        j.forEachChangeOf(owner, x, y, (k) => got.push(k));
        const want = writes.slice(Math.min(x, y), Math.max(x, y)).filter((w) => w.startsWith(`${name}:`)).map((w) => Number(w.slice(2)));
        assert.deepEqual(got, want, `forEachChangeOf(${name}, ${x}, ${y})`);
      }
    }
    for (let p = j.length; p >= 0; p -= 1 + rnd(5)) {
      j.undoTo(p);
      assert.equal(snap(), snaps[p], `final walk at ${p}`);
    }
    j.undoTo(0);
    assert.equal(snap(), snaps[0]);
    j.redoTo(j.length);
    assert.equal(snap(), snaps[j.length]);
  });

  it('runs whose elements keep their index (a CCW per group): long walks and lastWriteBefore read them group by group, exactly', () => {
    // a channel program's CCW writes the same places each time (queue element 0, the SCHIB count
    // word, ChanState fields): walks and data-breakpoint scans take its run's whole groups at once
    let seed = 7;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const j = new Journal();
    const a = { v: new Float64Array(16) };
    const b = { v: new Int32Array(16) };
    const o = { n: 0, m: 0 };
    const snap = () => JSON.stringify([Array.from(a.v), Array.from(b.v), o]);
    const snaps: string[] = [snap()];
    /** (owner, field, index) each position wrote, for lastWriteBefore's expected answers */
    const wrote: Array<[object, string, number | undefined]> = [];
    const write = (owner: object, field: string, index: number | undefined, f: () => void) => {
      const before = j.position;
      f();
      if (j.position > before) wrote[before] = [owner, field, index];
      snaps[j.position] = snap();
    };
    for (let burst = 0; burst < 12; burst++) {
      const groups = 200 + rnd(900);
      for (let t = 0; t < groups; t++) {
        // b.v[3] twice in one group: the later write of a group wins going forward, the earlier going back
        write(b, 'v', 3, () => j.setElem(b, 'v', 3, t + 1));
        write(o, 'n', undefined, () => j.set(o, 'n', o.n + 1));
        write(a, 'v', 5, () => j.setElem(a, 'v', 5, a.v[5] + 2));
        write(b, 'v', 3, () => j.setElem(b, 'v', 3, -t - 1));
        write(o, 'm', undefined, () => j.set(o, 'm', o.m + 3));
      }
      for (let k = 0; k < 1 + rnd(3); k++) write(b, 'v', 9, () => j.setElem(b, 'v', 9, b.v[9] + 1 + rnd(5)));
      write(o, 'n', undefined, () => j.set(o, 'n', rnd(1000) + 0.5));
    }
    assert.ok(j.storedEntries * 50 < j.length, `runs were formed: ${j.storedEntries} of ${j.length}`);
    const end = j.length;
    for (let k = 0; k < 40; k++) {
      const p = rnd(end + 1);
      j.undoTo(p);
      assert.equal(snap(), snaps[p], `undone to ${p}`);
      const r = p + rnd(end - p + 1);
      j.redoTo(r);
      assert.equal(snap(), snaps[r], `redone from ${p} to ${r}`);
      j.redoTo(end);
      assert.equal(snap(), snaps[end]);
    }
    j.undoTo(0);
    assert.equal(snap(), snaps[0]);
    j.redoTo(end);
    const expected = (owner: object, field: string, index: number | undefined, before: number, after: number) => {
      for (let e = before - 1; e >= after; e--) {
        const w = wrote[e];
        if (w && w[0] === owner && w[1] === field && w[2] === index) return e;
      }
      return -1;
    };
    for (let k = 0; k < 60; k++) {
      const before = rnd(end + 1);
      const after = rnd(2) ? 0 : rnd(before + 1);
      for (const [owner, field, index] of [[b, 'v', 3], [a, 'v', 5], [b, 'v', 9], [o, 'n', undefined], [o, 'm', undefined], [a, 'v', 6]] as const) {
        assert.equal(j.lastWriteBefore(owner, field, index, before, after), expected(owner, field, index, before, after), `${field}[${index}] before ${before} after ${after}`);
      }
    }
  });
});
