/**
 * Extension activation figures: in the Node.js extension host (the host test
 * test/host/activation.test.ts, run alone in code-server, reports `host.activationMs`), in the
 * web worker extension host (test/e2e/webworker.e2e.js with the packaged VSIX prints it), and
 * the time plain Node takes to load the shared bundle dist/browser.js (code loading, which the
 * hosts do before `activate`).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Figure } from './headless';

export function activationBench(root: string): Figure[] {
  const figures: Figure[] = [];
  const load = execFileSync(process.execPath, ['-e',
    `const t = performance.now(); require(${JSON.stringify(path.join(root, 'dist/browser.js'))}); console.log(performance.now() - t);`], { encoding: 'utf8' });
  figures.push({ name: 'extension.bundle_load.node', value: Number(load.trim()), unit: 'ms' });

  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vfio-lab-bench-')), 'activation.json');
  try {
    execFileSync(process.execPath, [path.join(root, 'test/host/runHostTests.js')], {
      env: { ...process.env, VFIO_LAB_HOST_GREP: 'activation in the Node.js extension host', VFIO_LAB_BENCH_FILE: file },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const host = JSON.parse(fs.readFileSync(file, 'utf8')) as { activationMs: number };
    figures.push({ name: 'extension.activation.node_host', value: host.activationMs, unit: 'ms' });
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }

  const out = execFileSync(process.execPath, [path.join(root, 'test/e2e/webworker.e2e.js')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const m = /^BENCH extension\.activation\.webworker ([\d.]+) ms$/m.exec(out);
  if (!m) throw new Error(`webworker.e2e.js printed no activation figure:\n${out}`);
  figures.push({ name: 'extension.activation.webworker_host', value: Number(m[1]), unit: 'ms' });
  return figures;
}
