import { Machine } from '../../../model/engine/machine';
import { kernelFeatures, parseKernelVersion } from '../../../model/kernel/version';
import { Mm, type MmOptions } from '../../../model/linux/mm/mm';

/** A machine with an Mm for kernel `ver` ("5.7"), one process (pid 100) and the usual VMAs. */
export function setup(ver: string, opts: MmOptions = {}): { m: Machine; mm: Mm } {
  const v = parseKernelVersion(ver);
  if (!v) throw new Error(`bad version ${ver}`);
  const m = new Machine();
  const mm = new Mm(m, kernelFeatures(v), opts);
  mm.addProcess(100, 'qemu');
  return { m, mm };
}

export const BUF = 0x7f0000000000n;
export const RO = 0x7f1000000000n;
export const PID = 100;

/** rw anon VMA of `pages` pages at BUF. */
export function anonRw(mm: Mm, pages = 16, start = BUF): void {
  mm.addVma(PID, start, BigInt(pages) * 4096n, 'anon', { read: true, write: true });
}

export const ALL_ERAS = ['5.6', '5.7', '5.18', '6.3', '6.18'] as const;

export function warnings(m: Machine): string[] {
  return m.history.filter((h) => h.event.kind === 'warn').map((h) => (h.event.kind === 'warn' ? h.event.message : ''));
}
