/**
 * The GUP wrappers around the core (gup §2.1, §2.3): the API's row and its existence in this
 * kernel, the argument checks, the caller's flags parsed and validated (memoised, gupArgsMemo.ts)
 * with their WARN_ON_ONCE sites, the pages list, and after the core the `gup.return` event and the
 * pages returned. Two drivers share these parts: `gup` runs the core as plain calls
 * (`GupCore.call`), `gupSteps` as resumable work (`GupCore.callSteps`, issue 13); no generator per
 * one-shot call (issue 12: vfio-ccw's translation pins one page at a time, several per I/O).
 */
import { warnOnce } from '../../kernel/warnOnce';
import type { Machine } from '../../engine/machine';
import { withinSteps, type Steps } from '../../engine/steps';
import type { KernelFeatures } from '../../kernel/version';
import { apiExists, GUP_APIS, type GupApiSpec } from './apis';
import { GupArgsMemo } from './gupArgsMemo';
import type { GupCore } from './gup';
import { PageList } from './pageList';
import type { GupCallOptions, Validation } from './validate';
import type { AddressSpaces, Process } from './vma';

/** A GUP wrapper call between its checks and its return (gupBegin → core → gupEnd). */
interface GupStart {
  readonly spec: GupApiSpec;
  readonly p: Process;
  readonly out: PageList;
  readonly val: Validation;
}

export class GupEntry {
  private readonly gupArgs: GupArgsMemo;

  constructor(
    private readonly m: Machine,
    private readonly features: KernelFeatures,
    private readonly spaces: AddressSpaces,
    private readonly core: GupCore,
  ) {
    this.gupArgs = new GupArgsMemo(features);
  }

  /** The one-shot driver (Mm.gup): gupBegin, GupCore.call in the wrapper's frame, gupEnd. */
  gup(api: string, pid: number, start: bigint, nrPages: number, flags: string[], opts: GupCallOptions = {}): { ret: number; pages: number[] } {
    const g = this.gupBegin(api, pid, nrPages, flags, opts);
    let ret: number;
    if (!g.val.ok) ret = g.val.ret;
    else {
      const mark = this.m.enter(api);
      try {
        ret = this.core.call(g.spec, g.p, start, nrPages, g.val.flags, opts, g.out, g.val.bits);
      } finally {
        this.m.leave(mark);
      }
    }
    return this.gupEnd(g, api, ret, opts);
  }

  /** The resumable driver (Mm.gupSteps, issue 13): yields every SLICE_UNITS pages of the slow path's loop. */
  *gupSteps(api: string, pid: number, start: bigint, nrPages: number, flags: string[], opts: GupCallOptions = {}): Steps<{ ret: number; pages: number[] }> {
    const g = this.gupBegin(api, pid, nrPages, flags, opts);
    const ret = !g.val.ok ? g.val.ret : yield* withinSteps(this.m, api, this.core.callSteps(g.spec, g.p, start, nrPages, g.val.flags, opts, g.out, g.val.bits));
    return this.gupEnd(g, api, ret, opts);
  }

  /**
   * The wrapper's checks before the core runs (both drivers): the API exists in this kernel, the
   * arguments, the pages list; the flag validation and its warnings inside the wrapper's frame.
   */
  private gupBegin(api: string, pid: number, nrPages: number, flags: string[], opts: GupCallOptions): GupStart {
    const spec = api === this.lastApi ? this.lastApiSpec! : this.gupApi(api);
    if (!Number.isInteger(nrPages) || (nrPages < 0 && !spec.fast)) throw new Error(`${api}: nr_pages must be a non-negative integer, got ${nrPages}`);
    const p = this.spaces.proc(pid);
    const caller = this.gupArgs.parse(flags);
    const out = new PageList(opts.pagesNull ? 0 : nrPages, this.spare);
    this.spare = undefined; // taken (or dropped, when of another size): never handed out twice
    const m = this.m;
    // The wrapper's frame (`api`) around its three parts, entered by hand rather than by wrapping
    // one more generator (issue 12: the layers of a one-page pin were ~9 generators): events carry
    // the same stack, and the frame is not held while the resumable core is suspended.
    const mark = m.enter(api);
    let val: Validation;
    try {
      val = this.gupArgs.validate(spec, caller, opts);
      // gup §2.3: each rejection is a WARN_ON_ONCE site — one warning per boot (issue 11)
      if (!val.ok && val.warn && val.site) warnOnce(m, val.site, val.warn, 'gup §2.3');
      else if (!val.ok && val.warn) m.emit({ kind: 'warn', message: `${val.warn} [unverified: chosen]`, ref: 'gup §2.3', note: true }, 'instruction');
    } finally {
      m.leave(mark);
    }
    return { spec, p, out, val };
  }

  /** The table row of GUP API `api`, which must exist in this kernel (gup §2.1); remembered for the next call. */
  private gupApi(api: string): GupApiSpec {
    const spec = GUP_APIS.get(api);
    const v = this.features.version;
    if (!spec) throw new Error(`unknown GUP API '${api}' (one of ${[...GUP_APIS.keys()].join(', ')})`);
    if (!apiExists(spec, v)) {
      throw new Error(`${api} does not exist in Linux ${v.major}.${v.minor} (${spec.since}${spec.until ? `–${spec.until}` : '+'}; gup §2.1)`);
    }
    this.lastApi = api;
    this.lastApiSpec = spec;
    return spec;
  }

  /** gupApi's last answer: the same name again needs no table lookup (the kernel version never changes). */
  private lastApi: string | undefined = undefined;
  private lastApiSpec: GupApiSpec | undefined = undefined;

  /** The wrapper after the core (both drivers): gup.return in its frame, the pages returned. */
  private gupEnd(g: GupStart, api: string, ret: number, opts: GupCallOptions): { ret: number; pages: number[] } {
    const m = this.m;
    if (g.val.ok && g.spec.fastOnly && g.spec.pin) ret = Math.max(ret, 0); // pin_user_pages_fast_only: errors become 0
    const mark = m.enter(api);
    try {
      if (m.listens('gup.return')) m.emit({ kind: 'gup.return', api, ret }, 'instruction');
      else m.unheard();
    } finally {
      m.leave(mark);
    }
    const out = g.out;
    if (ret >= 0 && out.n !== ret && !opts.pagesNull) {
      throw new Error(`mm model invariant: ${api} returned ${ret} but obtained ${out.n} pages`);
    }
    // the list's own array, trimmed to the pages returned (a 1 GiB pin: no copy of 262,144 PFNs)
    return { ret, pages: out.take(Math.max(ret, 0)) };
  }

  /** A pages array given back for the next call of its size (Mm.recyclePages). */
  recyclePages(pages: number[]): void {
    this.spare = pages;
  }

  /** The array `recyclePages` was given, until the next call takes it. Not model state. */
  private spare: number[] | undefined;
}
