/** Channel-subsystem machine-side statements: bulk devices, CRWs, channel-path configuration, machine events, device rules, CHSC and the CSS-wide instructions SAL, STCPS, RCHP, SCHM (css §1.1, §5.1, §5.6, §6). */
import { parseMachineSei } from './vfio';
import type { ChscCommandName, CssStmt, DeviceRuleSpec } from '../ast';
import type { StatementDef } from './types';
import { LineError } from '../cursor';
import { CCW_COMMANDS, CHSC_COMMANDS, deviceTypeName } from './css';
import { atOperand, byteValue, chpidList, dashedWord, deviceTail, gr1Word, hexBytes, u16, withOpt } from './cssOperands';


type CssStmtBody = CssStmt;
const RULE_ACTIONS = ['data', 'accept', 'residual', 'dstat', 'sense', 'busy', 'reject', 'delay', 'attention', 'times'] as const;

/** css §4–§6 machine events, channel paths, CRWs, device rules and CHSC. */
export const CSS_EVENT_STATEMENTS: readonly StatementDef[] = [
  {
    name: 'devices', syntax: 'devices FIRST-LAST schid SID type echo|dasd|terminal|virtio-net|virtio-blk|virtio-rng|virtio-balloon chpids XX[,XX...] [isc N] [enabled]', ref: 'css §1.1',
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
      const type = deviceTypeName(c);
      c.keyword('chpids');
      const chpids = chpidList(c);
      return { k: 'devices', devno, count, sch, type, chpids, ...deviceTail(c) };
    },
  },
  {
    name: 'stcrw', syntax: 'stcrw [at ADDR]', ref: 'css §6.1, §6.3',
    help: 'STORE CHANNEL REPORT WORD: cc 0 and the oldest CRW (read it as crw.raw, crw.rsc, crw.erc, crw.rsid, crw.sol, crw.oflw, crw.chn, crw.anc), or cc 1 and zero.',
    parse(c) {
      return withOpt({ k: 'stcrw' as const }, atOperand(c));
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
    name: 'machine', syntax: 'machine chpid XX online|offline | path-failure SID XX | path-repair SID XX | not-oper SID | oper SID | start-not-oper SID [paths=0xNN] | start-oper SID | dnv SID 0|1 | remove device DEVNO | unsolicited SID [dstat=0xNN] | crw rsc=N erc=N rsid=N [sol] [chn] [anc] [oflw] | sei res-acc|chp-config|link-incident|chp-avail|overflow …', ref: 'css §5.4, §5.5, §5.6, §6',
    help: 'Machine events: a channel path going offline/online (CRW RSC 4 ERC 6/2, PAM), the device not answering on one path or on all (PNOM, deferred cc 3), the subchannel not operational for SSCH on some or all paths (immediate cc 3) or its device number no longer valid (PMCW.DNV 0: cc 3 for every subchannel instruction), the device removed (hot-unplug: ENA and DNV off, CRW RSC 3 ERC 4, the subchannel no longer provided; in the vfio topology the host unregisters it and QEMU unplugs it from the guest), unsolicited device status (attention 0x80 by default), any CRW, or (vfio topology) a CHSC event for the host: sei res-acc XX | sei chp-config XX[,XX…] configure|deconfigure|cancel | sei link-incident XX | sei chp-avail XX | sei overflow (CRW RSC 0xB, the host runs the SEI loop).',
    parse(c) {
      const whatTok = c.peek();
      const what = dashedWord(c, 'chpid, path-failure, path-repair, not-oper, oper, start-not-oper, start-oper, dnv, remove, unsolicited, crw or sei');
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
        case 'remove':
          // QEMU ccw_device_unplug (css §5.2, §6.3): the device goes away with its subchannel
          c.keyword('device');
          return { k: 'machine-remove', devno: c.devno('a device number such as 0.0.1234') };
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
      // at the event word itself (the cursor has moved past it)
      throw new LineError(whatTok!.col, `unknown machine event '${what}': expected chpid, path-failure, path-repair, not-oper, oper, start-not-oper, start-oper, dnv, remove, unsolicited, crw or sei`, whatTok!.col + what.length);
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
      return { k: 'sal', gr1: gr1Word(c, 'an address limit (GR1)') };
    },
  },
  {
    name: 'stcps', syntax: 'stcps [at ADDR]', ref: 'css §5.1',
    help: 'STORE CHANNEL PATH STATUS: the 256-bit mask of CHPIDs in use by an active subchannel (Hercules); read it as cpsw(XX) and cpsw.count. `at ADDR` stores the 32 bytes there (32-byte boundary, else specification exception [unverified: chosen]).',
    parse(c) {
      return withOpt({ k: 'stcps' as const }, atOperand(c));
    },
  },
  {
    name: 'rchp', syntax: 'rchp XX | rchp gr1 WORD', ref: 'css §5.1, §5.2, §6.3',
    help: 'RESET CHANNEL PATH: cc 0 reset initiated (a solicited CRW RSC 4 ERC 2 follows when the reset ends: `wait idle`), cc 2 a reset of that CHPID is still in progress [unverified: chosen], cc 3 CHPID not installed. `gr1 WORD` passes a raw GR1 (reserved bits → operand exception).',
    parse(c) {
      if (c.peekWord('gr1')) {
        c.next();
        return { k: 'rchp', gr1: gr1Word(c, 'a GR1 value') };
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
        const g1 = gr1Word(c, 'a GR1 value');
        let g2 = 0n;
        if (c.peekWord('gr2')) {
          c.next();
          g2 = c.number('a GR2 value (measurement-block origin)');
        }
        return { k: 'schm', gr1: g1, gr2: Number(g2) };
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
