/**
 * What the views know about one `vlab` debug session: the last stop (`vlab/state`), whether the
 * session is running, and the custom-request answers for that stop, fetched on demand and cached
 * until the next stop (STYLE: views fetch only what is expanded and never refetch on their own).
 */
import type * as vscode from 'vscode';
import {
  CHANNEL_PATHS_REQUEST,
  DATA_BREAKPOINT_REQUEST,
  LAST_CHANGE_REQUEST,
  PAGES_SUMMARY_REQUEST,
  VMA_PAGES_REQUEST,
  type ChannelPathsResponse,
  type DataBreakpointResponse,
  type LastChangeResponse,
  type PagesSummaryArgs,
  type PagesSummaryResponse,
  type SlotRef,
  type VmaPagesArgs,
  type VmaPagesResponse,
  CRW_QUEUES_REQUEST,
  PAGES_REQUEST,
  SET_FIELD_REQUEST,
  SUBCHANNELS_REQUEST,
  type CrwQueuesResponse,
  type PagesArgs,
  type PagesResponse,
  type SetFieldArgs,
  type SetFieldResponse,
  type StateEventBody,
  type SubchannelsArgs,
  type SubchannelsResponse,
} from '../debug-adapter/protocol';

export class SessionModel {
  /** History sequence number of the last stop; -1 before the first stop. */
  seq = -1;
  /** Virtual time at the last stop. */
  time = 0;
  /** False once the adapter reported the end (`vlab/state` with live=false) or the session ended. */
  live = true;
  /** Between a run request (continue, step...) and the next stop. */
  running = false;

  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(readonly session: vscode.DebugSession) {}

  /** The session has stopped at least once and has not ended: there is a state to show. */
  get hasState(): boolean {
    return this.live && this.seq >= 0;
  }

  /** A `vlab/state` event: a new stop (or the end). Drops every cached answer. */
  onState(body: StateEventBody): void {
    this.seq = body.seq;
    this.time = body.time;
    this.live = body.live;
    this.running = false;
    this.invalidate();
  }

  invalidate(): void {
    this.cache.clear();
  }

  subchannels(args: SubchannelsArgs): Promise<SubchannelsResponse> {
    return this.cached(SUBCHANNELS_REQUEST, args);
  }

  crwQueues(): Promise<CrwQueuesResponse> {
    return this.cached(CRW_QUEUES_REQUEST, {});
  }

  pages(args: PagesArgs): Promise<PagesResponse> {
    return this.cached(PAGES_REQUEST, args);
  }

  pagesSummary(args: PagesSummaryArgs): Promise<PagesSummaryResponse> {
    return this.cached(PAGES_SUMMARY_REQUEST, args);
  }

  vmaPages(args: VmaPagesArgs): Promise<VmaPagesResponse> {
    return this.cached(VMA_PAGES_REQUEST, args);
  }

  channelPaths(): Promise<ChannelPathsResponse> {
    return this.cached(CHANNEL_PATHS_REQUEST, {});
  }

  lastChange(slot: SlotRef): Promise<LastChangeResponse> {
    return this.cached(LAST_CHANGE_REQUEST, { slot });
  }

  /** Not cached: adds a breakpoint in the adapter (contract with h9a, protocol.ts). */
  async dataBreakpoint(expression: string): Promise<DataBreakpointResponse> {
    return (await this.session.customRequest(DATA_BREAKPOINT_REQUEST, { expression })) as DataBreakpointResponse;
  }

  /** Not cached: an edit changes the state; the caller refreshes the views afterwards. */
  async setField(args: SetFieldArgs): Promise<SetFieldResponse> {
    const response = (await this.session.customRequest(SET_FIELD_REQUEST, args)) as SetFieldResponse;
    this.invalidate();
    return response;
  }

  private cached<T>(command: string, args: object): Promise<T> {
    const key = `${command} ${JSON.stringify(args)}`;
    let answer = this.cache.get(key) as Promise<T> | undefined;
    if (!answer) {
      answer = Promise.resolve(this.session.customRequest(command, args) as Thenable<T>);
      this.cache.set(key, answer);
      // A failed request is not remembered: the next refresh asks again.
      answer.catch(() => {
        if (this.cache.get(key) === answer) this.cache.delete(key);
      });
    }
    return answer;
  }
}
