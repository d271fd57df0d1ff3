/**
 * Scenario diagnostics: file, line, column, what was expected, and a "did you mean" for
 * near-miss names (PRODUCT §2). Lines and columns are 1-based, as editors and compilers print.
 */

export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  endColumn: number;
  severity: 'error' | 'warning';
  message: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`;
}

/** Levenshtein distance, bounded: returns max+1 as soon as the distance exceeds max. */
export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      rowMin = Math.min(rowMin, cur[j]);
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length];
}

/** The closest candidate within a distance that scales with the name's length, if any. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  const limit = Math.max(1, Math.min(3, Math.floor(name.length / 3)));
  let best: string | undefined;
  let bestD = limit + 1;
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase(), limit);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

export function suggestion(name: string, candidates: Iterable<string>): string {
  const s = didYouMean(name, candidates);
  return s ? ` (did you mean '${s}'?)` : '';
}

/** Characters of user text a message quotes at most (issue 13: a 10 MB word was echoed whole). */
export const EXCERPT_CHARS = 40;
/** A message is cut to this many characters (after its excerpts were shortened). */
export const MAX_MESSAGE_CHARS = 400;

/**
 * Control characters shown visibly: NUL as \x00, tab as \t, other C0/C1 controls, DEL and the
 * invisible format characters (BOM, bidi overrides) as \xNN / \uNNNN, so a message never prints
 * raw control bytes or reorders itself on screen.
 */
export function escapeControls(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, (ch) => {
    if (ch === '\t') return '\\t';
    if (ch === '\n') return '\\n';
    if (ch === '\r') return '\\r';
    const c = ch.charCodeAt(0);
    return c <= 0xff ? `\\x${c.toString(16).padStart(2, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`;
  });
}

/** At most `max` characters of `s` (then "…"), control characters escaped. */
export function excerpt(s: string, max = EXCERPT_CHARS): string {
  const cut = s.length > max ? s.slice(0, max) : s;
  return escapeControls(cut) + (s.length > max ? '…' : '');
}

/**
 * Makes any message safe to show: every quoted '…' part (a word, a token, a path from the file)
 * is shortened to an excerpt, control characters are escaped and the whole is bounded. Applied
 * to every diagnostic the parser reports, so statement parsers need not care.
 */
export function boundMessage(message: string): string {
  // One linear scan: `[^']*` never backtracks into a quote.
  const shortened = message.replace(/'([^']*)('|$)/g, (_all, inner: string, close: string) => `'${excerpt(inner)}${close}`);
  const safe = escapeControls(shortened);
  return safe.length > MAX_MESSAGE_CHARS ? safe.slice(0, MAX_MESSAGE_CHARS) + '…' : safe;
}
