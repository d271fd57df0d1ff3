/** The example corpus the fuzz and statement tests use: examples, docs blocks, fixtures, test scenarios. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '../../../..');

function walk(dir: string, out: string[]): void {
  if (!fs.existsSync(dir)) return;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name.endsWith('.vlab')) out.push(p);
  }
}

export interface Sample {
  name: string;
  text: string;
}

export function corpus(): Sample[] {
  const files: string[] = [];
  for (const d of ['examples', 'docs/examples', 'test/fixtures', 'test/scenarios']) walk(path.join(ROOT, d), files);
  const out: Sample[] = files.sort().map((f) => ({ name: path.relative(ROOT, f), text: fs.readFileSync(f, 'utf8') }));
  const doc = fs.readFileSync(path.join(ROOT, 'docs/language.md'), 'utf8');
  [...doc.matchAll(/```vlab\n([\s\S]*?)```/g)].forEach((m, i) => out.push({ name: `docs/language.md#${i + 1}`, text: m[1] }));
  return out;
}
