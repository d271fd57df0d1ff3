/**
 * Commands behind the Get Started walkthrough (package.json `contributes.walkthroughs`): open the
 * sample workspace (the extension's `examples/` folder) and open one of its scenarios.
 */
import * as vscode from 'vscode';

export const WALKTHROUGH_COMMANDS = {
  openSamples: 'vfioLab.openSamples',
  openExample: 'vfioLab.openExample',
} as const;

/** The scenarios the walkthrough steps open. */
export const WALKTHROUGH_EXAMPLES = ['vfio-chchp-configure.vlab', 'gup-pinning.vlab', 'hello.vlab'] as const;

export function registerWalkthrough(context: vscode.ExtensionContext): vscode.Disposable {
  const examples = vscode.Uri.joinPath(context.extensionUri, 'examples');
  return vscode.Disposable.from(
    vscode.commands.registerCommand(WALKTHROUGH_COMMANDS.openSamples, () => vscode.commands.executeCommand('vscode.openFolder', examples, { forceNewWindow: false })),
    vscode.commands.registerCommand(WALKTHROUGH_COMMANDS.openExample, async (name: unknown) => {
      if (typeof name !== 'string' || !(WALKTHROUGH_EXAMPLES as readonly string[]).includes(name)) {
        void vscode.window.showErrorMessage(`VFIO Lab: no sample scenario '${String(name)}' (samples: ${WALKTHROUGH_EXAMPLES.join(', ')}).`);
        return undefined;
      }
      // prefer the copy in the open workspace (the sample workspace), else the extension's own
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      let uri = vscode.Uri.joinPath(examples, name);
      if (folder) {
        const local = vscode.Uri.joinPath(folder, name);
        try {
          await vscode.workspace.fs.stat(local);
          uri = local;
        } catch {
          // not in the workspace: open the extension's copy (read it, debug it)
        }
      }
      await vscode.window.showTextDocument(uri);
      return uri.toString();
    }),
  );
}
