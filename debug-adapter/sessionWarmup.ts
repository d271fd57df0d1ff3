/**
 * Warm-up of the request path for the standalone adapter (issue 12). warmUp() (warmup.ts) runs
 * the model, the navigator and the views, but not what every request passes through: the frame
 * reader, dispatchRequest and its argument checks, the handlers' answers and the wire's JSON
 * writer. So an in-memory client plays VS Code's stepping sequence (next, stopped, threads,
 * stackTrace, scopes, variables of every scope) against a session of its own, served by the same
 * serveStdio over in-memory streams, before the real client is read. It steps through the flat
 * scenario of warmup.ts, which warmUp() used to run without a session.
 *
 * Measured with dap-steprtt (3 alternating runs each, medians): a fresh adapter on a short
 * scenario (hello.vlab: every session a new process) stepped at p50 1.57 ms before, 0.86 ms
 * after; the adapter starts as fast as before (≈ 0.9–1.1 s to the initialize answer), as this
 * replaces the flat round of warmUp(). The number of steps: SESSION_GROUPS.
 *
 * Best effort: whatever goes wrong (a refused request, an exception, no answer within
 * WARM_UP_TIMEOUT_MS) ends the warm-up, never the adapter; the session is then dropped. It reads
 * no file (its FileAccess answers the built-in scenario) and writes nothing to the process's
 * streams.
 */
import { PassThrough, Writable } from 'stream';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { serveStdio } from './framing';
import { VlabSession } from './session';
import { flatScenario } from './warmup';

/**
 * Statement groups stepped through (8 statements each, as the flat warm-up scenario's). V8
 * optimises a function called once per step (nextRequest, stackTraceRequest, stopAt, …) only
 * after ~2,000 calls. With 60 groups (480 steps) those compiles came during the client's steps:
 * in a 2,000-step dap-steprtt run at model scale, 65 of the 79 steps over 2 ms were within one
 * step of a TurboFan compile or deopt (trace). 200 groups (1,828 steps, ~0.7 s) are paid for by
 * fewer warmUp() rounds (warmup.ts ROUNDS): the adapter starts about as fast as before (0.93 s
 * against 0.90 s). With the other changes of that round (one request shape, the session as its own port,
 * a collection after the warm-up), the p99 step at scale went from 3.64 to 3.34 ms (medians of 9
 * alternating dap-steprtt runs; 300 groups: about 0.1 ms less, 0.3 s more to start).
 */
const SESSION_GROUPS = 200;
/** Of the steps, one in this many goes back (stepBack) instead: Step Back's request path too. */
const BACK_EVERY = 16;
/** The warm-up gives up after this long (the adapter then serves the client as it is). */
const WARM_UP_TIMEOUT_MS = 5000;
const WARM_UP_PROGRAM = '/vfio-lab-warm-up/warm-up.vlab';

type Message = DebugProtocol.Response | DebugProtocol.Event;

/**
 * The client side: frames written by the session are parsed here and handed to `onMessage`. Not
 * the adapter's DapFrameReader (framing.ts): fed the session's answers and events here, it would
 * carry their type feedback into the real session's request reading, and a fresh adapter's p50
 * step was ~5 % higher that way (5 of 6 alternating dap-steprtt pairs on hello.vlab). The
 * session's own frames are well formed; this reader only has to survive one that is not.
 */
export class AnswerFrames extends Writable {
  private pending = Buffer.alloc(0);

  constructor(private readonly onMessage: (m: Message) => void) {
    super();
  }

  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (e?: Error | null) => void): void {
    this.pending = Buffer.concat([this.pending, typeof chunk === 'string' ? Buffer.from(chunk) : chunk]);
    try {
      for (;;) {
        const end = this.pending.indexOf('\r\n\r\n');
        if (end < 0) break;
        const len = Number(/Content-Length: (\d+)/.exec(this.pending.toString('latin1', 0, end))?.[1] ?? NaN);
        if (!Number.isFinite(len) || this.pending.length < end + 4 + len) break;
        const body = this.pending.toString('utf8', end + 4, end + 4 + len);
        this.pending = this.pending.subarray(end + 4 + len);
        this.onMessage(JSON.parse(body) as Message);
      }
    } catch {
      // a frame this client cannot read: dropped with the rest, and the request waiting for it
      // is ended by the deadline (an error here would be an unhandled stream error: a crash)
      this.pending = Buffer.alloc(0);
    }
    done();
  }
}

class WarmUpClient {
  private seq = 1;
  private readonly waiting = new Map<number, (r: DebugProtocol.Response) => void>();
  private stopped: (() => void) | undefined;
  readonly input = new PassThrough();
  readonly output = new AnswerFrames((m) => this.take(m));

  private take(m: Message): void {
    if (m.type === 'response') {
      const r = m as DebugProtocol.Response;
      const w = this.waiting.get(r.request_seq);
      this.waiting.delete(r.request_seq);
      w?.(r);
    } else if ((m as DebugProtocol.Event).event === 'stopped') {
      const s = this.stopped;
      this.stopped = undefined;
      s?.();
    }
  }

  /** Send a request; resolves with its body, rejects on an error answer. */
  request<T>(command: string, args?: object): Promise<T> {
    const seq = this.seq++;
    const json = JSON.stringify({ seq, type: 'request', command, arguments: args });
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(seq, (r) => (r.success ? resolve(r.body as T) : reject(new Error(`${command}: ${r.message ?? 'failed'}`))));
      this.input.write(`Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
    });
  }

  /** Resolves at the next `stopped` event. */
  nextStop(): Promise<void> {
    return new Promise((resolve) => (this.stopped = resolve));
  }
}

/** The stepping sequence VS Code sends at each stop (dap-steprtt plays the same). */
async function inspectStop(client: WarmUpClient): Promise<void> {
  await client.request('threads');
  const trace = await client.request<DebugProtocol.StackTraceResponse['body']>('stackTrace', { threadId: 1, startFrame: 0, levels: 20 });
  const top = trace.stackFrames[0];
  if (!top) return;
  const { scopes } = await client.request<DebugProtocol.ScopesResponse['body']>('scopes', { frameId: top.id });
  await Promise.all(scopes.map((s) => client.request('variables', { variablesReference: s.variablesReference })));
}

/** What a warm-up did: the steps it completed, and why it ended early if it did. */
export interface WarmUpResult {
  steps: number;
  failure?: string;
}

async function drive(client: WarmUpClient, groups: number, result: WarmUpResult, cancelled: () => boolean): Promise<void> {
  await client.request('initialize', { adapterID: 'vfio-lab', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true, supportsVariableType: true });
  const entry = client.nextStop();
  await client.request('launch', { program: WARM_UP_PROGRAM, stopOnEntry: true });
  await client.request('configurationDone');
  await entry;
  // `at`: statements stepped over; every BACK_EVERY-th step goes back one instead, and the next
  // steps over it again (the history's undo and redo, as a user's Step Back and Step Over)
  for (let at = 0, k = 1; at < groups * 8 && !cancelled(); k++) {
    const back = k % BACK_EVERY === 0;
    const stop = client.nextStop();
    await client.request(back ? 'stepBack' : 'next', { threadId: 1 });
    await stop;
    await inspectStop(client);
    at += back ? -1 : 1;
    result.steps++;
  }
}

/** Run the warm-up session; resolves when it is done, failed or timed out (never rejects). */
export async function warmUpSession(groups = SESSION_GROUPS, timeoutMs = WARM_UP_TIMEOUT_MS): Promise<WarmUpResult> {
  const text = flatScenario(groups);
  const session = new VlabSession({ readFile: async () => text });
  // a 'close' or 'error' would make the library exit a standalone process: not this session's
  session.setRunAsServer(true);
  const client = new WarmUpClient();
  const discard = new Writable({ write: (_c, _e, done) => done() });
  serveStdio(session, client.input, client.output, discard);
  const result: WarmUpResult = { steps: 0 };
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(() => {
    timedOut = true;
    result.failure = `no answer within ${timeoutMs} ms`;
    resolve();
  }, timeoutMs)));
  // the in-memory streams answer in ticks, not turns of the event loop: the timer alone would
  // not fire while the steps go on, so each step also looks at the clock
  const deadline = Date.now() + timeoutMs;
  const late = (): boolean => {
    if (!timedOut && Date.now() > deadline) {
      timedOut = true;
      result.failure = `not done within ${timeoutMs} ms`;
    }
    return timedOut;
  };
  const run = drive(client, groups, result, late).catch((e: unknown) => {
    result.failure = e instanceof Error ? e.message : String(e);
  });
  try {
    await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
  return result;
}
