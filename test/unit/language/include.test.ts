/** `include "FILE"` in the parser: expansion, confinement, cycles, depth, and where diagnostics point. */
import * as assert from 'node:assert/strict';
import { parseScenario, MAX_INCLUDE_DEPTH } from '../../../model/scenario/parser';
import { formatDiagnostic } from '../../../model/scenario/diagnostics';
import { joinInclude, preloadIncludes, readerIncludeResolver, resolveIncludePath } from '../../../model/scenario/statements/include';

const files = (m: Record<string, string>) => readerIncludeResolver((p) => {
  if (!(p in m)) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
  return m[p];
});

describe('language: include', () => {
  it('expands the included statements in place, marking their file', () => {
    const resolve = files({ 'w/lib/dev.vlab': 'chpid 40\ndevice 0.0.1234 schid 0.0.0007 type echo chpids 40 enabled\ndata msg at 0x2000 ascii "X"' });
    const { scenario, diagnostics } = parseScenario('include "lib/dev.vlab"\nprogram p at 0x1000\n  WRITE count 1 data msg\nend', 'w/main.vlab', { resolve });
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(scenario.statements.map((s) => [s.k, s.line, s.file]), [
      ['chpid', 1, 'w/lib/dev.vlab'], ['device', 2, 'w/lib/dev.vlab'], ['data', 3, 'w/lib/dev.vlab'], ['program', 2, undefined],
    ]);
    assert.equal(scenario.symbols.get('msg'), 0x2000);
  });

  it('a name defined twice across files says where the first one is', () => {
    const resolve = files({ 'a.vlab': 'data d at 0x100 zero 1' });
    const d = parseScenario('include "a.vlab"\ndata d at 0x200 zero 1', 'main.vlab', { resolve }).diagnostics.map(formatDiagnostic);
    assert.deepEqual(d, ["main.vlab:2:6: error: 'd' is already defined on a.vlab:1"]);
  });

  it('allows .. inside the given root (the workspace folder) and refuses above it', () => {
    const resolve = files({ 'ws/common.vlab': 'tpi' });
    assert.deepEqual(parseScenario('include "../common.vlab"', 'ws/sub/main.vlab', { resolve, root: 'ws' }).diagnostics, []);
    const d = parseScenario('include "../../common.vlab"', 'ws/sub/main.vlab', { resolve, root: 'ws' }).diagnostics.map(formatDiagnostic);
    assert.deepEqual(d, ["ws/sub/main.vlab:1:9: error: include path '../../common.vlab' leaves the scenario folder 'ws'"]);
  });

  it('refuses absolute paths, drive letters and URIs', () => {
    for (const p of ['/etc/passwd', 'C:\\x.vlab', 'file:///x.vlab', '~/x.vlab']) {
      const r = resolveIncludePath('w/main.vlab', p, 'w');
      assert.ok('error' in r && /must be relative/.test(r.error), p);
    }
    assert.deepEqual(resolveIncludePath('w/main.vlab', '', 'w'), { error: 'expected a file name inside the quotes' });
  });

  it('joins paths and URIs the same way', () => {
    assert.equal(joinInclude('a/b/c.vlab', '../d/./e.vlab'), 'a/d/e.vlab');
    assert.equal(joinInclude('file:///w/x/a.vlab', '../b.vlab'), 'file:///w/b.vlab');
    assert.equal(joinInclude('C:\\w\\a.vlab', 'lib\\b.vlab'), 'C:/w/lib/b.vlab');
  });

  it('reports a self-include and long chains precisely', () => {
    const self = files({ 'm.vlab': 'include "m.vlab"' });
    assert.deepEqual(parseScenario('include "m.vlab"', 'm.vlab', { resolve: self }).diagnostics.map(formatDiagnostic), [
      'm.vlab:1:9: error: include cycle: m.vlab → m.vlab',
    ]);
    const chain: Record<string, string> = {};
    for (let i = 0; i < MAX_INCLUDE_DEPTH + 3; i++) chain[`f${i}.vlab`] = `include "f${i + 1}.vlab"`;
    chain[`f${MAX_INCLUDE_DEPTH + 3}.vlab`] = 'tpi';
    const d = parseScenario(chain['f0.vlab'], 'f0.vlab', { resolve: files(chain) }).diagnostics;
    // model/limits.ts maxIncludeDepth: the 17th nested include is refused, naming the limit
    assert.ok(d.some((x) => x.message === `includes nested ${MAX_INCLUDE_DEPTH + 2} deep exceeds limit maxIncludeDepth (${MAX_INCLUDE_DEPTH} levels); raise it with CLI --limit NAME=N; editor setting vfioLab.limits`), JSON.stringify(d.map((x) => x.message)));
  });

  it('preloads includes through an async reader for the adapter and the editor', async () => {
    const m: Record<string, string> = { 'w/main.vlab': 'include "a.vlab"', 'w/a.vlab': 'include "b/c.vlab"', 'w/b/c.vlab': 'tpi' };
    const read = (p: string) => (p in m ? Promise.resolve(m[p]) : Promise.reject(Object.assign(new Error('nope'), { code: 'ENOENT' })));
    const resolve = await preloadIncludes('w/main.vlab', m['w/main.vlab'], read);
    const { scenario, diagnostics } = parseScenario(m['w/main.vlab'], 'w/main.vlab', { resolve });
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(scenario.statements.map((s) => [s.k, s.file]), [['tpi', 'w/b/c.vlab']]);
    const missing = await preloadIncludes('w/x.vlab', 'include "gone.vlab"', read);
    assert.deepEqual(parseScenario('include "gone.vlab"', 'w/x.vlab', { resolve: missing }).diagnostics.map(formatDiagnostic), [
      "w/x.vlab:1:9: error: cannot include 'gone.vlab': no such file",
    ]);
  });
});
