/**
 * The VSIX (`npm run package`): what VS Code loads and nothing else — no source maps, no
 * TypeScript or test sources, no node_modules — both entries of the manifest present, and under
 * the 500 KB budget (issue 14). Prints the size of the VSIX and of its bundles.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { built } from './paths';
import { zipEntries, type ZipEntry } from './zip';

const VSIX_BUDGET_BYTES = 500 * 1000;
const kb = (n: number): string => `${(n / 1000).toFixed(1)} KB`;

describe('VSIX (vfio-lab-0.1.0.vsix)', () => {
  let file: string;
  let entries: ZipEntry[];
  let names: string[];

  before(() => {
    file = built('vfio-lab-0.1.0.vsix', 'npm run package');
    entries = zipEntries(file);
    names = entries.map((e) => e.name);
  });

  it(`is smaller than ${kb(VSIX_BUDGET_BYTES)}`, () => {
    const size = fs.statSync(file).size;
    const bundles = entries.filter((e) => /^extension\/dist\/.*\.js$/.test(e.name));
    console.log(`      VSIX ${kb(size)}; ${bundles.map((b) => `${b.name.slice('extension/'.length)} ${kb(b.size)} (${kb(b.compressedSize)} compressed)`).join(', ')}`);
    assert.ok(size < VSIX_BUDGET_BYTES, `VSIX is ${kb(size)}`);
  });

  it('holds no source map, no TypeScript, no tests, no node_modules, no build metadata', () => {
    const unwanted = names.filter((n) =>
      /\.map$/.test(n) || /\.ts$/.test(n) || /(^|\/)(node_modules|test|out|tools|cli|model|debug-adapter)\//.test(n) || /^extension\/dist\/(meta\/|cli\.js)/.test(n));
    assert.deepEqual(unwanted, []);
  });

  it('holds both entries of its manifest (main for Node, browser for the web worker) and the adapter', () => {
    const manifest = JSON.parse(fs.readFileSync(built('package.json', 'git checkout package.json'), 'utf8')) as { main: string; browser: string };
    assert.equal(manifest.main, './dist/extension.js');
    assert.equal(manifest.browser, './dist/browser.js');
    for (const bundle of ['dist/extension.js', 'dist/browser.js', 'dist/debugAdapter.js']) {
      assert.ok(names.includes(`extension/${bundle}`), `${bundle} is not in the VSIX`);
    }
    // The bundles link their maps for debugging from a build; the VSIX ships the link, not the map.
    assert.ok(!names.some((n) => n.endsWith('.js.map')));
  });
});
