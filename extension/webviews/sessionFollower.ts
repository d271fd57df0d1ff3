/**
 * Which VFIO Lab debug session the pictures follow and its phase: the active `vlab` session, else
 * the latest one that stopped. Listens to the adapter's `vlab/state` event (sent after every stop)
 * and to run requests through a debug adapter tracker; pictures refresh on a stop and clear when
 * the session ends (they never poll).
 */
import * as vscode from 'vscode';
import { STATE_EVENT, type StateEventBody } from '../../debug-adapter/protocol';
import type { SessionPhase } from './messages';

const DEBUG_TYPE = 'vlab';
const RUN_REQUESTS = new Set(['continue', 'next', 'stepIn', 'stepOut', 'stepBack', 'reverseContinue', 'goto']);

export interface FollowedState {
  session: vscode.DebugSession | undefined;
  phase: SessionPhase;
  seq: number;
  time: number;
}

interface Stop {
  session: vscode.DebugSession;
  seq: number;
  time: number;
  running: boolean;
}

export class SessionFollower implements vscode.Disposable {
  /** Live vlab sessions that have stopped at least once, the latest stop last. */
  private readonly stops = new Map<string, Stop>();
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];

  constructor() {
    this.disposables.push(
      vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => {
        if (e.session.type !== DEBUG_TYPE || e.event !== STATE_EVENT) return;
        const body = e.body as StateEventBody;
        this.stops.delete(e.session.id);
        if (body.live) this.stops.set(e.session.id, { session: e.session, seq: body.seq, time: body.time, running: false });
        this.emitter.fire();
      }),
      vscode.debug.onDidTerminateDebugSession((s) => {
        if (this.stops.delete(s.id)) this.emitter.fire();
      }),
      vscode.debug.onDidChangeActiveDebugSession(() => this.emitter.fire()),
      vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, {
        createDebugAdapterTracker: (session) => ({
          onWillReceiveMessage: (m: { type?: string; command?: string }) => {
            const s = this.stops.get(session.id);
            if (s && !s.running && m.type === 'request' && m.command && RUN_REQUESTS.has(m.command)) {
              s.running = true;
              this.emitter.fire();
            }
          },
        }),
      }),
    );
  }

  /** The followed session: the active one if it is a stopped-at-least-once vlab session, else the latest such. */
  get state(): FollowedState {
    const active = vscode.debug.activeDebugSession;
    let s = active ? this.stops.get(active.id) : undefined;
    if (!s) for (const x of this.stops.values()) s = x;
    if (!s) return { session: undefined, phase: 'none', seq: -1, time: 0 };
    return { session: s.session, phase: s.running ? 'running' : 'stopped', seq: s.seq, time: s.time };
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
