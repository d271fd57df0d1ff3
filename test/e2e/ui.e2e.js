#!/usr/bin/env node
// End-to-end UI test: installs the packaged VSIX (vfio-lab-0.1.0.vsix, made by `npm run package`)
// into a fresh code-server, opens examples/ in headless chromium, debugs examples/hello.vlab from
// the command palette, steps, and checks what the VFIO Lab views, the Call Stack and the Variables
// view show at each stop. Saves docs/images/screenshot.png (used by the README).
// Builds nothing itself. The workbench helpers are in workbench.js.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const W = require('../host/codeServerWrapper.js');

const { WAIT_MS, palette, openFile, pane, viewRows, expectRows, expand, widenSideBar } = require('./workbench.js');

const TIMEOUT_MS = Number(process.env.VFIO_LAB_E2E_TIMEOUT_MS || 5 * 60_000);

// What hello.vlab shows at each stop, as the rows read on screen ("label description"; ● marks a
// value changed since the previous stop). `line`: step over until the top frame is on that line.
// Each expected value cites the reference section (/work/shared/reference/*.md) that fixes it.
const EXPECTED = {
  stops: [
    {
      name: 'entry', line: 7, // kernel/topology/memory (lines 3-5) are the header, not steps
      callStack: ['chpid 40 type 0x1b hello.vlab 7:1'],
      variables: ['event = line 7: chpid 40 type 0x1b', 'cc = (no value)'],
      views: {
        Subchannels: { rows: ['No subchannels defined add a device statement to the scenario'] },
        'CRW Queues': { rows: ['machine 0 CRWs'] }, // css §6.3: adding a chpid queues no CRW
        Pages: { rows: ['vmstat pins 0 held'] },
      },
    },
    {
      name: 'channel program ended', line: 21,
      callStack: ['tsch 0.0.0007 hello.vlab 21:1'],
      variables: ['cc = 0'], // css §5.2: SSCH cc 0
      views: {
        Subchannels: {
          expand: ['SCSW'],
          rows: [
            // css §5.3 "normal end": STCTL primary+secondary+pending 0x07, ACTL start-pend
            // cleared, DSTAT CE+DE 0x0c (css §4), CPA = last CCW 0x1008 + 8.
            // Field labels drop the group prefix (the SCSW row says it); values are decoded.
            'stctl [w7.27-31] ● 0x07 primary|secondary|pending',
            'actl [w7.20-26] ● 0x00 none',
            'cpa [w8.0-31] ● 0x00001010',
            'dstat [w9.0-7] ● 0x0c CE|DE',
            'fctl [w7.17-19] 0x4 start', // FCTL start stays until TSCH (css §5.3)
          ],
        },
        'CRW Queues': { rows: ['machine 0 CRWs'] }, // css §6.2: no path or hot-plug event
      },
    },
    {
      name: 'after TSCH', line: 22,
      callStack: ['expect cc == 0 hello.vlab 22:1'],
      views: {
        Subchannels: {
          expand: ['SCSW'],
          // css §5.3 TSCH row: STCTL and FCTL → 0; css §1.3: DSTAT no longer valid.
          rows: ['stctl [w7.27-31] ● 0x00 none', 'fctl [w7.17-19] ● 0x0 none', 'dstat [w9.0-7] 0x0c (not valid)'],
        },
      },
    },
    {
      name: 'after pin_user_pages', line: 32, screenshot: true,
      callStack: ['expect ret == 4 hello.vlab 32:1'],
      variables: ['ret = 4', 'bufs = 4 pages'], // gup §2.4: number of pages pinned
      views: {
        Pages: {
          expand: ['vmstat'],
          rows: [
            // gup §4: +1 nr_foll_pin_acquired per pinned page; no locked_vm (only vfio, gup §10)
            'vmstat pins 4 held ● 1 changed',
            'nr_foll_pin_acquired ● 4 (was 0)',
            'locked_vm 0',
            // gup §3.1 E4/E5: small page ref R0 1 + 1024 = 1025; §3.2: no pincount field (–);
            // §3.3: maybe-pinned ⇔ ref ≥ 1024.
            '0x7f0000000000 pfn 0x0 ● ref 1025 pin – maybe-pinned',
            '0x7f0000003000 pfn 0x3 ● ref 1025 pin – maybe-pinned',
          ],
        },
        'CRW Queues': { rows: ['machine 0 CRWs'] },
      },
    },
  ],
};

async function showVfioLab(page) {
  await palette(page, 'View: Show VFIO Lab');
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
    while ((top = await topLine(page)) === undefined && Date.now() < deadline) await W.sleep(100);
    if (top === line) return;
    if (top === undefined) throw new Error(`no stack frame shown while stepping to line ${line}`);
    if (top > line) throw new Error(`stepped past line ${line} (now on ${top}): no stop there`);
    await palette(page, 'Debug: Step Over');
    const moved = Date.now() + 5000;
    while ((await topLine(page)) === top && Date.now() < moved) await W.sleep(100);
  }
  throw new Error(`never stopped at line ${line}`);
}

const T0 = Date.now();

async function checkStop(page, stop) {
  const what = `stop "${stop.name}" (line ${stop.line})`;
  await stepOverUntilLine(page, stop.line);
  await expectRows(page, 'Call Stack', stop.callStack, what);
  if (stop.variables) await expectRows(page, 'Variables', stop.variables, what);
  await showVfioLab(page);
  for (const [title, v] of Object.entries(stop.views)) {
    await expand(page, title, v.expand || []);
    await expectRows(page, title, v.rows, what);
  }
  console.log(`  ✔ ${what} at ${((Date.now() - T0) / 1000).toFixed(1)} s`);
}

/** What a run in progress has on disk, for the global timeout's message. */
const current = { tmpDir: '' };

async function runUi({ vsix, workspace, scenario, expected, screenshot }) {
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} is missing: run \`npm run package\` first`);
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vfio-lab-e2e-'));
  current.tmpDir = tmpDir;
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
    browser = await W.launchChromium(tmpDir);
    page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
    page.setDefaultTimeout(WAIT_MS);
    await page.goto(`${server.origin}/?folder=${encodeURIComponent(workspace)}`, { timeout: 60_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    // The extension's activity-bar tab shows once the workbench has read its contributions.
    await page.locator('.activitybar .action-item a[aria-label^="VFIO Lab"]').waitFor({ timeout: 60_000 });
    await showVfioLab(page);
    await widenSideBar(page, 520);
    await openFile(page, path.basename(scenario));
    await palette(page, 'VFIO Lab: Debug Scenario');
    for (const stop of expected.stops) {
      await checkStop(page, stop);
      if (stop.screenshot && screenshot) {
        fs.mkdirSync(path.dirname(screenshot), { recursive: true });
        await page.screenshot({ path: screenshot });
        console.log(`  screenshot: ${path.relative(W.REPO, screenshot)}`);
      }
    }
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

async function main() {
  const started = Date.now();
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));
  const arm = () => setTimeout(() => {
    console.error(`ui e2e: FAILED: no result after ${TIMEOUT_MS / 1000} s (logs kept in ${current.tmpDir})`);
    process.exit(1); // runUi's 'exit' hook still kills code-server's group
  }, TIMEOUT_MS);
  let timer = arm();
  try {
    console.log('ui e2e: hello.vlab in a fresh code-server with the packaged VSIX');
    await runUi({
      vsix: path.join(W.REPO, 'vfio-lab-0.1.0.vsix'),
      workspace: path.join(W.REPO, 'examples'),
      scenario: path.join(W.REPO, 'examples', 'hello.vlab'),
      expected: EXPECTED,
      screenshot: path.join(W.REPO, 'docs', 'images', 'screenshot.png'),
    });
    console.log('ui e2e: each tree view after chchp and after a THP pin (test/e2e/views.e2e.js)');
    // a second code-server of its own: the time limit applies to each run
    clearTimeout(timer);
    timer = arm();
    await require('./views.e2e.js').runViewsE2e();
    console.log(`ui e2e: passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (e) {
    console.error(`ui e2e: FAILED: ${e && e.stack ? e.stack : e}`);
    process.exitCode = 1;
  } finally {
    clearTimeout(timer);
  }
}

// The stepping helpers are shared with webworker.e2e.js.
module.exports = { runUi, showVfioLab, topLine, stepOverUntilLine };

if (require.main === module) main();
