/**
 * The standalone adapter's output (issue 12): each DAP message becomes its frame
 * (`Content-Length: N\r\n\r\n` and N bytes of JSON) directly in one reused byte buffer
 * (jsonBytes.ts), and the frames sent while an input chunk is handled leave in one write. The
 * bytes and their order are exactly what the library's send wrote; what changes is the garbage:
 * per step, the library's send and Node's writev made ~30 KB of short-lived strings and write
 * requests (measured with the sampling heap profiler at scale); now, on a file descriptor, none.
 */
import { writeSync } from 'fs';
import { JsonBytes } from './jsonBytes';

/** Bytes kept in front of a body for its header: `Content-Length: ` (16), up to 10 digits, CRLF CRLF (4). */
const HEADER_ROOM = 30;
const HEADER = 'Content-Length: ';

export class WireOutput {
  private readonly bytes = new JsonBytes();
  /** Nesting of hold(): frames are written when it drops to 0. */
  private held = 0;

  /**
   * `fd`: the stream's file descriptor (process.stdout's 1), written with writeSync while the
   * stream has nothing queued, so that a step's answers cost no write request, tick or copy; a
   * partial write, a full pipe (EAGAIN) or an error hands the rest to the stream, which keeps the
   * order (everything after it queues behind it) and reports errors as before.
   */
  constructor(private readonly out: NodeJS.WritableStream, private readonly fd?: number) {}

  /** Append the frame of `message` (its `type` and `seq` already set); written now unless held. */
  message(message: object): void {
    const b = this.bytes;
    const frame = b.len;
    b.ensure(HEADER_ROOM);
    b.len += HEADER_ROOM;
    const body = b.len;
    try {
      // what the writer cannot reproduce exactly goes through JSON.stringify, as the library did
      if (!b.write(message)) b.utf8(JSON.stringify(message));
    } catch (e) {
      b.len = frame; // JSON.stringify threw (a cycle): nothing of this message is kept, as before
      throw e;
    }
    const size = b.len - body;
    // the header right before the body: its length is known only now, so the body moves up
    let digits = 1;
    for (let x = size; x >= 10; x = Math.floor(x / 10)) digits++;
    const headerLen = HEADER.length + digits + 4;
    const buf = b.buf;
    let p = frame;
    for (let i = 0; i < HEADER.length; i++) buf[p++] = HEADER.charCodeAt(i);
    for (let i = digits - 1, x = size; i >= 0; i--, x = Math.floor(x / 10)) buf[p + i] = 0x30 + (x % 10);
    p += digits;
    buf[p++] = 0x0d;
    buf[p++] = 0x0a;
    buf[p++] = 0x0d;
    buf[p++] = 0x0a;
    buf.copyWithin(p, body, body + size);
    b.len = frame + headerLen + size;
    if (this.held === 0) this.flush();
  }

  /** Hold frames back until the matching release() (one input chunk's answers, one write). */
  hold(): void {
    this.held++;
  }

  release(): void {
    if (this.held > 0 && --this.held === 0) this.flush();
  }

  /**
   * Write what is held, as one Buffer of its own (the stream may keep it until the pipe drains;
   * the work buffer is reused at once). Called before anything else writes to the same stream.
   */
  flush(): void {
    const b = this.bytes;
    if (b.len === 0) return;
    let done = 0;
    if (this.fd !== undefined && (this.out as { writableLength?: number }).writableLength === 0) {
      try {
        done = writeSync(this.fd, b.buf, 0, b.len);
      } catch {
        done = 0; // EAGAIN (pipe full), EPIPE, …: the stream writes it (and reports what fails)
      }
    }
    if (done < b.len) {
      const chunk = Buffer.allocUnsafe(b.len - done);
      b.buf.copy(chunk, 0, done, b.len);
      this.out.write(chunk);
    }
    b.len = 0;
  }
}
