#!/usr/bin/env node
// End-to-end UI test: installs the packaged VSIX (vfio-lab-0.1.0.vsix, made by `npm run package`)
// into a fresh code-server, opens examples/ in headless chromium, debugs examples/hello.vlab from
// the command palette, steps, and checks what the VFIO Lab views, the Call Stack and the Variables
// view show at each stop. Saves docs/images/screenshot.png (used by the README).
// Builds nothing itself. The workbench helpers are in workbench.js.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const W = require('../host/codeServerWrapper.js');

const { palette, openFile, expectRows, expand, widenSideBar, showVfioLab, stepOverUntilLine, withWorkbench } = require('./workbench.js');

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
  await withWorkbench({ vsix, workspace, tmpPrefix: 'vfio-lab-e2e-', current }, async (page) => {
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
  });
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

module.exports = { runUi };

if (require.main === module) main();
