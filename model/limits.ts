/**
 * Resource limits: one table of everything a scenario file (or a client) can make the model,
 * the parser or a runner consume (issue 13: "a hostile file can neither escape, hang nor exhaust
 * the editor"). A file opened in the editor is parsed — and in the Testing view run — the moment
 * its folder is, in an untrusted workspace too, so every quantity a file names is checked
 * against these limits before anything is allocated, and a limit that is hit is reported as a
 * diagnostic (or a scenario error at run time) that names the limit and how to raise it.
 *
 * Pure data and pure checks: no Node API (the model runs in a browser too).
 */

export interface LimitDef {
  readonly name: LimitName;
  readonly default: number;
  /** Unit shown in messages and docs. */
  readonly unit: 'bytes' | 'pages' | 'lines' | 'files' | 'levels' | 'steps' | 'subchannels' | 'problems' | 'results' | 'MiB' | 'seconds';
  /** What it bounds (one line, for docs and messages). */
  readonly bounds: string;
  /** How a user raises it: CLI flag, launch attribute, setting. */
  readonly raise: string;
}

export type LimitName =
  | 'maxFileBytes'
  | 'maxScenarioBytes'
  | 'maxScenarioLines'
  | 'maxLineLength'
  | 'maxIncludes'
  | 'maxIncludeDepth'
  | 'maxDiagnosticsPerFile'
  | 'maxGuestMemoryBytes'
  | 'maxPages'
  | 'maxSubchannels'
  | 'maxGupTestMiB'
  | 'maxSteps'
  | 'maxExpectResults'
  | 'maxHistoryBytes'
  | 'testTimeoutSeconds';

export type Limits = Record<LimitName, number>;

const RAISE = 'CLI --limit NAME=N; editor setting vfioLab.limits';

/** The table (docs/language.md "Limits" lists the same rows; a unit test keeps them in sync). */
export const LIMITS: readonly LimitDef[] = [
  { name: 'maxFileBytes', default: 16 * 1024 * 1024, unit: 'bytes', bounds: 'size of one scenario file (the file itself or an included one)', raise: RAISE },
  { name: 'maxScenarioBytes', default: 64 * 1024 * 1024, unit: 'bytes', bounds: 'text of the expanded scenario (the file plus every included file)', raise: RAISE },
  { name: 'maxScenarioLines', default: 1_048_576, unit: 'lines', bounds: 'lines of the expanded scenario', raise: RAISE },
  { name: 'maxLineLength', default: 1024 * 1024, unit: 'bytes', bounds: 'characters of one line (a `data … hex` line of 512 KiB fits)', raise: RAISE },
  { name: 'maxIncludes', default: 256, unit: 'files', bounds: '`include` statements expanded in one scenario (fan-out)', raise: RAISE },
  { name: 'maxIncludeDepth', default: 16, unit: 'levels', bounds: 'nesting of `include` (a file including a file …)', raise: RAISE },
  { name: 'maxDiagnosticsPerFile', default: 100, unit: 'problems', bounds: 'diagnostics listed per file; checking of that file stops at the next one (1 M bad lines cost milliseconds)', raise: RAISE },
  { name: 'maxGuestMemoryBytes', default: 64 * 1024 * 1024, unit: 'bytes', bounds: '`memory SIZE` (guest storage is allocated whole), and all `data … zero N` and `fill B N` bytes together', raise: RAISE },
  { name: 'maxPages', default: 1_048_576, unit: 'pages', bounds: 'pages (4 KiB) of a `vma`, and pages the model holds plus those one call may fault or pin (GUP calls, gup_test, vfio, O_DIRECT, process_vm_*, io_uring)', raise: RAISE },
  { name: 'maxSubchannels', default: 65_536, unit: 'subchannels', bounds: 'subchannels one `devices … count N` creates', raise: RAISE },
  { name: 'maxGupTestMiB', default: 4096, unit: 'MiB', bounds: '`gup_test -m MB` (the test maps and faults that many MiB)', raise: RAISE },
  { name: 'maxSteps', default: 1_000_000, unit: 'steps', bounds: 'model steps of one headless run (a runaway TIC loop stops here)', raise: 'CLI --max-steps N; editor setting vfioLab.limits' },
  { name: 'maxExpectResults', default: 1_000_000, unit: 'results', bounds: '`expect` results a run lists (a loop runs its expects once per iteration); later ones are counted, not listed', raise: RAISE },
  { name: 'maxHistoryBytes', default: 256 * 1024 * 1024, unit: 'bytes', bounds: 'time-travel history of a debug session (oldest trimmed first)', raise: 'launch attribute maxHistoryBytes; editor setting vfioLab.history.maxBytes' },
  { name: 'testTimeoutSeconds', default: 30, unit: 'seconds', bounds: 'wall time of one file in the Testing view (its worker is stopped)', raise: 'editor setting vfioLab.testing.timeout' },
];

export const DEFAULT_LIMITS: Limits = Object.freeze(Object.fromEntries(LIMITS.map((l) => [l.name, l.default])) as Limits);

/** The default history budget (h13b's history trimming enforces it; defined here with the others). */
export const maxHistoryBytes = DEFAULT_LIMITS.maxHistoryBytes;

const BY_NAME = new Map(LIMITS.map((l) => [l.name, l]));

export function limitDef(name: LimitName): LimitDef {
  return BY_NAME.get(name)!;
}

export function isLimitName(name: string): name is LimitName {
  return BY_NAME.has(name as LimitName);
}

/**
 * Defaults overridden by the given values (a setting object, a launch attribute, CLI flags).
 * Unknown names and values that are not positive safe integers are reported, not applied.
 */
export function resolveLimits(overrides: unknown): { limits: Limits; problems: string[] } {
  const limits: Limits = { ...DEFAULT_LIMITS };
  const problems: string[] = [];
  if (overrides === undefined || overrides === null) return { limits, problems };
  if (typeof overrides !== 'object' || Array.isArray(overrides)) return { limits, problems: ['limits must be an object of NAME: number'] };
  for (const [k, v] of Object.entries(overrides as Record<string, unknown>)) {
    if (!isLimitName(k)) problems.push(`unknown limit '${k.slice(0, 40)}' (known: ${LIMITS.map((l) => l.name).join(', ')})`);
    else if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) problems.push(`limit ${k} must be a positive integer`);
    else limits[k] = v;
  }
  return { limits, problems };
}

/** "…: N unit exceeds limit NAME (DEFAULT); raise it with …" — every limit message reads alike. */
export function limitMessage(name: LimitName, what: string, limits: Limits): string {
  const d = limitDef(name);
  return `${what} exceeds limit ${name} (${limits[name]} ${d.unit}); raise it with ${d.raise}`;
}

/** Thrown by runners when a limit is hit at run time (a scenario error, never an allocation). */
export class LimitError extends Error {
  constructor(readonly limit: LimitName, what: string, limits: Limits) {
    super(limitMessage(limit, what, limits));
  }
}

/** 4 KiB base pages (gup §0: the model's PAGE_SIZE). */
export const PAGE_SIZE = 4096;
