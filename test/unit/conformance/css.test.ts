/**
 * css conformance: every test/scenarios/conformance/css/*.vlab restates facts of the reference
 * (/work/shared/reference/css-vfio-ccw.md §1–§5) as `expect` lines, one file per section. Each
 * runs with the css invariant checker after every model step (test/unit/css/checked.ts): no
 * diagnostics, no invariant violations, no failed expect, and every program exception must be
 * checked by an `expect exception == "…"` line right after it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runChecked } from '../css/checked';

const DIR = path.resolve(__dirname, '../../../../test/scenarios/conformance/css');
const files = fs.existsSync(DIR) ? fs.readdirSync(DIR).filter((f) => f.endsWith('.vlab')).sort() : [];

describe('css conformance (test/scenarios/conformance/css, reference §1–§5)', () => {
  it('has one scenario file per section', () => assert.ok(files.length >= 6, `only ${files.length} files`));
  for (const f of files) {
    it(f, () => {
      const text = fs.readFileSync(path.join(DIR, f), 'utf8');
      const r = runChecked(text, f);
      assert.deepEqual(r.diagnostics, []);
      assert.deepEqual(r.violations, []);
      const unchecked = r.runner.exceptions.filter((e) => !e.checked).map((e) => `line ${e.line}: ${e.message}`);
      assert.deepEqual(unchecked, [], 'every exception needs an `expect exception == "…"` right after it');
      assert.deepEqual(r.failed.map((x) => `line ${x.line}: ${x.expr} → ${x.actual} (expected ${x.expected})`), []);
      assert.ok(r.runner.expects.length > 0, 'a conformance scenario needs expects');
      assert.ok(r.runner.state.done, 'the scenario ran to its end');
    });
  }
});
