/**
 * Era matrices (test/scenarios/gup/NAME@ERA.vlab): the same statements under 5.6, 5.7, 5.18, 6.3
 * and 6.18, each file with its era's expected values. Every file runs with the mm invariant
 * checker (model/linux/mm/invariants.ts) after every runner step: no diagnostics, no exceptions,
 * no failed expects, no violations.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseScenario } from '../../../model/scenario/parser';
import { formatDiagnostic } from '../../../model/scenario/diagnostics';
import { Runner } from '../../../model/scenario/runner';
import { checkMmInvariants } from '../../../model/linux/mm/invariants';

const DIR = path.resolve(__dirname, '../../../../test/scenarios/gup');
const ERAS = ['5.6', '5.7', '5.18', '6.3', '6.18'];
const files = fs.existsSync(DIR) ? fs.readdirSync(DIR).filter((f) => f.endsWith('.vlab')).sort() : [];
const groups = new Map<string, string[]>();
for (const f of files) {
  const m = /^(.+)@(\d+\.\d+)\.vlab$/.exec(f);
  if (!m) continue;
  groups.set(m[1], [...(groups.get(m[1]) ?? []), m[2]]);
}

/** Run a scenario with the pin shadow on and the invariants checked after every step. */
export function runWithInvariants(text: string, file: string): { runner: Runner; violations: string[]; diagnostics: string[] } {
  const { scenario, diagnostics } = parseScenario(text, file);
  const runner = new Runner(scenario);
  runner.mm.counting.shadow.enabled = true;
  const violations: string[] = [];
  while (runner.step()) {
    for (const v of checkMmInvariants(runner.mm)) violations.push(`after line ${runner.statements[runner.state.pc - 1]?.line ?? '?'}: ${v}`);
    if (violations.length > 20) break;
  }
  return { runner, violations, diagnostics: diagnostics.map(formatDiagnostic) };
}

/** The statements of a file without its kernel line, expects and comments ("the same scenario"). */
const body = (text: string) => text.split('\n').map((l) => l.replace(/#.*/, '').trim()).filter((l) => l && !/^(kernel|expect)\b/.test(l));

describe('gup era matrices (test/scenarios/gup, invariants after every step)', () => {
  it('has era matrices', () => assert.ok(groups.size >= 4, `only ${groups.size}`));
  for (const [name, eras] of groups) {
    describe(name, () => {
      it('exists for every era with the same statements', () => {
        assert.deepEqual([...eras].sort(), [...ERAS].sort());
        const bodies = eras.map((e) => body(fs.readFileSync(path.join(DIR, `${name}@${e}.vlab`), 'utf8')).join('\n'));
        for (const b of bodies) assert.equal(b, bodies[0]);
      });
      for (const era of eras) {
        it(`kernel ${era}`, () => {
          const f = `${name}@${era}.vlab`;
          const text = fs.readFileSync(path.join(DIR, f), 'utf8');
          const r = runWithInvariants(text, f);
          assert.deepEqual(r.diagnostics, []);
          assert.deepEqual(r.runner.m.history.filter((h) => h.event.kind === 'exception').map((h) => JSON.stringify(h.event)), []);
          assert.deepEqual(r.runner.expects.filter((e) => !e.ok), []);
          assert.deepEqual(r.violations, []);
          assert.ok(r.runner.expects.length >= 5);
        });
      }
    });
  }

  it('examples/gup-*.vlab pass with the invariants checked after every step', () => {
    const ex = path.resolve(__dirname, '../../../../examples');
    const names = fs.readdirSync(ex).filter((f) => /^gup-.*\.vlab$/.test(f));
    assert.ok(names.length >= 4, names.join(', '));
    for (const f of names) {
      const r = runWithInvariants(fs.readFileSync(path.join(ex, f), 'utf8'), f);
      assert.deepEqual(r.diagnostics, [], f);
      assert.deepEqual(r.runner.expects.filter((e) => !e.ok), [], f);
      assert.deepEqual(r.violations, [], f);
    }
  });

  it('bad input never crashes: unknown flags and APIs are diagnostics, releasing unbound names is a scenario error', () => {
    const { diagnostics } = parseScenario('process p pid 1\nvma p 0x10000 size 4K anon rw\npin_user_pages p 0x10000 1 FOLL_WRTIE\npin_user_page p 0x10000 1 0\n', 'bad.vlab');
    assert.match(diagnostics.map(formatDiagnostic).join('\n'), /FOLL_WRTIE.*FOLL_WRITE/);
    assert.equal(diagnostics.length, 2);
    const r = runWithInvariants('kernel 5.7\nprocess p pid 1\nvma p 0x10001 size 4K anon rw\nunpin_user_pages nothing\nfolio_add_pin nothing\nvfio_pin_pages 0x1000 1 IOMMU_READ\nexpect ret == -EINVAL\n', 'bad2.vlab');
    const ex = r.runner.m.history.filter((h) => h.event.kind === 'exception').map((h) => (h.event.kind === 'exception' ? h.event.detail : ''));
    assert.equal(ex.length, 3);
    assert.match(ex[0], /not page-aligned/);
    assert.match(ex[1], /no pages are bound to 'nothing'/);
    assert.deepEqual(r.runner.expects.filter((e) => !e.ok), []);
    assert.deepEqual(r.violations, []);
  });
});
