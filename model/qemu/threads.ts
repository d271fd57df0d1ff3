import type { Machine } from '../engine/machine';

/** QEMU's main-loop thread (eventfd handlers), next to the guest CPU (1) and host kernel (2). */
export const QEMU_THREAD = 3;

/** Run `fn` on QEMU's main-loop thread as `name` (the debugger's call stack). */
export function onQemuThread<T>(m: Machine, name: string, fn: () => T): T {
  // enterThread/enter, not onThread/within: no closure per call (issue 12: hot per vfio-ccw cycle)
  const prev = m.enterThread(QEMU_THREAD);
  const frame = m.enter(name);
  try {
    return fn();
  } finally {
    m.leave(frame);
    m.leaveThread(prev);
  }
}
