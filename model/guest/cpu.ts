/**
 * The guest CPU state the channel-subsystem instructions depend on (css §11.3): the PSW key,
 * the problem-state bit, control register 0's protection bits. Journaled, so stepping back
 * restores it. No DAT and prefix 0 in this model: effective = real = absolute addresses.
 */
import type { Machine } from '../engine/machine';
import { ProgramInterruption } from '../css/program-interruption';

/**
 * css §11.5 (and §11.2 for the key instructions): the privileged instructions a scenario can
 * issue, with their opcodes. In problem state each ends in a privileged-operation exception
 * (0x02) before anything else is looked at.
 */
export const PRIVILEGED_INSTRUCTIONS: Readonly<Record<string, string>> = {
  CSCH: 'B230', HSCH: 'B231', MSCH: 'B232', SSCH: 'B233', STSCH: 'B234', TSCH: 'B235', TPI: 'B236', SAL: 'B237',
  RSCH: 'B238', STCRW: 'B239', STCPS: 'B23A', RCHP: 'B23B', SCHM: 'B23C', CHSC: 'B25F', XSCH: 'B276',
  ISKE: 'B229', SSKE: 'B22B',
};

export class GuestCpu {
  /** css §11.3: PSW bits 8–11 (key) and 15 (P: 1 = problem state). */
  readonly psw = { key: 0, problemState: false };
  /** css §11.3: control register 0 (only bits 35, 38 and 39 are read: LAP, FPO, SPO). */
  readonly cr = { cr0: 0n };

  constructor(private readonly m: Machine) {}

  setProblemState(on: boolean): void {
    this.m.journal.set(this.psw, 'problemState', on);
  }

  setKey(key: number): void {
    if (!Number.isInteger(key) || key < 0 || key > 15) throw new Error(`the PSW key is 4 bits (0-15), got ${key} (css §11.3)`);
    this.m.journal.set(this.psw, 'key', key);
  }

  setCr0(value: bigint): void {
    if (value < 0n || value > 0xffffffffffffffffn) throw new Error('CR0 is a 64-bit register (css §11.3)');
    this.m.journal.set(this.cr, 'cr0', value);
  }

  /** css §11.3 PSW bits 8–11 and 15 as the 64-bit mask values (key 0x00F0…, P 0x0001…). */
  pswMask(): bigint {
    return (BigInt(this.psw.key) << 52n) | (this.psw.problemState ? 0x0001000000000000n : 0n);
  }

  /** css §11.5: a privileged instruction in problem state → privileged-operation exception, nothing else. */
  checkPrivileged(mnemonic: string): void {
    if (!this.psw.problemState) return;
    const op = PRIVILEGED_INSTRUCTIONS[mnemonic];
    throw new ProgramInterruption('privileged-operation', `${mnemonic}${op ? ` (${op})` : ''} in problem state (PSW bit 15 = 1): suppressed, no operand examined, cc unchanged (css §11.5)`);
  }
}
