/**
 * Typed model events. Every event is also a potential stop point for the debugger: the history
 * records, for each event, the journal position right after it, the thread it happened on, the
 * call stack (real kernel / QEMU / architecture function names) and its step granularity.
 */

/** How fine a step must be to stop at this event (PRODUCT §3 "Stepping"). */
export type Granularity = 'statement' | 'ccw' | 'instruction';

export type ModelEvent =
  | { kind: 'stmt'; line: number; text: string }
  | { kind: 'instr'; name: string; sch: number; cc: number; detail: string }
  | { kind: 'exception'; name: string; line: number; detail: string }
  | { kind: 'sch.start'; sch: number; lpum: number }
  | { kind: 'ccw.fetch'; sch: number; addr: number; cmd: number; flags: number; count: number; cda: number; ccwLine: number | undefined }
  | { kind: 'ccw.data'; sch: number; addr: number; count: number; write: boolean; bytes: number[] }
  | { kind: 'ccw.chain'; sch: number; next: number; how: 'command' | 'data' | 'tic' }
  | { kind: 'ccw.check'; sch: number; addr: number; reason: string; ref: string }
  /** `cc`: the SCSW's deferred condition code (css §1.3; 3 = device not operational, css §5.5). */
  | { kind: 'sch.status'; sch: number; stctl: number; dstat: number; cstat: number; cpa: number; count: number; cc: number }
  /**
   * vfio topology: QEMU's io notifier left the guest's subchannel with a deferred condition code
   * 3 (css §10.4: copied from the host's IRB, or the io region read gave ENODEV). The host
   * subchannel's own `sch.status` is the machine's; this is what the guest sees.
   */
  | { kind: 'guest.status'; sch: number; stctl: number; cc: number; from: 'irb' | 'enodev' }
  | { kind: 'irq.queued'; sch: number; isc: number }
  | { kind: 'irq.presented'; sch: number; isc: number; intparm: number }
  | { kind: 'crw.queued'; queue: string; crw: number }
  | { kind: 'chp.state'; chpid: number; configured: boolean; online: boolean; pamChanged: number; note: string }
  | { kind: 'page.fault'; pid: number; vaddr: bigint; pfn: number; zero: boolean }
  | {
      kind: 'page.grab'; pid: number; vaddr: bigint; pfn: number; foll: 'FOLL_PIN' | 'FOLL_GET'; refcount: number; pincount: number;
      /** The folio's counts before the grab, the references taken, the path, the FOLL flags in force and the counting rule applied (gup §3.1). */
      before: { refcount: number; pincount: number }; refs: number; path: 'slow' | 'fast'; flags: string; rule: string;
    }
  | { kind: 'page.release'; pfn: number; how: string; refcount: number; pincount: number; dirty: boolean }
  | { kind: 'gup.return'; api: string; ret: number }
  /**
   * A warning. `note`: the model's own note (an [unverified: chosen] behaviour, a wrong-release
   * report, an injected fault, a scenario-level report), not a warning the modelled kernel or
   * QEMU prints; scenarios count the two apart (`warnings` / `notes`, issue 11).
   */
  | { kind: 'warn'; message: string; ref: string; note?: boolean }
  /** A line of output or a note from a modelled tool or subsystem (gup_test's stdout, vfio bookkeeping). */
  | { kind: 'log'; source: string; text: string }
  | { kind: 'expect'; line: number; ok: boolean; expr: string; expected: string; actual: string }
  | { kind: 'end'; pinsHeld: number };

export type ModelEventKind = ModelEvent['kind'];

/** One frame of the model's call stack, innermost first when in a list. */
export interface ModelFrame {
  /** A real function name (`pin_user_pages`, `css_do_ssch`, ...) or a scenario/CCW label. */
  name: string;
  /** 1-based line in the scenario file, when the frame maps to one. */
  line?: number;
}

/** A point in the machine's history: the debugger can stop here and travel back to it. */
export interface HistoryRecord {
  seq: number;
  /** Journal position right after this event: restoring it reproduces the state exactly. */
  journalPos: number;
  time: number;
  thread: number;
  granularity: Granularity;
  /** Innermost first; the last frame is the scenario statement. */
  frames: ModelFrame[];
  event: ModelEvent;
}

/** Plain-text one-liner used by the trace printer and the event log. */
export function describeEvent(e: ModelEvent): string {
  const h = (n: number) => '0x' + n.toString(16);
  switch (e.kind) {
    case 'stmt': return `line ${e.line}: ${e.text}`;
    case 'instr': return `${e.name} sch ${h(e.sch)} cc ${e.cc}${e.detail ? ' ' + e.detail : ''}`;
    case 'exception': return `${e.name} at line ${e.line}: ${e.detail}`;
    case 'sch.start': return `sch ${h(e.sch)} start function, path lpum=${h(e.lpum)}`;
    case 'ccw.fetch': return `sch ${h(e.sch)} fetch CCW @${h(e.addr)} cmd=${h(e.cmd)} flags=${h(e.flags)} count=${e.count} cda=${h(e.cda)}`;
    case 'ccw.data': return `sch ${h(e.sch)} ${e.write ? 'write (memory→device)' : 'read (device→memory)'} ${e.count} bytes @${h(e.addr)}: ${e.bytes.slice(0, 16).map((b) => b.toString(16).padStart(2, '0')).join(' ')}${e.bytes.length > 16 ? ' …' : ''}`;
    case 'ccw.chain': return `sch ${h(e.sch)} chain ${e.how} → ${h(e.next)}`;
    case 'ccw.check': return `sch ${h(e.sch)} channel-program check @${h(e.addr)}: ${e.reason} (${e.ref})`;
    case 'sch.status': return `sch ${h(e.sch)} status stctl=${h(e.stctl)} dstat=${h(e.dstat)} cstat=${h(e.cstat)} cpa=${h(e.cpa)} residual=${e.count}`;
    case 'guest.status': return `guest sch ${h(e.sch)} status stctl=${h(e.stctl)} deferred cc ${e.cc} (${e.from === 'irb' ? 'from the host IRB' : 'io region read ENODEV'})`;
    case 'irq.queued': return `I/O interruption request sch ${h(e.sch)} isc ${e.isc}`;
    case 'irq.presented': return `I/O interruption presented sch ${h(e.sch)} isc ${e.isc} intparm ${h(e.intparm)}`;
    case 'crw.queued': return `CRW ${h(e.crw)} queued on ${e.queue}`;
    case 'chp.state': return `CHPID ${e.chpid.toString(16).padStart(2, '0')} ${e.configured ? 'configured' : 'standby'}, ${e.online ? 'online' : 'offline'}: ${e.note}`;
    case 'page.fault': return `pid ${e.pid} fault ${h(Number(e.vaddr))} → pfn ${h(e.pfn)}${e.zero ? ' (shared zero page)' : ''}`;
    case 'page.grab': return `${e.foll} pfn ${h(e.pfn)} (vaddr ${'0x' + e.vaddr.toString(16)}): refcount ${e.refcount} pincount ${e.pincount}`;
    case 'page.release': return `${e.how} pfn ${h(e.pfn)}: refcount ${e.refcount} pincount ${e.pincount}${e.dirty ? ' dirty' : ''}`;
    case 'gup.return': return `${e.api} returned ${e.ret}`;
    case 'warn': return `${e.note ? 'note' : 'WARNING'}: ${e.message} (${e.ref})`;
    case 'log': return `${e.source}: ${e.text}`;
    case 'expect': return `expect ${e.expr}: ${e.ok ? 'ok' : `FAILED, expected ${e.expected}, actual ${e.actual}`} (line ${e.line})`;
    case 'end': return `scenario ended, ${e.pinsHeld} pins held`;
  }
}
