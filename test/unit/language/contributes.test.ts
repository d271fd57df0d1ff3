/**
 * The editor contributions agree with the language: the snippets are complete scenarios that
 * parse and run with every expect passing (placeholders at their defaults), and package.json
 * declares the grammar, snippets and commands the extension registers.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseScenario } from '../../../model/scenario/parser';
import { formatDiagnostic } from '../../../model/scenario/diagnostics';
import { runScenarioTest } from '../../../model/scenario/language';
import { ROOT } from './corpus';

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  contributes: { snippets: Array<{ language: string; path: string }>; grammars: Array<{ language: string; path: string }>; commands: Array<{ command: string }> };
};

/** `${1:40}` → 40, `$0` → nothing: the text a user gets by accepting every default. */
function expand(body: string[]): string {
  return body.join('\n').replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\d+/g, '');
}

describe('language: editor contributions', () => {
  const snippetsEntry = pkg.contributes.snippets?.find((s) => s.language === 'vlab');

  it('package.json declares the vlab snippets and grammar, and the files exist', () => {
    assert.ok(snippetsEntry, 'contributes.snippets for vlab');
    assert.ok(fs.existsSync(path.join(ROOT, snippetsEntry.path)));
    const g = pkg.contributes.grammars.find((x) => x.language === 'vlab');
    assert.ok(g && fs.existsSync(path.join(ROOT, g.path)));
    const ignore = fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8');
    assert.match(ignore, /^!snippets\/\*\*$/m, 'the VSIX ships the snippets');
  });

  it('declares the commands the CodeLens uses', () => {
    const ids = pkg.contributes.commands.map((c) => c.command);
    for (const c of ['vfioLab.runScenario', 'vfioLab.debugScenario']) assert.ok(ids.includes(c), c);
  });

  const snippets = JSON.parse(fs.readFileSync(path.join(ROOT, 'snippets/vlab.json'), 'utf8')) as Record<string, { prefix: string[]; body: string[]; description: string }>;
  it('has the device/program, pinning and vfio setups', () => {
    const prefixes = Object.values(snippets).flatMap((s) => s.prefix);
    for (const p of ['ssch-setup', 'pin-setup', 'vfio-setup']) assert.ok(prefixes.includes(p), p);
  });
  for (const [name, s] of Object.entries(snippets)) {
    it(`snippet "${name}" parses and runs with its expects passing`, () => {
      const { scenario, diagnostics } = parseScenario(expand(s.body), `${name}.vlab`);
      assert.deepEqual(diagnostics.map(formatDiagnostic), []);
      const r = runScenarioTest(scenario);
      assert.deepEqual(r.exceptions, []);
      assert.deepEqual(r.expects.filter((e) => !e.result?.ok).map((e) => `${e.stmt.text}: ${JSON.stringify(e.result)}`), []);
    });
  }
});
