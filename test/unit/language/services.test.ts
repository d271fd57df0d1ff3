/** Language services (model/scenario/language): completion, hover, symbols, definition. */
import * as assert from 'node:assert/strict';
import { completion, definition, documentSymbols, hover } from '../../../model/scenario/language';
import { STATEMENTS, ORB_FIELDS, MSCH_FIELDS, CCW_COMMANDS, CCW_FLAGS } from '../../../model/scenario/statements';
import { FOLL_FLAGS } from '../../../model/linux/mm/foll';
import { PAGE_FIELDS, PATH_HEADS } from '../../../model/scenario/paths';
import { SCSW_FIELDS } from '../../../model/css/fields';
import { NODE_STAT_INDEX } from '../../../model/linux/mm/vmstat';

const DOC = [
  '# --- setup ---', // 0
  'chpid 40', // 1
  'device 0.0.1234 schid 0.0.0007 type echo chpids 40 enabled', // 2
  'data msg at 0x2000 ascii "HI"', // 3
  'program p at 0x1000', // 4
  '  top: WRITE CC count 2 data msg', // 5
  '  TIC top', // 6
  'end', // 7
  '# --- pinning', // 8
  'process qemu pid 1000', // 9
  'vma qemu 0x7f0000000000 size 64K anon rw', // 10
  'pin_user_pages qemu 0x7f0000000000 2 FOLL_WRITE|FOLL_LONGTERM -> bufs', // 11
  'expect irb.scsw.dstat == 0x0c', // 12
  'expect bufs[0].refcount == 1025', // 13
  'ssch 0.0.0007 cpa=p', // 14
  '', // 15
].join('\n');

/** The text with `¦` marking the caret, completed there. */
function complete(textWithCaret: string): string[] {
  const lines = textWithCaret.split('\n');
  const line = lines.findIndex((l) => l.includes('¦'));
  const ch = lines[line].indexOf('¦');
  lines[line] = lines[line].replace('¦', '');
  return completion(lines.join('\n'), line, ch).items.map((i) => i.label);
}
const withDoc = (line: string) => `${DOC}\n${line}`;

describe('language: completion', () => {
  it('offers every statement of the table at the start of a line, with syntax and help', () => {
    const r = completion('', 0, 0);
    assert.deepEqual(r.items.map((i) => i.label), STATEMENTS.map((s) => s.name));
    const ssch = r.items.find((i) => i.label === 'ssch')!;
    assert.equal(ssch.detail, STATEMENTS.find((s) => s.name === 'ssch')!.syntax);
    assert.match(ssch.documentation!, /START SUBCHANNEL/);
  });

  it('offers FOLL_* flags after a GUP call, also after |, with both eras in the docs', () => {
    const flags = Object.keys(FOLL_FLAGS);
    assert.deepEqual(complete(withDoc('pin_user_pages qemu 0x7f0000000000 2 ¦')).filter((l) => l.startsWith('FOLL_')), flags);
    assert.deepEqual(complete(withDoc('get_user_pages qemu 0x7f0000000000 2 FOLL_WRITE|FOLL_L¦')).filter((l) => l.startsWith('FOLL_')), flags);
    const item = completion(withDoc('pin_user_pages qemu 0 1 '), 16, 24).items.find((i) => i.label === 'FOLL_LONGTERM')!;
    assert.match(item.documentation!, /E1–E3.*0x10000/s);
    assert.match(item.documentation!, /6\.3\+.*0x100/s);
  });

  it('offers the process names where a process is expected and bound names where pages are', () => {
    assert.deepEqual(complete(withDoc('pin_user_pages ¦')), ['qemu']);
    assert.deepEqual(complete(withDoc('unpin_user_pages b¦')), ['bufs']);
  });

  it('offers ORB fields after `ssch SID` and program names after cpa=', () => {
    const got = complete(withDoc('ssch 0.0.0007 ¦'));
    for (const f of ORB_FIELDS) assert.ok(got.includes(f), f);
    assert.deepEqual(complete(withDoc('ssch 0.0.0007 cpa=¦')), ['p', 'top']);
    assert.ok(complete(withDoc('ssch ¦')).includes('0.0.0007'));
  });

  it('offers the MSCH-modifiable PMCW fields after `msch SID`', () => {
    assert.deepEqual(complete(withDoc('msch 0.0.0007 ¦')), [...MSCH_FIELDS]);
  });

  it('offers keywords the statement parser expects next', () => {
    assert.deepEqual(complete(withDoc('device 0.0.1235 ¦')), ['schid']);
    assert.deepEqual(complete(withDoc('device 0.0.1235 schid 0.0.0008 type ¦')), ['echo', 'dasd', 'terminal', 'virtio']);
    assert.deepEqual(complete(withDoc('device 0.0.1235 schid 0.0.0008 type echo chpids ¦')), ['40']);
  });

  it('offers CCW commands, flags and names inside a program block', () => {
    const text = `${DOC}\nprogram q at 0x1100\n  ¦\nend`;
    const cmds = complete(text);
    assert.deepEqual(cmds, [...Object.keys(CCW_COMMANDS), 'end']);
    const flags = complete(`${DOC}\nprogram q at 0x1100\n  READ ¦\nend`);
    for (const f of Object.keys(CCW_FLAGS)) assert.ok(flags.includes(f), f);
    for (const k of ['count', 'data', 'flags']) assert.ok(flags.includes(k), k);
    assert.deepEqual(complete(`${DOC}\nprogram q at 0x1100\n  READ count 2 data ¦\nend`), ['msg', 'p', 'top', 'q']);
    assert.deepEqual(complete(`${DOC}\nprogram q at 0x1100\n  TIC ¦\nend`), ['p', 'top', 'q']);
  });

  it('offers field paths after expect, from the field tables', () => {
    assert.deepEqual(complete(withDoc('expect ¦')), [...PATH_HEADS, 'bufs']);
    assert.deepEqual(complete(withDoc('expect irb.¦')), ['scsw']);
    assert.deepEqual(complete(withDoc('expect irb.scsw.¦')), SCSW_FIELDS.map((f) => f.name.slice(5)));
    assert.ok(complete(withDoc('expect sch(0.0.0007).pmcw.¦')).includes('lpm'));
    assert.deepEqual(complete(withDoc('expect page(qemu, 0x7f0000000000).¦')), [...PAGE_FIELDS]);
    assert.deepEqual(complete(withDoc('expect bufs[1].¦')), [...PAGE_FIELDS]);
    assert.deepEqual(complete(withDoc('expect bufs.¦')), ['count']);
    assert.deepEqual(complete(withDoc('expect vmstat.¦')), Object.keys(NODE_STAT_INDEX));
    assert.deepEqual(complete(withDoc('expect page(¦')), ['qemu']);
    assert.deepEqual(complete(withDoc('expect sch(¦')), ['0.0.0007']);
    assert.deepEqual(complete(withDoc('expect cc ¦')), ['==', '!=', '<', '<=', '>', '>=']);
  });

  it('offers nothing in comments and strings, and reports the replace range', () => {
    assert.deepEqual(complete(withDoc('# pin_user_pages ¦')), []);
    assert.deepEqual(complete(withDoc('data d at 0x100 ascii "¦')), []);
    const r = completion('pin_user_pages qemu 0 1 FOLL_WR', 0, 31);
    assert.equal(r.from, 24);
  });
});

describe('language: hover', () => {
  const h = (line: number, ch: number) => hover(DOC, line, ch)?.contents ?? '';

  it('shows a statement\'s syntax, help and reference', () => {
    assert.match(h(2, 2), /device DEVNO schid SID/);
    assert.match(h(2, 2), /css §1\.1/);
  });

  it('shows a FOLL flag in both numbering eras', () => {
    const t = h(11, 40);
    assert.match(t, /\*\*FOLL_WRITE\*\*/);
    assert.match(t, /\| E1–E3 .*\| 0x1 \|/);
    assert.match(t, /\| E4–E5 .*\| 0x1 \|/);
    assert.match(h(11, 52), /FOLL_LONGTERM.*0x10000.*0x100 \|/s);
  });

  it('shows a field\'s word, bits, meaning and reference', () => {
    assert.equal(h(12, 17), '**irb.scsw.dstat** — word 2, bits 0–7 (8 bits)\n\ndevice (unit) status (css §4)');
    assert.match(hover(withDoc('ssch 0.0.0007 lpm=0x80'), 16, 15)!.contents, /ORB\.lpm.*word 1, bits 16–23.*logical path mask.*css §2/s);
    assert.match(hover(withDoc('msch 0.0.0007 isc=3'), 16, 15)!.contents, /PMCW\.isc.*MSCH-modifiable.*css §1\.1/s);
    assert.match(h(13, 17), /refcount.*GUP_PIN_COUNTING_BIAS/);
  });

  it('decodes a status word compared with a status field, and a CRW', () => {
    assert.equal(h(12, 27), '0xc = 12 = 0b1100\n\n**dstat**: CE|DE (channel end, device end)');
    assert.match(hover('expect irb.scsw.cstat == 0x60', 0, 26)!.contents, /IL\|PRG/);
    assert.match(hover('expect irb.scsw.stctl == 0x17', 0, 26)!.contents, /alert\|primary\|secondary\|status-pending/);
    // css §6.1: RSC 3 (subchannel), ERC 3 (terminal error), RSID 0x0007
    assert.match(hover('expect crw == 0x03030007', 0, 16)!.contents, /RSC 0x3 \(SCH\), ERC 0x03 \(TERROR\), RSID 0x0007/);
  });

  it('describes a bus id by the statement that defines the device, not one that only names it', () => {
    // `machine remove device` names a devno and no subchannel: hover threw on it (fuzz, issue 12 round 13)
    const text = ['machine remove device 0.0.1234', 'device 0.0.1234 schid 0.0.0007 type echo chpids 40 enabled', 'stsch 0.0.1234'].join('\n');
    assert.equal(hover(text, 2, 8)!.contents, 'device 0.0.1234 on subchannel 0.0.0007 (device on line 2)');
    assert.equal(hover('machine remove device 0.0.1234', 0, 25)!.contents, 'bus id 0.0.1234: css 0, subchannel set 0, number 0x1234 (css §5.1)');
  });

  it('shows CCW commands and flags, names and ids', () => {
    assert.equal(h(5, 8), '**WRITE** — command code 0x01, class write (css §3.3)');
    assert.match(h(5, 14), /\*\*CC\*\* — CCW flag 0x40: chain command/);
    assert.match(h(6, 7), /\*\*top\*\* — label at guest address 0x1000, defined on line 6/);
    assert.match(h(14, 7), /device 0\.0\.1234 on subchannel 0\.0\.0007/);
    assert.equal(hover(DOC, 0, 3), undefined);
  });
});

describe('language: symbols and definition', () => {
  it('outlines sections holding programs with labels, devices, data and processes with VMAs', () => {
    const syms = documentSymbols(DOC);
    const brief = (s: ReturnType<typeof documentSymbols>): unknown => s.map((x) => (x.children.length ? [x.kind, x.name, brief(x.children)] : [x.kind, x.name]));
    assert.deepEqual(brief(syms), [
      ['section', 'setup', [['device', '0.0.1234'], ['data', 'msg'], ['program', 'p', [['label', 'top']]]]],
      ['section', 'pinning', [['process', 'qemu', [['vma', '0x7f0000000000']]]]],
    ]);
    const p = syms[0].children[2];
    assert.deepEqual([p.startLine, p.endLine, p.selLine, p.selFrom, p.selTo], [4, 7, 4, 8, 9]);
  });

  it('goes to the defining line of labels, programs, data, bindings and processes', () => {
    assert.deepEqual(definition(DOC, 6, 7), { line: 5, from: 2, to: 5 }); // TIC top
    assert.deepEqual(definition(DOC, 14, 18), { line: 4, from: 8, to: 9 }); // cpa=p
    assert.deepEqual(definition(DOC, 5, 30), { line: 3, from: 5, to: 8 }); // data msg
    assert.deepEqual(definition(DOC, 13, 8), { line: 11, from: 65, to: 69 }); // bufs
    assert.deepEqual(definition(DOC, 11, 16), { line: 9, from: 8, to: 12 }); // qemu
    assert.equal(definition(DOC, 12, 12), undefined); // a field, not a name
  });
});
