#!/usr/bin/env node
// End-to-end test of the two pictures (PRODUCT §4) in a real VS Code: installs the packaged VSIX
// into a fresh code-server, debugs examples/vfio-chchp-configure.vlab to a breakpoint, opens the I/O
// timeline, checks the lanes and flow arrows drawn (read from the webview's canvas data
// attributes, inside the webview iframes), clicks an event and checks the debugger travelled there;
// then debugs examples/gup-page-map.vlab and checks the page map's cells, folio outlines and
// search. Screenshots in dark and light themes go to docs/images/ (the README shows them); a
// high-contrast pass checks both still draw. Builds nothing itself (`npm run package` first).
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const W = require('../host/codeServerWrapper.js');
const { WAIT_MS, palette, openFile, viewRows, selectedRow, breakpointAt } = require('./workbench.js');

const TIMEOUT_MS = Number(process.env.VFIO_LAB_E2E_TIMEOUT_MS || 5 * 60_000);
const IMAGES = path.join(W.REPO, 'docs', 'images');

/** The webview frame whose document shows picture `kind` (`timeline` or `pageMap`). */
async function pictureFrame(page, kind) {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    for (const f of page.frames()) {
      const k = await f.evaluate(() => document.body && document.body.dataset.picture).catch(() => undefined);
      if (k === kind) return f;
    }
    await W.sleep(200);
  }
  throw new Error(`no webview showing the ${kind} picture`);
}

/** Waits until the picture's canvas data attributes satisfy `test`; returns them. */
async function canvasData(frame, test, what) {
  const deadline = Date.now() + WAIT_MS;
  let d = {};
  while (Date.now() < deadline) {
    d = await frame.evaluate(() => ({ ...document.querySelector('canvas.picture').dataset })).catch(() => ({}));
    if (test(d)) return d;
    await W.sleep(150);
  }
  throw new Error(`${what}: canvas data never matched; last: ${JSON.stringify(d).slice(0, 1500)}`);
}

/** Debug the open scenario and continue to its breakpoint (the Call Stack shows `line`). */
async function debugTo(page, file, line) {
  await palette(page, 'VFIO Lab: Debug Scenario');
  await waitTop(page, (t) => / \d+:1$/.test(t), 'entry stop');
  await palette(page, 'Debug: Continue');
  await waitTop(page, (t) => t.endsWith(`${file} ${line}:1`), `breakpoint at ${file}:${line}`);
}

async function waitTop(page, test, what) {
  const deadline = Date.now() + WAIT_MS;
  let rows = [];
  while (Date.now() < deadline) {
    rows = await viewRows(page, 'Call Stack').catch(() => []);
    if (rows.some(test)) return rows;
    await W.sleep(200);
  }
  throw new Error(`${what}: Call Stack shows ${JSON.stringify(rows)}`);
}

/** Switch the colour theme through the palette's theme picker. */
async function theme(page, name) {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('.quick-input-box input');
  const label = (t) => widget.locator('.quick-input-list .monaco-list-row:visible').filter({ has: page.locator('.label-name').getByText(t, { exact: true }) }).first();
  // the palette command opens a second pick list (the themes): pick() would wait for it to close
  await widget.waitFor({ state: 'hidden', timeout: WAIT_MS });
  await page.keyboard.press('F1');
  await input.fill('>Preferences: Color Theme');
  await label('Preferences: Color Theme').click();
  await label('Dark Modern').waitFor({ timeout: WAIT_MS });
  await input.fill(name);
  const row = widget.locator('.quick-input-list .monaco-list-row:visible').filter({ has: page.locator('.label-name').getByText(name, { exact: true }) }).first();
  await row.click();
  await widget.waitFor({ state: 'hidden', timeout: WAIT_MS });
}

/** Screenshot of one picture: the webview's own iframe (it sits over its editor group). */
async function shot(page, frame, name) {
  fs.mkdirSync(IMAGES, { recursive: true });
  const file = path.join(IMAGES, name);
  const outer = await frame.parentFrame().frameElement();
  const box = await outer.boundingBox();
  await W.sleep(300); // let the theme's repaint land
  await page.screenshot({ path: file, clip: box });
  console.log(`  screenshot: ${path.relative(W.REPO, file)}`);
}

const parseVisible = (v) => (v ? v.split(';').map((x) => { const [seq, lane, kind, y] = x.split('|'); return { seq: Number(seq), lane, kind, y: Number(y) }; }) : []);

async function timelineChecks(page) {
  await openFile(page, 'vfio-chchp-configure.vlab');
  await breakpointAt(page, 45); // `stsch` after both chchp and their CRWs
  await debugTo(page, 'vfio-chchp-configure.vlab', 45);
  await palette(page, 'VFIO Lab: Open I/O Timeline');
  const frame = await pictureFrame(page, 'timeline');
  // css §8.4/§10.5: the chchp -c 1 CRW crosses machine → host cio → vfio-ccw → QEMU → guest
  const want = ['scenario', 'guest', 'QEMU', 'vfio-ccw', 'host cio', 'machine/channel'];
  const d = await canvasData(frame, (x) => Number(x.drawnRows) > 20 && want.every((l) => (x.drawnLanes || '').split(',').includes(l)) && Number(x.arrows) >= 4, 'timeline lanes');
  const rows = parseVisible(d.visible);
  const current = rows.find((r) => r.seq === Number(d.currentSeq));
  if (!current || current.kind !== 'stmt') throw new Error(`the current stop (seq ${d.currentSeq}) is not drawn as the stmt row: ${d.visible}`);
  const chp = rows.filter((r) => r.kind === 'chp.state').pop();
  if (!chp || chp.lane !== 'machine/channel') throw new Error(`no chp.state event in the machine lane: ${d.visible}`);
  console.log(`  ✔ timeline: ${d.drawnRows} rows, lanes ${d.drawnLanes}, ${d.arrows} flow arrows, stop seq ${d.currentSeq}`);
  // lanes without any event (this scenario starts no I/O and pins no page) get no column; the
  // status line and their toggles say so
  if (d.emptyLanes !== 'device,mm') throw new Error(`empty lanes: ${d.emptyLanes}`);
  const columns = d.headers.split(';').map((c) => { const [name, x, w] = c.split(':'); return { name, x: Number(x), w: Number(w) }; });
  // each column first gets room for its lane's name: at this width none is cut
  if (JSON.stringify(columns.map((c) => c.name)) !== JSON.stringify(want)) throw new Error(`lane columns: ${d.headers}`);
  const status = await frame.locator('.status').innerText();
  if (!status.endsWith(' · no events in device, mm')) throw new Error(`timeline status: ${status}`);
  const deviceToggle = frame.locator('button.lane-toggle[data-lane="device"]');
  if (!(await deviceToggle.getAttribute('class')).split(' ').includes('empty') || (await deviceToggle.getAttribute('title')) !== 'device: no events — click to hide the lane') throw new Error(`device toggle: ${await deviceToggle.getAttribute('class')} / ${await deviceToggle.getAttribute('title')}`);
  console.log('  ✔ empty lanes device, mm: no column, named in the status and their toggles');
  await shot(page, frame, 'timeline-dark.png');
  // hovering a lane's header names it whole, with its number of events
  const machine = columns.find((c) => c.name.startsWith('machine'));
  await frame.locator('.scroller').hover({ position: { x: machine.x + machine.w / 2, y: 12 } });
  const laneTip = frame.locator('.tooltip');
  await laneTip.locator('.card-title', { hasText: 'machine/channel' }).waitFor({ timeout: WAIT_MS });
  const laneSub = await laneTip.locator('.card-sub').innerText();
  if (!/^\d+ events?$/.test(laneSub)) throw new Error(`lane header hover: ${laneSub}`);
  console.log(`  ✔ header hover: machine/channel, ${laneSub}`);

  // hover the chchp -c 1 41 event: the card gives its kind, lane and every field of the event
  await frame.locator('.scroller').hover({ position: { x: 420, y: chp.y } });
  const tip = frame.locator('.tooltip');
  await tip.waitFor({ state: 'visible', timeout: WAIT_MS });
  const hover = {
    title: await tip.locator('.card-title').innerText(),
    sub: await tip.locator('.card-sub').first().innerText(),
    fields: (await tip.locator('pre.card-fields').innerText()).split('\n'),
    stack: (await tip.locator('pre.card-stack').innerText()).split('\n'),
  };
  // css §7.2: SCLP configure → the path is configured and online again, and its PAM bit is set
  // again in the one subchannel using it (0.0.0007, CHPID slot 1)
  const expectHover = (ok, what) => {
    if (!ok) throw new Error(`timeline hover card: ${what}: ${JSON.stringify(hover)}`);
  };
  expectHover(hover.title === 'CHPID 41 configured online', 'title');
  expectHover(hover.sub.startsWith(`chp.state · machine/channel · seq ${chp.seq} · time `), 'kind, lane and seq');
  expectHover(JSON.stringify(hover.fields) === JSON.stringify([
    'chpid = 0x41 (65)', 'configured = true', 'online = true', 'pamChanged = 1',
    'note = SCLP configure CHPID 41, no machine CRW [unverified: chosen, css §6.2]; PAM bit set in 1 subchannel(s) [unverified: chosen PAM behaviour, css §1.2, §6.2]',
  ]), 'fields');
  // host cio: chp_configure_write (sysfs `configure`) → cfg_func → sclp_chp_configure (css §7.2)
  expectHover(hover.stack[0] === 'sclp_chp_configure' && hover.stack.includes('cfg_func') && hover.stack.includes('chp_configure_write') && hover.stack[hover.stack.length - 1] === 'chchp -c 1 41', 'call stack');
  console.log(`  ✔ hover card: ${hover.title.slice(0, 40)}… fields ${hover.fields.slice(0, 4).join(', ')}`);

  // click the chchp -c 1 event: the debugger travels there (goto) and the timeline marks it
  await frame.locator('.scroller').click({ position: { x: 420, y: chp.y } });
  await canvasData(frame, (x) => Number(x.currentSeq) === chp.seq, 'timeline after travel');
  await palette(page, 'View: Show Run and Debug');
  await waitTop(page, (t) => t.startsWith('sclp_chp_configure'), 'travel to the chp.state event');
  console.log(`  ✔ click travelled to seq ${chp.seq} (top frame sclp_chp_configure)`);
  // filters: hide the scenario lane, then only crw.queued (css §8.4, §10.5: 2 CRWs × vfio-ccw + guest queue)
  const all = Number(d.total);
  await frame.locator('button.lane-toggle[data-lane="scenario"]').click();
  await canvasData(frame, (x) => Number(x.total) < all && Number(x.drawnRows) > 0 && !(x.drawnLanes || '').split(',').includes('scenario'), 'scenario lane hidden');
  await frame.locator('select[aria-label="Event kind"]').selectOption('crw.queued');
  await canvasData(frame, (x) => x.total === '4' && (x.drawnLanes || '').split(',').sort().join(',') === 'QEMU,vfio-ccw', 'only crw.queued events');
  await frame.locator('select[aria-label="Event kind"]').selectOption('');
  await frame.locator('button.lane-toggle[data-lane="scenario"]').click();
  await canvasData(frame, (x) => Number(x.total) === all, 'filters cleared');
  console.log('  ✔ lane and kind filters: 4 crw.queued events in the vfio-ccw and QEMU lanes');

  await theme(page, 'Light Modern');
  const light = await canvasData(frame, (x) => x.theme === 'light' && Number(x.drawnRows) > 10, 'timeline in a light theme');
  console.log(`  ✔ light theme: ${light.drawnRows} rows drawn`);
  await shot(page, frame, 'timeline-light.png');
  await theme(page, 'Dark High Contrast');
  await canvasData(frame, (x) => x.theme === 'high-contrast' && Number(x.drawnRows) > 10, 'timeline in high contrast');
  await shot(page, frame, 'timeline-hc.png');
  await theme(page, 'Dark Modern');
  await palette(page, 'Debug: Stop');
  // the session ended: the picture clears
  await canvasData(frame, (x) => x.total === '0' && x.drawnRows === '0', 'timeline after the session ended');
  console.log('  ✔ timeline cleared when the session ended');
}

/** Clicks cell `i` of the page map where it is drawn (the canvas's `geometry`). */
async function clickCell(frame, i) {
  const d = await canvasData(frame, (x) => Boolean(x.geometry), 'page map geometry');
  const [gutter, pad, cell, cols, top] = d.geometry.split(',').map(Number);
  // whole pixels inside the cell (at 1 px a half-pixel position could round into the next one)
  const x = gutter + (i % cols) * cell + Math.floor(cell / 2);
  const y = pad + Math.floor(i / cols) * cell - top + Math.floor(cell / 2);
  await frame.locator('.scroller').click({ position: { x, y } });
  await canvasData(frame, (c) => c.selected === String(i), `cell ${i} selected by a click`);
}

/** The page map's details → "Reveal in Pages": the Pages tree shows and selects that page's row. */
async function revealInPages(page, frame) {
  // the first anon page (pinned once): gup §3.1 small page ref 1 + 1024
  await clickCell(frame, 0);
  await frame.locator('.details', { hasText: 'refcount   1025' }).waitFor({ timeout: WAIT_MS });
  // back to the page pinned twice (0x7f0000880000, cell 128): ref 1 + 2 × 1024 = 2049
  await clickCell(frame, 128);
  const details = frame.locator('.details');
  await details.locator('.card-title', { hasText: 'pid 100 0x7f0000880000' }).waitFor({ timeout: WAIT_MS });
  const pfn = /pfn {8}(0x[0-9a-f]+)/.exec(await details.innerText())?.[1];
  if (!pfn) throw new Error(`no pfn in the details: ${await details.innerText()}`);
  await details.locator('button', { hasText: 'Reveal in Pages' }).click();
  // gup §3.1: ref 2049; §3.2: a small page has no exact pincount (–); §3.3 maybe-pinned (ref ≥ 1024)
  const want = `0x7f0000880000 pfn ${pfn} ● ref 2049 pin – maybe-pinned`;
  const row = await selectedRow(page, 'Pages', (t) => t.startsWith(want));
  console.log(`  ✔ Reveal in Pages: the Pages tree selects "${row}"`);
}

/** The page map's geometry and visible range as numbers (canvas data attributes). */
async function mapGeometry(frame, test, what) {
  const d = await canvasData(frame, (x) => Boolean(x.geometry && x.range) && test(x), what);
  const [gutter, pad, cell, cols, top] = d.geometry.split(',').map(Number);
  const [first, last] = d.range.split('-').map(Number);
  const { width, height } = await frame.evaluate(() => {
    const c = document.querySelector('canvas.picture');
    return { width: c.clientWidth, height: c.clientHeight };
  });
  return { gutter, pad, cell, cols, top, first, last, width, height, pages: Number(d.pages), selected: Number(d.selected) };
}

/**
 * What webview/pageMap.ts documents for a cell size: pages per row is the largest power of two
 * whose row fits beside the address gutter (so a 2 MiB folio fills whole rows), and the visible
 * range runs from the first row under the scroll position to the last row partly shown.
 */
function expectedLayout(g, cell) {
  const avail = Math.max(1, g.width - g.gutter - g.pad);
  let cols = 1;
  while (cols * 2 * cell <= avail) cols *= 2;
  const firstRow = Math.max(0, Math.floor((g.top - g.pad) / cell));
  const lastRow = Math.min(Math.ceil(g.pages / cols) - 1, Math.floor((g.top + g.height - g.pad) / cell));
  return { cols, first: firstRow * cols, last: Math.min(g.pages, (lastRow + 1) * cols) - 1 };
}

/**
 * Zoom (the − / + buttons and the − / + keys): cell sizes step through 1, 2, 3, 4, 6, 8, 12, 16,
 * 24 px; pages per row and the visible range follow; search and click still select the right page.
 */
async function zoomChecks(frame) {
  const ZOOMS = [1, 2, 3, 4, 6, 8, 12, 16, 24];
  // the THP VMA: 1,024 pages, two 2 MiB folios
  await frame.locator('select[aria-label="VMA"]').selectOption('0x7f0000000000');
  let g = await mapGeometry(frame, (x) => x.vma === '0x7f0000000000' && x.mappedCells === '1024', 'THP VMA before zooming');
  // until the user zooms, the whole VMA fits (the largest cell size at which it does)
  if (g.first !== 0 || g.last !== 1023) throw new Error(`the 1,024-page VMA does not fit before zooming: ${JSON.stringify(g)}`);
  const zoomIn = frame.locator('button[aria-label="Zoom in"]');
  const zoomOut = frame.locator('button[aria-label="Zoom out"]');
  const seen = [];
  for (let i = ZOOMS.indexOf(g.cell) + 1; i < ZOOMS.length; i++) {
    await zoomIn.click();
    g = await mapGeometry(frame, (x) => Number(x.geometry.split(',')[2]) === ZOOMS[i], `zoom in to ${ZOOMS[i]} px`);
    const want = expectedLayout(g, ZOOMS[i]);
    if (g.cols !== want.cols || g.first !== want.first || g.last !== want.last) throw new Error(`zoom ${ZOOMS[i]} px: got ${JSON.stringify(g)}, want ${JSON.stringify(want)}`);
    seen.push(`${g.cell} px ${g.cols}/row ${g.first}-${g.last}`);
  }
  // one more + at the largest size changes nothing
  await zoomIn.click();
  await W.sleep(300);
  const max = await mapGeometry(frame, () => true, 'zoom at its largest');
  if (max.cell !== 24 || max.cols !== g.cols) throw new Error(`+ past 24 px changed the map: ${JSON.stringify(max)}`);
  // at 24 px the 1,024 pages no longer fit: only the first rows are shown
  if (g.first !== 0 || g.last >= 1023) throw new Error(`at 24 px every page is still shown: ${JSON.stringify(g)}`);
  console.log(`  ✔ zoom in: ${seen.join('; ')}`);
  // search at the largest cells: the second folio's first page (cell 768) is scrolled into view and selected
  const title = (i) => `pid 100 0x${(0x7f0000000000 + i * 4096).toString(16)}`;
  const search = frame.locator('input[aria-label="Find a user address or PFN"]');
  await search.fill('0x7f0000300000');
  await search.press('Enter');
  g = await mapGeometry(frame, (x) => x.selected === '768', 'search after zooming in');
  if (768 < g.first || 768 > g.last) throw new Error(`cell 768 is selected but not shown (${g.first}-${g.last})`);
  await frame.locator('.details .card-title', { hasText: title(768) }).waitFor({ timeout: WAIT_MS });
  // a click on the next cell (same row, shown whole since the search scrolled to it), then on
  // cell 768 again: each selects that page
  const other = 769;
  await clickCell(frame, other);
  await frame.locator('.details .card-title', { hasText: title(other) }).waitFor({ timeout: WAIT_MS });
  await clickCell(frame, 768);
  await frame.locator('.details .card-title', { hasText: title(768) }).waitFor({ timeout: WAIT_MS });
  console.log(`  ✔ at 24 px: search selects cell 768 (shown ${g.first}-${g.last}); clicks select cells ${other} and 768`);
  // zoom out (the − button once, then the − key) down to 1 px
  for (let i = ZOOMS.length - 2; i >= 0; i--) {
    if (i === ZOOMS.length - 2) await zoomOut.click();
    else await frame.locator('.scroller').press('-');
    g = await mapGeometry(frame, (x) => Number(x.geometry.split(',')[2]) === ZOOMS[i], `zoom out to ${ZOOMS[i]} px`);
    const want = expectedLayout(g, ZOOMS[i]);
    if (g.cols !== want.cols || g.first !== want.first || g.last !== want.last) throw new Error(`zoom ${ZOOMS[i]} px: got ${JSON.stringify(g)}, want ${JSON.stringify(want)}`);
  }
  if (g.cell !== 1 || g.first !== 0 || g.last !== 1023) throw new Error(`at 1 px the VMA is not shown whole: ${JSON.stringify(g)}`);
  await clickCell(frame, 0);
  await frame.locator('.details .card-title', { hasText: title(0) }).waitFor({ timeout: WAIT_MS });
  await clickCell(frame, 768);
  await frame.locator('.details .card-title', { hasText: title(768) }).waitFor({ timeout: WAIT_MS });
  console.log(`  ✔ zoom out to 1 px: ${g.cols} pages per row, all 1,024 shown; clicks still select cells 0 and 768`);
}

async function pageMapChecks(page) {
  await openFile(page, 'gup-page-map.vlab');
  await breakpointAt(page, 29); // the last expect: every pin taken
  await debugTo(page, 'gup-page-map.vlab', 29);
  await palette(page, 'VFIO Lab: Open Page Map');
  const frame = await pictureFrame(page, 'pageMap');
  // the THP VMA: two 2 MiB folios (order 9), both maybe-DMA-pinned (gup §3.3: _pincount 512 and 16)
  const d = await canvasData(frame, (x) => x.vma === '0x7f0000000000' && x.mappedCells === '1024', 'page map of the THP VMA');
  if (d.pages !== '1024' || d.pinnedCells !== '1024' || d.folios !== '2') throw new Error(`THP VMA: ${JSON.stringify(d)}`);
  console.log(`  ✔ page map THP VMA: ${d.mappedCells} mapped cells, ${d.pinnedCells} pinned, ${d.folios} folios outlined`);
  // the anon VMA: 64 + 8 pinned small pages; 32 FOLL_GET and 16 released pages are mapped, not pinned
  await frame.locator('select[aria-label="VMA"]').selectOption('0x7f0000800000');
  const a = await canvasData(frame, (x) => x.vma === '0x7f0000800000' && x.mappedCells !== undefined && x.drawnCells === '256', 'page map of the anon VMA');
  if (a.mappedCells !== '120' || a.pinnedCells !== '72' || a.folios !== '0') throw new Error(`anon VMA: ${JSON.stringify(a)}`);
  console.log(`  ✔ anon VMA: ${a.mappedCells} mapped, ${a.pinnedCells} pinned`);
  // search: an unmapped address gives a message and changes nothing
  const search = frame.locator('input[aria-label="Find a user address or PFN"]');
  await search.fill('0x7f0000900000');
  await search.press('Enter');
  await frame.locator('.message', { hasText: '0x7f0000900000 is not in any VMA of pid 100: nothing mapped there' }).waitFor({ timeout: WAIT_MS });
  await canvasData(frame, (x) => x.vma === '0x7f0000800000' && x.selected === '-1', 'page map unchanged after a failed search');
  // a pinned-twice page: found, selected, details with "Reveal in Pages"
  await search.fill('0x7f0000880000');
  await search.press('Enter');
  await canvasData(frame, (x) => x.selected === '128', 'search selects the page');
  await frame.locator('.details', { hasText: 'refcount   2049' }).waitFor({ timeout: WAIT_MS });
  await frame.locator('.details button', { hasText: 'Reveal in Pages' }).waitFor({ timeout: WAIT_MS });
  console.log('  ✔ search: unmapped address refused with a message; 0x7f0000880000 → cell 128, refcount 2049');
  await revealInPages(page, frame);
  await frame.locator('select[aria-label="VMA"]').selectOption('0x7f0000000000');
  await canvasData(frame, (x) => x.vma === '0x7f0000000000' && x.mappedCells === '1024', 'back to the THP VMA');
  await shot(page, frame, 'pagemap-dark.png');
  await theme(page, 'Light Modern');
  await canvasData(frame, (x) => x.theme === 'light' && x.mappedCells === '1024', 'page map in a light theme');
  await frame.locator('select[aria-label="VMA"]').selectOption('0x7f0000800000');
  await canvasData(frame, (x) => x.vma === '0x7f0000800000' && x.mappedCells === '120', 'anon VMA in a light theme');
  await shot(page, frame, 'pagemap-light.png');
  await theme(page, 'Dark High Contrast');
  await canvasData(frame, (x) => x.theme === 'high-contrast' && x.mappedCells === '120', 'page map in high contrast');
  await shot(page, frame, 'pagemap-hc.png');
  await theme(page, 'Dark Modern');
  // last, as zooming ends the fit-to-view sizing the checks above rely on
  await zoomChecks(frame);
}

async function main() {
  const started = Date.now();
  const vsix = path.join(W.REPO, 'vfio-lab-0.1.0.vsix');
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} is missing: run \`npm run package\` first`);
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vfio-lab-pictures-'));
  const dirs = { tmpDir, userDataDir: path.join(tmpDir, 'user-data'), extensionsDir: path.join(tmpDir, 'extensions') };
  let server;
  let browser;
  let page;
  let keep = Boolean(process.env.VFIO_LAB_KEEP_TMP);
  const killServer = () => server && W.killGroup(server.pid);
  process.on('exit', killServer);
  const timer = setTimeout(() => {
    console.error(`pictures e2e: FAILED: no result after ${TIMEOUT_MS / 1000} s (logs in ${tmpDir})`);
    process.exit(1);
  }, TIMEOUT_MS);
  try {
    console.log('pictures e2e: I/O timeline and page map in a fresh code-server with the packaged VSIX');
    // quiet settings, plus a docked debug toolbar (it would float over the pictures) and no git prompt
    fs.mkdirSync(path.join(dirs.userDataDir, 'User'), { recursive: true });
    fs.writeFileSync(path.join(dirs.userDataDir, 'User', 'settings.json'), JSON.stringify({
      'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false, 'update.mode': 'none', 'workbench.enableExperiments': false,
      'security.workspace.trust.enabled': false, 'debug.toolBarLocation': 'docked', 'git.openRepositoryInParentFolders': 'never',
      'debug.internalConsoleOptions': 'neverOpen',
    }, null, 2));
    await W.runCodeServerCli(dirs, ['--install-extension', vsix, '--force']);
    server = await W.startCodeServer(dirs);
    browser = await W.launchChromium(tmpDir);
    page = await browser.newPage({ viewport: { width: 1920, height: 1000 } });
    page.setDefaultTimeout(WAIT_MS);
    await page.goto(`${server.origin}/?folder=${encodeURIComponent(path.join(W.REPO, 'examples'))}`, { timeout: 60_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.activitybar .action-item a[aria-label^="VFIO Lab"]').waitFor({ timeout: 60_000 });
    await timelineChecks(page);
    await pageMapChecks(page);
    console.log(`pictures e2e: passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (e) {
    if (page) {
      const failShot = path.join(tmpDir, 'failure.png');
      await page.screenshot({ path: failShot }).catch(() => {});
      e.message += `\n  failure screenshot: ${failShot}`;
    }
    if (server) e.message += `\n  code-server log: ${server.logFile} (kept)`;
    keep = true;
    console.error(`pictures e2e: FAILED: ${e && e.stack ? e.stack : e}`);
    process.exitCode = 1;
  } finally {
    clearTimeout(timer);
    if (browser) await browser.close().catch(() => {});
    if (server) await server.stop();
    process.removeListener('exit', killServer);
    if (!keep) fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}

main();
