/**
 * CPU state and storage keys (css §11): the PSW key and problem-state bit, control register 0,
 * SET STORAGE KEY EXTENDED and INSERT STORAGE KEY EXTENDED.
 */
import type { Cursor } from '../cursor';
import type { StatementDef } from './types';
import { dashedWord } from './cssOperands';

const CPU_SETTINGS = ['problem-state', 'key', 'cr0'] as const;

function keyValue(c: Cursor, what: string): number {
  const t = c.peek();
  const v = c.number(what);
  if (v > 15n) c.fail('a storage or PSW key is 4 bits: 0-15 (css §11.1, §11.3)', t);
  return Number(v);
}

export const CPU_STATEMENTS: readonly StatementDef[] = [
  {
    name: 'cpu', syntax: 'cpu [problem-state on|off] [key N] [cr0 VALUE]', ref: 'css §11.3, §11.5',
    help: 'Sets the guest CPU state the I/O instructions see: the PSW problem-state bit (on: every I/O and key instruction gives a privileged-operation exception, code 0x02, and does nothing else), the PSW key 0-15 (the access key of the instructions\' storage operands), control register 0 (bit 35 = 0x10000000 low-address protection, bit 38 = 0x02000000 fetch-protection override, bit 39 = 0x01000000 storage-protection override). Defaults: supervisor state, key 0, CR0 0.',
    parse(c) {
      const out: { problemState?: boolean; key?: number; cr0?: bigint } = {};
      const seen = new Set<string>();
      do {
        const t = c.peek();
        const what = dashedWord(c, 'problem-state, key or cr0');
        if (!(CPU_SETTINGS as readonly string[]).includes(what)) c.fail('expected problem-state, key or cr0', t);
        if (seen.has(what)) c.fail(`'${what}' given twice`, t);
        seen.add(what);
        if (what === 'problem-state') out.problemState = c.oneOf(['on', 'off'], 'problem-state setting (on or off)') === 'on';
        else if (what === 'key') out.key = keyValue(c, 'a PSW key 0-15');
        else {
          const vt = c.peek();
          const v = c.number('a CR0 value');
          if (v > 0xffffffffffffffffn) c.fail('CR0 is a 64-bit register (css §11.3)', vt);
          out.cr0 = v;
        }
      } while (c.peek());
      return { k: 'cpu', ...out };
    },
  },
  {
    name: 'sske', syntax: 'sske ADDR key N [fetch] [ref] [change]', ref: 'css §11.1, §11.2',
    help: 'SET STORAGE KEY EXTENDED: the key of the 4 KiB frame holding ADDR := ACC N, F (fetch protection), R (reference) and C (change) as named. Privileged (problem state → 0x02); ADDR beyond guest memory → addressing exception (0x05).',
    parse(c) {
      const addr = c.address();
      c.keyword('key');
      let key = keyValue(c, 'an access-control key 0-15') << 4;
      const bits: Record<string, number> = { fetch: 0x08, ref: 0x04, change: 0x02 };
      const seen = new Set<string>();
      while (c.peek()) {
        const t = c.peek();
        const b = c.oneOf(Object.keys(bits), 'key bit (fetch, ref or change)');
        if (seen.has(b)) c.fail(`'${b}' given twice`, t);
        seen.add(b);
        key |= bits[b];
      }
      return { k: 'sske', addr, key };
    },
  },
  {
    name: 'iske', syntax: 'iske ADDR', ref: 'css §11.1, §11.2',
    help: 'INSERT STORAGE KEY EXTENDED: reads the key of the frame holding ADDR; read it as skey (the byte: ACC 0xF0, F 0x08, R 0x04, C 0x02) or skey.acc / skey.fetch / skey.ref / skey.change. Privileged; beyond guest memory → addressing exception.',
    parse(c) {
      return { k: 'iske', addr: c.address() };
    },
  },
];
