/**
 * The `vfio-lab` npm package (cli/): packed with `npm pack`, installed offline from the tarball
 * into an empty folder, and run as a user would (`npx vfio-lab ...`), away from the repository.
 * The package has no dependencies, so the offline install needs no registry.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { built, REPO } from './paths';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';
// npm must not look for updates, ask questions or send audit data in a test.
const NPM_ENV = { ...process.env, npm_config_update_notifier: 'false', npm_config_yes: 'true', npm_config_audit: 'false', npm_config_fund: 'false' };

interface PackResult {
  filename: string;
  files: Array<{ path: string }>;
}

describe('CLI npm package (cli/, npx vfio-lab)', function () {
  this.timeout(180_000);
  let dir: string;
  let packed: PackResult;

  const vfioLab = (...args: string[]) =>
    spawnSync(NPX, ['--offline', 'vfio-lab', ...args], { cwd: dir, encoding: 'utf8', env: NPM_ENV, timeout: 60_000 });

  before(() => {
    built('cli/cli.js', 'npm run bundle');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vfio-lab-cli-package-'));
    const json = execFileSync(NPM, ['pack', '--json', '--pack-destination', dir], { cwd: path.join(REPO, 'cli'), encoding: 'utf8', env: NPM_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    [packed] = JSON.parse(json) as PackResult[];
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'try-vfio-lab', private: true }));
    execFileSync(NPM, ['install', '--offline', '--no-audit', '--no-fund', `./${packed.filename}`], { cwd: dir, encoding: 'utf8', env: NPM_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const f of ['examples/hello.vlab', 'test/fixtures/fails.vlab']) fs.copyFileSync(path.join(REPO, f), path.join(dir, path.basename(f)));
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('packs only the minified cli.js, the README, the license and the manifest', () => {
    assert.equal(packed.filename, 'vfio-lab-0.1.0.tgz');
    assert.deepEqual(packed.files.map((f) => f.path).sort(), ['LICENSE', 'README.md', 'cli.js', 'package.json']);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules/vfio-lab/package.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(manifest.bin, { 'vfio-lab': 'cli.js' });
    assert.equal(manifest.dependencies, undefined);
    const cli = fs.readFileSync(path.join(dir, 'node_modules/vfio-lab/cli.js'), 'utf8');
    assert.ok(cli.startsWith('#!/usr/bin/env node\n'));
    assert.ok(!cli.includes('sourceMappingURL'), 'the package links a source map it does not ship');
  });

  it('npx vfio-lab run hello.vlab: trace and summary, exit 0', () => {
    const r = vfioLab('run', 'hello.vlab');
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
    // hello.vlab has 12 expect lines; gup §4: its pins are all released at the end.
    assert.match(r.stdout, /^hello\.vlab: 12 of 12 expects passed, 0 exceptions, \d+ events, 0 pins held at end$/m);
    assert.match(r.stdout, /pin_user_pages returned 4/); // gup §2.4: 4 pages pinned
  });

  it('npx vfio-lab run on a failing expect: the file and line, exit 1', () => {
    const r = vfioLab('run', 'fails.vlab');
    assert.equal(r.status, 1);
    // css §1.2: PIM has the bit of chpid[0] (0x80) for a device with one chpid, not 0x40.
    assert.match(r.stdout, /^fails\.vlab:4: expect schib\.pmcw\.pim == 0x40 FAILED: expected 64 \(0x40\), actual 128 \(0x80\)$/m);
    assert.match(r.stdout, /^fails\.vlab: 0 of 1 expects passed, 0 exceptions, \d+ events, 0 pins held at end$/m);
  });

  it('npx vfio-lab --help: the usage, exit 0; a bad command: one line and the usage, exit 2', () => {
    const help = vfioLab('--help');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^usage: vfio-lab run FILE\.\.\./);
    const bad = vfioLab('frobnicate', 'hello.vlab');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^vfio-lab: .+\nusage: vfio-lab run/);
  });
});
