/**
 * Every test/scenarios/css/*.vlab runs end to end with the invariant checker after every model
 * step: no diagnostics, no exceptions (unless the file declares `# expect-exception: NAME`), no
 * failed expects, no invariant violations.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runChecked } from './checked';

const DIR = path.resolve(__dirname, '../../../../test/scenarios/css');
const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.vlab')).sort();

describe('css scenarios (test/scenarios/css, invariants checked after every step)', () => {
  it('has scenario files', () => assert.ok(files.length >= 8, `only ${files.length} files`));
  for (const f of files) {
    it(f, () => {
      const text = fs.readFileSync(path.join(DIR, f), 'utf8');
      const allowed = [...text.matchAll(/^# expect-exception: (.+)$/gm)].map((m) => m[1].trim());
      const r = runChecked(text, f);
      assert.deepEqual(r.diagnostics, []);
      assert.deepEqual(r.violations, []);
      assert.deepEqual(r.exceptions.map((e) => `${e.name} line ${e.line}`), allowed);
      assert.deepEqual(r.failed, []);
      assert.ok(r.runner.expects.length > 0, 'a scenario test needs expects');
    });
  }
});
