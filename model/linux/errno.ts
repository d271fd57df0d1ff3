/**
 * Linux errno values, one table for every layer (GUP gup §2.4, vfio_iommu_type1 gup §10,
 * vfio-ccw css §8.1/§9.2, cio sysfs css §7.2). Kernel results are negative: `-ERRNO.EFAULT`.
 */
export const ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EIO: 5,
  ENXIO: 6,
  E2BIG: 7,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  EINVAL: 22,
  ENOTTY: 25,
  ENOSPC: 28,
  ENOSYS: 38,
  EOVERFLOW: 75,
  EOPNOTSUPP: 95,
  EREMOTEIO: 121,
  EHWPOISON: 133,
} as const;

export type ErrnoName = keyof typeof ERRNO;

/** "-EFAULT" for -14, "0" for 0, the number otherwise. */
export function errnoName(ret: number): string {
  if (ret >= 0) return String(ret);
  for (const [n, v] of Object.entries(ERRNO)) if (v === -ret) return '-' + n;
  return String(ret);
}
