/**
 * The statement table: every statement's name, syntax, one-line help and parser, in one place
 * shared by the parser, the REPL's `help`, completion and docs/language.md (STYLE §8).
 */
import type { AddrRef, CcwLine, CompareOp, Expr, Stmt } from './ast';
import { Cursor } from './cursor';
import { parseKernelVersion } from '../kernel/version';
import { FOLL_FLAGS } from '../linux/mm/foll';

type StmtBody = Stmt extends infer S ? (S extends unknown ? Omit<S, 'line' | 'text'> : never) : never;

export interface StatementDef {
  name: string;
  syntax: string;
  help: string;
  /** Reference section the statement's semantics come from. */
  ref: string;
  parse(c: Cursor): StmtBody;
}

export const ORB_FIELDS = [
  'intparm', 'key', 'spnd', 'str', 'mod', 'sync', 'fmt', 'pfch', 'isic', 'alcc', 'ssic', 'b', 'c64', 'i2k', 'lpm',
  'ils', 'midaw', 'orbx', 'cpa',
] as const;

/** PMCW fields MSCH may change (css §5.3), by their short names. */
export const MSCH_FIELDS = ['intparm', 'isc', 'ena', 'lm', 'mme', 'mp', 'lpm', 'mbi', 'pom', 'mbfc', 'csense', 'mba'] as const;

export const GUP_APIS = [
  'get_user_pages', 'get_user_pages_fast', 'get_user_pages_remote', 'get_user_pages_unlocked', 'get_user_pages_fast_only',
  'pin_user_pages', 'pin_user_pages_fast', 'pin_user_pages_remote', 'pin_user_pages_unlocked', 'pin_user_pages_fast_only',
] as const;

export const RELEASE_APIS = ['unpin_user_page', 'unpin_user_pages', 'unpin_user_pages_dirty_lock', 'put_page'] as const;

export const VMA_KINDS = ['anon', 'anon-shared', 'file', 'shmem', 'hugetlb', 'thp', 'secretmem', 'pfnmap', 'io', 'dax'] as const;

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
const COMPARE_OPS: CompareOp[] = ['==', '!=', '<=', '>=', '<', '>'];

function addrRef(c: Cursor, what: string): AddrRef {
  const t = c.peek();
  if (t?.kind === 'word') {
    c.next();
    let offset = 0n;
    if (c.peekOp('+')) {
      c.next();
      offset = c.number('an offset after +');
    }
    return { name: t.text, offset, col: t.col };
  }
  return { num: c.number(what) };
}

export function parseExpr(c: Cursor): Expr {
  const t = c.peek();
  if (!t) c.fail('expected a value or a field path');
  if (t.kind === 'number') return { k: 'num', value: c.number('a number') };
  if (t.kind === 'string') {
    c.next();
    return { k: 'str', value: t.text };
  }
  if (t.kind === 'op' && t.text === '-') {
    c.next();
    return { k: 'num', value: -c.number('a number after -') };
  }
  const head = c.word('a field path such as cc, irb.scsw.stctl or page(proc, addr).refcount');
  const args: Expr[] = [];
  if (c.peekPunct('(')) {
    c.next();
    while (!c.peekPunct(')')) {
      const a = c.peek();
      if (a?.kind === 'busid') {
        c.next();
        args.push({ k: 'num', value: BigInt(c.busNumber(a)) });
      } else args.push(parseExpr(c));
      if (c.peekPunct(',')) c.next();
      else if (!c.peekPunct(')')) c.fail("expected ',' or ')'");
    }
    c.next();
  }
  const parts: Array<{ field: string } | { index: number }> = [];
  for (;;) {
    if (c.peekPunct('.')) {
      c.next();
      parts.push({ field: c.word('a field name after .') });
    } else if (c.peekPunct('[')) {
      c.next();
      parts.push({ index: Number(c.number('an index')) });
      c.expectPunct(']');
    } else break;
  }
  return { k: 'path', head, args, parts, col: t.col };
}

function parseCompare(c: Cursor): { op: CompareOp } {
  const t = c.peek();
  if (t?.kind === 'op' && (COMPARE_OPS as string[]).includes(t.text)) {
    c.next();
    return { op: t.text as CompareOp };
  }
  return c.fail(`expected a comparison (${COMPARE_OPS.join(' ')})`);
}

function parseFlags(c: Cursor): string[] {
  const flags: string[] = [];
  if (!c.peek() || c.peekOp('->')) return flags;
  for (;;) {
    const t = c.peek();
    if (t?.kind === 'number' && t.value === 0n) {
      c.next();
    } else {
      const f = c.oneOf(Object.keys(FOLL_FLAGS), 'a FOLL_* flag');
      flags.push(f);
    }
    if (c.peekOp('|')) c.next();
    else break;
  }
  return flags;
}

export const STATEMENTS: readonly StatementDef[] = [
  {
    name: 'kernel', syntax: 'kernel MAJOR.MINOR', ref: 'gup §0.1, css §0',
    help: 'Selects every version-dependent rule (GUP era E1–E5, vfio-ccw FSM and regions). Default 6.18.',
    parse(c) {
      // the lexer splits 6.18 into 6 . 18
      const t = c.peek();
      const dot = c.peekAt(1);
      const minor = c.peekAt(2);
      const text = t?.kind === 'number' && dot?.text === '.' && minor?.kind === 'number' ? `${t.text}.${minor.text}` : '';
      const v = parseKernelVersion(text);
      if (!t || !v) return c.fail('expected a kernel version such as 5.6, 5.8, 6.3 or 6.18');
      c.next();
      c.next();
      c.next();
      return { k: 'kernel', version: v };
    },
  },
  {
    name: 'topology', syntax: 'topology native|vfio', ref: 'PRODUCT §1',
    help: 'native: guest instructions act on the machine directly; vfio: through QEMU and vfio-ccw.',
    parse: (c) => ({ k: 'topology', topology: c.oneOf(['native', 'vfio'], 'a topology') as 'native' | 'vfio' }),
  },
  {
    name: 'memory', syntax: 'memory SIZE', ref: 'css §3.1',
    help: 'Guest memory size (e.g. 1M). Channel programs and data live in it. Default 1M, at most 64M.',
    parse(c) {
      const size = c.number('a memory size such as 1M');
      if (size < 4096n || size > 64n * 1024n * 1024n) c.fail('memory size must be between 4K and 64M');
      return { k: 'memory', size: Number(size) };
    },
  },
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
  {
    name: 'process', syntax: 'process NAME pid N', ref: 'gup §2', help: 'Creates a process (an mm) for GUP calls.',
    parse(c) {
      const name = c.word('a process name');
      c.keyword('pid');
      return { k: 'process', name, pid: Number(c.number('a pid')) };
    },
  },
  {
    name: 'vma', syntax: `vma PROC START size SIZE KIND [r|rw]`, ref: 'gup §2.4',
    help: `Maps a VMA in a process. Kinds: ${VMA_KINDS.join(' ')}. Pages fault in on first touch.`,
    parse(c) {
      const proc = c.word('a process name');
      const start = c.number('a start address');
      c.keyword('size');
      const size = c.number('a size such as 64K');
      const kind = c.oneOf(VMA_KINDS, 'a VMA kind');
      let prot = 'rw';
      if (c.peek()) prot = c.oneOf(['r', 'rw', 'w', 'none'], 'r, rw, w or none');
      return { k: 'vma', proc, start, size, kind, read: prot.includes('r'), write: prot.includes('w') };
    },
  },
  ...GUP_APIS.map((api): StatementDef => ({
    name: api, syntax: `${api} PROC START NR_PAGES FLAGS [-> NAME]`, ref: 'gup §2.1, §3',
    help: `Calls ${api}() on PROC's mm; binds the returned pages to NAME. ret holds the return value.`,
    parse(c) {
      const proc = c.word('a process name');
      const start = c.number('a start address');
      const nr = Number(c.number('a page count'));
      const flags = parseFlags(c);
      let bind: string | undefined;
      if (c.peekOp('->')) {
        c.next();
        bind = c.word('a name to bind the pages to');
      }
      return bind === undefined ? { k: 'gup', api, proc, start, nr, flags } : { k: 'gup', api, proc, start, nr, flags, bind };
    },
  })),
  ...RELEASE_APIS.map((api): StatementDef => ({
    name: api, syntax: api === 'unpin_user_pages_dirty_lock' ? `${api} NAME true|false` : `${api} NAME`, ref: 'gup §2.1, §3.5, §6',
    help: `Releases the pages bound to NAME with ${api}().`,
    parse(c) {
      const target = c.word('the name of bound pages');
      let makeDirty = false;
      if (api === 'unpin_user_pages_dirty_lock') makeDirty = c.oneOf(['true', 'false'], 'true or false (make_dirty)') === 'true';
      return { k: 'release', api, target, makeDirty };
    },
  })),
  {
    name: 'expect', syntax: 'expect PATH OP VALUE', ref: 'PRODUCT §2',
    help: 'Checks a visible value (cc, ret, irb.scsw.dstat, sch(0.0.0007).pmcw.lpm, page(p, addr).refcount, vmstat.*, mem(addr, n)).',
    parse(c) {
      const start = c.peek()?.col ?? 1;
      const lhs = parseExpr(c);
      const { op } = parseCompare(c);
      const rhs = parseExpr(c);
      return { k: 'expect', lhs, op, rhs, exprText: c.source.slice(start - 1).trim() };
    },
  },
];

export const STATEMENT_BY_NAME: ReadonlyMap<string, StatementDef> = new Map(STATEMENTS.map((s) => [s.name, s]));

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
