/**
 * FOLL_* gup flags (gup §2.2): one table, both value columns, public/internal (E4+), and the
 * release that introduced (or removed) each flag. Callers name flags (a set of names, checked
 * against the era); inside the GUP core a flag set is a bit mask (`FollBits`, one model bit per
 * row of the table, in table order) so the per-page loop tests bits, not strings. The model bits
 * are not a kernel numbering: the era values (`old` / `e5`) are only for display and for
 * `gup_test -F`. Names are shown as the kernel spells them (`follBitsString`).
 */
import { atLeast, type KernelVersion } from '../../kernel/version';

export interface FollFlagInfo {
  /** E1–E3 `#define` value in include/linux/mm.h; undefined where the flag did not exist or the value is not verified. */
  old: number | undefined;
  /** E5 value (6.18 BTF, measured). */
  e5: number;
  /** Internal to mm/ from 6.3 (E4+): passing it to an exported wrapper is rejected (gup §2.3). */
  internal: boolean;
  /** First kernel with the flag ("major.minor"); undefined = older than every modelled kernel. */
  since: string | undefined;
  /** One-line meaning, for hovers and tooltips. */
  doc: string;
}

const FOLL_TABLE = {
  FOLL_WRITE: { old: 0x01, e5: 1, internal: false, since: undefined, doc: 'check the PTE is writable (break COW)' },
  FOLL_TOUCH: { old: 0x02, e5: 65536, internal: true, since: undefined, doc: 'mark the page accessed' },
  FOLL_GET: { old: 0x04, e5: 2, internal: false, since: undefined, doc: 'take a plain reference (release with put_page)' },
  FOLL_DUMP: { old: 0x08, e5: 4, internal: false, since: undefined, doc: 'give error on hole if it would be zero' },
  FOLL_FORCE: { old: 0x10, e5: 8, internal: false, since: undefined, doc: 'get_user_pages read/write w/o permission' },
  FOLL_NOWAIT: { old: 0x20, e5: 16, internal: false, since: undefined, doc: 'if a disk transfer is needed, start the IO and return without waiting' },
  FOLL_NOFAULT: { old: 0x80, e5: 32, internal: false, since: '5.16', doc: 'do not fault in pages' },
  FOLL_HWPOISON: { old: 0x100, e5: 64, internal: false, since: undefined, doc: 'check page is hwpoisoned (-EHWPOISON)' },
  FOLL_REMOTE: { old: 0x2000, e5: 262144, internal: true, since: undefined, doc: 'we are working on a non-current mm' },
  FOLL_ANON: { old: 0x8000, e5: 128, internal: false, since: undefined, doc: 'do not do GUP on file/shared VMAs (-EFAULT)' },
  FOLL_LONGTERM: { old: 0x10000, e5: 256, internal: false, since: undefined, doc: 'long-lived pin (gup §5); implies FOLL_PIN' },
  FOLL_SPLIT_PMD: { old: 0x20000, e5: 512, internal: false, since: undefined, doc: 'split huge PMD before returning' },
  FOLL_PIN: { old: 0x40000, e5: 524288, internal: true, since: '5.6', doc: 'pin for DMA / data access: only set by pin_user_pages*()' },
  FOLL_FAST_ONLY: { old: 0x80000, e5: 1048576, internal: true, since: '5.8', doc: 'gup_fast only: never fall back to the slow path' },
  // [unverified: chosen] gup §2.2: the final E3 #define values of these two are not verified; old left undefined.
  FOLL_PCI_P2PDMA: { old: undefined, e5: 1024, internal: false, since: '6.2', doc: 'allow returning PCI P2PDMA pages' },
  FOLL_INTERRUPTIBLE: { old: undefined, e5: 2048, internal: false, since: '6.2', doc: 'allow interrupts from generic signals' },
  // [unverified: chosen 6.5] gup §2.2 lists FOLL_HONOR_NUMA_FAULT without an era of introduction.
  FOLL_HONOR_NUMA_FAULT: { old: undefined, e5: 4096, internal: false, since: '6.5', doc: 'honor NUMA hinting faults (PROT_NONE)' },
  FOLL_TRIED: { old: 0x800, e5: 131072, internal: true, since: undefined, doc: 'a retry, previous pass started an IO' },
  FOLL_UNLOCKABLE: { old: undefined, e5: 2097152, internal: true, since: '6.3', doc: 'the mmap lock may be dropped (gup §1 ML-633)' },
  // [unverified: chosen 6.9] gup §2.2 lists FOLL_MADV_POPULATE without an era of introduction.
  FOLL_MADV_POPULATE: { old: undefined, e5: 4194304, internal: true, since: '6.9', doc: 'MADV_POPULATE_(READ|WRITE)' },
} satisfies Record<string, FollFlagInfo>;

export type FollName = keyof typeof FOLL_TABLE;
export const FOLL_FLAGS: Readonly<Record<string, FollFlagInfo>> = FOLL_TABLE;

/** The rows of the table, in order: row i is model bit 1 << i. */
const FOLL_NAMES = Object.keys(FOLL_TABLE) as FollName[];

/** A FOLL_* set as a bit mask of model bits (`FOLL_BIT`). */
export type FollBits = number;

/** Model bit of each flag: `flags & FOLL_BIT.FOLL_WRITE`. */
export const FOLL_BIT: Readonly<Record<FollName, FollBits>> = Object.fromEntries(FOLL_NAMES.map((n, i) => [n, 1 << i])) as Record<FollName, FollBits>;

/** Bit mask of a set of (already validated) flag names. */
export function follBits(flags: Iterable<string>): FollBits {
  let b = 0;
  for (const n of flags) {
    const bit = FOLL_BIT[n as FollName];
    if (bit === undefined) throw new Error(`unknown gup flag '${n}'`);
    b |= bit;
  }
  return b;
}

/** The names of a bit mask, in table order. */
export function follNames(bits: FollBits): Set<string> {
  const out = new Set<string>();
  FOLL_NAMES.forEach((n, i) => {
    if (bits & (1 << i)) out.add(n);
  });
  return out;
}

/** "FOLL_WRITE|FOLL_PIN" (table order) of a bit mask; one string per distinct mask (events share it). */
const BITS_TEXT = new Map<FollBits, string>();
export function follBitsString(bits: FollBits): string {
  // a GUP call asks for the same flags page after page (its page.grab events): the last answer first
  if (bits === lastBits) return lastText;
  let t = BITS_TEXT.get(bits);
  if (t === undefined) BITS_TEXT.set(bits, (t = follString(follNames(bits))));
  lastBits = bits;
  lastText = t;
  return t;
}

/** follBitsString's last flags and text (a cache of a pure function, not state). */
let lastBits = -1;
let lastText = '';

/** E1/E2-only flags (gup §2.2 footnote), gone by the releases noted. Not accepted by the model's gup(). */
export const FOLL_FLAGS_REMOVED: Readonly<Record<string, { old: number; until: string }>> = {
  FOLL_POPULATE: { old: 0x40, until: '5.16' },
  FOLL_SPLIT: { old: 0x80, until: '5.16' },
  FOLL_NUMA: { old: 0x200, until: '6.4' }, // [unverified: chosen] removal release not in the reference
  FOLL_MIGRATION: { old: 0x400, until: '5.16' }, // [unverified: chosen]
  FOLL_MLOCK: { old: 0x1000, until: '5.16' }, // [unverified: chosen]
  FOLL_COW: { old: 0x4000, until: '5.19' }, // [unverified: chosen]
};

/** Symbolic flag set carried through the model. */
export type FollSet = ReadonlySet<string>;

/** Parsed `since` strings of the flag table: every GUP call checks its flags' (issue 12 profile). */
const SINCE = new Map<string, { major: number; minor: number }>();

function versionOf(s: string): { major: number; minor: number } {
  let v = SINCE.get(s);
  if (!v) {
    const [a, b] = s.split('.').map(Number);
    SINCE.set(s, (v = { major: a, minor: b }));
  }
  return v;
}

/** Does `name` exist as a FOLL_* flag in kernel `v`? */
export function follExists(name: string, v: KernelVersion): boolean {
  const f = FOLL_FLAGS[name];
  if (!f) return false;
  if (f.since === undefined) return true;
  const s = versionOf(f.since);
  return atLeast(v, s.major, s.minor);
}

/** Is `name` internal to mm/ (not passable by callers) in kernel `v`? (gup §2.2: E4+). */
export function follInternal(name: string, v: KernelVersion): boolean {
  return atLeast(v, 6, 3) && (FOLL_FLAGS[name]?.internal ?? false);
}

/**
 * Parse caller flag names into a set. Unknown names and flags that do not exist in kernel `v`
 * are scenario errors (thrown); the names may be given with or without the FOLL_ prefix.
 */
export function parseFoll(names: readonly string[], v: KernelVersion): Set<string> {
  const out = new Set<string>();
  for (const raw of names) {
    const n = raw.trim().toUpperCase();
    if (n === '' || n === '0') continue;
    const name = n.startsWith('FOLL_') ? n : 'FOLL_' + n;
    if (FOLL_FLAGS_REMOVED[name] && !FOLL_FLAGS[name]) {
      throw new Error(`${name} is not modelled (an E1/E2-only internal flag, gone by ${FOLL_FLAGS_REMOVED[name].until}; gup §2.2)`);
    }
    if (!FOLL_FLAGS[name]) {
      throw new Error(`unknown gup flag '${raw}'; known: ${Object.keys(FOLL_FLAGS).join(', ')}`);
    }
    if (!follExists(name, v)) {
      throw new Error(`${name} does not exist in Linux ${v.major}.${v.minor} (added in ${FOLL_FLAGS[name].since}; gup §2.2)`);
    }
    out.add(name);
  }
  return out;
}

/** Numeric value of a flag set in the era's numbering (E1–E3 `old` column before 6.3, else the E5 column). */
export function follValue(flags: FollSet, v: KernelVersion): number {
  const e5 = atLeast(v, 6, 3); // [unverified: chosen] E4 renumbering assumed to coincide with the 6.3 move to mm/internal.h
  let x = 0;
  for (const n of flags) {
    const f = FOLL_FLAGS[n];
    const val = e5 ? f.e5 : f.old;
    if (val !== undefined) x |= val;
  }
  return x >>> 0;
}

/** Inverse of follValue (for `gup_test -F 0x1`); unknown bits are returned in `rest`. */
export function follFromValue(value: number, v: KernelVersion): { flags: Set<string>; rest: number } {
  const e5 = atLeast(v, 6, 3);
  const flags = new Set<string>();
  let rest = value >>> 0;
  for (const [n, f] of Object.entries(FOLL_FLAGS)) {
    const val = e5 ? f.e5 : f.old;
    if (val === undefined || !follExists(n, v)) continue;
    if ((rest & val) === val) {
      flags.add(n);
      rest = (rest & ~val) >>> 0;
    }
  }
  return { flags, rest };
}

/** "FOLL_WRITE|FOLL_PIN" (table order) for events and tooltips. */
export function follString(flags: FollSet): string {
  const names = Object.keys(FOLL_FLAGS).filter((n) => flags.has(n));
  return names.length ? names.join('|') : '0';
}
