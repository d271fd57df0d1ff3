/** The four VFIO Lab tree views: internal keys, contributed view ids, default radix. No `vscode`. */
import type { Radix } from './format';

export type ViewKind = 'subchannels' | 'channelPaths' | 'crwQueues' | 'pages';
export const VIEW_KINDS: readonly ViewKind[] = ['subchannels', 'channelPaths', 'crwQueues', 'pages'];

/** View ids as contributed in package.json `contributes.views.vfioLab`. */
export const VIEW_IDS: Record<ViewKind, string> = {
  subchannels: 'vfioLab.subchannels',
  channelPaths: 'vfioLab.channelPaths',
  crwQueues: 'vfioLab.crwQueues',
  pages: 'vfioLab.pages',
};

/**
 * The same view registered in the Run and Debug container (package.json `contributes.views.debug`),
 * shown instead when `vfioLab.views.location` is `debug`, so stops do not pull the user away.
 */
export function debugViewId(kind: ViewKind): string {
  return `vfioLab.debug.${kind}`;
}

export const VIEW_TITLES: Record<ViewKind, string> = {
  subchannels: 'Subchannels',
  channelPaths: 'Channel Paths',
  crwQueues: 'CRW Queues',
  pages: 'Pages',
};

/** Registers and words read best in hex; page counts (refcount 1025) in decimal. */
export const DEFAULT_RADIX: Record<ViewKind, Radix> = {
  subchannels: 'hex',
  channelPaths: 'hex',
  crwQueues: 'hex',
  pages: 'dec',
};

export function isViewKind(value: unknown): value is ViewKind {
  return typeof value === 'string' && (VIEW_KINDS as readonly string[]).includes(value);
}

/** Accept `pages` or `vfioLab.pages`. */
export function toViewKind(value: unknown): ViewKind | undefined {
  if (isViewKind(value)) return value;
  if (typeof value === 'string') return VIEW_KINDS.find((k) => VIEW_IDS[k] === value || debugViewId(k) === value);
  return undefined;
}
