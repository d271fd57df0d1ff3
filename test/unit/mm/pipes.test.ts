/**
 * issue 11 F: the FOLL_GET callers vmsplice (pipe buffers hold page references until read) and
 * /proc/PID/mem (one reference per page, dropped after the copy): nothing counted as pinned
 * (gup §1, §4). Runs test/scenarios/gup-callers/*.vlab and checks the call frames.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseScenario } from '../../../model/scenario/parser';
import { Runner } from '../../../model/scenario/runner';

const DIR = path.resolve(__dirname, '../../../../test/scenarios/gup-callers');

describe('FOLL_GET callers: vmsplice and /proc/PID/mem (issue 11)', () => {
  for (const f of fs.readdirSync(DIR).filter((x) => x.endsWith('.vlab'))) {
    it(f, () => {
      const { scenario, diagnostics } = parseScenario(fs.readFileSync(path.join(DIR, f), 'utf8'), f);
      assert.deepEqual(diagnostics, []);
      const r = new Runner(scenario);
      r.runToEnd();
      assert.deepEqual(r.exceptions, []);
      assert.deepEqual(r.expects.filter((e) => !e.ok), []);
      assert.ok(r.expects.length >= 10);
    });
  }

  it('vmsplice uses get_user_pages_fast without FOLL_WRITE; /proc/PID/mem get_user_pages_remote with FOLL_FORCE', () => {
    const { scenario } = parseScenario('process p pid 1\nvma p 0x10000 size 16K anon rw\nvmsplice p 0x10000 0x1000 -> q\nproc_mem_write p 0x10000 8\n', 'f.vlab');
    const r = new Runner(scenario);
    r.runToEnd();
    const grabs = r.m.history.filter((h) => h.event.kind === 'page.grab').map((h) => [h.frames.map((f) => f.name).join(' > '), h.event.kind === 'page.grab' ? h.event.foll : '']);
    assert.ok(grabs.length >= 2);
    assert.ok(grabs.every(([, foll]) => foll === 'FOLL_GET'));
    assert.match(grabs[0][0], /get_user_pages_fast > iov_iter_get_pages2 > vmsplice_to_pipe > vmsplice/);
    assert.match(grabs[grabs.length - 1][0], /get_user_pages_remote > access_remote_vm > mem_write/);
    assert.equal(r.mm.pinsHeld(), 0);
  });
});
