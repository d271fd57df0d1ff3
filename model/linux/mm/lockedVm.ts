/**
 * `mm->locked_vm` accounting of vfio type1 pins (gup §10.1 steps 5–6, 8): `vfio_lock_acct` →
 * `__account_locked_vm`, checked against RLIMIT_MEMLOCK unless the task had CAP_IPC_LOCK.
 */
import type { Machine } from '../../engine/machine';
import { ERRNO } from './errno';
import type { Process } from './vma';

/** RLIMIT_MEMLOCK >> PAGE_SHIFT. */
export function limitPages(p: Process): number {
  return p.rlimitMemlock === Infinity ? Infinity : Math.floor(p.rlimitMemlock / 4096);
}

/** RLIMIT_MEMLOCK as the kernel's warning prints it. */
export function limitText(p: Process): string {
  return p.rlimitMemlock === Infinity ? 'unlimited' : String(p.rlimitMemlock);
}

/** vfio_lock_acct → __account_locked_vm(mm, |n|, n > 0, task, lock_cap). Returns 0 or −ENOMEM. */
export function lockAcct(m: Machine, p: Process, n: number, lockCap: boolean, warn: (message: string) => void): number {
  if (!n) return 0;
  const frame = m.enter('vfio_lock_acct'); // enter/leave: no closures per pin (issue 12)
  m.enter('__account_locked_vm'); // left with the outer frame
  try {
    if (n > 0) {
      if (!lockCap && p.lockedVm + n > limitPages(p)) return -ERRNO.ENOMEM;
    } else if (-n > p.lockedVm) warn(`__account_locked_vm: releasing ${-n} pages with locked_vm ${p.lockedVm}`);
    if (m.journal.recording) m.journal.set(p, 'lockedVm', p.lockedVm + n);
    else p.lockedVm += n; // lean runs: set would only store (a named store: issue 12, two per pinned page)
    return 0;
  } finally {
    m.leave(frame);
  }
}
