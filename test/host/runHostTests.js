#!/usr/bin/env node
// Runs the host tests (out/test/host/*.test.js, inside a real VS Code extension host) through the
// standard @vscode/test-electron runTests(). VS Code itself is replaced by codeServerWrapper.js,
// which runs code-server + headless chromium (Electron VS Code cannot be downloaded here).
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { runTests } = require('@vscode/test-electron');

const REPO = path.resolve(__dirname, '..', '..');

async function main() {
  const testsIndex = path.join(REPO, 'out', 'test', 'host', 'index.js');
  if (!fs.existsSync(testsIndex)) {
    console.error(`${testsIndex} is missing: run \`npm run build\` (tsc -p .) first`);
    return 1;
  }
  // A fresh profile per run, outside the repo (runTests would otherwise use ./.vscode-test).
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'vfio-lab-profile-'));
  const started = Date.now();
  try {
    await runTests({
      vscodeExecutablePath: path.join(__dirname, 'codeServerWrapper.js'),
      extensionDevelopmentPath: REPO,
      extensionTestsPath: testsIndex,
      launchArgs: [
        path.join(REPO, 'examples'),
        `--user-data-dir=${path.join(profile, 'user-data')}`,
        `--extensions-dir=${path.join(profile, 'extensions')}`,
      ],
    });
    console.log(`host tests passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  } catch (e) {
    console.error(`host tests failed: ${e && e.message ? e.message : e}`);
    return 1;
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code));
