/**
 * Exception filters (PRODUCT §3): the machine and kernel conditions a user may want to stop on,
 * each recognised in one model event, as a table. `setExceptionBreakpoints` turns them on, with
 * an optional condition each (`filterOptions`); the stop's reason is `exception` and
 * `exceptionInfo` explains it with the reference section.
 *
 * Defaults: a failed `expect`, a scenario error and a program interruption stop (they are the
 * scenario's own failures, and the adapter always stopped on them); the machine conditions are
 * off, because many scenarios produce them on purpose (a unit check to read sense data, a CRW
 * burst to show the overflow bit).
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { HistoryRecord, ModelEventKind } from '../model/engine/events';
import { decodeCrwWord } from '../model/css/crw';
import { CSTAT, DSTAT } from '../model/css/status';
import { BreakpointOptions, type StopContext } from './breakpointOptions';

export interface ExceptionMatch {
  /** One line: what happened. */
  description: string;
  /** Reference section. */
  ref: string;
}

export interface ExceptionFilter {
  id: string;
  label: string;
  description: string;
  default: boolean;
  match(r: HistoryRecord, history: readonly HistoryRecord[], i: number): ExceptionMatch | undefined;
}

const hex = (n: number) => '0x' + n.toString(16).padStart(2, '0');
/** css §4 subchannel status other than PCI (not an error) and program check (its own filter). */
const OTHER_CSTAT = CSTAT.IL | CSTAT.PROT | CSTAT.CDC | CSTAT.CCC | CSTAT.ICC | CSTAT.CHC;
const CSTAT_NAMES: Array<[number, string]> = [
  [CSTAT.IL, 'incorrect length'], [CSTAT.PROT, 'protection check'], [CSTAT.CDC, 'channel-data check'],
  [CSTAT.CCC, 'channel-control check'], [CSTAT.ICC, 'interface-control check'], [CSTAT.CHC, 'chaining check'],
];
/** gup §3.4, §3.5: the counting model's refusals and misuse reports (warn events). */
const REFCOUNT_WARNING = /refcount .*≤ 0|wrong release|Bad page state|is not pinned|nonzero pincount/;

/** The reason a channel-program check was raised: the ccw.check record just before the status. */
function checkReason(history: readonly HistoryRecord[], i: number, sch: number): string {
  for (let k = i - 1; k >= 0 && k >= i - 64; k--) {
    const e = history[k].event;
    if (e.kind === 'ccw.check' && e.sch === sch) return `: ${e.reason} (${e.ref})`;
    if (e.kind === 'stmt') break;
  }
  return '';
}

export const EXCEPTION_FILTERS: readonly ExceptionFilter[] = [
  {
    id: 'expect-failed', label: 'Failed expect', default: true,
    description: 'An expect statement whose comparison is false',
    match: (r) => (r.event.kind === 'expect' && !r.event.ok ? { description: `expect ${r.event.expr} failed: expected ${r.event.expected}, actual ${r.event.actual} (line ${r.event.line})`, ref: 'PRODUCT §2 expectations' } : undefined),
  },
  {
    id: 'scenario-error', label: 'Scenario error', default: true,
    description: 'A statement that cannot run (unknown name, bad operand at run time)',
    match: (r) => (r.event.kind === 'exception' && r.event.name === 'scenario error' ? { description: `scenario error at line ${r.event.line}: ${r.event.detail}`, ref: 'PRODUCT §2' } : undefined),
  },
  {
    id: 'program-interruption', label: 'Program interruption', default: true,
    description: 'An I/O instruction raised a program exception (operand, specification, privileged operation, …)',
    match: (r) => (r.event.kind === 'exception' && r.event.name !== 'scenario error' ? { description: `${r.event.name} at line ${r.event.line}: ${r.event.detail}`, ref: 'css §5.1, §11.5' } : undefined),
  },
  {
    id: 'unit-check', label: 'Unit check', default: false,
    description: 'Device status with unit check (DSTAT 0x02): sense data is pending',
    match: (r) => (r.event.kind === 'sch.status' && r.event.dstat & DSTAT.UC ? { description: `unit check on subchannel ${hex(r.event.sch)}: dstat ${hex(r.event.dstat)}`, ref: 'css §4' } : undefined),
  },
  {
    id: 'program-check', label: 'Channel-program check', default: false,
    description: 'Subchannel status with program check (CSTAT 0x20): an invalid CCW, TIC or address',
    match: (r, h, i) => (r.event.kind === 'sch.status' && r.event.cstat & CSTAT.PRG
      ? { description: `channel-program check on subchannel ${hex(r.event.sch)}, cpa ${'0x' + r.event.cpa.toString(16)}${checkReason(h, i, r.event.sch)}`, ref: 'css §3.6' } : undefined),
  },
  {
    id: 'channel-status', label: 'Other channel status', default: false,
    description: 'Subchannel status with incorrect length, protection, channel-data, channel-control, interface-control or chaining check',
    match: (r) => {
      if (r.event.kind !== 'sch.status' || !(r.event.cstat & OTHER_CSTAT)) return undefined;
      const cstat = r.event.cstat;
      const names = CSTAT_NAMES.filter(([b]) => cstat & b).map(([, n]) => n).join(', ');
      return { description: `subchannel ${hex(r.event.sch)} status cstat ${hex(cstat)}: ${names}`, ref: 'css §4' };
    },
  },
  {
    id: 'deferred-cc3', label: 'Deferred cc 3', default: false,
    description: 'A start function ended with deferred condition code 3: no path to the device (in the vfio topology also where QEMU hands it to the guest)',
    match: (r) => {
      const e = r.event;
      if (e.kind === 'sch.status' && e.cc === 3) return { description: `deferred condition code 3 on subchannel ${hex(e.sch)} (stctl ${hex(e.stctl)})`, ref: 'css §5.5' };
      // css §10.4: QEMU's io notifier gives the guest the host's deferred cc 3 (or makes one of ENODEV)
      if (e.kind === 'guest.status' && e.cc === 3) {
        const how = e.from === 'irb' ? "copied from the host's IRB" : 'the io region read gave ENODEV';
        return { description: `deferred condition code 3 reaches the guest's subchannel ${hex(e.sch)} through QEMU (stctl ${hex(e.stctl)}, ${how})`, ref: 'css §5.5, §10.4' };
      }
      return undefined;
    },
  },
  {
    id: 'crw-overflow', label: 'CRW overflow', default: false,
    description: 'A CRW was queued with the overflow bit: earlier CRWs were lost',
    match: (r) => (r.event.kind === 'crw.queued' && decodeCrwWord(r.event.crw).oflw ? { description: `CRW 0x${(r.event.crw >>> 0).toString(16)} on ${r.event.queue} carries the overflow bit: CRWs were lost`, ref: 'css §6.1, §6.3' } : undefined),
  },
  {
    id: 'pin-leak', label: 'Pin leak at end', default: false,
    description: 'The scenario ended with pages still pinned (FOLL_PIN without unpin)',
    match: (r) => (r.event.kind === 'end' && r.event.pinsHeld > 0 ? { description: `the scenario ended with ${r.event.pinsHeld} pins held`, ref: 'gup §3.1, §4' } : undefined),
  },
  {
    id: 'refcount', label: 'Refcount overflow / negative count / wrong release', default: false,
    description: 'try_grab refused a page (refcount ≤ 0), an unpin of a page that is not pinned, a bad page state',
    match: (r) => (r.event.kind === 'warn' && REFCOUNT_WARNING.test(r.event.message) ? { description: r.event.message, ref: r.event.ref } : undefined),
  },
  {
    id: 'warn', label: 'Kernel WARN', default: false,
    description: 'Any warning the modelled kernel or QEMU prints',
    match: (r) => (r.event.kind === 'warn' ? { description: `WARNING: ${r.event.message}`, ref: r.event.ref } : undefined),
  },
];

const BY_ID = new Map(EXCEPTION_FILTERS.map((f) => [f.id, f]));

/** For the capabilities. */
export function filterCapabilities(): DebugProtocol.ExceptionBreakpointsFilter[] {
  return EXCEPTION_FILTERS.map((f) => ({ filter: f.id, label: f.label, description: f.description, default: f.default, supportsCondition: true, conditionDescription: 'a scenario expression, e.g. sch(0.0.0007).pmcw.lpm == 0x80' }));
}

export interface ExceptionStop {
  filter: ExceptionFilter;
  match: ExceptionMatch;
  record: HistoryRecord;
}

export class ExceptionFilters {
  private enabled = new Map<string, BreakpointOptions | undefined>(EXCEPTION_FILTERS.filter((f) => f.default).map((f) => [f.id, undefined]));

  /** setExceptionBreakpoints; throws a one-line Error for an unknown filter; a bad condition unverifies that filter. */
  set(filters: readonly string[], options: readonly DebugProtocol.ExceptionFilterOptions[], known: ReadonlySet<string>): DebugProtocol.Breakpoint[] {
    const all = [...filters.map((id) => ({ filterId: id, condition: undefined as string | undefined })), ...options];
    for (const o of all) if (!BY_ID.has(o?.filterId)) throw new Error(`unknown exception filter '${String(o?.filterId)}': ${EXCEPTION_FILTERS.map((f) => f.id).join(', ')}`);
    const next = new Map<string, BreakpointOptions | undefined>();
    const out = all.map((o): DebugProtocol.Breakpoint => {
      try {
        const opts = o.condition ? new BreakpointOptions({ condition: o.condition }, known) : undefined;
        next.set(o.filterId, opts);
        return { verified: true };
      } catch (e) {
        return { verified: false, message: e instanceof Error ? e.message : String(e) };
      }
    });
    this.enabled = next;
    return out;
  }

  get enabledIds(): string[] {
    return [...this.enabled.keys()];
  }

  /** Whether a record of this kind can raise an enabled filter (check's cheap pre-test, without side effects). */
  mayRaise(kind: ModelEventKind): boolean {
    return this.enabled.size > 0 && interesting(kind);
  }

  /** The first enabled filter (table order) that record i raises, its condition holding. */
  check(ctx: StopContext, i: number, onConditionError: (msg: string) => void): ExceptionStop | undefined {
    if (!interesting(ctx.runner.m.records.kind(i))) return undefined;
    const r = ctx.history[i];
    for (const f of EXCEPTION_FILTERS) {
      if (!this.enabled.has(f.id)) continue;
      const m = f.match(r, ctx.history, i);
      if (!m) continue;
      const opts = this.enabled.get(f.id);
      if (opts) {
        if (opts.verdict(ctx, i, (x, k) => f.match(x, ctx.history, k) !== undefined) === 'no') continue;
        if (opts.lastError) onConditionError(opts.lastError);
      }
      return { filter: f, match: m, record: r };
    }
    return undefined;
  }
}

/** Only these event kinds can raise a filter: the check costs one comparison for the others. */
function interesting(k: ModelEventKind): boolean {
  return k === 'sch.status' || k === 'guest.status' || k === 'exception' || k === 'expect' || k === 'warn' || k === 'crw.queued' || k === 'end';
}

/** exceptionInfo body for a stop. */
export function exceptionInfo(s: ExceptionStop): DebugProtocol.ExceptionInfoResponse['body'] {
  return {
    exceptionId: s.filter.id,
    description: s.match.description,
    breakMode: 'always',
    details: {
      message: `${s.match.description} (${s.match.ref})`,
      typeName: s.filter.label,
      fullTypeName: `${s.filter.label} — ${s.match.ref}`,
      stackTrace: s.record.frames.map((f) => (f.line !== undefined ? `  at ${f.name} (line ${f.line})` : `  at ${f.name}`)).join('\n'),
    },
  };
}
