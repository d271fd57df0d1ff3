/** Memory-management statements: processes, VMAs, the GUP API family and its releases (gup §2–§6). */
import type { Cursor } from '../cursor';
import type { StatementDef, StmtBody } from './types';
import { FOLL_FLAGS } from '../../linux/mm/foll';
import { ZONES } from '../../linux/mm/pageStore';
import { IOMMU_READ, IOMMU_WRITE } from '../../linux/mm/vfioType1';

export const GUP_APIS = [
  'get_user_pages', 'get_user_pages_fast', 'get_user_pages_remote', 'get_user_pages_unlocked', 'get_user_pages_fast_only',
  'pin_user_pages', 'pin_user_pages_fast', 'pin_user_pages_remote', 'pin_user_pages_unlocked', 'pin_user_pages_fast_only',
] as const;

export const RELEASE_APIS = [
  'unpin_user_page', 'unpin_user_pages', 'unpin_user_pages_dirty_lock', 'put_page',
  'unpin_user_page_range_dirty_lock', 'unpin_folio', 'unpin_folios', 'unpin_user_folio',
] as const;

/** Release syntax: which take a count and/or make_dirty (gup §2.1). */
const RELEASE_SYNTAX: Record<string, string> = {
  unpin_user_pages: 'NAME [N]',
  unpin_folios: 'NAME [N]',
  unpin_user_pages_dirty_lock: 'NAME [N] true|false',
  unpin_user_page_range_dirty_lock: 'NAME N true|false',
  unpin_user_folio: 'NAME N',
};

/** Release APIs whose page count may be given explicitly (`unpin_user_pages NAME N`). */
const EXPLICIT_COUNT = new Set(['unpin_user_pages', 'unpin_user_pages_dirty_lock', 'unpin_folios']);

/** `-> NAME` at the end of a line. */
function optBind(c: Cursor): string | undefined {
  if (!c.peekOp('->')) return undefined;
  c.next();
  return c.word('a name to bind to');
}

function onOff(c: Cursor, what: string): boolean {
  return c.oneOf(['on', 'off'], what) === 'on';
}

/** IOMMU_READ|IOMMU_WRITE (vfio_pin_pages prot) or VFIO_DMA_MAP_FLAG_READ|..._WRITE (map flags). */
function parseProt(c: Cursor, names: readonly [string, string]): number {
  let prot = 0;
  for (;;) {
    const w = c.oneOf(names, `${names[0]} or ${names[1]}`);
    prot |= w === names[0] ? IOMMU_READ : IOMMU_WRITE;
    if (c.peekOp('|')) c.next();
    else return prot;
  }
}

/** Every remaining token as a command-line word: `-ct -F 0x1 0 19` → ['-ct', '-F', '0x1', '0', '19']. */
function argvOf(c: Cursor): string[] {
  const out: string[] = [];
  while (c.peek()) {
    const t = c.next();
    if (t.kind === 'op' && t.text === '-') {
      const n = c.peek();
      if (n && (n.kind === 'word' || n.kind === 'number')) {
        c.next();
        out.push('-' + n.text);
        continue;
      }
    }
    out.push(t.text);
  }
  return out;
}

const GUP_TEST_CMDS = [
  'GUP_FAST_BENCHMARK', 'GUP_LONGTERM_BENCHMARK', 'GUP_BENCHMARK', 'PIN_FAST_BENCHMARK', 'PIN_BENCHMARK', 'PIN_LONGTERM_BENCHMARK',
  'GUP_BASIC_TEST', 'PIN_BASIC_TEST', 'DUMP_USER_PAGES_TEST', 'PIN_LONGTERM_TEST_START', 'PIN_LONGTERM_TEST_STOP', 'PIN_LONGTERM_TEST_READ',
] as const;

export const VMA_KINDS = ['anon', 'anon-shared', 'file', 'shmem', 'hugetlb', 'thp', 'secretmem', 'pfnmap', 'io', 'dax', 'mixedmap', 'p2pdma'] as const;

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
    name: 'vma', syntax: `vma PROC START size SIZE KIND [r|rw|w|none] [zone normal|movable|cma|device] [order N]`, ref: 'gup §2.4, §3.2, §5',
    help: `Maps a VMA in a process. Kinds: ${VMA_KINDS.join(' ')}. Pages fault in on first touch; zone and folio order (mTHP) per VMA.`,
    parse(c) {
      const proc = c.word('a process name');
      const start = c.number('a start address');
      c.keyword('size');
      const size = c.number('a size such as 64K');
      let kind: string = c.oneOf(VMA_KINDS, 'a VMA kind');
      // `anon-shared` lexes as anon '-' shared: join it back (the documented kind, gup §2.4 FOLL_FORCE on a shared mapping)
      if (kind === 'anon' && c.peekOp('-')) {
        c.next();
        c.keyword('shared');
        kind = 'anon-shared';
      }
      let prot = 'rw';
      if (c.peek() && !c.peekWord('zone') && !c.peekWord('order')) prot = c.oneOf(['r', 'rw', 'w', 'none'], 'r, rw, w or none');
      const st: StmtBody = { k: 'vma', proc, start, size, kind, read: prot.includes('r'), write: prot.includes('w') };
      while (c.peek()) {
        const opt = c.oneOf(['zone', 'order'], 'zone or order');
        if (opt === 'zone') st.zone = c.oneOf(ZONES, 'a zone');
        else st.order = Number(c.number('a folio order 0..9 (hugetlb 9 or 18)'));
      }
      return st;
    },
  },
  ...GUP_APIS.map((api): StatementDef => ({
    name: api, syntax: `${api} PROC START NR_PAGES FLAGS [-> NAME | pages=NULL]`, ref: 'gup §2.1, §3',
    help: `Calls ${api}() on PROC's mm; binds the returned pages to NAME. ret holds the return value.`,
    parse(c) {
      const proc = c.word('a process name');
      const start = c.number('a start address');
      const nr = Number(c.number('a page count'));
      const flags = parseFlags(c);
      // `pages=NULL`: the caller passes no pages array (gup §2.3: populate only; with FOLL_GET or
      // FOLL_PIN the call is refused)
      if (c.peekWord('pages')) {
        c.next();
        c.expectOp('=');
        c.keyword('NULL');
        return { k: 'gup', api, proc, start, nr, flags, pagesNull: true };
      }
      let bind: string | undefined;
      if (c.peekOp('->')) {
        c.next();
        bind = c.word('a name to bind the pages to');
      }
      return bind === undefined ? { k: 'gup', api, proc, start, nr, flags } : { k: 'gup', api, proc, start, nr, flags, bind };
    },
  })),
  ...RELEASE_APIS.map((api): StatementDef => ({
    name: api, syntax: `${api} ${RELEASE_SYNTAX[api] ?? 'NAME'}`, ref: 'gup §2.1, §3.5, §6',
    help: api === 'unpin_user_page' || api === 'put_page' || api === 'unpin_folio'
      ? `Releases the first page bound to NAME with ${api}().`
      : api === 'unpin_user_page_range_dirty_lock' ? 'Releases N physically consecutive pages from NAME[0], split at folio boundaries (5.12+).'
        : api === 'unpin_user_folio' ? 'Releases N pins of the folio of NAME[0] in one call (≈6.12+).'
          : EXPLICIT_COUNT.has(api) ? `Releases the pages bound to NAME with ${api}(); N (optional) is the npages argument: the first N pages, or a negative errno that releases nothing (gup §3.5).`
            : `Releases the pages bound to NAME with ${api}().`,
    parse(c) {
      const target = c.word('the name of bound pages');
      let n: number | undefined;
      if (api === 'unpin_user_page_range_dirty_lock' || api === 'unpin_user_folio') n = Number(c.number('a page count'));
      // gup §3.5: unpin_user_pages(pages, npages) with an explicit npages (fewer than bound, or a
      // negative errno a caller passed on by mistake: nothing is released)
      const t = c.peek();
      if (EXPLICIT_COUNT.has(api) && (t?.kind === 'number' || (t?.kind === 'op' && t.text === '-'))) {
        const neg = t.kind === 'op';
        if (neg) c.next();
        const v = Number(c.number('a page count'));
        n = neg ? -v : v;
      }
      let makeDirty = false;
      if (api === 'unpin_user_pages_dirty_lock' || api === 'unpin_user_page_range_dirty_lock') makeDirty = c.oneOf(['true', 'false'], 'true or false (make_dirty)') === 'true';
      return n === undefined ? { k: 'release', api, target, makeDirty } : { k: 'release', api, target, makeDirty, n };
    },
  })),
  {
    name: 'folio_add_pin', syntax: 'folio_add_pin NAME', ref: 'gup §2.1, §3.4',
    help: 'One more pin on the already pinned folio of NAME[0] (6.5+); no vmstat change; WARN if it does not look pinned.',
    parse: (c) => ({ k: 'mm_op', op: 'folio_add_pin', target: c.word('the name of bound pages'), num: 1 }),
  },
  {
    name: 'folio_add_pins', syntax: 'folio_add_pins NAME N', ref: 'gup §1 (≈6.11), §3.4',
    help: 'N more pins on the already pinned folio of NAME[0] (≈6.11+).',
    parse: (c) => ({ k: 'mm_op', op: 'folio_add_pins', target: c.word('the name of bound pages'), num: Number(c.number('a pin count')) }),
  },
  {
    name: 'fork', syntax: 'fork PARENT -> CHILD [pid N]', ref: 'gup §3.3',
    help: 'fork(): a child mm with copies of every VMA; private anonymous folios are COW-shared (refcount and mapcount +1, both write-protected), maybe-DMA-pinned ones copied early when the parent has MMF_HAS_PINNED (≈5.9+).',
    parse(c) {
      const proc = c.word('the parent process');
      c.expectOp('->');
      const word = c.word('a name for the child process');
      if (c.peekWord('pid')) { c.next(); return { k: 'mm_op', op: 'fork', proc, word, num: Number(c.number('a pid')) }; }
      return { k: 'mm_op', op: 'fork', proc, word };
    },
  },
  {
    name: 'memfd_pin_folios', syntax: 'memfd_pin_folios PROC ADDR START END MAX_FOLIOS [-> NAME]', ref: 'gup §1 (≈6.11), §2.1',
    help: 'memfd_pin_folios() of the memfd (shmem or hugetlb VMA) mapped at ADDR: one long-term pin per folio of byte offsets START..END (inclusive); NAME binds the folios (release with unpin_folios). ret = folios or −errno.',
    parse(c) {
      const proc = c.word('a process name');
      const addr = c.number('the address the memfd is mapped at');
      const start = c.number('a start offset');
      const end = c.number('an end offset (inclusive)');
      const num = Number(c.number('max_folios'));
      const target = optBind(c);
      return target === undefined ? { k: 'mm_op', op: 'memfd_pin_folios', proc, addr, num, args: [start, end] } : { k: 'mm_op', op: 'memfd_pin_folios', proc, addr, num, args: [start, end], target };
    },
  },
  {
    name: 'get_page', syntax: 'get_page PROC ADDR [N] [-> NAME]', ref: 'gup §3.3, §3.6',
    help: 'N get_page() calls (plain references, default 1) on the folio mapped at ADDR; ≥ 1024 on a small page make page_maybe_dma_pinned() true without a pin. NAME binds the page (release one with put_page NAME).',
    parse(c) {
      const proc = c.word('a process name');
      const addr = c.number('an address');
      const t = c.peek();
      const num = t && t.kind === 'number' ? Number(c.number('a count')) : 1;
      const target = optBind(c);
      return target === undefined ? { k: 'mm_op', op: 'get_page', proc, addr, num } : { k: 'mm_op', op: 'get_page', proc, addr, num, target };
    },
  },
  // ---- test hooks (named as such: they poke state the kernel would reach by other means)
  {
    name: 'set_refcount', syntax: 'set_refcount PROC ADDR VALUE', ref: 'gup §0.2 (R0), §3.3, §3.4',
    help: 'Test hook: sets the folio _refcount of the page mapped at ADDR (transient LRU refs, 1024 plain refs, near-overflow).',
    parse: (c) => ({ k: 'mm_op', op: 'set_refcount', proc: c.word('a process name'), addr: c.number('an address'), num: Number(c.number('a refcount')) }),
  },
  {
    name: 'hwpoison', syntax: 'hwpoison PROC ADDR', ref: 'gup §2.4 (−EHWPOISON)',
    help: 'Test hook: marks the page mapped at ADDR hardware-poisoned.',
    parse: (c) => ({ k: 'mm_op', op: 'hwpoison', proc: c.word('a process name'), addr: c.number('an address') }),
  },
  {
    name: 'signal_pending', syntax: 'signal_pending fatal|other|none', ref: 'gup §2.4 (−EINTR)',
    help: 'Test hook: a signal pending on the task that calls GUP (fatal: −EINTR; other: only with FOLL_INTERRUPTIBLE).',
    parse: (c) => ({ k: 'mm_op', op: 'signal_pending', word: c.oneOf(['fatal', 'other', 'none'], 'fatal, other or none') }),
  },
  {
    name: 'fail_migration', syntax: 'fail_migration on|off', ref: 'gup §5 (migration failure → −ENOMEM)',
    help: 'Test hook: FOLL_LONGTERM migrations fail (as if another reference were held).',
    parse: (c) => ({ k: 'mm_op', op: 'fail_migration', num: onOff(c, 'on or off') ? 1 : 0 }),
  },
  {
    name: 'touch', syntax: 'touch PROC ADDR r|w', ref: 'gup §0.2, §3.1',
    help: 'A user-space read or write of one byte at ADDR (faults the page in; an anonymous read maps the zero page).',
    parse: (c) => ({ k: 'mm_op', op: 'touch', proc: c.word('a process name'), addr: c.number('an address'), word: c.oneOf(['r', 'w'], 'r or w') }),
  },
  {
    name: 'setrlimit', syntax: 'setrlimit PROC RLIMIT_MEMLOCK BYTES|unlimited', ref: 'gup §10.1 step 6',
    help: 'Sets the RLIMIT_MEMLOCK soft limit of a process (vfio locked_vm and io_uring accounting).',
    parse(c) {
      const proc = c.word('a process name');
      c.keyword('RLIMIT_MEMLOCK');
      if (c.peekWord('unlimited')) { c.next(); return { k: 'mm_op', op: 'setrlimit', proc, num: Infinity }; }
      return { k: 'mm_op', op: 'setrlimit', proc, num: Number(c.number('a byte count or unlimited')) };
    },
  },
  {
    name: 'capability', syntax: 'capability PROC CAP_IPC_LOCK on|off', ref: 'gup §10.1 step 5',
    help: 'Gives or takes CAP_IPC_LOCK (vfio records it at DMA-map time as lock_cap; io_uring skips accounting).',
    parse(c) {
      const proc = c.word('a process name');
      c.keyword('CAP_IPC_LOCK');
      return { k: 'mm_op', op: 'capability', proc, num: onOff(c, 'on or off') ? 1 : 0 };
    },
  },
  {
    name: 'arch', syntax: 'arch 32|64', ref: 'gup §0.1 E5, §3.2',
    help: 'Word size in bits of the modelled kernel (E5 32-bit keeps _pincount in page[2]; order-1 folios use the bias). Before any process.',
    parse(c) {
      const t = c.peek();
      const bits = Number(c.number('32 or 64'));
      if (bits !== 32 && bits !== 64) c.fail('expected 32 or 64 (bits)', t);
      return { k: 'mm_op', op: 'arch', num: bits };
    },
  },
  // ---- vfio_iommu_type1 (gup §10)
  {
    name: 'vfio_set_iommu', syntax: 'vfio_set_iommu VFIO_TYPE1v2_IOMMU|VFIO_TYPE1_IOMMU|VFIO_SPAPR_TCE_IOMMU', ref: 'gup §10.1 steps 2–3',
    help: 'The container\'s IOMMU backend (default VFIO_TYPE1v2_IOMMU; external pinning needs v2, −EACCES otherwise).',
    parse: (c) => ({ k: 'vfio_type1', op: 'set_iommu', word: c.oneOf(['VFIO_TYPE1v2_IOMMU', 'VFIO_TYPE1_IOMMU', 'VFIO_SPAPR_TCE_IOMMU'], 'an IOMMU type') }),
  },
  {
    name: 'vfio_iommu_map_dma', syntax: 'vfio_iommu_map_dma PROC IOVA VADDR SIZE VFIO_DMA_MAP_FLAG_READ|VFIO_DMA_MAP_FLAG_WRITE', ref: 'gup §10.1',
    help: 'VFIO_IOMMU_MAP_DMA: maps IOVA..IOVA+SIZE to PROC\'s VADDR (lock_cap recorded now). ret = 0 or −errno.',
    parse(c) {
      const proc = c.word('a process name');
      const iova = c.number('an IOVA');
      const vaddr = c.number('a user address');
      const size = c.number('a size');
      return { k: 'vfio_type1', op: 'map', proc, iova, vaddr, size, prot: parseProt(c, ['VFIO_DMA_MAP_FLAG_READ', 'VFIO_DMA_MAP_FLAG_WRITE']) };
    },
  },
  {
    name: 'vfio_iommu_unmap_dma', syntax: 'vfio_iommu_unmap_dma IOVA SIZE', ref: 'gup §10.1',
    help: 'VFIO_IOMMU_UNMAP_DMA: the vendor driver is told to unpin, then the mappings inside the range go. ret = bytes.',
    parse: (c) => ({ k: 'vfio_type1', op: 'unmap', iova: c.number('an IOVA'), size: c.number('a size') }),
  },
  {
    name: 'vfio_iommu_dirty_pages', syntax: 'vfio_iommu_dirty_pages start|stop', ref: 'gup §10.1 step 7',
    help: 'VFIO_IOMMU_DIRTY_PAGES START/STOP: while on, external pins set the IOVA bit in the dirty bitmap.',
    parse: (c) => ({ k: 'vfio_type1', op: 'dirty', num: c.oneOf(['start', 'stop'], 'start or stop') === 'start' ? 1 : 0 }),
  },
  {
    name: 'vfio_pin_pages', syntax: 'vfio_pin_pages IOVA NPAGE IOMMU_READ|IOMMU_WRITE [-> NAME]', ref: 'gup §10.1 steps 1–7',
    help: 'vfio_pin_pages() of NPAGE consecutive IOVAs; ret = NPAGE or −errno; NAME binds the pinned pages.',
    parse(c) {
      const iova = c.number('an IOVA');
      const npage = Number(c.number('a page count'));
      const prot = parseProt(c, ['IOMMU_READ', 'IOMMU_WRITE']);
      const bind = optBind(c);
      return bind === undefined ? { k: 'vfio_type1', op: 'pin', iova, npage, prot } : { k: 'vfio_type1', op: 'pin', iova, npage, prot, bind };
    },
  },
  {
    name: 'vfio_unpin_pages', syntax: 'vfio_unpin_pages IOVA NPAGE', ref: 'gup §10.1 step 8',
    help: 'vfio_unpin_pages(): ref_count−− per IOVA; the last one unpins (dirtying if the mapping is writable) and un-accounts.',
    parse: (c) => ({ k: 'vfio_type1', op: 'unpin', iova: c.number('an IOVA'), npage: Number(c.number('a page count')) }),
  },
  {
    name: 'vfio_test_hook', syntax: 'vfio_test_hook iommu_domain|group_devices|notifier|device_open VALUE', ref: 'gup §10.1 steps 2–3',
    help: 'Test hook for container facts: an IOMMU-backed domain (on/off), devices in the group, notifier registered, device open.',
    parse(c) {
      const word = c.oneOf(['iommu_domain', 'group_devices', 'notifier', 'device_open'], 'a vfio test hook');
      if (word === 'group_devices') return { k: 'vfio_type1', op: 'hook', word, num: Number(c.number('a device count')) };
      return { k: 'vfio_type1', op: 'hook', word, num: onOff(c, 'on or off') ? 1 : 0 };
    },
  },
  // ---- other callers
  {
    name: 'io_uring_register_buffers', syntax: 'io_uring_register_buffers PROC ADDR LEN [ADDR LEN …]', ref: 'gup §5, IOU',
    help: 'IORING_REGISTER_BUFFERS: long-term pins (FOLL_WRITE|FOLL_LONGTERM); ≈6.12+ keeps one pin per large folio. ret = 0 or −errno.',
    parse(c) {
      const proc = c.word('a process name');
      const iovecs: Array<{ addr: bigint; len: bigint }> = [];
      do iovecs.push({ addr: c.number('a buffer address'), len: c.number('a buffer length') });
      while (c.peek());
      return { k: 'io_uring', op: 'register', proc, iovecs };
    },
  },
  {
    name: 'io_uring_unregister_buffers', syntax: 'io_uring_unregister_buffers PROC', ref: 'gup §6, IOU',
    help: 'IORING_UNREGISTER_BUFFERS: releases every kept pin (no dirtying). ret = 0 or −ENXIO.',
    parse: (c) => ({ k: 'io_uring', op: 'unregister', proc: c.word('a process name'), iovecs: [] }),
  },
  ...(['read', 'write'] as const).map((op): StatementDef => ({
    name: `o_direct_${op}`, syntax: `o_direct_${op} PROC ADDR LEN [-> NAME]`, ref: 'gup §1 (6.5), §2.5 case 1, §6',
    help: `An O_DIRECT ${op}(2) on a block device: ${op === 'read' ? 'the buffer is written (FOLL_WRITE) and dirtied at completion' : 'the buffer is only read'}; FOLL_PIN from 6.5, FOLL_GET before. With -> NAME the I/O stays in flight until dio_complete NAME.`,
    parse(c) {
      const proc = c.word('a process name');
      const addr = c.number('a buffer address');
      const len = c.number('a length');
      const bind = optBind(c);
      return bind === undefined ? { k: 'dio', op, proc, addr, len } : { k: 'dio', op, proc, addr, len, bind };
    },
  })),
  {
    name: 'dio_complete', syntax: 'dio_complete NAME', ref: 'gup §6',
    help: 'Completes an in-flight O_DIRECT I/O: reads dirty their pages, then the pages are released (unpin or put_page). ret = bytes.',
    parse: (c) => ({ k: 'dio', op: 'complete', bind: c.word('the name of an in-flight I/O') }),
  },
  ...(['readv', 'writev'] as const).map((op): StatementDef => ({
    name: `process_vm_${op}`, syntax: `process_vm_${op} LOCAL LADDR REMOTE RADDR LEN`, ref: 'gup §6, PVM',
    help: `Copies LEN bytes ${op === 'readv' ? 'from REMOTE to LOCAL' : 'from LOCAL to REMOTE'}; remote pages are pinned with pin_user_pages_remote${op === 'writev' ? ' (FOLL_WRITE) and dirtied on unpin' : ''}. ret = bytes or −errno.`,
    parse(c) {
      const local = c.word('the local process');
      const laddr = c.number('a local address');
      const remote = c.word('the remote process');
      const raddr = c.number('a remote address');
      return { k: 'pvm', write: op === 'writev', local, laddr, remote, raddr, len: c.number('a length') };
    },
  })),
  {
    name: 'vmsplice', syntax: 'vmsplice PROC ADDR LEN -> PIPE', ref: 'gup §1, §4 (FOLL_GET caller)',
    help: 'vmsplice() of LEN user bytes at ADDR into the pipe PIPE (created on first use, 16 buffers): get_user_pages_fast without FOLL_WRITE, one page reference per pipe buffer, nothing pinned. A full pipe → -EAGAIN. ret = bytes queued or −errno; PIPE[i] are the pages the pipe holds, PIPE.count their number.',
    parse(c) {
      const proc = c.word('a process name');
      const addr = c.number('a user address');
      const len = c.number('a length');
      c.expectOp('->');
      return { k: 'pipe', op: 'vmsplice', proc, addr, len, pipe: c.word('a pipe name') };
    },
  },
  {
    name: 'pipe_read', syntax: 'pipe_read PIPE LEN', ref: 'gup §1, §4 (FOLL_GET caller)',
    help: 'Reads up to LEN bytes from the pipe: every buffer emptied releases its page reference (put_page). ret = bytes read, −EAGAIN when the pipe is empty.',
    parse(c) {
      const pipe = c.word('a pipe name');
      return { k: 'pipe', op: 'read', pipe, len: c.number('a length') };
    },
  },
  ...(['read', 'write'] as const).map((op): StatementDef => ({
    name: `proc_mem_${op}`, syntax: `proc_mem_${op} PROC ADDR LEN`, ref: 'gup §1, §4 (FOLL_GET caller)',
    help: `${op === 'read' ? 'Reads' : 'Writes'} LEN bytes of /proc/PID/mem of PROC at ADDR: access_remote_vm, one page at a time with get_user_pages_remote(FOLL_FORCE${op === 'write' ? ' | FOLL_WRITE' : ''}) and put_page${op === 'write' ? ', the page dirtied' : ''}; nothing pinned. ret = bytes, −EIO when the first page fails.`,
    parse(c) {
      const proc = c.word('a process name');
      const addr = c.number('a user address');
      return { k: 'proc_mem', write: op === 'write', proc, addr, len: c.number('a length') };
    },
  })),
  {
    name: 'gup_test', syntax: 'gup_test [-m MB] [-r N] [-n N] [-f "FILE"] [-S] [-H] [-t|-T] [-w|-W] [-u|-U|-L|-a|-b|-c] [-p] [-F FLAGS] [-j N] [PAGE…]', ref: 'gup §8.2, §8.3',
    help: 'Runs the gup_test (5.11+) / gup_benchmark (≤5.10) selftest with its options in a model process "gup_test"; prints what the tool prints (times are the model\'s own). ret = exit code.',
    parse: (c) => ({ k: 'gup_test', argv: argvOf(c) }),
  },
  {
    name: 'gup_test_ioctl', syntax: 'gup_test_ioctl CMD PROC ADDR SIZE [nr_pages_per_call N] [gup_flags V] [test_flags V] [which_pages I…]', ref: 'gup §8.1',
    help: 'One ioctl on the era\'s debugfs file (GUP_FAST_BENCHMARK, PIN_BASIC_TEST, PIN_LONGTERM_TEST_START …). ret = 0 or −errno; gup_test.size = bytes covered.',
    parse(c) {
      const cmd = c.oneOf(GUP_TEST_CMDS, 'a gup_test command');
      const proc = c.word('a process name');
      const addr = c.number('an address');
      const size = c.number('a size');
      let nr = 1;
      let gupFlags = 0;
      let testFlags = 0;
      const which: number[] = [];
      while (c.peek()) {
        const o = c.oneOf(['nr_pages_per_call', 'gup_flags', 'test_flags', 'which_pages'], 'an ioctl field');
        if (o === 'which_pages') { while (c.peek()?.kind === 'number') which.push(Number(c.number('a page index'))); continue; }
        const neg = c.peekOp('-') ? (c.next(), -1) : 1;
        const v = neg * Number(c.number('a value'));
        if (o === 'nr_pages_per_call') nr = v;
        else if (o === 'gup_flags') gupFlags = v;
        else testFlags = v;
      }
      return { k: 'gup_test_ioctl', cmd, proc, addr, size, nr, gupFlags, testFlags, which };
    },
  },
];
