/**
 * The channel subsystem facade the scenario runner calls: configuration (channel paths,
 * devices), the guest's I/O instructions in the native topology, and read access for views.
 */
import type { Machine } from '../engine/machine';
import type { GuestMemory } from '../guest/memory';
import { CssCore } from './context';
import { registerChannel } from './channel';
import { csch, hsch, rsch, xsch } from './control';
import { msch } from './msch';
import { ssch, stsch, tpi, tsch } from './instructions';
import type { OrbFields } from './orb';
import { SCHIB_WORDS } from './fields';
import { maskFor } from './paths';
import { CHPID_FIELDS, FIELD, MAX_SUBCHANNELS } from './schib';
import { createDevice } from '../devices/factory';
import type { Device, DeviceType } from '../devices/device';
import { CrwQueue, type CrwParts } from './crw';
import { ProgramInterruption } from './program-interruption';
import { checkCpuAccess } from './storageAccess';
import { configureChpid, machineChpidEvent, subchannelsUsingChpid } from './chpids';
import { presentUnsolicited } from './unsolicited';
import { chscInstruction, chscRequest, CHSC_CMD, type ChscResult } from './chsc';
import type { ScriptRule } from '../devices/device';
import { removeDevice } from './removal';
import {
  addSeiEvent, facilities, measurementBlock, rchp, readMeasurement, registerFacilities, sal, schm, stcps, subchannelCrw, type SeiEvent,
} from './facilities';

export { ProgramInterruption };
export type { OrbFields } from './orb';

export interface DeviceSpec {
  devno: number;
  sch: number;
  type: DeviceType;
  chpids: number[];
  enabled: boolean;
  isc: number;
}

const h = (n: number, w = 2) => `0x${n.toString(16).padStart(w, '0')}`;

function checkInt(what: string, v: number, max: number): void {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new Error(`${what} ${v} is out of range 0..${h(max)}`);
}

export class Css {
  readonly core: CssCore;
  /** The machine's CRW queue (css §6.3). */
  readonly crws: CrwQueue;

  constructor(
    readonly m: Machine,
    readonly mem: GuestMemory,
  ) {
    this.core = new CssCore(m, mem);
    this.crws = new CrwQueue(m);
    registerChannel(this.core);
    registerFacilities(this.core, this.crws);
  }

  get ccwLineResolver(): (addr: number) => number | undefined {
    return this.core.ccwLineResolver;
  }

  set ccwLineResolver(f: (addr: number) => number | undefined) {
    this.core.ccwLineResolver = f;
  }

  // ---- configuration ------------------------------------------------------------------------

  /** Define a configured channel path (css §1.2). */
  addChpid(chpid: number, type: number): void {
    checkInt('CHPID', chpid, 0xff);
    checkInt(`CHPID ${h(chpid)} type`, type, 0xff);
    if (this.core.chpids.has(chpid)) throw new Error(`CHPID ${h(chpid)} is already defined`);
    this.m.journal.mapSet(this.core.chpids, chpid, { chpid, type, operational: true, configured: true, online: true });
  }

  /**
   * SCLP configure on/off of a CHPID (css §6.2, §7.2 "chchp -c"): the chpid becomes
   * configured/standby; the PAM bit of every subchannel using it is set/cleared
   * ([unverified: chosen] css §1.2, shown in a `chp.state` event). No machine CRW
   * ([unverified: chosen] css §6.2). Returns false if the chpid is unknown.
   */
  configureChpid(chpid: number, configured: boolean): boolean {
    return configureChpid(this.core, chpid, configured);
  }

  /** State of a defined channel path; `operational` = machine online and responding (css §5.5, §6.2). */
  chpidState(chpid: number): { configured: boolean; operational: boolean; type: number } | undefined {
    const p = this.core.chpids.get(chpid);
    return p && { configured: p.configured, operational: p.online && p.operational, type: p.type };
  }

  /** Defined CHPIDs, ascending. */
  chpids(): number[] {
    return [...this.core.chpids.keys()].sort((a, b) => a - b);
  }

  /** Subchannels whose PMCW.CHPID[i] (with PIM bit i set) equals chpid, with the mask bit (0x80>>i). */
  subchannelsUsingChpid(chpid: number): Array<{ sch: number; mask: number }> {
    return subchannelsUsingChpid(this.core, chpid);
  }

  /**
   * Machine-initiated channel-path event: queues a machine CRW RSC 4 with ERC 2 (online /
   * initialized) or 6 (offline, PERRN), RSID = chpid (css §6.1/§6.2), and updates PAM like
   * configureChpid.
   */
  machineChpidEvent(chpid: number, event: 'online' | 'offline'): void {
    checkInt('CHPID', chpid, 0xff);
    machineChpidEvent(this.core, this.crws, chpid, event);
  }

  /** Pop one CRW from the machine queue (the host's STCRW): cc 0 / cc 1 as stcrw (css §6.3). */
  hostStcrw(): { cc: number; crw: number } {
    return this.m.within('stcrw', () => {
      const r = this.crws.stcrw();
      this.m.emit({ kind: 'instr', name: 'STCRW', sch: 0, cc: r.cc, detail: `host crw=0x${r.crw.toString(16).padStart(8, '0')}` }, 'instruction');
      return r;
    });
  }

  /** Make a channel path (not) operational: selection drops it into PNOM (css §5.5). */
  setChpidOperational(chpid: number, operational: boolean): void {
    const p = this.core.chpids.get(chpid);
    if (!p) throw new Error(`CHPID ${h(chpid)} is not defined`);
    this.m.journal.set(p, 'operational', operational);
  }

  /** Define a device and build its SCHIB (css §1.1, §1.2). */
  addDevice(spec: DeviceSpec): void {
    const c = this.core;
    checkInt('subchannel number', spec.sch, MAX_SUBCHANNELS - 1);
    checkInt('device number', spec.devno, 0xffff);
    checkInt('ISC', spec.isc, 7);
    if (!Array.isArray(spec.chpids) || spec.chpids.length < 1 || spec.chpids.length > 8) {
      throw new Error(`device ${h(spec.devno, 4)}: 1 to 8 CHPIDs required, got ${spec.chpids?.length ?? 0} (css §1.1)`);
    }
    spec.chpids.forEach((p) => checkInt(`device ${h(spec.devno, 4)} CHPID`, p, 0xff));
    if (new Set(spec.chpids).size !== spec.chpids.length) throw new Error(`device ${h(spec.devno, 4)}: duplicate CHPID in ${spec.chpids.map((p) => h(p)).join(',')}`);
    if (c.devices.has(spec.sch)) throw new Error(`subchannel ${h(spec.sch, 4)} is already defined`);
    if (c.devnos.has(spec.devno)) throw new Error(`device number ${h(spec.devno, 4)} is already used by subchannel ${h(c.devnos.get(spec.devno)!, 4)}`);
    const dev = createDevice(this.m, spec.type, spec.devno);
    const pim = maskFor(spec.chpids.length);
    const s = c.schib;
    const sch = spec.sch;
    // css §1.1 PMCW, built word by word and each word stored once (a `devices` statement defines
    // up to 65,536 subchannels: 13 field stores, each a journal entry, made it 0.7 s, issue 12)
    let w1 = s.word(sch, 1);
    w1 = s.put(1, w1, FIELD['pmcw.isc'], spec.isc);
    w1 = s.put(1, w1, FIELD['pmcw.ena'], spec.enabled ? 1 : 0);
    w1 = s.put(1, w1, FIELD['pmcw.dnv'], 1);
    w1 = s.put(1, w1, FIELD['pmcw.dev'], spec.devno);
    s.setWord(sch, 1, w1);
    s.setWord(sch, 2, s.put(2, s.put(2, s.word(sch, 2), FIELD['pmcw.lpm'], pim), FIELD['pmcw.pim'], pim));
    s.setWord(sch, 3, s.put(3, s.put(3, s.word(sch, 3), FIELD['pmcw.pam'], pim), FIELD['pmcw.pom'], 0xff));
    // CHPID 0–3 in word 4, 4–7 in word 5
    for (let first = 0; first < spec.chpids.length; first += 4) {
      const wi = CHPID_FIELDS[first].word;
      let w = s.word(sch, wi);
      for (let i = first; i < Math.min(first + 4, spec.chpids.length); i++) w = s.put(wi, w, CHPID_FIELDS[i], spec.chpids[i]);
      s.setWord(sch, wi, w);
    }
    s.set(sch, FIELD['pmcw.st'], 0);
    this.m.journal.mapSet(c.devices, sch, dev);
    this.m.journal.mapSet(c.devnos, spec.devno, sch);
    if (sch > c.limits.maxSch) this.m.journal.set(c.limits, 'maxSch', sch);
  }

  /**
   * Define `count` devices at once (bench and `devices` statement): device numbers from
   * `firstDevno`, subchannels from `firstSch`, same type and CHPIDs. Same checks as addDevice.
   */
  addDevices(first: Omit<DeviceSpec, 'devno' | 'sch'> & { devno: number; sch: number }, count: number): void {
    checkInt('device count', count, MAX_SUBCHANNELS);
    if (first.sch + count > MAX_SUBCHANNELS) throw new Error(`subchannels ${h(first.sch, 4)}+${count} exceed 0xffff (css §5.1)`);
    if (first.devno + count > 0x10000) throw new Error(`device numbers ${h(first.devno, 4)}+${count} exceed 0xffff`);
    for (let k = 0; k < count; k++) this.addDevice({ ...first, devno: first.devno + k, sch: first.sch + k });
  }

  hasSubchannel(sch: number): boolean {
    return this.core.exists(sch);
  }

  subchannelNumbers(): number[] {
    return [...this.core.devices.keys()].sort((a, b) => a - b);
  }

  device(sch: number): Device | undefined {
    return this.core.devices.get(sch);
  }

  // ---- instructions (css §5) ----------------------------------------------------------------

  ssch(sid: number, orb: OrbFields, orbAddr?: number): number {
    return ssch(this.core, sid, orb, orbAddr);
  }

  tsch(sid: number, irbAddr?: number): { cc: number; irb: Uint8Array } {
    return tsch(this.core, sid, irbAddr);
  }

  stsch(sid: number, schibAddr?: number): { cc: number; schib: Uint8Array } {
    return stsch(this.core, sid, schibAddr);
  }

  msch(sid: number, changes: Record<string, number>, schibAddr?: number): number {
    return msch(this.core, sid, changes, schibAddr);
  }

  hsch(sid: number): number {
    return hsch(this.core, sid);
  }

  csch(sid: number): number {
    return csch(this.core, sid);
  }

  xsch(sid: number): number {
    return xsch(this.core, sid);
  }

  rsch(sid: number): number {
    return rsch(this.core, sid);
  }

  tpi(addr?: number): { cc: number; sid: number; intparm: number; iid: number } {
    return tpi(this.core, addr);
  }

  /** An I/O-interruption request is queued for an enabled ISC (css §5.4). */
  interruptionPending(): boolean {
    return this.core.irq.pending();
  }

  /** Set control register 6 (ISC mask in bits 0–7, css §5.4). */
  setCr6(value: number): void {
    this.core.irq.setCr6(value);
  }

  /** STCRW (css §6.3): cc 0 with the oldest CRW, cc 1 with zero; stores 4 bytes at `addr` if given. */
  stcrw(addr?: number): { cc: number; crw: number } {
    return this.m.within('ioinst_handle_stcrw', () => {
      if (addr !== undefined) {
        if (addr & 3) throw new ProgramInterruption('specification', `STCRW area 0x${addr.toString(16)} is not word aligned (css §5.1)`);
        // css §11.6 STCRW stores 4 bytes: access exceptions before the CRW is dequeued (it stays queued)
        checkCpuAccess(this.core.cpu, this.mem, addr, 4, 'store', 'STCRW area');
      }
      const r = this.m.within('css_do_stcrw', () => this.crws.stcrw());
      if (addr !== undefined) this.mem.writeU32(addr, r.crw);
      this.m.emit({ kind: 'instr', name: 'STCRW', sch: 0, cc: r.cc, detail: `crw=0x${r.crw.toString(16).padStart(8, '0')}` }, 'instruction');
      return r;
    });
  }

  /** Queue a machine-generated CRW (QEMU `css_queue_crw`, css §6.3). */
  queueCrw(p: CrwParts): boolean {
    return this.crws.queue(p);
  }

  /** Pending CRWs and the lost flag, for the CRW view. */
  crwQueue(): { crws: number[]; overflow: boolean } {
    return { crws: this.crws.crws.slice(), overflow: this.crws.flags.lost };
  }

  // ---- machine and device events (scenario `machine …`, `rule …`) -----------------------------

  /** The device presents unsolicited status, e.g. attention 0x80 (css §1.3, §5.4). */
  unsolicited(sch: number, dstat: number): 'presented' | 'held' | 'dropped' {
    this.requireSch(sch);
    checkInt('unit status', dstat, 0xff);
    return presentUnsolicited(this.core, sch, dstat);
  }

  /**
   * The device of `sch` stops (or resumes) responding on the path(s) to `chpid`: the next path
   * selection drops them into PNOM (css §5.5). Returns the path-mask bits affected.
   */
  setPathFailure(sch: number, chpid: number, failed: boolean): number {
    this.requireSch(sch);
    const mask = subchannelsUsingChpid(this.core, chpid).find((x) => x.sch === sch)?.mask ?? 0;
    if (!mask) throw new Error(`subchannel ${h(sch, 4)} has no path to CHPID ${h(chpid)} (css §1.1 PMCW.CHPID)`);
    const old = this.core.pathFailures.get(sch) ?? 0;
    this.m.journal.mapSet(this.core.pathFailures, sch, failed ? old | mask : old & ~mask);
    return mask;
  }

  /** The device of `sch` becomes (not) operational on every path (css §5.5: then deferred cc 3). */
  setDeviceOperational(sch: number, operational: boolean): void {
    this.requireSch(sch);
    this.m.journal.mapSet(this.core.pathFailures, sch, operational ? 0 : 0xff);
  }

  /**
   * Machine event: the subchannel is (no longer) not operational for START SUBCHANNEL on the
   * paths in `mask` (PMCW path-mask bits; 0xff = every path, 0 = operational again). An SSCH
   * whose candidate paths (ORB.LPM & PIM & PAM) all lie in the mask then ends with immediate
   * cc 3 (css §5.2, §5.5); other instructions are not affected. Emits a warn event.
   * [unverified: chosen — css §12 leaves open when SSCH gives immediate rather than deferred
   *  cc 3; css §5.5 (Linux drops the ORB's paths from sch->lpm on cc 3) suggests a per-path one]
   */
  setStartNotOperational(sch: number, mask: number): void {
    this.requireSch(sch);
    checkInt('path mask', mask, 0xff);
    this.m.journal.mapSet(this.core.startNotOper, sch, mask);
    this.m.emit({
      kind: 'warn',
      message: mask
        ? `subchannel ${h(sch, 4)}: not operational for SSCH on paths ${h(mask)}: a start whose ORB.LPM & PIM & PAM lies within them gets immediate cc 3 [unverified: chosen]`
        : `subchannel ${h(sch, 4)}: operational for SSCH again`,
      ref: 'css §5.2, §5.5, §12',
    }, 'instruction');
  }

  /**
   * Machine event: the subchannel's device-number-valid bit (PMCW.DNV) becomes 0 / 1 — the
   * device is gone / back. With DNV = 0 the subchannel is not operational for SSCH, RSCH, HSCH,
   * CSCH, XSCH and TSCH (cc 3), MSCH is a no-op, STSCH stores the SCHIB with DNV = 0 (css §5.2);
   * Linux's cio_update_schib then fails with -ENODEV (css §8.1). No CRW of its own (pair it with
   * `machine crw rsc=3 …`). Emits a warn event.
   * [unverified: chosen — a machine-side DNV change is how the model makes a subchannel not
   *  operational for instructions; the reference names DNV = 0 only as one "not operational" case]
   */
  setDeviceValid(sch: number, valid: boolean): void {
    this.requireSch(sch);
    this.core.schib.set(sch, 'pmcw.dnv', valid ? 1 : 0);
    this.m.emit({
      kind: 'warn',
      message: `subchannel ${h(sch, 4)}: PMCW.DNV := ${valid ? 1 : 0}${valid ? '' : ' (device not valid: instructions get cc 3, STSCH stores DNV 0)'} [unverified: chosen]`,
      ref: 'css §5.2, §8.1',
    }, 'instruction');
  }

  /**
   * Machine event: the device `devno` is removed (QEMU `ccw_device_unplug`, removal.ts): ENA and DNV
   * off, CRW RSC 3 ERC 4, the subchannel no longer provided (css §5.2, §6.3). Returns its subchannel.
   */
  removeDevice(devno: number): number {
    checkInt('device number', devno, 0xffff);
    return removeDevice(this.core, this.crws, devno);
  }

  /** Script the device of `sch`: a rule for one command code (see ScriptRule). */
  addDeviceRule(sch: number, rule: ScriptRule): void {
    this.requireSch(sch);
    checkInt('command code', rule.cmd, 0xff);
    this.core.devices.get(sch)!.addScript(rule);
  }

  // ---- CHSC (css §5.6) ----------------------------------------------------------------------

  /** CHSC on a request block in guest memory (4K aligned): cc 0, response stored after the request. */
  chsc(addr: number): ChscResult & { cc: number } {
    return chscInstruction(this.core, addr);
  }

  /** Store subchannel description for subchannels first..last of set 0 (css §5.6). */
  chscSsd(first: number, last = first): ChscResult {
    return chscRequest(this.core, 0x10, CHSC_CMD.SSD, first & 0xffff, last & 0xffff, 0);
  }

  /** Store channel-path description, format 0, for CHPIDs first..last (css §5.6). */
  chscScpd(first: number, last = first): ChscResult {
    return chscRequest(this.core, 0x10, CHSC_CMD.SCPD, first & 0xff, last & 0xff, 0);
  }

  /**
   * Any CHSC command with a 16-byte request (css §5.6): SEI, SCSC, SDA (request length 0x0400 as
   * QEMU wants), SECM/SADC/SSQD (answered "not installed"); `len` overrides the request length.
   */
  chscCommand(command: number, p0 = 0, p1 = 0, p2 = 0, len?: number): ChscResult {
    checkInt('CHSC command', command, 0xffff);
    return chscRequest(this.core, len ?? (command === CHSC_CMD.SDA ? 0x0400 : 0x0010), command, p0 >>> 0, p1 >>> 0, p2 >>> 0);
  }

  // ---- CSS-wide instructions (css §5.1): SAL, STCPS, RCHP, SCHM ------------------------------

  /** SET ADDRESS LIMIT: GR1 = limit (bit 0 and bits 16–31 zero, else operand exception). */
  sal(gr1: number): void {
    sal(this.core, gr1);
  }

  /** STORE CHANNEL PATH STATUS: the 32-byte CHPID-in-use mask; stored at `addr` (32-byte aligned) if given. */
  stcps(addr?: number): Uint8Array {
    return stcps(this.core, addr);
  }

  /** RESET CHANNEL PATH: GR1 = CSSID << 16 | CHPID; cc 0/2/3 (css §5.2); solicited CRW on completion. */
  rchp(gr1: number): number {
    return rchp(this.core, gr1);
  }

  /** SET CHANNEL MONITOR: GR1 = MBK << 28 | UPD 0x2 | DCT 0x1, GR2 = format-0 area origin. */
  schm(gr1: number, gr2 = 0): void {
    schm(this.core, gr1, gr2);
  }

  /** A measurement-block field of a subchannel (`addr`, `format`, `ssch_rsch_count`, ...); undefined while not measuring. */
  measurement(sch: number, name: string): number | undefined {
    this.requireSch(sch);
    return readMeasurement(this.core, sch, name);
  }

  /** Is a measurement block in use for `sch` (SCHM on)? Where, and which format. */
  measurementBlock(sch: number): { addr: number; format: 0 | 1 } | undefined {
    return measurementBlock(this.core, sch);
  }

  /** SCHM / SAL / SDA state, for views and expressions. */
  facilityState(): { addressLimit: number; monitor: { active: boolean; origin: number; key: number; dct: boolean }; mcsse: boolean; mss: boolean; seiPending: number } {
    const f = facilities(this.core);
    return { addressLimit: f.addressLimit, monitor: { ...f.monitor }, mcsse: f.mcsse, mss: f.mss, seiPending: f.sei.length };
  }

  /**
   * Machine event: the device of `sch` becomes not operational on every path / operational again
   * (as setDeviceOperational) and the channel subsystem reports it with a CRW RSC 3 (css §6.1).
   */
  subchannelOperEvent(sch: number, operational: boolean): void {
    this.setDeviceOperational(sch, operational);
    subchannelCrw(this.core, this.crws, sch, operational);
  }

  /** Machine event: a CSS event for CHSC SEI (css §5.6); queues CRW RSC 0xB ERC 0 once until SEI drains. */
  seiEvent(ev: Partial<SeiEvent> & { cc: number }): void {
    checkInt('SEI content code', ev.cc, 0xff);
    addSeiEvent(this.core, this.crws, { cc: ev.cc, rs: ev.rs ?? 0, rsid: ev.rsid ?? 0, fla: ev.fla ?? 0, ccdf: ev.ccdf ?? [] });
  }

  /**
   * A machine CRW queued verbatim (`machine crw`). With RSC 0xB (channel subsystem) an SEI event
   * is made pending too, so that SEI has something to store.
   * [unverified: chosen — the event is a link incident (content code 1, Linux only logs it),
   *  reporting source 0, RSID = the CRW's RSID; no event when one is already pending]
   */
  machineCrw(p: CrwParts): boolean {
    const ok = this.crws.queue(p);
    if (p.rsc === 0xb && facilities(this.core).sei.length === 0) {
      addSeiEvent(this.core, undefined, { cc: 1, rs: 0, rsid: p.rsid & 0xffff, fla: 0, ccdf: [] });
    }
    return ok;
  }

  private requireSch(sch: number): void {
    if (!this.core.exists(sch)) throw new Error(`subchannel ${h(sch, 4)} is not defined`);
  }

  // ---- reading ------------------------------------------------------------------------------

  /** The device type of a subchannel; throws on an undefined subchannel. */
  deviceType(sch: number): DeviceType {
    const d = this.core.devices.get(sch);
    if (!d) throw new Error(`subchannel 0x${sch.toString(16).padStart(4, '0')} is not defined`);
    return d.type;
  }

  field(sch: number, name: string): number {
    return this.core.schib.get(sch, name);
  }

  schibWords(sch: number): Uint32Array {
    return this.core.schib.view(sch);
  }

  lastIrb(sch: number): Uint8Array | undefined {
    return this.core.irbs.get(sch);
  }

  static readonly SCHIB_WORDS = SCHIB_WORDS;
}
