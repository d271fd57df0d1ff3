/** Channel-subsystem statements: paths, devices, memory contents, channel programs, I/O instructions (css §1–6). */
import { parseMachineSei } from './vfio';
import type { AddrRef, CcwLine, ChscCommandName, CssStmt, DeviceRuleSpec } from '../ast';
import type { Cursor } from '../cursor';
import type { StatementDef } from './types';
import { addrRef } from './common';
import { ORB_FIELD } from '../../css/orb';
import { SCHIB_FIELD, fieldMax } from '../../css/fields';

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
};

/** css §3.2 CCW flag bits. */
export const CCW_FLAGS: Readonly<Record<string, number>> = {
  CD: 0x80, CC: 0x40, SLI: 0x20, SKP: 0x10, PCI: 0x08, IDA: 0x04, S: 0x02, MIDA: 0x01,
};

const DEVICE_TYPES = ['echo', 'dasd', 'terminal'] as const;

/** css §5.6 CHSC commands of the `chsc` statement. */
export const CHSC_COMMANDS: readonly ChscCommandName[] = ['ssd', 'scpd', 'sei', 'scsc', 'sda', 'secm', 'sadc', 'ssqd', 'code'];
type CssStmtBody = CssStmt;

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
    name: 'ssch', syntax: 'ssch SID|sid WORD [at ADDR] [orb-field=VALUE ...]', ref: 'css §2, §5.1, §5.2',
    help: `START SUBCHANNEL with an ORB. Fields: ${ORB_FIELDS.join(' ')}. cpa may name a program. Defaults: fmt=1 pfch=1 lpm=0xff, others 0. \`at ADDR\` stores the ORB there first (alignment → specification exception); \`sid WORD\` passes a raw GR1 value (css §5.1 operand checks).`,
    parse(c) {
      const { sch, rawSid } = sidOperand(c);
      const at = atOperand(c);
      const orb: Record<string, AddrRef> = {};
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
      if (changes.length === 0) c.fail('expected at least one field=VALUE');
      return withOpt({ k: 'msch', sch, changes }, at, rawSid);
    },
  },
  {
    name: 'tpi', syntax: 'tpi [at ADDR]', ref: 'css §5.1, §5.4',
    help: 'TEST PENDING INTERRUPTION: cc 1 and the interruption code if one is pending. `at ADDR` stores the 8-byte code there (word aligned, else specification exception; native topology).',
    parse(c) {
      const at = atOperand(c);
      return at === undefined ? { k: 'tpi' } : { k: 'tpi', at };
    },
  },
  {
    name: 'cr6', syntax: 'cr6 MASK', ref: 'css §5.4',
    help: "Sets the guest's control register 6, the I/O-interruption subclass mask: ISC n is enabled when bit (0x80 >> n) << 24 is set. TPI and `wait interrupt` see only enabled ISCs. Default 0xff000000.",
    parse(c) {
      const t = c.peek();
      const v = c.number('a CR6 value such as 0x10000000');
      if (v > 0xffffffffn) c.fail('CR6 is a 32-bit value here (the ISC mask is in bits 0-7)', t);
      return { k: 'cr6', value: Number(v) };
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
function sidOperand(c: Cursor): { sch: number; rawSid?: number } {
  if (c.peekWord('sid')) {
    c.next();
    const t = c.peek();
    const v = c.number('a 32-bit subchannel-identification word');
    if (v > 0xffffffffn) c.fail('a SID is a 32-bit word (css §5.1)', t);
    return { sch: Number(v & 0xffffn), rawSid: Number(v) };
  }
  return { sch: c.schid('a subchannel id such as 0.0.0007 (or sid 0x0001NNNN)') };
}

/** Optional `at ADDR`: the instruction's second-operand address (css §5.1). */
function atOperand(c: Cursor): number | undefined {
  if (!c.peekWord('at')) return undefined;
  c.next();
  return c.address();
}

function withOpt<T extends object>(o: T, at: number | undefined, rawSid?: number): T & { at?: number; rawSid?: number } {
  const r: T & { at?: number; rawSid?: number } = { ...o };
  if (at !== undefined) r.at = at;
  if (rawSid !== undefined) r.rawSid = rawSid;
  return r;
}

/** A word that may contain dashes (`path-failure`, `not-oper`): the lexer splits them. */
function dashedWord(c: Cursor, what: string): string {
  let w = c.word(what);
  while (c.peekOp('-') && c.peekAt(1)?.kind === 'word') {
    c.next();
    w += '-' + c.word(what);
  }
  return w;
}

function hexBytes(c: Cursor, what: string): number[] {
  const t = c.peek();
  const s = c.string(what).replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(s)) c.fail('hex data must be pairs of hex digits', t);
  const out: number[] = [];
  for (let i = 0; i < s.length; i += 2) out.push(parseInt(s.slice(i, i + 2), 16));
  return out;
}

function byteValue(c: Cursor, what: string): number {
  const t = c.peek();
  const v = c.number(what);
  if (v > 0xffn) c.fail(`${what} is one byte (0-0xff)`, t);
  return Number(v);
}

function u16(c: Cursor, what: string): number {
  const t = c.peek();
  const v = c.number(what);
  if (v > 0xffffn) c.fail(`${what} is 16 bits (0-0xffff)`, t);
  return Number(v);
}

function deviceTail(c: Cursor): { isc: number; enabled: boolean } {
  let isc = 3;
  let enabled = false;
  while (c.peek()) {
    if (c.peekWord('isc')) {
      c.next();
      const t = c.peek();
      isc = Number(c.number('an ISC 0-7'));
      if (isc > 7) c.fail('ISC must be 0-7 (css §1.1)', t);
    } else if (c.peekWord('enabled')) {
      c.next();
      enabled = true;
    } else c.fail("expected 'isc N' or 'enabled'");
  }
  return { isc, enabled };
}

function chpidList(c: Cursor): number[] {
  const chpids = [c.hexByte('a CHPID')];
  while (c.peekPunct(',')) {
    c.next();
    chpids.push(c.hexByte('a CHPID'));
  }
  if (chpids.length > 8) c.fail('at most 8 CHPIDs per subchannel (css §1.1)');
  return chpids;
}

const RULE_ACTIONS = ['data', 'accept', 'residual', 'dstat', 'sense', 'busy', 'reject', 'delay', 'attention', 'times'] as const;

/** css §4–§6 machine events, channel paths, CRWs, device rules and CHSC. */
export const CSS_EVENT_STATEMENTS: readonly StatementDef[] = [
  {
    name: 'devices', syntax: 'devices FIRST-LAST schid SID type echo|dasd|terminal chpids XX[,XX...] [isc N] [enabled]', ref: 'css §1.1',
    help: 'Defines a range of devices, one subchannel each, numbered upwards from SID (e.g. 65,536 echo devices for a benchmark).',
    parse(c) {
      const devno = c.devno('the first device number');
      c.expectOp('-');
      const t = c.peek();
      const last = c.devno('the last device number');
      if (last < devno) c.fail('the last device number must not be below the first', t);
      c.keyword('schid');
      const st = c.peek();
      const sch = c.schid('the first subchannel id');
      const count = last - devno + 1;
      if (sch + count > 0x10000) c.fail(`subchannels 0.0.${sch.toString(16).padStart(4, '0')} + ${count} exceed 0.0.ffff (css §5.1)`, st);
      c.keyword('type');
      const type = c.oneOf(DEVICE_TYPES, 'a device type') as 'echo' | 'dasd' | 'terminal';
      c.keyword('chpids');
      const chpids = chpidList(c);
      return { k: 'devices', devno, count, sch, type, chpids, ...deviceTail(c) };
    },
  },
  {
    name: 'stcrw', syntax: 'stcrw [at ADDR]', ref: 'css §6.1, §6.3',
    help: 'STORE CHANNEL REPORT WORD: cc 0 and the oldest CRW (read it as crw.raw, crw.rsc, crw.erc, crw.rsid, crw.sol, crw.oflw, crw.chn, crw.anc), or cc 1 and zero.',
    parse(c) {
      const at = atOperand(c);
      return at === undefined ? { k: 'stcrw' } : { k: 'stcrw', at };
    },
  },
  {
    name: 'configure', syntax: 'configure chpid XX on|off', ref: 'css §6.2, §7.2',
    help: 'Machine-level SCLP configure (on) or deconfigure to standby (off) of a channel path: the PAM bit of every subchannel using it is set or cleared [unverified: chosen]; no CRW [unverified: chosen].',
    parse(c) {
      c.keyword('chpid');
      const chpid = c.hexByte('a CHPID (hex)');
      const on = c.oneOf(['on', 'off'], 'on or off') === 'on';
      return { k: 'configure-chpid', chpid, on };
    },
  },
  {
    name: 'machine', syntax: 'machine chpid XX online|offline | path-failure SID XX | path-repair SID XX | not-oper SID | oper SID | start-not-oper SID [paths=0xNN] | start-oper SID | dnv SID 0|1 | unsolicited SID [dstat=0xNN] | crw rsc=N erc=N rsid=N [sol] [chn] [anc] [oflw] | sei res-acc|chp-config|link-incident|chp-avail|overflow …', ref: 'css §5.4, §5.5, §5.6, §6',
    help: 'Machine events: a channel path going offline/online (CRW RSC 4 ERC 6/2, PAM), the device not answering on one path or on all (PNOM, deferred cc 3), the subchannel not operational for SSCH on some or all paths (immediate cc 3) or its device number no longer valid (PMCW.DNV 0: cc 3 for every subchannel instruction), unsolicited device status (attention 0x80 by default), any CRW, or (vfio topology) a CHSC event for the host: sei res-acc XX | sei chp-config XX[,XX…] configure|deconfigure|cancel | sei link-incident XX | sei chp-avail XX | sei overflow (CRW RSC 0xB, the host runs the SEI loop).',
    parse(c) {
      const what = dashedWord(c, 'chpid, path-failure, path-repair, not-oper, oper, start-not-oper, start-oper, dnv, unsolicited, crw or sei');
      switch (what) {
        case 'sei':
          return parseMachineSei(c); // vfio topology: CHSC SEI events for the host (statements/vfio.ts)
        case 'chpid': {
          const chpid = c.hexByte('a CHPID (hex)');
          const event = c.oneOf(['online', 'offline'], 'online or offline') as 'online' | 'offline';
          return { k: 'machine-chpid', chpid, event };
        }
        case 'path-failure': case 'path-repair': {
          const sch = c.schid('a subchannel id');
          const chpid = c.hexByte('the CHPID of the path (hex)');
          return { k: 'machine-path', sch, chpid, failed: what === 'path-failure' };
        }
        case 'not-oper': case 'oper':
          return { k: 'machine-oper', sch: c.schid('a subchannel id'), operational: what === 'oper' };
        case 'start-not-oper': case 'start-oper': {
          // css §5.2, §5.5: immediate SSCH cc 3 on the paths given (default every path)
          const sch = c.schid('a subchannel id');
          let mask = what === 'start-oper' ? 0 : 0xff;
          if (what === 'start-not-oper' && c.peekWord('paths')) {
            c.next();
            c.expectOp('=');
            const t = c.peek();
            mask = byteValue(c, 'a path mask');
            if (!mask) c.fail('paths=0 makes no path not operational; use machine start-oper SID', t);
          }
          return { k: 'machine-start-oper', sch, mask };
        }
        case 'dnv': {
          // css §5.2: PMCW.DNV = 0 → not operational for the subchannel instructions
          const sch = c.schid('a subchannel id');
          const t = c.peek();
          const v = c.number('0 or 1');
          if (v > 1n) c.fail('dnv is 0 or 1', t);
          return { k: 'machine-dnv', sch, valid: v === 1n };
        }
        case 'unsolicited': {
          const sch = c.schid('a subchannel id');
          let dstat = 0x80;
          if (c.peekWord('dstat')) {
            c.next();
            c.expectOp('=');
            dstat = byteValue(c, 'a unit status');
          }
          return { k: 'machine-unsolicited', sch, dstat };
        }
        case 'crw': {
          const v: Record<string, number> = {};
          const flags = { sol: false, chn: false, anc: false, oflw: false };
          while (c.peek()) {
            const tok = c.peek();
            const w = c.oneOf(['rsc', 'erc', 'rsid', 'sol', 'chn', 'anc', 'oflw'], 'rsc=, erc=, rsid= or a flag sol chn anc oflw');
            if (w in flags) {
              flags[w as keyof typeof flags] = true;
              continue;
            }
            c.expectOp('=');
            const max = w === 'rsc' ? 0xfn : w === 'erc' ? 0x3fn : 0xffffn;
            const vt = c.peek();
            const n = c.number(`a value for ${w}`);
            if (n > max) c.fail(`crw.${w} is at most 0x${max.toString(16)} (css §6.1)`, vt);
            if (w in v) c.fail(`'${w}' given twice`, tok);
            v[w] = Number(n);
          }
          for (const need of ['rsc', 'erc', 'rsid']) if (!(need in v)) c.fail(`expected ${need}=N (css §6.1)`);
          return { k: 'machine-crw', rsc: v.rsc, erc: v.erc, rsid: v.rsid, ...flags };
        }
      }
      return c.fail(`unknown machine event '${what}': expected chpid, path-failure, path-repair, not-oper, oper, start-not-oper, start-oper, dnv, unsolicited, crw or sei`);
    },
  },
  {
    name: 'rule', syntax: 'rule SID cmd=CODE|NAME ACTION...', ref: 'css §3.3, §4',
    help: 'Scripts the device of SID for one command: data "TEXT" | data hex "HEX" (bytes the device offers), accept N (bytes it takes), residual N (moves count−N bytes), dstat=0xNN (unit status added to CE+DE), sense "HEX" (sense bytes afterwards), busy, reject, delay N (time units before the command starts), attention [N] (unsolicited attention N units after the command), times N (rule applies N times).',
    parse(c) {
      const sch = c.schid('a subchannel id');
      c.keyword('cmd');
      c.expectOp('=');
      const ct = c.peek();
      let cmd: number;
      if (ct?.kind === 'word') cmd = CCW_COMMANDS[c.oneOf(Object.keys(CCW_COMMANDS), 'a command code or name')];
      else cmd = byteValue(c, 'a command code');
      if (cmd === CCW_COMMANDS.TIC) c.fail('TIC is executed by the channel, not by the device (css §3.4)', ct);
      const rule: DeviceRuleSpec = { cmd };
      const seen = new Set<string>();
      while (c.peek()) {
        const tok = c.peek();
        const a = c.oneOf(RULE_ACTIONS, `a rule action (${RULE_ACTIONS.join(', ')})`);
        if (seen.has(a)) c.fail(`rule action '${a}' given twice`, tok);
        seen.add(a);
        switch (a) {
          case 'data':
            if (c.peekWord('hex')) {
              c.next();
              rule.data = hexBytes(c, 'quoted hex digits');
            } else rule.data = Array.from(c.string('a quoted string or hex "…"'), (ch) => ch.charCodeAt(0) & 0xff);
            break;
          case 'accept': rule.accept = u16(c, 'a byte count'); break;
          case 'residual': rule.residual = u16(c, 'a residual count'); break;
          case 'dstat': c.expectOp('='); rule.dstat = byteValue(c, 'a unit status'); break;
          case 'sense': rule.sense = hexBytes(c, 'quoted hex sense bytes'); if (rule.sense.length > 32) c.fail('at most 32 sense bytes (css §3.3 SENSE_MAX_COUNT)', tok); break;
          case 'busy': rule.busy = true; break;
          case 'reject': rule.reject = true; break;
          case 'delay': rule.delay = u16(c, 'a delay in time units'); break;
          case 'attention': rule.attention = c.peek()?.kind === 'number' ? u16(c, 'a delay') : 1; break;
          case 'times': rule.times = u16(c, 'a count'); if (rule.times === 0) c.fail('times must be at least 1', tok); break;
        }
      }
      if (rule.data && rule.accept !== undefined) c.fail("a rule has either 'data' (input) or 'accept' (output), not both");
      if ((rule.busy || rule.reject) && (rule.data || rule.accept !== undefined || rule.residual !== undefined)) c.fail("'busy' and 'reject' transfer no data");
      return { k: 'rule', sch, rule };
    },
  },
  {
    name: 'chsc', syntax: 'chsc ssd SID [to SID] | chsc scpd XX [to XX] | chsc sei|scsc|secm|sadc|ssqd | chsc sda mcsse|mss|N | chsc code N  [len N] [param0|param1|param2 WORD] [at ADDR]', ref: 'css §5.6',
    help: 'CHANNEL SUBSYSTEM CALL: store subchannel description (ssd), store channel-path description (scpd), store event information (sei: one pending event, 0x0005 no data when none), store CSS characteristics (scsc), set domain attributes (sda: enable MCSS-E / MSS), and secm / sadc / ssqd (answered 0x0004 not installed); `code N` sends any command code N (css §5.6: an unimplemented one → 0x0004, QEMU). Results: chsc.code, chsc.len and the response fields (ssd: sch_valid dev_valid st devno path_mask sch chpid0..7; scpd: flags desc chpid; sei: flags rs cc fla rsid ccdf0; scsc: general0..3 chsc0..3). `len N` and `paramN WORD` override the request (css §5.6 request errors); `at ADDR` builds the request block in guest memory (4K aligned).',
    parse(c) {
      const command = c.oneOf(CHSC_COMMANDS, CHSC_COMMANDS.join(', ')) as ChscCommandName;
      let first = 0;
      let last = 0;
      if (command === 'ssd' || command === 'scpd') {
        first = command === 'ssd' ? c.schid('a subchannel id') : c.hexByte('a CHPID (hex)');
        last = first;
        if (c.peekWord('to')) {
          c.next();
          last = command === 'ssd' ? c.schid('a subchannel id') : c.hexByte('a CHPID (hex)');
        }
      } else if (command === 'code') {
        // css §5.6: a raw request command code (QEMU answers unimplemented ones 0x0004)
        first = u16(c, 'a CHSC command code');
      } else if (command === 'sda') {
        // css §5.6 SDA operation code: 0 enable MCSS-E, 2 enable MSS
        const t = c.peek();
        if (t?.kind === 'number') first = u16(c, 'an SDA operation code');
        else first = c.oneOf(['mcsse', 'mss'], 'mcsse, mss or an operation code') === 'mcsse' ? 0 : 2;
      }
      const st: Extract<CssStmtBody, { k: 'chsc' }> = { k: 'chsc', command, first, last };
      while (c.peek() && !c.peekWord('at')) {
        const tok = c.peek();
        const w = c.oneOf(['len', 'param0', 'param1', 'param2'], "'len N', 'paramN WORD' or 'at ADDR'");
        const vt = c.peek();
        const v = c.number(w === 'len' ? 'a request length' : 'a 32-bit word');
        if (w === 'len') {
          if (st.len !== undefined) c.fail("'len' given twice", tok);
          if (v > 0xffffn) c.fail('the request length is a halfword (css §5.6)', vt);
          st.len = Number(v);
        } else {
          if (v > 0xffffffffn) c.fail(`${w} is a 32-bit word`, vt);
          st.params ??= [undefined, undefined, undefined];
          st.params[Number(w.slice(5))] = Number(v);
        }
      }
      const at = atOperand(c);
      if (at !== undefined) st.at = at;
      return st;
    },
  },
  {
    name: 'sal', syntax: 'sal LIMIT', ref: 'css §5.1',
    help: 'SET ADDRESS LIMIT: GR1 = LIMIT (bit 0 and bits 16–31 must be zero, else operand exception). Data addresses of a start with ORB alcc=1 are then checked against it when PMCW LM is 01 (at or above) or 10 (below) [unverified: chosen program check].',
    parse(c) {
      const t = c.peek();
      const v = c.number('an address limit (GR1)');
      if (v > 0xffffffffn) c.fail('GR1 is a 32-bit word here (css §5.1)', t);
      return { k: 'sal', gr1: Number(v) };
    },
  },
  {
    name: 'stcps', syntax: 'stcps [at ADDR]', ref: 'css §5.1',
    help: 'STORE CHANNEL PATH STATUS: the 256-bit mask of CHPIDs in use by an active subchannel (Hercules); read it as cpsw(XX) and cpsw.count. `at ADDR` stores the 32 bytes there (32-byte boundary, else specification exception [unverified: chosen]).',
    parse(c) {
      const at = atOperand(c);
      return at === undefined ? { k: 'stcps' } : { k: 'stcps', at };
    },
  },
  {
    name: 'rchp', syntax: 'rchp XX | rchp gr1 WORD', ref: 'css §5.1, §5.2, §6.3',
    help: 'RESET CHANNEL PATH: cc 0 reset initiated (a solicited CRW RSC 4 ERC 2 follows when the reset ends: `wait idle`), cc 2 a reset of that CHPID is still in progress [unverified: chosen], cc 3 CHPID not installed. `gr1 WORD` passes a raw GR1 (reserved bits → operand exception).',
    parse(c) {
      if (c.peekWord('gr1')) {
        c.next();
        const t = c.peek();
        const v = c.number('a GR1 word');
        if (v > 0xffffffffn) c.fail('GR1 is a 32-bit word here (css §5.1)', t);
        return { k: 'rchp', gr1: Number(v) };
      }
      return { k: 'rchp', gr1: c.hexByte('a CHPID (hex)') };
    },
  },
  {
    name: 'schm', syntax: 'schm on origin ADDR [key N] [dct] | schm off | schm gr1 WORD [gr2 WORD]', ref: 'css §5.1, §1.1',
    help: 'SET CHANNEL MONITOR: `on` enables measurement-block updates with the format-0 area at ADDR (32-byte aligned); a subchannel with PMCW mme=2 then counts SSCH/RSCH (and, chosen, samples and connect time) in its block: at ADDR + MBI×32 (format 0) or at its MBA (mbfc=1, format 1). Read it as mb(SID).FIELD. `gr1`/`gr2` pass raw registers (reserved bits, unaligned origin → operand exception).',
    parse(c) {
      if (c.peekWord('gr1')) {
        c.next();
        const t = c.peek();
        const g1 = c.number('a GR1 word');
        if (g1 > 0xffffffffn) c.fail('GR1 is a 32-bit word here (css §5.1)', t);
        let g2 = 0n;
        if (c.peekWord('gr2')) {
          c.next();
          g2 = c.number('a GR2 value (measurement-block origin)');
        }
        return { k: 'schm', gr1: Number(g1), gr2: Number(g2) };
      }
      const on = c.oneOf(['on', 'off'], "on, off or 'gr1 WORD'") === 'on';
      let gr1 = on ? 2 : 0;
      let gr2 = 0;
      if (on) {
        c.keyword('origin');
        gr2 = c.address();
      }
      while (c.peek()) {
        if (c.peekWord('key')) {
          c.next();
          const t = c.peek();
          const k = c.number('a storage key 0-15');
          if (k > 15n) c.fail('the measurement-block key is 4 bits (css §5.1)', t);
          gr1 |= Number(k) << 28;
        } else {
          c.keyword('dct');
          gr1 |= 1;
        }
      }
      return { k: 'schm', gr1: gr1 >>> 0, gr2 };
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
