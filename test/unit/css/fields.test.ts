import * as assert from 'node:assert/strict';
import { SCHIB_FIELD, fieldMask, fieldMax, fieldShift, SCHIB_FIELDS } from '../../../model/css/fields';
import { ORB_FIELD, encodeOrb } from '../../../model/css/orb';
import { CCW1_FIELDS, CCW0_FIELDS, commandClass, decodeCcw } from '../../../model/css/ccw';
import { CRW_FIELD, encodeCrw } from '../../../model/css/crw';
import { IRB_FIELD } from '../../../model/css/irb';
import { orb } from './helpers';

const mask = (t: ReadonlyMap<string, Parameters<typeof fieldMask>[0]>, n: string) => fieldMask(t.get(n)!);

describe('css field tables', () => {
  it('PMCW word masks match css §1.1', () => {
    // css §1.1 "Word mask" column
    assert.equal(mask(SCHIB_FIELD, 'pmcw.qf'), 0x80000000);
    assert.equal(mask(SCHIB_FIELD, 'pmcw.w'), 0x40000000);
    assert.equal(mask(SCHIB_FIELD, 'pmcw.isc'), 0x38000000);
    assert.equal(mask(SCHIB_FIELD, 'pmcw.ena'), 0x00800000);
    assert.equal(mask(SCHIB_FIELD, 'pmcw.lm'), 0x00600000);
    assert.equal(mask(SCHIB_FIELD, 'pmcw.mme'), 0x00180000);
    assert.equal(mask(SCHIB_FIELD, 'pmcw.mp'), 0x00040000);
    assert.equal(mask(SCHIB_FIELD, 'pmcw.tf'), 0x00020000);
    assert.equal(mask(SCHIB_FIELD, 'pmcw.dnv'), 0x00010000);
    assert.equal(mask(SCHIB_FIELD, 'pmcw.dev'), 0x0000ffff);
    assert.equal(mask(SCHIB_FIELD, 'pmcw.st'), 0x00e00000);
    assert.equal(mask(SCHIB_FIELD, 'pmcw.mbfc'), 0x00000004);
    assert.equal(mask(SCHIB_FIELD, 'pmcw.xmwme'), 0x00000002);
    assert.equal(mask(SCHIB_FIELD, 'pmcw.csense'), 0x00000001);
    // css §1.1: QEMU word-6 invalid mask 0xFF1FFFF8 = the reserved fields of word 6
    assert.equal((mask(SCHIB_FIELD, 'pmcw.res6a') | mask(SCHIB_FIELD, 'pmcw.res6b')) >>> 0, 0xff1ffff8);
    // css §1.1: word-1 bits 0,1,6,7 (QEMU halfword 0xC300) reject; bit 5 ignored
    assert.equal((mask(SCHIB_FIELD, 'pmcw.qf') | mask(SCHIB_FIELD, 'pmcw.w') | mask(SCHIB_FIELD, 'pmcw.res1b')) >>> 0, 0xc3000000);
    assert.equal(mask(SCHIB_FIELD, 'pmcw.res1a'), 0x04000000);
  });

  it('path masks and CHPIDs sit where css §1.1 puts them', () => {
    assert.deepEqual([SCHIB_FIELD.get('pmcw.lpm')!.word, mask(SCHIB_FIELD, 'pmcw.lpm')], [2, 0xff000000]);
    assert.equal(mask(SCHIB_FIELD, 'pmcw.pim'), 0x000000ff);
    assert.equal(mask(SCHIB_FIELD, 'pmcw.pom'), 0x0000ff00);
    assert.equal(mask(SCHIB_FIELD, 'pmcw.pam'), 0x000000ff);
    assert.deepEqual([SCHIB_FIELD.get('pmcw.chpid5')!.word, mask(SCHIB_FIELD, 'pmcw.chpid5')], [5, 0x00ff0000]);
  });

  it('SCSW word-0 masks match css §1.3', () => {
    assert.equal(SCHIB_FIELD.get('scsw.key')!.word, 7);
    assert.equal(mask(SCHIB_FIELD, 'scsw.key'), 0xf0000000);
    assert.equal(mask(SCHIB_FIELD, 'scsw.sctl'), 0x08000000);
    assert.equal(mask(SCHIB_FIELD, 'scsw.eswf'), 0x04000000);
    assert.equal(mask(SCHIB_FIELD, 'scsw.cc'), 0x03000000);
    assert.equal(mask(SCHIB_FIELD, 'scsw.fmt'), 0x00800000);
    assert.equal(mask(SCHIB_FIELD, 'scsw.zcc'), 0x00040000);
    assert.equal(mask(SCHIB_FIELD, 'scsw.ectl'), 0x00020000);
    assert.equal(mask(SCHIB_FIELD, 'scsw.pno'), 0x00010000);
    assert.equal(mask(SCHIB_FIELD, 'scsw.fctl'), 0x00007000);
    assert.equal(mask(SCHIB_FIELD, 'scsw.actl'), 0x00000fe0);
    assert.equal(mask(SCHIB_FIELD, 'scsw.stctl'), 0x0000001f);
    assert.deepEqual([SCHIB_FIELD.get('scsw.cpa')!.word, SCHIB_FIELD.get('scsw.dstat')!.word], [8, 9]);
    assert.equal(mask(SCHIB_FIELD, 'scsw.dstat'), 0xff000000);
    assert.equal(mask(SCHIB_FIELD, 'scsw.cstat'), 0x00ff0000);
    assert.equal(mask(SCHIB_FIELD, 'scsw.count'), 0x0000ffff);
  });

  it('exactly the css §5.3 MSCH fields are marked modifiable', () => {
    const m = SCHIB_FIELDS.filter((d) => d.msch).map((d) => d.name);
    assert.deepEqual(m, ['pmcw.intparm', 'pmcw.isc', 'pmcw.ena', 'pmcw.lm', 'pmcw.mme', 'pmcw.mp', 'pmcw.lpm', 'pmcw.mbi', 'pmcw.pom', 'pmcw.mbfc', 'pmcw.csense', 'mba.high', 'mba.low']);
  });

  it('ORB word-1 masks match css §2', () => {
    assert.equal(mask(ORB_FIELD, 'orb.key'), 0xf0000000);
    assert.equal(mask(ORB_FIELD, 'orb.spnd'), 0x08000000);
    assert.equal(mask(ORB_FIELD, 'orb.fmt'), 0x00800000);
    assert.equal(mask(ORB_FIELD, 'orb.pfch'), 0x00400000);
    assert.equal(mask(ORB_FIELD, 'orb.b'), 0x00040000);
    assert.equal(mask(ORB_FIELD, 'orb.c64'), 0x00020000);
    assert.equal(mask(ORB_FIELD, 'orb.i2k'), 0x00010000);
    assert.equal(mask(ORB_FIELD, 'orb.lpm'), 0x0000ff00);
    assert.equal(mask(ORB_FIELD, 'orb.ils'), 0x00000080);
    assert.equal(mask(ORB_FIELD, 'orb.midaw'), 0x00000040);
    assert.equal(mask(ORB_FIELD, 'orb.reserved'), 0x0000003e);
    assert.equal(mask(ORB_FIELD, 'orb.orbx'), 0x00000001);
    // css §2: a format-1, prefetch, LPM 0x80 ORB
    assert.deepEqual(encodeOrb(orb({ lpm: 0x80, cpa: 0x1000, intparm: 1 })), [1, 0x00c08000, 0x1000]);
  });

  it('CCW layouts, format-0 TIC normalisation and command classes (css §3.1–3.4)', () => {
    assert.deepEqual(CCW1_FIELDS.map((d) => [d.name, d.word, d.bit, d.width]), [['ccw.cmd', 0, 0, 8], ['ccw.flags', 0, 8, 8], ['ccw.count', 0, 16, 16], ['ccw.cda', 1, 0, 32]]);
    assert.equal(CCW0_FIELDS.find((d) => d.name === 'ccw.cda')!.width, 24);
    // css §3.1 format 0: cmd byte 0, CDA bytes 1-3, flags byte 4, count bytes 6-7
    assert.deepEqual(decodeCcw(0x02001234, 0x40000010, 0), { cmd: 2, flags: 0x40, count: 16, cda: 0x1234, fmt: 0, raw: [0x02001234, 0x40000010] });
    // css §3.1: a format-0 CCW with low nibble 8 becomes a clean TIC
    const tic = decodeCcw(0x18002000, 0xff000005, 0);
    assert.deepEqual([tic.cmd, tic.flags, tic.count, tic.cda], [0x08, 0, 0, 0x2000]);
    // css §3.1 format 1: cmd byte 0, flags byte 1, count bytes 2-3, CDA word 1
    assert.deepEqual(decodeCcw(0x0324beef, 0x7fff1000, 1), { cmd: 3, flags: 0x24, count: 0xbeef, cda: 0x7fff1000, fmt: 1, raw: [0x0324beef, 0x7fff1000] });
    // decodeCcw (literal shifts, issue 12) gives what the field tables give, for any words of both
    // formats (a format-0 TIC, low nibble 8, is the exception checked above)
    let x = 0x9e3779b9;
    const rnd = () => (x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0);
    for (let n = 0; n < 500; n++) {
      const w: [number, number] = [rnd(), rnd()];
      for (const fmt of [0, 1] as const) {
        if (fmt === 0 && ((w[0] >>> 24) & 0x0f) === 0x08) continue;
        const c = decodeCcw(w[0], w[1], fmt);
        const table = fmt === 1 ? CCW1_FIELDS : CCW0_FIELDS;
        const want = (name: string) => { const d = table.find((f) => f.name === `ccw.${name}`)!; return ((w[d.word] >>> fieldShift(d)) & fieldMax(d)) >>> 0; };
        assert.deepEqual([c.cmd, c.flags, c.count, c.cda], [want('cmd'), want('flags'), want('count'), want('cda')], `fmt ${fmt} words ${w.map((v) => v.toString(16))}`);
      }
    }
    // css §3.3
    assert.deepEqual([0x01, 0x02, 0x03, 0x04, 0xe4, 0x0c, 0x08, 0x00, 0x10].map(commandClass),
      ['write', 'read', 'control', 'sense', 'sense-id', 'read-backward', 'tic', 'invalid', 'invalid']);
  });

  it('CRW layout and examples of css §6.1/§6.2', () => {
    assert.equal(fieldMask(CRW_FIELD.get('crw.sol')!), 0x40000000);
    assert.equal(fieldMask(CRW_FIELD.get('crw.oflw')!), 0x20000000);
    assert.equal(fieldMask(CRW_FIELD.get('crw.chn')!), 0x10000000);
    assert.equal(fieldMask(CRW_FIELD.get('crw.rsc')!), 0x0f000000);
    assert.equal(fieldMask(CRW_FIELD.get('crw.anc')!), 0x00800000);
    assert.equal(fieldMask(CRW_FIELD.get('crw.erc')!), 0x003f0000);
    // css §6.2: chchp -c 0 0x40 → 0x0406_0040; -c 1 → 0x0402_0040
    assert.equal(encodeCrw({ rsc: 4, erc: 6, rsid: 0x40 }), 0x04060040);
    assert.equal(encodeCrw({ rsc: 4, erc: 2, rsid: 0x40 }), 0x04020040);
  });

  it('IRB tables place the ESW at word 3 and the ECW at word 8 (css §4)', () => {
    assert.equal(IRB_FIELD.get('scsw.stctl')!.word, 0);
    assert.equal(IRB_FIELD.get('esw.lpum')!.word, 3);
    assert.equal(fieldMask(IRB_FIELD.get('esw.lpum')!), 0x00ff0000);
    assert.equal(IRB_FIELD.get('erw.s')!.word, 4);
    assert.equal(fieldMask(IRB_FIELD.get('erw.s')!), 0x01000000); // css §4: QEMU ESW_ERW_SENSE
    assert.equal(IRB_FIELD.get('ecw.w0')!.word, 8);
  });
});
