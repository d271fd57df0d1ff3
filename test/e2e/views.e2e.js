// End-to-end screenshots of each VFIO Lab tree view in a real VS Code (code-server + chromium),
// each checked for the rows it must show first: Channel Paths, CRW Queues and Subchannels
// ("changed only") after `chchp -c 0 41` in examples/vfio-chchp-configure.vlab, and Pages with the
// 512-page THP folio of examples/gup-pinning.vlab. Saved to docs/images/view-*.png (README).
// Expected values cite /work/shared/reference/css-vfio-ccw.md and gup-foll-pin.md.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const W = require('../host/codeServerWrapper.js');
const { WAIT_MS, palette, openFile, pane, viewRows, expectRows, expand, widenSideBar } = require('./workbench.js');

const VIEWS = ['Subchannels', 'Channel Paths', 'CRW Queues', 'Pages'];
const IMAGES = path.join(W.REPO, 'docs', 'images');

/** Top frame line in the Call Stack (Run and Debug shown). */
async function topLine(page) {
  for (const r of await viewRows(page, 'Call Stack').catch(() => [])) {
    const m = / (\d+):\d+$/.exec(r);
    if (m) return Number(m[1]);
  }
  return undefined;
}

async function stepTo(page, line) {
  await palette(page, 'View: Show Run and Debug');
  for (let i = 0; i < 80; i++) {
    let top;
    const deadline = Date.now() + WAIT_MS;
    while ((top = await topLine(page)) === undefined && Date.now() < deadline) await W.sleep(100);
    if (top === line) return;
    if (top === undefined || top > line) throw new Error(`cannot stop at line ${line} (top frame ${top})`);
    await palette(page, 'Debug: Step Over');
    const moved = Date.now() + 5000;
    while ((await topLine(page)) === top && Date.now() < moved) await W.sleep(100);
  }
  throw new Error(`never stopped at line ${line}`);
}

function lineOf(file, start) {
  const i = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.startsWith(start));
  if (i < 0) throw new Error(`no line '${start}' in ${file}`);
  return i + 1;
}

/** Collapse every VFIO Lab pane but `title` so its screenshot shows its rows, then take it. */
async function shoot(page, title, file) {
  for (const v of VIEWS) {
    const header = pane(page, v).locator('.pane-header');
    const open = (await header.getAttribute('aria-expanded')) === 'true';
    if ((v === title) !== open) await header.click();
  }
  await W.sleep(300);
  fs.mkdirSync(IMAGES, { recursive: true });
  // crop to the rows shown (the pane fills the side bar's height)
  const box = await pane(page, title).boundingBox();
  const rows = pane(page, title).locator('.monaco-list-row');
  const last = (await rows.count()) ? await rows.last().boundingBox() : undefined;
  const bottom = last ? Math.min(box.y + box.height, last.y + last.height + 12) : box.y + box.height;
  await page.screenshot({ path: path.join(IMAGES, file), clip: { x: box.x, y: box.y, width: box.width, height: Math.max(60, bottom - box.y) } });
  console.log(`  screenshot: docs/images/${file}`);
}

async function showVfioLab(page) {
  await palette(page, 'View: Show VFIO Lab');
  await pane(page, 'Subchannels').waitFor({ timeout: WAIT_MS });
  for (const v of VIEWS) {
    const header = pane(page, v).locator('.pane-header');
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
  }
}

async function check(page, title, rows, what, expandLabels = []) {
  const header = pane(page, title).locator('.pane-header');
  if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
  await expand(page, title, expandLabels);
  await expectRows(page, title, rows, what);
}

async function runViewsE2e() {
  const vsix = path.join(W.REPO, 'vfio-lab-0.1.0.vsix');
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} is missing: run \`npm run package\` first`);
  const workspace = path.join(W.REPO, 'examples');
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vfio-lab-e2e-views-'));
  const dirs = { tmpDir, userDataDir: path.join(tmpDir, 'user-data'), extensionsDir: path.join(tmpDir, 'extensions') };
  let server;
  let browser;
  let page;
  let keep = false;
  const kill = () => server && W.killGroup(server.pid);
  process.on('exit', kill);
  try {
    W.writeQuietSettings(dirs.userDataDir);
    await W.runCodeServerCli(dirs, ['--install-extension', vsix, '--force']);
    server = await W.startCodeServer(dirs);
    browser = await W.launchChromium(tmpDir);
    page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
    page.setDefaultTimeout(WAIT_MS);
    await page.goto(`${server.origin}/?folder=${encodeURIComponent(workspace)}`, { timeout: 60_000 });
    await page.locator('.activitybar .action-item a[aria-label^="VFIO Lab"]').waitFor({ timeout: 60_000 });
    await palette(page, 'View: Show VFIO Lab');
    await widenSideBar(page, 640);

    // ---- path handling: chchp -c 0 41 -------------------------------------------------------
    const chchp = path.join(workspace, 'vfio-chchp-configure.vlab');
    await openFile(page, 'vfio-chchp-configure.vlab');
    await palette(page, 'VFIO Lab: Debug Scenario');
    await stepTo(page, lineOf(chchp, 'expect ret == 1'));
    await showVfioLab(page);
    const what = 'after chchp -c 0 41';
    // css §7.2: SCLP deconfigure → standby on the machine; host vary and guest PAM unchanged yet
    await check(page, 'Channel Paths', [
      'CHPID 0x40 type 0x1b configured online host online guest PAM 1/1',
      'CHPID 0x41 ● type 0x1b standby online host online guest PAM 1/1',
      'machine standby, online',
      '0.0.0007 mask 0x40 PIM ✓ PAM ✗ POM ✓ LPM ✓ guest PAM ✓',
    ], what, ['CHPID 0x41']);
    await shoot(page, 'Channel Paths', 'view-channel-paths.png');
    // css §8.4: CHP_OFFLINE queues RSC 4 ERC 6 RSID 0x41 on vfio-ccw's CRW list
    await check(page, 'CRW Queues', [
      'vfio-ccw 0.0.0007 1 CRW ● was 0',
      'RSC 4 channel path, ERC 6 permanent error, not initialized, RSID 0x41 ● new 0x04060041',
    ], what);
    await shoot(page, 'CRW Queues', 'view-crw-queues.png');
    // css §1.2: the machine's PAM loses bit 0x40 (CHPID slot 1): changed fields only
    await palette(page, 'VFIO Lab: Show Changed Fields Only');
    await check(page, 'Subchannels', ['0.0.0007 host dev 0.0.1234 echo ●', 'PMCW w0–6 ● 1 changed', 'pam [w3.24-31] ● 0x80 slot 0'], what, ['PMCW']);
    await shoot(page, 'Subchannels', 'view-subchannels.png');
    await palette(page, 'VFIO Lab: Show All Fields');
    await palette(page, 'Debug: Stop');

    // ---- pinning: a THP folio ---------------------------------------------------------------
    const pin = path.join(workspace, 'gup-pinning.vlab');
    await openFile(page, 'gup-pinning.vlab');
    await palette(page, 'VFIO Lab: Debug Scenario');
    await stepTo(page, lineOf(pin, 'expect huge[0].refcount'));
    await showVfioLab(page);
    // gup §3.1: small page ref 1 + 1024; large folio ref 1 + 512; gup §3.2 _pincount 512; gup §4 516 pins
    await check(page, 'Pages', [
      'vmstat pins 516 held ● 1 changed',
      'nr_foll_pin_acquired ● 516 (was 4)',
      '0x7f0000000000–0x7f0000010000 anon rwp 4 pages of 16 pages',
      '0x7f0000200000–0x7f0000400000 thp rwp 1 folio (512 pages) of 512 pages',
      '0x7f0000200000 pfn 0x200 ● folio 512 pages ref 513 pin 512 maybe-pinned',
    ], 'after pin_user_pages_fast 512');
    await shoot(page, 'Pages', 'view-pages.png');
    await palette(page, 'Debug: Stop');
  } catch (e) {
    if (page) {
      const shot = path.join(tmpDir, 'failure.png');
      await page.screenshot({ path: shot }).catch(() => {});
      e.message += `\n  failure screenshot: ${shot}`;
    }
    if (server) e.message += `\n  code-server log: ${server.logFile} (kept)`;
    keep = true;
    throw e;
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (server) await server.stop();
    process.removeListener('exit', kill);
    if (!keep) fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}

module.exports = { runViewsE2e };

if (require.main === module) {
  runViewsE2e().then(
    () => console.log('views e2e: passed'),
    (e) => {
      console.error(`views e2e: FAILED: ${e && e.stack ? e.stack : e}`);
      process.exitCode = 1;
    },
  );
}
