/** Row text of the VFIO Lab views (extension/views/format.ts): radix, labels, tooltips, edit parsing. */
import * as assert from 'node:assert/strict';
import type { CrwView, FieldRow, FolioRow } from '../../../debug-adapter/protocol';
import { applyFilterChange, counterDescription, filterDescription, folioDescription, folioLabel, parseFilterInput, vmaSummaryDescription } from '../../../extension/views/pagesFormat';
import {
  crwDescription,
  crwLabel,
  fieldDescription,
  fieldLabel,
  fieldTooltip,
  fieldWords,
  formatCount,
  formatValue,
  nextRadix,
  parseFieldValue,
  wordRange,
} from '../../../extension/views/format';
import { crwFieldRows } from '../../../extension/views/crwFields';

const lpm: FieldRow = {
  name: 'pmcw.lpm',
  bits: 'w2.0-7',
  value: 0x80,
  width: 8,
  meaning: 'Logical path mask: paths the channel may use.',
  ref: 'css §1.1',
  valid: true,
  changed: false,
  editable: true,
};

describe('extension/views/format', () => {
  describe('formatValue', () => {
    it('pads hex and binary to the field width', () => {
      assert.equal(formatValue(0x80, 8, 'hex'), '0x80');
      assert.equal(formatValue(7, 16, 'hex'), '0x0007');
      assert.equal(formatValue(5, 3, 'bin'), '0b101');
      assert.equal(formatValue(0x80, 8, 'bin'), '0b10000000');
      assert.equal(formatValue(1, 1, 'bin'), '0b1');
    });
    it('groups binary wider than a byte by nibbles', () => {
      assert.equal(formatValue(0x1234, 16, 'bin'), '0b0001_0010_0011_0100');
    });
    it('prints decimal plain, keeps the sign of errno values', () => {
      assert.equal(formatValue(0xcafe, 32, 'dec'), '51966');
      assert.equal(formatValue(-14, 32, 'dec'), '-14');
      assert.equal(formatValue(-14, 8, 'hex'), '-0x0e');
    });
    it('formats 64-bit values exactly as bigint', () => {
      assert.equal(formatValue(0x7f0000000000n, 64, 'hex'), '0x00007f0000000000');
      assert.equal(formatValue(2n ** 64n - 1n, 64, 'dec'), '18446744073709551615');
    });
  });

  it('cycles hex → dec → bin → hex', () => {
    assert.equal(nextRadix('hex'), 'dec');
    assert.equal(nextRadix('dec'), 'bin');
    assert.equal(nextRadix('bin'), 'hex');
  });

  it('formats counts without padding', () => {
    assert.equal(formatCount(1025, 'dec'), '1025');
    assert.equal(formatCount(1025, 'hex'), '0x401');
    assert.equal(formatCount(0, 'hex'), '0x0');
  });

  describe('field rows (STYLE: peripheral-viewer `name [bits] value`)', () => {
    it('labels with name and bits', () => {
      assert.equal(fieldLabel(lpm), 'lpm [w2.0-7]'); // the group row says PMCW: no repeated prefix
    });
    it('describes the value in the radix, marks changes and invalid fields', () => {
      assert.equal(fieldDescription(lpm, 'hex'), '0x80');
      assert.equal(fieldDescription({ ...lpm, changed: true }, 'dec'), '● 128');
      assert.equal(fieldDescription({ ...lpm, name: 'scsw.cpa', valid: false, value: 0 }, 'hex'), '0x00 (not valid)');
    });
    it('tooltip has a hex/dec/bin table, the meaning and the reference', () => {
      const md = fieldTooltip(lpm);
      assert.match(md, /\| hex \| dec \| bin \|/);
      assert.match(md, /`0x80` \| `128` \| `0b10000000`/);
      assert.match(md, /Logical path mask/);
      assert.match(md, /css §1\.1/);
      assert.match(md, /MSCH/);
      assert.match(fieldTooltip({ ...lpm, valid: false }), /css §1\.3/);
    });
    it('escapes Markdown in meanings', () => {
      assert.match(fieldTooltip({ ...lpm, meaning: 'a | b *c*' }), /a \\\| b \\\*c\\\*/);
    });
    it('names word ranges from the fields', () => {
      assert.deepEqual(fieldWords([lpm, { ...lpm, bits: 'w0.0-31' }, { ...lpm, bits: 'w6.24' }]), [0, 2, 6]);
      assert.equal(wordRange([0, 1, 2, 3, 4, 5, 6]), 'w0–6');
      assert.equal(wordRange([9]), 'w9');
      assert.equal(wordRange([]), '');
    });
  });

  describe('parseFieldValue (edit box)', () => {
    it('accepts decimal, 0x and 0b within the width', () => {
      assert.deepEqual(parseFieldValue('0x40', 8), { ok: true, value: 0x40n, text: '0x40' });
      assert.deepEqual(parseFieldValue(' 0b1000 ', 8), { ok: true, value: 8n, text: '0b1000' });
      assert.deepEqual(parseFieldValue('255', 8), { ok: true, value: 255n, text: '255' });
      assert.deepEqual(parseFieldValue('0xFFFFFFFFFFFFFFFF', 64), { ok: true, value: 2n ** 64n - 1n, text: '0xFFFFFFFFFFFFFFFF' });
    });
    it('rejects values wider than the field', () => {
      const r = parseFieldValue('256', 8);
      assert.equal(r.ok, false);
      assert.match(!r.ok ? r.error : '', /does not fit in 8 bits \(max 0xff = 255\)/);
      assert.equal(parseFieldValue('2', 1).ok, false);
      assert.equal(parseFieldValue('1', 1).ok, true);
    });
    it('rejects empty, negative and non-numeric text with a reason', () => {
      for (const bad of ['', '   ', '-1', '0x', '0b2', '12abc', 'ten', '1.5']) {
        const r = parseFieldValue(bad, 8);
        assert.equal(r.ok, false, bad);
        assert.ok(!r.ok && r.error.length > 0);
      }
      const neg = parseFieldValue('-1', 8);
      assert.match(!neg.ok ? neg.error : '', /negative/);
    });
  });

  describe('CRW rows (css §6.1)', () => {
    const crw: CrwView = {
      raw: 0x44060040,
      rsc: 4,
      erc: 6,
      rsid: 0x40,
      sol: true,
      oflw: false,
      chn: false,
      anc: false,
      decoded: 'RSC 4 channel path, ERC 6 permanent error not initialized, RSID 0x40',
    };
    it('labels with the decoded text, describes with the raw word', () => {
      assert.equal(crwLabel(crw), crw.decoded);
      assert.equal(crwLabel({ ...crw, decoded: '' }), 'RSC 4, ERC 6, RSID 0x0040');
      assert.equal(crwDescription(crw, 'hex'), '0x44060040');
      assert.equal(crwDescription({ ...crw, raw: 0xa4060040 | 0 }, 'hex'), '0xa4060040');
      assert.equal(crwDescription(crw, 'bin'), '0b0100_0100_0000_0110_0000_0000_0100_0000');
    });
    it('decodes fields in layout order, read-only', () => {
      const rows = crwFieldRows(crw);
      assert.deepEqual(
        rows.map((r) => `${fieldLabel(r)} ${fieldDescription(r, 'hex')}`),
        // css §6.1: RSC 4 channel path, ERC 6 permanent error, not initialized
        ['sol [1] 0x1', 'oflw [2] 0x0', 'chn [3] 0x0', 'rsc [4-7] 0x4  channel path', 'anc [8] 0x0', 'erc [10-15] 0x06  permanent error, not initialized', 'rsid [16-31] 0x0040'],
      );
      assert.ok(rows.every((r) => !r.editable && r.valid && r.ref === 'css §6.1'));
      assert.match(rows[3]!.meaning, /channel path/);
      assert.match(rows[5]!.meaning, /permanent error, not initialized/);
    });
  });

  describe('field values decoded (css §1.3, §4)', () => {
    it('shows the names after the value, not for invalid fields', () => {
      const dstat: FieldRow = { ...lpm, name: 'scsw.dstat', bits: 'w9.0-7', value: 0x0c, decoded: 'CE|DE', editable: false };
      assert.equal(fieldDescription(dstat, 'hex'), '0x0c  CE|DE');
      assert.equal(fieldDescription({ ...dstat, changed: true }, 'hex'), '● 0x0c  CE|DE');
      assert.equal(fieldDescription({ ...dstat, valid: false }, 'hex'), '0x0c (not valid)');
      assert.ok(fieldTooltip(dstat).includes('Decoded: **CE\\|DE**')); // `|` escaped for Markdown tables
    });
    it('CRW rows say when they are new since the previous stop', () => {
      const crw: CrwView = { raw: 0x04060041, rsc: 4, erc: 6, rsid: 0x41, sol: false, oflw: false, chn: false, anc: false, decoded: 'x', isNew: true };
      assert.equal(crwDescription(crw, 'hex'), '● new  0x04060041');
    });
  });

  describe('folio rows and counters (gup §3, §4)', () => {
    const thp: FolioRow = {
      pfn: 0x200, vaddr: '0x7f0000200000', refcount: 513, pincount: 512, maybeDmaPinned: true, dirty: false, zeroPage: false,
      order: 9, zone: 'normal', changed: true, nrPages: 512, expression: 'page(100, 0x7f0000200000)',
    };
    it('a THP folio is one row that says how many pages it covers (gup §3.2)', () => {
      assert.equal(folioLabel(thp), '0x7f0000200000  pfn 0x200');
      assert.equal(folioDescription(thp, 'dec'), '● folio 512 pages  ref 513  pin 512  maybe-pinned');
      const small = { ...thp, nrPages: 1, order: 0, refcount: 1025, pincount: null, changed: false, dirty: true, zone: 'movable' };
      assert.equal(folioDescription(small, 'hex'), 'ref 0x401  pin –  maybe-pinned  dirty  movable');
    });
    it('VMA counts say folios and pages', () => {
      const v = { start: '0x1', end: '0x2', kind: 'thp', prot: 'rw-p', sizePages: 1024, matchingFolios: 2, matchingPages: 1024 };
      assert.equal(vmaSummaryDescription(v), 'thp  rw-p  2 folios (1,024 pages) of 1,024 pages');
      assert.equal(vmaSummaryDescription({ ...v, matchingFolios: 1, matchingPages: 1 }), 'thp  rw-p  1 page of 1,024 pages');
    });
    it('counters show the previous value when they changed', () => {
      assert.equal(counterDescription({ name: 'nr_foll_pin_acquired', value: 516, previous: 4, expression: 'x' }, 'dec'), '● 516 (was 4)');
      assert.equal(counterDescription({ name: 'locked_vm', value: 0, expression: 'x' }, 'dec'), '0');
    });
  });

  describe('Pages filter input (bad input: one line, nothing changed)', () => {
    it('parses numbers, zones and ranges', () => {
      assert.deepEqual(parseFilterInput('minPincount', ' 2 '), { ok: true, change: { minPincount: 2 } });
      assert.deepEqual(parseFilterInput('zone', 'cma'), { ok: true, change: { zone: 'cma' } });
      assert.deepEqual(parseFilterInput('vaddrRange', '0x7f0000000000-0x7F0000100000'), { ok: true, change: { vaddrFrom: '0x7f0000000000', vaddrTo: '0x7f0000100000' } });
      assert.deepEqual(parseFilterInput('pfnRange', '16-'), { ok: true, change: { pfnFrom: 16, pfnTo: undefined } });
      assert.deepEqual(parseFilterInput('minPincount', ''), { ok: true, change: { minPincount: undefined } });
    });
    it('rejects what is not a number, a zone or a range', () => {
      assert.deepEqual(parseFilterInput('minPincount', 'abc'), { ok: false, error: "'abc' is not a number: type a whole number ≥ 0 (pincount greater than it is shown)." });
      assert.deepEqual(parseFilterInput('minPincount', '-1'), { ok: false, error: "'-1' is not a number: type a whole number ≥ 0 (pincount greater than it is shown)." });
      assert.deepEqual(parseFilterInput('zone', 'dma32'), { ok: false, error: "'dma32' is not a zone: use normal, movable, cma, device." });
      assert.deepEqual(parseFilterInput('vaddrRange', '0x2000-0x1000'), { ok: false, error: 'the range 0x2000-0x1000 is empty: FROM must be below TO.' });
      assert.deepEqual(parseFilterInput('vaddrRange', '0x1_000-0x2000'), { ok: false, error: "'0x1_000' is not an address: type 0x hex or decimal (virtual address)." });
      assert.deepEqual(parseFilterInput('vaddrRange', '0x10000000000000000-'), { ok: false, error: '0x10000000000000000 is wider than 64 bits (virtual address).' });
      assert.deepEqual(parseFilterInput('pfnRange', 'x'), { ok: false, error: "'x' is not a range: type FROM-TO, e.g. 0x7f0000000000-0x7f0000100000." });
    });
    it('applies changes and describes the filter', () => {
      const f = applyFilterChange(applyFilterChange({}, { pinnedOnly: true }), { minPincount: 2 });
      assert.deepEqual(f, { pinnedOnly: true, minPincount: 2 });
      assert.deepEqual(applyFilterChange(f, { pinnedOnly: false, minPincount: undefined }), {});
      assert.equal(filterDescription({ pinnedOnly: true, minPincount: 2, interestingOnly: false }, 'pincount'), 'all pages · pinned only · pincount > 2 · sorted by pincount');
    });
  });
});
