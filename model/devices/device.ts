/**
 * Rule-based devices: a device type is a table of command rules (command code → what the
 * device does: data it returns, bytes it accepts, unit status, sense), plus its sense-ID bytes.
 * The channel (css/channel.ts) asks `begin` when a command starts and `end` when its data
 * transfer is over. Device state changes only through the journal.
 */
import type { Machine } from '../engine/machine';
import { CMD, SENSE_MAX_COUNT, commandClass, isInput } from '../css/ccw';
import { DSTAT, SENSE0 } from '../css/status';

export type DeviceType = 'echo' | 'dasd' | 'terminal' | 'virtio-net' | 'virtio-blk' | 'virtio-rng' | 'virtio-balloon';

/**
 * Bytes the program placed in the CCW's data area (`offset`, `length` within the CCW count), or
 * undefined outside it: a device that reads its control block before answering (virtio-ccw
 * READ_FEAT's index, QEMU `ccw_dstream_read` on a read command) looks here.
 */
export type DataPeek = (offset: number, length: number) => readonly number[] | undefined;

/** What the device does with one command. */
export type DeviceOp =
  /** Device → memory: the bytes the device offers (read, sense, sense ID). */
  | { kind: 'input'; data: readonly number[] }
  /** Memory → device: how many bytes the device takes (Infinity: as many as the CCWs give). */
  | { kind: 'output'; accept: number }
  /** No data transfer (NOP and other control orders). */
  | { kind: 'control' }
  /** Command reject: unit check, sense byte 0 = 0x80 (css §3.6). */
  | { kind: 'reject' }
  /** The device is busy at selection: unit status BUSY, the command is not executed (css §4). */
  | { kind: 'busy' };

/**
 * A scripted device rule (`rule SID cmd=0xNN …`): what the device does with one command code,
 * taking precedence over the device type's own rules. Every field is optional.
 */
export interface ScriptRule {
  readonly cmd: number;
  /** Input: the bytes the device offers. */
  readonly data?: readonly number[];
  /** Output: how many bytes the device takes. */
  readonly accept?: number;
  /** The device transfers the CCW count minus this many bytes (IL unless SLI). */
  readonly residual?: number;
  /** Unit status added to channel end + device end (e.g. 0x40 SM, 0x01 UE, 0x02 UC). */
  readonly dstat?: number;
  /** Sense bytes the device holds afterwards (read with a basic SENSE). */
  readonly sense?: readonly number[];
  readonly busy?: boolean;
  readonly reject?: boolean;
  /** Virtual time the command takes before it starts. */
  readonly delay?: number;
  /** Present unsolicited attention status this long after the command ends. */
  readonly attention?: number;
  /** How many more times the rule applies (undefined: always). */
  readonly times?: number;
}

export interface CommandRule {
  /** Shown in traces and hovers. */
  readonly name: string;
  readonly match: (cmd: number) => boolean;
  readonly begin: (dev: Device, cmd: number, peek?: DataPeek) => DeviceOp;
  /**
   * The command's data transfer is over: `data` are the bytes moved out of memory (output
   * commands), `transferred` the byte count moved in either direction. Returns unit status to
   * add to channel end + device end (e.g. status modifier), or a unit check via `dev.unitCheck`.
   */
  readonly end?: (dev: Device, cmd: number, data: readonly number[], transferred: number) => number;
}

export interface SenseIdInfo {
  cuType: number;
  cuModel: number;
  devType: number;
  devModel: number;
}

/** Sense-ID bytes: 0xFF, CU type (2), CU model, device type (2), device model (css §3.3). */
export function senseIdBytes(id: SenseIdInfo): number[] {
  return [0xff, id.cuType >> 8, id.cuType & 0xff, id.cuModel, id.devType >> 8, id.devType & 0xff, id.devModel];
}

/** Journaled per-device state. */
export interface DeviceState {
  /** Basic sense bytes (32), all zero unless a unit check happened. */
  sense: readonly number[];
  /** Echo/terminal: the bytes of the last write. */
  buffer: readonly number[];
  /** Scripted rules, newest first (a later rule for the same command wins). */
  script: readonly ScriptRule[];
  /** Free-form device registers (DASD position, ...). */
  regs: Readonly<Record<string, number>>;
  /** Stored records by key (DASD "cc.hh.r"). */
  records: Readonly<Record<string, readonly number[]>>;
}

/** The op of a control command (no data), shared: ops are read, never changed (issue 12: one per NOP). */
const CONTROL_OP: DeviceOp = Object.freeze({ kind: 'control' });

export const ZERO_SENSE: readonly number[] = Object.freeze(new Array<number>(SENSE_MAX_COUNT).fill(0));

/**
 * Rules every device type has (QEMU handles these in `css_interpret_ccw` for all devices).
 * They answer through the same channel path as every other command (css/channel.ts
 * `executeCommand`): the device offers its bytes, and a count that differs without SLI is
 * incorrect length (css §3.2 SLI, §4 CSTAT 0x40); data chaining spreads them over several CCWs.
 * QEMU turns a wrong count into a program check instead — a quirk the architecture does not
 * have (css §3.6 last row; issue 11).
 */
export const COMMON_RULES: readonly CommandRule[] = [
  {
    name: 'SENSE',
    match: (c) => c === CMD.SENSE,
    // css §3.3: basic sense offers SENSE_MAX_COUNT (32) bytes
    begin: (d) => ({ kind: 'input', data: d.state.sense }),
    end: (d) => {
      d.setSense(ZERO_SENSE); // sense data is consumed by a successful basic sense
      return 0;
    },
  },
  {
    name: 'SENSE ID',
    match: (c) => c === CMD.SENSE_ID,
    // css §3.3: the device offers its sense-ID bytes, byte 0 = X'FF' whatever the count
    begin: (d) => ({ kind: 'input', data: d.senseId }),
  },
  { name: 'NOP', match: (c) => c === CMD.NOP, begin: () => CONTROL_OP },
];

export class Device {
  readonly state: DeviceState = { sense: ZERO_SENSE, buffer: [], script: [], regs: {}, records: {} };
  readonly senseId: readonly number[];
  /** The scripted rule of the command in progress (between begin and end). */
  active: ScriptRule | undefined = undefined;
  /** rule()'s last command and answer (a cache, not device state). */
  private lastCmd = -1;
  private lastRule: CommandRule | undefined = undefined;

  constructor(
    protected readonly m: Machine,
    readonly devno: number,
    readonly type: DeviceType,
    id: SenseIdInfo,
    readonly rules: readonly CommandRule[],
  ) {
    this.senseId = Object.freeze(senseIdBytes(id));
  }

  // loops, not find(): no closure per command (every CCW asks, issue 12)
  rule(cmd: number): CommandRule | undefined {
    // the rules are fixed per device: the last command's rule is answered again without a
    // search (a channel program asks at begin and at end of every command, issue 12); the
    // search in its own method keeps this small enough to inline
    return cmd === this.lastCmd ? this.lastRule : this.findRule(cmd);
  }

  /** rule()'s search: the common rules, then the device type's; remembered as the last answer. */
  private findRule(cmd: number): CommandRule | undefined {
    let found: CommandRule | undefined;
    for (let i = 0; i < COMMON_RULES.length && !found; i++) if (COMMON_RULES[i].match(cmd)) found = COMMON_RULES[i];
    const rules = this.rules;
    for (let i = 0; i < rules.length && !found; i++) if (rules[i].match(cmd)) found = rules[i];
    this.lastCmd = cmd;
    this.lastRule = found;
    return found;
  }

  /** The scripted rule for `cmd`, if any (css §4: scenario-defined device behaviour). */
  scripted(cmd: number): ScriptRule | undefined {
    const script = this.state.script;
    for (let i = 0; i < script.length; i++) if (script[i].cmd === cmd) return script[i];
    return undefined;
  }

  /** Add a scripted rule; it replaces an earlier one for the same command. */
  addScript(rule: ScriptRule): void {
    this.m.journal.set(this.state, 'script', Object.freeze([rule, ...this.state.script.filter((r) => r.cmd !== rule.cmd)]));
  }

  /**
   * Replace scripted rule `old` by `rule` for the same command, in place (an edit in the
   * debugger's Variables view, issue 9), journaled so stepping back undoes it.
   */
  replaceScript(old: ScriptRule, rule: ScriptRule): void {
    const i = this.state.script.indexOf(old);
    if (i < 0) throw new Error(`the rule for command 0x${old.cmd.toString(16).padStart(2, '0')} is no longer scripted`);
    if (rule.cmd !== old.cmd) throw new Error('a rule edit keeps its command code');
    const next = this.state.script.slice();
    next[i] = rule;
    this.m.journal.set(this.state, 'script', Object.freeze(next));
  }

  /** Forget the scripted rule of the command in progress (it ended without `end`). */
  clearActive(): void {
    this.m.journal.set(this, 'active', undefined);
  }

  /** Consume one use of the scripted rule for `cmd` (rules with `times`). */
  private useScript(r: ScriptRule): void {
    if (r.times === undefined) return;
    const rest = this.state.script.filter((x) => x !== r);
    this.m.journal.set(this.state, 'script', Object.freeze(r.times > 1 ? [{ ...r, times: r.times - 1 }, ...rest] : rest));
  }

  /** Start a command: the rule's op, or a command reject (unit check, sense 0x80). */
  begin(cmd: number, peek?: DataPeek): DeviceOp {
    const sr = this.scripted(cmd);
    // the scripted path in its own method: what every unscripted command runs stays small
    // enough to be inlined into the channel's (issue 12: one begin per command)
    if (sr) return this.beginScripted(sr, cmd, peek);
    if (this.active !== undefined) this.m.journal.set(this, 'active', undefined);
    const r = this.rule(cmd);
    if (!r) {
      this.unitCheck(SENSE0.CMD_REJECT);
      return { kind: 'reject' };
    }
    return r.begin(this, cmd, peek);
  }

  /** `begin` of a command with a scripted rule `sr`. */
  private beginScripted(sr: ScriptRule, cmd: number, peek: DataPeek | undefined): DeviceOp {
    this.useScript(sr);
    this.m.journal.set(this, 'active', sr);
    if (sr.reject) {
      this.unitCheck(SENSE0.CMD_REJECT);
      return { kind: 'reject' };
    }
    if (sr.busy) return { kind: 'busy' };
    if (sr.data !== undefined) return { kind: 'input', data: sr.data };
    if (sr.accept !== undefined) return { kind: 'output', accept: sr.accept };
    const base = this.rule(cmd)?.begin(this, cmd, peek);
    if (base && base.kind !== 'reject') return base;
    const cls = commandClass(cmd);
    if (isInput(cls)) return { kind: 'input', data: [] };
    if (cls === 'write') return { kind: 'output', accept: Infinity };
    return { kind: 'control' };
  }

  /** The subchannel was disabled (MSCH ENA 1 → 0, QEMU `sch->disable_cb`); most devices ignore it. */
  onDisable(): void {
    // no device state depends on the subchannel being enabled, except virtio's revision
  }

  /** End a command; returns the unit status (CE + DE plus whatever the rule adds). */
  end(cmd: number, data: readonly number[], transferred: number): number {
    const sr = this.active;
    // the scripted path in its own method, as in `begin` (one end per command, issue 12)
    if (sr) return this.endScripted(sr, cmd, data, transferred);
    const r = this.rule(cmd);
    const extra = r?.end ? r.end(this, cmd, data, transferred) : 0;
    return DSTAT.CE | DSTAT.DE | extra;
  }

  /** `end` of a command started with the scripted rule `sr`. */
  private endScripted(sr: ScriptRule, cmd: number, data: readonly number[], transferred: number): number {
    this.m.journal.set(this, 'active', undefined);
    const r = sr.data === undefined && sr.accept === undefined ? this.rule(cmd) : undefined;
    const extra = r?.end ? r.end(this, cmd, data, transferred) : 0;
    if (sr.sense) this.setSense([...sr.sense, ...ZERO_SENSE].slice(0, SENSE_MAX_COUNT));
    return DSTAT.CE | DSTAT.DE | extra | (sr.dstat ?? 0);
  }

  /** Record a unit check with sense byte 0 (and optional further bytes). */
  unitCheck(byte0: number, more: readonly number[] = []): void {
    const s = new Array<number>(SENSE_MAX_COUNT).fill(0);
    s[0] = byte0;
    more.forEach((v, i) => (s[i + 1] = v & 0xff));
    this.setSense(s);
  }

  setSense(bytes: readonly number[]): void {
    this.m.journal.set(this.state, 'sense', Object.freeze(bytes.slice()));
  }

  setBuffer(bytes: readonly number[]): void {
    this.m.journal.set(this.state, 'buffer', Object.freeze(bytes.slice()));
  }

  setRecord(key: string, bytes: readonly number[]): void {
    this.m.journal.set(this.state, 'records', Object.freeze({ ...this.state.records, [key]: Object.freeze(bytes.slice()) }));
  }

  setReg(name: string, value: number): void {
    this.m.journal.set(this.state, 'regs', Object.freeze({ ...this.state.regs, [name]: value }));
  }
}
