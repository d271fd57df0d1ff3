#!/usr/bin/env node
// `npm run bundle`: every esbuild bundle of VFIO Lab, minified, with source maps written beside
// them in dist/ (kept out of the VSIX by .vscodeignore) and a metafile per bundle in
// dist/meta/ (test/package/bundles.test checks the browser bundle's imports from it).
//
// To add a bundle, add a row to BUNDLES (or append `&& npm run bundle:xyz` to the `bundle`
// script in package.json; both work). A Node-only bundle that needs the model or the session
// (a worker_threads test runner, say) should not carry a second copy into the VSIX: export what
// it needs from extension/library.ts and map the import with externalAs() to
// './browser.js#library', as debugAdapter does.
//
//   node tools/build.mjs            all bundles
//   node tools/build.mjs browser    only the named ones
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const node = { platform: 'node', target: 'node20' };
// The web worker extension host (vscode.dev, code-server): no Node.js modules. The two that
// @vscode/debugadapter imports get tiny shims, and its `process` uses is Node's process when
// there is one (extension/shims/).
const browser = {
  platform: 'browser',
  target: 'es2022',
  alias: { events: './extension/shims/events.ts', url: './extension/shims/url.ts' },
  inject: ['extension/shims/process.ts'],
};

/**
 * Imports of the entry file listed in `map` are left to run time: another bundle beside this one.
 * A target ending in `#library` is that bundle's `library()` (extension/browser.ts: the model and
 * the adapter, which the browser bundle initialises only when asked), so `import { VlabSession }
 * from './session'` becomes `require('./browser.js').library().VlabSession`. Only the listed
 * importers' own imports, so a bundled module is never redirected.
 */
function externalAs(entry, map, more = {}) {
  const byImporter = { [entry]: map, ...more };
  return {
    name: 'external-as',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.namespace === 'library') return { path: args.path, external: true };
        if (!args.importer) return undefined;
        const rel = path.relative(ROOT, args.importer).split(path.sep).join('/');
        const m = byImporter[rel];
        if (!m || !(args.path in m)) return undefined;
        const target = m[args.path];
        if (target.endsWith('#library')) return { path: target.slice(0, -'#library'.length), namespace: 'library' };
        return { path: target, external: true };
      });
      build.onLoad({ filter: /.*/, namespace: 'library' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(args.path)}).library();`,
        loader: 'js',
      }));
    },
  };
}

/**
 * Every `import * as vscode from 'vscode'` of the browser bundle reads one namespace,
 * extension/shims/vscode.ts, instead of each module copying the API object's ~200 properties when
 * it initialises (esbuild's __toESM per importer: most of the extension's module start-up time in
 * the web worker host, issue 14).
 */
const oneVscodeNamespace = {
  name: 'one-vscode-namespace',
  setup(build) {
    const shim = path.join(ROOT, 'extension/shims/vscode.ts');
    build.onResolve({ filter: /^vscode$/ }, (args) => (args.importer === shim ? { path: 'vscode', external: true } : { path: shim }));
  },
};

/** name → options; `copies` are extra copies of the output (the npm package of the CLI). */
const BUNDLES = {
  // The web worker extension host entry (package.json `browser`): the whole extension, model and
  // inline debug adapter included, in one file (a web worker host loads only one). It is also
  // the one copy of the model in the VSIX: the two bundles below load it with require().
  browser: { entry: 'extension/browser.ts', outfile: 'dist/browser.js', external: ['vscode'], plugins: [oneVscodeNamespace], ...browser },
  // The Node.js extension host entry (package.json `main`): the Node-only services, and the
  // shared activation from dist/browser.js.
  extension: {
    entry: 'extension/node.ts', outfile: 'dist/extension.js', external: ['vscode'],
    plugins: [externalAs('extension/node.ts', { './browser': './browser.js' })], ...node,
  },
  // The standalone debug adapter over stdio (vfioLab.adapter: standalone, other DAP clients):
  // stdio and file access here, the session and the model from dist/browser.js (which does not
  // load `vscode` until activated).
  debugAdapter: {
    entry: 'debug-adapter/main.ts', outfile: 'dist/debugAdapter.js',
    plugins: [externalAs('debug-adapter/main.ts', { './session': './browser.js#library', './warmup': './browser.js#library' }, {
      // the reader's and the file access's few imports of the library and the limits table, too
      'debug-adapter/framing.ts': { '@vscode/debugadapter': './browser.js#library' },
      'debug-adapter/nodeFileAccess.ts': { '../model/limits': './browser.js#library' },
      // the request-path warm-up drives a session of its own
      'debug-adapter/sessionWarmup.ts': { './session': './browser.js#library', './warmup': './browser.js#library' },
    })], ...node,
  },
  // The Testing view's worker thread (Node extension host, extension/testing/workerRunner.ts): the
  // scenario job runner from dist/browser.js, so the VSIX keeps one copy of the model.
  testWorker: {
    entry: 'extension/testing/worker.ts', outfile: 'dist/testWorker.js',
    plugins: [externalAs('extension/testing/worker.ts', { './job': './browser.js#library' })], ...node,
  },
  // The headless CLI: dist/cli.js for the tests, cli/cli.js for the `vfio-lab` npm package.
  cli: { entry: 'model/bin/vfio-lab.ts', outfile: 'dist/cli.js', copies: ['cli/cli.js'], ...node },
};

async function bundle(name) {
  const { entry, outfile, copies = [], ...options } = BUNDLES[name];
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'cjs',
    minify: true,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    ...options,
  });
  fs.mkdirSync(path.join(ROOT, 'dist', 'meta'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'dist', 'meta', `${name}.json`), JSON.stringify(result.metafile));
  for (const copy of copies) {
    // The package copy carries no source map and no link to one.
    const code = fs.readFileSync(path.join(ROOT, outfile), 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
    fs.writeFileSync(path.join(ROOT, copy), code, { mode: 0o755 });
  }
}

const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!(name in BUNDLES)) {
    console.error(`build: unknown bundle '${name}' (known: ${Object.keys(BUNDLES).join(', ')})`);
    process.exit(2);
  }
}
await Promise.all((wanted.length ? wanted : Object.keys(BUNDLES)).map(bundle));
