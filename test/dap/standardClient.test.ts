/**
 * Other clients (issue 9, PRODUCT §3): a whole session against the standalone adapter
 * (dist/debugAdapter.js) over stdio with a hand-written Content-Length client, as nvim-dap,
 * Emacs dap-mode or Theia drive it — only standard DAP requests, no custom request, no
 * VS Code-specific argument: initialize, launch, setBreakpoints, configurationDone, threads,
 * stackTrace, scopes, variables, next, stepBack, continue, evaluate, disassemble, readMemory,
 * disconnect.
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { ADAPTER, example } from './client';

interface Message {
  seq: number;
  type: 'request' | 'response' | 'event';
  command?: string;
  event?: string;
  request_seq?: number;
  success?: boolean;
  message?: string;
  body?: Record<string, unknown>;
}

/** A minimal DAP client: framing, request/response matching, an event queue. */
class StdioClient {
  private readonly proc: ChildProcessWithoutNullStreams;
  private buf = Buffer.alloc(0);
  private seq = 1;
  private readonly pending = new Map<number, (m: Message) => void>();
  private readonly events: Message[] = [];
  private waiters: Array<{ event: string; resolve: (m: Message) => void }> = [];
  readonly exited: Promise<number | null>;

  constructor(adapter: string) {
    this.proc = spawn(process.execPath, [adapter], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => this.proc.on('exit', (code) => resolve(code)));
    this.proc.stdout.on('data', (d: Buffer) => this.onData(d));
  }

  private onData(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const len = Number(/Content-Length: (\d+)/i.exec(this.buf.subarray(0, end).toString('ascii'))?.[1]);
      if (this.buf.length < end + 4 + len) return;
      const msg = JSON.parse(this.buf.subarray(end + 4, end + 4 + len).toString('utf8')) as Message;
      this.buf = this.buf.subarray(end + 4 + len);
      if (msg.type === 'response') this.pending.get(msg.request_seq!)?.(msg);
      else if (msg.type === 'event') {
        const w = this.waiters.find((x) => x.event === msg.event);
        if (w) {
          this.waiters = this.waiters.filter((x) => x !== w);
          w.resolve(msg);
        } else this.events.push(msg);
      }
    }
  }

  request(command: string, args?: Record<string, unknown>): Promise<Message> {
    const seq = this.seq++;
    const text = JSON.stringify({ seq, type: 'request', command, arguments: args });
    return new Promise((resolve) => {
      this.pending.set(seq, resolve);
      this.proc.stdin.write(`Content-Length: ${Buffer.byteLength(text, 'utf8')}\r\n\r\n${text}`);
    });
  }

  async ok(command: string, args?: Record<string, unknown>): Promise<Record<string, unknown>> {
    const r = await this.request(command, args);
    assert.equal(r.success, true, `${command}: ${r.message}`);
    return r.body ?? {};
  }

  /** The next `event` (queued or future). */
  event(event: string): Promise<Message> {
    const i = this.events.findIndex((e) => e.event === event);
    if (i >= 0) return Promise.resolve(this.events.splice(i, 1)[0]);
    return new Promise((resolve) => this.waiters.push({ event, resolve }));
  }

  kill(): void {
    this.proc.kill();
  }
}

describe('DAP: a standard-requests-only client over stdio (nvim-dap, dap-mode, Theia)', function () {
  this.timeout(30000);

  it('runs a full session: breakpoints, stacks, scopes, stepping back, evaluate, disassemble, memory, disconnect', async () => {
    const program = example('hello.vlab');
    const c = new StdioClient(ADAPTER);
    try {
      // nvim-dap sends these initialize arguments (no supportsVariableType etc. assumed)
      const caps = await c.ok('initialize', { clientID: 'neovim', adapterID: 'vlab', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
      assert.equal(caps.supportsConfigurationDoneRequest, true);
      assert.equal(caps.supportsStepBack, true);
      assert.equal(caps.supportsDisassembleRequest, true);
      assert.equal(caps.supportsReadMemoryRequest, true);
      const initialized = c.event('initialized');
      await c.ok('launch', { type: 'vlab', request: 'launch', name: 'hello', program, stopOnEntry: false });
      await initialized;
      const bps = await c.ok('setBreakpoints', { source: { path: program }, breakpoints: [{ line: 15 }, { line: 26 }] });
      assert.deepEqual((bps.breakpoints as Array<{ verified: boolean; line: number }>).map((b) => [b.verified, b.line]), [[true, 15], [true, 26]]);
      let stopped = c.event('stopped');
      await c.ok('configurationDone');
      let ev = await stopped;
      assert.equal(ev.body?.reason, 'breakpoint');
      const channel = ev.body?.threadId as number;
      assert.equal(channel, 0x10007);

      const threads = (await c.ok('threads')).threads as Array<{ id: number; name: string }>;
      assert.deepEqual(threads.map((t) => t.name), ['guest CPU 0', 'channel 0.0.0007']);
      const frames = (await c.ok('stackTrace', { threadId: channel })).stackFrames as Array<{ id: number; name: string; line: number; source?: { sourceReference?: number; path?: string }; instructionPointerReference?: string }>;
      assert.equal(frames[0].name, 'CCW @0x1008 cmd 0x02');
      assert.equal(frames[0].line, 15);
      assert.equal(frames[0].instructionPointerReference, '0x1008');
      assert.ok(frames[1].source?.sourceReference, 'kernel frame has a source reference');
      const src = await c.ok('source', { source: frames[1].source, sourceReference: frames[1].source!.sourceReference });
      assert.match(String(src.content), /^css_interpret_ccw\(\)/);

      const scopes = (await c.ok('scopes', { frameId: frames[0].id })).scopes as Array<{ name: string; variablesReference: number }>;
      assert.equal(scopes[0].name, 'CCW');
      const ccw = (await c.ok('variables', { variablesReference: scopes[0].variablesReference })).variables as Array<{ name: string; value: string }>;
      assert.equal(ccw.find((v) => v.name === 'command')?.value, 'READ (0x02)'); // css §3.3

      const dis = (await c.ok('disassemble', { memoryReference: frames[0].instructionPointerReference, instructionCount: 2, instructionOffset: -1 })).instructions as Array<{ address: string; instruction: string }>;
      assert.deepEqual(dis.map((i) => `${i.address} ${i.instruction}`), ['0x1000 WRITE CC count 16 cda 0x2000 <msg>', '0x1008 READ SLI count 16 cda 0x3000 <buf>']);

      stopped = c.event('stopped');
      await c.ok('next', { threadId: channel });
      ev = await stopped;
      stopped = c.event('stopped');
      await c.ok('stepBack', { threadId: ev.body?.threadId });
      ev = await stopped;
      assert.equal(((await c.ok('stackTrace', { threadId: ev.body?.threadId })).stackFrames as Array<{ name: string }>)[0].name, 'CCW @0x1008 cmd 0x02');

      stopped = c.event('stopped');
      await c.ok('continue', { threadId: channel });
      ev = await stopped;
      assert.equal(ev.body?.reason, 'breakpoint');
      assert.equal(ev.body?.threadId, 1);
      const mem = await c.ok('readMemory', { memoryReference: '0x3000', count: 5 });
      assert.equal(Buffer.from(String(mem.data), 'base64').toString('latin1'), 'HELLO'); // the READ stored it
      const r = await c.ok('evaluate', { expression: 'irb.scsw.dstat', context: 'repl' });
      assert.equal(r.result, '12 (0xc)'); // css §4 channel end + device end

      const terminated = c.event('terminated');
      await c.ok('continue', { threadId: 1 });
      await terminated;
      await c.ok('disconnect', { restart: false });
    } finally {
      c.kill();
    }
  });
});
