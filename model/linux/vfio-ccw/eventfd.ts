/**
 * The IO / CRW / REQ eventfds of a vfio-ccw device (css §8.2). An eventfd is a counter: the
 * kernel's `eventfd_signal` adds one; the reader (QEMU's main loop) is woken once when it goes
 * from 0 to 1 and clears it (`event_notifier_test_and_clear`). Waking the reader is a queued
 * engine action, so signal and handling are separate stop points.
 */
import type { Machine } from '../../engine/machine';
import type { IrqName } from './regions';

export const EVENTFD_ACTION = 'vfio-ccw.eventfd';
export const IRQ_NAMES: readonly IrqName[] = ['io', 'crw', 'req'];

export interface EventFd {
  installed: boolean;
  count: number;
  /** Total signals since the device was bound (for views and expects). */
  signals: number;
}

export const newEventFds = (): Record<IrqName, EventFd> => ({
  io: { installed: false, count: 0, signals: 0 },
  crw: { installed: false, count: 0, signals: 0 },
  req: { installed: false, count: 0, signals: 0 },
});

/** Action argument: subchannel and IRQ index in one number. */
export const eventfdArg = (sch: number, irq: IrqName): number => sch * 4 + IRQ_NAMES.indexOf(irq);
export const decodeEventfdArg = (arg: number): { sch: number; irq: IrqName } => ({ sch: eventfdArgSch(arg), irq: eventfdArgIrq(arg) });
/** The subchannel of an action argument (decodeEventfdArg's `sch`, without the object). */
export const eventfdArgSch = (arg: number): number => Math.floor(arg / 4);
/** The IRQ of an action argument (decodeEventfdArg's `irq`). */
export const eventfdArgIrq = (arg: number): IrqName => IRQ_NAMES[arg % 4];

/** `eventfd_signal`: nothing happens unless userspace installed the eventfd. */
export function eventfdSignal(m: Machine, fds: Record<IrqName, EventFd>, sch: number, irq: IrqName): boolean {
  const fd = fds[irq];
  if (!fd.installed) return false;
  const j = m.journal;
  if (j.recording) {
    j.set(fd, 'signals', fd.signals + 1);
    j.set(fd, 'count', fd.count + 1);
  } else {
    // lean runs: set would only store (a named store, not the journal's keyed one: issue 12)
    fd.signals++;
    fd.count++;
  }
  if (fd.count === 1) m.schedule(EVENTFD_ACTION, eventfdArg(sch, irq), 0);
  return true;
}

/** The reader clears the counter; returns whether it was set. */
export function eventfdTestAndClear(m: Machine, fd: EventFd): boolean {
  const was = fd.count > 0;
  if (m.journal.recording) m.journal.set(fd, 'count', 0);
  else fd.count = 0; // lean runs: set would only store (issue 12)
  return was;
}
