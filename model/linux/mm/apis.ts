/**
 * The get_user_pages / pin_user_pages entry points (gup §2.1) and release APIs, as data: which
 * flags each ORs in, what it returns on invalid arguments, which releases have it.
 */
import { atLeast, type KernelVersion } from '../../kernel/version';

export interface GupApiSpec {
  name: string;
  /** pin_* family: FOLL_PIN, released with unpin_user_page*(). */
  pin: boolean;
  /** Tries the lockless gup_fast walk first. */
  fast: boolean;
  /** FOLL_FAST_ONLY: never falls back to the slow path; never returns an errno from the walk. */
  fastOnly: boolean;
  /** Takes (mm, ..., locked). */
  remote: boolean;
  /** Flags ORed in (E4+ `is_valid_gup_args` to_set; older wrappers add the same minus flags that did not exist). */
  toSet: readonly string[];
  /** Result of rejected arguments in E4+ (gup §2.3 "reject means"). */
  rejectE4: 'EINVAL' | 'ZERO';
  /** Result of rejected arguments in E1–E3 (gup §2.3 last paragraph). */
  rejectOld: 'EINVAL' | 'ZERO';
  since: string;
  /** Last release that has it. */
  until?: string;
  /** How pages obtained must be released. */
  release: 'put_page' | 'unpin_user_page';
}

const api = (s: GupApiSpec): [string, GupApiSpec] => [s.name, s];

export const GUP_APIS: ReadonlyMap<string, GupApiSpec> = new Map([
  api({ name: 'get_user_pages', pin: false, fast: false, fastOnly: false, remote: false, toSet: ['FOLL_TOUCH'], rejectE4: 'EINVAL', rejectOld: 'EINVAL', since: '2.6', release: 'put_page' }),
  api({ name: 'get_user_pages_fast', pin: false, fast: true, fastOnly: false, remote: false, toSet: ['FOLL_GET'], rejectE4: 'EINVAL', rejectOld: 'EINVAL', since: '2.6', release: 'put_page' }),
  api({ name: 'get_user_pages_remote', pin: false, fast: false, fastOnly: false, remote: true, toSet: ['FOLL_TOUCH', 'FOLL_REMOTE'], rejectE4: 'EINVAL', rejectOld: 'EINVAL', since: '2.6', release: 'put_page' }),
  api({ name: 'get_user_pages_unlocked', pin: false, fast: false, fastOnly: false, remote: false, toSet: ['FOLL_TOUCH', 'FOLL_UNLOCKABLE'], rejectE4: 'EINVAL', rejectOld: 'EINVAL', since: '2.6', release: 'put_page' }),
  api({ name: 'get_user_pages_fast_only', pin: false, fast: true, fastOnly: true, remote: false, toSet: ['FOLL_GET', 'FOLL_FAST_ONLY'], rejectE4: 'EINVAL', rejectOld: 'EINVAL', since: '5.8', release: 'put_page' }),
  api({ name: 'pin_user_pages', pin: true, fast: false, fastOnly: false, remote: false, toSet: ['FOLL_PIN'], rejectE4: 'ZERO', rejectOld: 'EINVAL', since: '5.6', release: 'unpin_user_page' }),
  api({ name: 'pin_user_pages_fast', pin: true, fast: true, fastOnly: false, remote: false, toSet: ['FOLL_PIN'], rejectE4: 'EINVAL', rejectOld: 'EINVAL', since: '5.6', release: 'unpin_user_page' }),
  api({ name: 'pin_user_pages_remote', pin: true, fast: false, fastOnly: false, remote: true, toSet: ['FOLL_PIN', 'FOLL_TOUCH', 'FOLL_REMOTE'], rejectE4: 'ZERO', rejectOld: 'EINVAL', since: '5.6', release: 'unpin_user_page' }),
  api({ name: 'pin_user_pages_unlocked', pin: true, fast: false, fastOnly: false, remote: false, toSet: ['FOLL_PIN', 'FOLL_TOUCH', 'FOLL_UNLOCKABLE'], rejectE4: 'ZERO', rejectOld: 'EINVAL', since: '5.6', release: 'unpin_user_page' }),
  api({ name: 'pin_user_pages_fast_only', pin: true, fast: true, fastOnly: true, remote: false, toSet: ['FOLL_PIN', 'FOLL_FAST_ONLY'], rejectE4: 'ZERO', rejectOld: 'ZERO', since: '5.8', until: '6.2', release: 'unpin_user_page' }),
]);

export interface ReleaseApiSpec {
  name: string;
  since: string;
  doc: string;
}

export const RELEASE_APIS: ReadonlyMap<string, ReleaseApiSpec> = new Map(
  [
    { name: 'put_page', since: '2.6', doc: 'drop exactly one reference (gup §2.1)' },
    { name: 'unpin_user_page', since: '5.6', doc: 'release one pin on the page\'s folio' },
    { name: 'unpin_user_pages', since: '5.6', doc: 'release n pins; consecutive entries of one folio batched (5.12+)' },
    { name: 'unpin_user_pages_dirty_lock', since: '5.6', doc: 'as unpin_user_pages, dirtying each folio run first if make_dirty (gup §6)' },
    { name: 'unpin_user_page_range_dirty_lock', since: '5.12', doc: 'n physically consecutive pages from pages[0], split at folio boundaries (gup §6)' },
    // [unverified: chosen] gup §1 gives ≈6.11 / ≈6.12 for the folio helpers
    { name: 'unpin_folio', since: '6.11', doc: 'one pin per folio entry' },
    { name: 'unpin_folios', since: '6.11', doc: 'one pin per folio entry; consecutive duplicates batched, NULLs skipped' },
    { name: 'unpin_user_folio', since: '6.12', doc: 'n pins of one folio (pages[0]) in one call' },
  ].map((r) => [r.name, r] as [string, ReleaseApiSpec]),
);

/** Parsed release strings of the tables (a handful): every GUP call checks its API's (issue 12 profile). */
const PARSED = new Map<string, { major: number; minor: number }>();

function parse(s: string): { major: number; minor: number } {
  let v = PARSED.get(s);
  if (!v) {
    const [a, b] = s.split('.').map(Number);
    PARSED.set(s, (v = { major: a, minor: b }));
  }
  return v;
}

/** Does `name` (a GUP or release API) exist in kernel `v`? */
export function apiExists(spec: { since: string; until?: string }, v: KernelVersion): boolean {
  const s = parse(spec.since);
  if (!atLeast(v, s.major, s.minor)) return false;
  if (spec.until) {
    const u = parse(spec.until);
    if (atLeast(v, u.major, u.minor + 1)) return false;
  }
  return true;
}
