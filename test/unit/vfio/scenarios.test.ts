/**
 * End-to-end scenario tests across all layers (guest → QEMU → vfio-ccw → host cio → machine →
 * mm): every test/scenarios/vfio/*.vlab and every examples/vfio-*.vlab runs with zero failed
 * expects and no exception, and the cross-layer invariants hold after every step.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { exceptions, failures, run } from './helpers';

const ROOT = process.env.VLAB_ROOT ?? path.resolve(__dirname, '../../../..');
const dirs = [path.join(ROOT, 'test/scenarios/vfio'), path.join(ROOT, 'examples')];
const files = dirs.flatMap((d) => fs.readdirSync(d).filter((f) => f.endsWith('.vlab') && (d.endsWith('vfio') || f.startsWith('vfio-'))).map((f) => path.join(d, f)));

describe('vfio scenarios end to end (with the invariant checker after every step)', () => {
  it('has scenarios', () => assert.ok(files.length >= 10, `only ${files.length} scenario files`));
  for (const f of files) {
    it(path.relative(ROOT, f), () => {
      const { r } = run(fs.readFileSync(f, 'utf8'), { invariants: true });
      // program exceptions are fine only when the next line expects them (`expect exception == …`)
      assert.deepEqual(r.exceptions.filter((e) => !e.checked).map((e) => `line ${e.line}: ${e.message}`), []);
      assert.ok(exceptions(r).length === r.exceptions.length);
      assert.deepEqual(failures(r), []);
      assert.ok(r.expects.length > 0, 'a scenario test needs expects');
    });
  }
});
