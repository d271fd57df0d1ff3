/**
 * Fault injection for the vfio-ccw stack (`inject vfio-ccw FAULT once|times N|always|off`): the
 * failures a reviewer wants to see handled, each at the place the kernel can fail —
 * - `crw-alloc-fail`: the GFP_ATOMIC allocation of a CRW list element fails; the event is
 *   dropped silently (css §8.4);
 * - `io-mutex-busy`: `mutex_trylock(&private->io_mutex)` fails on an io / async region write →
 *   -EAGAIN (css §8.1); QEMU retries the pwrite (css §10.2);
 * - `pin-fail`: a `vfio_pin_pages` call of `page_array_pin` fails (-ENOMEM, [unverified: chosen
 *   errno]); `pin-partial`: it pins one page fewer than asked (the first call with npage ≥ 2) →
 *   everything pinned for the CCW is released, -EINVAL (css §9.2);
 * - `guest-fault`: reading the channel program from guest memory fails → -EFAULT (css §9.2),
 *   which QEMU turns into a unit exception (css §10.2).
 * Counts are journaled (stepping back restores them); -1 = always.
 */
import type { Machine } from '../../engine/machine';

export const FAULT_NAMES = ['crw-alloc-fail', 'io-mutex-busy', 'pin-fail', 'pin-partial', 'guest-fault'] as const;
export type FaultName = (typeof FAULT_NAMES)[number];

export interface FaultTable {
  /** Remaining injections per fault: 0 off, N > 0 that many, -1 always. */
  armed: Record<FaultName, number>;
  /** How often each fault fired (for views and expects). */
  hits: Record<FaultName, number>;
}

const zero = (): Record<FaultName, number> => ({ 'crw-alloc-fail': 0, 'io-mutex-busy': 0, 'pin-fail': 0, 'pin-partial': 0, 'guest-fault': 0 });

export const newFaultTable = (): FaultTable => ({ armed: zero(), hits: zero() });

export function armFault(m: Machine, t: FaultTable, name: FaultName, count: number): void {
  m.journal.set(t.armed, name, count);
}

/** Consume one injection of `name` if armed; true when the fault fires now. */
export function takeFault(m: Machine, t: FaultTable, name: FaultName): boolean {
  const n = t.armed[name];
  if (n === 0) return false;
  if (n > 0) m.journal.set(t.armed, name, n - 1);
  m.journal.set(t.hits, name, t.hits[name] + 1);
  return true;
}
