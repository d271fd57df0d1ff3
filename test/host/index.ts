// Test index loaded by VS Code's extension host (extensionTestsPath). It runs every
// out/test/host/*.test.js with mocha's programmatic API. The extension host sends console output
// to the browser, not to a terminal, so the spec report is written to the file named by
// VFIO_LAB_TEST_REPORT (set on code-server by test/host/codeServerWrapper.js), which the wrapper
// prints. Without that variable (a desktop VS Code) the report goes to the console as usual.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const reportFile = process.env.VFIO_LAB_TEST_REPORT;
  if (reportFile) {
    fs.writeFileSync(reportFile, '');
    // Every reporter line goes through Base.consoleLog; send it to the file as it happens, so a
    // run that hangs still leaves a partial report behind.
    Mocha.reporters.Base.consoleLog = (...args: unknown[]) => {
      fs.appendFileSync(reportFile, util.format(...args) + '\n');
    };
  }
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: false,
    timeout: 30_000,
    ...(process.env.VFIO_LAB_HOST_GREP ? { grep: process.env.VFIO_LAB_HOST_GREP } : {}),
  });
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));

  return new Promise((resolve, reject) => {
    if (files.length === 0) return reject(new Error(`no *.test.js files in ${__dirname}`));
    try {
      mocha.run((failures) => {
        if (failures > 0) reject(new Error(`${failures} host test(s) failed`));
        else resolve();
      });
    } catch (e) {
      if (reportFile) fs.appendFileSync(reportFile, `error loading tests: ${String((e as Error)?.stack ?? e)}\n`);
      reject(e);
    }
  });
}
