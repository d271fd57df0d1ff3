/** Row text of the VFIO Lab views (extension/views/format.ts): radix, labels, tooltips, edit parsing. */
import * as assert from 'node:assert/strict';
import type { CrwView, FieldRow, PageRow } from '../../../debug-adapter/protocol';
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
  pageDescription,
  pageLabel,
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
      assert.equal(fieldLabel(lpm), 'pmcw.lpm [w2.0-7]');
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
        ['crw.sol [1] 0x1', 'crw.oflw [2] 0x0', 'crw.chn [3] 0x0', 'crw.rsc [4-7] 0x4', 'crw.anc [8] 0x0', 'crw.erc [10-15] 0x06', 'crw.rsid [16-31] 0x0040'],
      );
      assert.ok(rows.every((r) => !r.editable && r.valid && r.ref === 'css §6.1'));
      assert.match(rows[3]!.meaning, /channel path/);
      assert.match(rows[5]!.meaning, /permanent error, not initialized/);
    });
  });

  describe('page rows (gup §3)', () => {
    const page: PageRow = {
      pfn: 0x1234,
      vaddr: '0x7f0000000000',
      refcount: 1025,
      pincount: null,
      maybeDmaPinned: true,
      dirty: true,
      zeroPage: false,
      order: 0,
      zone: 'Normal',
      changed: false,
    };
    it('labels `pfn 0x.. vaddr`', () => {
      assert.equal(pageLabel(page), 'pfn 0x1234 0x7f0000000000');
    });
    it('describes `ref N pin –` with flags, counts in the radix', () => {
      assert.equal(pageDescription(page, 'dec'), 'ref 1025 pin –  maybe-pinned  dirty');
      assert.equal(pageDescription({ ...page, pincount: 1, dirty: false, changed: true, order: 9 }, 'hex'), '● ref 0x401 pin 0x1  maybe-pinned  order 9');
    });
  });
});
