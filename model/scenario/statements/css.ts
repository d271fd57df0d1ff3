/** Channel-subsystem statements: paths, devices, memory contents, channel programs, I/O instructions (css §1–6). */
import type { AddrRef, CcwLine } from '../ast';
import type { Cursor } from '../cursor';
import type { StatementDef } from './types';
import { addrRef } from './common';

export const ORB_FIELDS = [
  'intparm', 'key', 'spnd', 'str', 'mod', 'sync', 'fmt', 'pfch', 'isic', 'alcc', 'ssic', 'b', 'c64', 'i2k', 'lpm',
  'ils', 'midaw', 'orbx', 'cpa',
] as const;

/** PMCW fields MSCH may change (css §5.3), by their short names. */
export const MSCH_FIELDS = ['intparm', 'isc', 'ena', 'lm', 'mme', 'mp', 'lpm', 'mbi', 'pom', 'mbfc', 'csense', 'mba'] as const;

/** css §3.3 command codes by the names Linux and the architecture use. */
export const CCW_COMMANDS: Readonly<Record<string, number>> = {
  WRITE: 0x01, READ: 0x02, NOP: 0x03, CONTROL: 0x03, SENSE: 0x04, TIC: 0x08, READ_BACKWARD: 0x0c,
  SENSE_ID: 0xe4, SENSE_PGID: 0x34, SET_PGID: 0xaf, RDC: 0x64, RELEASE: 0x94, STLCK: 0x14,
};

/** css §3.2 CCW flag bits. */
export const CCW_FLAGS: Readonly<Record<string, number>> = {
  CD: 0x80, CC: 0x40, SLI: 0x20, SKP: 0x10, PCI: 0x08, IDA: 0x04, S: 0x02, MIDA: 0x01,
};

const DEVICE_TYPES = ['echo', 'dasd', 'terminal'] as const;

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
    name: 'device', syntax: 'device DEVNO schid SID type echo|dasd|terminal chpids XX[,XX...] [isc N] [enabled]', ref: 'css §1.1',
    help: 'Defines a device and its I/O subchannel. PIM/PAM come from the chpids; `enabled` sets PMCW.ENA as Linux would.',
    parse(c) {
      const devno = c.devno('a device number such as 0.0.1234');
      c.keyword('schid');
      const sch = c.schid('a subchannel id such as 0.0.0007');
      c.keyword('type');
      const type = c.oneOf(DEVICE_TYPES, 'a device type') as 'echo' | 'dasd' | 'terminal';
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
      const f = Number(c.number('1 or 2'));
      if (f !== 1 && f !== 2) c.fail('IDAW format must be 1 or 2 (css §3.5)');
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
        const f = Number(c.number('0 or 1'));
        if (f !== 0 && f !== 1) c.fail('CCW format must be 0 or 1 (css §3.1)');
        format = f as 0 | 1;
      }
      return { k: 'program', name, addr, format, ccws: [], endLine: 0 };
    },
  },
  {
    name: 'ssch', syntax: 'ssch SID [orb-field=VALUE ...]', ref: 'css §2, §5.2',
    help: `START SUBCHANNEL with an ORB. Fields: ${ORB_FIELDS.join(' ')}. cpa may name a program. Defaults: fmt=1 pfch=1 lpm=0xff, others 0.`,
    parse(c) {
      const sch = c.schid('a subchannel id such as 0.0.0007');
      const orb: Record<string, AddrRef> = {};
      while (c.peek()) {
        const f = c.oneOf(ORB_FIELDS, 'an ORB field');
        c.expectOp('=');
        orb[f] = f === 'cpa' ? addrRef(c, 'a channel-program address') : { num: c.number(`a value for ${f}`) };
      }
      return { k: 'ssch', sch, orb };
    },
  },
  ...(['tsch', 'stsch', 'hsch', 'csch', 'xsch', 'rsch'] as const).map((instr): StatementDef => ({
    name: instr, syntax: `${instr} SID`, ref: 'css §5.2, §5.3',
    help: {
      tsch: 'TEST SUBCHANNEL: stores the IRB (read it as irb.scsw.*), clears status if pending.',
      stsch: 'STORE SUBCHANNEL: stores the SCHIB (read it as schib.pmcw.* / schib.scsw.*).',
      hsch: 'HALT SUBCHANNEL.', csch: 'CLEAR SUBCHANNEL.', xsch: 'CANCEL SUBCHANNEL.', rsch: 'RESUME SUBCHANNEL.',
    }[instr],
    parse: (c) => ({ k: 'simple-sch', instr, sch: c.schid('a subchannel id such as 0.0.0007') }),
  })),
  {
    name: 'msch', syntax: 'msch SID field=VALUE ...', ref: 'css §5.3',
    help: `MODIFY SUBCHANNEL: changes only the program-modifiable PMCW fields (${MSCH_FIELDS.join(' ')}).`,
    parse(c) {
      const sch = c.schid('a subchannel id');
      const changes: Array<{ field: string; value: number }> = [];
      while (c.peek()) {
        const field = c.oneOf(MSCH_FIELDS, 'a program-modifiable PMCW field');
        c.expectOp('=');
        changes.push({ field, value: Number(c.number(`a value for ${field}`)) });
      }
      if (changes.length === 0) c.fail('expected at least one field=VALUE');
      return { k: 'msch', sch, changes };
    },
  },
  {
    name: 'tpi', syntax: 'tpi', ref: 'css §5.4', help: 'TEST PENDING INTERRUPTION: cc 1 and the interruption code if one is pending.',
    parse: () => ({ k: 'tpi' }),
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
