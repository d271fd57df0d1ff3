/**
 * The I/O timeline's texts for one event: a short label for its row, its fields one per line (the
 * hover card) and its call stack. Numbers that are addresses, masks or words show hex and decimal.
 */
import type { HistoryRecord, ModelEvent } from '../model/engine/events';

export function describeText(r: HistoryRecord): string {
  const e = r.event;
  switch (e.kind) {
    case 'stmt': return e.text;
    case 'instr': return `${e.name} cc ${e.cc}`;
    case 'ccw.fetch': return `CCW cmd 0x${e.cmd.toString(16).padStart(2, '0')} @0x${e.addr.toString(16)}`;
    case 'ccw.data': return `${e.write ? 'write' : 'read'} ${e.count}B`;
    case 'ccw.chain': return `chain ${e.how}`;
    case 'sch.status': return `status stctl 0x${e.stctl.toString(16)} dstat 0x${e.dstat.toString(16)}`;
    case 'crw.queued': return `CRW 0x${e.crw.toString(16).padStart(8, '0')} → ${e.queue}`;
    case 'chp.state': return `CHPID ${e.chpid.toString(16).padStart(2, '0')} ${e.configured ? 'configured' : 'standby'} ${e.online ? 'online' : 'offline'}`;
    case 'page.grab': return `${e.foll} pfn 0x${e.pfn.toString(16)}`;
    case 'page.release': return `${e.how} pfn 0x${e.pfn.toString(16)}`;
    case 'page.fault': return `fault pfn 0x${e.pfn.toString(16)}`;
    case 'gup.return': return `${e.api} → ${e.ret}`;
    default: {
      const t = describeTextFallback(e);
      return t.length > 80 ? t.slice(0, 79) + '…' : t;
    }
  }
}

function describeTextFallback(e: ModelEvent): string {
  switch (e.kind) {
    case 'sch.start': return `start function lpum 0x${e.lpum.toString(16)}`;
    case 'ccw.check': return `program check: ${e.reason}`;
    case 'irq.queued': return `I/O interruption pending isc ${e.isc}`;
    case 'irq.presented': return `I/O interruption isc ${e.isc}`;
    case 'exception': return `${e.name}: ${e.detail}`;
    case 'warn': return `WARN ${e.message}`;
    case 'log': return `${e.source}: ${e.text}`;
    case 'expect': return `expect ${e.expr} ${e.ok ? 'ok' : 'FAILED'}`;
    case 'end': return `end, ${e.pinsHeld} pins held`;
    default: return (e as { kind: string }).kind;
  }
}

/** The event's fields, one `name = value` a line (the hover card). */
export function fieldsText(e: ModelEvent): string {
  const lines: string[] = [];
  for (const [k, v] of Object.entries(e)) {
    if (k === 'kind') continue;
    lines.push(`${k} = ${valueText(k, v)}`);
  }
  return lines.join('\n');
}

const DECIMAL_FIELDS = new Set(['line', 'count', 'cc', 'refcount', 'pincount', 'ret', 'pid', 'isc', 'pinsHeld', 'ccwLine', 'pamChanged']);

function valueText(k: string, v: unknown): string {
  if (typeof v === 'bigint') return '0x' + v.toString(16);
  if (typeof v === 'number') return DECIMAL_FIELDS.has(k) ? String(v) : `0x${v.toString(16)} (${v})`;
  if (Array.isArray(v)) return v.slice(0, 16).map((b) => Number(b).toString(16).padStart(2, '0')).join(' ') + (v.length > 16 ? ` … (${v.length} bytes)` : '');
  if (typeof v === 'string') return v.length > 200 ? v.slice(0, 199) + '…' : v;
  return String(v);
}

export function stackText(r: HistoryRecord): string {
  return r.frames.slice(0, 8).map((f) => f.name).join('\n');
}
