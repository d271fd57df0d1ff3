/**
 * A DAP client over raw stdio bytes, for tests that must send what DebugClient cannot: malformed
 * frames, hostile envelopes, a 100 MB body. It reads the adapter's output with the adapter's own
 * frame reader (framing.ts), keeps every message, and answers `request()` by request_seq.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DapFrameReader } from '../../debug-adapter/framing';

export const ROOT = path.resolve(__dirname, '../../..');
export const ADAPTER = path.join(ROOT, 'dist/debugAdapter.js');

export function frame(body: string | Buffer, header?: string): Buffer {
  const b = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return Buffer.concat([Buffer.from(header ?? `Content-Length: ${b.length}\r\n\r\n`, 'latin1'), b]);
}

export class RawClient {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly messages: DebugProtocol.ProtocolMessage[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<number | null>;
  private seq = 1;
  private waiters: Array<{ test: (m: DebugProtocol.ProtocolMessage) => boolean; resolve: (m: DebugProtocol.ProtocolMessage) => void }> = [];
  private stderrTail = '';

  constructor(adapter = ADAPTER) {
    this.proc = spawn(process.execPath, [adapter], { stdio: 'pipe' });
    const reader = new DapFrameReader({
      message: (m) => this.onMessage(m),
      reject: (_seq, _cmd, reason) => this.stderr.push(`client: adapter sent a bad frame: ${reason}`),
      log: (line) => this.stderr.push(`client: ${line}`),
    }, 1 << 30, true);
    this.proc.stdout.on('data', (c: Buffer) => reader.push(c));
    this.proc.stderr.on('data', (c: Buffer) => {
      const lines = (this.stderrTail + c.toString('utf8')).split('\n');
      this.stderrTail = lines.pop() ?? '';
      this.stderr.push(...lines);
    });
    this.proc.stdin.on('error', () => undefined); // the adapter may exit first (disconnect)
    this.exited = new Promise((resolve) => this.proc.on('exit', (code) => resolve(code)));
  }

  private onMessage(m: DebugProtocol.ProtocolMessage): void {
    this.messages.push(m);
    this.waiters = this.waiters.filter((w) => {
      if (!w.test(m)) return true;
      w.resolve(m);
      return false;
    });
  }

  write(bytes: Buffer | string): void {
    this.proc.stdin.write(bytes);
  }

  /** The next message passing `test` (also one already received after `since`). */
  waitFor<T extends DebugProtocol.ProtocolMessage>(test: (m: DebugProtocol.ProtocolMessage) => boolean, since = 0): Promise<T> {
    const seen = this.messages.slice(since).find(test);
    if (seen) return Promise.resolve(seen as T);
    return new Promise((resolve) => this.waiters.push({ test, resolve: resolve as (m: DebugProtocol.ProtocolMessage) => void }));
  }

  /** Resolves once a stderr line from `since` on matches (stderr and stdout are not ordered). */
  async stderrLine(pattern: RegExp, since = 0): Promise<string> {
    for (;;) {
      const hit = this.stderr.slice(since).find((l) => pattern.test(l));
      if (hit !== undefined) return hit;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** A new seq for a request written by hand. */
  nextSeq(): number {
    return this.seq++;
  }

  /** Send a well-formed request; resolves with its response (success or not). */
  request(command: string, args?: unknown): Promise<DebugProtocol.Response> {
    const seq = this.seq++;
    const body: Record<string, unknown> = { seq, type: 'request', command };
    if (args !== undefined) body.arguments = args;
    const answered = this.response(seq);
    this.write(frame(JSON.stringify(body)));
    return answered;
  }

  /** Fire requests without waiting; resolves when all are answered. */
  response(seq: number): Promise<DebugProtocol.Response> {
    return this.waitFor<DebugProtocol.Response>((m) => m.type === 'response' && (m as DebugProtocol.Response).request_seq === seq);
  }

  event(name: string, since = 0): Promise<DebugProtocol.Event> {
    return this.waitFor<DebugProtocol.Event>((m) => m.type === 'event' && (m as DebugProtocol.Event).event === name, since);
  }

  /** initialize, launch, configurationDone; resolves at the first stop. */
  async start(program: string, extra: Record<string, unknown> = {}): Promise<DebugProtocol.StoppedEvent> {
    const init = await this.request('initialize', { adapterID: 'vlab', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
    if (!init.success) throw new Error(`initialize failed: ${init.message}`);
    const mark = this.messages.length;
    const launch = await this.request('launch', { program, stopOnEntry: true, ...extra });
    if (!launch.success) throw new Error(`launch failed: ${launch.message}`);
    const stopped = this.event('stopped', mark);
    await this.request('configurationDone');
    return (await stopped) as DebugProtocol.StoppedEvent;
  }

  /** A run request (next, stepBack...) and the stop that follows it. */
  async stepAndWait(command: string, args: Record<string, unknown> = { threadId: 1 }): Promise<DebugProtocol.StoppedEvent> {
    const mark = this.messages.length;
    const r = await this.request(command, args);
    if (!r.success) throw new Error(`${command} failed: ${r.message}`);
    return (await this.waitFor((m) => m.type === 'event' && ['stopped', 'terminated'].includes((m as DebugProtocol.Event).event), mark)) as DebugProtocol.StoppedEvent;
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode === null) {
      this.proc.stdin.end();
      this.proc.kill();
    }
    await this.exited;
  }
}

/** True when an error message is one line without a JavaScript stack frame (issue 13). */
export function isOneLine(message: string | undefined): boolean {
  return typeof message === 'string' && message.length > 0 && !/[\r\n]/.test(message) && !message.includes('    at ') && !/\bat .*\.js:\d+:\d+/.test(message);
}
