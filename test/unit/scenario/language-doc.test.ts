/**
 * docs/language.md is executable: every ```vlab block must parse without diagnostics and run
 * with all its expects passing (issue: "a test checks that every example parses and runs").
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseScenario } from '../../../model/scenario/parser';
import { formatDiagnostic } from '../../../model/scenario/diagnostics';
import { Runner } from '../../../model/scenario/runner';
import { STATEMENTS } from '../../../model/scenario/statements';
import { readerIncludeResolver } from '../../../model/scenario/statements/include';

const DOC = path.resolve(__dirname, '../../../../docs/language.md');
const text = fs.readFileSync(DOC, 'utf8');
const blocks = [...text.matchAll(/```vlab\n([\s\S]*?)```/g)].map((m) => m[1]);

describe('docs/language.md examples', () => {
  it('has examples', () => assert.ok(blocks.length >= 6));
  blocks.forEach((block, i) => {
    it(`example ${i + 1} parses and runs with every expect passing`, () => {
      // `include` examples read files under docs/ (docs/examples/), as the CLI would.
      const resolve = readerIncludeResolver((p) => fs.readFileSync(p, 'utf8'));
      const { scenario, diagnostics } = parseScenario(block, DOC, { resolve });
      assert.deepEqual(diagnostics.map(formatDiagnostic), []);
      const r = new Runner(scenario);
      r.runToEnd();
      // program exceptions an example expects (`expect exception == …`) are fine
      assert.deepEqual(r.exceptions.filter((x) => !x.checked), []);
      assert.deepEqual(r.expects.filter((e) => !e.ok), []);
    });
  });
  it('documents every statement of the statement table', () => {
    for (const s of STATEMENTS) assert.ok(text.includes(s.name), `docs/language.md does not mention '${s.name}'`);
  });
});
