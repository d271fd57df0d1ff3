/**
 * Creates and registers everything the VFIO Lab views need (one call from activation, so the
 * activation file stays small): the four tree views (also placeable in Run and Debug), row
 * decorations, row actions, view commands, the memory documents, the status bar item and the
 * walkthrough's commands.
 */
import * as vscode from 'vscode';
import type { RadixStore } from '../radix';
import type { SessionTracker } from '../sessionTracker';
import { SHOW_VIEWS_COMMAND, VlabStatusBar } from '../statusBar';
import { config } from '../config';
import { ChannelPathsView } from './channelPathsView';
import { CrwQueuesView } from './crwQueuesView';
import { registerRowDecorations } from './decorations';
import { registerMemoryDocuments } from './memoryDocument';
import { PagesView } from './pagesView';
import { registerRowActions } from './rowActions';
import { SubchannelsView } from './subchannelsView';
import { registerViewCommands } from './viewCommands';
import { debugViewId, VIEW_IDS, type ViewKind } from './viewKinds';
import type { VlabView } from './vlabView';
import { registerWalkthrough } from './walkthrough';

export interface Views extends Record<ViewKind, VlabView> {
  subchannels: SubchannelsView;
  channelPaths: ChannelPathsView;
  crwQueues: CrwQueuesView;
  pages: PagesView;
}

export function registerViews(context: vscode.ExtensionContext, tracker: SessionTracker, radix: RadixStore): Views {
  const views: Views = {
    subchannels: new SubchannelsView('subchannels', tracker, radix),
    channelPaths: new ChannelPathsView('channelPaths', tracker, radix),
    crwQueues: new CrwQueuesView('crwQueues', tracker, radix),
    pages: new PagesView('pages', tracker, radix),
  };
  context.subscriptions.push(
    ...Object.values(views),
    registerRowDecorations(),
    registerMemoryDocuments((id) => tracker.sessionById(id)),
    registerRowActions({ views, radix, tracker }),
    registerViewCommands({ tracker, pages: views.pages, subchannels: views.subchannels, channelPaths: views.channelPaths }),
    new VlabStatusBar(tracker),
    vscode.commands.registerCommand(SHOW_VIEWS_COMMAND, () =>
      vscode.commands.executeCommand(`${config.viewsLocation() === 'debug' ? debugViewId('subchannels') : VIEW_IDS.subchannels}.focus`),
    ),
    registerWalkthrough(context),
  );
  return views;
}
