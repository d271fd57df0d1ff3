/**
 * The issue 13 attack figures, for one adapter build (run it for the old and the new one):
 * malformed frames that kill or deafen the standalone adapter, error replies carrying a stack,
 * the time to answer a 100 MB evaluate, and the heap of an inline session on a runaway TIC loop.
 * Usage: node out/test/bench/dapAttack.js <debugAdapter.js> <session.js bundle> [runaway seconds]
 * (the session bundle: esbuild debug-adapter/session.ts --bundle --platform=node --format=cjs).
 */
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { RawClient, ROOT, frame, isOneLine } from '../dap/rawClient';
import { CASES } from '../dap/malformedFrames';
import { SAMPLE_ARGS, hostileVariants } from '../dap/requestSamples';

const HELLO = path.join(ROOT, 'examples/hello.vlab');
const LOOP = path.join(ROOT, 'test/fixtures/tic-loop.vlab');

const within = <T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> =>
  Promise.race([p, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms))]);

async function frames(adapter: string): Promise<{ killed: string[]; deaf: string[]; ok: number }> {
  const out = { killed: [] as string[], deaf: [] as string[], ok: 0 };
  for (const k of CASES) {
    const c = new RawClient(adapter);
    await within(c.request('threads'), 60_000); // started (not counted: a loaded machine starts slowly)
    c.write(k.bytes(c.nextSeq()));
    const r = await within(c.request('threads'), 5000);
    if (c.proc.exitCode !== null || (r === 'timeout' && (await within(c.exited, 200)) !== 'timeout')) out.killed.push(k.name);
    else if (r === 'timeout') out.deaf.push(k.name);
    else out.ok++;
    await c.stop();
  }
  return out;
}

async function stacks(adapter: string): Promise<{ sent: number; accepted: number; errors: number; withStack: number; unanswered: number; example?: string }> {
  const c = new RawClient(adapter);
  await c.start(HELLO);
  const pending: Array<Promise<DebugProtocol.Response | 'timeout'>> = [];
  for (const [cmd, sample] of Object.entries(SAMPLE_ARGS)) {
    if (!sample) continue;
    for (const args of hostileVariants(sample)) pending.push(within(c.request(cmd, args), 20_000));
  }
  const res = await Promise.all(pending);
  let errors = 0;
  let withStack = 0;
  let example: string | undefined;
  for (const r of res) {
    if (r === 'timeout' || r.success) continue;
    errors++;
    if (!isOneLine(r.message)) {
      withStack++;
      example ??= `${r.command}: ${(r.message ?? '').split('\n')[0]}`;
    }
  }
  await c.stop();
  return { sent: res.length, accepted: res.filter((r) => r !== 'timeout' && r.success).length, errors, withStack, unanswered: res.filter((r) => r === 'timeout').length, example };
}

async function bigEvaluate(adapter: string): Promise<{ seconds: number | string; answer: string; healthyAfter: boolean }> {
  const c = new RawClient(adapter);
  await c.start(HELLO);
  const seq = c.nextSeq();
  const body = `{"command":"evaluate","arguments":{"expression":"${'a'.repeat(100_000_000)}","context":"repl"},"type":"request","seq":${seq}}`;
  const t0 = Date.now();
  const answered = c.response(seq);
  c.write(frame(body));
  const r = await within(answered, 120_000);
  const seconds = r === 'timeout' ? '> 120 (not answered)' : (Date.now() - t0) / 1000;
  const healthy = await within(c.request('threads'), 10_000);
  await c.stop();
  return { seconds, answer: r === 'timeout' ? 'none' : `${r.success} ${(r.message ?? '').slice(0, 120)}`, healthyAfter: healthy !== 'timeout' && healthy.success };
}

interface InlineSession {
  handleMessage(m: DebugProtocol.ProtocolMessage): void;
  onDidSendMessage(l: (m: DebugProtocol.ProtocolMessage) => void): void;
}

async function inlineRunaway(sessionBundle: string, seconds: number): Promise<{ seconds: number; heapMB: number[]; historyBytesMB?: number }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { VlabSession } = require(path.resolve(sessionBundle)) as { VlabSession: new (f: { readFile(p: string): Promise<string> }) => InlineSession };
  const s = new VlabSession({ readFile: (p) => fs.readFile(p, 'utf8') });
  const sent: DebugProtocol.ProtocolMessage[] = [];
  s.onDidSendMessage((m) => sent.push(m)); // inline: the library never exits the process
  let seq = 1;
  const send = (command: string, args?: unknown) => s.handleMessage({ seq: seq++, type: 'request', command, arguments: args } as DebugProtocol.Request);
  send('initialize', { adapterID: 'vlab', pathFormat: 'path' });
  send('launch', { program: LOOP, stopOnEntry: true });
  await new Promise((r) => setTimeout(r, 500));
  send('configurationDone');
  send('continue', { threadId: 1 });
  const heapMB: number[] = [];
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let t = 0; t < seconds; t += 5) {
    await new Promise((r) => setTimeout(r, 5000));
    gc?.();
    heapMB.push(Math.round((process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers) / 1048576));
  }
  send('pause', { threadId: 1 });
  await new Promise((r) => setTimeout(r, 500));
  const st = [...sent].reverse().find((m) => m.type === 'event' && (m as DebugProtocol.Event).event === 'vlab/state') as DebugProtocol.Event | undefined;
  const hb = (st?.body as { historyBytes?: number } | undefined)?.historyBytes;
  return { seconds, heapMB, historyBytesMB: hb === undefined ? undefined : Math.round(hb / 1048576) };
}

async function main(): Promise<void> {
  const [adapter, session, secs, only] = process.argv.slice(2);
  const seconds = Number(secs ?? 60);
  if (!only || only === 'inline') console.log('inline runaway:', JSON.stringify(await inlineRunaway(session, seconds)));
  if (only === 'inline') process.exit(0);
  if (only === 'frames') {
    console.log('frames:', JSON.stringify(await frames(adapter)));
    process.exit(0);
  }
  if (only === 'stacks') {
    console.log('stacks:', JSON.stringify(await stacks(adapter)));
    process.exit(0);
  }
  console.log('frames:', JSON.stringify(await frames(adapter)));
  console.log('stacks:', JSON.stringify(await stacks(adapter)));
  console.log('100 MB evaluate:', JSON.stringify(await bigEvaluate(adapter)));
  process.exit(0);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
