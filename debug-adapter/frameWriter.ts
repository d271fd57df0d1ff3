/**
 * DAP base-protocol output for the standalone adapter: `Content-Length: N`, a blank line, N bytes
 * of UTF-8 JSON, written as one Buffer per message.
 *
 * The library's `ProtocolServer._send` (@vscode/debugadapter 1.68, lib/protocol.js) writes the
 * string `Content-Length: …\r\n\r\n` + JSON; the stream then flattens that concatenation into a
 * second copy of the JSON and converts it once more when the corked writes leave together
 * (framing.ts serveStdio). At model scale that was a third of what the adapter allocated per
 * step, and young-GC pauses are the step round trip's p99 (issue 12). Here the JSON is encoded
 * straight into the Buffer that is written. The bytes, their order and the `seq` numbers are the
 * library's: the same counter, the same header text, and `onDidSendMessage` still fires.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';

/** The members of the library's ProtocolServer that `_send` uses (private there, checked here before use). */
interface LibrarySender {
  _send(typ: 'request' | 'response' | 'event', message: DebugProtocol.ProtocolMessage): void;
  _sequence: number;
  _sendMessage: { fire(message: DebugProtocol.ProtocolMessage): void };
}

function isLibrarySender(s: Partial<LibrarySender>): s is LibrarySender {
  return typeof s._send === 'function' && typeof s._sequence === 'number' && typeof s._sendMessage?.fire === 'function';
}

/** One DAP frame of `json`: the header (ASCII) and the body (UTF-8) in one Buffer. */
export function encodeFrame(json: string): Buffer {
  const len = Buffer.byteLength(json, 'utf8');
  const head = `Content-Length: ${len}\r\n\r\n`;
  const out = Buffer.allocUnsafe(head.length + len);
  out.write(head, 0, 'latin1');
  out.write(json, head.length, 'utf8');
  return out;
}

/**
 * Let `session` (a library DebugSession started on `output`) write its messages as encodeFrame
 * buffers. Returns false, leaving the library's own writing in place, when the session does not
 * have the library's members (another library version, or a test double).
 */
export function writeFramesTo(session: object, output: NodeJS.WritableStream): boolean {
  // the library keeps these private; the cast is checked member by member just below
  const lib = session as Partial<LibrarySender>;
  if (!isLibrarySender(lib)) return false;
  lib._send = (typ, message) => {
    // as the library: type and seq set on the message itself, then the listeners are told
    message.type = typ;
    message.seq = lib._sequence++;
    output.write(encodeFrame(JSON.stringify(message)));
    lib._sendMessage.fire(message);
  };
  return true;
}
