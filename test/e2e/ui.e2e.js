#!/usr/bin/env node
// End-to-end UI test: installs the packaged VSIX (vfio-lab-0.1.0.vsix, made by `npm run package`)
// into a fresh code-server, opens examples/ in headless chromium, debugs examples/hello.vlab from
// the command palette, steps, and checks what the VFIO Lab views, the Call Stack and the Variables
// view show at each stop. Saves docs/images/screenshot.png (used by the README).
// Builds nothing itself. Selectors and palette use follow /work/shared/E2E.md ("three tiers").
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const W = require('../host/codeServerWrapper.js');

const TIMEOUT_MS = Number(process.env.VFIO_LAB_E2E_TIMEOUT_MS || 5 * 60_000);
const WAIT_MS = 20_000; // for any one thing to appear on screen

const norm = (s) => s.replace(/\s+/g, ' ').trim();

// What hello.vlab shows at each stop, filled in from the running extension; each value cites the
// reference section it checks. stepsBefore: "Debug: Step Over" count since the previous stop.
const EXPECTED = {
  stops: [],
};

/** Runs a command through the palette: F1, type `>` + the exact title, click that exact row
 * (Enter would run the focused row, which may be another). A command whose precondition is false
 * (Step Over while the session is still running) is not listed: close and retry until it is. */
async function palette(page, title) {
  await pick(page, '>' + title, title);
}

/** Quick Open (the palette without `>`) for a file name, then click the matching row. */
async function openFile(page, fileName) {
  await pick(page, fileName, fileName);
  await page.locator(`.tabs-container .tab[aria-label^="${fileName}"]`).waitFor({ timeout: WAIT_MS });
}

async function pick(page, text, label) {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('.quick-input-box input');
  // Only visible rows: the list keeps the previous invocation's rows in the DOM for a moment.
  const rows = widget.locator('.quick-input-list .monaco-list-row:visible');
  const row = rows.filter({ has: page.locator('.label-name').getByText(label, { exact: true }) }).first();
  const ok = (p) => p.then(() => true, () => false);
  const deadline = Date.now() + WAIT_MS;
  let shown = [];
  // Retried as a whole: a stop arriving from an earlier step moves focus to the editor, which
  // closes the palette at any moment; and a key press during a focus change can go nowhere.
  while (Date.now() < deadline) {
    await widget.waitFor({ state: 'hidden', timeout: WAIT_MS });
    await page.keyboard.press('F1');
    if ((await ok(input.waitFor({ state: 'visible', timeout: 3000 })))
      && (await ok(input.fill(text, { timeout: 2000 })))
      && (await ok(row.waitFor({ state: 'visible', timeout: 2000 })))
      // A click that times out was never dispatched, so retrying cannot run the command twice.
      && (await ok(row.click({ timeout: 2000 })))) {
      return widget.waitFor({ state: 'hidden', timeout: WAIT_MS });
    }
    shown = (await rows.locator('.label-name').allInnerTexts().catch(() => [])).map(norm);
    if (await widget.isVisible()) await page.keyboard.press('Escape');
    await W.sleep(250);
  }
  throw new Error(`palette has no row "${label}" (rows: ${JSON.stringify(shown)})`);
}

/** The pane (view section) of the side bar whose header title is `title`. */
function pane(page, title) {
  return page.locator('.part.sidebar .pane').filter({
    has: page.locator(`.pane-header h3.title:text-is("${title}")`),
  });
}

/** The rendered rows of a view as "label description" strings: a row's text pieces joined by
 * one space (innerText would glue a tree item's label to its description). Tree rows are
 * virtualised, but our trees are small enough to be fully rendered. */
async function viewRows(page, title) {
  const texts = await pane(page, title).locator('.monaco-list-row').evaluateAll((rows) =>
    rows.map((row) => {
      const parts = [];
      const walk = document.createTreeWalker(row, NodeFilter.SHOW_TEXT);
      while (walk.nextNode()) parts.push(walk.currentNode.textContent);
      return parts.join(' ');
    }));
  return texts.map(norm);
}

/** Waits until every expected row is shown in the view; rows are matched exactly. */
async function expectRows(page, title, expected, what) {
  const deadline = Date.now() + WAIT_MS;
  let rows = [];
  while (Date.now() < deadline) {
    rows = await viewRows(page, title).catch(() => []);
    if (expected.every((e) => rows.includes(e))) return rows;
    await W.sleep(200);
  }
  const missing = expected.filter((e) => !rows.includes(e));
  throw new Error(`${what}: view "${title}" lacks ${JSON.stringify(missing)}\n  shown: ${JSON.stringify(rows, null, 1)}`);
}

/** Expands the rows of a view whose label is in `labels`, so field rows become visible. */
async function expand(page, title, labels) {
  for (const label of labels) {
    const row = pane(page, title).locator('.monaco-list-row').filter({
      has: page.locator(`.label-name:text-is("${label}")`),
    }).first();
    await row.waitFor({ timeout: WAIT_MS });
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
  }
}

async function showVfioLab(page) {
  await palette(page, 'View: Show VFIO Lab');
  await pane(page, 'Subchannels').waitFor({ timeout: WAIT_MS });
}

async function checkStop(page, stop) {
  const what = `stop "${stop.name}"`;
  await palette(page, 'View: Show Run and Debug');
  await expectRows(page, 'Call Stack', stop.callStack, what);
  if (stop.variables) await expectRows(page, 'Variables', stop.variables, what);
  await showVfioLab(page);
  for (const [title, v] of Object.entries(stop.views)) {
    await expand(page, title, v.expand || []);
    await expectRows(page, title, v.rows, what);
  }
  console.log(`  ✔ ${what}`);
}

async function runUi({ vsix, workspace, scenario, expected, screenshot }) {
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} is missing: run \`npm run package\` first`);
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vfio-lab-e2e-'));
  const dirs = { tmpDir, userDataDir: path.join(tmpDir, 'user-data'), extensionsDir: path.join(tmpDir, 'extensions') };
  let server;
  let browser;
  let page;
  let keepTmp = Boolean(process.env.VFIO_LAB_KEEP_TMP);
  // If the process exits early (timeout, signal), still end code-server's whole process group.
  const killServer = () => server && W.killGroup(server.pid);
  process.on('exit', killServer);
  try {
    W.writeQuietSettings(dirs.userDataDir);
    await W.runCodeServerCli(dirs, ['--install-extension', vsix, '--force']);
    server = await W.startCodeServer(dirs);
    browser = await W.launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.setDefaultTimeout(WAIT_MS);
    await page.goto(`${server.origin}/?folder=${encodeURIComponent(workspace)}`, { timeout: 60_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    // The extension's activity-bar tab shows once the workbench has read its contributions.
    await page.locator('.activitybar .action-item a[aria-label^="VFIO Lab"]').waitFor({ timeout: 60_000 });
    await openFile(page, path.basename(scenario));
    await palette(page, 'VFIO Lab: Debug Scenario');
    for (let i = 0; i < expected.stops.length; i++) {
      const stop = expected.stops[i];
      for (let s = 0; s < (stop.stepsBefore || 0); s++) await palette(page, 'Debug: Step Over');
      await checkStop(page, stop);
    }
    if (screenshot) {
      fs.mkdirSync(path.dirname(screenshot), { recursive: true });
      await page.screenshot({ path: screenshot });
      console.log(`  screenshot: ${path.relative(W.REPO, screenshot)}`);
    }
  } catch (e) {
    if (page) {
      const failShot = path.join(os.tmpdir(), `vfio-lab-e2e-failure-${process.pid}.png`);
      await page.screenshot({ path: failShot }).catch(() => {});
      e.message += `\n  failure screenshot: ${failShot}`;
    }
    if (server) {
      e.message += `\n  code-server log: ${server.logFile} (kept)`;
      keepTmp = true;
    }
    throw e;
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (server) await server.stop();
    process.removeListener('exit', killServer);
    if (!keepTmp) fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}

async function main() {
  const started = Date.now();
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));
  const timer = setTimeout(() => {
    console.error(`ui e2e: FAILED: no result after ${TIMEOUT_MS / 1000} s`);
    process.exit(1); // the 'exit' hook below still kills code-server's group
  }, TIMEOUT_MS);
  try {
    console.log('ui e2e: hello.vlab in a fresh code-server with the packaged VSIX');
    await runUi({
      vsix: path.join(W.REPO, 'vfio-lab-0.1.0.vsix'),
      workspace: path.join(W.REPO, 'examples'),
      scenario: path.join(W.REPO, 'examples', 'hello.vlab'),
      expected: EXPECTED,
      screenshot: path.join(W.REPO, 'docs', 'images', 'screenshot.png'),
    });
    console.log(`ui e2e: passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (e) {
    console.error(`ui e2e: FAILED: ${e && e.stack ? e.stack : e}`);
    process.exitCode = 1;
  } finally {
    clearTimeout(timer);
  }
}

module.exports = { runUi, palette, openFile, viewRows, expectRows, expand };

if (require.main === module) main();
