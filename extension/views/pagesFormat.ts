/**
 * Pure text of the Pages view (issue 10): counters with their change, VMA and folio rows that say
 * folios and pages correctly, the active filter, and the parser for values typed into the filter
 * input boxes (a bad value gives one clear line and changes nothing). No `vscode` import.
 */
import type { CounterRow, FolioRow, PageFilter, PageSort, VmaSummary } from '../../debug-adapter/protocol';
import { CHANGED_MARK, formatCount, mdEscape, type Radix } from './format';

const plural = (n: number, word: string): string => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/** `● 516 (was 4)` or `4`. */
export function counterDescription(c: CounterRow, radix: Radix): string {
  const v = formatCount(c.value, radix);
  return c.previous === undefined ? v : `${CHANGED_MARK} ${v} (was ${formatCount(c.previous, radix)})`;
}

const COUNTER_MEANING: Record<string, string> = {
  nr_foll_pin_acquired: 'Pins taken with FOLL_PIN, one per page (gup §4).',
  nr_foll_pin_released: 'Pins released by unpin_user_page*() (gup §4). acquired − released = pins held.',
  locked_vm: 'mm->locked_vm: pages accounted against RLIMIT_MEMLOCK, e.g. by vfio_pin_pages (gup §10.1).',
  pinned_vm: 'mm->pinned_vm: pages pinned by io_uring registered buffers and RDMA (gup §10).',
};

export function counterTooltip(c: CounterRow): string {
  const lines = [`**${mdEscape(c.name)}** = ${c.value} (\`${formatCount(c.value, 'hex')}\`)`];
  if (c.previous !== undefined) lines.push('', `${CHANGED_MARK} Changed since the previous stop: was ${c.previous}.`);
  const meaning = COUNTER_MEANING[c.name];
  if (meaning) lines.push('', mdEscape(meaning));
  lines.push('', `Expression: \`${c.expression}\``);
  return lines.join('\n');
}

/** `anon rw-p  4 folios (2,048 pages) of 4,096 pages`. */
export function vmaSummaryDescription(v: VmaSummary): string {
  const match = v.matchingFolios === v.matchingPages ? plural(v.matchingPages, 'page') : `${plural(v.matchingFolios, 'folio')} (${plural(v.matchingPages, 'page')})`;
  return `${v.kind}  ${v.prot}  ${match} of ${plural(v.sizePages, 'page')}`;
}

/** `0x7f0000200000  pfn 0x200`. */
export function folioLabel(f: FolioRow): string {
  return `${f.vaddr}  pfn ${formatCount(f.pfn, 'hex')}`;
}

/** `● THP 512 pages  ref 513  pin 512  maybe-pinned  dirty`. */
export function folioDescription(f: FolioRow, radix: Radix): string {
  const pin = f.pincount === null ? '–' : formatCount(f.pincount, radix);
  return [
    `${f.changed ? `${CHANGED_MARK} ` : ''}${f.nrPages > 1 ? `folio ${plural(f.nrPages, 'page')}  ` : ''}ref ${formatCount(f.refcount, radix)}  pin ${pin}`,
    f.maybeDmaPinned ? 'maybe-pinned' : '',
    f.dirty ? 'dirty' : '',
    f.zeroPage ? 'zero-page' : '',
    f.zone !== 'normal' ? f.zone : '',
  ].filter(Boolean).join('  ');
}

export function folioTooltip(f: FolioRow): string {
  const yes = (b: boolean): string => (b ? 'yes' : 'no');
  return [
    `**${f.nrPages > 1 ? `Folio of ${f.nrPages} pages` : 'Page'}** at \`${mdEscape(f.vaddr)}\`, head pfn \`${formatCount(f.pfn, 'hex')}\``,
    '',
    '| | |',
    '| --- | --- |',
    `| refcount | ${f.refcount} (\`${formatCount(f.refcount, 'hex')}\`) |`,
    `| pincount | ${f.pincount === null ? '– (no exact pin field for this folio, gup §3.2)' : String(f.pincount)} |`,
    `| maybe DMA-pinned | ${yes(f.maybeDmaPinned)} (gup §3.3) |`,
    `| dirty | ${yes(f.dirty)} (gup §6) |`,
    `| folio order | ${f.order} (${plural(f.nrPages, 'page')}) |`,
    `| zone | ${mdEscape(f.zone)} |`,
    '',
    f.nrPages > 1 ? 'refcount and pincount belong to the folio: every subpage reads the same values (gup §3.1, §3.2).' : '',
    f.changed ? `${CHANGED_MARK} Changed since the previous stop.` : 'Unchanged since the previous stop.',
    '',
    `Expression: \`${f.expression}\``,
  ].filter((l, i, a) => l !== '' || a[i - 1] !== '').join('\n');
}

/** `pinned only · pincount > 2 · sorted by pincount`, or '' when nothing narrows the list. */
export function filterDescription(f: PageFilter, sort: PageSort): string {
  const parts: string[] = [];
  if (f.interestingOnly === false) parts.push('all pages');
  if (f.pinnedOnly) parts.push('pinned only');
  if (f.minPincount !== undefined) parts.push(`pincount > ${f.minPincount}`);
  if (f.dirtyOnly) parts.push('dirty');
  if (f.zone) parts.push(`zone ${f.zone}`);
  if (f.vaddrFrom !== undefined || f.vaddrTo !== undefined) parts.push(`vaddr ${f.vaddrFrom ?? '0'}–${f.vaddrTo ?? '∞'}`);
  if (f.pfnFrom !== undefined || f.pfnTo !== undefined) parts.push(`pfn ${f.pfnFrom ?? 0}–${f.pfnTo ?? '∞'}`);
  if (sort !== 'vaddr') parts.push(`sorted by ${sort}`);
  return parts.join(' · ');
}

export type FilterInput = 'minPincount' | 'zone' | 'vaddrRange' | 'pfnRange';
export type FilterParse = { ok: true; change: Partial<PageFilter> } | { ok: false; error: string };

export const ZONE_NAMES = ['normal', 'movable', 'cma', 'device'] as const;

function parseAddress(text: string, what: string): { ok: true; value: bigint } | { ok: false; error: string } {
  const t = text.trim();
  if (!/^(0x[0-9a-f]+|[0-9]+)$/i.test(t)) return { ok: false, error: `'${t}' is not an address: type 0x hex or decimal (${what}).` };
  const v = BigInt(t);
  if (v >= 1n << 64n) return { ok: false, error: `${t} is wider than 64 bits (${what}).` };
  return { ok: true, value: v };
}

/**
 * Parse what the user typed for one filter. Ranges are `FROM-TO` (half-open, `-TO` and `FROM-`
 * allowed); an empty text removes that filter.
 */
export function parseFilterInput(kind: FilterInput, input: string): FilterParse {
  const text = input.trim();
  if (kind === 'minPincount') {
    if (text === '') return { ok: true, change: { minPincount: undefined } };
    if (!/^[0-9]+$/.test(text)) return { ok: false, error: `'${text}' is not a number: type a whole number ≥ 0 (pincount greater than it is shown).` };
    const n = Number(text);
    if (!Number.isSafeInteger(n)) return { ok: false, error: `${text} is too large.` };
    return { ok: true, change: { minPincount: n } };
  }
  if (kind === 'zone') {
    if (text === '') return { ok: true, change: { zone: undefined } };
    if (!(ZONE_NAMES as readonly string[]).includes(text)) return { ok: false, error: `'${text}' is not a zone: use ${ZONE_NAMES.join(', ')}.` };
    return { ok: true, change: { zone: text } };
  }
  if (text === '') return { ok: true, change: kind === 'vaddrRange' ? { vaddrFrom: undefined, vaddrTo: undefined } : { pfnFrom: undefined, pfnTo: undefined } };
  const m = /^([^-\s]*)\s*-\s*([^-\s]*)$/.exec(text);
  if (!m || (m[1] === '' && m[2] === '')) return { ok: false, error: `'${text}' is not a range: type FROM-TO, e.g. 0x7f0000000000-0x7f0000100000.` };
  const what = kind === 'vaddrRange' ? 'virtual address' : 'PFN';
  const from = m[1] ? parseAddress(m[1], what) : undefined;
  const to = m[2] ? parseAddress(m[2], what) : undefined;
  if (from && !from.ok) return from;
  if (to && !to.ok) return to;
  const f = from?.ok ? from.value : undefined;
  const t = to?.ok ? to.value : undefined;
  if (f !== undefined && t !== undefined && f >= t) return { ok: false, error: `the range ${text} is empty: FROM must be below TO.` };
  if (kind === 'vaddrRange') {
    return { ok: true, change: { vaddrFrom: f === undefined ? undefined : `0x${f.toString(16)}`, vaddrTo: t === undefined ? undefined : `0x${t.toString(16)}` } };
  }
  const big = (v: bigint | undefined) => (v === undefined ? undefined : Number(v));
  if ((f !== undefined && f > BigInt(Number.MAX_SAFE_INTEGER)) || (t !== undefined && t > BigInt(Number.MAX_SAFE_INTEGER))) return { ok: false, error: `${text}: a PFN is at most ${Number.MAX_SAFE_INTEGER}.` };
  return { ok: true, change: { pfnFrom: big(f), pfnTo: big(t) } };
}

/** The filter with `change` applied; `undefined` values remove a condition. */
export function applyFilterChange(f: PageFilter, change: Partial<PageFilter>): PageFilter {
  const out: Record<string, unknown> = { ...f, ...change };
  for (const k of Object.keys(out)) if (out[k] === undefined || out[k] === false && k !== 'interestingOnly') delete out[k];
  if (out.interestingOnly === true) delete out.interestingOnly;
  return out as PageFilter;
}
