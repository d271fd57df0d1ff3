/**
 * Host cio, vfio-ccw and QEMU statements (css §6–10): chchp, options of the vfio topology, the
 * device fd's open / close / reset, raw region reads and writes, and a host STCRW.
 */
import type { Cursor } from '../cursor';
import type { StatementDef } from './types';

export const REGION_NAMES = ['io', 'async', 'schib', 'crw', 'fd'] as const;
export type RegionArg = (typeof REGION_NAMES)[number];

function hexBytes(c: Cursor): number[] {
  const s = c.string('quoted hex digits').replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(s)) c.fail('hex data must be pairs of hex digits');
  const out: number[] = [];
  for (let i = 0; i < s.length; i += 2) out.push(parseInt(s.slice(i, i + 2), 16));
  return out;
}

/** A hyphenated option name (the lexer splits `orb-lpm` into orb - lpm). */
function optionName(c: Cursor): 'orb-lpm' | 'force-orb-pfch' {
  const names = ['orb-lpm', 'force-orb-pfch'] as const;
  const t = c.peek();
  let text = c.word('orb-lpm or force-orb-pfch');
  while (c.peekOp('-')) {
    c.next();
    text += '-' + c.word('the rest of the option name');
  }
  if (!(names as readonly string[]).includes(text)) c.fail(`unknown option '${text}': expected orb-lpm or force-orb-pfch`, t);
  return text as 'orb-lpm' | 'force-orb-pfch';
}

export const VFIO_STATEMENTS: readonly StatementDef[] = [
  {
    name: 'chchp', syntax: 'chchp -c 0|1 XX  |  chchp -v 0|1 XX', ref: 'css §6.2, §7.2',
    help: 'On the host: -c writes chp0.XX/configure (SCLP (de)configure → CHP_ONLINE/OFFLINE → CRW RSC 4 to the guest); -v writes chp0.XX/status (vary: CHP_VARY_ON/OFF, no CRW). ret = bytes written or -errno.',
    parse(c) {
      c.expectOp('-');
      const mode = c.oneOf(['c', 'v'], "'c' (configure) or 'v' (vary)") as 'c' | 'v';
      const v = Number(c.number('0 or 1'));
      if (v !== 0 && v !== 1) c.fail('expected 0 or 1');
      const chpid = c.hexByte('a CHPID (hex, e.g. 40)');
      return { k: 'chchp', mode, on: v === 1, chpid };
    },
  },
  {
    name: 'option', syntax: 'option orb-lpm rfc|merged  |  option force-orb-pfch on|off', ref: 'css §8.5, §2',
    help: 'orb-lpm: merged (default) replaces only an ORB LPM of 0 with the subchannel lpm; rfc applies the dropped RFC v1 patch (always the subchannel lpm). force-orb-pfch: QEMU property (default off).',
    parse(c) {
      const name = optionName(c);
      if (name === 'orb-lpm') return { k: 'option', name, value: c.oneOf(['rfc', 'merged'], 'rfc or merged') as 'rfc' | 'merged' };
      return { k: 'option', name: 'force-orb-pfch', value: c.oneOf(['on', 'off'], 'on or off') as 'on' | 'off' };
    },
  },
  {
    name: 'vfio', syntax: 'vfio open|close|reset SID', ref: 'css §8.3',
    help: 'The vfio-ccw device fd: open (regions registered; 6.0+: FSM OPEN), close (6.0+: FSM CLOSE), reset (VFIO_DEVICE_RESET). ret = 0 or -errno.',
    parse(c) {
      const op = c.oneOf(['open', 'close', 'reset'], 'open, close or reset') as 'open' | 'close' | 'reset';
      return { k: 'vfio', op, sch: c.schid('a subchannel id such as 0.0.0007') };
    },
  },
  {
    name: 'region', syntax: 'region write SID io|async|fd OFFSET hex "…"  |  region read SID io|async|schib|crw|fd [OFFSET LEN]', ref: 'css §8.1',
    help: 'pwrite / pread on the vfio-ccw device fd. OFFSET is inside the region (index << 10 is added), or the raw file offset with `fd`. ret = bytes or -errno; the bytes read are region.bytes, region(OFFSET) a big-endian word.',
    parse(c) {
      const dir = c.oneOf(['write', 'read'], 'write or read');
      const sch = c.schid('a subchannel id');
      const region = c.oneOf(REGION_NAMES, 'a region: io, async, schib, crw or fd') as RegionArg;
      if (dir === 'write') {
        const offset = Number(c.number('an offset'));
        c.keyword('hex');
        return { k: 'region-write', sch, region, offset, bytes: hexBytes(c) };
      }
      if (!c.peek()) return { k: 'region-read', sch, region, offset: 0, len: undefined };
      const offset = Number(c.number('an offset'));
      const len = Number(c.number('a length'));
      return { k: 'region-read', sch, region, offset, len };
    },
  },
  {
    name: 'host', syntax: 'host stcrw', ref: 'css §6.4',
    help: 'The host CPU issues STCRW on the machine CRW queue (cc, ret = the CRW). The host normally collects CRWs itself (crw_collect_info).',
    parse(c) {
      c.keyword('stcrw');
      return { k: 'host-stcrw' };
    },
  },
];
