/**
 * Colours a row's label (not just its icon): changed-since-last-stop rows in the "modified"
 * colour, invalid SCSW fields (css §1.3) dimmed. Rows opt in through a `resourceUri` in a private
 * scheme that encodes the decoration, so no state is kept here.
 */
import * as vscode from 'vscode';

export const DECORATION_SCHEME = 'vfio-lab-row';

export type RowDecoration = 'changed' | 'invalid';

export function decorationUri(decoration: RowDecoration): vscode.Uri {
  return vscode.Uri.from({ scheme: DECORATION_SCHEME, path: `/${decoration}` });
}

const DECORATIONS: Record<RowDecoration, vscode.FileDecoration> = {
  changed: new vscode.FileDecoration(undefined, 'Changed since the previous stop', new vscode.ThemeColor('gitDecoration.modifiedResourceForeground')),
  invalid: new vscode.FileDecoration(undefined, 'Not valid in the current SCSW state (css §1.3)', new vscode.ThemeColor('disabledForeground')),
};

export function registerRowDecorations(): vscode.Disposable {
  return vscode.window.registerFileDecorationProvider({
    provideFileDecoration(uri) {
      if (uri.scheme !== DECORATION_SCHEME) return undefined;
      return DECORATIONS[uri.path.slice(1) as RowDecoration];
    },
  });
}
