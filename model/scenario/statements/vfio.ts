/**
 * Host cio, vfio-ccw and QEMU statements (css §6–10): chchp, options of the vfio topology, the
 * device fd's open / close / reset, raw region reads and writes, and a host STCRW.
 */
import type { Cursor } from '../cursor';
import type { StatementDef, StmtBody } from './types';
import { FAULT_NAMES, type FaultName } from '../../linux/vfio-ccw/faults';
import { CHP_CFG_OP } from '../../linux/cio/chsc';

function dashed(c: Cursor, what: string): string {
  let w = c.word(what);
  while (c.peekOp('-') && c.peekAt(1)?.kind === 'word') {
    c.next();
    w += '-' + c.word(what);
  }
  return w;
}

const SEI_EVENTS = ['res-acc', 'chp-config', 'link-incident', 'chp-avail', 'overflow'] as const;

/**
 * `machine sei …` (css §5.6, §6.2): a CHSC event the machine stores for the host's SEI loop.
 * Called by the `machine` statement after the word `sei`.
 */
export function parseMachineSei(c: Cursor): StmtBody {
  const t = c.peek();
  const event = dashed(c, SEI_EVENTS.join(', '));
  if (!(SEI_EVENTS as readonly string[]).includes(event)) c.fail(`unknown SEI event '${event}': expected ${SEI_EVENTS.join(', ')} (css §5.6)`, t);
  const e = event as (typeof SEI_EVENTS)[number];
  if (e === 'overflow') return { k: 'machine-sei', event: e, chpids: [], op: 0 };
  const chpids = [c.hexByte('a CHPID (hex, e.g. 41)')];
  while (e === 'chp-config' && c.peekPunct(',')) {
    c.next();
    chpids.push(c.hexByte('a CHPID (hex)'));
  }
  let op = 0;
  if (e === 'chp-config') op = CHP_CFG_OP[c.oneOf(['configure', 'deconfigure', 'cancel'], 'configure, deconfigure or cancel (css §5.6 code 8 op 0/1/2)') as keyof typeof CHP_CFG_OP];
  return { k: 'machine-sei', event: e, chpids, op };
}

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
    name: 'vfio', syntax: 'vfio open|close|reset|request|unbind SID  |  vfio irq-info SID INDEX  |  vfio dma-unmap|dma-map IOVA SIZE', ref: 'css §8.2, §8.3, §9.3',
    help: 'The vfio-ccw device fd: open (regions registered; 6.0+: FSM OPEN), close (6.0+: FSM CLOSE), reset (VFIO_DEVICE_RESET). request: the host asks userspace to release the device (REQ eventfd, QEMU unplugs). unbind: unbind from vfio_ccw (requests until released). irq-info: VFIO_DEVICE_GET_IRQ_INFO. dma-unmap / dma-map: QEMU unmaps / maps guest RAM (a CP holding pins in the range → device reset). ret = 0, bytes or -errno.',
    parse(c) {
      const t = c.peek();
      const op = dashed(c, 'open, close, reset, request, unbind, irq-info, dma-unmap or dma-map');
      if (op === 'irq-info') {
        const sch = c.schid('a subchannel id');
        return { k: 'vfio-irq-info', sch, index: Number(c.number('an IRQ index (0 IO, 1 CRW, 2 REQ)')) };
      }
      if (op === 'dma-unmap' || op === 'dma-map') {
        const iova = c.number('an IOVA (guest absolute address)');
        const size = c.number('a size');
        if (iova > 0xffffffffn || size > 0xffffffffn) c.fail('IOVA and size must fit in 32 bits in this model');
        return { k: 'vfio-dma', op: op === 'dma-unmap' ? 'unmap' : 'map', iova: Number(iova), size: Number(size) };
      }
      if (!['open', 'close', 'reset', 'request', 'unbind'].includes(op)) c.fail(`unknown vfio operation '${op}': expected open, close, reset, request, unbind, irq-info, dma-unmap or dma-map`, t);
      return { k: 'vfio', op: op as 'open', sch: c.schid('a subchannel id such as 0.0.0007') };
    },
  },
  {
    name: 'inject', syntax: 'inject vfio-ccw crw-alloc-fail|io-mutex-busy|pin-fail|pin-partial|guest-fault [once|always|off|times N]', ref: 'css §8.1, §8.4, §9.2, §10.2',
    help: 'Fault injection in vfio-ccw (default once): crw-alloc-fail drops the next CRW silently (GFP_ATOMIC failure); io-mutex-busy makes the io/async region write fail -EAGAIN (QEMU retries); pin-fail makes vfio_pin_pages fail (-ENOMEM); pin-partial pins one page fewer (npage ≥ 2) → -EINVAL; guest-fault makes reading the channel program fail -EFAULT (unit exception for the guest).',
    parse(c) {
      const layer = dashed(c, 'vfio-ccw');
      if (layer !== 'vfio-ccw') c.fail(`unknown fault layer '${layer}': expected vfio-ccw`);
      const t = c.peek();
      const fault = dashed(c, FAULT_NAMES.join(', '));
      if (!(FAULT_NAMES as readonly string[]).includes(fault)) c.fail(`unknown fault '${fault}': expected ${FAULT_NAMES.join(', ')}`, t);
      let count = 1;
      if (c.peek()) {
        const how = c.oneOf(['once', 'always', 'off', 'times'], 'once, always, off or times N');
        if (how === 'always') count = -1;
        else if (how === 'off') count = 0;
        else if (how === 'times') {
          count = c.count('a count');
          if (count < 1) c.fail('times must be at least 1');
        }
      }
      return { k: 'inject', fault: fault as FaultName, count };
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
