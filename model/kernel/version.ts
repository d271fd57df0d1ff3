/**
 * Kernel version → every version-dependent switch, in one table (PRODUCT §1 "kernel version").
 * Eras per gup §0.1; vfio-ccw switches per css §0 timeline and §8.
 */

export type GupEra = 'E0' | 'E1' | 'E2' | 'E3' | 'E4' | 'E5';

export interface KernelVersion {
  major: number;
  minor: number;
}

export interface KernelFeatures {
  version: KernelVersion;
  /** gup §0.1 */
  gupEra: GupEra;
  /** gup §1: GUP_PIN_COUNTING_BIAS tracking exists (5.7+). */
  pinTracking: boolean;
  /** gup §3.1: FOLL_PIN on the shared zero page is a no-op (6.5+). */
  zeroPageNotPinned: boolean;
  /** gup §2.3: is_valid_gup_args consolidation (6.3+): pin_user_pages rejects with 0. */
  validGupArgs: boolean;
  /** css §8: schib and CRW regions, chp_event (5.8+). */
  vfioCcwChpRegions: boolean;
  /** css §8.3: FSM OPEN/CLOSE events (≈6.0+). */
  vfioCcwOpenClose: boolean;
  /** css §2 / §9.2: vfio-ccw rejects PFCH=0 (≤5.7). */
  vfioCcwRejectsNoPfch: boolean;
  /** css §2 / §9.2: vfio-ccw supports format-1 and 2K IDAWs and guest keys (6.3+). */
  vfioCcwIdalRework: boolean;
}

/** The eras table of gup §0.1, first row whose lower bound is ≤ version wins (listed newest first). */
const ERAS: ReadonlyArray<{ from: KernelVersion; era: GupEra }> = [
  { from: { major: 6, minor: 15 }, era: 'E5' },
  { from: { major: 6, minor: 3 }, era: 'E4' },
  { from: { major: 5, minor: 18 }, era: 'E3' },
  { from: { major: 5, minor: 7 }, era: 'E2' },
  { from: { major: 5, minor: 6 }, era: 'E1' },
  { from: { major: 0, minor: 0 }, era: 'E0' },
];

export const SUPPORTED_VERSIONS = ['5.6', '5.7', '5.8', '5.18', '6.3', '6.5', '6.18'] as const;

export function atLeast(v: KernelVersion, major: number, minor: number): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}

export function parseKernelVersion(text: string): KernelVersion | undefined {
  const m = /^(\d+)\.(\d+)$/.exec(text);
  if (!m) return undefined;
  const v = { major: Number(m[1]), minor: Number(m[2]) };
  if (v.major < 5 || v.major > 6 || v.minor > 40) return undefined;
  return v;
}

export function kernelFeatures(v: KernelVersion): KernelFeatures {
  const gupEra = ERAS.find((e) => atLeast(v, e.from.major, e.from.minor))!.era;
  return {
    version: v,
    gupEra,
    pinTracking: atLeast(v, 5, 7),
    zeroPageNotPinned: atLeast(v, 6, 5),
    validGupArgs: atLeast(v, 6, 3),
    vfioCcwChpRegions: atLeast(v, 5, 8),
    vfioCcwOpenClose: atLeast(v, 6, 0),
    vfioCcwRejectsNoPfch: !atLeast(v, 5, 8),
    vfioCcwIdalRework: atLeast(v, 6, 3),
  };
}

export const DEFAULT_KERNEL: KernelVersion = { major: 6, minor: 18 };
