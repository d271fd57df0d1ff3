/**
 * The host side the vfio_ccw driver runs on: work on the host-kernel thread, and the host's
 * subchannel IDs and INTPARM (css §2).
 */
import type { Machine } from '../../engine/machine';
import { HOST_KERNEL_THREAD } from '../../engine/ids';

/** Host INTPARM: the address of `struct subchannel` (host-internal, css §2). */
export const hostSchAddr = (sch: number): number => (0x0f000000 + sch * 0x100) >>> 0;

/** The host SID of subchannel `sch` (subsystem set 0, SID bit set). */
export const sidOf = (sch: number) => (0x00010000 | sch) >>> 0;

/** Run `fn` as host kernel work named `name` (the debugger's call stack). */
export function hostWork<T>(m: Machine, name: string, fn: () => T): T {
  return m.onThreadWithin(HOST_KERNEL_THREAD, name, fn);
}
