// End-to-end screenshots of each VFIO Lab tree view in a real VS Code (code-server + chromium),
// each checked for the rows it must show first: Channel Paths, CRW Queues and Subchannels
// ("changed only") after `chchp -c 0 41` in examples/vfio-chchp-configure.vlab, and Pages with the
// 512-page THP folio of examples/gup-pinning.vlab. Saved to docs/images/view-*.png (README).
// Before that, from an empty folder: the walkthrough's first step opens the sample workspace (the
// window reloads into the extension's examples/) and a view's radix survives that reload. After
// it: the setting `vfioLab.views.location` moves the views into Run and Debug, where a stop keeps
// them in sight, and back.
// Expected values cite /work/shared/reference/css-vfio-ccw.md and gup-foll-pin.md.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const W = require('../host/codeServerWrapper.js');
const { WAIT_MS, norm, palette, openFile, pane, viewRows, expectRows, expand, widenSideBar, breakpointAt, stepOverUntilLine } = require('./workbench.js');

const VIEWS = ['Subchannels', 'Channel Paths', 'CRW Queues', 'Pages'];
const IMAGES = path.join(W.REPO, 'docs', 'images');

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

/**
 * A user edits subchannel fields in the Subchannels view: a too-wide value and text are refused
 * in the input box with one line each, Escape leaves the field as it was; a read-only field offers
 * no edit (its hover says "Read-only."). Nothing in the view changes.
 */
async function badFieldInput(page, file) {
  await openFile(page, 'hello.vlab');
  await palette(page, 'VFIO Lab: Debug Scenario');
  await stepOverUntilLine(page, lineOf(file, 'expect cc == 0'));
  await showVfioLab(page);
  // only Subchannels open, so its field rows have room (a small pane scrolls under the hover card)
  for (const v of VIEWS) {
    const header = pane(page, v).locator('.pane-header');
    if ((v === 'Subchannels') !== ((await header.getAttribute('aria-expanded')) === 'true')) await header.click();
  }
  await expand(page, 'Subchannels', ['0.0.0007', 'PMCW']);
  const row = (prefix) => pane(page, 'Subchannels').locator('.monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${prefix.replace(/[[\]]/g, '\\$&')}`) }) }).first();
  // css §1.1: the ISC is 3 bits of PMCW word 1, modifiable by MSCH (css §5.3)
  const before = await viewRows(page, 'Subchannels'); // (leaves the list scrolled to the bottom)
  await expand(page, 'Subchannels', ['0.0.0007']); // back to the top, where PMCW word 1 is
  const isc = row('isc [');
  await isc.hover();
  await isc.locator('.actions .action-label[aria-label^="Edit Field Value"]').click();
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('.quick-input-box input');
  await input.waitFor({ timeout: WAIT_MS });
  for (const [text, message] of [
    ['8', '8 does not fit in 3 bits (max 0x7 = 7).'],
    ['three', "'three' is not a number: use decimal, 0x hex or 0b binary."],
    ['-1', "'-1' is negative: fields are unsigned."],
  ]) {
    await input.fill(text);
    await widget.locator('.quick-input-message', { hasText: message }).waitFor({ timeout: WAIT_MS });
  }
  await page.keyboard.press('Escape');
  await widget.waitFor({ state: 'hidden', timeout: WAIT_MS });
  // css §5.3: PIM is set by the machine, not by MSCH: no edit action; the palette command says why
  const pim = row('pim [');
  await pim.waitFor({ timeout: WAIT_MS });
  if (await pim.locator('.actions .action-label[aria-label^="Edit Field Value"]').count()) throw new Error('pim offers Edit Field Value');
  await pim.click({ button: 'right' });
  const menu = page.locator('.context-view .monaco-menu');
  await menu.locator('.action-label', { hasText: 'Copy Value' }).first().waitFor({ timeout: WAIT_MS });
  const items = (await menu.locator('.action-label').allInnerTexts()).map(norm);
  if (items.some((t) => t.startsWith('Edit Field Value'))) throw new Error(`the read-only pim row offers ${JSON.stringify(items)}`);
  await page.keyboard.press('Escape');
  const after = await viewRows(page, 'Subchannels');
  if (JSON.stringify(after) !== JSON.stringify(before)) throw new Error(`the Subchannels view changed after refused input:\n${JSON.stringify(before)}\n${JSON.stringify(after)}`);
  await palette(page, 'Debug: Stop');
  console.log(`  ✔ bad input in Subchannels: too wide, not a number, negative refused in the input box; read-only pim offers only ${JSON.stringify(items.filter(Boolean))}; nothing changed`);
}

/** A pane's header description (the view's radix and filter, e.g. "hex · changed only"). */
async function headerDescription(page, title) {
  return norm(await pane(page, title).locator('.pane-header .description').innerText().catch(() => ''));
}

async function expectHeader(page, title, test, what) {
  const deadline = Date.now() + WAIT_MS;
  let d = '';
  while (Date.now() < deadline) {
    d = await headerDescription(page, title);
    if (test(d)) return d;
    await W.sleep(200);
  }
  throw new Error(`${what}: view "${title}" header description is "${d}"`);
}

/** Clicks a view's title-bar action (shown while the header is hovered). */
async function titleAction(page, title, label) {
  const header = pane(page, title).locator('.pane-header');
  await header.hover();
  await header.locator(`.actions .action-label[aria-label="${label}"]`).click();
}

/**
 * The walkthrough's first step, as a user does it: the Subchannels welcome text's "Open the
 * walkthrough" link, then the step's "Open Sample Scenarios" button. The command opens the
 * extension's examples/ as the workspace (the window reloads); the Explorer lists the samples the
 * other steps use. Radix is per view and remembered: Pages set to bin before the reload is bin
 * after it, Subchannels kept hex.
 */
async function walkthroughOpensSamples(page) {
  // the activity bar (the palette may not list commands yet while the first folder loads)
  const tab = page.locator('.activitybar .action-item', { has: page.locator('a[aria-label^="VFIO Lab"]') });
  if (!/\bchecked\b/.test((await tab.getAttribute('class')) || '')) await tab.click();
  await pane(page, 'Pages').waitFor({ timeout: WAIT_MS });
  await expectHeader(page, 'Pages', (d) => d.startsWith('dec'), 'default Pages radix');
  await titleAction(page, 'Pages', 'Toggle Radix (hex / dec / bin)'); // dec → bin
  await expectHeader(page, 'Pages', (d) => d.startsWith('bin'), 'Pages radix after one toggle');
  await expectHeader(page, 'Subchannels', (d) => d.startsWith('hex'), 'Subchannels radix (another view)');
  await pane(page, 'Subchannels').locator('.welcome-view-content a', { hasText: 'Open the walkthrough' }).click();
  const walkthrough = page.locator('.gettingStartedContainer');
  await walkthrough.getByText('Get Started with VFIO Lab', { exact: true }).first().waitFor({ timeout: WAIT_MS });
  await walkthrough.getByText('Open the sample scenarios', { exact: true }).first().click();
  await Promise.all([
    page.waitForURL((url) => /\/extensions\/vfio-lab\.vfio-lab-[^/]+\/examples$/.test(new URL(url).searchParams.get('folder') || ''), { timeout: 60_000 }),
    walkthrough.getByText('Open Sample Scenarios', { exact: true }).first().click(),
  ]);
  await page.locator('.activitybar .action-item a[aria-label^="VFIO Lab"]').waitFor({ timeout: 60_000 });
  await palette(page, 'View: Show Explorer');
  const explorer = page.locator('.explorer-folders-view .monaco-list-row');
  for (const name of ['vfio-chchp-configure.vlab', 'gup-pinning.vlab', 'hello.vlab']) {
    await explorer.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${name.replace(/\./g, '\\.')}$`) }) }).first().waitFor({ timeout: WAIT_MS });
  }
  console.log(`  ✔ walkthrough "Open Sample Scenarios" opened ${new URL(page.url()).searchParams.get('folder')}`);
  await palette(page, 'View: Show VFIO Lab');
  await expectHeader(page, 'Pages', (d) => d.startsWith('bin'), 'Pages radix after the window reloaded');
  await expectHeader(page, 'Subchannels', (d) => d.startsWith('hex'), 'Subchannels radix after the window reloaded');
  // each toggle waits for its header: a second click while the first re-renders the header was lost (a CI flake)
  await titleAction(page, 'Pages', 'Toggle Radix (hex / dec / bin)'); // bin → hex
  await expectHeader(page, 'Pages', (d) => d.startsWith('hex'), 'Pages radix bin → hex');
  await titleAction(page, 'Pages', 'Toggle Radix (hex / dec / bin)'); // hex → dec
  await expectHeader(page, 'Pages', (d) => d.startsWith('dec'), 'Pages radix back to dec');
  console.log('  ✔ radix per view remembered across the reload (Pages bin, Subchannels hex)');
}

/**
 * Sets one user setting the way a user edits settings.json: "Preferences: Open User Settings
 * (JSON)", replace the text, save, close. (VS Code reads it at once; a write behind its back is
 * not seen by code-server's settings.)
 */
async function setUserSetting(page, dirs, key, value) {
  const file = path.join(dirs.userDataDir, 'User', 'settings.json');
  const settings = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (value === undefined) delete settings[key];
  else settings[key] = value;
  await palette(page, 'Preferences: Open User Settings (JSON)');
  const tab = page.locator('.tabs-container .tab.active[aria-label^="settings.json"]');
  await tab.waitFor({ timeout: WAIT_MS });
  await page.locator('.editor-group-container.active .monaco-editor textarea').first().focus();
  await page.keyboard.press('Control+A');
  // one line (no auto-indent), then drop what auto-closing added after the cursor
  await page.keyboard.insertText(JSON.stringify(settings));
  await page.keyboard.press('Control+Shift+End');
  await page.keyboard.press('Delete');
  await page.keyboard.press('Control+S');
  const saved = () => {
    try {
      return JSON.stringify(JSON.parse(fs.readFileSync(file, 'utf8'))) === JSON.stringify(settings);
    } catch {
      return false; // read while being written
    }
  };
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline && !saved()) await W.sleep(100);
  if (!saved()) throw new Error(`settings.json not saved with ${key}: ${fs.readFileSync(file, 'utf8')}`);
  await palette(page, 'View: Close Editor');
}

/**
 * `vfioLab.views.location: debug`: the four views leave the VFIO Lab container for Run and Debug
 * ("VFIO Lab: Pages"), so the side bar a stop switches to shows them; a step keeps them in sight
 * with the new values. Back to the default, they return to the VFIO Lab container.
 */
async function viewsInRunAndDebug(page, dirs, workspaceFile) {
  await setUserSetting(page, dirs, 'vfioLab.views.location', 'debug');
  await palette(page, 'View: Show VFIO Lab');
  await pane(page, 'I/O Timeline').waitFor({ timeout: WAIT_MS });
  // the tree views leave the VFIO Lab container (the two pictures stay)
  await pane(page, 'Subchannels').waitFor({ state: 'detached', timeout: WAIT_MS });
  // the user watches the views in Run and Debug; a breakpoint and a step keep them in sight
  const pin = workspaceFile('gup-pinning.vlab');
  await openFile(page, 'gup-pinning.vlab');
  const line = lineOf(pin, 'pin_user_pages_fast app 0x7f0000200000');
  await breakpointAt(page, line);
  await palette(page, 'View: Show Run and Debug');
  await palette(page, 'VFIO Lab: Debug Scenario');
  await pane(page, 'VFIO Lab: Pages').waitFor({ timeout: WAIT_MS });
  await expectRows(page, 'Call Stack', ['process app pid 100 gup-pinning.vlab 3:1'], 'entry stop');
  // room for the Pages rows (a small pane scrolls under its sticky rows): only VFIO Lab: Pages open
  for (const v of ['Variables', 'Watch', 'Call Stack', 'Breakpoints', 'VFIO Lab: Subchannels', 'VFIO Lab: Channel Paths', 'VFIO Lab: CRW Queues', 'VFIO Lab: Pages']) {
    const header = pane(page, v).locator('.pane-header');
    const open = v === 'VFIO Lab: Pages';
    if (((await header.getAttribute('aria-expanded')) === 'true') !== open) await header.click();
  }
  await expectRows(page, 'VFIO Lab: Pages', ['vmstat pins 0 held'], 'views in Run and Debug at the entry stop');
  await palette(page, 'Debug: Continue');
  // gup §4: the 4 small pages pinned so far, one nr_foll_pin_acquired each
  await expectRows(page, 'VFIO Lab: Pages', ['vmstat pins 4 held ● 1 changed'], 'views in Run and Debug at the breakpoint');
  await palette(page, 'Debug: Step Over');
  // gup §3.2 _pincount 512; gup §4: 4 + 512 pins
  await expectRows(page, 'VFIO Lab: Pages', ['vmstat pins 516 held ● 1 changed'], 'views in Run and Debug after a step');
  await palette(page, 'Remove All Breakpoints');
  console.log('  ✔ views.location = debug: the views sit in Run and Debug and a stop keeps them in sight');
  await palette(page, 'Debug: Stop');
  await setUserSetting(page, dirs, 'vfioLab.views.location', undefined);
  await palette(page, 'View: Show VFIO Lab');
  await pane(page, 'Subchannels').waitFor({ timeout: WAIT_MS });
  await palette(page, 'View: Show Run and Debug');
  await pane(page, 'Breakpoints').waitFor({ timeout: WAIT_MS });
  if (await pane(page, 'VFIO Lab: Pages').count()) throw new Error('VFIO Lab: Pages stayed in Run and Debug after the setting was removed');
  console.log('  ✔ views.location back to the default: the views return to the VFIO Lab container');
}

async function runViewsE2e() {
  const vsix = path.join(W.REPO, 'vfio-lab-0.1.0.vsix');
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} is missing: run \`npm run package\` first`);
  // the repository's copy of the samples: the same files as the opened sample workspace
  const workspace = path.join(W.REPO, 'examples');
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vfio-lab-e2e-views-'));
  const empty = path.join(tmpDir, 'empty-folder');
  fs.mkdirSync(empty);
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
    await page.goto(`${server.origin}/?folder=${encodeURIComponent(empty)}`, { timeout: 60_000 });
    await page.locator('.activitybar .action-item a[aria-label^="VFIO Lab"]').waitFor({ timeout: 60_000 });
    await walkthroughOpensSamples(page);
    await palette(page, 'View: Show VFIO Lab');
    await widenSideBar(page, 640);

    // ---- path handling: chchp -c 0 41 -------------------------------------------------------
    const chchp = path.join(workspace, 'vfio-chchp-configure.vlab');
    await openFile(page, 'vfio-chchp-configure.vlab');
    await palette(page, 'VFIO Lab: Debug Scenario');
    await stepOverUntilLine(page, lineOf(chchp, 'expect ret == 1'));
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
    await stepOverUntilLine(page, lineOf(pin, 'expect huge[0].refcount'));
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

    // ---- bad input typed into a view: hello.vlab after SSCH -----------------------------------
    await badFieldInput(page, path.join(workspace, 'hello.vlab'));

    // ---- placement: the views in Run and Debug ---------------------------------------------
    await viewsInRunAndDebug(page, dirs, (name) => path.join(workspace, name));
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
