/**
 * Executes channel-subsystem statements (css §1–6): setup goes to the machine's CSS, guest
 * instructions to `r.io` (the machine in the native topology, QEMU in the vfio topology).
 */
import type { Stmt } from '../ast';
import type { Runner } from '../runner';
import type { OrbFields } from '../../css/css';
import { checkOrbWidths, copyOrb, decodeOrb, encodeOrb } from '../../css/orb';
import { sameBytes } from '../../css/irb';
import { bytesToWords, checkFits, insert, schibField, SCHIB_BYTES, SCHIB_WORDS, wordsToBytes } from '../../css/fields';
import { CHSC_CMD, type ChscResult } from '../../css/chsc';

/** Defaults of an ORB written by a scenario (css §2): format-1 CCWs, prefetch allowed, all paths. */
export const ORB_DEFAULTS: OrbFields = {
  intparm: 0, key: 0, spnd: 0, str: 0, mod: 0, sync: 0, fmt: 1, pfch: 1, isic: 0, alcc: 0, ssic: 0, b: 0, c64: 0, i2k: 0,
  lpm: 0xff, ils: 0, midaw: 0, orbx: 0, cpa: 0,
};

/** The SID word of subchannel `sch` in subchannel set 0 (css §5.1). */
const sid = (sch: number) => 0x00010000 | sch;

/** Condition codes as the runner's bigint, from a table: no BigInt() per instruction (issue 12). */
const CC_VALUES: readonly bigint[] = [0n, 1n, 2n, 3n];
const ccValue = (cc: number): bigint => CC_VALUES[cc] ?? BigInt(cc);

type SschStmt = Extract<Stmt, { k: 'ssch' }>;

/**
 * The last ORB each `ssch` statement built, frozen: while its fields evaluate to the same values
 * (a loop's SSCH, issue 12) the same ORB is given again, so SSCH neither copies nor re-checks it.
 */
const ORB_CACHE = new WeakMap<SschStmt, OrbFields>();
/**
 * The statements whose ORB cannot change: every field a number, or a name defined when the ORB
 * was built (a defined name keeps its address: the console only adds names, repl.ts). Their
 * cached ORB is given again without evaluating the fields (issue 12: 5 % of a lean SSCH cycle).
 */
const ORB_FIXED = new WeakMap<SschStmt, OrbFields>();

/** The ORB of `ssch … field=VALUE…`: ORB_DEFAULTS with the named fields (css §2). */
function namedOrb(r: Runner, st: SschStmt): OrbFields {
  return ORB_FIXED.get(st) ?? evaluatedOrb(r, st);
}

/** namedOrb of a statement whose ORB is not fixed (or not built yet): its fields evaluated. */
function evaluatedOrb(r: Runner, st: SschStmt): OrbFields {
  const last = ORB_CACHE.get(st);
  let same = last !== undefined;
  // for…in, not Object.entries: no array of pairs per SSCH (issue 12)
  for (const k in st.orb) {
    if (!same) break;
    same = (last as unknown as Record<string, number>)[k] === r.addr(st.orb[k]);
  }
  if (same) return last!;
  // the defaults as the scenario ORB literal (copyOrb: one hidden class), then the named fields
  const fields = copyOrb(ORB_DEFAULTS);
  let fixed = true;
  const symbols = r.scenario.symbols;
  for (const k in st.orb) {
    const ref = st.orb[k];
    (fields as unknown as Record<string, number>)[k] = r.addr(ref);
    if (!('num' in ref) && !symbols.has(ref.name)) fixed = false;
  }
  const orb = Object.freeze(fields);
  if (fixed) ORB_FIXED.set(st, orb);
  else ORB_CACHE.set(st, orb);
  return orb;
}

type RunnerState = Runner['state'];

// The condition code of the loop-hot instructions: noted, then stored with a constant key
// (journal.ts noteBig; a lean run only stores, no call): `journal.set`'s generic keyed access was
// the largest item of a lean STSCH and 6 % of a journaled SSCH cycle (issue 12 profiles).
function setCc(r: Runner, cc: number): void {
  const v = ccValue(cc);
  if (r.m.journal.recording) noteCc(r, cc, v);
  r.state.cc = v;
}

/** setCc's journal note, apart so that the instructions' path inlines setCc (issue 12). */
function noteCc(r: Runner, cc: number, v: bigint): void {
  const j = r.m.journal;
  // a condition code (0–3) replaces one, or −1 (none): int32 both, no BigInt range checks; a
  // bigint outside int32 (an edit in the Variables view) converts to a number outside it too
  const old = Number(r.state.cc);
  if ((old | 0) === old && (cc | 0) === cc) j.noteInt32Big(r.state, 'cc', old, cc);
  else j.noteBig(r.state, 'cc', r.state.cc, v);
}

// A SCHIB image or interruption code equal to the one held is not stored again: the state reads
// the same, and a journaled loop of STSCH / TPI records no object per instruction (issue 12
// profile: a journaled STSCH loop spent a third of its time collecting those). The IRB is stored
// as before: the channel subsystem's `irbs` holds the same object (one IRB, not two equal ones;
// TSCH keeps the held IRB when the new one is equal, css/instructions.ts).
function setIrb(r: Runner, irb: RunnerState['irb']): void {
  if (r.m.journal.recording) r.m.journal.set(r.state, 'irb', irb);
  else r.state.irb = irb;
}

function setSchib(r: Runner, schib: RunnerState['schib']): void {
  if (!r.m.journal.recording) r.state.schib = schib;
  else if (!sameBytes(r.state.schib, schib)) r.m.journal.set(r.state, 'schib', schib);
}

function setIntcode(r: Runner, code: RunnerState['intcode']): void {
  const old = r.state.intcode;
  if (!r.m.journal.recording) r.state.intcode = code;
  else if (!(old && code && old.sid === code.sid && old.intparm === code.intparm && old.iid === code.iid)) r.m.journal.set(r.state, 'intcode', code);
}

/** Returns false when `st` is not a channel-subsystem statement. */
export function execCss(r: Runner, st: Stmt): boolean {
  const j = r.m.journal;
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
      // `orb words …`: the raw ORB, reserved bits included (css §2); else the named fields
      const orb: OrbFields = st.orbWords ? decodeOrb(st.orbWords) : namedOrb(r, st);
      const s = st.rawSid ?? sid(st.sch);
      if (st.at !== undefined) {
        // the ORB is stored at the operand address when that address can hold it (css §2, §5.1)
        const image = st.orbWords ?? encodeOrbChecked(orb);
        if (!(st.at & 3) && r.mem.inRange(st.at, image.length * 4)) r.mem.write(st.at, wordsBytes(image));
      } else if (!st.orbWords && st.rawSid !== undefined) {
        // a raw SID may fail SSCH's operand check before its ORB width check: the width error comes
        // first, as when the ORB is encoded (with `sid(sch)` SSCH itself checks the widths first)
        checkOrbWidths(orb);
      }
      setCc(r, r.io.ssch(s, orb, st.at));
      return true;
    }
    case 'simple-sch': {
      const s = st.rawSid ?? sid(st.sch);
      if (st.instr === 'tsch') {
        const res = r.io.tsch(s, st.at);
        setCc(r, res.cc);
        // css §5.2 TSCH cc 3 stores no IRB: `irb.*` has no value afterwards (issue 11)
        setIrb(r, res.cc !== 3 ? res.irb : undefined);
      } else if (st.instr === 'stsch') {
        const res = r.io.stsch(s, st.at);
        setCc(r, res.cc);
        setSchib(r, res.cc === 0 ? res.schib : undefined);
      } else {
        setCc(r, r.io[st.instr](s));
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
      if (st.at !== undefined) {
        // `msch SID at ADDR [field=VALUE…]`: the named fields are first stored into the SCHIB
        // image at ADDR (as the program edits its copy), then MSCH fetches the whole image from
        // guest memory (css §5.1, §5.3): only the program-modifiable fields are taken from it.
        if (!(st.at & 3) && r.mem.inRange(st.at, SCHIB_BYTES) && st.changes.length) {
          const image = r.mem.read(st.at, SCHIB_BYTES)!;
          const words = bytesToWords(image, SCHIB_WORDS);
          for (const [name, v] of Object.entries(changes)) {
            const d = schibField(name);
            checkFits(d, v);
            words[d.word] = insert(d, words[d.word], v);
          }
          r.mem.write(st.at, wordsToBytes(words));
        }
        j.set(r.state, 'cc', BigInt(r.io.msch(st.rawSid ?? sid(st.sch), {}, st.at)));
      } else j.set(r.state, 'cc', BigInt(r.io.msch(st.rawSid ?? sid(st.sch), changes)));
      return true;
    }
    case 'cr6':
      // the guest's CPU: the machine's in the native topology, QEMU's guest CSS in vfio
      (r.vfio ? r.vfio.qemu.core.irq : r.css.core.irq).setCr6(st.value);
      return true;
    case 'tpi': {
      const res = r.io.tpi(st.at);
      setCc(r, res.cc);
      setIntcode(r, res.cc === 1 ? { sid: res.sid, intparm: res.intparm, iid: res.iid } : undefined);
      return true;
    }
    case 'devices':
      r.css.addDevices({ devno: st.devno, sch: st.sch, type: st.type, chpids: st.chpids, enabled: st.enabled, isc: st.isc }, st.count);
      return true;
    case 'stcrw': {
      // the guest's STCRW: the machine's queue (native) or QEMU's (vfio), into guest memory with `at`
      const res = r.io.stcrw(st.at);
      j.set(r.state, 'cc', ccValue(res.cc));
      j.set(r.state, 'crw', res.crw);
      return true;
    }
    case 'configure-chpid':
      if (!r.css.configureChpid(st.chpid, st.on)) throw new Error(`CHPID ${hex2(st.chpid)} is not defined (define it with 'chpid ${hex2(st.chpid)}')`);
      return true;
    case 'machine-chpid':
      r.css.machineChpidEvent(st.chpid, st.event);
      return true;
    case 'machine-path':
      r.css.setPathFailure(st.sch, st.chpid, st.failed);
      return true;
    case 'machine-oper':
      // css §6.1: the machine reports it with a CRW RSC 3 (facilities.ts subchannelCrw)
      r.css.subchannelOperEvent(st.sch, st.operational);
      return true;
    case 'machine-start-oper':
      // css §5.2, §5.5: immediate SSCH cc 3 on these paths [unverified: chosen, warn event]
      r.css.setStartNotOperational(st.sch, st.mask);
      return true;
    case 'machine-dnv':
      // css §5.2: DNV = 0 → not operational; STSCH stores it (Linux cio_update_schib -ENODEV)
      r.css.setDeviceValid(st.sch, st.valid);
      return true;
    case 'machine-remove':
      // QEMU ccw_device_unplug (css §5.2, §6.3); in the vfio topology the host and QEMU follow
      // through the machine's CRW (cio, vfio-ccw, QEMU unplug: vfioRemoval / notifiers)
      r.css.removeDevice(st.devno);
      return true;
    case 'machine-unsolicited':
      r.css.unsolicited(st.sch, st.dstat);
      return true;
    case 'machine-crw':
      // RSC 0xB also makes a CHSC SEI event pending (css §5.6)
      r.css.machineCrw({ rsc: st.rsc, erc: st.erc, rsid: st.rsid, sol: st.sol, chn: st.chn, anc: st.anc, oflw: st.oflw });
      return true;
    case 'rule':
      r.css.addDeviceRule(st.sch, { ...st.rule });
      return true;
    case 'chsc': {
      const code = st.command === 'code' ? st.first : CHSC_CODES[st.command];
      // request parameters (css §5.6): SSD/SCPD first/last, SDA operation code; `paramN` overrides
      const params = st.command === 'ssd' || st.command === 'scpd' ? [st.first, st.last, 0] : st.command === 'sda' ? [st.first, 0, 0] : [0, 0, 0];
      st.params?.forEach((v, i) => { if (v !== undefined) params[i] = v; });
      const len = st.len ?? (st.command === 'sda' ? 0x0400 : 0x0010);
      let res: ChscResult;
      if (st.at !== undefined) {
        native(r, 'chsc … at ADDR');
        // build the request block (css §5.6): length, command, three parameter words
        const req = new Uint8Array(16);
        const dv = new DataView(req.buffer);
        dv.setUint16(0, len);
        dv.setUint16(2, code);
        params.forEach((p, i) => dv.setUint32(4 + 4 * i, p >>> 0));
        if (!(st.at & 0xfff) && r.mem.inRange(st.at, 16)) r.mem.write(st.at, req);
        res = r.css.chsc(st.at);
        j.set(r.state, 'cc', BigInt((res as ChscResult & { cc: number }).cc));
      } else {
        res = r.css.chscCommand(code, params[0], params[1], params[2], len);
        j.set(r.state, 'cc', 0n);
      }
      j.set(r.state, 'chsc', res);
      return true;
    }
    case 'sal':
      native(r, 'sal');
      r.css.sal(st.gr1);
      return true;
    case 'stcps':
      native(r, 'stcps');
      j.set(r.state, 'cpsw', r.css.stcps(st.at));
      return true;
    case 'rchp':
      native(r, 'rchp');
      j.set(r.state, 'cc', BigInt(r.css.rchp(st.gr1)));
      return true;
    case 'schm':
      native(r, 'schm');
      r.css.schm(st.gr1, st.gr2);
      return true;
    default:
      return false;
  }
}

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

/** css §5.6 command codes of the `chsc` statement. */
const CHSC_CODES: Readonly<Record<string, number>> = {
  ssd: CHSC_CMD.SSD, scpd: CHSC_CMD.SCPD, sei: CHSC_CMD.SEI, scsc: CHSC_CMD.SCSC, sda: CHSC_CMD.SDA, secm: CHSC_CMD.SECM, sadc: CHSC_CMD.SADC, ssqd: CHSC_CMD.SSQD,
};

/** Operand addresses and raw SIDs exist only where the guest's instructions act on the machine. */
function native(r: Runner, what: string): void {
  if (r.scenario.topology !== 'native') throw new Error(`${what} is only available in the native topology`);
}

function encodeOrbChecked(orb: OrbFields): number[] {
  checkOrbWidths(orb);
  return encodeOrb(orb);
}

function wordsBytes(words: number[]): Uint8Array {
  const b = new Uint8Array(words.length * 4);
  const dv = new DataView(b.buffer);
  words.forEach((w, i) => dv.setUint32(i * 4, w >>> 0));
  return b;
}
