// Driving the VS Code workbench (code-server in chromium) the way a user does: a fresh
// code-server with the packaged VSIX, the command palette, the side-bar views and their tree
// rows, stepping by the Call Stack. Used by the browser tier's tests (ui, webworker, views,
// pictures); selectors and the palette rules follow /work/shared/E2E.md ("three tiers").
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const W = require('../host/codeServerWrapper.js');

const { sleep } = W;

const WAIT_MS = 20_000; // for any one thing to appear on screen
const norm = (s) => s.replace(/\s+/g, ' ').trim();

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
      && (await ok(row.waitFor({ state: 'visible', timeout: 2000 })))) {
      // On a loaded machine a click can report a timeout after it was dispatched: if the palette
      // closed, the command ran, and a retry would run it twice (two debug sessions).
      if ((await ok(row.click({ timeout: 5000 }))) || !(await widget.isVisible())) {
        return widget.waitFor({ state: 'hidden', timeout: WAIT_MS });
      }
    }
    shown = (await rows.locator('.label-name').allInnerTexts().catch(() => [])).map(norm);
    if (await widget.isVisible()) await page.keyboard.press('Escape');
    await sleep(250);
  }
  throw new Error(`palette has no row "${label}" (rows: ${JSON.stringify(shown)})`);
}

/** Sets a breakpoint on `line` of the open editor (Go to Line, then Toggle Breakpoint). */
async function breakpointAt(page, line) {
  const widget = page.locator('.quick-input-widget');
  // Type into the Go to Line box only once it is open: under load a key press typed before the
  // box appeared landed in the editor and was saved into the example.
  await page.keyboard.press('Control+G');
  await widget.locator('input').waitFor({ state: 'visible', timeout: WAIT_MS });
  await widget.locator('input').fill(`:${line}`);
  await widget.locator('.monaco-list-row:visible', { hasText: `Go to line ${line}.` }).click();
  await widget.waitFor({ state: 'hidden', timeout: WAIT_MS });
  await palette(page, 'Debug: Toggle Breakpoint');
}

/** The pane (view section) of the side bar whose header title is `title`. */
function pane(page, title) {
  return page.locator('.part.sidebar .pane').filter({
    has: page.locator(`.pane-header h3.title:text-is("${title}")`),
  });
}

/** Text of the rendered rows, by list index: a row's text pieces joined by one space (innerText
 * would glue a tree item's label to its description). */
function renderedRows(page, title) {
  return pane(page, title).locator('.monaco-list-row').evaluateAll((rows) =>
    rows.map((row) => {
      const parts = [];
      const walk = document.createTreeWalker(row, NodeFilter.SHOW_TEXT);
      while (walk.nextNode()) parts.push(walk.currentNode.textContent);
      return [Number(row.dataset.index), parts.join(' ')];
    }));
}

/** Puts the mouse over a view's body and scrolls it by `dy` pixels (lists scroll on wheel only). */
async function wheel(page, title, dy) {
  const box = await pane(page, title).locator('.pane-body').boundingBox();
  if (!box) return undefined;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, dy);
  await sleep(60); // the list renders the new rows on the next animation frame
  return box;
}

/** Waits until the selected row of view `title` satisfies `test` (its text as `renderedRows`
 * reads it); returns that text. */
async function selectedRow(page, title, test) {
  const deadline = Date.now() + WAIT_MS;
  let texts = [];
  while (Date.now() < deadline) {
    texts = await pane(page, title).locator('.monaco-list-row.selected').evaluateAll((rows) =>
      rows.map((row) => {
        const parts = [];
        const walk = document.createTreeWalker(row, NodeFilter.SHOW_TEXT);
        while (walk.nextNode()) parts.push(walk.currentNode.textContent);
        return parts.join(' ');
      })).catch(() => []);
    texts = texts.map(norm);
    const hit = texts.find(test);
    if (hit) return hit;
    await sleep(200);
  }
  throw new Error(`view "${title}": no selected row as expected (selected: ${JSON.stringify(texts)})`);
}

/** Every row of a view as "label description", in order. Lists render only the rows in sight,
 * so this scrolls from the top to the bottom collecting rows (and leaves the view scrolled to
 * the bottom, where a subchannel's SCSW status fields are). */
async function viewRows(page, title) {
  const seen = new Map();
  const box = await wheel(page, title, -1e6);
  if (!box) return [];
  for (let i = 0; i < 100; i++) {
    const before = seen.size;
    for (const [index, text] of await renderedRows(page, title)) seen.set(index, norm(text));
    if (i > 0 && seen.size === before) break;
    await wheel(page, title, box.height * 0.8);
  }
  return [...seen.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
}

/** Waits until every expected row is shown in the view; rows are matched exactly. */
async function expectRows(page, title, expected, what) {
  const deadline = Date.now() + WAIT_MS;
  let rows = [];
  while (Date.now() < deadline) {
    rows = await viewRows(page, title).catch(() => []);
    if (expected.every((e) => rows.includes(e))) return rows;
    await sleep(200);
  }
  const missing = expected.filter((e) => !rows.includes(e));
  throw new Error(`${what}: view "${title}" lacks ${JSON.stringify(missing)}\n  shown: ${JSON.stringify(rows, null, 1)}`);
}

/** Expands the rows of a view whose label is in `labels`, so field rows become visible. */
async function expand(page, title, labels) {
  for (const label of labels) {
    await wheel(page, title, -1e6); // the row may be scrolled out of sight (and not rendered)
    const exact = new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    const row = pane(page, title).locator('.monaco-list-row').filter({
      has: page.locator('.label-name', { hasText: exact }),
    }).first();
    await row.waitFor({ timeout: WAIT_MS });
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
  }
}

/** Drags the side bar's edge so the views' field rows fit in the screenshot (no setting exists). */
async function widenSideBar(page, width) {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box) return;
  const x = box.x + box.width;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 5 });
  await page.mouse.up();
}

/** The VFIO Lab side bar, shown through the palette (`run`: the palette helper to use). */
async function showVfioLab(page, run = palette) {
  await run(page, 'View: Show VFIO Lab');
  await pane(page, 'Subchannels').waitFor({ timeout: WAIT_MS });
}

/** Line of the top stack frame shown in the Call Stack view (Run and Debug must be shown). */
async function topLine(page) {
  const rows = await viewRows(page, 'Call Stack').catch(() => []);
  for (const r of rows) {
    const m = / (\d+):\d+$/.exec(r);
    if (m) return Number(m[1]);
  }
  return undefined;
}

/** Steps over until the top frame is on `line`. Each step waits for the Call Stack to move, so
 * a Step Over issued while the previous one still runs (and is ignored) is simply repeated. */
async function stepOverUntilLine(page, line) {
  await palette(page, 'View: Show Run and Debug');
  for (let i = 0; i < 80; i++) {
    let top;
    const deadline = Date.now() + WAIT_MS;
    while ((top = await topLine(page)) === undefined && Date.now() < deadline) await sleep(100);
    if (top === line) return;
    if (top === undefined) throw new Error(`no stack frame shown while stepping to line ${line}`);
    if (top > line) throw new Error(`stepped past line ${line} (now on ${top}): no stop there`);
    await palette(page, 'Debug: Step Over');
    const moved = Date.now() + 5000;
    while ((await topLine(page)) === top && Date.now() < moved) await sleep(100);
  }
  throw new Error(`never stopped at line ${line}`);
}

/**
 * Runs `body(page, dirs)` in a fresh code-server (its own temporary folder, quiet settings plus
 * `settings`, the VSIX installed) in headless chromium, with `workspace` open, once the
 * workbench shows the extension's activity-bar tab. On failure the error names a screenshot
 * and the code-server log, which are kept; code-server's process group ends in every case,
 * also when the process exits early (a global timeout). `current.tmpDir` tells a timeout
 * message where the logs are.
 */
async function withWorkbench({ vsix, workspace, tmpPrefix, settings, current }, body) {
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} is missing: run \`npm run package\` first`);
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), tmpPrefix));
  if (current) current.tmpDir = tmpDir;
  const dirs = { tmpDir, userDataDir: path.join(tmpDir, 'user-data'), extensionsDir: path.join(tmpDir, 'extensions') };
  W.writeQuietSettings(dirs.userDataDir);
  if (settings) {
    const settingsFile = path.join(dirs.userDataDir, 'User', 'settings.json');
    fs.writeFileSync(settingsFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(settingsFile, 'utf8')), ...settings }, null, 2));
  }
  let server;
  let browser;
  let page;
  let keepTmp = Boolean(process.env.VFIO_LAB_KEEP_TMP);
  const killServer = () => server && W.killGroup(server.pid);
  process.on('exit', killServer);
  try {
    await W.runCodeServerCli(dirs, ['--install-extension', vsix, '--force']);
    server = await W.startCodeServer(dirs);
    browser = await W.launchChromium(tmpDir);
    page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
    page.setDefaultTimeout(WAIT_MS);
    await page.goto(`${server.origin}/?folder=${encodeURIComponent(workspace)}`, { timeout: 60_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    // The extension's activity-bar tab shows once the workbench has read its contributions.
    await page.locator('.activitybar .action-item a[aria-label^="VFIO Lab"]').waitFor({ timeout: 60_000 });
    return await body(page, dirs);
  } catch (e) {
    if (page) {
      const failShot = path.join(tmpDir, 'failure.png');
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

module.exports = {
  WAIT_MS, norm, palette, openFile, pane, viewRows, expectRows, expand, widenSideBar, selectedRow, breakpointAt,
  showVfioLab, topLine, stepOverUntilLine, withWorkbench,
};
