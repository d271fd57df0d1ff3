/**
 * Pure text for the VFIO Lab tree rows: radix formatting, row labels and descriptions, tooltip
 * Markdown and the parser for values typed into the edit box. No `vscode` import, so the host
 * views, the snapshot API and the unit tests all share exactly these strings.
 */
import type { CrwQueueView, CrwView, FieldGroup, FieldRow, SubchannelView } from '../../debug-adapter/protocol';

export type Radix = 'hex' | 'dec' | 'bin';
export const RADIXES: readonly Radix[] = ['hex', 'dec', 'bin'];

/** hex → dec → bin → hex: the order the view-title toggle cycles through. */
export function nextRadix(radix: Radix): Radix {
  return RADIXES[(RADIXES.indexOf(radix) + 1) % RADIXES.length]!;
}

export function isRadix(value: unknown): value is Radix {
  return value === 'hex' || value === 'dec' || value === 'bin';
}

function toBig(value: number | bigint): bigint {
  if (typeof value === 'bigint') return value;
  if (!Number.isFinite(value)) return 0n;
  return BigInt(Math.trunc(value));
}

/** Group digits from the right with `_` every `group` digits (binary only: nibbles). */
function groupDigits(digits: string, group: number): string {
  const out: string[] = [];
  for (let end = digits.length; end > 0; end -= group) out.unshift(digits.slice(Math.max(0, end - group), end));
  return out.join('_');
}

/**
 * Format `value` of a `width`-bit field: hex and binary are zero-padded to the width
 * (`0x0080`, `0b1000_0000`), decimal is plain. Negative numbers (errno values) keep their sign.
 */
export function formatValue(value: number | bigint, width: number, radix: Radix): string {
  const v = toBig(value);
  if (radix === 'dec') return v.toString(10);
  const neg = v < 0n;
  const abs = neg ? -v : v;
  const w = Math.max(1, Math.floor(width) || 1);
  if (radix === 'hex') {
    const digits = abs.toString(16).padStart(Math.ceil(w / 4), '0');
    return `${neg ? '-' : ''}0x${digits}`;
  }
  const digits = abs.toString(2).padStart(w, '0');
  return `${neg ? '-' : ''}0b${w > 8 || digits.length > 8 ? groupDigits(digits, 4) : digits}`;
}

/** A count (refcount, vmstat counter): decimal unless the view asks otherwise, no padding. */
export function formatCount(value: number, radix: Radix): string {
  if (radix === 'dec') return String(value);
  const width = value === 0 ? 1 : Math.abs(value).toString(2).length;
  return formatValue(value, radix === 'hex' ? Math.ceil(width / 4) * 4 : width, radix);
}

/** Escape text for a Markdown table cell or paragraph (no HTML, no links). */
export function mdEscape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

function valueTable(value: number | bigint, width: number): string {
  return [
    '| hex | dec | bin |',
    '| --- | --- | --- |',
    `| \`${formatValue(value, width, 'hex')}\` | \`${formatValue(value, width, 'dec')}\` | \`${formatValue(value, width, 'bin')}\` |`,
  ].join('\n');
}

// ---- fields (SCHIB groups, CRW decoded fields) ----------------------------------------------

export const CHANGED_MARK = '●';
export const NOT_VALID = '(not valid)';

/**
 * The field's name without its group prefix: under the SCSW group `scsw.stctl` reads `stctl`
 * (the group row already says SCSW); `mda`, `crw.rsc` likewise.
 */
export function shortFieldName(name: string): string {
  const dot = name.indexOf('.');
  return dot < 0 ? name : name.slice(dot + 1);
}

/** `lpm [w2.0-7]` */
export function fieldLabel(row: FieldRow): string {
  return `${shortFieldName(row.name)} [${row.bits}]`;
}

/** `● 0x80  paths 0`, `0x0c  CE|DE`, `0x00 (not valid)` */
export function fieldDescription(row: FieldRow, radix: Radix): string {
  const value = formatValue(row.value, row.width, radix);
  const decoded = row.decoded && row.valid ? `  ${row.decoded}` : '';
  return `${row.changed ? `${CHANGED_MARK} ` : ''}${value}${decoded}${row.valid ? '' : ` ${NOT_VALID}`}`;
}

export function fieldTooltip(row: FieldRow): string {
  const lines = [
    `**${mdEscape(row.name)}** \`[${row.bits}]\`, ${row.width} bit${row.width === 1 ? '' : 's'}`,
    '',
    valueTable(row.value, row.width),
    '',
  ];
  if (row.decoded) lines.push(`Decoded: **${mdEscape(row.decoded)}**`, '');
  if (row.meaning) lines.push(mdEscape(row.meaning), '');
  if (!row.valid) lines.push('*Not valid in the current SCSW state: the stored value has no meaning (css §1.3).*', '');
  if (row.changed) lines.push(`${CHANGED_MARK} Changed since the previous stop.`, '');
  lines.push(row.editable ? 'Editable: set through MSCH semantics (css §5.3), undoable with Step Back.' : 'Read-only.');
  if (row.ref) lines.push('', `Reference: ${mdEscape(row.ref)}`);
  return lines.join('\n');
}

/** Word numbers a group's fields live in, from their bit strings (`w2.0-7` → 2). */
export function fieldWords(fields: readonly FieldRow[]): number[] {
  const words = new Set<number>();
  for (const f of fields) {
    const m = /^w(\d+)/.exec(f.bits);
    if (m) words.add(Number(m[1]));
  }
  return [...words].sort((a, b) => a - b);
}

/** `w0–6` for a set of word numbers. */
export function wordRange(words: readonly number[]): string {
  if (words.length === 0) return '';
  const min = Math.min(...words);
  const max = Math.max(...words);
  return min === max ? `w${min}` : `w${min}–${max}`;
}

export function groupDescription(group: FieldGroup): string {
  const changed = group.fields.filter((f) => f.changed).length;
  const words = wordRange(fieldWords(group.fields));
  return [words, changed ? `${CHANGED_MARK} ${changed} changed` : ''].filter(Boolean).join('  ');
}

/** Group tooltip: what the group is, then its raw words (`FieldGroup.words`, in order) in hex. */
export function groupTooltip(group: FieldGroup, meaning: string): string {
  const first = fieldWords(group.fields)[0] ?? 0;
  const lines = [`**${mdEscape(group.name)}** ${wordRange(fieldWords(group.fields))}`, '', mdEscape(meaning)];
  if (group.words.length > 0) {
    lines.push('', '| word | raw |', '| --- | --- |');
    group.words.forEach((w, i) => lines.push(`| w${first + i} | \`${formatValue(w >>> 0, 32, 'hex')}\` |`));
  }
  return lines.join('\n');
}

// ---- subchannels -----------------------------------------------------------------------------

export function subchannelLabel(sch: SubchannelView): string {
  // vfio topology: the guest's (QEMU) and the host's (machine) SCHIB of one device, side by side
  return sch.side ? `${sch.sid} ${sch.side}` : sch.sid;
}

export function subchannelDescription(sch: SubchannelView): string {
  const changed = sch.groups.some((g) => g.fields.some((f) => f.changed));
  // the state says "status pending (primary|secondary)" before TSCH (css §1.3), else the activity
  const state = sch.state && sch.state !== 'idle' ? sch.state : sch.active ? 'active' : '';
  return [`dev ${sch.devno}`, sch.deviceType, sch.active && state !== 'active' ? 'active' : '', state, changed ? CHANGED_MARK : ''].filter(Boolean).join('  ');
}

export function subchannelTooltip(sch: SubchannelView): string {
  return [
    `**Subchannel ${mdEscape(sch.sid)}** (number ${sch.sch})`,
    '',
    `Device ${mdEscape(sch.devno)}, type ${mdEscape(sch.deviceType)}`,
    '',
    sch.active ? 'A channel program is in flight (a channel thread exists).' : 'No channel program in flight.',
    '',
    ...(sch.state ? [`State: **${mdEscape(sch.state)}**${sch.statusPending ? ': an interruption condition waits for TSCH (css §1.3 STCTL 0x01).' : ''}`, ''] : []),
    'SCHIB layout: css §1 (PMCW §1.1, SCSW §1.3).',
  ].join('\n');
}

// ---- CRWs ------------------------------------------------------------------------------------

/** `machine`, with description `3 CRWs  overflow`. */
export function crwQueueDescription(queue: CrwQueueView): string {
  const n = queue.crws.length;
  const change = queue.changed ? `${CHANGED_MARK} was ${queue.previousCount ?? '?'}` : '';
  return [`${n} CRW${n === 1 ? '' : 's'}`, queue.overflow ? '⚠ overflow' : '', change].filter(Boolean).join('  ');
}

export function crwQueueTooltip(queue: CrwQueueView): string {
  const lines = [`**${mdEscape(queue.name)}** CRW queue: ${queue.crws.length} pending`];
  if (queue.overflow) lines.push('', 'Overflow: one or more CRWs were lost; the next CRW stored has OFLW set (css §6.1, §6.3).');
  return lines.join('\n');
}

export function crwLabel(crw: CrwView): string {
  return crw.decoded || `RSC ${crw.rsc}, ERC ${crw.erc}, RSID ${formatValue(crw.rsid, 16, 'hex')}`;
}

/** The raw word in the view's radix (the decoded label already names RSC, ERC, RSID and flags). */
export function crwDescription(crw: CrwView, radix: Radix): string {
  return `${crw.isNew ? `${CHANGED_MARK} new  ` : ''}${formatValue(crw.raw >>> 0, 32, radix)}`;
}

export function crwTooltip(crw: CrwView): string {
  return [
    `**CRW** ${mdEscape(crwLabel(crw))}`,
    '',
    valueTable(crw.raw >>> 0, 32),
    '',
    'Layout: css §6.1 (one 32-bit word: SOL, OFLW, CHN, RSC, ANC, ERC, RSID).',
  ].join('\n');
}


// ---- editing ---------------------------------------------------------------------------------

export type ParseResult = { ok: true; value: bigint; text: string } | { ok: false; error: string };

/**
 * Parse a value typed into the edit box: `0x` hex, `0b` binary or decimal, non-negative, and
 * fitting in `width` bits. The error text is shown under the input box.
 */
export function parseFieldValue(input: string, width: number): ParseResult {
  const text = input.trim();
  if (text === '') return { ok: false, error: 'Enter a value: decimal, 0x hex or 0b binary.' };
  let value: bigint;
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) value = BigInt(text);
  else if (/^0[bB][01]+$/.test(text)) value = BigInt(`0b${text.slice(2)}`);
  else if (/^[0-9]+$/.test(text)) value = BigInt(text);
  else if (/^-/.test(text)) return { ok: false, error: `'${text}' is negative: fields are unsigned.` };
  else return { ok: false, error: `'${text}' is not a number: use decimal, 0x hex or 0b binary.` };
  const max = (1n << BigInt(Math.max(0, width))) - 1n;
  if (value > max) {
    return {
      ok: false,
      error: `${text} does not fit in ${width} bit${width === 1 ? '' : 's'} (max ${formatValue(max, width, 'hex')} = ${max}).`,
    };
  }
  return { ok: true, value, text };
}
