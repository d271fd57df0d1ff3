/**
 * WARN_ON_ONCE: a kernel warning site prints once per boot (a static `__warned` flag per call
 * site), however often its condition is true afterwards. The model keeps the set of sites that
 * already warned per machine, journaled, so stepping back before the first warning re-arms it.
 * (gup §2.3: every rejection of is_valid_gup_args() and of the fast path's flag mask is a
 * WARN_ON_ONCE; issue 11.)
 */
import type { Machine } from '../engine/machine';

interface OnceState {
  sites: Readonly<Record<string, true>>;
}

const STATES = new WeakMap<Machine, OnceState>();

function stateOf(m: Machine): OnceState {
  let s = STATES.get(m);
  if (!s) {
    s = { sites: Object.freeze({}) };
    STATES.set(m, s);
  }
  return s;
}

/**
 * `WARN_ON_ONCE` at `site` (the condition is true): emits the warning the first time the site
 * fires in this boot, and returns whether it did.
 */
export function warnOnce(m: Machine, site: string, message: string, ref: string): boolean {
  const s = stateOf(m);
  if (Object.prototype.hasOwnProperty.call(s.sites, site)) return false;
  m.journal.set(s, 'sites', Object.freeze({ ...s.sites, [site]: true as const }));
  m.emit({ kind: 'warn', message, ref }, 'instruction');
  return true;
}
