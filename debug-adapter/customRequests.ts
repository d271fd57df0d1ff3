/**
 * The custom `vlab/*` requests of the views (protocol.ts types them): tree views' data,
 * field edits, data breakpoints from a view, function names, and the pictures (timeline, page
 * map, travel). An unknown command goes back to the library, which refuses it.
 */
import { BreakpointEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Navigator } from './navigator';
import type { ViewData } from './viewData';
import { FUNCTION_NAMES, INSTRUCTION_NAMES } from './functionNames';
import { lastChange } from './lastChange';
import { TimelineData } from './timelineData';
import { PageMapData } from './pageMapData';
import { travelTo } from './travel';
import { answer } from './answer';
import type { SessionCore } from './sessionCore';
import * as P from './protocol';

/** Error response id (body.error.id) of a failed view request. */
const VIEW_REQUEST_FAILED = 3002;
/** A failed picture request: the webview shows it itself, so the client does not (showUser false). */
const PICTURE_REQUEST_FAILED = { id: 3004, showUser: false } as const;

/** A view request's handler: its answer's body; `later` runs after the answer is sent. */
type ViewRequest = (c: SessionCore, v: ViewData, nav: Navigator, args: unknown, later: (f: () => void) => void) => unknown;

const VIEW_REQUESTS = new Map<string, ViewRequest>([
  [P.SUBCHANNELS_REQUEST, (_c, v, _n, a) => v.subchannels((a ?? {}) as P.SubchannelsArgs)],
  [P.CRW_QUEUES_REQUEST, (_c, v) => v.crwQueues()],
  [P.PAGES_REQUEST, (_c, v, _n, a) => v.pages((a ?? {}) as P.PagesArgs)],
  // issue 10 views (h10a): paged pages, channel paths, "what last changed this row"
  [P.PAGES_SUMMARY_REQUEST, (_c, v, _n, a) => v.pagesSummary((a ?? {}) as P.PagesSummaryArgs)],
  [P.VMA_PAGES_REQUEST, (_c, v, _n, a) => v.vmaPages((a ?? {}) as P.VmaPagesArgs)],
  [P.CHANNEL_PATHS_REQUEST, (_c, v) => v.channelPaths()],
  [P.LAST_CHANGE_REQUEST, (c, _v, nav, a) => lastChange(c.runner!, (a ?? {}) as P.LastChangeArgs, nav.current?.journalPos ?? 0, c.programPath)],
  [P.SET_FIELD_REQUEST, setField],
  [P.DATA_BREAKPOINT_REQUEST, dataBreakpoint],
  [P.FUNCTION_NAMES_REQUEST, (): P.FunctionNamesResponse => ({ instructions: [...INSTRUCTION_NAMES], functions: [...FUNCTION_NAMES] })],
]);

const PICTURE_REQUESTS = new Set<string>([P.TIMELINE_REQUEST, P.PAGE_MAP_REQUEST, P.PAGE_MAP_FIND_REQUEST, P.TRAVEL_REQUEST]);

/** Answer a custom request; `unknown` refuses a command that is none of ours. */
export function customRequest(c: SessionCore, command: string, response: DebugProtocol.Response, args: unknown, unknown: () => void): void {
  const v = c.viewData;
  const nav = c.nav;
  if (!v || !nav) return c.port.sendError(response, VIEW_REQUEST_FAILED, 'no scenario is running');
  if (PICTURE_REQUESTS.has(command)) return pictureRequest(c, nav, command, response, args);
  const handler = VIEW_REQUESTS.get(command);
  if (!handler) return unknown();
  let after: (() => void) | undefined;
  answer(c.port, response, VIEW_REQUEST_FAILED, () => handler(c, v, nav, args, (f) => (after = f)), () => after?.());
}

function setField(c: SessionCore, v: ViewData, nav: Navigator, args: unknown): P.SetFieldResponse | undefined {
  if (c.running) throw new Error('pause the scenario before editing fields');
  const apply = v.prepareSetField((args ?? {}) as P.SetFieldArgs); // validates first: a bad value changes nothing
  let result: P.SetFieldResponse | undefined;
  nav.editHere(() => (result = apply()));
  // VS Code's own Variables view refetches too
  c.changed();
  return result;
}

function dataBreakpoint(c: SessionCore, _v: ViewData, nav: Navigator, args: unknown, later: (f: () => void) => void): P.DataBreakpointResponse {
  const a = (args ?? {}) as P.DataBreakpointArgs;
  if (typeof a.expression !== 'string') throw new Error("vlab/dataBreakpoint: 'expression' must be a string");
  const info = c.bps!.data.info(a.expression, c.bps!.known(), c.bps!.ctx);
  nav.settle();
  const added = c.breakpoints.addData(c.bps!, info.dataId!);
  later(() => c.port.sendEvent(new BreakpointEvent('new', added as DebugProtocol.Breakpoint)));
  return { dataId: info.dataId!, description: info.description };
}

/**
 * The pictures' requests (timeline, page map, travel). Their errors are shown by the webview
 * itself (a search for an unmapped address), so they are not also shown to the user by the client.
 */
function pictureRequest(c: SessionCore, nav: Navigator, command: string, response: DebugProtocol.Response, args: unknown): void {
  let travelled: number | undefined;
  answer(c.port, response, PICTURE_REQUEST_FAILED, () => {
    const runner = c.runner!;
    switch (command) {
      case P.TIMELINE_REQUEST:
        c.timelineData ??= new TimelineData(() => runner.m.history, !!runner.vfio);
        return c.timelineData.rows(args as P.TimelineArgs, nav.cursor);
      case P.PAGE_MAP_REQUEST:
        c.pageMapData ??= new PageMapData(runner.mm);
        return c.pageMapData.pageMap(args as P.PageMapArgs, pageMapKey(c), nav.current?.seq ?? -1);
      case P.PAGE_MAP_FIND_REQUEST:
        c.pageMapData ??= new PageMapData(runner.mm);
        return c.pageMapData.find(args as P.PageMapFindArgs, pageMapKey(c));
      default: {
        if (c.running) throw new Error('pause the scenario before travelling in time');
        const r = travelTo(nav, args);
        travelled = r.thread;
        return { seq: r.seq, time: r.time } satisfies P.TravelResponse;
      }
    }
  }, () => {
    if (travelled !== undefined) c.stopAt('goto', travelled);
  });
}

/** Names the machine state the page map's summary was computed for. */
function pageMapKey(c: SessionCore): string {
  return `${c.runner?.m.journal.position}:${c.runner?.m.history.length}:${c.nav?.current?.seq}`;
}
