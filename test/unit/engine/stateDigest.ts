/**
 * A digest of everything a runner's model holds (test/unit/engine: lean and journaled runs, chained
 * and single-stepped runs must reach the same states). Every object, array, typed array, Map and
 * Set reached from the runner is walked in a fixed order and hashed, except the engine's
 * time-travel structures (ENGINE_ONLY).
 */
import { createHash, type Hash } from 'node:crypto';
import type { Runner } from '../../../model/scenario/runner';
import { facilities } from '../../../model/css/facilities';

/**
 * Machine fields that exist only for time travel (and the lean switch itself), and the action
 * queue's arrays: runActions runs a chained action's next step at once instead of queueing it
 * (machine.ts `runActions`), so the arrays' free slots, head index and capacity differ; the
 * queued actions themselves (`Machine.queue`, in order with their times) are hashed instead.
 */
export const ENGINE_ONLY = new Set(['journal', 'history', 'root', 'top', 'lean', 'leanSeq', 'historyBase', 'recordBytesTotal', 'listeners', 'q', 'inlineLeft', 'inlineRan', 'inlineStop', 'stirs', 'inlineStirs']);

/** Hash everything reachable from `root` in a fixed order; shared objects by first path. */
export function stateDigest(root: Runner): string {
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

