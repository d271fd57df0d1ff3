/**
 * Golden transcripts (issue 9): every example in examples/ is walked through the standalone
 * adapter — statement steps, step-ins into the first channel programs, page grabs and vfio-ccw
 * work, step-outs back — and each stop is written down: reason, thread, the stopped thread's
 * frames (kernel frames with the line of their current step), the other threads' own frames,
 * the scopes, the structured scopes' rows (CCW / Page / vfio-ccw program) and the Statement
 * scope; then the console output. The text is compared with test/golden/<example>.txt, so a
 * behaviour change is a readable diff (STYLE: vscode-js-debug). UPDATE_GOLDEN=1 rewrites them.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';

const ROOT = path.resolve(__dirname, '../../..');
const ADAPTER = path.join(ROOT, 'dist/debugAdapter.js');
const EXAMPLES = path.join(ROOT, 'examples');
const GOLDEN = path.join(ROOT, 'test/golden');

/** Stops recorded per example before running to the end; step-in stops per example. */
const MAX_STOPS = 150;
const INNER_BUDGET = 30;
/** Consecutive inner stops before stepping out again. */
const INNER_RUN = 6;
const STRUCTURED = new Set(['CCW', 'Page', 'vfio-ccw program']);

function threadLabel(id: number): string {
  if (id === 1) return 'cpu';
  if (id === 2) return 'host';
  if (id === 3) return 'qemu';
  return 'ch' + (id - 0x10000).toString(16);
}

const frameText = (f: DebugProtocol.StackFrame) => (f.line ? `${f.name}@${f.line}` : f.name) + (f.instructionPointerReference ? `[${f.instructionPointerReference}]` : '');

async function transcript(file: string): Promise<string> {
  const dc = new DebugClient('node', ADAPTER, 'vlab');
  dc.defaultTimeout = 20000;
  await dc.start();
  const out: string[] = [];
  const lines: string[] = [];
  dc.on('output', (e: DebugProtocol.OutputEvent) => out.push(e.body.output.split(ROOT).join('<root>')));
  try {
    await dc.initializeRequest({ adapterID: 'vlab', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
    let stopped = new Promise<DebugProtocol.StoppedEvent>((resolve) => dc.once('stopped', resolve));
    // a plain listener: waitForEvent's timer would keep mocha alive long after the test
    const terminated = new Promise<'terminated'>((resolve) => dc.once('terminated', () => resolve('terminated')));
    await dc.launch({ program: file, stopOnEntry: true } as DebugProtocol.LaunchRequestArguments);
    await dc.configurationDoneRequest();
    let ev: DebugProtocol.StoppedEvent | 'terminated' = await Promise.race([stopped, terminated]);
    let budget = INNER_BUDGET;
    let run = 0;
    for (let n = 0; ev !== 'terminated'; n++) {
      const tid = ev.body.threadId ?? 1;
      const frames = (await dc.stackTraceRequest({ threadId: tid, levels: 12 })).body.stackFrames;
      lines.push(`#${n} ${ev.body.reason} ${threadLabel(tid)}: ${frames.map(frameText).join(' < ')}`);
      if (n < MAX_STOPS) await recordState(dc, tid, frames, lines);
      const inner = frames.length > 1 || tid !== 1;
      let kind: 'next' | 'stepIn' | 'stepOut' | 'continue';
      if (n >= MAX_STOPS) kind = 'continue';
      else if (!inner) {
        run = 0;
        kind = budget > 0 ? 'stepIn' : 'next';
      } else {
        run++;
        budget--;
        kind = run >= INNER_RUN || budget <= 0 ? 'stepOut' : 'stepIn';
      }
      stopped = new Promise<DebugProtocol.StoppedEvent>((resolve) => dc.once('stopped', resolve));
      await dc.send(kind, { threadId: tid });
      ev = await Promise.race([stopped, terminated]);
      if (ev !== 'terminated') lines.push(`  → ${kind}`);
    }
    lines.push('terminated', '', 'console:', ...out.join('').trimEnd().split('\n').map((l) => '  ' + l));
  } finally {
    await dc.stop();
  }
  return lines.join('\n') + '\n';
}

async function recordState(dc: DebugClient, tid: number, frames: DebugProtocol.StackFrame[], lines: string[]): Promise<void> {
  for (const t of (await dc.threadsRequest()).body.threads) {
    if (t.id === tid) continue;
    const f = (await dc.stackTraceRequest({ threadId: t.id, levels: 6 })).body.stackFrames;
    if (f.length && t.id !== 1) lines.push(`  thread ${threadLabel(t.id)}: ${f.map(frameText).join(' < ')}`);
  }
  const scopes = (await dc.scopesRequest({ frameId: frames[0]?.id ?? 0 })).body.scopes;
  lines.push(`  scopes: ${scopes.map((s) => s.name).join(', ')}`);
  for (const s of scopes) {
    if (!STRUCTURED.has(s.name) && s.name !== 'Statement') continue;
    for (const v of (await dc.variablesRequest({ variablesReference: s.variablesReference })).body.variables) {
      if (s.name === 'Statement' && (v.name === 'event' || v.name === 'time')) continue;
      lines.push(`  ${s.name}.${v.name} = ${v.value}${v.memoryReference ? ` [mem ${v.memoryReference}]` : ''}`);
      if (STRUCTURED.has(s.name) && v.variablesReference && (v.name === 'channel' || v.name === 'chains' || v.name === 'idaws')) {
        for (const c of (await dc.variablesRequest({ variablesReference: v.variablesReference })).body.variables.slice(0, 12)) {
          lines.push(`    ${c.name} = ${c.value}${c.evaluateName ? ` {${c.evaluateName}}` : ''}`);
        }
      }
    }
  }
}

describe('DAP: golden transcripts of every example (issue 9)', function () {
  this.timeout(600000);
  const examples = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.vlab')).sort();

  it('covers every example', () => {
    assert.ok(examples.length >= 16, examples.join(', '));
    for (const f of examples) assert.ok(fs.existsSync(path.join(GOLDEN, f.replace(/\.vlab$/, '.txt'))) || process.env.UPDATE_GOLDEN, `no golden transcript for ${f}`);
  });

  for (const f of examples) {
    it(`matches test/golden/${f.replace(/\.vlab$/, '.txt')}`, async () => {
      const text = await transcript(path.join(EXAMPLES, f));
      const golden = path.join(GOLDEN, f.replace(/\.vlab$/, '.txt'));
      if (process.env.UPDATE_GOLDEN) fs.writeFileSync(golden, text);
      assert.equal(text, fs.readFileSync(golden, 'utf8'));
    });
  }
});
