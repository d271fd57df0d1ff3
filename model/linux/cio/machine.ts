/**
 * What the host kernel asks of the machine (the channel subsystem facade, model/css): the
 * channel paths it has, SCLP (de)configure, STSCH-style reads and the machine's CRW queue.
 * Methods the machine gained later are used when present (feature-detected), so this layer
 * keeps working while the machine grows.
 */
import type { Css } from '../../css/css';
import { CHSC_RC } from '../../css/chsc';
import { ERC, RSC } from '../../css/crw';
import { SEI_FLAG, type SeiEvent, type SeiResponse } from './chsc';

interface MachineChpExtensions {
  configureChpid(chpid: number, configured: boolean): boolean;
  chpidState(chpid: number): unknown;
  chpids(): unknown;
  subchannelsUsingChpid(chpid: number): Array<{ sch: number; mask: number }>;
  hostStcrw(): { cc: number; crw: number };
}

type MaybeExt = Css & Partial<MachineChpExtensions>;

export class MachinePort {
  /** Fallback SCLP state while the machine has no configureChpid (true = configured). */
  private readonly fallbackConfigured = new Map<number, boolean>();

  /**
   * The machine's pending CHSC events (css §5.6 SEI) and its CRW RSC 0xB ERC 0, raised once until
   * SEI has drained the store (css §6.3 "CSS event"). Journaled.
   * [unverified: chosen — the model keeps the store here, next to the host that drains it]
   */
  readonly sei = { events: [] as SeiEvent[], overflow: false, crwPending: false };

  constructor(readonly css: Css) {}

  /** The machine records a CHSC event (or only an overflow: events were lost) and raises the CRW. */
  queueSei(event: SeiEvent | undefined, overflow = false): void {
    const j = this.css.m.journal;
    if (event) j.push(this.sei.events, event);
    if (overflow) j.set(this.sei, 'overflow', true);
    if (!this.sei.crwPending) {
      j.set(this.sei, 'crwPending', true);
      this.css.queueCrw({ rsc: RSC.CSS, erc: ERC.EVENT, rsid: 0 });
    }
  }

  /**
   * CHSC SEI (0x000E, css §5.6): the oldest pending event with flag 0x80 while more remain and
   * 0x40 after a loss; response code 0x0005 (no data) when nothing is pending.
   */
  chscSei(): SeiResponse {
    const j = this.css.m.journal;
    if (!this.sei.events.length && !this.sei.overflow) {
      j.set(this.sei, 'crwPending', false);
      return { code: CHSC_RC.NO_DATA, flags: 0, event: undefined };
    }
    const event = j.shift(this.sei.events);
    const flags = (this.sei.events.length ? SEI_FLAG.MORE : 0) | (this.sei.overflow ? SEI_FLAG.OVERFLOW : 0);
    j.set(this.sei, 'overflow', false);
    if (!this.sei.events.length) j.set(this.sei, 'crwPending', false);
    return { code: CHSC_RC.OK, flags, event };
  }

  private get ext(): MaybeExt {
    return this.css as MaybeExt;
  }

  /** CHPIDs the machine defines (css §1.2, §7.2: one chp0.XX directory each). */
  chpids(): number[] {
    return [...this.css.core.chpids.keys()].sort((a, b) => a - b);
  }

  hasChpid(chpid: number): boolean {
    return this.css.core.chpids.has(chpid);
  }

  chpType(chpid: number): number {
    return this.css.core.chpids.get(chpid)?.type ?? 0;
  }

  /** SCLP configure state, css §7.2 `configure`: 0 standby, 1 configured, 3 not recognized. */
  configured(chpid: number): number {
    if (!this.hasChpid(chpid)) return 3;
    if (typeof this.ext.chpidState === 'function') {
      const s = this.ext.chpidState(chpid) as unknown;
      if (typeof s === 'number') return s;
      if (typeof s === 'boolean') return s ? 1 : 0;
      if (typeof s === 'string') return /standby|off|deconf/i.test(s) ? 0 : 1;
      if (s && typeof s === 'object') {
        const o = s as Record<string, unknown>;
        if (typeof o.configured === 'boolean') return o.configured ? 1 : 0;
        if (typeof o.configured === 'number') return o.configured;
        if (typeof o.state === 'string') return /standby|off|deconf/i.test(o.state) ? 0 : 1;
      }
    }
    return this.fallbackConfigured.get(chpid) === false ? 0 : 1;
  }

  /** SCLP (de)configure channel path (css §6.2): true when the service call succeeded. */
  sclpConfigure(chpid: number, on: boolean): boolean {
    if (typeof this.ext.configureChpid === 'function') return this.ext.configureChpid(chpid, on);
    // Fallback until the machine models SCLP: configure off removes the path from PAM of every
    // subchannel using it and makes it not operational (css §1.2, PoP semantics, unverified).
    if (!this.hasChpid(chpid)) return false;
    const s = this.css.core.schib;
    const j = this.css.m.journal;
    this.css.setChpidOperational(chpid, on);
    for (const { sch, mask } of this.subchannelsUsingChpid(chpid)) {
      const pam = s.get(sch, 'pmcw.pam');
      s.set(sch, 'pmcw.pam', on ? pam | (mask & s.get(sch, 'pmcw.pim')) : pam & ~mask);
    }
    void j;
    this.fallbackConfigured.set(chpid, on);
    return true;
  }

  /** Subchannels whose PMCW names `chpid`, with the path-mask bit (css §0: bit 0x80 >> i). */
  subchannelsUsingChpid(chpid: number): Array<{ sch: number; mask: number }> {
    if (typeof this.ext.subchannelsUsingChpid === 'function') return this.ext.subchannelsUsingChpid(chpid);
    const out: Array<{ sch: number; mask: number }> = [];
    for (const sch of this.css.subchannelNumbers()) {
      const pim = this.css.field(sch, 'pmcw.pim');
      for (let i = 0; i < 8; i++) {
        if (pim & (0x80 >> i) && this.css.field(sch, `pmcw.chpid${i}`) === chpid) {
          out.push({ sch, mask: 0x80 >> i });
          break;
        }
      }
    }
    return out;
  }

  /** STCRW on the host CPU (css §6.3): cc 0 and a CRW, or cc 1 and zero. */
  stcrw(): { cc: number; crw: number } {
    if (typeof this.ext.hostStcrw === 'function') return this.ext.hostStcrw();
    return this.css.crws.stcrw();
  }
}
