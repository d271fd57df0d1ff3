/**
 * Messages between the extension and the two picture webviews (I/O timeline, page map), typed
 * once: `extension/webviews/` and `webview/` both import this file. Type-only (no `vscode`, no
 * DOM), so it compiles in both places. The webview never talks to the adapter directly: it asks
 * the extension, which forwards a whitelisted custom request to the followed debug session.
 */
import type * as P from '../../debug-adapter/protocol';

/** The custom requests a webview may ask for, with their argument and answer types. */
export interface PictureRequests {
  [P.TIMELINE_REQUEST]: [P.TimelineArgs, P.TimelineResponse];
  [P.TRAVEL_REQUEST]: [P.TravelArgs, P.TravelResponse];
  [P.PAGE_MAP_REQUEST]: [P.PageMapArgs, P.PageMapResponse];
  [P.PAGE_MAP_FIND_REQUEST]: [P.PageMapFindArgs, P.PageMapFindResponse];
}
export type PictureCommand = keyof PictureRequests;

export type WebviewToHost =
  /** The script is loaded: send the session state. */
  | { type: 'ready' }
  | { type: 'request'; id: number; command: PictureCommand; args: PictureRequests[PictureCommand][0] }
  /** The page map's "Reveal in Pages" (command `vfioLab.pages.reveal`, owned by the Pages view). */
  | { type: 'reveal'; pid: number; vaddr: string };

/** `none`: no VFIO Lab session; `running`: between a run request and the next stop. */
export type SessionPhase = 'none' | 'running' | 'stopped';

export type HostToWebview =
  /** The followed session changed state: a new stop (new seq), running, or ended. */
  | { type: 'session'; phase: SessionPhase; seq: number; time: number; name: string }
  | { type: 'response'; id: number; body?: unknown; error?: string };

/** Which picture a webview shows (its script and title). */
export type PictureKind = 'timeline' | 'pageMap';
