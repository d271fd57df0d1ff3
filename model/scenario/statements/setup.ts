/** The setup header: kernel version, topology, guest memory (PRODUCT §1). */
import type { StatementDef } from './types';
import { parseKernelVersion } from '../../kernel/version';

export const SETUP_STATEMENTS: readonly StatementDef[] = [
  {
    name: 'kernel', syntax: 'kernel MAJOR.MINOR', ref: 'gup §0.1, css §0',
    help: 'Selects every version-dependent rule (GUP era E1–E5, vfio-ccw FSM and regions). Default 6.18.',
    parse(c) {
      // the lexer splits 6.18 into 6 . 18
      const t = c.peek();
      const dot = c.peekAt(1);
      const minor = c.peekAt(2);
      const text = t?.kind === 'number' && dot?.text === '.' && minor?.kind === 'number' ? `${t.text}.${minor.text}` : '';
      const v = parseKernelVersion(text);
      if (!t || !v) return c.fail('expected a kernel version such as 5.6, 5.8, 6.3 or 6.18');
      c.next();
      c.next();
      c.next();
      return { k: 'kernel', version: v };
    },
  },
  {
    name: 'topology', syntax: 'topology native|vfio', ref: 'PRODUCT §1',
    help: 'native: guest instructions act on the machine directly; vfio: through QEMU and vfio-ccw.',
    parse: (c) => ({ k: 'topology', topology: c.oneOf(['native', 'vfio'], 'a topology') as 'native' | 'vfio' }),
  },
  {
    name: 'memory', syntax: 'memory SIZE', ref: 'css §3.1',
    help: 'Guest memory size (e.g. 1M). Channel programs and data live in it. Default 1M, at most 64M.',
    parse(c) {
      const size = c.number('a memory size such as 1M');
      if (size < 4096n || size > 64n * 1024n * 1024n) c.fail('memory size must be between 4K and 64M');
      return { k: 'memory', size: Number(size) };
    },
  },
];
