/**
 * QEMU forwarding the guest's start, halt and clear to vfio-ccw (hw/s390x/css.c + hw/vfio/ccw.c,
 * css §10.2): SSCH / HSCH / CSCH with the `css_do_*` checks on QEMU's copy, the io-region and
 * async-region writes (with the -EAGAIN retry), the errno → cc / unit-exception mapping, local
 * emulation without an async region, XSCH on QEMU's copy only, and RSCH as a new start.
 */
import type { Machine } from '../engine/machine';
import { checkOperandAddr, parseSid } from '../css/instructions';
import { checkOrbWidths, copyOrb, encodeOrb, orbOperandProblem, type OrbFields } from '../css/orb';
import { ProgramInterruption } from '../css/program-interruption';
import { FIELD } from '../css/schib';
import { ACTL, FCTL, STCTL, DSTAT, STCTL_ALERT_END } from '../css/status';
import { ASYNC_CMD, ASYNC_REGION, IO_REGION, putU32 } from '../linux/vfio-ccw/regions';
import { sameOrb } from '../linux/cio/journaled';
import { schBusId } from '../linux/cio/constants';
import { requestOutcome } from './mapping';
import type { QemuCss } from './css';

/** The guest instructions QEMU forwards, on behalf of one QemuCss. */
export class QemuForwarding {
  private pfchWarned = false;
  /** The io region buffer QEMU fills and writes (not model state: rebuilt for every request). */
  private readonly region = new Uint8Array(IO_REGION.size);
  /**
   * The last frozen guest ORB that passed the operand checks, and the last frozen ORB encoded
   * with its words: a frozen ORB cannot change, so the same one is not checked or encoded again
   * (issue 12; the runner freezes each ssch statement's ORB, QEMU its stored copy). Derived, not state.
   */
  private checkedOrb: OrbFields | undefined;
  private encodedOrb: OrbFields | undefined;
  private encodedWords: number[] = [];

  constructor(private readonly q: QemuCss) {}

  private get m(): Machine {
    return this.q.m;
  }

  private get s() {
    return this.q.core.schib;
  }

  private warn(message: string, ref: string): void {
    this.m.emit({ kind: 'warn', message, ref }, 'instruction');
  }

  private instr(name: string, sch: number, cc: number, detail = ''): number {
    if (this.m.listens('instr')) this.m.emit({ kind: 'instr', name, sch, cc, detail }, 'instruction');
    else this.m.unheard(); // nobody reads it (a lean run): not built (issue 12)
    return cc;
  }

  /** SSCH (css §10.2): `css_do_ssch` checks, then the io-region write. */
  ssch(sid: number, orb: OrbFields, orbAddr?: number): number {
    const frame = this.m.enter('ioinst_handle_ssch');
    try {
      // QEMU ioinst_handle_ssch: the ORB address (alignment, access) before the SID (css §5.1)
      checkOperandAddr(this.q.core, orbAddr, 12, 'ORB', 'fetch');
      const { sch, provided } = parseSid(sid);
      if (orb !== this.checkedOrb) {
        checkOrbWidths(orb);
        const problem = orbOperandProblem(orb);
        if (problem) throw new ProgramInterruption('operand', problem);
        if (Object.isFrozen(orb)) this.checkedOrb = orb;
      }
      if (!provided || !this.q.core.exists(sch)) return this.instr('SSCH', sch, 3, 'subchannel not provided');
      const cc = this.cssDoSsch(sch, orb);
      if (!this.m.listens('instr')) return this.instr('SSCH', sch, cc); // the detail text only when read (issue 12)
      return this.instr('SSCH', sch, cc, `cpa=0x${orb.cpa.toString(16)} lpm=0x${orb.lpm.toString(16)}`);
    } finally {
      this.m.leave(frame);
    }
  }

  /** `css_do_ssch` (css §10.2): the SCSW checks and update, then the passthrough start. */
  private cssDoSsch(sch: number, orb: OrbFields): number {
    // enter/leave, not within: no closure per SSCH (issue 12)
    const outer = this.m.enter('css_do_ssch');
    try {
    const s = this.s;
    if (!this.q.core.operational(sch)) return 3;
    if (this.q.core.statusPending(sch)) return 1;
    if (s.get(sch, FIELD['scsw.fctl']) !== 0) return 2;
    const d = this.q.devices.get(sch)!;
    const saved = s.word(sch, 7);
    // sch->orb = *orb (a copy; the same ORB as the last start is not stored again)
    if (!sameOrb(d.orb, orb)) this.m.journal.set(d, 'orb', Object.freeze(copyOrb(orb)));
    let o = d.orb!;
    if (this.m.journal.recording) this.m.journal.set(d, 'channelProg', orb.cpa);
    else d.channelProg = orb.cpa; // lean runs: set would only store (issue 12)
    s.set(sch, FIELD['scsw.fctl'], FCTL.START);
    s.set(sch, FIELD['scsw.actl'], s.get(sch, FIELD['scsw.actl']) | ACTL.START_PEND);
    s.set(sch, FIELD['scsw.pno'], 0);
    const frame = this.m.enter('sch_handle_start_func_passthrough');
    try {
      if (!(s.get(sch, FIELD['scsw.actl']) & ACTL.SUSPENDED)) s.set(sch, FIELD['pmcw.intparm'], orb.intparm >>> 0);
      if (!o.pfch && this.q.options.forceOrbPfch) {
        const forced = copyOrb(o);
        forced.pfch = 1;
        o = Object.freeze(forced);
        this.m.journal.set(d, 'orb', o);
        if (!this.pfchWarned) {
          this.pfchWarned = true;
          this.warn('vfio-ccw (devno): PFCH flag forced (force-orb-pfch=on)', 'css §2');
        }
      }
      const cc = this.requestStart(sch, o);
      if (cc !== 0) s.setWord(sch, 7, saved); // css §5.3: ctrl/flags restored on a nonzero cc
      return cc;
    } finally {
      this.m.leave(frame);
    }
    } finally {
      this.m.leave(outer);
    }
  }

  /** `vfio_ccw_handle_request`: write ORB + SCSW into the io region; map the result (css §10.2). */
  private requestStart(sch: number, orb: OrbFields): number {
    const frame = this.m.enter('vfio_ccw_handle_request');
    try {
      // memset(region, 0); ORB and SCSW in; pwrite of the whole region. The buffer is QEMU's own
      // (one per device in QEMU, one here): the write copies it into the kernel's region.
      const region = this.region;
      region.fill(0);
      if (orb !== this.encodedOrb) {
        this.encodedWords = encodeOrb(orb);
        this.encodedOrb = Object.isFrozen(orb) ? orb : undefined;
      }
      const w = this.encodedWords;
      for (let i = 0; i < 3; i++) putU32(region, 4 * i, w[i] >>> 0);
      for (let i = 0; i < 3; i++) putU32(region, 12 + 4 * i, this.s.word(sch, 7 + i) >>> 0);
      const ret = this.writeRetrying(sch, 0, region); // retry on -EAGAIN (css §10.2)
      return this.mapOutcome(sch, ret, 'ssch');
    } finally {
      this.m.leave(frame);
    }
  }

  /**
   * pwrite with QEMU's `goto again` on -EAGAIN (css §10.2: io_mutex contention, css §8.1).
   * [unverified: chosen — QEMU retries without bound; the model stops after 100 attempts and
   *  lets -EAGAIN take the "other error" row (unit exception)]
   */
  private writeRetrying(sch: number, offset: number, region: Uint8Array): number {
    const d = this.q.devices.get(sch)!;
    let ret = this.q.vfio.write(sch, offset, region);
    for (let i = 1; i < 100 && ret === -11; i++) {
      this.m.journal.set(d.stats, 'eagainRetries', d.stats.eagainRetries + 1);
      ret = this.q.vfio.write(sch, offset, region);
    }
    if (ret === -11) this.warn(`vfio-ccw ${schBusId(sch)}: region write still -EAGAIN after 100 attempts; the model stops retrying`, 'css §10.2, §8.1');
    return ret;
  }

  private mapOutcome(sch: number, ret: number, instr: 'ssch' | 'hsch' | 'csch'): number {
    const o = requestOutcome(ret, instr);
    if ('cc' in o) return o.cc;
    this.warn(`vfio-ccw ${schBusId(sch)}: ${instr === 'ssch' ? 'write I/O region' : 'async command'} failed with ${ret}: unit exception to the guest`, 'css §10.2');
    this.unitException(sch);
    return 0;
  }

  /** `sch_gen_unit_exception` (QEMU ≥6.1, css §10.2) + `css_inject_io_interrupt`. */
  private unitException(sch: number): void {
    this.m.within('sch_gen_unit_exception', () => {
      const s = this.s;
      const d = this.q.devices.get(sch)!;
      s.set(sch, FIELD['scsw.actl'], s.get(sch, FIELD['scsw.actl']) & ~(ACTL.DEV_ACTIVE | ACTL.SCH_ACTIVE));
      s.set(sch, FIELD['scsw.stctl'], s.get(sch, FIELD['scsw.stctl']) | STCTL_ALERT_END);
      s.set(sch, FIELD['scsw.cpa'], (d.channelProg + 8) >>> 0);
      s.set(sch, FIELD['scsw.dstat'], DSTAT.UE);
      this.m.journal.set(d.stats, 'unitExceptions', d.stats.unitExceptions + 1);
      this.q.core.injectIo(sch);
    });
  }

  /** HSCH (css §10.2): `css_do_hsch` checks and SCSW update, then the async region (or local emulation). */
  hsch(sid: number): number {
    const frame = this.m.enter('ioinst_handle_hsch');
    try {
      const { sch, provided } = parseSid(sid);
      if (!provided || !this.q.core.exists(sch)) return this.instr('HSCH', sch, 3);
      const cc = this.m.within('css_do_hsch', () => {
        const s = this.s;
        if (!this.q.core.operational(sch)) return 3;
        const stctl = s.get(sch, FIELD['scsw.stctl']);
        if (stctl === STCTL.PENDING || stctl & (STCTL.PRIMARY | STCTL.SECONDARY | STCTL.ALERT)) return 1;
        const fctl = s.get(sch, FIELD['scsw.fctl']);
        if (fctl & (FCTL.HALT | FCTL.CLEAR)) return 2;
        const saved = s.word(sch, 7);
        s.set(sch, FIELD['scsw.fctl'], (fctl | FCTL.HALT) & ~FCTL.START);
        const actl = s.get(sch, FIELD['scsw.actl']);
        if (actl === (ACTL.SCH_ACTIVE | ACTL.DEV_ACTIVE) && stctl === STCTL.INTERMEDIATE) s.clear(sch, FIELD['scsw.stctl'], STCTL.PENDING);
        s.set(sch, FIELD['scsw.actl'], actl | ACTL.HALT_PEND);
        const cc = this.asyncCmd(sch, 'hsch');
        if (cc !== 0) s.setWord(sch, 7, saved);
        return cc;
      });
      return this.instr('HSCH', sch, cc);
    } finally {
      this.m.leave(frame);
    }
  }

  /** CSCH (css §10.2). */
  csch(sid: number): number {
    const frame = this.m.enter('ioinst_handle_csch');
    try {
      const { sch, provided } = parseSid(sid);
      if (!provided || !this.q.core.exists(sch)) return this.instr('CSCH', sch, 3);
      const cc = this.m.within('css_do_csch', () => {
        const s = this.s;
        if (!this.q.core.operational(sch)) return 3;
        const saved = s.word(sch, 7);
        s.set(sch, FIELD['scsw.fctl'], FCTL.CLEAR);
        s.set(sch, FIELD['scsw.actl'], ACTL.CLEAR_PEND);
        const cc = this.asyncCmd(sch, 'csch');
        if (cc !== 0) s.setWord(sch, 7, saved);
        return cc;
      });
      return this.instr('CSCH', sch, cc);
    } finally {
      this.m.leave(frame);
    }
  }

  /** `vfio_ccw_handle_halt/clear`: the async region, or local emulation when it is missing. */
  private asyncCmd(sch: number, instr: 'hsch' | 'csch'): number {
    const frame = this.m.enter(instr === 'hsch' ? 'vfio_ccw_handle_halt' : 'vfio_ccw_handle_clear');
    try {
      const d = this.q.devices.get(sch)!;
      if (d.regions.async === undefined) {
        // -ENOSYS: emulate the function on QEMU's copy (css §10.2 "no async region → emulate")
        this.warn(`no async region: ${instr.toUpperCase()} emulated locally`, 'css §10.2');
        this.emulateLocally(sch, instr);
        return 0;
      }
      const region = new Uint8Array(ASYNC_REGION.size);
      region[3] = instr === 'hsch' ? ASYNC_CMD.HSCH : ASYNC_CMD.CSCH;
      const ret = this.writeRetrying(sch, d.regions.async, region);
      return this.mapOutcome(sch, ret, instr);
    } finally {
      this.m.leave(frame);
    }
  }

  private emulateLocally(sch: number, instr: 'hsch' | 'csch'): void {
    const s = this.s;
    if (instr === 'csch') {
      s.set(sch, FIELD['pmcw.pom'], 0xff);
      s.set(sch, FIELD['scsw.pno'], 0);
      s.set(sch, FIELD['scsw.dstat'], 0);
      s.set(sch, FIELD['scsw.cstat'], 0);
    }
    s.set(sch, FIELD['scsw.actl'], s.get(sch, FIELD['scsw.actl']) & ~(instr === 'hsch' ? ACTL.HALT_PEND : ACTL.CLEAR_PEND));
    s.set(sch, FIELD['scsw.stctl'], STCTL.PENDING);
    this.q.core.injectIo(sch);
  }

  /** XSCH on QEMU's copy only (css §10.2, §5.2). */
  xsch(sid: number): number {
    const frame = this.m.enter('ioinst_handle_xsch');
    try {
      const { sch, provided } = parseSid(sid);
      if (!provided || !this.q.core.exists(sch)) return this.instr('XSCH', sch, 3);
      const cc = this.m.within('css_do_xsch', () => {
        const s = this.s;
        if (!this.q.core.operational(sch)) return 3;
        if (s.get(sch, FIELD['scsw.stctl']) !== 0) return 1;
        const fctl = s.get(sch, FIELD['scsw.fctl']);
        const actl = s.get(sch, FIELD['scsw.actl']);
        if (fctl !== FCTL.START || !(actl & (ACTL.RESUME_PEND | ACTL.START_PEND | ACTL.SUSPENDED)) || actl & ACTL.SCH_ACTIVE) return 2;
        s.set(sch, FIELD['scsw.fctl'], 0);
        s.set(sch, FIELD['scsw.actl'], actl & ~(ACTL.RESUME_PEND | ACTL.START_PEND | ACTL.SUSPENDED));
        s.set(sch, FIELD['scsw.dstat'], 0);
        s.set(sch, FIELD['scsw.cstat'], 0);
        // [unverified: chosen per css §10.2 / §12 — XSCH is not forwarded: a start already written
        //  to the io region keeps running on the host, and its completion still reaches the guest]
        const p = this.q.vfio.devices.get(sch);
        if (p && (p.state === 'CP_PENDING' || p.cp.initialized)) {
          this.warn(`vfio-ccw ${schBusId(sch)}: XSCH handled on QEMU's copy only (cc 0); the host channel program is not cancelled and its completion will still be reported`, 'css §10.2, §12');
        } else {
          this.warn(`vfio-ccw ${schBusId(sch)}: XSCH handled on QEMU's copy only, not forwarded to the host`, 'css §10.2, §12');
        }
        return 0;
      });
      return this.instr('XSCH', sch, cc, 'QEMU copy only, not forwarded');
    } finally {
      this.m.leave(frame);
    }
  }

  /**
   * RSCH (css §5.2 checks on QEMU's copy, then the start path again).
   * [unverified: chosen — forwarded as a new io-region request with the stored ORB; the
   *  reference marks RSCH over vfio-ccw as not a supported path (css §10.2, §12)]
   */
  rsch(sid: number): number {
    const frame = this.m.enter('ioinst_handle_rsch');
    try {
      const { sch, provided } = parseSid(sid);
      if (!provided || !this.q.core.exists(sch)) return this.instr('RSCH', sch, 3);
      const cc = this.m.within('css_do_rsch', () => {
        const s = this.s;
        if (!this.q.core.operational(sch)) return 3;
        if (this.q.core.statusPending(sch)) return 1;
        const actl = s.get(sch, FIELD['scsw.actl']);
        if (s.get(sch, FIELD['scsw.fctl']) !== FCTL.START || actl & ACTL.RESUME_PEND || !(actl & ACTL.SUSPENDED)) return 2;
        const d = this.q.devices.get(sch)!;
        this.warn('RSCH through vfio-ccw is not a supported path: forwarded as a new start request', 'css §10.2, §12');
        s.set(sch, FIELD['scsw.actl'], actl | ACTL.RESUME_PEND);
        return d.orb ? this.requestStart(sch, d.orb) : 0;
      });
      return this.instr('RSCH', sch, cc);
    } finally {
      this.m.leave(frame);
    }
  }
}
