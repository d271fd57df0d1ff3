/** Typed accessors for the `vfioLab.*` settings declared in package.json `contributes.configuration`. */
import * as vscode from 'vscode';

export type AdapterMode = 'inline' | 'standalone';

const section = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('vfioLab');

function positiveInt(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}

export const config = {
  /** `vfioLab.adapter`: run the debug adapter in the extension host or as a `node` child process. */
  adapter(): AdapterMode {
    return section().get<string>('adapter') === 'standalone' ? 'standalone' : 'inline';
  },
  /** `vfioLab.pages.interestingOnly`: only pages with pins, a changed refcount, or dirty. */
  pagesInterestingOnly(): boolean {
    return section().get<boolean>('pages.interestingOnly') !== false;
  },
  /** `vfioLab.pages.limit`: folio rows per VMA and per "next" step (the model may hold a million pages). */
  pagesLimit(): number {
    return positiveInt(section().get<number>('pages.limit'), 1000);
  },
  /** `vfioLab.subchannels.limit`: at most this many subchannels (the model may define 65,536). */
  subchannelsLimit(): number {
    return positiveInt(section().get<number>('subchannels.limit'), 256);
  },
  /** `vfioLab.views.location`: the VFIO Lab container (default) or the Run and Debug container. */
  viewsLocation(): 'vfioLab' | 'debug' {
    return section().get<string>('views.location') === 'debug' ? 'debug' : 'vfioLab';
  },
  affectsViews(e: vscode.ConfigurationChangeEvent): boolean {
    return e.affectsConfiguration('vfioLab.pages') || e.affectsConfiguration('vfioLab.subchannels') || e.affectsConfiguration('vfioLab.views');
  },
};
