/**
 * gup_benchmark / gup_test (gup §8): the debugfs ioctls by era (§8.1), the selftest program with
 * its options (§8.2) and its output lines. Times are the model's own,
 * never a measurement (1 us per GUP call and per page); every run says so in a separate log line.
 *
 * The selftest walks every page of its buffer (32,768 for the default 128 MiB), so it is written
 * as resumable work (engine/steps.ts): `selftestSteps` / `ioctlSteps` yield between chunks of
 * pages, and `selftest` / `ioctl` drive the same generators to the end at once. The debug console
 * runs it in slices (issue 13: other requests are answered meanwhile, cancel undoes it).
 */
import type { Machine } from '../../engine/machine';
import { runToEnd, SLICE_UNITS, withinSteps, WorkCounter, type Steps } from '../../engine/steps';
import type { KernelFeatures } from '../../kernel/version';
import { atLeast } from '../../kernel/version';
import { ERRNO, errnoName } from './errno';
import { follFromValue, follString } from './foll';
import type { Mm } from './mm';
import { HPAGE_PMD_ORDER, PAGE_SIZE, type VmaKind } from './vma';

export type GupTestCmd =
  | 'GUP_FAST_BENCHMARK' | 'GUP_LONGTERM_BENCHMARK' | 'GUP_BENCHMARK' | 'PIN_FAST_BENCHMARK' | 'PIN_BENCHMARK'
  | 'PIN_LONGTERM_BENCHMARK' | 'GUP_BASIC_TEST' | 'PIN_BASIC_TEST' | 'DUMP_USER_PAGES_TEST'
  | 'PIN_LONGTERM_TEST_START' | 'PIN_LONGTERM_TEST_STOP' | 'PIN_LONGTERM_TEST_READ';

/** GUP_TEST_FLAG_DUMP_PAGES_USE_PIN (gup §8.1). */
export const GUP_TEST_FLAG_DUMP_PAGES_USE_PIN = 1;

export interface GupTestArgs {
  addr: bigint;
  size: bigint;
  nrPagesPerCall: number;
  /** Raw gup_flags (≤5.10 `flags`, masked to FOLL_WRITE), in the era's value table (gup §2.2). */
  gupFlags: number;
  testFlags?: number;
  /** 1-based page indices to dump_page(); 0 = unused; at most 8. */
  whichPages?: number[];
}

export interface GupTestResult {
  /** ioctl() return: 0 or −errno. */
  ret: number;
  getDeltaUsec: number;
  putDeltaUsec: number;
  /** On return, the bytes actually covered (gup §8.1 `size` in/out). */
  size: bigint;
}

/** The ioctl numbers (`_IOWR('g', n, …)`) of each era (gup §8.1). */
export function gupTestCommands(f: KernelFeatures): Map<number, GupTestCmd> {
  const v = f.version;
  if (atLeast(v, 5, 11)) {
    const m = new Map<number, GupTestCmd>([
      [1, 'GUP_FAST_BENCHMARK'], [2, 'PIN_FAST_BENCHMARK'], [3, 'PIN_LONGTERM_BENCHMARK'],
      [4, 'GUP_BASIC_TEST'], [5, 'PIN_BASIC_TEST'], [6, 'DUMP_USER_PAGES_TEST'],
    ]);
    // [unverified: chosen] the PIN_LONGTERM_TEST_* commands ("later" in gup §8.1) from 6.3
    if (atLeast(v, 6, 3)) {
      m.set(7, 'PIN_LONGTERM_TEST_START');
      m.set(8, 'PIN_LONGTERM_TEST_STOP');
      m.set(9, 'PIN_LONGTERM_TEST_READ');
    }
    return m;
  }
  if (atLeast(v, 5, 8)) {
    return new Map([[1, 'GUP_FAST_BENCHMARK'], [2, 'GUP_BENCHMARK'], [3, 'PIN_FAST_BENCHMARK'], [4, 'PIN_BENCHMARK'], [5, 'PIN_LONGTERM_BENCHMARK']]);
  }
  if (atLeast(v, 5, 7)) {
    return new Map([[1, 'GUP_FAST_BENCHMARK'], [2, 'GUP_LONGTERM_BENCHMARK'], [3, 'GUP_BENCHMARK'], [4, 'PIN_FAST_BENCHMARK'], [5, 'PIN_BENCHMARK']]);
  }
  return new Map([[1, 'GUP_FAST_BENCHMARK'], [2, 'GUP_LONGTERM_BENCHMARK'], [3, 'GUP_BENCHMARK']]);
}

const PIN_CMDS: ReadonlySet<GupTestCmd> = new Set(['PIN_FAST_BENCHMARK', 'PIN_BENCHMARK', 'PIN_LONGTERM_BENCHMARK', 'PIN_BASIC_TEST']);
const BENCHMARKS: ReadonlySet<GupTestCmd> = new Set(['GUP_FAST_BENCHMARK', 'GUP_LONGTERM_BENCHMARK', 'GUP_BENCHMARK', 'PIN_FAST_BENCHMARK', 'PIN_BENCHMARK', 'PIN_LONGTERM_BENCHMARK']);

/** Where the model's selftest maps its area. [unverified: chosen] */
export const GUP_TEST_MMAP_BASE = 0x7e0000000000n;
/** pid of the model's selftest process. [unverified: chosen] */
export const GUP_TEST_PID = 9000;

export interface SelftestResult {
  exitCode: number;
  lines: string[];
  runs: GupTestResult[];
}

export class GupTest {
  /** PIN_LONGTERM_TEST_START state (journaled). */
  readonly longterm: { pid: number; pages: number[] | undefined } = { pid: 0, pages: undefined };
  /** The last gup_test_ioctl result (journaled), for `gup_test.size` and friends. */
  readonly last = { size: 0n, getDeltaUsec: 0, putDeltaUsec: 0 };
  /** Next free mmap address of the model's selftest (journaled). */
  readonly mmapNext = { addr: GUP_TEST_MMAP_BASE };

  constructor(private readonly m: Machine, private readonly f: KernelFeatures, private readonly mm: Mm) {}

  setLast(r: GupTestResult): void {
    this.m.journal.set(this.last, 'size', r.size);
    this.m.journal.set(this.last, 'getDeltaUsec', r.getDeltaUsec);
    this.m.journal.set(this.last, 'putDeltaUsec', r.putDeltaUsec);
  }

  /** The debugfs file of the era. */
  get debugfsFile(): string {
    return atLeast(this.f.version, 5, 11) ? '/sys/kernel/debug/gup_test' : '/sys/kernel/debug/gup_benchmark';
  }

  private get fn(): string {
    return atLeast(this.f.version, 5, 11) ? 'gup_test_ioctl' : 'gup_benchmark_ioctl';
  }

  /** ioctl(fd, cmd, &gup) on the debugfs file, `cmd` by number or name (all slices at once). */
  ioctl(pid: number, cmd: number | string, a: GupTestArgs): GupTestResult {
    return runToEnd(this.ioctlSteps(pid, cmd, a));
  }

  /** ioctl() as resumable work; `work` counts pages across the selftest's runs. */
  *ioctlSteps(pid: number, cmd: number | string, a: GupTestArgs, work = new WorkCounter(ioctlUnits(a))): Steps<GupTestResult> {
    const cmds = gupTestCommands(this.f);
    const name = typeof cmd === 'number' ? cmds.get(cmd) : [...cmds.values()].find((c) => c === cmd);
    const fail = (ret: number): GupTestResult => ({ ret, getDeltaUsec: 0, putDeltaUsec: 0, size: a.size });
    if (!name) {
      this.log(`ioctl ${typeof cmd === 'number' ? cmd : cmd}: not a command of ${this.debugfsFile} in Linux ${this.f.version.major}.${this.f.version.minor} (gup §8.1)`);
      return fail(-ERRNO.EINVAL);
    }
    if (name === 'PIN_LONGTERM_TEST_START' || name === 'PIN_LONGTERM_TEST_STOP' || name === 'PIN_LONGTERM_TEST_READ') {
      // one GUP call each: nothing to slice
      return this.m.within(this.fn, () => {
        if (name === 'PIN_LONGTERM_TEST_START') return fail(this.longtermStart(pid, a));
        if (name === 'PIN_LONGTERM_TEST_STOP') { this.longtermStop(); return fail(0); }
        if (!this.longterm.pages) return fail(-ERRNO.EINVAL);
        this.log('PIN_LONGTERM_TEST_READ: page contents are not modelled; nothing copied');
        return fail(0);
      });
    }
    const inner = withinSteps(this.m, atLeast(this.f.version, 5, 11) ? '__gup_test_ioctl' : '__gup_benchmark_ioctl', this.run(pid, name, a, work));
    return yield* withinSteps(this.m, this.fn, inner);
  }

  /** The chunked get/pin loop, verification, dump and release of gup_test.c (gup §8.1). */
  private *run(pid: number, cmd: GupTestCmd, a: GupTestArgs, work: WorkCounter): Steps<GupTestResult> {
    const v = this.f.version;
    if (a.size >= 1n << 64n || a.size < 0n) return { ret: -ERRNO.EINVAL, getDeltaUsec: 0, putDeltaUsec: 0, size: a.size };
    const nrPages = Number(a.size / PAGE_SIZE);
    let raw = a.gupFlags >>> 0;
    if (!atLeast(v, 5, 11)) raw &= 0x01; // ≤5.10: masked down to FOLL_WRITE (gup §8.1)
    const { flags, rest } = follFromValue(raw, v);
    if (rest) this.log(`gup_flags bits 0x${rest.toString(16)} name no FOLL_* flag of this kernel; ignored by the model [unverified: chosen]`);
    const base = [...flags];
    const longterm = cmd === 'GUP_LONGTERM_BENCHMARK' || cmd === 'PIN_LONGTERM_BENCHMARK' ? ['FOLL_LONGTERM'] : [];
    const usePin = (a.testFlags ?? 0) & GUP_TEST_FLAG_DUMP_PAGES_USE_PIN;
    const api: Record<GupTestCmd, string> = {
      GUP_FAST_BENCHMARK: 'get_user_pages_fast', PIN_FAST_BENCHMARK: 'pin_user_pages_fast', GUP_LONGTERM_BENCHMARK: 'get_user_pages',
      GUP_BENCHMARK: 'get_user_pages', GUP_BASIC_TEST: 'get_user_pages', PIN_BENCHMARK: 'pin_user_pages', PIN_BASIC_TEST: 'pin_user_pages',
      PIN_LONGTERM_BENCHMARK: 'pin_user_pages', DUMP_USER_PAGES_TEST: usePin ? 'pin_user_pages' : 'get_user_pages',
      PIN_LONGTERM_TEST_START: '', PIN_LONGTERM_TEST_STOP: '', PIN_LONGTERM_TEST_READ: '',
    };
    const pinned = isPinned(cmd, usePin !== 0);
    const pages: number[] = [];
    const per = a.nrPagesPerCall;
    let nr = per;
    let addr = a.addr;
    const end = a.addr + a.size;
    let getDelta = 0; // model time: 1 us per GUP call and per page obtained
    for (; addr < end; ) {
      if (nr !== per) break;
      let next = addr + BigInt(nr) * PAGE_SIZE;
      if (next > end) {
        next = end;
        nr = Number((next - addr) / PAGE_SIZE);
      }
      const r = this.mm.gup(api[cmd], pid, addr, nr, [...base, ...longterm]);
      nr = r.ret;
      getDelta += 1 + Math.max(nr, 0);
      if (nr <= 0) break;
      for (const p of r.pages) pages.push(p);
      addr = next;
      // one GUP call is the unit of work: the slice ends between calls (as the kernel's loop may)
      if (work.add(Math.max(nr, 1))) yield work;
    }
    const size = addr - a.addr; // "gup->size = addr - gup->addr" (a short chunk still counts whole)
    if (pinned && this.f.pinTracking) yield* withinSteps(this.m, 'verify_dma_pinned', this.verifyDmaPinned(cmd, pages, work));
    if (atLeast(v, 5, 11)) this.dumpPages(a, pages, nrPages);
    yield* withinSteps(this.m, 'put_back_pages', this.putBackPages(pages, pinned, work));
    return { ret: 0, getDeltaUsec: getDelta, putDeltaUsec: pages.length ? 1 + pages.length : 0, size };
  }

  /**
   * put_back_pages(): unpin_user_pages() or put_page() on every page (gup §8.1), in chunks of
   * whole folios: unpin_user_pages() batches the pages of one folio (gup §2.1), so a chunk never
   * splits a folio and the events are those of one call over the whole array.
   */
  private *putBackPages(pages: readonly number[], pinned: boolean, work: WorkCounter): Steps<void> {
    for (let i = 0; i < pages.length; ) {
      let end = Math.min(pages.length, i + SLICE_UNITS);
      if (pinned) {
        const head = this.mm.pageInfo(pages[end - 1]).head;
        while (end < pages.length && this.mm.pageInfo(pages[end]).head === head) end++;
      }
      this.mm.release(pinned ? 'unpin_user_pages' : 'put_page', pages.slice(i, end));
      if (work.add(end - i)) yield work;
      i = end;
    }
  }

  /** verify_dma_pinned(): WARN and dump the first page that does not look pinned (gup §3.3, §8.1). */
  private *verifyDmaPinned(cmd: GupTestCmd, pages: readonly number[], work: WorkCounter): Steps<void> {
    for (let i = 0; i < pages.length; i++) {
      const info = this.mm.pageInfo(pages[i]);
      if (!info.maybeDmaPinned) {
        this.m.emit({ kind: 'warn', message: `pages[${i}] is NOT dma-pinned`, ref: 'gup §8.1' }, 'instruction');
        this.dumpPage(pages[i], 'gup_test failure');
        return;
      }
      if (cmd === 'PIN_LONGTERM_BENCHMARK' && !this.mm.longterm.pinnable(pages[i])) {
        this.m.emit({ kind: 'warn', message: `pages[${i}] is NOT pinnable but pinned`, ref: 'gup §8.1' }, 'instruction');
        this.dumpPage(pages[i], 'gup_test failure');
        return;
      }
      if (work.add(1)) yield work;
    }
  }

  /** dump_pages_test(): out-of-range which_pages are zeroed with a warning, the rest dumped (gup §8.1). */
  private dumpPages(a: GupTestArgs, pages: readonly number[], nrPages: number): void {
    const which = (a.whichPages ?? []).slice(0, 8);
    if (!which.some((w) => w)) return;
    this.m.within('dump_pages_test', () => {
      for (let i = 0; i < which.length; i++) {
        if (which[i] > nrPages || which[i] > pages.length) {
          this.m.emit({ kind: 'warn', message: `ZEROING due to out of range: .which_pages[${i}]: ${which[i]}`, ref: 'gup §8.1' }, 'instruction');
          which[i] = 0;
        }
      }
      for (const w of which) if (w) this.dumpPage(pages[w - 1], `test dump page`);
    });
  }

  /** dump_page() as a log line. [unverified: chosen] the model's own format, not the kernel's. */
  private dumpPage(pfn: number, reason: string): void {
    const i = this.mm.pageInfo(pfn);
    this.m.within('dump_page', () =>
      this.log(`page:pfn 0x${pfn.toString(16)} refcount:${i.refcount}${i.pincount !== undefined ? ` pincount:${i.pincount}` : ''} order:${i.order} ${i.kind}${i.dirty ? ' dirty' : ''}${i.maybeDmaPinned ? ' maybe_dma_pinned' : ''} — ${reason}`),
    );
  }

  private longtermStart(pid: number, a: GupTestArgs): number {
    return this.m.within('pin_longterm_test_start', () => {
      if (this.longterm.pages) return -ERRNO.EINVAL;
      if (a.size === 0n || (a.addr | a.size) % PAGE_SIZE !== 0n) return -ERRNO.EINVAL;
      const write = (a.gupFlags & 1) !== 0;
      const fast = (a.gupFlags & 2) !== 0;
      const nr = Number(a.size / PAGE_SIZE);
      const r = this.mm.gup(fast ? 'pin_user_pages_fast' : 'pin_user_pages', pid, a.addr, nr, write ? ['FOLL_WRITE', 'FOLL_LONGTERM'] : ['FOLL_LONGTERM']);
      if (r.ret !== nr) {
        // [unverified: chosen] a short or failed pin is undone and reported as −EFAULT (or the errno)
        if (r.ret > 0) this.mm.release('unpin_user_pages', r.pages);
        return r.ret < 0 ? r.ret : -ERRNO.EFAULT;
      }
      this.m.journal.set(this.longterm, 'pid', pid);
      this.m.journal.set(this.longterm, 'pages', r.pages);
      return 0;
    });
  }

  /** PIN_LONGTERM_TEST_STOP (also on file close). */
  longtermStop(): void {
    this.m.within('pin_longterm_test_stop', () => {
      if (this.longterm.pages?.length) this.mm.release('unpin_user_pages', this.longterm.pages);
      this.m.journal.set(this.longterm, 'pages', undefined);
    });
  }

  private log(text: string): void {
    this.m.emit({ kind: 'log', source: 'gup_test', text }, 'instruction');
  }

  /**
   * The selftest program (tools/testing/selftests/mm/gup_test.c; 5.7 gup_benchmark): parse the
   * options of gup §8.2, mmap and touch the area in the model's selftest process, open the
   * debugfs file and issue the ioctl `-r` times on each of `-j` threads (run one after another).
   */
  selftest(argv: readonly string[]): SelftestResult {
    return runToEnd(this.selftestSteps(argv));
  }

  /** The selftest as resumable work (the same rules; `selftest` drives it to the end at once). */
  *selftestSteps(argv: readonly string[]): Steps<SelftestResult> {
    const v = this.f.version;
    const modern = atLeast(v, 5, 11);
    const prog = modern ? './gup_test' : './gup_benchmark';
    const lines: string[] = [];
    const runs: GupTestResult[] = [];
    const out = (t: string) => {
      lines.push(t);
      this.m.emit({ kind: 'log', source: prog, text: t }, 'instruction');
    };
    const exit = (code: number): SelftestResult => ({ exitCode: code, lines, runs });
    let size = 128n << 20n;
    let repeats = 1;
    let nrPerCall = 1;
    let file = '/dev/zero';
    let shared = false;
    let hugetlb = false;
    let thp: boolean | undefined;
    // [unverified: chosen] write defaults to 1 in gup_test (5.11+), 0 in gup_benchmark (gup §8.2)
    let write = modern;
    let cmd: GupTestCmd = 'GUP_FAST_BENCHMARK';
    let gupFlags = 0;
    let usePin = false;
    let threads = 1;
    const which: number[] = [];
    const withArg = new Set(['m', 'r', 'n', 'f', 'F', 'j']);
    const known = new Set(modern ? 'mrnfSHtTwWuULabcpFj' : 'mrnfSHtTwuULab');
    const num = (s: string) => {
      const t = s.trim();
      const x = /^-?0x/i.test(t) ? (t.startsWith('-') ? -parseInt(t.slice(1), 16) : parseInt(t, 16)) : parseInt(t, 10);
      return Number.isNaN(x) ? 0 : x;
    };
    let i = 0;
    for (; i < argv.length; i++) {
      const a = argv[i];
      if (!a.startsWith('-') || a.length < 2 || /^-\d/.test(a)) break;
      for (let k = 1; k < a.length; k++) {
        const o = a[k];
        if (!known.has(o)) {
          out(`${prog}: invalid option -- '${o}'`);
          return exit(1);
        }
        let arg = '';
        if (withArg.has(o)) {
          arg = a.slice(k + 1) || argv[++i] || '';
          k = a.length;
        }
        switch (o) {
          case 'm': size = BigInt(Math.max(0, num(arg))) << 20n; break;
          case 'r': repeats = num(arg); break;
          case 'n': nrPerCall = num(arg); break;
          case 'f': file = arg; break;
          case 'F': gupFlags = num(arg); break;
          case 'j': threads = Math.max(1, num(arg)); break;
          case 'S': shared = true; break;
          case 'H': hugetlb = true; break;
          case 't': thp = true; break;
          case 'T': thp = false; break;
          case 'w': write = true; break;
          case 'W': write = false; break;
          case 'u': cmd = 'GUP_FAST_BENCHMARK'; break;
          case 'U': cmd = modern ? 'GUP_BASIC_TEST' : 'GUP_BENCHMARK'; break;
          case 'L': cmd = atLeast(v, 5, 8) ? 'PIN_LONGTERM_BENCHMARK' : 'GUP_LONGTERM_BENCHMARK'; break;
          case 'a':
            if (!atLeast(v, 5, 7)) { out(`${prog}: invalid option -- 'a'`); return exit(1); }
            cmd = 'PIN_FAST_BENCHMARK'; break;
          case 'b':
            if (!atLeast(v, 5, 7)) { out(`${prog}: invalid option -- 'b'`); return exit(1); }
            cmd = modern ? 'PIN_BASIC_TEST' : 'PIN_BENCHMARK'; break;
          case 'c': cmd = 'DUMP_USER_PAGES_TEST'; break;
          case 'p': usePin = true; break;
        }
      }
    }
    // trailing arguments: 0-based page indices for -c (max 8), stored 1-based
    for (; i < argv.length && which.length < 8; i++) which.push(num(argv[i]) + 1);
    if (cmd === 'DUMP_USER_PAGES_TEST' && which.length === 0) which.push(1);
    if (nrPerCall < 0) nrPerCall = Number(size / PAGE_SIZE);
    if (write) gupFlags |= 0x01; // FOLL_WRITE is 1 in both value tables (gup §2.2)

    // open + mmap + madvise + touch
    let kind: VmaKind = 'anon';
    let order: number | undefined;
    if (hugetlb) kind = 'hugetlb';
    else if (shared) kind = file === '/dev/zero' ? 'anon-shared' : 'file';
    else if (thp === true) kind = 'thp';
    else order = 0; // [unverified: chosen] THP policy "madvise": no THP without -t
    const huge = PAGE_SIZE << BigInt(HPAGE_PMD_ORDER);
    if (size === 0n || (hugetlb && size % huge !== 0n)) {
      out('mmap: Invalid argument');
      return exit(1);
    }
    if (!this.mm.spaces.procs.has(GUP_TEST_PID)) this.mm.addProcess(GUP_TEST_PID, 'gup_test');
    const addr = this.mmapNext.addr;
    this.m.journal.set(this.mmapNext, 'addr', addr + ((size + huge - 1n) / huge) * huge + huge);
    this.m.within('mmap', () => this.mm.addVma(GUP_TEST_PID, addr, size, kind, { read: true, write: true }, order === undefined ? {} : { folioOrder: order }));
    const args: GupTestArgs = { addr, size, nrPagesPerCall: nrPerCall, gupFlags, testFlags: usePin ? GUP_TEST_FLAG_DUMP_PAGES_USE_PIN : 0, whichPages: which };
    const pages = Number(size / PAGE_SIZE);
    const work = new WorkCounter(pages + threads * Math.max(repeats, 0) * ioctlUnits(args, isPinned(cmd, usePin) && this.f.pinTracking));
    yield* withinSteps(this.m, 'touch pages (p[0] = 0)', this.touchPages(addr, size, work));
    const flagText = follString(follFromValue(gupFlags >>> 0, v).flags) || '0';
    this.log(`model run: ${this.debugfsFile} ${cmd}, ${size >> 20n} MiB at 0x${addr.toString(16)} (${kind}), nr_pages_per_call ${nrPerCall}, gup_flags ${flagText}`);
    for (let t = 0; t < threads; t++) {
      for (let r = 0; r < repeats; r++) {
        const res = yield* this.ioctlSteps(GUP_TEST_PID, cmd, { ...args }, work);
        runs.push(res);
        if (res.ret) {
          out(`ioctl: ${errnoText(res.ret)}`);
          return exit(1);
        }
        const trunc = res.size !== size ? `, truncated (size: ${res.size})` : '';
        if (!modern) out(`Time: get:${res.getDeltaUsec} put:${res.putDeltaUsec} us${trunc}`);
        else if (BENCHMARKS.has(cmd)) out(`${cmd}: Time: get:${res.getDeltaUsec} put:${res.putDeltaUsec} us${trunc}`);
        else out(`${cmd}: done`);
      }
    }
    this.log('times above are the model\'s own (1 us per GUP call and per page), not measurements');
    return exit(0);
  }

  /** The selftest's `for (p = addr; p < addr + size; p += PAGE_SIZE) p[0] = 0` (gup §8.2). */
  private *touchPages(addr: bigint, size: bigint, work: WorkCounter): Steps<void> {
    for (let a = addr; a < addr + size; a += PAGE_SIZE) {
      this.mm.touch(GUP_TEST_PID, a, true);
      if (work.add(1)) yield work;
    }
  }
}

/** Pinned by the command: the PIN_* commands, and DUMP_USER_PAGES_TEST with the pin flag (gup §8.1). */
function isPinned(cmd: GupTestCmd, usePin: boolean): boolean {
  return PIN_CMDS.has(cmd) || (cmd === 'DUMP_USER_PAGES_TEST' && usePin);
}

/** Expected work units of one ioctl run (pages got and put, and verified when pinned): progress only. */
function ioctlUnits(a: GupTestArgs, verified = true): number {
  const pages = a.size > 0n ? Number(a.size / PAGE_SIZE) : 0;
  return (verified ? 3 : 2) * pages + 1;
}

function errnoText(ret: number): string {
  const names: Record<string, string> = { '-EINVAL': 'Invalid argument', '-EFAULT': 'Bad address', '-ENOMEM': 'Cannot allocate memory' };
  const n = errnoName(ret);
  return names[n] ?? n;
}
