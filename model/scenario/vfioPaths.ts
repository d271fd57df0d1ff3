/**
 * Names expressions can read in the vfio topology (css §7–10): the host SCHIB and software path
 * masks, the guest's SCHIB and CRW queue, the vfio-ccw FSM and device, sysfs files, channel
 * paths, the last region read, locked_vm and guest pages through QEMU's mapping.
 */
import { vfioCpPath } from './vfioCpPaths';
import type { Runner } from './runner';
import { EvalError, toNumber, type Value } from './evaluate';
import { suggestion } from './diagnostics';
import { chpConfigure, chpStatus, chpType, chpids, pimpampom } from '../linux/cio/sysfs';
import { getRet, getU32, numIrqs } from '../linux/vfio-ccw/regions';
import { cpPinnedRuns } from '../linux/vfio-ccw/cp';
import { QEMU_GUEST_BASE, type VfioStack } from '../qemu/topology';

type Part = { field: string } | { index: number };

export const VFIO_PATH_HEADS = ['fsm', 'host', 'guest', 'sysfs', 'chp', 'vfio', 'region', 'lpm', 'opm', 'vpm', 'gpage', 'qemu'] as const;

const VFIO_FIELDS = ['state', 'crws', 'io_signals', 'crw_signals', 'req_signals', 'interrupts', 'requests', 'regions', 'irqs', 'open', 'pinned', 'ret_code', 'async_ret_code', 'cp', 'orb'] as const;
const GUEST_FIELDS = ['crws', 'mchk', 'mchk_pending', 'irq_pending', 'subchannels'] as const;
const PAGE_FIELDS = ['pfn', 'refcount', 'pincount', 'maybe_dma_pinned', 'dirty'] as const;

function fieldOf(parts: Part[], col: number, names: readonly string[], what: string): string {
  const p = parts[0];
  if (!p || !('field' in p)) throw new EvalError(col, `expected ${what}.FIELD: ${names.join(', ')}`);
  if (!names.includes(p.field)) throw new EvalError(col, `unknown ${what} field '${p.field}'${suggestion(p.field, names)}`);
  return p.field;
}

function dotted(parts: Part[], col: number, what: string): string {
  const names = parts.map((p) => ('field' in p ? p.field : undefined));
  if (names.length < 2 || names.some((n) => n === undefined)) throw new EvalError(col, `expected ${what}.GROUP.FIELD, e.g. ${what}.pmcw.pam`);
  return names.join('.');
}

function schArg(v: VfioStack, args: Value[], col: number, what: string): number {
  const sch = Number(toNumber(args[0] ?? -1n, col, `${what}(SID)`));
  if (!v.vfio.devices.has(sch)) throw new EvalError(col, `0.0.${sch.toString(16).padStart(4, '0')} is not a vfio-ccw device`);
  return sch;
}

/** A value, or undefined when `head` is not a vfio name (the caller tries the others). */
export function resolveVfioPath(r: Runner, head: string, args: Value[], parts: Part[], col: number): Value | undefined {
  if (!(VFIO_PATH_HEADS as readonly string[]).includes(head)) return undefined;
  if (head === 'qemu' && args.length === 0) return undefined; // the process name, as in page(qemu, …)
  const v = r.vfio;
  if (!v) throw new EvalError(col, `'${head}' needs 'topology vfio'`);
  switch (head) {
    case 'fsm': {
      const p = v.vfio.device(schArg(v, args, col, 'fsm'));
      const f = fieldOf(parts, col, ['state', 'cp'], 'fsm(SID)');
      return f === 'state' ? p.state : p.cp.initialized ? 1n : 0n;
    }
    case 'host': {
      const sch = schArg(v, args, col, 'host');
      return BigInt(v.css.field(sch, dotted(parts, col, 'host(SID)')));
    }
    case 'lpm': case 'opm': case 'vpm': {
      const sch = schArg(v, args, col, head);
      return BigInt(v.cio.subchannel(sch)[head]);
    }
    case 'guest': {
      if (args.length === 0) {
        const f = fieldOf(parts, col, GUEST_FIELDS, 'guest');
        if (f === 'crws') return BigInt(v.qemu.crws.crws.length);
        if (f === 'mchk') return BigInt(v.qemu.mchk.injected);
        if (f === 'mchk_pending') return v.qemu.crws.flags.mchkPending ? 1n : 0n;
        if (f === 'subchannels') return BigInt(v.qemu.devices.size);
        return v.qemu.interruptionPending() ? 1n : 0n;
      }
      const sch = schArg(v, args, col, 'guest');
      return BigInt(v.qemu.core.schib.get(sch, dotted(parts, col, 'guest(SID)')));
    }
    case 'sysfs': {
      const sch = schArg(v, args, col, 'sysfs');
      const f = fieldOf(parts, col, ['pimpampom', 'chpids'], 'sysfs(SID)');
      return f === 'pimpampom' ? pimpampom(v.cio, sch) : chpids(v.cio, sch);
    }
    case 'chp': {
      const chpid = Number(toNumber(args[0] ?? -1n, col, 'chp(CHPID)'));
      const f = fieldOf(parts, col, ['status', 'configure', 'type'], 'chp(CHPID)');
      const st = chpStatus(v.cio, chpid);
      if (st === undefined) throw new EvalError(col, `/sys/devices/css0/chp0.${chpid.toString(16).padStart(2, '0')} does not exist (write chp(0x40) for CHPID 40)`);
      return f === 'status' ? st : f === 'configure' ? BigInt(chpConfigure(v.cio, chpid)) : chpType(v.cio, chpid);
    }
    case 'vfio': {
      if (args.length === 0) {
        // driver-wide values: vfio.dma_unmap_resets, vfio.irq_count, vfio.irq_flags, vfio.faults.NAME (hits)
        const f = fieldOf(parts, col, ['dma_unmap_resets', 'irq_count', 'irq_flags', 'faults', 'bound'], 'vfio');
        if (f === 'dma_unmap_resets') return BigInt(v.vfio.dmaUnmapResets.count);
        if (f === 'irq_count') return BigInt(v.lastIrq.count);
        if (f === 'irq_flags') return BigInt(v.lastIrq.flags);
        if (f === 'bound') return BigInt(v.vfio.devices.size);
        const names = Object.keys(v.vfio.faults.hits).map((n) => n.replace(/-/g, '_'));
        const g = fieldOf(parts.slice(1), col, names, 'vfio.faults');
        return BigInt(v.vfio.faults.hits[g.replace(/_/g, '-') as keyof typeof v.vfio.faults.hits]);
      }
      const sch = schArg(v, args, col, 'vfio');
      const p = v.vfio.device(sch);
      // issue 11 E: the host ORB and the channel program (vfioCpPaths.ts)
      const internal = vfioCpPath(p, parts, col);
      if (internal !== undefined) return internal;
      switch (fieldOf(parts, col, VFIO_FIELDS, 'vfio(SID)')) {
        case 'state': return p.state;
        case 'crws': return BigInt(p.crws.length);
        case 'io_signals': return BigInt(p.eventfds.io.signals);
        case 'crw_signals': return BigInt(p.eventfds.crw.signals);
        case 'req_signals': return BigInt(p.eventfds.req.signals);
        case 'interrupts': return BigInt(p.stats.interrupts);
        case 'requests': return BigInt(p.stats.requests);
        case 'regions': return BigInt(1 + p.regions.length);
        case 'irqs': return BigInt(numIrqs(v.features));
        case 'open': return p.open ? 1n : 0n;
        case 'pinned': return BigInt(cpPinnedRuns(p.cp).reduce((s, x) => s + x.npage, 0));
        case 'ret_code': return BigInt(getRet(p.io, 120));
        case 'async_ret_code': return BigInt(getRet(p.cmd, 4));
        case 'cp': return p.cp.initialized ? 1n : 0n;
      }
      break;
    }
    case 'qemu': {
      const sch = Number(toNumber(args[0], col, 'qemu(SID)'));
      const d = v.qemu.device(sch);
      if (!d) throw new EvalError(col, `QEMU has no vfio-ccw device 0.0.${sch.toString(16).padStart(4, '0')}`);
      const f = fieldOf(parts, col, ['unit_exceptions', 'io_irqs', 'crws_forwarded', 'eagain_retries'], 'qemu(SID)');
      return BigInt(f === 'unit_exceptions' ? d.stats.unitExceptions : f === 'io_irqs' ? d.stats.ioIrqs : f === 'eagain_retries' ? d.stats.eagainRetries : d.stats.crwsForwarded);
    }
    case 'region': {
      const data = v.last.data;
      if (args.length === 1) {
        const off = Number(toNumber(args[0], col, 'region(OFFSET)'));
        if (off < 0 || off + 4 > data.length) throw new EvalError(col, `region(${off}): the last read returned ${data.length} bytes`);
        return BigInt(getU32(data, off));
      }
      const f = fieldOf(parts, col, ['bytes', 'len', 'ret_code', 'crw'], 'region');
      if (f === 'bytes') return data;
      if (f === 'len') return BigInt(data.length);
      if (f === 'crw') {
        if (data.length < 4) throw new EvalError(col, 'the last region read returned fewer than 4 bytes');
        return BigInt(getU32(data, 0));
      }
      const at = v.last.region === 'io' ? 120 : 4;
      if (data.length < at + 4) throw new EvalError(col, `the last region read (${v.last.region}) does not include ret_code`);
      return BigInt(getRet(data, at));
    }
    case 'gpage': {
      const addr = Number(toNumber(args[0] ?? -1n, col, 'gpage(GUEST_ADDRESS)'));
      const pfn = r.mm.pageAt(v.vfio.qemuPid, QEMU_GUEST_BASE + BigInt(addr));
      if (pfn === undefined) throw new EvalError(col, `guest page 0x${addr.toString(16)} is not faulted in in QEMU`);
      const info = r.mm.pageInfo(pfn);
      switch (fieldOf(parts, col, PAGE_FIELDS, 'gpage(ADDR)')) {
        case 'pfn': return BigInt(pfn);
        case 'refcount': return BigInt(info.refcount);
        case 'pincount': return BigInt(info.pincount ?? 0);
        case 'maybe_dma_pinned': return info.maybeDmaPinned ? 1n : 0n;
        case 'dirty': return info.dirty ? 1n : 0n;
      }
    }
  }
  return undefined;
}
