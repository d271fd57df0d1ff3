/** The three VFIO Lab tree views: internal keys, contributed view ids, default radix. No `vscode`. */
import type { Radix } from './format';

export type ViewKind = 'subchannels' | 'crwQueues' | 'pages';
export const VIEW_KINDS: readonly ViewKind[] = ['subchannels', 'crwQueues', 'pages'];

/** View ids as contributed in package.json `contributes.views.vfioLab`. */
export const VIEW_IDS: Record<ViewKind, string> = {
  subchannels: 'vfioLab.subchannels',
  crwQueues: 'vfioLab.crwQueues',
  pages: 'vfioLab.pages',
};

export const VIEW_TITLES: Record<ViewKind, string> = {
  subchannels: 'Subchannels',
  crwQueues: 'CRW Queues',
  pages: 'Pages',
};

/** Registers and words read best in hex; page counts (refcount 1025) in decimal. */
export const DEFAULT_RADIX: Record<ViewKind, Radix> = {
  subchannels: 'hex',
  crwQueues: 'hex',
  pages: 'dec',
};

export function isViewKind(value: unknown): value is ViewKind {
  return value === 'subchannels' || value === 'crwQueues' || value === 'pages';
}

/** Accept `pages` or `vfioLab.pages`. */
export function toViewKind(value: unknown): ViewKind | undefined {
  if (isViewKind(value)) return value;
  if (typeof value === 'string') return VIEW_KINDS.find((k) => VIEW_IDS[k] === value);
  return undefined;
}
