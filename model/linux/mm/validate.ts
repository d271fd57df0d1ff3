/**
 * Argument validation of the GUP wrappers (gup §2.3): E4+ `is_valid_gup_args()` plus the fast
 * path's flag mask and range checks; the E1–E3 per-wrapper checks. A rejection is a kernel
 * return value (with a WARN where the kernel WARNs), never an exception.
 */
import type { KernelFeatures } from '../../kernel/version';
import type { GupApiSpec } from './apis';
import { ERRNO } from './errno';
import { follBits, follExists, follInternal, follString, type FollBits } from './foll';

export interface GupCallOptions {
  /** `pages == NULL` (only get_user_pages* may do that usefully). */
  pagesNull?: boolean;
  /** Value of `*locked` for the _remote variants; undefined = `locked == NULL`. */
  locked?: number;
}

export type Validation =
  /** `bits`: the same flags as a mask (follBits), made once with the set (issue 12: a Set walk per GUP call). */
  | { ok: true; flags: Set<string>; bits: FollBits }
  /** `site`: the WARN_ON_ONCE call site (one warning per boot per site); undefined: a model note, not a kernel warning. */
  | { ok: false; ret: number; warn: string | undefined; site?: string };

function reject(spec: GupApiSpec, f: KernelFeatures, warn: string | undefined, site?: string): Validation {
  const how = f.validGupArgs ? spec.rejectE4 : spec.rejectOld;
  return { ok: false, ret: how === 'ZERO' ? 0 : -ERRNO.EINVAL, warn, site };
}

/** Validate caller flags for wrapper `spec`; on success returns the flags after the wrapper ORed its own in. */
export function validateGupArgs(f: KernelFeatures, spec: GupApiSpec, caller: ReadonlySet<string>, opts: GupCallOptions): Validation {
  const v = f.version;
  const toSet = spec.toSet.filter((n) => follExists(n, v));
  // E1 wrappers did not add FOLL_GET in get_user_pages_fast (gup §2.1: "required since 5.7").
  const adds = f.gupEra === 'E1' && spec.name === 'get_user_pages_fast' ? toSet.filter((n) => n !== 'FOLL_GET') : toSet;
  const flags = new Set(caller);
  if (f.validGupArgs) {
    // gup §2.3, E4/E5 is_valid_gup_args(), in its order.
    const internal = [...caller].filter((n) => follInternal(n, v));
    if (internal.length) return reject(spec, f, `is_valid_gup_args: internal gup flag ${internal.join('|')} passed by the caller`, 'is_valid_gup_args:INTERNAL_GUP_FLAGS');
    for (const n of adds) flags.add(n);
    if (spec.remote && opts.locked !== undefined) {
      if (opts.locked !== 1) return reject(spec, f, `is_valid_gup_args: *locked is ${opts.locked}, must be 1`, 'is_valid_gup_args:locked');
      flags.add('FOLL_UNLOCKABLE');
    }
    if (flags.has('FOLL_GET') && flags.has('FOLL_PIN')) return reject(spec, f, 'is_valid_gup_args: FOLL_GET and FOLL_PIN are mutually exclusive', 'is_valid_gup_args:GET|PIN');
    if (flags.has('FOLL_LONGTERM') && !flags.has('FOLL_PIN')) return reject(spec, f, 'is_valid_gup_args: FOLL_LONGTERM without FOLL_PIN', 'is_valid_gup_args:LONGTERM');
    if ((flags.has('FOLL_GET') || flags.has('FOLL_PIN')) && opts.pagesNull) return reject(spec, f, 'is_valid_gup_args: FOLL_GET/FOLL_PIN with pages == NULL', 'is_valid_gup_args:pages');
    if (flags.has('FOLL_LONGTERM') && flags.has('FOLL_PCI_P2PDMA')) return reject(spec, f, 'is_valid_gup_args: FOLL_LONGTERM with FOLL_PCI_P2PDMA', 'is_valid_gup_args:P2PDMA');
    return { ok: true, flags, bits: follBits(flags) };
  }
  // E1–E3 (gup §2.3 last paragraph, §2.1, §5).
  if (spec.pin) {
    if (caller.has('FOLL_GET')) return reject(spec, f, `${spec.name}: WARN_ON_ONCE(gup_flags & FOLL_GET)`, `${spec.name}:FOLL_GET`);
    // [unverified: chosen] a pin with pages == NULL is rejected like FOLL_GET (the kernel would VM_BUG_ON).
    if (opts.pagesNull) return reject(spec, f, `${spec.name}: pages == NULL`);
  } else {
    if (caller.has('FOLL_PIN')) return reject(spec, f, `${spec.name}: FOLL_PIN must only be set by pin_user_pages*()`, `${spec.name}:FOLL_PIN`);
    // get_user_pages_unlocked / _locked refused FOLL_LONGTERM (FAULT_FLAG_ALLOW_RETRY incompatibility).
    // [unverified: chosen] get_user_pages()/get_user_pages_remote() accept FOLL_LONGTERM before 6.3 as gup §2.3
    // says, although ≈5.12–6.2 texts in the index have is_valid_gup_flags() refusing it.
    if (spec.name === 'get_user_pages_unlocked' && caller.has('FOLL_LONGTERM')) return reject(spec, f, `${spec.name}: FOLL_LONGTERM not supported`, `${spec.name}:FOLL_LONGTERM`);
  }
  if (spec.remote && caller.has('FOLL_LONGTERM') && opts.locked !== undefined) {
    return reject(spec, f, `${spec.name}: FOLL_LONGTERM with locked != NULL`, `${spec.name}:locked`); // gup §2.3, §5 (E1 series fix)
  }
  for (const n of adds) flags.add(n);
  return { ok: true, flags, bits: follBits(flags) };
}

/** x86-64 TASK_SIZE_MAX (4-level paging). [unverified: chosen] the model's default architecture limit. */
export const DEFAULT_TASK_SIZE_MAX = (1n << 47n) - 4096n;

/** Flags the fast walk accepts (gup §2.3 "fast path" row), restricted to those existing in the era. */
export function fastPathMask(f: KernelFeatures): Set<string> {
  const all = ['FOLL_WRITE', 'FOLL_LONGTERM', 'FOLL_FORCE', 'FOLL_PIN', 'FOLL_GET', 'FOLL_FAST_ONLY', 'FOLL_NOFAULT', 'FOLL_PCI_P2PDMA', 'FOLL_HONOR_NUMA_FAULT'];
  // [unverified: chosen] E1 (5.6) mask lacked FOLL_GET (get_user_pages_fast added it only from 5.7).
  return new Set(all.filter((n) => follExists(n, f.version) && !(f.gupEra === 'E1' && n === 'FOLL_GET')));
}

/**
 * internal_get_user_pages_fast() / gup_fast_fallback() entry checks. Returns undefined when the
 * walk may proceed, else the result to return.
 */
export function fastPathChecks(
  f: KernelFeatures,
  flags: ReadonlySet<string>,
  start: bigint,
  nr: number,
  taskSizeMax: bigint,
): { ret: number; warn: string | undefined } | undefined {
  const mask = fastPathMask(f);
  const bad = [...flags].filter((n) => !mask.has(n));
  if (bad.length) return { ret: -ERRNO.EINVAL, warn: `gup_fast: flags ${follString(new Set(bad))} outside the fast-path mask` };
  const base = start & ~4095n;
  // An int nr_pages < 0 becomes a huge unsigned long: the length computation overflows.
  const len = nr < 0 ? 1n << 64n : BigInt(nr) << 12n;
  const end = base + len;
  if (end >= 1n << 64n) {
    // [unverified: chosen] before 6.3 the overflow check returned 0 rather than -EOVERFLOW.
    return { ret: f.validGupArgs ? -ERRNO.EOVERFLOW : 0, warn: undefined };
  }
  if (end > taskSizeMax) return { ret: -ERRNO.EFAULT, warn: undefined };
  return undefined;
}
