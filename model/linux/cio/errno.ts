/**
 * Linux errno values returned across the vfio-ccw interfaces (css §8.1, §5.5, §9.2) and by the
 * cio sysfs writes (css §7.2). Kernel results are negative: `-EIO`.
 */
export const E = {
  ENOENT: 2,
  EIO: 5,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  ENODEV: 19,
  EINVAL: 22,
  E2BIG: 7,
  ENOSYS: 38,
  EOPNOTSUPP: 95,
} as const;

export type ErrName = keyof typeof E;

/** "-EIO" for -5, "0" for 0, the number otherwise. */
export function errName(ret: number): string {
  if (ret >= 0) return String(ret);
  for (const [n, v] of Object.entries(E)) if (v === -ret) return '-' + n;
  return String(ret);
}
