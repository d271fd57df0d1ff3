import { Machine } from '../../../model/engine/machine';
import { GuestMemory } from '../../../model/guest/memory';
import { Css, type OrbFields, type DeviceSpec } from '../../../model/css/css';
import { encodeCcw } from '../../../model/css/ccw';
import type { ModelEvent } from '../../../model/engine/events';

export const SCH = 7;
export const SID = 0x00010007;
export const DEVNO = 0x1234;
export const PROG = 0x1000;
export const BUF = 0x2000;

export interface Lab {
  m: Machine;
  mem: GuestMemory;
  css: Css;
}

/** One echo device on subchannel 7, CHPIDs 0x50 and 0x51, enabled, ISC 3, 64 KiB of memory. */
export function lab(spec: Partial<DeviceSpec> = {}, memSize = 0x10000): Lab {
  const m = new Machine();
  const mem = new GuestMemory(m, memSize);
  const css = new Css(m, mem);
  css.addChpid(0x50, 0x25);
  css.addChpid(0x51, 0x25);
  css.addDevice({ devno: DEVNO, sch: SCH, type: 'echo', chpids: [0x50, 0x51], enabled: true, isc: 3, ...spec });
  return { m, mem, css };
}

export function orb(o: Partial<OrbFields> = {}): OrbFields {
  return {
    intparm: 0x12345678, key: 0, spnd: 0, str: 0, mod: 0, sync: 0, fmt: 1, pfch: 1, isic: 0, alcc: 0, ssic: 0, b: 0, c64: 0, i2k: 0,
    lpm: 0xff, ils: 0, midaw: 0, orbx: 0, cpa: PROG, ...o,
  };
}

export interface C { cmd: number; flags?: number; count?: number; cda?: number }

/** Write CCWs (format 1 unless told) at `addr`. */
export function program(l: Lab, ccws: C[], addr = PROG, fmt: 0 | 1 = 1): void {
  ccws.forEach((c, i) => l.mem.write(addr + 8 * i, encodeCcw({ cmd: c.cmd, flags: c.flags ?? 0, count: c.count ?? 0, cda: c.cda ?? 0 }, fmt)));
}

/** Run queued actions until idle (bounded: a TIC loop must not hang the test). */
export function run(l: Lab, max = 1000): number {
  let n = 0;
  while (n < max && l.m.runNextAction()) n++;
  return n;
}

/** SSCH then run to completion. */
export function start(l: Lab, o: Partial<OrbFields> = {}): number {
  const cc = l.css.ssch(SID, orb(o));
  run(l);
  return cc;
}

export function f(l: Lab, name: string, sch = SCH): number {
  return l.css.field(sch, name);
}

export function events<K extends ModelEvent['kind']>(l: Lab, kind: K): Array<Extract<ModelEvent, { kind: K }>> {
  return l.m.history.map((h) => h.event).filter((e): e is Extract<ModelEvent, { kind: K }> => e.kind === kind);
}

export function bytes(l: Lab, addr: number, len: number): number[] {
  return Array.from(l.mem.read(addr, len)!);
}
