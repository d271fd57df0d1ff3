/**
 * The vfio-ccw FSM at run time (vfio_ccw_fsm.c, css §8.3): the event dispatcher and the actions
 * of the era's table (fsm.ts), with `fsm_io_request` → `fsm_io_helper` (host SSCH with the
 * translated ORB) and `fsm_async_request` (host HSCH / CSCH).
 */
import { schedSchTodoUnreg } from '../cio/unregister';
import { copyOrb, decodeOrb, type OrbFields } from '../../css/orb';
import { ACTL, FCTL } from '../../css/status';
import { schBusId } from '../cio/constants';
import type { HostSubchannel } from '../cio/subchannel';
import { E } from '../cio/errno';
import { ACTION_FUNCTION, type FsmAction, type FsmEvent } from './fsm';
import { cpFree, cpGetOrb, cpInit, cpPrefetch, newCp } from './cp';
import { ASYNC_CMD, getU32 } from './regions';
import { sameOrb, storeU32 } from '../cio/journaled';
import { setPriv, setState, type VfioCcwPrivate } from './private';
import { hostSchAddr, sidOf } from './host';
import { queueWork } from './ioWork';
import type { VfioCcw } from './driver';

/** `vfio_ccw_fsm_event`: look the action up in the era's table and run it. */
export function fsmEvent(d: VfioCcw, p: VfioCcwPrivate, ev: FsmEvent): void {
  const action = d.table[p.state][ev];
  if (!action) throw new Error(`vfio-ccw FSM: event ${ev} does not exist in Linux ${d.features.version.major}.${d.features.version.minor} (css §8.3)`);
  const frame = d.m.enter('vfio_ccw_fsm_event'); // enter/leave: no closures per event (issue 12)
  d.m.enter(ACTION_FUNCTION[action]);
  try {
    runAction(d, p, action);
  } finally {
    d.m.leave(frame);
  }
}

/** The io region's ret_code (offset 120). */
function setIoRet(d: VfioCcw, p: VfioCcwPrivate, ret: number): void {
  storeU32(d.m, p, 'io', 120, ret >>> 0);
}

/** The async (cmd) region's ret_code (offset 4). */
function setCmdRet(d: VfioCcw, p: VfioCcwPrivate, ret: number): void {
  storeU32(d.m, p, 'cmd', 4, ret >>> 0);
}

function runAction(d: VfioCcw, p: VfioCcwPrivate, a: FsmAction): void {
  switch (a) {
    case 'nop': return;
    case 'io_error': return setIoRet(d, p, -E.EIO);
    case 'io_retry': return setIoRet(d, p, -E.EAGAIN);
    case 'io_busy': return setIoRet(d, p, -E.EBUSY);
    case 'async_error': return setCmdRet(d, p, -E.EIO);
    case 'async_retry': return setCmdRet(d, p, -E.EAGAIN);
    case 'disabled_irq':
      // an interrupt while disabled means an earlier disable failed: try again (css §8.3)
      d.cio.disable(d.cio.subchannel(p.sch));
      return;
    case 'notoper':
      d.warn(`${schBusId(p.sch)}: not operational; subchannel unregistration scheduled (css_sched_sch_todo)`, 'css §8.3');
      schedSchTodoUnreg(d.cio, p.sch);
      setState(d.m, p, 'NOT_OPER');
      if (p.cp.initialized) cpFree(d.cpContext(p), p.cp);
      return;
    case 'open': {
      const ret = d.cio.enable(d.cio.subchannel(p.sch), hostSchAddr(p.sch));
      if (ret) return fsmEvent(d, p, 'NOT_OPER');
      setState(d.m, p, 'IDLE');
      return;
    }
    case 'close': {
      const hs = d.cio.subchannel(p.sch);
      if (!(hs.schib[5] & 0x80)) return fsmEvent(d, p, 'NOT_OPER'); // cached PMCW: not enabled
      let ret = d.cio.disable(hs);
      if (ret === -E.EBUSY) ret = d.quiesce(p);
      if (ret) return fsmEvent(d, p, 'NOT_OPER');
      setState(d.m, p, 'STANDBY');
      if (p.cp.initialized) cpFree(d.cpContext(p), p.cp);
      return;
    }
    case 'irq':
      if (d.m.journal.recording) d.m.journal.set(p.stats, 'interrupts', p.stats.interrupts + 1);
      else p.stats.interrupts++; // lean runs: set would only store (issue 12)
      queueWork(d, p, 'io');
      return;
    case 'io_request': return ioRequest(d, p);
    case 'async_request': return asyncRequest(d, p);
  }
}

/** `fsm_io_request` (css §8.3). */
function ioRequest(d: VfioCcw, p: VfioCcwPrivate): void {
  setState(d.m, p, 'CP_PROCESSING');
  if (d.m.journal.recording) d.m.journal.set(p.stats, 'requests', p.stats.requests + 1);
  else p.stats.requests++; // lean runs: set would only store (issue 12)
  const scswW0 = getU32(p.io, 12);
  const fctl = (scswW0 >>> 12) & 7;
  if (fctl & FCTL.START) {
    const orb = regionOrb(p);
    if (orb.b) return fail(d, p, -E.EOPNOTSUPP); // transport mode
    const ctx = d.cpContext(p);
    newProgram(d, p, orb, ctx.arenaBase);
    let ret = cpInit(ctx, p.cp);
    if (ret) return fail(d, p, ret);
    ret = cpPrefetch(ctx, p.cp);
    if (ret) {
      cpFree(ctx, p.cp);
      return fail(d, p, ret);
    }
    const helper = d.m.enter('fsm_io_helper'); // enter/leave: no closure per request (issue 12)
    try {
      ret = ioHelper(d, p);
    } finally {
      d.m.leave(helper);
    }
    if (ret) {
      cpFree(ctx, p.cp);
      return fail(d, p, ret);
    }
    return;
  }
  if (fctl & (FCTL.HALT | FCTL.CLEAR)) return fail(d, p, -E.EOPNOTSUPP); // must use the async region
  // [unverified: chosen — no function requested: ret_code keeps the value userspace wrote]
  setState(d.m, p, 'IDLE');
}

/** A failed io request: ret_code, back to IDLE (css §8.3). */
function fail(d: VfioCcw, p: VfioCcwPrivate, ret: number): void {
  setIoRet(d, p, ret);
  setState(d.m, p, 'IDLE');
}

/** The last ORB decoded per device, with its words (derived from the io region, not model state). */
const decoded = new WeakMap<VfioCcwPrivate, { w0: number; w1: number; w2: number; orb: Readonly<OrbFields> }>();

/** The guest ORB in the io region's orb_area (css §8.1), decoded again only when its words change. */
function regionOrb(p: VfioCcwPrivate): Readonly<OrbFields> {
  const w0 = getU32(p.io, 0);
  const w1 = getU32(p.io, 4);
  const w2 = getU32(p.io, 8);
  const last = decoded.get(p);
  if (last && last.w0 === w0 && last.w1 === w1 && last.w2 === w2) return last.orb;
  const orb = Object.freeze(decodeOrb([w0, w1, w2]));
  decoded.set(p, { w0, w1, w2, orb });
  return orb;
}

/**
 * The request's `channel_program` before `cp_init` (css §9.1): the guest ORB, no chains, the
 * device's DMA arena empty. The device's previous program, when freed (no chain, not
 * initialized), is reset in place, recording only what changes; otherwise a new one replaces it.
 */
function newProgram(d: VfioCcw, p: VfioCcwPrivate, orb: OrbFields, arenaBase: number): void {
  const cp = p.cp;
  if (cp.chains.length || cp.initialized) return setPriv(d.m, p, 'cp', newCp(orb, arenaBase));
  if (!sameOrb(cp.orb, orb)) d.m.journal.set(cp, 'orb', copyOrb(orb));
  if (d.m.journal.recording) d.m.journal.set(cp, 'dmaNext', arenaBase);
  else cp.dmaNext = arenaBase; // lean runs: set would only store (issue 12)
}

/** What the device's host ORB was last built from (derived, not model state: checked against p.hostOrb). */
const hostOrbInputs = new WeakMap<VfioCcwPrivate, { orb: OrbFields; intparm: number; lpm: number; rule: string; head: number; out: OrbFields }>();

/** `fsm_io_helper` (css §8.3, §5.5): host SSCH with the translated ORB. */
function ioHelper(d: VfioCcw, p: VfioCcwPrivate): number {
  const hs = d.cio.subchannel(p.sch);
  const intparm = hostSchAddr(p.sch);
  const head = p.cp.chains[0].hostHead;
  const last = hostOrbInputs.get(p);
  // cp_get_orb depends on these inputs only: when they are the ones p.hostOrb was built from, it
  // is that ORB again (issue 12: no ORB object built and compared per request)
  if (!last || last.out !== p.hostOrb || last.orb !== p.cp.orb || last.intparm !== intparm || last.lpm !== hs.lpm || last.rule !== d.options.lpmRule || last.head !== head) {
    const built = cpGetOrb(d.cpContext(p), p.cp, intparm, hs.lpm, d.options.lpmRule);
    // readable as vfio(SID).orb.FIELD (issue 11 E); the same ORB as last time is not stored again,
    // and the host SSCH gets that frozen ORB itself, so the machine keeps it too (issue 12)
    if (!sameOrb(p.hostOrb, built)) setPriv(d.m, p, 'hostOrb', Object.freeze(built));
    hostOrbInputs.set(p, { orb: p.cp.orb, intparm, lpm: hs.lpm, rule: d.options.lpmRule, head, out: p.hostOrb! });
  }
  const orb = p.hostOrb!;
  if (d.options.lpmRule === 'rfc') {
    d.warn(`ORB LPM replaced by the subchannel lpm 0x${hs.lpm.toString(16)} (RFC v1 rule, not merged)`, 'css §8.5');
  }
  const cc = d.css.ssch(sidOf(p.sch), orb);
  switch (cc) {
    case 0: {
      cachedActl(d, hs, (a) => a | ACTL.START_PEND); // sch->schib.scsw.cmd.actl |= START_PEND
      setIoRet(d, p, 0);
      setState(d.m, p, 'CP_PENDING');
      return 0;
    }
    case 1:
    case 2:
      return -E.EBUSY;
    default: {
      // cc 3: drop the ORB's paths (or all) from lpm, refresh, -EACCES if paths remain
      d.m.journal.set(hs, 'lpm', orb.lpm !== 0 ? hs.lpm & ~orb.lpm : 0);
      if (d.cio.cioUpdateSchib(hs)) return -E.ENODEV;
      return hs.lpm ? -E.EACCES : -E.ENODEV;
    }
  }
}

/** `fsm_async_request` (css §8.3): HSCH / CSCH on the host; the state is not changed. */
function asyncRequest(d: VfioCcw, p: VfioCcwPrivate): void {
  const cmd = getU32(p.cmd, 0);
  const hs = d.cio.subchannel(p.sch);
  let ret: number;
  if (cmd === ASYNC_CMD.HSCH) {
    ret = d.m.within('fsm_do_halt', () => {
      const cc = d.css.hsch(sidOf(p.sch));
      if (cc === 0) cachedActl(d, hs, (a) => a | ACTL.HALT_PEND);
      return cc === 0 ? 0 : cc === 3 ? -E.ENODEV : -E.EBUSY;
    });
  } else if (cmd === ASYNC_CMD.CSCH) {
    ret = d.m.within('fsm_do_clear', () => {
      const cc = d.css.csch(sidOf(p.sch));
      if (cc === 0) cachedActl(d, hs, () => ACTL.CLEAR_PEND);
      return cc === 0 ? 0 : -E.ENODEV;
    });
  } else ret = -E.EINVAL;
  setCmdRet(d, p, ret);
}

/** Update the ACTL of the host's cached SCSW (sch->schib.scsw.cmd.actl), in place. */
function cachedActl(d: VfioCcw, hs: HostSubchannel, f: (actl: number) => number): void {
  const w0 = getU32(hs.schib, 28);
  const actl = f((w0 >>> 5) & 0x7f) & 0x7f;
  storeU32(d.m, hs, 'schib', 28, ((w0 & ~(0x7f << 5)) | (actl << 5)) >>> 0);
}
