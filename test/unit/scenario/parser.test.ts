import * as assert from 'node:assert/strict';
import { parseScenario } from '../../../model/scenario/parser';
import { formatDiagnostic } from '../../../model/scenario/diagnostics';

const diags = (text: string) => parseScenario(text, 'f.vlab').diagnostics.map(formatDiagnostic);

describe('scenario: parser', () => {
  it('parses setup, a program block with labels and TIC, and instructions', () => {
    const { scenario, diagnostics } = parseScenario(
      [
        'kernel 5.8',
        'topology native',
        'memory 64K',
        'chpid 40',
        'device 0.0.1234 schid 0.0.0007 type echo chpids 40,41 isc 5 enabled',
        'data msg at 0x2000 ascii "HI"',
        'program p at 0x1000',
        '  top: WRITE CC|SLI count 2 data msg',
        '  TIC top',
        'end',
        'ssch 0.0.0007 cpa=p lpm=0x80',
      ].join('\n'),
      'f.vlab',
    );
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(scenario.kernel, { major: 5, minor: 8 });
    assert.equal(scenario.memorySize, 65536);
    const dev = scenario.statements.find((s) => s.k === 'device');
    assert.deepEqual(dev && dev.k === 'device' && { sch: dev.sch, devno: dev.devno, chpids: dev.chpids, isc: dev.isc }, { sch: 7, devno: 0x1234, chpids: [0x40, 0x41], isc: 5 });
    const prog = scenario.statements.find((s) => s.k === 'program');
    assert.ok(prog && prog.k === 'program');
    // css §3.2: CC 0x40 | SLI 0x20
    assert.deepEqual(prog.ccws.map((c) => [c.cmd, c.flags, c.count, c.line]), [[0x01, 0x60, 2, 8], [0x08, 0, 0, 9]]);
    assert.equal(scenario.symbols.get('top'), 0x1000);
    assert.equal(prog.endLine, 10);
  });

  it('reports every problem at once with line, column and a suggestion', () => {
    assert.deepEqual(
      diags(['kernal 6.18', 'device 0.0.1234 schid 0.0.0007 type eco chpids 40', 'ssch 0.0.0007 cpa=nowhere', 'pin_user_pages p 0x1000 1 FOLL_WRTE'].join('\n')),
      [
        "f.vlab:1:1: error: unknown statement 'kernal' (did you mean 'kernel'?)",
        "f.vlab:2:37: error: unknown device type 'eco' (did you mean 'echo'?)",
        "f.vlab:3:19: error: unknown name 'nowhere'",
        "f.vlab:4:27: error: unknown FOLL_* flag 'FOLL_WRTE' (did you mean 'FOLL_WRITE'?)",
      ],
    );
  });

  it('recovers inside program blocks and reports an unclosed block', () => {
    assert.deepEqual(diags(['program p at 0x1000', '  WRITE count 70000', '  BOGUS', '  READ count 1'].join('\n')), [
      "f.vlab:1:1: error: program 'p' is not closed: expected 'end'",
      'f.vlab:2:15: error: a CCW count is 16 bits (css §3.1), found \'70000\'',
      "f.vlab:3:3: error: unknown CCW command (WRITE, READ, NOP, SENSE, SENSE_ID, TIC, ...) or a code 'BOGUS'",
    ]);
  });

  it('rejects misplaced setup, misaligned programs and data beyond memory', () => {
    assert.deepEqual(diags(['memory 4K', 'data d at 0xff0 zero 32', 'kernel 6.3', 'program p at 0x1004', '  NOP', 'end'].join('\n')), [
      "f.vlab:2:1: error: 'd' ends at 0x1010, beyond guest memory (0x1000 bytes)",
      "f.vlab:3:1: error: 'kernel' must come before the first other statement",
      "f.vlab:4:1: error: 'p' ends at 0x100c, beyond guest memory (0x1000 bytes)",
      'f.vlab:4:14: error: a channel program must be doubleword aligned (css §3.1)',
    ]);
  });

  it('never throws and keeps positions inside the file on garbage', () => {
    const garbage = ['"unterminated', '@@@', 'expect ==', 'ssch 9.9.9999', 'device', '\u0000', 'end'].join('\n');
    const d = parseScenario(garbage, 'g.vlab').diagnostics;
    assert.ok(d.length >= 6);
    for (const x of d) assert.ok(x.line >= 1 && x.line <= 7 && x.column >= 1);
  });
});
