/**
 * CPU state and storage keys readable by expressions (css §11):
 *   pic                          code of the last statement's program interruption (0x02, 0x04, 0x05,
 *                                0x06, 0x15; 0 when it completed), css §11.3
 *   psw.key | psw.problem_state | cr0      the PSW key, PSW bit 15 (1 = problem state), control register 0
 *   skey[.acc|.fetch|.ref|.change]          the key the last `iske` inserted
 *   storage_key(ADDR)[.acc|…]               the key of ADDR's frame now (no instruction, no R/C change)
 */
import type { Runner } from './runner';
import { EvalError, toNumber, type Value } from './evaluate';
import { suggestion } from './diagnostics';
import { PROGRAM_INTERRUPTION_CODE, type ProgramInterruptionCode } from '../css/program-interruption';
import { SKEY } from '../css/keys';

type Part = { field: string } | { index: number };

export const CPU_PATH_HEADS = ['pic', 'psw', 'cr0', 'skey', 'storage_key'] as const;

const KEY_FIELDS = ['acc', 'fetch', 'ref', 'change'] as const;
const PSW_FIELDS = ['key', 'problem_state'] as const;

function keyField(key: number, parts: Part[], col: number, what: string): bigint {
  const p = parts[0];
  if (!p) return BigInt(key);
  const f = 'field' in p ? p.field : '';
  switch (f) {
    case 'acc': return BigInt((key & SKEY.ACC) >>> 4);
    case 'fetch': return key & SKEY.F ? 1n : 0n;
    case 'ref': return key & SKEY.R ? 1n : 0n;
    case 'change': return key & SKEY.C ? 1n : 0n;
  }
  throw new EvalError(col, `expected ${what} or ${what}.FIELD: ${KEY_FIELDS.join(', ')}${suggestion(f, KEY_FIELDS)}`);
}

/** undefined: `head` is not a CPU name. */
export function resolveCpuPath(r: Runner, head: string, args: Value[], parts: Part[], col: number): Value | undefined {
  switch (head) {
    case 'pic': {
      const e = r.state.exception;
      return e === '' ? 0n : BigInt(PROGRAM_INTERRUPTION_CODE[e as ProgramInterruptionCode] ?? 0);
    }
    case 'psw': {
      const p = parts[0];
      const f = p && 'field' in p ? p.field : '';
      if (f === 'key') return BigInt(r.cpu.psw.key);
      if (f === 'problem_state') return r.cpu.psw.problemState ? 1n : 0n;
      throw new EvalError(col, `expected psw.FIELD: ${PSW_FIELDS.join(', ')}${suggestion(f, PSW_FIELDS)}`);
    }
    case 'cr0': return r.cpu.cr.cr0;
    case 'skey': {
      const k = r.state.skey;
      if (k === undefined) throw new EvalError(col, 'skey has no value: no iske ran, or the last statement failed');
      return keyField(k, parts, col, 'skey');
    }
    case 'storage_key': {
      const addr = Number(toNumber(args[0] ?? -1n, col, 'storage_key(ADDRESS)'));
      if (!r.mem.inRange(addr, 1)) throw new EvalError(col, `storage_key(0x${addr.toString(16)}): outside guest memory`);
      return keyField(r.mem.storageKey(addr), parts, col, 'storage_key(ADDRESS)');
    }
  }
  return undefined;
}
