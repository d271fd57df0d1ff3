/**
 * One SessionModel per `vlab` debug session. Listens to session start/end, to the adapter's
 * `vlab/state` event (sent after every stop) and, through a debug adapter tracker, to the run
 * requests that make a session run. Views redraw on `onDidChange('state')` only, i.e. on a stop,
 * never while running, and show nothing once the session ends.
 */
import * as vscode from 'vscode';
import { STATE_EVENT, type StateEventBody } from '../debug-adapter/protocol';
import { SessionModel } from './sessionModel';

export const DEBUG_TYPE = 'vlab';

/** Requests that make the debuggee run; adapters need not send `continued` for them. */
const RUN_REQUESTS = new Set(['continue', 'next', 'stepIn', 'stepOut', 'stepBack', 'reverseContinue', 'goto', 'restartFrame']);

/** `state`: new data to show (a stop, the end, another session became active); `running`: only the running flag changed. */
export type TrackerChange = 'state' | 'running';

interface DapMessage {
  type?: string;
  event?: string;
  command?: string;
  success?: boolean;
}

export class SessionTracker implements vscode.Disposable {
  private readonly models = new Map<string, SessionModel>();
  private readonly emitter = new vscode.EventEmitter<TrackerChange>();
  readonly onDidChange = this.emitter.event;
  private readonly stateEmitter = new vscode.EventEmitter<{ session: vscode.DebugSession; body: StateEventBody }>();
  /** Every `vlab/state` event, after the model was updated (tests wait on this). */
  readonly onDidReceiveState = this.stateEmitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter, this.stateEmitter];

  constructor() {
    this.disposables.push(
      vscode.debug.onDidStartDebugSession((s) => {
        if (s.type !== DEBUG_TYPE) return;
        this.modelFor(s);
        this.emitter.fire('state');
      }),
      vscode.debug.onDidTerminateDebugSession((s) => {
        if (!this.models.delete(s.id)) return;
        this.emitter.fire('state');
      }),
      vscode.debug.onDidChangeActiveDebugSession((s) => {
        this.followed = s?.type === DEBUG_TYPE ? s.id : this.followed;
        this.emitter.fire('state');
      }),
      vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => {
        if (e.session.type !== DEBUG_TYPE || e.event !== STATE_EVENT) return;
        const body = e.body as StateEventBody;
        this.modelFor(e.session).onState(body);
        // the session that just stopped is the one the user is looking at (issue 10: follow the
        // active session when there are several, also when VS Code keeps the focus elsewhere)
        if (body.live) this.followed = e.session.id;
        this.stateEmitter.fire({ session: e.session, body });
        if (this.current?.session.id === e.session.id || !body.live) this.emitter.fire('state');
      }),
      vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, {
        createDebugAdapterTracker: (session) => ({
          // A run request is sent before any stop it causes, so marking running here is ordered.
          onWillReceiveMessage: (m: DapMessage) => {
            if (m.type === 'request' && m.command && RUN_REQUESTS.has(m.command)) this.setRunning(session, true);
          },
          onDidSendMessage: (m: DapMessage) => this.observe(session, m),
        }),
      }),
    );
    const active = vscode.debug.activeDebugSession;
    if (active?.type === DEBUG_TYPE) this.modelFor(active);
  }

  /** The session last made active or last stopped, whichever came later. */
  private followed: string | undefined;

  /**
   * The model the views show: the `vlab` session last made active or last stopped, else the
   * active debug session if it is a `vlab` one, else the latest live `vlab` session.
   */
  get current(): SessionModel | undefined {
    const followed = this.followed ? this.models.get(this.followed) : undefined;
    if (followed?.live) return followed;
    const active = vscode.debug.activeDebugSession;
    if (active?.type === DEBUG_TYPE) {
      // Not modelFor(): a session that just ended may still be the active one for a moment.
      const model = this.models.get(active.id);
      if (model) return model;
    }
    let latest: SessionModel | undefined;
    for (const m of this.models.values()) if (m.live) latest = m;
    return latest;
  }

  /** The live `vlab` session with this id (memory documents name their session). */
  sessionById(id: string): vscode.DebugSession | undefined {
    const m = this.models.get(id);
    return m?.live ? m.session : undefined;
  }

  /** Redraw the views from fresh answers (after an edit changed the stopped state). */
  refresh(): void {
    this.current?.invalidate();
    this.emitter.fire('state');
  }

  modelFor(session: vscode.DebugSession): SessionModel {
    let model = this.models.get(session.id);
    if (!model) {
      model = new SessionModel(session);
      this.models.set(session.id, model);
    }
    return model;
  }

  private observe(session: vscode.DebugSession, m: DapMessage): void {
    if (m.type === 'event' && m.event === 'continued') this.setRunning(session, true);
    else if (m.type === 'event' && (m.event === 'stopped' || m.event === 'terminated' || m.event === 'exited')) this.setRunning(session, false);
    else if (m.type === 'response' && m.success === false && m.command && RUN_REQUESTS.has(m.command)) this.setRunning(session, false);
  }

  private setRunning(session: vscode.DebugSession, running: boolean): void {
    const model = this.models.get(session.id) ?? (session.type === DEBUG_TYPE ? this.modelFor(session) : undefined);
    if (!model || model.running === running) return;
    model.running = running;
    if (this.current === model) this.emitter.fire('running');
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.models.clear();
  }
}
