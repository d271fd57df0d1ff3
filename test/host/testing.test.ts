// The Testing view inside a real VS Code (issue 6): every .vlab file is a test, every `expect` a
// child at its line; running reports pass/fail per expect with expected vs actual.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';

const EXAMPLES = path.resolve(__dirname, '../../../examples');

interface Api {
  testing: {
    run(uri?: vscode.Uri): Promise<void>;
    items(): Array<{ id: string; label: string; children: Array<{ id: string; label: string; line: number }> }>;
    outcome(id: string): { state: string; message?: string } | undefined;
  };
}

describe('Testing view: scenarios and their expects', () => {
  let api: Api;
  before(async () => {
    api = (await vscode.extensions.getExtension('vfio-lab.vfio-lab')!.activate()) as Api;
  });

  it('lists hello.vlab with one child per expect line and passes them all', async () => {
    const uri = vscode.Uri.file(path.join(EXAMPLES, 'hello.vlab'));
    await api.testing.run(uri);
    const file = api.testing.items().find((i) => i.id === uri.toString());
    assert.ok(file, api.testing.items().map((i) => i.label).join(', '));
    assert.equal(file.children.length, 12);
    assert.equal(file.children[0].label, '19: expect cc == 0');
    for (const c of file.children) assert.equal(api.testing.outcome(c.id)?.state, 'passed', c.label);
    assert.equal(api.testing.outcome(file.id)?.state, 'passed');
  });

  it('reports a failed expect with expected and actual (css §4: DSTAT is CE+DE = 0x0c, not 0x0d)', async () => {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(EXAMPLES, 'hello.vlab')));
    const text = doc.getText().replace('expect irb.scsw.dstat == 0x0c', 'expect irb.scsw.dstat == 0x0d');
    const tmp = vscode.Uri.file(path.join(EXAMPLES, 'zz-host-failing.vlab'));
    await vscode.workspace.fs.writeFile(tmp, Buffer.from(text));
    try {
      await api.testing.run(tmp);
      const file = api.testing.items().find((i) => i.id === tmp.toString())!;
      const bad = file.children.find((c) => c.line === 24)!;
      const o = api.testing.outcome(bad.id);
      assert.equal(o?.state, 'failed');
      assert.match(o?.message ?? '', /expected 13 \(0xd\), actual 12 \(0xc\)/);
      assert.equal(api.testing.outcome(file.id)?.state, 'failed');
    } finally {
      await vscode.workspace.fs.delete(tmp);
    }
  });
});
