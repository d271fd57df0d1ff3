/**
 * Memoised flag parsing and argument validation of GUP calls (issue 12): a caller that passes the
 * same frozen flag list on every call (vfio_pin_pages → pin_user_pages_remote, a `gup` statement
 * in a loop) gets the parsed set and the `is_valid_gup_args` result computed once per kernel.
 * Both are pure functions of (flag list, kernel features, wrapper, options), so the memo returns
 * exactly what `parseFoll` / `validateGupArgs` would (the same rule functions run on a miss).
 * Only frozen lists are memoised (a mutable array may change between calls), and only calls
 * without `pagesNull` / `locked` options (the rare ones; they are validated each time).
 */
import type { KernelFeatures } from '../../kernel/version';
import type { GupApiSpec } from './apis';
import { parseFoll, type FollSet } from './foll';
import { validateGupArgs, type GupCallOptions, type Validation } from './validate';

export class GupArgsMemo {
  private readonly parsed = new WeakMap<readonly string[], Set<string>>();
  private readonly validated = new WeakMap<FollSet, Map<GupApiSpec, Validation>>();

  constructor(private readonly f: KernelFeatures) {}

  /** parseFoll(names, version): the set is shared between calls; callers only read it. */
  parse(names: readonly string[]): FollSet {
    // the last list asked again (a caller's one frozen list, every call): no WeakMap lookup
    if (names === this.lastNames) return this.lastSet!;
    if (!Object.isFrozen(names)) return parseFoll(names, this.f.version);
    let s = this.parsed.get(names);
    if (!s) {
      this.parsed.set(names, (s = parseFoll(names, this.f.version)));
      this.validated.set(s, new Map());
    }
    this.lastNames = names;
    this.lastSet = s;
    return s;
  }

  /** parse's last frozen list and its set (a frozen list never changes: the answer stays right). */
  private lastNames: readonly string[] | undefined = undefined;
  private lastSet: FollSet | undefined = undefined;

  /** validateGupArgs(features, spec, caller, opts); memoised for a memoised `caller` and default options. */
  validate(spec: GupApiSpec, caller: FollSet, opts: GupCallOptions): Validation {
    if (opts.pagesNull !== undefined || opts.locked !== undefined) return validateGupArgs(this.f, spec, caller, opts);
    // the last (set, wrapper) pair asked again: its memoised answer without the two lookups
    if (caller === this.lastCaller && spec === this.lastSpec) return this.lastValidation!;
    const bySpec = this.validated.get(caller); // only sets `parse` memoised have one
    if (!bySpec) return validateGupArgs(this.f, spec, caller, opts);
    let v = bySpec.get(spec);
    if (!v) bySpec.set(spec, (v = validateGupArgs(this.f, spec, caller, opts)));
    this.lastCaller = caller;
    this.lastSpec = spec;
    this.lastValidation = v;
    return v;
  }

  /** validate's last memoised answer and what it was for. */
  private lastCaller: FollSet | undefined = undefined;
  private lastSpec: GupApiSpec | undefined = undefined;
  private lastValidation: Validation | undefined = undefined;
}
