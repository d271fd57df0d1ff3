// Language features of .vlab files inside a real VS Code extension host (issue 6): completion,
// hover, outline, definition, CodeLens and diagnostics as you type, through VS Code's own
// provider commands, so the registration in package.json and extension.ts is what is tested.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';

const HELLO = path.resolve(__dirname, '../../../examples/hello.vlab');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(f: () => T | undefined, ms = 10000): Promise<T | undefined> {
  const t = Date.now();
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() - t > ms) return v;
    await sleep(100);
  }
}

function lineOf(doc: vscode.TextDocument, prefix: string): number {
  return doc.getText().split('\n').findIndex((l) => l.startsWith(prefix));
}

describe('language features in the extension host', () => {
  let doc: vscode.TextDocument;

  before(async () => {
    doc = await vscode.workspace.openTextDocument(vscode.Uri.file(HELLO));
    await vscode.window.showTextDocument(doc);
    await vscode.extensions.getExtension('vfio-lab.vfio-lab')!.activate();
  });

  it('completes FOLL flags after a GUP call (gup §2.2)', async () => {
    const line = lineOf(doc, 'pin_user_pages');
    const ch = doc.lineAt(line).text.indexOf('FOLL_WRITE');
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(line, ch));
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(labels.includes('FOLL_LONGTERM'), labels.slice(0, 20).join(','));
  });

  it('decodes a unit-status word on hover (css §4: 0x0c = CE|DE)', async () => {
    const line = lineOf(doc, 'expect irb.scsw.dstat');
    const ch = doc.lineAt(line).text.indexOf('0x0c') + 1;
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(line, ch));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /CE\|DE/);
  });

  it('outlines programs and goes to a program definition from cpa=', async () => {
    const syms = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', doc.uri);
    assert.ok(syms.some((s) => s.name === 'echo'), JSON.stringify(syms.map((s) => s.name)));
    const line = lineOf(doc, 'ssch');
    const defs = await vscode.commands.executeCommand<vscode.Location[]>(
      'vscode.executeDefinitionProvider', doc.uri, new vscode.Position(line, doc.lineAt(line).text.indexOf('cpa=echo') + 5));
    assert.equal(defs.length, 1);
    assert.equal(defs[0].range.start.line, lineOf(doc, 'program echo'));
  });

  it('offers Run | Debug CodeLenses', async () => {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
    assert.deepEqual(lenses.map((l) => l.command?.command), ['vfioLab.runScenarioTests', 'vfioLab.debugScenario']);
  });

  it('reports diagnostics as you type, with "did you mean"', async () => {
    const u = await vscode.workspace.openTextDocument({ language: 'vlab', content: 'chpid 40\n' });
    const ed = await vscode.window.showTextDocument(u);
    try {
      await ed.edit((e) => e.insert(new vscode.Position(1, 0), 'kernal 6.18\nchpid zz\n'));
      const d = await until(() => {
        const x = vscode.languages.getDiagnostics(u.uri);
        return x.length >= 2 ? x : undefined;
      });
      assert.deepEqual(d?.map((x) => `${x.range.start.line}:${x.range.start.character} ${x.message}`), [
        "1:0 unknown statement 'kernal' (did you mean 'kernel'?)",
        "2:6 expected a CHPID (hex, e.g. 40), found 'zz'",
      ]);
    } finally {
      // a dirty untitled editor left open makes the next debug session's save-before-start ask
      // for a file name (a modal dialog no test answers)
      await vscode.window.showTextDocument(u);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });
});
