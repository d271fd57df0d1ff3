/**
 * Scenario statements for CPU state and storage keys (css §11): `cpu`, `sske`, `iske`,
 * `ssch … orb words`, the expressions `pic`, `psw.*`, `cr0`, `skey`, `storage_key(ADDR)`; parser
 * diagnostics with line:column, and problem state on every privileged statement in both topologies.
 */
import * as assert from 'node:assert/strict';
import { parseScenario } from '../../../model/scenario/parser';
import { Runner } from '../../../model/scenario/runner';
import { diags, run } from './scenarioRun';

const failed = (r: Runner) => r.expects.filter((e) => !e.ok).map((e) => `line ${e.line}: ${e.expr} → ${e.actual}`);

const SETUP = [
  'chpid 40',
  'device 0.0.1234 schid 0.0.0007 type echo chpids 40 isc 3 enabled',
  'program p at 0x1000',
  '  NOP',
  'end',
];

describe('scenario: CPU state and storage keys (css §11)', () => {
  it('parses cpu, sske, iske and raw ORB words', () => {
    const { scenario, diagnostics } = parseScenario(['cpu problem-state on key 3 cr0 0x10000000', 'sske 0x3000 key 5 fetch change', 'iske 0x3000', 'ssch 0.0.0007 at 0x200 orb words 1 0x0080ff00 0x1000'].join('\n'), 'f.vlab');
    assert.deepEqual(diagnostics, []);
    const [cpu, sske, iske, ssch] = scenario.statements;
    assert.deepEqual(cpu.k === 'cpu' && { p: cpu.problemState, key: cpu.key, cr0: cpu.cr0 }, { p: true, key: 3, cr0: 0x10000000n });
    assert.deepEqual(sske.k === 'sske' && { addr: sske.addr, key: sske.key }, { addr: 0x3000, key: 0x5a }); // css §11.1 ACC 5, F, C
    assert.deepEqual(iske.k === 'iske' && iske.addr, 0x3000);
    assert.deepEqual(ssch.k === 'ssch' && { at: ssch.at, words: ssch.orbWords }, { at: 0x200, words: [1, 0x0080ff00, 0x1000] });
  });

  it('bad input: one clear diagnostic per line with line:column', () => {
    assert.deepEqual(diags(['cpu', 'cpu key 16', 'cpu problem-state maybe', 'cpu key 1 key 2', 'cpu cr0 0x1ffffffffffffffff', 'cpu supervisor', 'sske 0x1000', 'sske 0x1000 key 3 fetch fetch', 'sske 0x1000 key 3 dirty', 'iske', 'ssch 0.0.0007 orb words 1 2', 'ssch 0.0.0007 orb words 1 2 3 4 5 6 7 8 9', 'ssch 0.0.0007 orb words 1 0x100000000 3', 'ssch 0.0.0007 orb 1 2 3'].join('\n')), [
      'f.vlab:1:4: error: expected problem-state, key or cr0',
      "f.vlab:2:9: error: a storage or PSW key is 4 bits: 0-15 (css §11.1, §11.3), found '16'",
      "f.vlab:3:19: error: unknown problem-state setting (on or off) 'maybe'",
      "f.vlab:4:11: error: 'key' given twice, found 'key'",
      "f.vlab:5:9: error: CR0 is a 64-bit register (css §11.3), found '0x1ffffffffffffffff'",
      "f.vlab:6:5: error: expected problem-state, key or cr0, found 'supervisor'",
      "f.vlab:7:12: error: expected 'key'",
      "f.vlab:8:25: error: 'fetch' given twice, found 'fetch'",
      "f.vlab:9:19: error: unknown key bit (fetch, ref or change) 'dirty'",
      'f.vlab:10:5: error: expected a guest address',
      'f.vlab:11:28: error: an ORB is 3 words (12 bytes) or 8 words (32 bytes with ORBX), got 2 (css §2)',
      "f.vlab:12:41: error: an ORB is 3 words (12 bytes) or 8 words (32 bytes with ORBX) (css §2), found '9'",
      "f.vlab:13:27: error: each ORB word is 32 bits (css §2), found '0x100000000'",
      "f.vlab:14:19: error: expected 'words', found '1'",
    ]);
  });

  for (const topology of ['native', 'vfio']) {
    it(`css §11.5 ${topology}: every privileged statement in problem state → 0x02, cc no value, nothing changed`, () => {
      const native = topology === 'native';
      const instrs = [
        'ssch 0.0.0007 cpa=p', 'tsch 0.0.0007', 'stsch 0.0.0007', 'msch 0.0.0007 isc=5', 'hsch 0.0.0007', 'csch 0.0.0007',
        'xsch 0.0.0007', 'rsch 0.0.0007', 'tpi', 'stcrw', 'chsc ssd 7', 'sske 0x3000 key 3', 'iske 0x3000',
        ...(native ? ['sal 0x100000', 'stcps', 'rchp 40', 'schm on origin 0x8000'] : []),
      ];
      const lines = [`topology ${topology}`, ...SETUP, 'ssch 0.0.0007 cpa=p', 'wait interrupt', 'expect cc == 0', 'cpu problem-state on'];
      for (const i of instrs) lines.push(i, 'expect pic == 0x02', 'expect exception == "privileged-operation"');
      lines.push(
        'expect psw.problem_state == 1',
        'cpu problem-state off',
        'expect sch(0.0.0007).pmcw.isc == 3',      // css §11.5 MSCH did nothing
        'expect storage_key(0x3000) == 0',         // css §11.5 SSKE did nothing
        'tpi',
        'expect cc == 1',                          // css §11.5 TPI/TSCH cleared nothing: still pending
        'tsch 0.0.0007',
        'expect cc == 0',
      );
      const r = run(lines);
      assert.deepEqual(failed(r), []);
      assert.equal(r.exceptions.filter((e) => !e.checked).length, 0);
      assert.equal(r.exceptions.length, instrs.length);
      assert.ok(r.exceptions.every((e) => e.message.includes('in problem state')));
    });
  }

  it('css §11.5: a failed statement leaves cc without a value', () => {
    const r = run([...SETUP, 'stsch 0.0.0007', 'cpu problem-state on', 'stsch 0.0.0007', 'expect pic == 2', 'expect cc == 0']);
    assert.deepEqual(failed(r), ["line 10: cc == 0 → error: cc has no value: no instruction set it, or the last statement failed"]);
  });

  it('css §11.2 SSKE/ISKE: seven bits kept, ISKE bit 7 zero; beyond memory → addressing (0x05)', () => {
    const r = run([
      'memory 64K', 'sske 0x3000 key 15 fetch ref change', 'iske 0x3abc', 'expect skey == 0xfe', 'expect skey.acc == 15',
      'expect skey.fetch == 1', 'expect skey.ref == 1', 'expect skey.change == 1', 'sske 0x10000 key 1', 'expect pic == 0x05',
      'iske 0x10000', 'expect exception == "addressing"', 'expect storage_key(0x3000).acc == 15', 'expect psw.key == 0', 'cpu key 9 cr0 0x01000000',
      'expect psw.key == 9', 'expect cr0 == 0x01000000',
    ]);
    assert.deepEqual(failed(r), []);
  });

  it('css §11.1: ISKE turns on R/C recording; a CPU store passing the check sets R and C', () => {
    const r = run([...SETUP, 'iske 0x3000', 'expect skey == 0', 'stsch 0.0.0007 at 0x3000', 'expect storage_key(0x3000) == 0x06', 'msch 0.0.0007 at 0x3000', 'expect storage_key(0x3000).ref == 1']);
    assert.deepEqual(failed(r), []);
  });

  it('css §2 raw ORB words: reserved bits, B, MIDAW and CPA bit 0 → operand exception; a clean ORB starts', () => {
    const r = run([
      ...SETUP,
      'ssch 0.0.0007 orb words 0 0x0080ff02 0x1000', 'expect pic == 0x15',
      'ssch 0.0.0007 orb words 0 0x0084ff00 0x1000', 'expect pic == 0x15',
      'ssch 0.0.0007 orb words 0 0x0080ff40 0x1000', 'expect pic == 0x15',
      'ssch 0.0.0007 orb words 0 0x00c0ff00 0x80001000', 'expect pic == 0x15',
      'ssch 0.0.0007 at 0x200 orb words 0xcafe 0x50c0ff00 0x1000', 'expect cc == 0', 'expect pic == 0',
      'expect mem(0x200, 4) == hex "00 00 ca fe"',
      'expect sch(0.0.0007).scsw.key == 5', 'wait interrupt', 'tsch 0.0.0007', 'expect irb.scsw.cstat == 0',
    ]);
    assert.deepEqual(failed(r), []);
    assert.equal(r.exceptions.filter((e) => !e.checked).length, 0);
  });

  it('css §11.6: the ORB fetch of SSCH at ADDR is checked with the PSW key (F = 1, another key → 0x04)', () => {
    const r = run([...SETUP, 'sske 0x3000 key 3 fetch', 'cpu key 4', 'ssch 0.0.0007 at 0x3000 cpa=p', 'expect pic == 0x04', 'expect sch(0.0.0007).scsw.fctl == 0', 'sske 0x3000 key 3', 'ssch 0.0.0007 at 0x3000 cpa=p', 'expect cc == 0']);
    assert.deepEqual(failed(r), []);
  });

  for (const [kernel, cstat, key] of [['6.2', 0, 0], ['6.3', 0x10, 5]] as const) {
    it(`css §11.7 vfio ${kernel}: guest ORB key ${kernel === '6.2' ? 'forced to 0' : 'passed to the host'}: data protection ${cstat ? 'checked' : 'never'}`, () => {
      const r = run([
        `kernel ${kernel}`, 'topology vfio', 'chpid 40', 'device 0.0.1234 schid 0.0.0007 type echo chpids 40 isc 3 enabled',
        'data msg at 0x2000 ascii "HELLO"', 'program w at 0x1100', '  WRITE count 5 data msg', 'end', 'program r at 0x1000', '  READ count 5 data 0x3000', 'end',
        'ssch 0.0.0007 cpa=w', 'wait interrupt', 'tsch 0.0.0007',
        'sske 0x3000 key 3', 'sske 0x1000 key 3 fetch', 'ssch 0.0.0007 cpa=r key=5', 'wait interrupt', 'tsch 0.0.0007',
        `expect irb.scsw.cstat == ${cstat}`, `expect irb.scsw.key == ${key}`,
      ]);
      assert.deepEqual(failed(r), []);
    });
  }
});
