/**
 * The malformed frames of the issue 13 attack run, with what the adapter must do with each:
 * answer it (a request with a seq) or report it on stderr. Shared by the framing tests and the
 * attack bench (test/bench/dapAttack.ts).
 */
import { frame } from './rawClient';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Deterministic bytes (xorshift32), never containing a DAP header. */
function garbage(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

export interface Case {
  name: string;
  bytes: (seq: number) => Buffer;
  /** A response to `seq` is expected: success and a message pattern (for errors). */
  answer?: { success: boolean; message?: RegExp };
  /** A stderr line is expected. */
  log?: RegExp;
}

const req = (seq: number, command = 'threads', extra: Record<string, unknown> = {}) => JSON.stringify({ seq, type: 'request', command, ...extra });

export const CASES: Case[] = [
  { name: 'non-JSON body', bytes: () => frame('hello, adapter'), log: /message body is not JSON/ },
  { name: 'null body', bytes: () => frame('null'), log: /message is null, not a DAP message object/ },
  { name: 'truncated JSON', bytes: (s) => frame(req(s).slice(0, 30)), log: /message body is not JSON/ },
  { name: 'invalid UTF-8', bytes: () => frame(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])), log: /is not valid UTF-8/ },
  { name: 'UTF-8 BOM before the JSON', bytes: (s) => frame(Buffer.concat([BOM, Buffer.from(req(s))])), answer: { success: true } },
  { name: 'Content-Length not a number', bytes: (s) => frame(req(s), 'Content-Length: abc\r\n\r\n'), log: /bad Content-Length 'abc'/ },
  { name: 'negative Content-Length', bytes: (s) => frame(req(s), 'Content-Length: -5\r\n\r\n'), log: /bad Content-Length '-5'/ },
  { name: 'fractional Content-Length', bytes: (s) => frame(req(s), 'Content-Length: 1.5\r\n\r\n'), log: /bad Content-Length '1\.5'/ },
  { name: 'huge Content-Length', bytes: () => frame('{"x":1}', 'Content-Length: 99999999999999999999\r\n\r\n'), log: /Content-Length 99999999999999999999 does not match the frame/ },
  { name: 'Content-Length larger than the body', bytes: (s) => frame(req(s), `Content-Length: ${req(s).length + 100}\r\n\r\n`), log: /does not match the frame \(a header follows after \d+ byte/ },
  { name: 'Content-Length larger by a few bytes (cuts into the next header)', bytes: (s) => frame(req(s), `Content-Length: ${req(s).length + 5}\r\n\r\n`), log: /message body is not JSON/ },
  { name: 'Content-Length smaller than the body', bytes: (s) => frame(req(s), `Content-Length: ${req(s).length - 10}\r\n\r\n`), log: /message body is not JSON/ },
  { name: 'Content-Length: 0', bytes: () => frame('', 'Content-Length: 0\r\n\r\n'), log: /empty message \(Content-Length: 0\) skipped/ },
  { name: 'missing header', bytes: (s) => Buffer.from('\r\n\r\n' + req(s)), log: /skipped \d+ byte\(s\) that are not a DAP header, starting '\{"seq"/ },
  { name: 'lowercase header', bytes: (s) => frame(req(s), `content-length: ${req(s).length}\r\n\r\n`), answer: { success: true } },
  { name: 'LF-only separators', bytes: (s) => frame(req(s), `Content-Length: ${req(s).length}\n\n`), answer: { success: true } },
  { name: 'other header lines', bytes: (s) => frame(req(s), `Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: ${req(s).length}\r\nX-Other: 1\r\n\r\n`), answer: { success: true } },
  { name: 'blanks around the length', bytes: (s) => frame(req(s), `Content-Length:   ${req(s).length}  \r\n\r\n`), answer: { success: true } },
  { name: 'binary garbage', bytes: () => garbage(4096, 13), log: /skipped \d+ byte\(s\) that are not a DAP header/ },
  { name: 'NUL byte in the header', bytes: () => frame('x', 'Content-Length: 1\u0000\r\n\r\n'), log: /bad Content-Length '1\\x00'/ },
  { name: 'JSON array body', bytes: () => frame('[1,2,3]'), log: /message is an array/ },
  { name: 'JSON number body', bytes: () => frame('42'), log: /message is a number/ },
  { name: 'seq but no type', bytes: (s) => frame(JSON.stringify({ seq: s, command: 'threads' })), answer: { success: false, message: /^message: 'type' must be 'request'$/ } },
  { name: 'request without seq', bytes: () => frame(JSON.stringify({ type: 'request', command: 'threads' })), log: /request 'threads' without a valid 'seq' cannot be answered/ },
  { name: 'command not a string', bytes: (s) => frame(JSON.stringify({ seq: s, type: 'request', command: 42 })), answer: { success: false, message: /^request: 'command' must be a non-empty string$/ } },
  { name: 'event from the client', bytes: (s) => frame(JSON.stringify({ seq: s, type: 'event', event: 'stopped' })), log: /event from the client ignored/ },
  { name: 'arguments null', bytes: (s) => frame(req(s, 'next', { arguments: null })), answer: { success: false, message: /^next: arguments must be an object$/ } },
  { name: 'deeply nested arguments', bytes: (s) => frame(`{"seq":${s},"type":"request","command":"evaluate","arguments":{"expression":"1","format":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`), answer: { success: false, message: /^evaluate: 'format' must be an object$/ } },
];

