/**
 * Executes channel-subsystem statements (css §1–6): setup goes to the machine's CSS, guest
 * instructions to `r.io` (the machine in the native topology, QEMU in the vfio topology).
 */
import type { Stmt } from '../ast';
import type { Runner } from '../runner';
import type { OrbFields } from '../../css/css';

/** Defaults of an ORB written by a scenario (css §2): format-1 CCWs, prefetch allowed, all paths. */
export const ORB_DEFAULTS: OrbFields = {
  intparm: 0, key: 0, spnd: 0, str: 0, mod: 0, sync: 0, fmt: 1, pfch: 1, isic: 0, alcc: 0, ssic: 0, b: 0, c64: 0, i2k: 0,
  lpm: 0xff, ils: 0, midaw: 0, orbx: 0, cpa: 0,
};

/** Returns false when `st` is not a channel-subsystem statement. */
export function execCss(r: Runner, st: Stmt): boolean {
  const j = r.m.journal;
  const sid = (sch: number) => 0x00010000 | sch;
  switch (st.k) {
    case 'chpid':
      r.css.addChpid(st.chpid, st.type);
      return true;
    case 'device':
      r.css.addDevice({ devno: st.devno, sch: st.sch, type: st.type, chpids: st.chpids, enabled: st.enabled, isc: st.isc });
      return true;
    case 'data':
      r.mem.write(st.addr, st.bytes);
      return true;
    case 'idal': {
      const size = st.format === 1 ? 4 : 8;
      const bytes = new Uint8Array(st.entries.length * size);
      const dv = new DataView(bytes.buffer);
      st.entries.forEach((e, i) => (size === 4 ? dv.setUint32(i * 4, Number(e & 0xffffffffn)) : dv.setBigUint64(i * 8, e)));
      r.mem.write(st.addr, bytes);
      return true;
    }
    case 'program': {
      const bytes = new Uint8Array(8 * st.ccws.length);
      const dv = new DataView(bytes.buffer);
      st.ccws.forEach((c, i) => {
        const cda = r.addr(c.cda);
        const o = 8 * i;
        if (st.format === 1) {
          // css §3.1 format 1: cmd, flags, count, 31-bit CDA
          dv.setUint8(o, c.cmd); dv.setUint8(o + 1, c.flags); dv.setUint16(o + 2, c.count); dv.setUint32(o + 4, cda >>> 0);
        } else {
          // css §3.1 format 0: cmd, 24-bit CDA, flags, reserved, count
          dv.setUint32(o, ((c.cmd << 24) | (cda & 0xffffff)) >>> 0); dv.setUint8(o + 4, c.flags); dv.setUint16(o + 6, c.count);
        }
      });
      r.mem.write(st.addr, bytes);
      return true;
    }
    case 'ssch': {
      const orb: OrbFields = { ...ORB_DEFAULTS };
      for (const [k, ref] of Object.entries(st.orb)) (orb as unknown as Record<string, number>)[k] = r.addr(ref);
      j.set(r.state, 'cc', BigInt(r.io.ssch(sid(st.sch), orb)));
      return true;
    }
    case 'simple-sch': {
      const s = sid(st.sch);
      if (st.instr === 'tsch') {
        const res = r.io.tsch(s);
        j.set(r.state, 'cc', BigInt(res.cc));
        if (res.cc !== 3) j.set(r.state, 'irb', res.irb);
      } else if (st.instr === 'stsch') {
        const res = r.io.stsch(s);
        j.set(r.state, 'cc', BigInt(res.cc));
        if (res.cc === 0) j.set(r.state, 'schib', res.schib);
      } else {
        j.set(r.state, 'cc', BigInt(r.io[st.instr](s)));
      }
      return true;
    }
    case 'msch': {
      const changes: Record<string, number> = {};
      for (const c of st.changes) {
        // css §1: the MBA is a doubleword, two words of the SCHIB
        if (c.field === 'mba') {
          changes['mba.high'] = Math.floor(c.value / 2 ** 32);
          changes['mba.low'] = c.value >>> 0;
        } else changes[`pmcw.${c.field}`] = c.value;
      }
      j.set(r.state, 'cc', BigInt(r.io.msch(sid(st.sch), changes)));
      return true;
    }
    case 'tpi': {
      const res = r.io.tpi();
      j.set(r.state, 'cc', BigInt(res.cc));
      if (res.cc === 1) j.set(r.state, 'intcode', { sid: res.sid, intparm: res.intparm, iid: res.iid });
      return true;
    }
    default:
      return false;
  }
}
