/**
 * The bundles tools/build.mjs makes (run after `npm run bundle`): the browser bundle imports
 * nothing but `vscode` (a web worker extension host has no Node.js modules), the model is in it
 * once and the Node entry and the standalone adapter load it instead of carrying a copy, every
 * bundle is minified with its source map beside it, and the browser bundle loads outside VS Code
 * (the standalone adapter needs that) without asking for `vscode`. Issue 14: loading the browser
 * bundle initialises nothing but its entry, and activation initialises only the extension's light
 * modules (esbuild initialises exactly the static imports of what `activateWith` requires; the
 * model, the adapter, the parser are behind require() calls run on first use, extension/deferred.ts).
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { built, REPO } from './paths';

interface Metafile {
  inputs: Record<string, { imports: Array<{ path: string; kind: string; external?: boolean }> }>;
  outputs: Record<string, { imports: Array<{ path: string; kind: string; external?: boolean }>; inputs: Record<string, unknown> }>;
}

function output(name: string, outfile: string): Metafile['outputs'][string] {
  const meta = JSON.parse(fs.readFileSync(built(`dist/meta/${name}.json`, 'npm run bundle'), 'utf8')) as Metafile;
  const out = meta.outputs[outfile];
  assert.ok(out, `dist/meta/${name}.json has no output ${outfile}`);
  return out;
}

/** The bundled files esbuild initialises with `roots`: their static imports, transitively (require() calls excluded). */
function staticClosure(name: string, roots: string[]): string[] {
  const meta = JSON.parse(fs.readFileSync(built(`dist/meta/${name}.json`, 'npm run bundle'), 'utf8')) as Metafile;
  const seen = new Set<string>();
  const todo = [...roots];
  while (todo.length) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    const input = meta.inputs[file];
    assert.ok(input, `${file} is not in dist/meta/${name}.json`);
    seen.add(file);
    for (const i of input.imports) if (i.kind === 'import-statement' && !i.external) todo.push(i.path);
  }
  return [...seen].sort();
}

const importsOf = (name: string, outfile: string): string[] => [...new Set(output(name, outfile).imports.map((i) => i.path))].sort();
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

describe('bundles (dist/, tools/build.mjs)', () => {
  it('dist/browser.js imports only vscode: no fs, path, child_process, worker_threads, events, url', () => {
    assert.deepEqual(importsOf('browser', 'dist/browser.js'), ['vscode']);
    // The text too: every require() left in the bundle is require("vscode").
    const text = fs.readFileSync(path.join(REPO, 'dist/browser.js'), 'utf8');
    const required = new Set([...text.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]));
    assert.deepEqual([...required], ['vscode']);
  });

  it('dist/browser.js bundles the shims instead of Node modules, and not the stdio adapter', () => {
    const inputs = Object.keys(output('browser', 'dist/browser.js').inputs);
    for (const shim of ['extension/shims/events.ts', 'extension/shims/url.ts', 'extension/shims/process.ts']) {
      assert.ok(inputs.includes(shim), `${shim} is not in the browser bundle`);
    }
    assert.ok(!inputs.includes('debug-adapter/main.ts'), 'the stdio adapter entry is in the browser bundle');
    assert.ok(!inputs.includes('extension/node.ts'), 'the Node entry is in the browser bundle');
    assert.ok(inputs.some((f) => f.startsWith('model/')), 'the model is not in the browser bundle');
  });

  it('dist/extension.js (Node entry) loads the shared bundle and carries no model code', () => {
    // the Node-only services (real paths, Testing view worker threads) live here and nowhere else
    assert.deepEqual(importsOf('extension', 'dist/extension.js'), ['./browser.js', 'fs', 'path', 'vscode', 'worker_threads']);
    const inputs = Object.keys(output('extension', 'dist/extension.js').inputs);
    assert.deepEqual(inputs.filter((f) => !f.startsWith('extension/')), [], 'model or adapter code bundled into the Node entry');
  });

  it('dist/debugAdapter.js (standalone adapter) loads the shared bundle; only it uses Node modules', () => {
    const imports = importsOf('debugAdapter', 'dist/debugAdapter.js');
    assert.ok(imports.includes('./browser.js'), `imports: ${imports.join(', ')}`);
    assert.deepEqual(imports.filter((i) => i !== './browser.js' && !NODE_BUILTINS.has(i)), []);
    const inputs = Object.keys(output('debugAdapter', 'dist/debugAdapter.js').inputs);
    assert.deepEqual(inputs.filter((f) => f.startsWith('model/') || f === 'debug-adapter/session.ts'), [], 'a second copy of the model');
  });

  it('the bundles are minified and link a source map kept beside them', () => {
    for (const name of ['browser', 'extension', 'debugAdapter', 'cli']) {
      const file = path.join(REPO, 'dist', `${name}.js`);
      const text = fs.readFileSync(file, 'utf8');
      // Minified: no indented lines outside the few template literals (help texts) of the model.
      const indented = text.split('\n').filter((l) => /^ {2,}\S/.test(l)).length;
      assert.ok(indented < 40, `${name}.js has ${indented} indented lines: not minified`);
      assert.match(text, new RegExp(`//# sourceMappingURL=${name}\\.js\\.map\\n?$`));
      assert.ok(fs.existsSync(`${file}.map`), `${name}.js.map is missing beside the bundle`);
    }
  });

  it('dist/browser.js loads in plain Node without vscode and exports what the adapter uses', () => {
    // `vscode` cannot be resolved outside an extension host: loading must not ask for it.
    const script = `const b = require(${JSON.stringify(path.join(REPO, 'dist/browser.js'))});
      const l = b.library();
      console.log([typeof l.VlabSession, typeof l.warmUp, typeof l.runScenarioJob, typeof b.activate, typeof b.activateWith].join(' '));`;
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: '/' });
    assert.equal(out.trim(), 'function function function function function');
  });

  it('loading dist/browser.js initialises only its entry: the model waits for library() or activation', () => {
    assert.deepEqual(staticClosure('browser', ['extension/browser.ts']), ['extension/browser.ts']);
  });

  it('activation initialises no model, adapter, parser or language services: they load on first use', () => {
    // activateWith requires these two (extension/browser.ts)
    const activation = staticClosure('browser', ['extension/extension.ts', 'extension/hostInfo.ts']);
    const outside = activation.filter((f) => !f.startsWith('extension/'));
    // the limits table (file-size checks) and the include path rules are the only model files: both tiny, no tables of the model
    assert.deepEqual(outside, ['debug-adapter/protocol.ts', 'model/limits.ts', 'model/scenario/statements/include.ts']);
    for (const heavy of ['extension/language/providers.ts', 'extension/testing/job.ts', 'extension/library.ts']) {
      assert.ok(!activation.includes(heavy), `${heavy} is initialised at activation`);
    }
    // ...and each of them is in the bundle, reached by a require() on first use
    const all = staticClosure('browser', ['extension/library.ts', 'extension/language/providers.ts', 'extension/testing/job.ts']);
    for (const f of ['debug-adapter/session.ts', 'model/scenario/parser.ts', 'model/scenario/language/index.ts', 'debug-adapter/functionNames.ts']) {
      assert.ok(all.includes(f), `${f} is not reachable from the deferred modules`);
    }
  });
});
