/**
 * Executes the CPU-state and storage-key statements (css §11) and names the privileged
 * instruction behind each guest-instruction statement (css §11.5), which the runner checks
 * against the PSW problem-state bit before the statement does anything.
 */
import type { Stmt } from '../ast';
import type { Runner } from '../runner';
import { ProgramInterruption } from '../../css/program-interruption';

/** The simple-subchannel statements' instructions, a table rather than a new string per statement (issue 12). */
const SIMPLE_SCH_MNEMONIC: Readonly<Record<Extract<Stmt, { k: 'simple-sch' }>['instr'], string>> = {
  tsch: 'TSCH', stsch: 'STSCH', csch: 'CSCH', hsch: 'HSCH', rsch: 'RSCH', xsch: 'XSCH',
};

/** css §11.5, §11.2: the privileged instruction a statement issues on the guest CPU, if any. */
export function privilegedMnemonic(st: Stmt): string | undefined {
  switch (st.k) {
    case 'ssch': return 'SSCH';
    case 'simple-sch': return SIMPLE_SCH_MNEMONIC[st.instr];
    case 'msch': return 'MSCH';
    case 'tpi': return 'TPI';
    case 'stcrw': return 'STCRW';
    case 'chsc': return 'CHSC';
    case 'sal': return 'SAL';
    case 'stcps': return 'STCPS';
    case 'rchp': return 'RCHP';
    case 'schm': return 'SCHM';
    case 'sske': return 'SSKE';
    case 'iske': return 'ISKE';
    default: return undefined;
  }
}

/** css §11.2: SSKE/ISKE take a real address; prefix 0 here, so it is absolute (css §11.1). */
function frameAddress(r: Runner, addr: number, mnemonic: string): number {
  if (!r.mem.inRange(addr, 1)) throw new ProgramInterruption('addressing', `${mnemonic}: frame of 0x${addr.toString(16)} is not in the configuration (css §11.2)`);
  return addr;
}

/** Returns false when `st` is not a CPU statement. */
export function execCpu(r: Runner, st: Stmt): boolean {
  const j = r.m.journal;
  switch (st.k) {
    case 'cpu': {
      const cpu = r.cpu;
      if (st.problemState !== undefined) cpu.setProblemState(st.problemState);
      if (st.key !== undefined) cpu.setKey(st.key);
      if (st.cr0 !== undefined) cpu.setCr0(st.cr0);
      r.m.emit({ kind: 'log', source: 'cpu', text: `PSW key ${cpu.psw.key}, ${cpu.psw.problemState ? 'problem' : 'supervisor'} state, CR0 0x${cpu.cr.cr0.toString(16)}` }, 'instruction');
      return true;
    }
    case 'sske': {
      const a = frameAddress(r, st.addr, 'SSKE');
      r.mem.skeys.enable();
      r.mem.skeys.set(a, st.key);
      r.m.emit({ kind: 'log', source: 'cpu', text: `SSKE: key of frame 0x${(a & ~0xfff).toString(16)} := 0x${r.mem.storageKey(a).toString(16).padStart(2, '0')}` }, 'instruction');
      return true;
    }
    case 'iske': {
      const a = frameAddress(r, st.addr, 'ISKE');
      r.mem.skeys.enable();
      // css §11.2 ISKE: R1 bits 56–62 := key, bit 63 := 0
      const key = r.mem.storageKey(a) & 0xfe;
      j.set(r.state, 'skey', key);
      r.m.emit({ kind: 'log', source: 'cpu', text: `ISKE: key of frame 0x${(a & ~0xfff).toString(16)} = 0x${key.toString(16).padStart(2, '0')}` }, 'instruction');
      return true;
    }
    default:
      return false;
  }
}
