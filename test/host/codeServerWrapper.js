#!/usr/bin/env node
// Stands in for the VS Code executable that @vscode/test-electron's runTests() launches.
// Electron VS Code cannot be downloaded on our machines, so this runs the same extension tests in
// code-server (a real VS Code server with a real Node extension host) opened by headless Debian
// chromium: the development payload in the workbench URL loads the extension and its test index,
// and the workbench reports the result through window.codeAutomationExit (see /work/shared/E2E.md).
//
// Used as a module too: test/e2e/ui.e2e.js reuses the start/stop helpers exported below.
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..', '..');
const CODE_SERVER = path.join(REPO, 'tools', 'code-server', 'node_modules', '.bin', 'code-server');
const CHROMIUM = process.env.VFIO_LAB_CHROMIUM || '/usr/bin/chromium';
/** Environment variable through which the test index (test/host/index.ts) learns where to write. */
const REPORT_ENV = 'VFIO_LAB_TEST_REPORT';
const RUN_TIMEOUT_MS = Number(process.env.VFIO_LAB_HOST_TIMEOUT_MS || 5 * 60_000);

// Settings that keep a fresh profile from opening welcome pages or calling unreachable hosts.
const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
};

const log = (msg) => console.log(`[code-server-wrapper] ${msg}`);

function writeQuietSettings(userDataDir) {
  const file = path.join(userDataDir, 'User', 'settings.json');
  if (fs.existsSync(file)) return; // a caller that prepared its own settings keeps them
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(QUIET_SETTINGS, null, 2));
}

/** Asks the kernel for a free loopback port (a tiny race with other processes is acceptable). */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Kills a whole process group (dash's `kill -- -PGID` fails silently, so do it from Node). */
function killGroup(pid, signal = 'SIGKILL') {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** XDG folders inside the run's temp dir: code-server keeps logs and a heartbeat in
 * $XDG_DATA_HOME, VS Code a device id in $XDG_CACHE_HOME and its IPC sockets in
 * $XDG_RUNTIME_DIR (else $TMPDIR), chromium crash reports in $XDG_CONFIG_HOME; without this
 * they pile up in the home folder and /tmp. */
function isolatedEnv(tmpDir) {
  const env = {};
  for (const [name, sub] of [['XDG_DATA_HOME', 'data'], ['XDG_CONFIG_HOME', 'config'],
    ['XDG_CACHE_HOME', 'cache'], ['XDG_RUNTIME_DIR', 'run'], ['TMPDIR', 'tmp']]) {
    env[name] = path.join(tmpDir, 'xdg', sub);
    fs.mkdirSync(env[name], { recursive: true });
  }
  return env;
}

function codeServerArgs(dirs, configFile) {
  // Always pass --config, or code-server writes one into the home folder.
  return [
    '--config', configFile,
    '--user-data-dir', dirs.userDataDir,
    '--extensions-dir', dirs.extensionsDir,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override',
  ];
}

/**
 * Runs code-server as a one-shot CLI (for example --install-extension) in its own process group,
 * bounded by a timeout. Resolves with its output; rejects on non-zero exit or timeout.
 */
function runCodeServerCli(dirs, extraArgs, timeoutMs = 120_000) {
  const configFile = path.join(dirs.tmpDir, 'cli-config.yaml');
  fs.writeFileSync(configFile, 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');
  const proc = spawn(CODE_SERVER, [...codeServerArgs(dirs, configFile), ...extraArgs], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...isolatedEnv(dirs.tmpDir) },
  });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      killGroup(proc.pid);
      reject(new Error(`code-server ${extraArgs.join(' ')} timed out after ${timeoutMs} ms\n${out}`));
    }, timeoutMs);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      killGroup(proc.pid); // anything it left behind in its group
      if (code === 0) resolve(out);
      else reject(new Error(`code-server ${extraArgs.join(' ')} exited with ${code}\n${out}`));
    });
  });
}

function healthy(port) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });
}

/**
 * Starts code-server on a free 127.0.0.1 port in its own process group and waits for /healthz.
 * dirs: { tmpDir, userDataDir, extensionsDir }. Returns { port, origin, pid, logFile, stop() }.
 */
async function startCodeServer(dirs, env = {}) {
  if (!fs.existsSync(CODE_SERVER)) {
    throw new Error(`${CODE_SERVER} is missing: run \`npm run e2e:setup\` first`);
  }
  writeQuietSettings(dirs.userDataDir);
  fs.mkdirSync(dirs.extensionsDir, { recursive: true });
  const port = await freePort();
  const configFile = path.join(dirs.tmpDir, 'config.yaml');
  fs.writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const logFile = path.join(dirs.tmpDir, 'code-server.log');
  const logFd = fs.openSync(logFile, 'a');
  const proc = spawn(CODE_SERVER, codeServerArgs(dirs, configFile), {
    detached: true, // own process group, so stop() also ends the extension host it spawns
    stdio: ['ignore', logFd, logFd],
    env: { ...process.env, ...isolatedEnv(dirs.tmpDir), ...env },
  });
  fs.closeSync(logFd);
  let exited = null;
  proc.on('exit', (code, sig) => (exited = code ?? sig));
  const stop = async () => {
    killGroup(proc.pid, 'SIGTERM');
    for (let i = 0; i < 20 && exited === null; i++) await sleep(100);
    killGroup(proc.pid, 'SIGKILL');
  };
  const deadline = Date.now() + 30_000;
  while (!(await healthy(port))) {
    if (exited !== null || Date.now() > deadline) {
      await stop();
      const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
      throw new Error(`code-server did not become healthy (exit: ${exited})\n${tail}`);
    }
    await sleep(100);
  }
  return { port, origin: `http://127.0.0.1:${port}`, pid: proc.pid, logFile, stop };
}

/** Headless Debian chromium through playwright-core (never `playwright install`). */
async function launchChromium(tmpDir) {
  const { chromium } = require('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 60_000,
    env: { ...process.env, ...isolatedEnv(tmpDir) },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
      '--disable-dev-shm-usage'],
  });
}

/** Parses the VS Code command line runTests() builds; unknown flags are ignored on purpose. */
function parseArgs(argv) {
  const valued = ['extensionDevelopmentPath', 'extensionTestsPath', 'user-data-dir', 'extensions-dir'];
  const opts = { extensionDevelopmentPath: [], folder: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--([^=]+)(?:=(.*))?$/s.exec(a);
    if (!m) {
      opts.folder = path.resolve(a); // a positional argument is the folder to open
      continue;
    }
    const [, name, inline] = m;
    if (!valued.includes(name)) continue;
    const value = inline !== undefined ? inline : argv[++i];
    if (name === 'extensionDevelopmentPath') opts.extensionDevelopmentPath.push(path.resolve(value));
    else opts[name] = path.resolve(value);
  }
  if (!opts.extensionDevelopmentPath.length || !opts['extensionTestsPath']) {
    throw new Error('need --extensionDevelopmentPath= and --extensionTestsPath=');
  }
  return opts;
}

/** Workbench URL with the standard development payload (extension + test index as remote URIs). */
function payloadUrl(origin, port, opts) {
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = [
    ...opts.extensionDevelopmentPath.map((p) => ['extensionDevelopmentPath', remote(p)]),
    ['extensionTestsPath', remote(opts['extensionTestsPath'])],
  ];
  const folder = opts.folder ? `folder=${encodeURIComponent(opts.folder)}&` : '';
  return `${origin}/?${folder}payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

function printFile(title, file, lastLines) {
  if (!fs.existsSync(file)) return console.log(`(${title}: ${file} was not written)`);
  let lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
  if (lastLines) lines = lines.slice(-lastLines);
  console.log(`----- ${title} -----\n${lines.join('\n')}\n----- end of ${title} -----`);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vfio-lab-host-'));
  const dirs = {
    tmpDir,
    userDataDir: opts['user-data-dir'] || path.join(tmpDir, 'user-data'),
    extensionsDir: opts['extensions-dir'] || path.join(tmpDir, 'extensions'),
  };
  const reportFile = path.join(tmpDir, 'mocha-report.txt');
  const consoleFile = path.join(tmpDir, 'browser-console.log');
  let server;
  let browser;
  let finished = false;
  const cleanup = async () => {
    if (browser) await browser.close().catch(() => {});
    if (server) await server.stop();
    if (!process.env.VFIO_LAB_KEEP_TMP) fs.rmSync(tmpDir, { recursive: true, force: true });
  };
  // runTests() forwards Ctrl+C as SIGINT: still end code-server's group and the browser.
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      if (finished) return;
      finished = true;
      log(`${sig}: stopping`);
      cleanup().finally(() => process.exit(130));
    });
  }
  process.on('exit', () => server && killGroup(server.pid)); // last resort if something threw

  let code = 1;
  try {
    server = await startCodeServer(dirs, { [REPORT_ENV]: reportFile });
    log(`code-server 127.0.0.1:${server.port} (pgid ${server.pid}), tmp ${tmpDir}`);
    browser = await launchChromium(tmpDir);
    const page = await browser.newPage();
    const consoleOut = fs.createWriteStream(consoleFile);
    page.on('console', (m) => consoleOut.write(`[${m.type()}] ${m.text()}\n`));
    page.on('pageerror', (e) => consoleOut.write(`[pageerror] ${e.message}\n`));
    let settle;
    const result = new Promise((resolve) => (settle = resolve));
    // The workbench calls window.codeAutomationExit(code) once the test index's run() settles.
    await page.exposeFunction('codeAutomationExit', (c) => settle({ code: Number(c) }));
    page.on('crash', () => settle({ error: 'the browser page crashed' }));
    const timer = setTimeout(() => settle({ error: `no result after ${RUN_TIMEOUT_MS / 1000} s` }), RUN_TIMEOUT_MS);
    await page.goto(payloadUrl(server.origin, server.port, opts), { timeout: 60_000 });
    const r = await result;
    clearTimeout(timer);
    printFile('mocha report', reportFile);
    if (r.error) {
      log(`FAILED: ${r.error}`);
      printFile('browser console (last 40 lines)', consoleFile, 40);
      printFile('code-server log (last 40 lines)', server.logFile, 40);
    } else {
      code = r.code;
      if (code !== 0 && !fs.existsSync(reportFile)) printFile('browser console (last 40 lines)', consoleFile, 40);
      log(`tests exited with ${code}`);
    }
    consoleOut.end();
  } catch (e) {
    log(`FAILED: ${e && e.stack ? e.stack : e}`);
  } finally {
    finished = true;
    await cleanup();
  }
  process.exit(code);
}

module.exports = {
  REPO, CODE_SERVER, REPORT_ENV, freePort, killGroup, sleep, writeQuietSettings,
  startCodeServer, runCodeServerCli, launchChromium,
};

if (require.main === module) main();
