/** Linux errno values used by the GUP model (gup §2.4). Kernel results are negative: `-ERRNO.EFAULT`. */
export const ERRNO = {
  EPERM: 1,
  ESRCH: 3,
  EINTR: 4,
  ENXIO: 6,
  E2BIG: 7,
  EBADF: 9,
  EACCES: 13,
  ENODEV: 19,
  ENOTTY: 25,
  ENOSPC: 28,
  ENOMEM: 12,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  EINVAL: 22,
  EAGAIN: 11,
  EOVERFLOW: 75,
  EOPNOTSUPP: 95,
  EREMOTEIO: 121,
  EHWPOISON: 133,
} as const;

export type ErrnoName = keyof typeof ERRNO;

/** "-EFAULT" for -14, else the number. */
export function errnoName(ret: number): string {
  if (ret >= 0) return String(ret);
  for (const [n, v] of Object.entries(ERRNO)) if (v === -ret) return '-' + n;
  return String(ret);
}
