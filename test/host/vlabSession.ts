// Helpers for the host tests: drive one `vlab` debug session through the public vscode API (as a
// user's F5 would) and read the VFIO Lab views through the extension's exported API.
import * as vscode from 'vscode';

export type ViewKind = 'subchannels' | 'channelPaths' | 'crwQueues' | 'pages';

/** The fully expanded tree of a view, as the extension's `snapshotView` returns it. */
export interface SnapshotNode {
  label: string;
  description?: string;
  tooltip?: string;
  children: SnapshotNode[];
}

interface VfioLabApi {
  snapshotView(view: ViewKind): Promise<SnapshotNode[]>;
  /** Fires once the views' model has taken in a `vlab/state` event (after every stop). */
  onDidReceiveState?: vscode.Event<{ session: vscode.DebugSession; body: { seq: number; live: boolean } }>;
}

export const EXTENSION_ID = 'vfio-lab.vfio-lab';
/** Sessions started so far: each gets its own name, so messages of several sessions stay apart. */
let sessions = 0;
const WAIT_MS = 15_000;

export async function vfioLabApi(): Promise<VfioLabApi> {
  const ext = vscode.extensions.getExtension<VfioLabApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not installed in this extension host`);
  return ext.activate();
}

interface DapEvent {
  type: string;
  event?: string;
  body?: { reason?: string; threadId?: number; seq?: number; live?: boolean };
}

export interface Frame {
  id: number;
  name: string;
  line: number;
  source?: string;
}

/** One debug session of a .vlab file, with its DAP events queued so no stop is missed. */
export class VlabSession {
  private events: DapEvent[] = [];
  private wake: (() => void) | undefined;
  private appliedSeq = -1;
  private readonly disposables: vscode.Disposable[] = [];
  private session: vscode.DebugSession | undefined;

  private constructor(readonly api: VfioLabApi) {}

  /** Starts debugging `program` with stopOnEntry and returns after the entry stop. */
  static async start(folder: vscode.WorkspaceFolder | undefined, program: string): Promise<VlabSession> {
    const s = new VlabSession(await vfioLabApi());
    const name = `host test ${++sessions}`;
    // Registered before startDebugging so the first events are seen too.
    s.disposables.push(
      vscode.debug.registerDebugAdapterTrackerFactory('vlab', {
        // several sessions may run at once: only this one's messages
        createDebugAdapterTracker: (session) => session.name !== name ? undefined : ({
          onDidSendMessage: (m: DapEvent) => {
            if (m.type !== 'event') return;
            s.events.push(m);
            s.wake?.();
          },
        }),
      }),
    );
    if (s.api.onDidReceiveState) {
      s.disposables.push(s.api.onDidReceiveState((e) => {
        if (e.session.name !== name) return;
        s.appliedSeq = Math.max(s.appliedSeq, e.body.seq);
        s.wake?.();
      }));
    }
    const started = vscode.debug.onDidStartDebugSession((d) => d.type === 'vlab' && d.name === name && (s.session = d));
    s.disposables.push(started);
    const ok = await vscode.debug.startDebugging(folder, {
      type: 'vlab', request: 'launch', name, program, stopOnEntry: true,
    });
    if (!ok) throw new Error(`startDebugging refused ${program}`);
    const entry = await s.waitForStop();
    if (entry.reason !== 'entry') throw new Error(`first stop is '${entry.reason}', expected 'entry'`);
    return s;
  }

  get debugSession(): vscode.DebugSession {
    const d = this.session ?? vscode.debug.activeDebugSession;
    if (!d) throw new Error('no vlab debug session');
    return d;
  }

  /** Waits for a queued event matching `pred`, dropping the ones before it. */
  private async nextEvent(pred: (e: DapEvent) => boolean, what: string): Promise<DapEvent> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const i = this.events.findIndex(pred);
      if (i >= 0) return this.events.splice(0, i + 1)[i]!;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${WAIT_MS} ms (events: ${this.events.map((e) => e.event).join(', ')})`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.wake = () => (clearTimeout(t), r());
      });
    }
  }

  /** The next `stopped` event, and then its `vlab/state` once the views' model applied it, so
   * snapshotView reflects this stop and not the previous one. */
  async waitForStop(): Promise<{ reason: string; threadId: number }> {
    const stopped = await this.nextEvent((e) => e.event === 'stopped' || e.event === 'terminated', 'stopped event');
    if (stopped.event === 'terminated') throw new Error('the session terminated instead of stopping');
    const state = await this.nextEvent((e) => e.event === 'vlab/state', 'vlab/state event');
    const seq = state.body?.seq ?? -1;
    if (this.api.onDidReceiveState) {
      const deadline = Date.now() + WAIT_MS;
      while (this.appliedSeq < seq) {
        if (Date.now() > deadline) throw new Error(`views never applied vlab/state seq ${seq}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    return { reason: stopped.body?.reason ?? '', threadId: stopped.body?.threadId ?? 1 };
  }

  /** The next `vlab/state` (an edit at the current stop, e.g. a console statement), once applied. */
  async waitForState(): Promise<void> {
    const state = await this.nextEvent((e) => e.event === 'vlab/state', 'vlab/state event');
    const seq = state.body?.seq ?? -1;
    const deadline = Date.now() + WAIT_MS;
    while (this.api.onDidReceiveState && this.appliedSeq < seq) {
      if (Date.now() > deadline) throw new Error(`views never applied vlab/state seq ${seq}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** One statement step ("Step Over"), returning after the stop. */
  async next(threadId = 1): Promise<{ reason: string; threadId: number }> {
    await this.debugSession.customRequest('next', { threadId });
    return this.waitForStop();
  }

  /** Steps over until the top frame of thread 1 is at `line` (1-based), at most `max` steps. */
  async nextUntilLine(line: number, max = 80): Promise<Frame[]> {
    for (let i = 0; i < max; i++) {
      const frames = await this.stack();
      if (frames[0]?.line === line) return frames;
      await this.next();
    }
    throw new Error(`never stopped at line ${line} within ${max} steps`);
  }

  async stack(threadId = 1): Promise<Frame[]> {
    const r = await this.debugSession.customRequest('stackTrace', { threadId, startFrame: 0, levels: 50 });
    return (r.stackFrames as { id: number; name: string; line: number; source?: { path?: string; name?: string } }[])
      .map((f) => ({ id: f.id, name: f.name, line: f.line, source: f.source?.path ?? f.source?.name }));
  }

  /** Every scope of a frame with its variables one level deep, as { scope: { name: value } }. */
  async variables(frameId: number): Promise<Record<string, Record<string, string>>> {
    const out: Record<string, Record<string, string>> = {};
    const { scopes } = await this.debugSession.customRequest('scopes', { frameId });
    for (const sc of scopes as { name: string; variablesReference: number }[]) {
      const { variables } = await this.debugSession.customRequest('variables', { variablesReference: sc.variablesReference });
      out[sc.name] = Object.fromEntries((variables as { name: string; value: string }[]).map((v) => [v.name, v.value]));
    }
    return out;
  }

  snapshot(view: ViewKind): Promise<SnapshotNode[]> {
    return this.api.snapshotView(view);
  }

  async stop(): Promise<void> {
    const d = this.session ?? vscode.debug.activeDebugSession;
    if (d) {
      const ended = new Promise<void>((r) => {
        const sub = vscode.debug.onDidTerminateDebugSession((t) => t === d && (sub.dispose(), r()));
      });
      await vscode.debug.stopDebugging(d);
      await Promise.race([ended, new Promise((r) => setTimeout(r, WAIT_MS))]);
    }
    for (const x of this.disposables.splice(0)) x.dispose();
  }
}

/** A snapshot as indented text ("label — description"), for failure messages and diffs. */
export function render(nodes: SnapshotNode[], indent = ''): string {
  return nodes
    .map((n) => `${indent}${n.label}${n.description ? ` — ${n.description}` : ''}\n${render(n.children, indent + '  ')}`)
    .join('');
}

/** The node reached by following labels that start with each of `path` in turn. */
export function find(nodes: SnapshotNode[], path: string[]): SnapshotNode {
  let level = nodes;
  let node: SnapshotNode | undefined;
  for (const p of path) {
    node = level.find((n) => n.label.startsWith(p));
    if (!node) throw new Error(`no node '${p}' (of ${path.join(' / ')}) in:\n${render(nodes)}`);
    level = node.children;
  }
  return node!;
}

/** Whitespace runs as one space (tree descriptions join their parts with two). */
export const norm = (s: string | undefined): string => (s ?? '').replace(/\s+/g, ' ').trim();

/** The 1-based line of the first line of `file` that starts with `start`. */
export async function lineOf(file: string, start: string): Promise<number> {
  const doc = await vscode.workspace.openTextDocument(file);
  for (let i = 0; i < doc.lineCount; i++) if (doc.lineAt(i).text.startsWith(start)) return i + 1;
  throw new Error(`no line '${start}' in ${file}`);
}

/** One DAP message between VS Code and a `vlab` adapter, in the order they passed. */
export interface Traffic {
  dir: 'request' | 'event';
  /** The request's command or the event's name. */
  name: string;
  arguments?: unknown;
}

const traffic: Traffic[] = [];
let trafficRegistered = false;

/**
 * Records every request VS Code sends to `vlab` adapters and every event they send, in one ordered
 * log (so "no request between `continue` and `stopped`" can be checked). Call it when a test file
 * loads, before any session starts: trackers attach when a session starts.
 */
export function recordTraffic(): void {
  if (trafficRegistered) return;
  trafficRegistered = true;
  vscode.debug.registerDebugAdapterTrackerFactory('vlab', {
    createDebugAdapterTracker: () => ({
      onWillReceiveMessage: (m: { type?: string; command?: string; arguments?: unknown }) => {
        if (m.type === 'request' && m.command) traffic.push({ dir: 'request', name: m.command, arguments: m.arguments });
      },
      onDidSendMessage: (m: { type?: string; event?: string }) => {
        if (m.type === 'event' && m.event) traffic.push({ dir: 'event', name: m.event });
      },
    }),
  });
}

/** A mark in the traffic log; `since(mark)` is what passed after it. */
export const trafficMark = (): number => traffic.length;
export const trafficSince = (mark: number): Traffic[] => traffic.slice(mark);
