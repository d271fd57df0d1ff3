/** Memory-management statements: processes, VMAs, the GUP API family and its releases (gup §2–§6). */
import type { Cursor } from '../cursor';
import type { StatementDef } from './types';
import { FOLL_FLAGS } from '../../linux/mm/foll';

export const GUP_APIS = [
  'get_user_pages', 'get_user_pages_fast', 'get_user_pages_remote', 'get_user_pages_unlocked', 'get_user_pages_fast_only',
  'pin_user_pages', 'pin_user_pages_fast', 'pin_user_pages_remote', 'pin_user_pages_unlocked', 'pin_user_pages_fast_only',
] as const;

export const RELEASE_APIS = ['unpin_user_page', 'unpin_user_pages', 'unpin_user_pages_dirty_lock', 'put_page'] as const;

export const VMA_KINDS = ['anon', 'anon-shared', 'file', 'shmem', 'hugetlb', 'thp', 'secretmem', 'pfnmap', 'io', 'dax'] as const;

function parseFlags(c: Cursor): string[] {
  const flags: string[] = [];
  if (!c.peek() || c.peekOp('->')) return flags;
  for (;;) {
    const t = c.peek();
    if (t?.kind === 'number' && t.value === 0n) {
      c.next();
    } else {
      const f = c.oneOf(Object.keys(FOLL_FLAGS), 'a FOLL_* flag');
      flags.push(f);
    }
    if (c.peekOp('|')) c.next();
    else break;
  }
  return flags;
}

export const GUP_STATEMENTS: readonly StatementDef[] = [
  {
    name: 'process', syntax: 'process NAME pid N', ref: 'gup §2', help: 'Creates a process (an mm) for GUP calls.',
    parse(c) {
      const name = c.word('a process name');
      c.keyword('pid');
      return { k: 'process', name, pid: Number(c.number('a pid')) };
    },
  },
  {
    name: 'vma', syntax: `vma PROC START size SIZE KIND [r|rw]`, ref: 'gup §2.4',
    help: `Maps a VMA in a process. Kinds: ${VMA_KINDS.join(' ')}. Pages fault in on first touch.`,
    parse(c) {
      const proc = c.word('a process name');
      const start = c.number('a start address');
      c.keyword('size');
      const size = c.number('a size such as 64K');
      const kind = c.oneOf(VMA_KINDS, 'a VMA kind');
      let prot = 'rw';
      if (c.peek()) prot = c.oneOf(['r', 'rw', 'w', 'none'], 'r, rw, w or none');
      return { k: 'vma', proc, start, size, kind, read: prot.includes('r'), write: prot.includes('w') };
    },
  },
  ...GUP_APIS.map((api): StatementDef => ({
    name: api, syntax: `${api} PROC START NR_PAGES FLAGS [-> NAME]`, ref: 'gup §2.1, §3',
    help: `Calls ${api}() on PROC's mm; binds the returned pages to NAME. ret holds the return value.`,
    parse(c) {
      const proc = c.word('a process name');
      const start = c.number('a start address');
      const nr = Number(c.number('a page count'));
      const flags = parseFlags(c);
      let bind: string | undefined;
      if (c.peekOp('->')) {
        c.next();
        bind = c.word('a name to bind the pages to');
      }
      return bind === undefined ? { k: 'gup', api, proc, start, nr, flags } : { k: 'gup', api, proc, start, nr, flags, bind };
    },
  })),
  ...RELEASE_APIS.map((api): StatementDef => ({
    name: api, syntax: api === 'unpin_user_pages_dirty_lock' ? `${api} NAME true|false` : `${api} NAME`, ref: 'gup §2.1, §3.5, §6',
    help: `Releases the pages bound to NAME with ${api}().`,
    parse(c) {
      const target = c.word('the name of bound pages');
      let makeDirty = false;
      if (api === 'unpin_user_pages_dirty_lock') makeDirty = c.oneOf(['true', 'false'], 'true or false (make_dirty)') === 'true';
      return { k: 'release', api, target, makeDirty };
    },
  })),
];
