/** Channel-subsystem statements: paths, devices, memory contents, channel programs, I/O instructions (css §1–6). */
import type { AddrRef, CcwLine, ChscCommandName } from '../ast';
import type { Cursor } from '../cursor';
import type { StatementDef } from './types';
import { addrRef } from './common';
import { atOperand, sidOperand, u32, withOpt } from './cssOperands';
import { ORB_FIELD } from '../../css/orb';
import { SCHIB_FIELD, fieldMax } from '../../css/fields';
import { VIRTIO_CMD } from '../../devices/virtioTypes';

export const ORB_FIELDS = [
  'intparm', 'key', 'spnd', 'str', 'mod', 'sync', 'fmt', 'pfch', 'isic', 'alcc', 'ssic', 'b', 'c64', 'i2k', 'lpm',
  'ils', 'midaw', 'orbx', 'cpa',
] as const;

/** PMCW fields MSCH may change (css §5.3), by their short names. */
export const MSCH_FIELDS = ['intparm', 'isc', 'ena', 'lm', 'mme', 'mp', 'lpm', 'mbi', 'pom', 'mbfc', 'csense', 'mba'] as const;

/**
 * SCHIB bits a program may set in the SCHIB it hands to MSCH although MSCH does not copy them
 * (css §1.1, §5.3, kvm-unit-tests test_msch / test_pmcw_bit5): `qf` (w1 bit 0), `w` (bit 1),
 * `res1b` (bits 6–7), `xmwme`, `res6a`/`res6b` → operand exception when nonzero; `res1a`
 * (bit 5) is accepted and stored as 0.
 */
export const MSCH_CHECKED_FIELDS = ['qf', 'w', 'res1a', 'res1b', 'res6a', 'res6b', 'xmwme'] as const;

/** css §3.3 command codes by the names Linux and the architecture use. */
export const CCW_COMMANDS: Readonly<Record<string, number>> = {
  WRITE: 0x01, READ: 0x02, NOP: 0x03, CONTROL: 0x03, SENSE: 0x04, TIC: 0x08, READ_BACKWARD: 0x0c,
  SENSE_ID: 0xe4, SENSE_PGID: 0x34, SET_PGID: 0xaf, RDC: 0x64, RELEASE: 0x94, STLCK: 0x14,
  // virtio-ccw commands (QEMU hw/s390x/virtio-ccw.h CCW_CMD_*, devices/virtioTypes.ts)
  ...VIRTIO_CMD,
};

/** css §3.2 CCW flag bits. */
export const CCW_FLAGS: Readonly<Record<string, number>> = {
  CD: 0x80, CC: 0x40, SLI: 0x20, SKP: 0x10, PCI: 0x08, IDA: 0x04, S: 0x02, MIDA: 0x01,
};

export const DEVICE_TYPES = ['echo', 'dasd', 'terminal', 'virtio-net', 'virtio-blk', 'virtio-rng', 'virtio-balloon'] as const;
export type DeviceTypeName = typeof DEVICE_TYPES[number];
const VIRTIO_KINDS = ['net', 'blk', 'rng', 'balloon'] as const;

/** A device type: one word, or `virtio-KIND` (the lexer splits at the dash). */
export function deviceTypeName(c: Cursor): DeviceTypeName {
  const head = c.oneOf(['echo', 'dasd', 'terminal', 'virtio'] as const, 'a device type');
  if (head !== 'virtio') return head;
  c.expectOp('-');
  const t = c.peek();
  if (t?.kind === 'word' && !(VIRTIO_KINDS as readonly string[]).includes(t.text)) {
    c.fail('unknown virtio device type: expected virtio-net, virtio-blk, virtio-rng or virtio-balloon', t);
  }
  return `virtio-${c.oneOf(VIRTIO_KINDS, 'a virtio device type (net, blk, rng, balloon)')}`;
}

/** css §5.6 CHSC commands of the `chsc` statement. */
export const CHSC_COMMANDS: readonly ChscCommandName[] = ['ssd', 'scpd', 'sei', 'scsc', 'sda', 'secm', 'sadc', 'ssqd', 'code'];

export const CSS_STATEMENTS: readonly StatementDef[] = [
  {
    name: 'chpid', syntax: 'chpid XX [type T]', ref: 'css §1.1, §7',
    help: 'Defines a configured channel path. XX is hex as in chchp and sysfs (40 = 0x40).',
    parse(c) {
      const chpid = c.hexByte('a CHPID (hex, e.g. 40)');
      let type = 0x1b;
      if (c.peekWord('type')) {
        c.next();
        type = Number(c.number('a channel-path type'));
      }
      return { k: 'chpid', chpid, type };
    },
  },
  {
    name: 'device', syntax: 'device DEVNO schid SID type echo|dasd|terminal|virtio-net|virtio-blk|virtio-rng|virtio-balloon chpids XX[,XX...] [isc N] [enabled]', ref: 'css §1.1',
    help: 'Defines a device and its I/O subchannel. PIM/PAM come from the chpids; `enabled` sets PMCW.ENA as Linux would.',
    parse(c) {
      const devno = c.devno('a device number such as 0.0.1234');
      c.keyword('schid');
      const sch = c.schid('a subchannel id such as 0.0.0007');
      c.keyword('type');
      const type = deviceTypeName(c);
      c.keyword('chpids');
      const chpids = [c.hexByte('a CHPID')];
      while (c.peekPunct(',')) {
        c.next();
        chpids.push(c.hexByte('a CHPID'));
      }
      if (chpids.length > 8) c.fail('at most 8 CHPIDs per subchannel (css §1.1)');
      let isc = 3;
      let enabled = false;
      while (c.peek()) {
        if (c.peekWord('isc')) {
          c.next();
          isc = Number(c.number('an ISC 0-7'));
          if (isc > 7) c.fail('ISC must be 0-7 (css §1.1)');
        } else if (c.peekWord('enabled')) {
          c.next();
          enabled = true;
        } else c.fail("expected 'isc N' or 'enabled'");
      }
      return { k: 'device', devno, sch, type, chpids, isc, enabled };
    },
  },
  {
    name: 'data', syntax: 'data NAME at ADDR ascii "TEXT" | hex "00FF.." | zero N | fill BYTE N', ref: 'css §3.1',
    help: 'Places bytes in guest memory and names their address (usable as a CCW data address).',
    parse(c) {
      const name = c.word('a data name');
      c.keyword('at');
      const addr = c.address();
      const how = c.oneOf(['ascii', 'hex', 'zero', 'fill'], 'ascii, hex, zero or fill');
      let bytes: number[] = [];
      if (how === 'ascii') bytes = Array.from(c.string('a quoted string'), (ch) => ch.charCodeAt(0) & 0xff);
      else if (how === 'hex') {
        const s = c.string('quoted hex digits').replace(/\s+/g, '');
        if (!/^([0-9a-fA-F]{2})*$/.test(s)) c.fail('hex data must be pairs of hex digits');
        for (let i = 0; i < s.length; i += 2) bytes.push(parseInt(s.slice(i, i + 2), 16));
      } else if (how === 'zero') bytes = new Array<number>(c.count('a byte count')).fill(0);
      else {
        const b = Number(c.number('a fill byte'));
        bytes = new Array<number>(c.count('a byte count')).fill(b & 0xff);
      }
      return { k: 'data', name, addr, bytes };
    },
  },
  {
    name: 'idal', syntax: 'idal NAME at ADDR format 1|2 ADDR [ADDR...]', ref: 'css §3.5',
    help: 'Writes an IDAL (format-1: 4-byte IDAWs, format-2: 8-byte IDAWs) into guest memory.',
    parse(c) {
      const name = c.word('an IDAL name');
      c.keyword('at');
      const addr = c.address();
      c.keyword('format');
      const ft = c.peek();
      const f = Number(c.number('1 or 2'));
      if (f !== 1 && f !== 2) c.fail('IDAW format must be 1 or 2 (css §3.5)', ft);
      const entries: bigint[] = [];
      while (c.peek()) entries.push(c.number('an IDAW address'));
      if (entries.length === 0) c.fail('expected at least one IDAW address');
      return { k: 'idal', name, addr, format: f as 1 | 2, entries };
    },
  },
  {
    name: 'program', syntax: 'program NAME at ADDR [format 0|1]  …CCW lines…  end', ref: 'css §3',
    help: 'A channel program: one CCW a line, `[label:] CMD [FLAGS] [count N] [data ADDR|NAME]` or `TIC label`.',
    parse(c) {
      const name = c.word('a program name');
      c.keyword('at');
      const addr = c.address();
      let format: 0 | 1 = 1;
      if (c.peekWord('format')) {
        c.next();
        const ft = c.peek();
        const f = Number(c.number('0 or 1'));
        if (f !== 0 && f !== 1) c.fail('CCW format must be 0 or 1 (css §3.1)', ft);
        format = f as 0 | 1;
      }
      return { k: 'program', name, addr, format, ccws: [], endLine: 0 };
    },
  },
  {
    name: 'ssch', syntax: 'ssch SID|sid WORD [at ADDR] [orb-field=VALUE ... | orb words W0 W1 W2 [W3 … W7]]', ref: 'css §2, §5.1, §5.2',
    help: `START SUBCHANNEL with an ORB. Fields: ${ORB_FIELDS.join(' ')}. cpa may name a program. Defaults: fmt=1 pfch=1 lpm=0xff, others 0. \`at ADDR\` stores the ORB there first (alignment → specification exception); \`sid WORD\` passes a raw GR1 value (css §5.1 operand checks). \`orb words W0 W1 W2\` gives the ORB as raw 32-bit words, reserved bits included (8 words: the 32-byte ORB with its extension).`,
    parse(c) {
      const { sch, rawSid } = sidOperand(c);
      const at = atOperand(c);
      const orb: Record<string, AddrRef> = {};
      if (c.peekWord('orb')) {
        // css §2: the ORB as the program stores it, reserved bits included — 3 words (12 bytes)
        // or 8 (32 bytes, the ORB extension when word 1 bit 31 ORBX is set)
        c.next();
        c.keyword('words');
        const orbWords: number[] = [];
        while (c.peek()) {
          if (orbWords.length === 8) c.fail('an ORB is 3 words (12 bytes) or 8 words (32 bytes with ORBX) (css §2)');
          orbWords.push(u32(c, 'an ORB word', 'each ORB word is 32 bits (css §2)'));
        }
        if (orbWords.length !== 3 && orbWords.length !== 8) c.fail(`an ORB is 3 words (12 bytes) or 8 words (32 bytes with ORBX), got ${orbWords.length} (css §2)`);
        return withOpt({ k: 'ssch', sch, orb, orbWords }, at, rawSid);
      }
      while (c.peek()) {
        const tok = c.peek();
        const f = c.oneOf(ORB_FIELDS, 'an ORB field');
        if (f in orb) c.fail(`ORB field '${f}' given twice`, tok);
        c.expectOp('=');
        const vt = c.peek();
        orb[f] = f === 'cpa' ? addrRef(c, 'a channel-program address') : { num: c.number(`a value for ${f}`) };
        const d = ORB_FIELD.get(`orb.${f}`);
        const v = orb[f];
        if (d && 'num' in v && v.num > BigInt(fieldMax(d))) c.fail(`${d.name} is ${d.width} bit${d.width === 1 ? '' : 's'} wide: at most 0x${fieldMax(d).toString(16)} (${d.ref})`, vt);
      }
      return withOpt({ k: 'ssch', sch, orb }, at, rawSid);
    },
  },
  ...(['tsch', 'stsch', 'hsch', 'csch', 'xsch', 'rsch'] as const).map((instr): StatementDef => ({
    name: instr, syntax: `${instr} SID|sid WORD${instr === 'tsch' || instr === 'stsch' ? ' [at ADDR]' : ''}`, ref: 'css §5.1, §5.2, §5.3',
    help: {
      tsch: 'TEST SUBCHANNEL: stores the IRB (read it as irb.scsw.*), clears status if pending.',
      stsch: 'STORE SUBCHANNEL: stores the SCHIB (read it as schib.pmcw.* / schib.scsw.*).',
      hsch: 'HALT SUBCHANNEL.', csch: 'CLEAR SUBCHANNEL.', xsch: 'CANCEL SUBCHANNEL.', rsch: 'RESUME SUBCHANNEL.',
    }[instr],
    parse(c) {
      const { sch, rawSid } = sidOperand(c);
      const at = instr === 'tsch' || instr === 'stsch' ? atOperand(c) : undefined;
      return withOpt({ k: 'simple-sch', instr, sch }, at, rawSid);
    },
  })),
  {
    name: 'msch', syntax: 'msch SID|sid WORD [at ADDR] field=VALUE ...', ref: 'css §5.1, §5.3',
    help: `MODIFY SUBCHANNEL: changes only the program-modifiable PMCW fields (${MSCH_FIELDS.join(' ')}). The reserved bits ${MSCH_CHECKED_FIELDS.join(' ')} may be named to test MSCH's operand checks. \`at ADDR\` is the SCHIB operand address (alignment → specification exception); \`sid WORD\` passes a raw GR1 value (css §5.1).`,
    parse(c) {
      const { sch, rawSid } = sidOperand(c);
      // `at` is accepted but, like the reserved bits below, not offered by completion
      const isWord = (w: string) => c.peek()?.kind === 'word' && c.peek()?.text === w;
      const at = isWord('at') ? atOperand(c) : undefined;
      const changes: Array<{ field: string; value: number }> = [];
      while (c.peek()) {
        // the reserved bits are accepted but not offered by completion (they only test MSCH's checks)
        const reserved = MSCH_CHECKED_FIELDS.find(isWord);
        if (reserved) c.next();
        const field = reserved ?? c.oneOf(MSCH_FIELDS, 'a program-modifiable PMCW field');
        c.expectOp('=');
        const vt = c.peek();
        const value = c.number(`a value for ${field}`);
        const d = field === 'mba' ? undefined : SCHIB_FIELD.get(`pmcw.${field}`);
        const max = d ? BigInt(fieldMax(d)) : 0xffffffffffffffffn;
        if (value > max) c.fail(`pmcw.${field} is ${d?.width ?? 64} bits wide: at most 0x${max.toString(16)} (${d?.ref ?? 'css §1'})`, vt);
        changes.push({ field, value: Number(value) });
      }
      // with `at ADDR` the SCHIB operand is in guest memory: the fields are optional edits of it
      if (changes.length === 0 && at === undefined) c.fail('expected at least one field=VALUE (or `at ADDR`: MSCH takes the SCHIB image stored there)');
      return withOpt({ k: 'msch', sch, changes }, at, rawSid);
    },
  },
  {
    name: 'tpi', syntax: 'tpi [at ADDR]', ref: 'css §5.1, §5.4',
    help: 'TEST PENDING INTERRUPTION: cc 1 and the interruption code if one is pending. `at ADDR` stores the 8-byte code (SID word, intparm) there (word aligned, else specification exception); `at 0` stores the 12-byte code (SID word, intparm, interruption-identification word) into the lowcore at 0xB8–0xC3.',
    parse(c) {
      return withOpt({ k: 'tpi' as const }, atOperand(c));
    },
  },
  {
    name: 'cr6', syntax: 'cr6 MASK', ref: 'css §5.4',
    help: "Sets the guest's control register 6, the I/O-interruption subclass mask: ISC n is enabled when bit (0x80 >> n) << 24 is set. TPI and `wait interrupt` see only enabled ISCs. Default 0xff000000.",
    parse(c) {
      return { k: 'cr6', value: u32(c, 'a CR6 value such as 0x10000000', 'CR6 is a 32-bit value here (the ISC mask is in bits 0-7)') };
    },
  },
  {
    name: 'wait', syntax: 'wait [interrupt|idle]', ref: 'css §5.4',
    help: 'Lets the channel run: until an I/O interruption is pending (default) or until nothing is left to do.',
    parse(c) {
      const until = c.peek() ? (c.oneOf(['interrupt', 'idle'], 'interrupt or idle') as 'interrupt' | 'idle') : 'interrupt';
      return { k: 'wait', until };
    },
  },
];

/** `SID` (0.0.0007) or `sid WORD` (a raw GR1 value for the operand checks of css §5.1). */

/** Parses one CCW line inside a program block (css §3.1–3.3). */
export function parseCcwLine(c: Cursor, format: 0 | 1): Omit<CcwLine, 'line' | 'text'> {
  let label: string | undefined;
  const first = c.peek();
  const second = c.peekAt(1);
  if (first?.kind === 'word' && second?.kind === 'punct' && second.text === ':') {
    label = first.text;
    c.next();
    c.next();
  }
  let cmd: number;
  let cmdName: string;
  const t = c.peek();
  if (t?.kind === 'number') {
    cmd = Number(c.number('a command code'));
    if (cmd > 0xff) c.fail('a command code is one byte');
    cmdName = '0x' + cmd.toString(16).padStart(2, '0');
  } else {
    cmdName = c.oneOf(Object.keys(CCW_COMMANDS), 'a CCW command (WRITE, READ, NOP, SENSE, SENSE_ID, TIC, ...) or a code');
    cmd = CCW_COMMANDS[cmdName];
  }
  if (cmdName === 'TIC') {
    const cda = addrRef(c, 'a TIC target label or address');
    c.end();
    return label === undefined ? { cmd, cmdName, flags: 0, count: 0, cda } : { label, cmd, cmdName, flags: 0, count: 0, cda };
  }
  let flags = 0;
  let count = 0;
  let cda: AddrRef = { num: 0n };
  while (c.peek()) {
    const w = c.peek()!;
    if (w.kind === 'word' && w.text in CCW_FLAGS) {
      c.next();
      flags |= CCW_FLAGS[w.text];
    } else if (w.kind === 'op' && w.text === '|') {
      c.next();
    } else if (c.peekWord('count')) {
      c.next();
      const tok = c.peek();
      const n = c.number('a byte count');
      if (n > 0xffffn) c.fail('a CCW count is 16 bits (css §3.1)', tok);
      count = Number(n);
    } else if (c.peekWord('data')) {
      c.next();
      cda = addrRef(c, 'a data address or name');
    } else if (c.peekWord('flags')) {
      c.next();
      flags |= Number(c.number('a flags byte')) & 0xff;
    } else {
      c.fail(`expected a CCW flag (${Object.keys(CCW_FLAGS).join(' ')}), 'count N' or 'data ADDR'`);
    }
  }
  void format;
  return label === undefined ? { cmd, cmdName, flags, count, cda } : { label, cmd, cmdName, flags, count, cda };
}
