/**
 * Error text a client or a log may show: one line, no JavaScript stack, control characters
 * escaped, bounded length (issue 13: "never a stack trace in an error message"; a 10 MB
 * argument is not echoed whole).
 */

/** Longest reason kept in an error response or a log line, in characters. */
export const MAX_REASON_CHARS = 300;

/** The message of a thrown value, never its stack. */
export function reasonOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  try {
    return String(e);
  } catch {
    return 'unknown error';
  }
}

/**
 * One line: stack frame lines (`    at f (file:1:2)`) dropped, other line breaks and control
 * characters written as escapes (\n, \t, \x07, \u2028), cut to `max` characters with an ellipsis.
 */
export function oneLine(text: string, max = MAX_REASON_CHARS): string {
  // look at a bounded prefix only: a 16 MiB message costs no more than a short one
  const head = text.length > max * 4 ? text.slice(0, max * 4) : text;
  const lines = head.split(/\r?\n/).filter((l, i) => i === 0 || !/^\s+at\s/.test(l));
  let out = '';
  for (const ch of lines.join('\n')) {
    const c = ch.codePointAt(0)!;
    if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else if ((c >= 0x80 && c < 0xa0) || c === 0x2028 || c === 0x2029 || c === 0xfeff) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += ch;
    if (out.length > max) break;
  }
  return out.length > max || text.length > head.length ? out.slice(0, max) + '…' : out;
}
