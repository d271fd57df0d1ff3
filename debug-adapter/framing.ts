/**
 * DAP base-protocol framing for the standalone adapter: `Content-Length: N` header lines, a
 * blank line, N bytes of UTF-8 JSON. The library's reader dies or goes deaf on hostile input
 * (issue 13: 5 of 24 malformed frames killed it, 9 left it deaf, a 100 MB message took 466 s
 * because every chunk was appended to one Buffer), so this one is written to these rules:
 *
 * - Header names are case-insensitive; CRLF and LF-only line ends are accepted; other header
 *   lines are ignored; a UTF-8 BOM before the JSON is accepted.
 * - Anything that is not a header is skipped up to the next valid `Content-Length` header
 *   (resynchronisation), and reported on stderr as one bounded line.
 * - A declared length that is wrong is detected: a DAP header cannot occur inside a valid JSON
 *   body (a raw line break is never inside a JSON string, and `Content-Length` outside a
 *   string is not JSON), so a header seen inside a body ends that frame there.
 * - Reading is linear: bodies are kept as a list of chunks and joined once; header search looks
 *   at a bounded window.
 * - A message larger than MAX_MESSAGE_BYTES (16 MiB) is skipped as it streams, never buffered;
 *   when its first or last top-level keys give `seq` and `command`, it is answered with an error.
 * - A JSON object that is a request with a `seq` but is otherwise invalid is answered with an
 *   error response; what cannot be answered is logged. Nothing here ever throws at the caller.
 */
import { PassThrough } from 'stream';
import { Response } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { oneLine, reasonOf } from './oneLine';
import { WireOutput } from './wireOutput';

/** Largest DAP message accepted, in bytes (documented in docs/architecture.md). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** Bytes of input looked at per header search; a header is far shorter. */
const WINDOW = 4096;
/** Characters kept between searches, so a header split across chunks is still found. */
const KEEP = 1024;
/**
 * Bytes looked at first when a search starts afresh: a client's header is ~20 bytes, and a chunk
 * often holds several messages (VS Code sends a stop's variables requests together), so decoding
 * WINDOW bytes per message made up most of the reader's allocation per step (issue 12). A header
 * not complete in PEEK bytes is found as if the chunk had been split there (the search carries
 * text over, see inHeader), so what is found is the same.
 */
const PEEK = 128;
/** `Content-Length: ` as bytes, for the plain header's byte comparison (DapFrameReader.plainHeader). */
const PLAIN_HEADER = Buffer.from('Content-Length: ', 'latin1');
/** Longest command name echoed in an answer to a malformed request. */
const MAX_COMMAND = 64;

/** A complete header: Content-Length, optional other header lines, the blank line. */
const HEADER = /content-length[ \t]*:[ \t]*([^\r\n]*)\r?\n(?:[^\r\n]+\r?\n)*?\r?\n/i;
/** The same with a valid value: only this resynchronises inside a body. */
const VALID_HEADER = /content-length[ \t]*:[ \t]*\d+[ \t]*\r?\n(?:[^\r\n]+\r?\n)*?\r?\n/i;
/** Simple top-level members at the start or the end of an object (a skipped large message). */
const SIMPLE_MEMBER = /"(seq|command|type)"\s*:\s*(\d{1,15}|"[^"\\\r\n]{0,64}")/g;
const LEADING_MEMBERS = /^\s*\{(?:\s*"(?:seq|command|type)"\s*:\s*(?:\d{1,15}|"[^"\\\r\n]{0,64}")\s*,)+/;
const TRAILING_MEMBERS = /(?:,\s*"(?:seq|command|type)"\s*:\s*(?:\d{1,15}|"[^"\\\r\n]{0,64}")\s*)+\}\s*$/;

/**
 * fatal: invalid UTF-8 is refused, not replaced; a leading BOM is removed (ignoreBOM false). One
 * decoder for every message: without `stream` a decode keeps nothing between calls.
 */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

export interface FrameSink {
  /** A well-formed DAP message (a request with seq and command, or a response). */
  message(msg: DebugProtocol.ProtocolMessage): void;
  /** A request that can be answered but not handled: send an error response. */
  reject(seq: number, command: string, reason: string): void;
  /** One line for stderr. */
  log(line: string): void;
}

type Mode = 'header' | 'body' | 'skip';

export class DapFrameReader {
  private mode: Mode = 'header';
  /** Header mode: text (latin1, one char per byte) carried over from the previous search. */
  private scan = '';
  /** Header mode: bytes skipped since the last header, and how they began. */
  private garbage = 0;
  private garbageSample = '';
  /** Body / skip mode: declared length (and as written), bytes still expected, bytes received. */
  private declared = 0;
  private declaredText = '';
  private need = 0;
  private got = 0;
  private parts: Buffer[] = [];
  /** Body / skip mode: last KEEP characters received (header search across chunks). */
  private tail = '';
  /** Skip mode: the first KEEP characters, for the seq / command of the answer. */
  private head = '';
  /** The length a plain header declared (plainHeaderAt). */
  private plainLength = 0;

  /** `acceptEvents`: reading an adapter's output (a test client), where events are normal. */
  constructor(private readonly sink: FrameSink, private readonly maxMessageBytes = MAX_MESSAGE_BYTES, private readonly acceptEvents = false) {}

  /** Feed bytes as they arrive. */
  push(chunk: Uint8Array): void {
    let buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    try {
      // whole plain frames first, by offset (no view of the rest per frame); then the general reader
      let at = 0;
      while (this.mode === 'header' && this.scan === '' && at < buf.length) {
        const next = this.wholeFrame(buf, at);
        if (next < 0) break;
        at = next;
      }
      if (at > 0) buf = buf.subarray(at);
      while (buf.length > 0) buf = this.mode === 'header' ? this.inHeader(buf) : this.inBody(buf);
    } catch (e) {
      // a bug here must not end the session: start over at the next header
      this.log(`framing: internal error, resynchronising: ${reasonOf(e)}`);
      this.reset();
    }
  }

  /** The input ended: report what was left incomplete. */
  end(): void {
    if (this.mode !== 'header') this.log(`framing: input ended inside a message (${this.got} of ${this.declared} bytes)`);
    else {
      this.garbage += this.scan.trim().length;
      this.reportGarbage();
    }
    this.reset();
  }

  private reset(): void {
    this.mode = 'header';
    this.scan = '';
    this.parts.length = 0;
    this.tail = '';
    this.head = '';
    this.need = this.got = this.declared = 0;
  }

  private log(line: string): void {
    try {
      this.sink.log(oneLine(line));
    } catch {
      // stderr gone: nothing to report to
    }
  }

  private noteGarbage(text: string): void {
    if (text.trim() === '') return; // blank lines between frames are harmless
    if (this.garbage === 0) this.garbageSample = text.trimStart().slice(0, 40);
    this.garbage += text.length;
  }

  private reportGarbage(): void {
    if (this.garbage > 0) this.log(`framing: skipped ${this.garbage} byte(s) that are not a DAP header, starting '${this.garbageSample}'`);
    this.garbage = 0;
    this.garbageSample = '';
  }

  private inHeader(buf: Buffer): Buffer {
    if (this.scan === '') {
      const rest = this.plainHeader(buf);
      if (rest) return rest;
    }
    const carried = this.scan;
    const take = Math.min(buf.length, carried === '' ? PEEK : WINDOW);
    const text = carried + buf.toString('latin1', 0, take);
    const m = HEADER.exec(text);
    if (!m) {
      if (text.length > KEEP) {
        this.noteGarbage(text.slice(0, text.length - KEEP));
        this.scan = text.slice(text.length - KEEP);
      } else this.scan = text;
      return buf.subarray(take);
    }
    this.noteGarbage(text.slice(0, m.index));
    this.reportGarbage();
    this.scan = '';
    const end = m.index + m[0].length;
    const rest = end >= carried.length ? buf.subarray(end - carried.length) : Buffer.concat([Buffer.from(carried.slice(end), 'latin1'), buf]);
    this.startFrame(m[1].trim());
    return rest;
  }

  /**
   * The header as clients write it, `Content-Length: N` (N without leading zeros) and a blank
   * line, at `at`: read from the bytes, without the text and the regex match of the general
   * search (issue 12: the reader's allocation per request). Returns where the body starts (N in
   * `plainLength`), or -1 for anything else (other case or spacing, more header lines, a header
   * split across chunks, a leading zero), which the general search reads, finding the same.
   */
  private plainHeaderAt(buf: Buffer, at: number): number {
    const name = PLAIN_HEADER.length;
    if (buf.length - at < name + 5) return -1;
    for (let i = 0; i < name; i++) if (buf[at + i] !== PLAIN_HEADER[i]) return -1;
    let p = at + name;
    if (buf[p] < 0x31 || buf[p] > 0x39) return -1;
    const digits = p;
    let n = 0;
    while (p < buf.length && p - digits < 15 && buf[p] >= 0x30 && buf[p] <= 0x39) n = n * 10 + buf[p++] - 0x30;
    if (p + 4 > buf.length || buf[p] !== 0x0d || buf[p + 1] !== 0x0a || buf[p + 2] !== 0x0d || buf[p + 3] !== 0x0a) return -1;
    this.plainLength = n;
    return p + 4;
  }

  /** A plain header at the start of the input (a body that did not come whole with it). */
  private plainHeader(buf: Buffer): Buffer | undefined {
    const start = this.plainHeaderAt(buf, 0);
    if (start < 0) return undefined;
    this.reportGarbage();
    this.startLength(this.plainLength, '');
    return buf.subarray(start);
  }

  /**
   * A plain header at `at` followed by its whole body, with no line break in it: the message is
   * read as inHeader and inBody would read it, and the offset after it is returned; -1 when the
   * frame is anything else (the general reader then reads it from `at`).
   */
  private wholeFrame(buf: Buffer, at: number): number {
    const start = this.plainHeaderAt(buf, at);
    if (start < 0) return -1;
    const n = this.plainLength;
    const end = start + n;
    if (n > this.maxMessageBytes || end > buf.length) return -1;
    // a line break in the body: the general reader looks for a header in it (inBody)
    let ascii = true;
    for (let i = start; i < end; i++) {
      const c = buf[i];
      if (c === 10) return -1;
      if (c >= 0x80) ascii = false;
    }
    this.reportGarbage();
    if (ascii) {
      // ASCII is its own UTF-8: the text straight from the bytes (no view, no decoder call)
      this.reset();
      this.finishText(buf.toString('latin1', start, end), undefined, undefined);
    } else {
      const body = buf.subarray(start, end);
      this.finishBody(body, body);
    }
    return end;
  }

  private startFrame(value: string): void {
    if (!/^\d+$/.test(value)) {
      this.log(`framing: bad Content-Length '${value}' (not a non-negative decimal integer): frame skipped`);
      return;
    }
    const n = value.length > 15 ? Number.POSITIVE_INFINITY : Number(value);
    if (n === 0) {
      this.log('framing: empty message (Content-Length: 0) skipped');
      return;
    }
    this.startLength(n, value);
  }

  /** `text`: the length as written; '' when it is the plain decimal of `n` (plainHeader). */
  private startLength(n: number, text: string): void {
    this.declared = this.need = n;
    this.declaredText = text;
    this.got = 0;
    this.parts.length = 0;
    this.tail = '';
    this.head = '';
    this.mode = n > this.maxMessageBytes ? 'skip' : 'body';
  }

  private inBody(buf: Buffer): Buffer {
    const n = Math.min(this.need, buf.length);
    const piece = buf.subarray(0, n);
    // A whole body in one piece with no line break cannot hold a header (VALID_HEADER ends in one;
    // JSON.stringify never writes one): it is parsed straight from the bytes, and its text tail is
    // built only if it fails (rescanTail). The common case: no latin1 copy per message (issue 12).
    if (this.mode === 'body' && this.got === 0 && n === this.need && piece.indexOf(10) === -1) {
      this.finishBody(piece, piece);
      return buf.subarray(n);
    }
    const pieceText = piece.toString('latin1');
    const text = this.tail + pieceText;
    const hit = VALID_HEADER.exec(text);
    if (hit) {
      // the declared length was wrong: the frame ends where the next header starts
      const bodyBytes = this.got - this.tail.length + hit.index;
      this.log(`framing: Content-Length ${this.declaredText || this.declared} does not match the frame (a header follows after ${bodyBytes} byte(s)): frame skipped`);
      this.reset();
      return Buffer.concat([Buffer.from(text.slice(hit.index), 'latin1'), buf.subarray(n)]);
    }
    if (this.mode === 'skip' && this.head.length < KEEP) this.head += pieceText.slice(0, KEEP - this.head.length);
    if (this.mode === 'body') this.parts.push(piece);
    this.got += n;
    this.need -= n;
    this.tail = text.length > KEEP ? text.slice(text.length - KEEP) : text;
    if (this.need === 0) {
      if (this.mode === 'skip') this.finishSkipped();
      // a body that came in one chunk is decoded in place (decode copies it into the string)
      else this.finishBody(this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.got));
    }
    return buf.subarray(n);
  }

  private finishSkipped(): void {
    const reason = `message of ${this.declaredText || this.declared} bytes exceeds the maximum of ${this.maxMessageBytes} bytes (${this.maxMessageBytes / 1048576} MiB)`;
    const members = new Map<string, string>();
    for (const part of [LEADING_MEMBERS.exec(this.head)?.[0], TRAILING_MEMBERS.exec(this.tail)?.[0]]) {
      for (const x of (part ?? '').matchAll(SIMPLE_MEMBER)) members.set(x[1], x[2]);
    }
    this.reset();
    const seq = Number(members.get('seq'));
    const command = members.get('command')?.slice(1, -1) ?? 'unknown';
    if (members.get('type') === '"request"' && Number.isSafeInteger(seq)) {
      this.log(`framing: ${reason}: request ${seq} '${command}' answered with an error`);
      this.sink.reject(seq, command, `${command}: ${reason}`);
    } else this.log(`framing: ${reason}: skipped`);
  }

  /** `whole`: the body came in one piece and `this.tail` was not kept (the text tail is made from it on failure). */
  private finishBody(body: Buffer, whole?: Buffer): void {
    const kept = this.tail;
    this.reset();
    let text: string;
    try {
      text = UTF8.decode(body);
    } catch {
      this.log(`framing: message body of ${body.length} bytes is not valid UTF-8: skipped`);
      this.rescanTail(whole ? whole.toString('latin1', Math.max(0, whole.length - KEEP)) : kept);
      return;
    }
    this.finishText(text, whole ? undefined : kept, whole);
  }

  /**
   * Parse a decoded body. On failure the search restarts in its tail: `kept` (a body read in
   * pieces), else the last KEEP bytes of `whole`, else (an ASCII body) of `text` itself.
   */
  private finishText(text: string, kept: string | undefined, whole: Buffer | undefined): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      this.log(`framing: message body is not JSON (${reasonOf(e)}): '${text.slice(0, 40)}'`);
      this.rescanTail(kept ?? (whole ? whole.toString('latin1', Math.max(0, whole.length - KEEP)) : text.slice(-KEEP)));
      return;
    }
    this.envelope(value);
  }

  /**
   * A body that failed may have been cut short by a Content-Length that was a few bytes too
   * large, so that it ends with the beginning of the next header: search again from there.
   */
  private rescanTail(tail: string): void {
    const last = tail.slice(-64).search(/[cC][^cC]*$/);
    if (last >= 0) this.scan = tail.slice(-64).slice(last);
  }

  /** Check the DAP envelope (ProtocolMessage): answer a malformed request when it has a seq. */
  private envelope(value: unknown): void {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.log(`framing: message is ${value === null ? 'null' : Array.isArray(value) ? 'an array' : 'a ' + typeof value}, not a DAP message object: skipped`);
      return;
    }
    const o = value as Record<string, unknown>;
    const seq = o.seq;
    const seqOk = typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0;
    const command = typeof o.command === 'string' ? o.command.slice(0, MAX_COMMAND) : 'unknown';
    if (o.type === 'request') {
      if (!seqOk) this.log(`framing: request '${command}' without a valid 'seq' cannot be answered: skipped`);
      else if (typeof o.command !== 'string' || o.command === '') this.sink.reject(seq, command, "request: 'command' must be a non-empty string");
      else if (o.command.length > MAX_COMMAND) this.sink.reject(seq, command, `request: 'command' is longer than ${MAX_COMMAND} characters`);
      else this.sink.message(canonicalRequest(seq, o.command, o.arguments));
    } else if (o.type === 'response') {
      if (seqOk && Number.isSafeInteger(o.request_seq) && typeof o.success === 'boolean' && typeof o.command === 'string') this.sink.message(o as unknown as DebugProtocol.Response);
      else this.log('framing: malformed response from the client: skipped');
    } else if (o.type === 'event') {
      if (this.acceptEvents && typeof o.event === 'string') this.sink.message(o as unknown as DebugProtocol.Event);
      else this.log(`framing: event from the client ignored`);
    } else if (seqOk) {
      this.sink.reject(seq, command, "message: 'type' must be 'request'");
    } else this.log("framing: message without a valid 'type' and 'seq': skipped");
  }
}

/**
 * A request as the session gets it: always these four keys, in this order, whatever order (or
 * extra keys) the client's JSON had. JSON.parse gives every key order its own hidden class, and
 * clients differ (VS Code sends command, arguments, type, seq; dap-steprtt type, command,
 * arguments, seq): optimised code that saw one order is thrown away at the first request in
 * another, and V8 takes hundreds of steps to optimise it again (issue 12: the standalone
 * adapter's warm-up client and dap-steprtt differ; in a 2,000-step run at model scale, 65 of the
 * 79 steps over 2 ms were within one step of such a recompile or of a first compile).
 */
function canonicalRequest(seq: number, command: string, args: unknown): DebugProtocol.Request {
  return { seq, type: 'request', command, arguments: args };
}

/** What serveStdio needs of the session: the library's ProtocolServer surface. */
export interface StdioSession {
  start(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): void;
  handleMessage(msg: DebugProtocol.ProtocolMessage): void;
  sendResponse(response: DebugProtocol.Response): void;
  /** Send responses and events through `wire` instead of the library's send (wireOutput.ts). */
  useWire?(wire: WireOutput): void;
}

/** A writable that can hold writes back and then pass them on together (Node's Writable does). */
interface Corkable {
  cork(): void;
  uncork(): void;
}

function corkable(s: NodeJS.WritableStream): s is NodeJS.WritableStream & Corkable {
  const c = s as NodeJS.WritableStream & Partial<Corkable>;
  return typeof c.cork === 'function' && typeof c.uncork === 'function';
}

/**
 * Serve `session` over a byte stream pair. The library still writes every response and event
 * (`start` gets the output stream); input goes through DapFrameReader instead of the library's
 * reader, which gets an empty stream that ends when `input` ends (so the library's "client went
 * away" shutdown still happens).
 *
 * The messages answering one input chunk leave in one write: the output is corked while the
 * chunk's requests are handled (a step's response, `stopped` and `vlab/state`; the variables
 * requests a client sends together). Each write to a pipe is a system call that wakes the client,
 * and they were 40–54 % of the adapter's time per step at scale (issue 12); the bytes, and their
 * order, are the same. Messages sent later (a long run's slices, a launch that awaits) are
 * written as they come.
 */
export function serveStdio(session: StdioSession, input: NodeJS.ReadableStream, output: NodeJS.WritableStream, errors: NodeJS.WritableStream): void {
  const libraryInput = new PassThrough();
  session.start(libraryInput, output);
  // a session that can send through a WireOutput batches in it; otherwise the stream is corked
  const fd = (output as { fd?: unknown }).fd;
  const wire = session.useWire ? new WireOutput(output, typeof fd === 'number' ? fd : undefined) : undefined;
  if (wire) session.useWire!(wire);
  const reader = new DapFrameReader({
    message: (msg) => {
      try {
        session.handleMessage(msg);
      } catch (e) {
        errors.write(`vfio-lab adapter: ${oneLine('internal error: ' + reasonOf(e))}\n`);
      }
    },
    reject: (seq, command, reason) => session.sendResponse(new Response({ seq, command, type: 'request' }, oneLine(reason))),
    log: (line) => errors.write(`vfio-lab adapter: ${line}\n`),
  });
  const cork = !wire && corkable(output) ? output : undefined;
  input.on('data', (chunk: Buffer) => {
    cork?.cork();
    wire?.hold();
    try {
      reader.push(chunk);
    } finally {
      wire?.release();
      cork?.uncork();
    }
  });
  input.on('end', () => {
    reader.end();
    libraryInput.end();
  });
}
