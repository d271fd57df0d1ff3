/** The scenario files the whole-corpus tests walk (examples/, test/scenarios/). */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Every .vlab file under `dir`, sorted. */
export function vlabFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...vlabFiles(p));
    else if (e.name.endsWith('.vlab')) out.push(p);
  }
  return out.sort();
}

/** Every example and conformance scenario of the repository at `root`. */
export function corpusFiles(root: string): string[] {
  return [...vlabFiles(path.join(root, 'examples')), ...vlabFiles(path.join(root, 'test/scenarios'))];
}
