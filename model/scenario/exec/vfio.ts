/**
 * Executes the vfio-topology statements (css §6–10): `device` (machine device + vfio_ccw bind +
 * QEMU realize), chchp, options, the device fd and raw region access, host STCRW. Statements that
 * need the vfio topology give a clear diagnostic in the native one.
 */
import type { Stmt } from '../ast';
import type { Runner } from '../runner';
import type { VfioStack } from '../../qemu/topology';
import { regionOffset } from '../../linux/vfio-ccw/regions';
import { errName } from '../../linux/cio/errno';
import { armFault } from '../../linux/vfio-ccw/faults';
import { SEI_CC, type SeiEvent } from '../../linux/cio/chsc';

const REGION_INDEX = { io: 0, async: 1, schib: 2, crw: 3 } as const;

function stack(r: Runner, what: string): VfioStack {
  if (!r.vfio) throw new Error(`'${what}' needs 'topology vfio' (css §7, §8)`);
  return r.vfio;
}

/** Returns false when `st` is not a vfio-topology statement. */
export function execVfio(r: Runner, st: Stmt): boolean {
  const j = r.m.journal;
  const setRet = (v: number) => r.setRet(BigInt(v));
  switch (st.k) {
    case 'device':
      if (!r.vfio) return false;
      r.vfio.addDevice({ devno: st.devno, sch: st.sch, type: st.type, chpids: st.chpids, enabled: st.enabled, isc: st.isc });
      return true;
    case 'devices':
      if (!r.vfio) return false;
      throw new Error("'devices' defines plain machine devices; in the vfio topology define each vfio-ccw device with 'device' (css §10.1)");
    case 'chchp': {
      const v = stack(r, 'chchp');
      const value = st.on ? '1' : '0';
      const ret = st.mode === 'c' ? v.cio.writeConfigure(st.chpid, value) : v.cio.writeStatus(st.chpid, value);
      setRet(ret);
      return true;
    }
    case 'option': {
      const v = stack(r, 'option');
      if (st.name === 'orb-lpm') j.set(v.vfio.options, 'lpmRule', st.value);
      else j.set(v.qemu.options, 'forceOrbPfch', st.value === 'on');
      return true;
    }
    case 'vfio': {
      const v = stack(r, 'vfio');
      if (!v.vfio.devices.has(st.sch)) throw new Error(`0.0.${st.sch.toString(16).padStart(4, '0')} is not a vfio-ccw device (define it with 'device' in the vfio topology)`);
      switch (st.op) {
        // css §10.1: QEMU (the opener while its vfio-ccw device exists) re-registers its eventfds
        case 'open': setRet(v.qemu.device(st.sch) ? v.qemu.reopen(st.sch) : v.vfio.open(st.sch)); break;
        case 'close': setRet(v.vfio.close(st.sch)); break;
        case 'reset': setRet(v.vfio.reset(st.sch)); break;
        case 'request': v.vfio.request(st.sch, 0); setRet(0); break;
        case 'unbind': setRet(v.vfio.unbind(st.sch)); break;
      }
      return true;
    }
    case 'vfio-irq-info': {
      const v = stack(r, 'vfio irq-info');
      if (!v.vfio.devices.has(st.sch)) throw new Error(`0.0.${st.sch.toString(16).padStart(4, '0')} is not a vfio-ccw device`);
      const res = v.vfio.getIrqInfo(st.sch, st.index);
      setRet(res.ret);
      j.set(v.lastIrq, 'count', res.count);
      j.set(v.lastIrq, 'flags', res.flags);
      return true;
    }
    case 'vfio-dma': {
      const v = stack(r, `vfio dma-${st.op}`);
      setRet(st.op === 'unmap' ? v.vfio.iommu.unmapGuestRam(st.iova, st.size) : v.vfio.iommu.mapGuestRamRange(st.iova, st.size));
      return true;
    }
    case 'inject': {
      const v = stack(r, 'inject vfio-ccw');
      armFault(r.m, v.vfio.faults, st.fault, st.count);
      return true;
    }
    case 'machine-sei': {
      if (!r.vfio) {
        // native topology: the machine's own CHSC SEI store (css §5.6); the guest runs SEI itself
        if (st.event === 'overflow') throw new Error("'machine sei overflow' needs 'topology vfio' (host cio re-evaluation, css §6.4)");
        const chpid = st.chpids[0];
        const cc = st.event === 'res-acc' ? SEI_CC.RES_ACC : st.event === 'link-incident' ? SEI_CC.LINK_INCIDENT : st.event === 'chp-avail' ? SEI_CC.CHP_AVAIL : SEI_CC.CHP_CONFIG;
        // [unverified: chosen] chp-config's content-code-dependent data = operation, then the CHPIDs
        r.css.seiEvent(cc === SEI_CC.CHP_CONFIG ? { cc, ccdf: [st.op ?? 0, ...st.chpids] } : { cc, rs: 4, rsid: chpid });
        return true;
      }
      const v = stack(r, 'machine sei');
      if (st.event === 'overflow') {
        v.cio.port.queueSei(undefined, true);
        return true;
      }
      const chpid = st.chpids[0];
      let e: SeiEvent;
      switch (st.event) {
        case 'res-acc': e = { cc: SEI_CC.RES_ACC, rs: 4, rsid: chpid }; break;
        case 'link-incident': e = { cc: SEI_CC.LINK_INCIDENT, rs: 4, rsid: chpid }; break;
        case 'chp-avail': e = { cc: SEI_CC.CHP_AVAIL, rs: 4, rsid: chpid }; break;
        default: e = { cc: SEI_CC.CHP_CONFIG, rs: 0, rsid: 0, op: st.op, chpids: st.chpids.slice() };
      }
      v.cio.port.queueSei(e);
      return true;
    }
    case 'region-write':
    case 'region-read': {
      const v = stack(r, 'region');
      if (!v.vfio.devices.has(st.sch)) throw new Error(`0.0.${st.sch.toString(16).padStart(4, '0')} is not a vfio-ccw device`);
      const off = st.region === 'fd' ? st.offset : regionOffset(REGION_INDEX[st.region]) + st.offset;
      if (st.k === 'region-write') {
        const ret = v.vfio.write(st.sch, off, Uint8Array.from(st.bytes));
        setRet(ret);
        if (ret < 0) r.m.emit({ kind: 'warn', message: `pwrite(${st.region} +0x${st.offset.toString(16)}, ${st.bytes.length}) = ${errName(ret)}`, ref: 'css §8.1', note: true }, 'instruction');
      } else {
        const size = st.region === 'io' ? 124 : st.region === 'schib' ? 52 : st.region === 'fd' ? 0 : 8;
        const len = st.len ?? size;
        const res = v.vfio.read(st.sch, off, len);
        setRet(res.ret);
        j.set(v.last, 'data', res.data);
        j.set(v.last, 'region', st.region);
        if (res.ret < 0) r.m.emit({ kind: 'warn', message: `pread(${st.region} +0x${st.offset.toString(16)}, ${len}) = ${errName(res.ret)}`, ref: 'css §8.1', note: true }, 'instruction');
      }
      return true;
    }
    case 'host-stcrw': {
      const v = stack(r, 'host stcrw');
      const res = v.cio.host('stcrw', () => v.cio.port.stcrw());
      j.set(r.state, 'cc', BigInt(res.cc));
      setRet(res.crw);
      return true;
    }
    default:
      return false;
  }
}
