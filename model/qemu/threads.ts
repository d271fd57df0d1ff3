import type { Machine } from '../engine/machine';

/** QEMU's main-loop thread (eventfd handlers), next to the guest CPU (1) and host kernel (2). */
export const QEMU_THREAD = 3;

/** Run `fn` on QEMU's main-loop thread as `name` (the debugger's call stack). */
export function onQemuThread<T>(m: Machine, name: string, fn: () => T): T {
  return m.onThreadWithin(QEMU_THREAD, name, fn);
}
