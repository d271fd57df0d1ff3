/**
 * View-title and context actions of the issue-10 views: the Pages filter and sort (input boxes
 * that reject bad input with one line and change nothing), "next 1,000", `vfioLab.pages.reveal`
 * (contract: `{ pid, vaddr }`, used by the page map), the Subchannels "changed only" toggle, and
 * the Channel Paths vary / configure actions, which run `chchp` (or the native `configure chpid`)
 * as debug-console statements: the adapter's REPL path, so Step Back undoes them.
 */
import * as vscode from 'vscode';
import type { PageFilter, PageSort } from '../../debug-adapter/protocol';
import type { SessionTracker } from '../sessionTracker';
import type { ChannelPathsView } from './channelPathsView';
import { ChpidNode } from './nodes/chpidNode';
import { isMoreNode, PAGES_MORE_COMMAND } from './nodes/moreNode';
import { applyFilterChange, parseFilterInput, ZONE_NAMES, type FilterInput } from './pagesFormat';
import type { PagesView } from './pagesView';
import type { SubchannelsView } from './subchannelsView';

export const VIEW_COMMANDS = {
  pagesFilter: 'vfioLab.pages.filter',
  pagesClearFilter: 'vfioLab.pages.clearFilter',
  pagesSort: 'vfioLab.pages.sort',
  pagesMore: PAGES_MORE_COMMAND,
  pagesReveal: 'vfioLab.pages.reveal',
  changedOnlyOn: 'vfioLab.subchannels.changedOnly',
  changedOnlyOff: 'vfioLab.subchannels.allFields',
  varyOn: 'vfioLab.channelPaths.varyOn',
  varyOff: 'vfioLab.channelPaths.varyOff',
  configureOn: 'vfioLab.channelPaths.configureOn',
  configureOff: 'vfioLab.channelPaths.configureOff',
} as const;

/** Context key for the toggle's icon (package.json `when`). */
const CHANGED_ONLY_KEY = 'vfioLab.subchannels.changedOnly';

export interface ViewCommandContext {
  tracker: SessionTracker;
  pages: PagesView;
  subchannels: SubchannelsView;
  channelPaths: ChannelPathsView;
}

function fail(message: string): { error: string } {
  void vscode.window.showErrorMessage(`VFIO Lab: ${message}`);
  return { error: message };
}

const FILTER_PROMPTS: Record<FilterInput, { title: string; prompt: string; value: (f: PageFilter) => string }> = {
  minPincount: { title: 'Pincount greater than', prompt: 'A whole number N: list folios whose exact pincount is > N (empty: no limit)', value: (f) => (f.minPincount === undefined ? '' : String(f.minPincount)) },
  zone: { title: 'Zone', prompt: `One of ${ZONE_NAMES.join(', ')} (empty: any zone)`, value: (f) => f.zone ?? '' },
  vaddrRange: { title: 'Virtual address range', prompt: 'FROM-TO, half-open, 0x hex (empty: any address)', value: (f) => (f.vaddrFrom || f.vaddrTo ? `${f.vaddrFrom ?? ''}-${f.vaddrTo ?? ''}` : '') },
  pfnRange: { title: 'PFN range', prompt: 'FROM-TO, half-open (empty: any PFN)', value: (f) => (f.pfnFrom !== undefined || f.pfnTo !== undefined ? `${f.pfnFrom ?? ''}-${f.pfnTo ?? ''}` : '') },
};

/**
 * `vfioLab.pages.filter`: without an argument a pick list and an input box; with
 * `{ pinnedOnly | dirtyOnly | interestingOnly: boolean }` or `{ input: FilterInput, text }` the
 * same change without UI (tests, keybindings). Returns the new filter or `{ error }`.
 */
async function pagesFilter(ctx: ViewCommandContext, arg: unknown): Promise<PageFilter | { error: string } | undefined> {
  const view = ctx.pages;
  let change: Partial<PageFilter> | undefined;
  if (arg && typeof arg === 'object' && 'input' in arg) {
    const { input, text } = arg as { input: FilterInput; text: unknown };
    if (!(input in FILTER_PROMPTS)) return fail(`unknown filter '${String(input)}'`);
    const parsed = parseFilterInput(input, String(text ?? ''));
    if (!parsed.ok) return fail(parsed.error);
    change = parsed.change;
  } else if (arg && typeof arg === 'object') {
    const a = arg as Record<string, unknown>;
    change = {};
    for (const k of ['pinnedOnly', 'dirtyOnly', 'interestingOnly'] as const) {
      if (a[k] === undefined) continue;
      if (typeof a[k] !== 'boolean') return fail(`${k} must be true or false`);
      change[k] = a[k] as boolean;
    }
  } else {
    const f = view.filter;
    const pick = await vscode.window.showQuickPick(
      [
        { label: `${f.pinnedOnly ? '$(check) ' : ''}Pinned only`, id: 'pinnedOnly' },
        { label: `${f.dirtyOnly ? '$(check) ' : ''}Dirty only`, id: 'dirtyOnly' },
        { label: `${f.interestingOnly === false ? '$(check) ' : ''}All pages (not only interesting ones)`, id: 'interestingOnly' },
        { label: 'Pincount greater than…', id: 'minPincount', description: FILTER_PROMPTS.minPincount.value(f) },
        { label: 'Zone…', id: 'zone', description: f.zone },
        { label: 'Virtual address range…', id: 'vaddrRange', description: FILTER_PROMPTS.vaddrRange.value(f) },
        { label: 'PFN range…', id: 'pfnRange', description: FILTER_PROMPTS.pfnRange.value(f) },
      ],
      { title: 'Filter Pages' },
    );
    if (!pick) return undefined;
    if (pick.id === 'pinnedOnly') change = { pinnedOnly: !f.pinnedOnly };
    else if (pick.id === 'dirtyOnly') change = { dirtyOnly: !f.dirtyOnly };
    else if (pick.id === 'interestingOnly') change = { interestingOnly: f.interestingOnly === false };
    else {
      const input = pick.id as FilterInput;
      const spec = FILTER_PROMPTS[input];
      const text = await vscode.window.showInputBox({
        title: spec.title,
        prompt: spec.prompt,
        value: spec.value(f),
        validateInput: (t) => {
          const p = parseFilterInput(input, t);
          return p.ok ? undefined : p.error;
        },
      });
      if (text === undefined) return undefined;
      const parsed = parseFilterInput(input, text);
      if (!parsed.ok) return fail(parsed.error);
      change = parsed.change;
    }
  }
  const next = applyFilterChange(view.filter, change ?? {});
  view.setQuery(next, view.sort);
  return next;
}

async function pagesSort(ctx: ViewCommandContext, arg: unknown): Promise<PageSort | { error: string } | undefined> {
  let sort = arg;
  if (sort === undefined) {
    const pick = await vscode.window.showQuickPick(
      [
        { label: 'Address', description: 'ascending', id: 'vaddr' },
        { label: 'Pincount', description: 'highest first', id: 'pincount' },
        { label: 'Refcount', description: 'highest first', id: 'refcount' },
      ],
      { title: 'Sort Pages' },
    );
    sort = pick?.id;
    if (sort === undefined) return undefined;
  }
  if (sort !== 'vaddr' && sort !== 'pincount' && sort !== 'refcount') return fail(`'${String(sort)}' is not a sort: use vaddr, pincount or refcount`);
  ctx.pages.setQuery(ctx.pages.filter, sort);
  return sort;
}

async function pagesReveal(ctx: ViewCommandContext, arg: unknown): Promise<string | undefined> {
  const a = (arg ?? {}) as { pid?: unknown; vaddr?: unknown };
  if (typeof a.pid !== 'number' || !Number.isInteger(a.pid)) return fail('vfioLab.pages.reveal needs { pid: number, vaddr: "0x…" }').error;
  if (typeof a.vaddr !== 'string' || !/^0x[0-9a-f]{1,16}$/i.test(a.vaddr)) return fail(`'${String(a.vaddr)}' is not a 0x hex address`).error;
  const why = await ctx.pages.reveal(a.pid, a.vaddr.toLowerCase());
  if (why) void vscode.window.showWarningMessage(`VFIO Lab: ${why}.`);
  return why;
}

/**
 * Run a channel-path statement in the session's debug console path (the adapter journals it as an
 * edit at the current stop: Step Back undoes it, and it sends `vlab/state`, which refreshes the views).
 */
async function chpAction(ctx: ViewCommandContext, arg: unknown, what: 'vary' | 'configure', on: boolean): Promise<string | { error: string }> {
  // from the context menu a row; from tests and keybindings `{ chpid: 0x41 }`; else the selection
  const byId = arg && typeof arg === 'object' && typeof (arg as { chpid?: unknown }).chpid === 'number' ? await ctx.channelPaths.nodeFor((arg as { chpid: number }).chpid) : undefined;
  const node = arg instanceof ChpidNode ? arg : byId ?? ctx.channelPaths.treeView.selection[0];
  if (!(node instanceof ChpidNode)) return fail('select a CHPID in the Channel Paths view.');
  const { model, path, topology } = node;
  if (!model.hasState) return fail('the debug session has ended.');
  if (model.running) return fail('pause the debug session first.');
  const xx = path.chpid.toString(16).padStart(2, '0');
  let statement: string;
  if (topology === 'vfio') statement = `chchp -${what === 'vary' ? 'v' : 'c'} ${on ? 1 : 0} ${xx}`;
  else if (what === 'configure') statement = `configure chpid ${xx} ${on ? 'on' : 'off'}`;
  else return fail('vary is a host cio action: this scenario has no host (topology native).');
  try {
    const r = (await model.session.customRequest('evaluate', { expression: statement, context: 'repl' })) as { result?: string };
    const ret = topology === 'vfio' ? ((await model.session.customRequest('evaluate', { expression: 'ret', context: 'watch' })) as { result?: string }).result : undefined;
    // css §7.2: chchp writes return the bytes written, or −errno
    if (ret !== undefined && /^-/.test(ret.trim())) return fail(`${statement} failed: ret = ${ret.trim()}`);
    void vscode.window.setStatusBarMessage(`VFIO Lab: ${statement} (Step Back undoes it)`, 5000);
    return r.result ?? '';
  } catch (err) {
    return fail(`${statement}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function registerViewCommands(ctx: ViewCommandContext): vscode.Disposable {
  const r = vscode.commands.registerCommand;
  const setChangedOnly = (on: boolean) => {
    ctx.subchannels.setChangedOnly(on);
    void vscode.commands.executeCommand('setContext', CHANGED_ONLY_KEY, on);
    return on;
  };
  void vscode.commands.executeCommand('setContext', CHANGED_ONLY_KEY, false);
  return vscode.Disposable.from(
    r(VIEW_COMMANDS.pagesFilter, (arg: unknown) => pagesFilter(ctx, arg)),
    r(VIEW_COMMANDS.pagesClearFilter, () => {
      ctx.pages.setQuery({}, 'vaddr');
      return {};
    }),
    r(VIEW_COMMANDS.pagesSort, (arg: unknown) => pagesSort(ctx, arg)),
    r(VIEW_COMMANDS.pagesMore, (arg: unknown) => {
      if (isMoreNode(arg)) return ctx.pages.showMore(arg.owner);
      // `{ pid, start }` names the VMA (tests, keybindings)
      const a = (arg ?? {}) as { pid?: unknown; start?: unknown };
      if (typeof a.pid === 'number' && typeof a.start === 'string') return ctx.pages.showMoreOf(a.pid, a.start);
      return fail('vfioLab.pages.more needs a VMA').error;
    }),
    r(VIEW_COMMANDS.pagesReveal, (arg: unknown) => pagesReveal(ctx, arg)),
    r(VIEW_COMMANDS.changedOnlyOn, () => setChangedOnly(true)),
    r(VIEW_COMMANDS.changedOnlyOff, () => setChangedOnly(false)),
    r(VIEW_COMMANDS.varyOn, (arg: unknown) => chpAction(ctx, arg, 'vary', true)),
    r(VIEW_COMMANDS.varyOff, (arg: unknown) => chpAction(ctx, arg, 'vary', false)),
    r(VIEW_COMMANDS.configureOn, (arg: unknown) => chpAction(ctx, arg, 'configure', true)),
    r(VIEW_COMMANDS.configureOff, (arg: unknown) => chpAction(ctx, arg, 'configure', false)),
  );
}
