/**
 * Every kernel / QEMU function the model puts in a call stack can be a function breakpoint
 * (issue 9: "function breakpoints … on kernel/QEMU function names (… vfio_ccw_sch_io_todo,
 * cp_prefetch, css_do_ssch, …), completed from the list the model knows"). The table in
 * functionNames.ts verifies names at set time, before any history exists, so a frame name
 * missing from it is a breakpoint the user cannot set. This runs every example and test
 * scenario and checks each function frame it produces is in the table.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseScenario } from '../../../model/scenario/parser';
import { Runner } from '../../../model/scenario/runner';
import { FUNCTION_NAMES } from '../../../debug-adapter/functionNames';

const ROOT = path.resolve(__dirname, '../../../..');

function scenarios(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) scenarios(p, out);
    else if (p.endsWith('.vlab')) out.push(p);
  }
  return out;
}

describe('debug-adapter: function breakpoint names cover every frame the model emits', function () {
  this.timeout(120000);

  it('each function frame of every example and test scenario is in functionNames.ts', () => {
    const known = new Set(FUNCTION_NAMES);
    const missing = new Map<string, string>();
    let ran = 0;
    const files = [...scenarios(path.join(ROOT, 'examples')), ...scenarios(path.join(ROOT, 'test/scenarios'))];
    for (const file of files) {
      const { scenario, diagnostics } = parseScenario(fs.readFileSync(file, 'utf8'), file, {
        resolve: (from, rel) => {
          const p = path.resolve(path.dirname(from), rel);
          return fs.existsSync(p) ? { file: p, text: fs.readFileSync(p, 'utf8') } : { error: `no file ${rel}` };
        },
      });
      if (diagnostics.some((d) => d.severity === 'error')) continue; // scenarios about diagnostics
      const r = new Runner(scenario);
      for (let n = 0; n < 1_000_000 && r.step(); n++);
      ran++;
      for (const h of r.m.history) {
        for (const f of h.frames) {
          // function frames: no scenario line, a C identifier (statement and CCW frames carry lines)
          if (f.line === undefined && /^[a-z_][a-z0-9_]*$/.test(f.name) && !known.has(f.name)) missing.set(f.name, path.relative(ROOT, file));
        }
      }
    }
    assert.ok(ran > 100, `only ${ran} scenarios ran`);
    assert.deepEqual([...missing].map(([n, f]) => `${n} (${f})`), []);
  });
});
