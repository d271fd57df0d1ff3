/**
 * The views' contributions in package.json (issue 10): each view registered in the VFIO Lab
 * container and, for `vfioLab.views.location: debug`, in Run and Debug, with exclusive `when`
 * clauses; every command the view modules register is declared; welcome texts without raw
 * backticks or repeated buttons; the walkthrough's media and sample scenarios exist.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VIEW_KINDS, VIEW_IDS, debugViewId } from '../../../extension/views/viewKinds';

const ROOT = path.resolve(__dirname, '../../../..');
interface View { id: string; name: string; when?: string }
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  contributes: {
    views: Record<string, View[]>;
    viewsWelcome: Array<{ view: string; contents: string }>;
    commands: Array<{ command: string }>;
    menus: Record<string, Array<{ command: string; when?: string }>>;
    configuration: { properties: Record<string, { default?: unknown; enum?: unknown[] }> };
    walkthroughs: Array<{ id: string; steps: Array<{ id: string; description: string; media: { markdown?: string } }> }>;
  };
};
const c = pkg.contributes;

/** Command ids registered by a source file (`'vfioLab.…'` string literals). */
function commandIdsIn(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(/'(vfioLab\.[A-Za-z.]+)'/g)].map((m) => m[1]!).filter((id) => !/^vfioLab\.(debug\.)?(subchannels|channelPaths|crwQueues|pages)$/.test(id))
    // the status bar item's id, not a command
    .filter((id) => id !== 'vfioLab.status');
}

describe('extension: view contributions (package.json)', () => {
  it('registers every view twice, in VFIO Lab and in Run and Debug, shown by vfioLab.views.location', () => {
    for (const kind of VIEW_KINDS) {
      const main = c.views['vfioLab']!.find((v) => v.id === VIEW_IDS[kind]);
      const twin = c.views['debug']!.find((v) => v.id === debugViewId(kind));
      assert.equal(main?.when, 'config.vfioLab.views.location != debug', kind);
      assert.equal(twin?.when, 'config.vfioLab.views.location == debug', kind);
    }
    assert.deepEqual(c.configuration.properties['vfioLab.views.location']?.enum, ['vfioLab', 'debug']);
    assert.equal(c.configuration.properties['vfioLab.views.location']?.default, 'vfioLab');
  });

  it('declares every command the view modules register', () => {
    const declared = new Set(c.commands.map((x) => x.command));
    for (const file of ['extension/views/rowActions.ts', 'extension/views/viewCommands.ts', 'extension/views/walkthrough.ts', 'extension/statusBar.ts', 'extension/views/nodes/moreNode.ts']) {
      const ids = commandIdsIn(file);
      assert.ok(ids.length > 0, file);
      for (const id of ids) assert.ok(declared.has(id), `${id} (${file}) is not in contributes.commands`);
    }
  });

  it('welcome texts: no raw backticks, the Debug Scenario button only once per container', () => {
    for (const w of c.viewsWelcome) assert.doesNotMatch(w.contents, /`/, w.view);
    for (const container of ['vfioLab', 'debug']) {
      const ids = new Set(c.views[container]!.map((v) => v.id));
      const buttons = c.viewsWelcome.filter((w) => ids.has(w.view) && w.contents.includes('(command:vfioLab.debugScenario)'));
      assert.equal(buttons.length, 1, container);
    }
  });

  it('the walkthrough opens the samples and steps through a path-handling and a pinning scenario', () => {
    const w = c.walkthroughs.find((x) => x.id === 'vfioLab.gettingStarted');
    assert.ok(w);
    assert.deepEqual(w.steps.map((s) => s.id), ['openSamples', 'pathHandling', 'pinning', 'views']);
    for (const s of w.steps) assert.ok(s.media.markdown && fs.existsSync(path.join(ROOT, s.media.markdown)), s.id);
    for (const name of ['vfio-chchp-configure.vlab', 'gup-pinning.vlab']) {
      assert.ok(w.steps.some((s) => s.description.includes(encodeURIComponent(`["${name}"]`))), name);
      assert.ok(fs.existsSync(path.join(ROOT, 'examples', name)), name);
    }
  });

  it('row actions appear only on rows that allow them (contextValue words)', () => {
    const ctx = c.menus['view/item/context']!;
    const when = (id: string) => ctx.filter((m) => m.command === id).map((m) => m.when ?? '');
    assert.ok(when('vfioLab.addDataBreakpoint').every((w) => /\\bbp\\b/.test(w)));
    assert.ok(when('vfioLab.revealLastChange').every((w) => /\\bslot\\b/.test(w)));
    assert.ok(when('vfioLab.openMemory').every((w) => /\\bmem\\b/.test(w)));
    assert.ok(when('vfioLab.editField').every((w) => w.includes('field\\.rw')));
    assert.ok(when('vfioLab.channelPaths.varyOff').every((w) => w.includes('chpid\\.vfio')), 'vary needs host cio');
  });
});
