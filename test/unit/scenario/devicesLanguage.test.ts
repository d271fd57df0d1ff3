/**
 * issue 11 "Devices": the scenario language for the virtio-ccw device types and `machine remove
 * device` — parsing, one-line diagnostics with line:column for bad input, `check`'s topology
 * diagnostics for the new expressions, and the expressions' errors at run time.
 */
import * as assert from 'node:assert/strict';
import { parseScenario } from '../../../model/scenario/parser';
import { formatDiagnostic } from '../../../model/scenario/diagnostics';
import { Runner } from '../../../model/scenario/runner';

const diags = (text: string) => parseScenario(text, 'd.vlab').diagnostics.map(formatDiagnostic);

function run(text: string): Runner {
  const { scenario, diagnostics } = parseScenario(text, 'd.vlab');
  assert.deepEqual(diagnostics.map(formatDiagnostic), []);
  const r = new Runner(scenario);
  r.runToEnd();
  return r;
}

describe('scenario language: virtio-ccw devices and machine remove device (issue 11)', () => {
  it('parses the four virtio device types and the removal statement', () => {
    const { scenario, diagnostics } = parseScenario(
      ['chpid 00', 'device 0.0.0001 schid 0.0.0000 type virtio-net chpids 00', 'devices 0.0.0002-0.0.0003 schid 0.0.0001 type virtio-balloon chpids 00', 'machine remove device 0.0.0001'].join('\n'), 'd.vlab');
    assert.deepEqual(diagnostics, []);
    const kinds = scenario.statements.map((s) => (s.k === 'device' || s.k === 'devices' ? `${s.k}:${s.type}` : s.k === 'machine-remove' ? `remove:${s.devno}` : s.k));
    assert.deepEqual(kinds, ['chpid', 'device:virtio-net', 'devices:virtio-balloon', 'remove:1']);
  });

  it('bad input: one line each, at the offending token, with a suggestion', () => {
    assert.deepEqual(diags(['chpid 00', 'device 0.0.0001 schid 0.0.0000 type virtio-nte chpids 00', 'device 0.0.0002 schid 0.0.0001 type virtio chpids 00', 'device 0.0.0003 schid 0.0.0002 type virtual chpids 00'].join('\n')), [
      "d.vlab:2:44: error: unknown virtio device type: expected virtio-net, virtio-blk, virtio-rng or virtio-balloon, found 'nte'",
      "d.vlab:3:44: error: expected '-', found 'chpids'",
      "d.vlab:4:37: error: unknown device type 'virtual'",
    ]);
    assert.deepEqual(diags(['machine remove 0.0.0001', 'machine remove device', 'machine remove device 0.0.0001 now', 'machine removes device 0.0.0001'].join('\n')), [
      "d.vlab:1:16: error: expected 'device', found '0.0.0001'",
      'd.vlab:2:22: error: expected a device number such as 0.0.1234',
      "d.vlab:3:32: error: expected end of line, found 'now'",
      "d.vlab:4:9: error: unknown machine event 'removes': expected chpid, path-failure, path-repair, not-oper, oper, start-not-oper, start-oper, dnv, remove, unsolicited, crw or sei",
    ]);
  });

  it('check: cio.* needs the vfio topology; device() and virtio() work in both', () => {
    assert.deepEqual(diags(['chpid 00', 'device 0.0.0001 schid 0.0.0000 type virtio-rng chpids 00', 'expect cio.subchannels == 0', 'expect cio(0.0.0000).registered == 0', 'expect virtio(0.0.0000).revision == -1', 'expect device(0.0.0000).cu_model == 4'].join('\n')), [
      "d.vlab:3:8: error: 'cio' reads vfio-topology state: it needs 'topology vfio' (css §7–§10)",
      "d.vlab:4:8: error: 'cio' reads vfio-topology state: it needs 'topology vfio' (css §7–§10)",
    ]);
    assert.deepEqual(diags(['topology vfio', 'chpid 40', 'device 0.0.1234 schid 0.0.0007 type virtio-net chpids 40', 'expect virtio(0.0.0007).revision == -1', 'expect cio(0.0.0007).driver == "vfio_ccw"', 'machine remove device 0.0.1234'].join('\n')), []);
  });

  it('run-time errors: removing an unknown device, reading a removed or non-virtio device', () => {
    const r = run(['chpid 00', 'device 0.0.0001 schid 0.0.0000 type echo chpids 00', 'device 0.0.0002 schid 0.0.0001 type virtio-blk chpids 00',
      'machine remove device 0.0.0009', 'expect virtio(0.0.0000).revision == 0', 'expect virtio(0.0.0001).vq[1].num == 0', 'expect virtio(0.0.0001).vq[0].size == 0',
      'machine remove device 0.0.0002', 'expect device(0.0.0001).type == "virtio-blk"', 'expect virtio(0.0.0001).queues == 1'].join('\n'));
    assert.deepEqual(r.exceptions.map((e) => `${e.line}: ${e.message}`), [
      "4: scenario error: device number 0x0009 is not defined (define it with 'device 0.0.0009 …')",
    ]);
    assert.deepEqual(r.expects.map((e) => e.actual), [
      'error: 0.0.0000 is not a virtio-ccw device (type echo)',
      'error: virtio(0.0.0001).vq[1]: the device has 1 virtqueues',
      "error: unknown virtio(SID).vq[0] field 'size': expected num, num_max, desc",
      'error: no device on subchannel 0.0.0001 (never defined, or removed)',
      'error: 0.0.0001 is not a virtio-ccw device',
    ]);
  });
});
