/**
 * DAP fuzzing of the standalone adapter over stdio (issue 13), seeded so a failure replays:
 * a stream of malformed frames, requests with hostile arguments to every request of the table,
 * requests with typed but absurd values, and valid navigation and reads. Invariants checked as it
 * goes: every well-formed request is answered (the adapter never goes deaf), the process never
 * exits, every error answer is one line without a stack, hostile arguments are always refused.
 * At the end the session must be healthy and its Variables tree exact: identical to that of a
 * fresh session driven to the same stop (the same history seq). Only state-preserving requests
 * are sent valid, so no edit can make the two differ (checked: no `invalidated` event).
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import * as path from 'node:path';
import { RawClient, ROOT, frame, isOneLine } from './rawClient';
import { SAMPLE_ARGS, hostileVariants } from './requestSamples';
import * as P from '../../debug-adapter/protocol';

export const FUZZ_PROGRAM = path.join(ROOT, 'examples/hello.vlab');
/** hello.vlab line 33: the first expect after pin_user_pages, four pages pinned (gup §3.1). */
const FUZZ_STOP_LINE = 33;

/** mulberry32: a small seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FuzzReport {
  seed: number;
  /** Frames written: requests plus malformed frames. */
  messages: number;
  malformed: number;
  hostile: number;
  absurd: number;
  valid: number;
  errorAnswers: number;
  errorsWithStack: number;
  hostileAccepted: number;
  stops: number;
  finalSeq: number;
  variablesRows: number;
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

const WEIRD_STRINGS = ['', ' ', '\u0000', '\u001b[31m', '\ud800', '\u202e', 'é'.repeat(100), '{_stack}', '%s%n', '../../etc/passwd', 'x'.repeat(5000), 'sch(', 'vmstat.', 'page(qemu, 0x7f0000000000).refcount', 'irb.scsw.stctl', '1 +', ')(', '0x' + 'f'.repeat(40)];
const WEIRD_INTS = [-1, 0, 1, 2, 7, 1000, 1001, 0x10007, 2 ** 31, -(2 ** 31), Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];

/** A malformed frame (bytes); requests inside use seqs from `seq` (never awaited). */
function malformedFrame(r: Rand, seq: number): Buffer {
  const req = JSON.stringify({ seq, type: 'request', command: 'threads' });
  const kinds: Array<() => Buffer> = [
    () => frame('not json ' + pick(r, WEIRD_STRINGS)),
    () => frame('null'),
    () => frame(req.slice(0, int(r, 1, req.length - 1))),
    () => frame(Buffer.from([0x7b, 0x22, int(r, 0x80, 0xff), 0x22, 0x7d])),
    () => frame(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(req)])),
    () => frame(req, `Content-Length: ${pick(r, ['abc', '-5', '1.5', '0x10', '', '+3', '1e3'])}\r\n\r\n`),
    () => frame('{"x":1}', 'Content-Length: 99999999999999999999\r\n\r\n'),
    () => frame(req, `Content-Length: ${req.length + int(r, 1, 200)}\r\n\r\n`),
    () => frame(req, `Content-Length: ${int(r, 1, req.length - 1)}\r\n\r\n`),
    () => frame('', 'Content-Length: 0\r\n\r\n'),
    () => Buffer.from('\r\n\r\n' + req),
    () => frame(req, `content-length: ${req.length}\r\n\r\n`),
    () => frame(req, `Content-Length: ${req.length}\n\n`),
    () => Buffer.from(Array.from({ length: int(r, 1, 2048) }, () => int(r, 0, 255))),
    () => frame('x', 'Content-Length: 1\u0000\r\n\r\n'),
    () => frame(pick(r, ['[]', '42', '"s"', 'true', '{}'])),
    () => frame(JSON.stringify({ seq, command: 'threads' })),
    () => frame(JSON.stringify({ type: 'request', command: 'threads' })),
    () => frame(JSON.stringify({ seq, type: 'request', command: pick(r, [42, null, '', 'x'.repeat(100)]) })),
    () => frame(JSON.stringify({ seq, type: 'event', event: 'stopped' })),
    () => frame(JSON.stringify({ seq, type: 'response', request_seq: 'x' })),
    () => frame(`{"seq":${seq},"type":"request","command":"evaluate","arguments":{"expression":"1","format":${'['.repeat(5000)}${']'.repeat(5000)}}}`),
  ];
  return pick(r, kinds)();
}

/** A request with arguments of absurd but well-typed values (reaches the handlers). */
function absurdRequest(r: Rand): [string, unknown] {
  const s = () => pick(r, WEIRD_STRINGS);
  const n = () => pick(r, WEIRD_INTS);
  const choices: Array<() => [string, unknown]> = [
    () => ['stackTrace', { threadId: n(), startFrame: Math.abs(n()), levels: Math.abs(n()) }],
    () => ['scopes', { frameId: n() }],
    () => ['variables', { variablesReference: n(), format: { hex: r() < 0.5 }, start: Math.abs(n()), count: Math.abs(n()) }],
    () => ['evaluate', { expression: s(), context: pick(r, ['watch', 'hover', 'clipboard', 'variables']) }],
    () => ['completions', { text: s(), column: Math.abs(n()) }],
    () => ['setBreakpoints', { source: { path: pick(r, [FUZZ_PROGRAM, s()]) }, breakpoints: Array.from({ length: int(r, 0, 5) }, () => ({ line: Math.abs(n()) })) }],
    () => ['threads', undefined],
    () => [P.SUBCHANNELS_REQUEST, { only: [Math.abs(n()) % 65536], limit: int(r, 1, 65536) }],
    () => [P.PAGES_REQUEST, { interestingOnly: r() < 0.5, limit: int(r, 1, 100_000) }],
    () => [P.CRW_QUEUES_REQUEST, undefined],
    () => [pick(r, ['vlab/nope', 'modules', 'runInTerminal', '__proto__', 'constructor', 'toString', 'hasOwnProperty']), {}],
  ];
  return pick(r, choices)();
}

/** A valid state-preserving request (navigation and reads). */
function validRequest(r: Rand): [string, unknown] {
  const choices: Array<() => [string, unknown]> = [
    () => [pick(r, ['next', 'stepIn', 'stepOut', 'stepBack', 'next', 'stepIn']), { threadId: 1 }],
    () => [pick(r, ['continue', 'reverseContinue']), { threadId: 1 }],
    () => ['pause', { threadId: 1 }],
    () => ['setBreakpoints', { source: { path: FUZZ_PROGRAM }, breakpoints: Array.from({ length: int(r, 0, 3) }, () => ({ line: int(r, 1, 40) })) }],
    () => ['threads', undefined],
    () => ['stackTrace', { threadId: pick(r, [1, 0x10007]) }],
    () => ['scopes', { frameId: 1000 }],
    () => ['variables', { variablesReference: int(r, 1, 30) }],
    () => ['evaluate', { expression: pick(r, ['time', 'cc', 'vmstat.nr_foll_pin_acquired', 'sch(0.0.0007).pmcw.lpm', 'irb.scsw.stctl']), context: pick(r, ['watch', 'hover']) }],
    () => [P.SUBCHANNELS_REQUEST, {}],
    () => [P.PAGES_REQUEST, { interestingOnly: true }],
  ];
  return pick(r, choices)();
}

/** The whole Variables tree at the current stop, as text lines (depth-first, bounded). */
export async function variablesTree(c: RawClient): Promise<string[]> {
  const out: string[] = [];
  const scopes = ((await c.request('scopes', { frameId: 1000 })).body as DebugProtocol.ScopesResponse['body']).scopes;
  const walk = async (ref: number, depth: number, indent: string) => {
    const vars = ((await c.request('variables', { variablesReference: ref })).body as DebugProtocol.VariablesResponse['body']).variables;
    for (const v of vars) {
      out.push(`${indent}${v.name} = ${v.value}`);
      if (v.variablesReference > 0 && depth < 5 && out.length < 20_000) await walk(v.variablesReference, depth + 1, indent + '  ');
    }
  };
  for (const s of scopes) {
    out.push(`[${s.name}]`);
    await walk(s.variablesReference, 0, '  ');
  }
  return out;
}

async function seqOfStop(c: RawClient, command: string): Promise<number> {
  const mark = c.messages.length;
  const stop = (async () => {
    await c.stepAndWait(command);
    return ((await c.event(P.STATE_EVENT, mark)).body as P.StateEventBody).seq;
  })();
  const late = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no stop 30 s after '${command}'`)), 30_000).unref());
  return Promise.race([stop, late]);
}

/** Run `count` fuzz messages with `seed`; throws on the first broken invariant. */
export async function fuzz(seed: number, count: number, progress?: (line: string) => void): Promise<FuzzReport> {
  const r = prng(seed);
  const rep: FuzzReport = { seed, messages: 0, malformed: 0, hostile: 0, absurd: 0, valid: 0, errorAnswers: 0, errorsWithStack: 0, hostileAccepted: 0, stops: 0, finalSeq: -1, variablesRows: 0 };
  const hostileCommands = Object.entries(SAMPLE_ARGS).filter(([, a]) => a !== undefined) as Array<[string, Record<string, unknown>]>;
  const a = new RawClient();
  let malformedSeq = 1_000_000_000;
  try {
    await a.start(FUZZ_PROGRAM);
    const BATCH = 64;
    while (rep.messages < count) {
      const pending: Array<Promise<void>> = [];
      for (let i = 0; i < BATCH && rep.messages < count; i++) {
        rep.messages++;
        const x = r();
        if (x < 0.15) {
          rep.malformed++;
          a.write(malformedFrame(r, malformedSeq++));
          continue;
        }
        let command: string;
        let args: unknown;
        let hostile = false;
        if (x < 0.5) {
          const [cmd, sample] = pick(r, hostileCommands);
          command = cmd;
          args = pick(r, hostileVariants(sample));
          hostile = true;
          rep.hostile++;
        } else if (x < 0.7) {
          [command, args] = absurdRequest(r);
          rep.absurd++;
        } else {
          [command, args] = validRequest(r);
          rep.valid++;
        }
        pending.push(a.request(command, args).then((resp) => {
          if (resp.success) {
            if (hostile) rep.hostileAccepted++;
            return;
          }
          rep.errorAnswers++;
          if (!isOneLine(resp.message)) rep.errorsWithStack++;
        }));
      }
      const deaf = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`adapter deaf: ${pending.length} requests unanswered after 30 s (seed ${seed}, message ${rep.messages})`)), 30_000).unref());
      await Promise.race([Promise.all(pending), deaf]);
      if (progress && rep.messages % 10_000 < BATCH) progress(`${rep.messages} messages, ${a.messages.length} received`);
      if (a.proc.exitCode !== null) throw new Error(`adapter exited with ${a.proc.exitCode} (seed ${seed}, message ${rep.messages})`);
    }
    rep.stops = a.messages.filter((m) => m.type === 'event' && (m as DebugProtocol.Event).event === 'stopped').length;
    if (a.messages.some((m) => m.type === 'event' && (m as DebugProtocol.Event).event === 'invalidated')) throw new Error('the fuzz changed model state (an invalidated event): the exactness check would not hold');
    // healthy at the end: let a run finish, then a definite stop
    await a.request('pause', { threadId: 1 });
    const healthy = (await a.request('threads')) as DebugProtocol.ThreadsResponse;
    if (!healthy.success || healthy.body.threads[0].name !== 'guest CPU 0') throw new Error('threads not answered after the fuzz');
    // drive to a rich stop whatever the fuzz left: the breakpoint after the pin (4 pages pinned)
    await a.request('setBreakpoints', { source: { path: FUZZ_PROGRAM }, breakpoints: [{ line: FUZZ_STOP_LINE }] });
    progress?.('driving to the final stop');
    rep.finalSeq = await seqOfStop(a, 'reverseContinue');
    const top = ((await a.request('stackTrace', { threadId: 1 })).body as DebugProtocol.StackTraceResponse['body']).stackFrames[0];
    if (top?.line !== FUZZ_STOP_LINE) rep.finalSeq = await seqOfStop(a, 'continue');
    const treeA = await variablesTree(a);
    progress?.(`final stop seq ${rep.finalSeq}, ${treeA.length} Variables rows; reference session`);
    rep.variablesRows = treeA.length;
    // a fresh session driven to the same stop, one history record at a time
    const b = new RawClient();
    try {
      await b.start(FUZZ_PROGRAM);
      let seq = 0;
      for (let guard = 0; seq < rep.finalSeq; guard++) {
        if (guard > rep.finalSeq) throw new Error(`reference session never reached seq ${rep.finalSeq} (at ${seq})`);
        seq = await seqOfStop(b, 'stepIn');
      }
      if (seq !== rep.finalSeq) throw new Error(`reference session stepped past seq ${rep.finalSeq} (at ${seq})`);
      const treeB = await variablesTree(b);
      if (treeA.join('\n') !== treeB.join('\n')) {
        const i = treeA.findIndex((l, k) => l !== treeB[k]);
        throw new Error(`Variables tree differs from a fresh session at seq ${rep.finalSeq}, row ${i}: '${treeA[i]}' vs '${treeB[i]}'`);
      }
    } finally {
      await b.stop();
    }
    return rep;
  } finally {
    await a.stop();
  }
}
