/**
 * issue 11: `check` catches everything knowable before running — statements and expressions not
 * available in the scenario's topology, GUP wrappers / FOLL flags / helpers that do not exist in
 * its kernel version, vfio-ccw regions before 5.8 — each with line:column.
 */
import * as assert from 'node:assert/strict';
import { parseScenario } from '../../../model/scenario/parser';
import { formatDiagnostic } from '../../../model/scenario/diagnostics';
import { runCli } from '../../../model/scenario/cli';

const diags = (text: string) => parseScenario(text, 's.vlab').diagnostics.map(formatDiagnostic);

describe('static checks (issue 11)', () => {
  it('a GUP wrapper absent in the kernel version (gup §2.1)', () => {
    assert.deepEqual(diags('kernel 5.7\nprocess p pid 1\nvma p 0x10000 size 16K anon rw\npin_user_pages_fast_only p 0x10000 1 FOLL_WRITE\n'), [
      's.vlab:4:1: error: pin_user_pages_fast_only does not exist in Linux 5.7 (5.8–6.2; gup §2.1)',
    ]);
    assert.deepEqual(diags('kernel 6.3\nprocess p pid 1\nvma p 0x10000 size 16K anon rw\npin_user_pages_fast_only p 0x10000 1 FOLL_WRITE\n'), [
      's.vlab:4:1: error: pin_user_pages_fast_only does not exist in Linux 6.3 (5.8–6.2; gup §2.1)',
    ]);
    assert.deepEqual(diags('kernel 5.8\nprocess p pid 1\nvma p 0x10000 size 16K anon rw\npin_user_pages_fast_only p 0x10000 1 FOLL_WRITE\n'), []);
  });

  it('a FOLL flag absent in the kernel version, at the flag (gup §2.2)', () => {
    assert.deepEqual(diags('kernel 5.8\nprocess p pid 1\nvma p 0x10000 size 16K anon rw\nget_user_pages p 0x10000 1 FOLL_WRITE|FOLL_NOFAULT\n'), [
      's.vlab:4:39: error: FOLL_NOFAULT does not exist in Linux 5.8 (added in 5.16; gup §2.2)',
    ]);
  });

  it('release APIs and mm helpers newer than the kernel (gup §1, §2.1)', () => {
    assert.deepEqual(diags('kernel 6.5\nprocess p pid 1\nvma p 0x10000 size 16K anon rw\npin_user_pages p 0x10000 1 FOLL_WRITE -> a\nunpin_folios a\nfolio_add_pins a 2\n'), [
      's.vlab:5:1: error: unpin_folios does not exist in Linux 6.5 (6.11+; gup §2.1)',
      's.vlab:6:1: error: folio_add_pins does not exist in Linux 6.5 (≈6.11+; gup §1)',
    ]);
  });

  it('statements the vfio topology cannot run (css §10.2)', () => {
    assert.deepEqual(diags('topology vfio\nchpid 40\nsal 0\nrchp 0x40\nchsc sei at 0x4000\n'), [
      "s.vlab:3:1: error: 'sal' acts on the machine's channel subsystem: it needs 'topology native' (QEMU does not forward it, css §10.2)",
      "s.vlab:4:1: error: 'rchp' acts on the machine's channel subsystem: it needs 'topology native' (css §10.2)",
      "s.vlab:5:10: error: 'chsc … at ADDR' runs CHSC on the machine's request block: it needs 'topology native' (css §5.6, §10.2)",
    ]);
  });

  it('the guest operands that work in both topologies are not diagnosed (issue 11: stcrw/tpi/msch at ADDR in vfio)', () => {
    assert.deepEqual(diags('topology vfio\nchpid 40\ndevice 0.0.1234 schid 0.0.0007 type echo chpids 40 enabled\nstcrw at 0x2000\ntpi at 0\nmsch 0.0.0007 at 0x3000\ntsch 0.0.0007 at 0x3100\nssch sid 0x10007 at 0x3200 cpa=0x1000\n'), []);
  });

  it('a region that does not exist before 5.8: a warning at the region name (css §0, §8.1)', () => {
    assert.deepEqual(diags('kernel 5.7\ntopology vfio\nchpid 40\ndevice 0.0.1234 schid 0.0.0007 type echo chpids 40 enabled\nregion read 0.0.0007 crw\nregion read 0.0.0007 io\n'), [
      's.vlab:5:22: warning: the crw region does not exist before Linux 5.8 (css §0, §8.1): in Linux 5.7 the pread returns -EINVAL',
    ]);
  });

  it('vfio-lab check exits 2 before running anything', () => {
    const files: Record<string, string> = { 'bad.vlab': 'chpid 40\nchchp -c 0 40\n' };
    const res = runCli(['check', 'bad.vlab'], (p) => files[p]);
    assert.equal(res.code, 2);
    assert.match(res.stdout + res.stderr, /bad\.vlab:2:1: error: 'chchp' needs 'topology vfio'/);
  });
});
