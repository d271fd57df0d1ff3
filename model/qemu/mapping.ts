/**
 * QEMU's mappings as data (css §10.2, §10.4): the errno a region write returns → what the
 * guest sees, and the io-region read result → the guest SCSW change.
 */

export type GuestOutcome = { cc: 0 | 2 | 3 } | { unitException: true };

const CC0: GuestOutcome = Object.freeze({ cc: 0 });
const CC2: GuestOutcome = Object.freeze({ cc: 2 });
const CC3: GuestOutcome = Object.freeze({ cc: 3 });
const UNIT_EXCEPTION: GuestOutcome = Object.freeze({ unitException: true });

/** css §10.2: SSCH / HSCH / CSCH region write result → guest condition code or unit exception (shared frozen values). */
export function requestOutcome(ret: number, instr: 'ssch' | 'hsch' | 'csch'): GuestOutcome {
  if (ret >= 0) return CC0;
  if (ret === -16 && instr !== 'csch') return CC2; // -EBUSY (CSCH has only cc 0/3)
  if (ret === -19 || ret === -13) return CC3; // -ENODEV, -EACCES
  return UNIT_EXCEPTION; // -EINVAL, -EOPNOTSUPP, -EIO, -EFAULT, -EAGAIN, …
}

/** css §10.4: what a read of the io region did. */
export type IoReadResult = { kind: 'ok' } | { kind: 'short' } | { kind: 'error'; errno: number };

export type ScswChange =
  | { kind: 'deferred-cc3' }
  | { kind: 'status'; cstat: number }
  | { kind: 'copy-irb' };

/** css §10.4 table: ENODEV → deferred cc 3; EFAULT → CDC; other error → PRG; short read → CCC. */
const COPY_IRB: ScswChange = Object.freeze({ kind: 'copy-irb' });

export function ioReadOutcome(r: IoReadResult): ScswChange {
  if (r.kind === 'ok') return COPY_IRB;
  if (r.kind === 'short') return { kind: 'status', cstat: 0x04 };
  if (r.errno === 19) return { kind: 'deferred-cc3' };
  if (r.errno === 14) return { kind: 'status', cstat: 0x08 };
  return { kind: 'status', cstat: 0x20 };
}
