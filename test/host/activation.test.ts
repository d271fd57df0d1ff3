// The Node.js extension host loads the `main` bundle (dist/extension.js, which loads the shared
// dist/browser.js) and reports where it runs and how long activation took (extension/host.ts).
// With VFIO_LAB_BENCH_FILE set (`npm run bench activation`), the figure is written there.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { EXTENSION_ID } from './vlabSession';

interface HostInfo {
  bundle: string;
  extensionHost: string;
  uiKind: string;
  activationMs: number;
}

describe('activation in the Node.js extension host', () => {
  it('runs the node bundle in the Node.js host and reports its activation time', async () => {
    const ext = vscode.extensions.getExtension<{ host: HostInfo }>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not installed`);
    const api = await ext.activate();
    assert.equal(api.host.bundle, 'node');
    assert.equal(api.host.extensionHost, 'node');
    assert.equal(api.host.uiKind, 'web'); // code-server's workbench is a web UI (E2E.md)
    assert.ok(Number.isFinite(api.host.activationMs) && api.host.activationMs > 0, `activationMs ${api.host.activationMs}`);
    // The command users run shows the same facts.
    const shown = await vscode.commands.executeCommand<HostInfo>('vfioLab.showExtensionHost');
    assert.deepEqual(shown, api.host);
    const out = process.env.VFIO_LAB_BENCH_FILE;
    if (out) fs.writeFileSync(out, JSON.stringify(api.host));
  });
});
