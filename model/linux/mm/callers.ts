/**
 * The GUP callers people use (gup §2.5, §5, §6): io_uring buffer registration (IOU), block
 * O_DIRECT (pinning from 6.5, gup §1), and process_vm_readv / process_vm_writev (PVM). Each goes
 * through the same `Mm.gup` / `Mm.release` entry points, so counts, vmstat and era rules are the
 * GUP model's; only the caller's own flags, chunking, accounting and release are modelled here.
 */
import type { Machine } from '../../engine/machine';
import type { KernelFeatures } from '../../kernel/version';
import { atLeast } from '../../kernel/version';
import { ERRNO } from './errno';
import type { PageStore } from './pageStore';
import { PAGE_SHIFT, PAGE_SIZE, type AddressSpaces, type Process } from './vma';

/** What the callers need from Mm (implemented by it). */
export interface CallerMmOps {
  gup(api: string, pid: number, start: bigint, nr: number, flags: string[], opts?: { locked?: number }): { ret: number; pages: number[] };
  release(api: string, pages: number[], makeDirty?: boolean, n?: number): void;
  touch(pid: number, vaddr: bigint, write: boolean): boolean;
  markDirty(pfn: number): void;
}

const pagesSpanned = (addr: bigint, len: bigint): number =>
  Number(((addr + len + PAGE_SIZE - 1n) >> PAGE_SHIFT) - (addr >> PAGE_SHIFT));

// ---------------------------------------------------------------------------------------------
// io_uring

export interface IoUringBuffer {
  addr: bigint;
  len: bigint;
  /** Pages whose pin the buffer holds: one per page, or one per folio once coalesced (IOU). */
  pinned: number[];
  coalesced: boolean;
  /** Pages accounted to locked memory for this buffer. */
  acct: number;
}

/** IORING_MAX_REG_BUFFERS. [unverified: chosen] 1 << 14 (≈5.13+; UIO_MAXIOV = 1024 before). */
export const IORING_MAX_REG_BUFFERS = 1 << 14;
/** io_buffer_validate(): a registered buffer may be at most 1 GiB. [unverified: chosen] */
export const IORING_MAX_BUF = 1n << 30n;

export class IoUring {
  /** One ring per process in the model: pid → registered buffers (journaled map). */
  readonly rings = new Map<number, IoUringBuffer[]>();

  constructor(
    private readonly m: Machine,
    private readonly f: KernelFeatures,
    private readonly store: PageStore,
    private readonly spaces: AddressSpaces,
    private readonly mm: CallerMmOps,
  ) {}

  /** io_coalesce_buffer() exists (keep one pin per folio). [unverified: chosen ≈6.12, gup §1 "≈6.11–6.12"] */
  get coalesces(): boolean {
    return atLeast(this.f.version, 6, 12);
  }

  /** IORING_REGISTER_BUFFERS (io_sqe_buffers_register). Returns 0 or −errno; on error nothing stays registered. */
  registerBuffers(pid: number, iovecs: ReadonlyArray<{ addr: bigint; len: bigint }>): number {
    return this.m.within('io_sqe_buffers_register', () => {
      const p = this.spaces.proc(pid);
      if (this.rings.has(pid)) return -ERRNO.EBUSY;
      const max = atLeast(this.f.version, 5, 13) ? IORING_MAX_REG_BUFFERS : 1024;
      if (iovecs.length === 0 || iovecs.length > max) return -ERRNO.EINVAL;
      const bufs: IoUringBuffer[] = [];
      for (const iov of iovecs) {
        const r = this.registerOne(p, iov.addr, iov.len, bufs);
        if (typeof r === 'number') {
          this.m.within('io_sqe_buffers_unregister', () => { for (const b of bufs) this.unmapBuffer(p, b); });
          return r;
        }
        bufs.push(r);
      }
      this.m.journal.mapSet(this.rings, pid, bufs);
      return 0;
    });
  }

  /** IORING_UNREGISTER_BUFFERS: every kept pin is released (plain unpin, no dirtying, gup §6). */
  unregisterBuffers(pid: number): number {
    return this.m.within('io_sqe_buffers_unregister', () => {
      const bufs = this.rings.get(pid);
      if (!bufs) return -ERRNO.ENXIO;
      const p = this.spaces.proc(pid);
      for (const b of bufs) this.unmapBuffer(p, b);
      this.m.journal.mapDelete(this.rings, pid);
      return 0;
    });
  }

  private unmapBuffer(p: Process, b: IoUringBuffer): void {
    this.m.within('io_buffer_unmap', () => {
      // ≈6.12: unpin_user_folio(folio, 1) per kept entry; before: unpin_user_page() per page
      for (const pfn of b.pinned) this.mm.release(this.coalesces ? 'unpin_user_folio' : 'unpin_user_page', [pfn], false, 1);
      this.unaccount(p, b.acct);
    });
  }

  /** io_sqe_buffer_register() for one iovec. */
  private registerOne(p: Process, addr: bigint, len: bigint, done: readonly IoUringBuffer[]): IoUringBuffer | number {
    return this.m.within('io_sqe_buffer_register', () => {
      // io_buffer_validate()
      if (addr === 0n) return len === 0n ? { addr, len, pinned: [], coalesced: false, acct: 0 } : -ERRNO.EFAULT;
      if (len > IORING_MAX_BUF || len === 0n) return -ERRNO.EFAULT;
      if (addr + len >= 1n << 64n) return -ERRNO.EOVERFLOW;
      const nr = pagesSpanned(addr, len);
      const base = addr & ~(PAGE_SIZE - 1n);
      // io_pin_pages(): FOLL_WRITE | FOLL_LONGTERM (gup §5 "typical long-term callers").
      // [unverified: chosen] pin_user_pages (with the VMA array) before 6.5, pin_user_pages_fast from 6.5.
      const fast = atLeast(this.f.version, 6, 5);
      const r = this.m.within('io_pin_pages', () => this.mm.gup(fast ? 'pin_user_pages_fast' : 'pin_user_pages', p.pid, base, nr, ['FOLL_WRITE', 'FOLL_LONGTERM']));
      if (r.ret !== nr) {
        if (r.ret > 0) this.mm.release('unpin_user_pages', r.pages);
        return r.ret < 0 ? r.ret : -ERRNO.EFAULT;
      }
      let pages = r.pages;
      if (!fast) {
        // [unverified: chosen] before 6.5 io_uring itself refused file-backed VMAs other than shmem and hugetlb.
        for (let i = 0; i < nr; i++) {
          const v = this.spaces.findVma(p, base + BigInt(i) * PAGE_SIZE);
          if (v && (v.kind === 'file' || v.kind === 'dax')) {
            this.mm.release('unpin_user_pages', pages);
            return -ERRNO.EOPNOTSUPP;
          }
        }
      }
      const acct = this.accountPages(pages, done);
      const e = this.account(p, acct);
      if (e) {
        this.mm.release('unpin_user_pages', pages);
        return e;
      }
      let coalesced = false;
      if (this.coalesces && nr > 1) {
        const runs = this.checkCoalesce(pages);
        if (runs) {
          pages = this.m.within('io_coalesce_buffer', () => {
            const kept: number[] = [];
            for (const run of runs) {
              // "Drop all but one ref, the entire folio will remain pinned" (IOU)
              if (run.n > 1) this.mm.release('unpin_user_folio', [run.first], false, run.n - 1);
              kept.push(this.store.head(run.first));
            }
            return kept;
          });
          coalesced = true;
        }
      }
      return { addr, len, pinned: pages, coalesced, acct };
    });
  }

  /**
   * io_check_coalesce_buffer(): every page of one folio consecutive, all folios of one size > 1 page,
   * the first may start mid-folio but runs to its end, later ones start at their head, middle ones full.
   */
  private checkCoalesce(pages: readonly number[]): Array<{ first: number; n: number }> | undefined {
    const s = this.store;
    const order = s.orderOf(pages[0]);
    if (order === 0) return undefined;
    const size = 1 << order;
    const runs: Array<{ first: number; n: number }> = [{ first: pages[0], n: 1 }];
    for (let i = 1; i < pages.length; i++) {
      const cur = runs[runs.length - 1];
      if (s.head(pages[i]) === s.head(cur.first) && pages[i] === pages[i - 1] + 1) { cur.n++; continue; }
      if (runs.length === 1 ? pages[i - 1] - s.head(pages[i - 1]) !== size - 1 : cur.n !== size) return undefined;
      if (s.orderOf(pages[i]) !== order || pages[i] !== s.head(pages[i])) return undefined;
      runs.push({ first: pages[i], n: 1 });
    }
    return runs;
  }

  /**
   * io_buffer_account_pin(): small pages count one each; a large folio counts all its pages once,
   * unless another page of it was already accounted by this or an earlier buffer. [unverified: chosen] (gup §12)
   */
  private accountPages(pages: readonly number[], done: readonly IoUringBuffer[]): number {
    const s = this.store;
    const seen = new Set<number>();
    for (const b of done) for (const p of b.pinned) if (s.orderOf(p) > 0) seen.add(s.head(p));
    let n = 0;
    for (const p of pages) {
      const h = s.head(p);
      const o = s.order[h];
      if (o === 0) { n++; continue; }
      if (seen.has(h)) continue;
      seen.add(h);
      n += 1 << o;
    }
    return n;
  }

  /** io_account_mem(): user locked memory against RLIMIT_MEMLOCK unless CAP_IPC_LOCK, plus mm->pinned_vm. */
  private account(p: Process, n: number): number {
    return this.m.within('io_account_mem', () => {
      const limit = p.rlimitMemlock === Infinity ? Infinity : Math.floor(p.rlimitMemlock / 4096);
      if (!p.capIpcLock && p.pinnedVm + n > limit) {
        // [unverified: chosen] the model keeps the user's locked pages as the process's pinned_vm
        this.m.emit({ kind: 'warn', message: `io_uring: ${n} pages exceed RLIMIT_MEMLOCK (${p.rlimitMemlock}) of ${p.name} (${p.pid})`, ref: 'IOU (gup §12)' }, 'instruction');
        return -ERRNO.ENOMEM;
      }
      this.m.journal.set(p, 'pinnedVm', p.pinnedVm + n);
      return 0;
    });
  }

  private unaccount(p: Process, n: number): void {
    if (n) this.m.within('io_unaccount_mem', () => this.m.journal.set(p, 'pinnedVm', p.pinnedVm - n));
  }
}

// ---------------------------------------------------------------------------------------------
// O_DIRECT

export interface DirectIo {
  pid: number;
  /** read(2) into memory (device → memory, pages written: FOLL_WRITE, dirtied at completion). */
  read: boolean;
  pages: number[];
  pinned: boolean;
  bytes: number;
}

/** bdev_logical_block_size() of the model's block device. [unverified: chosen] 512 */
export const DIO_BLOCK_SIZE = 512n;

export class ODirect {
  /** I/Os submitted and not completed yet, by id (journaled). */
  readonly inflight = new Map<number, DirectIo>();
  readonly ids = { next: 1 };

  constructor(
    private readonly m: Machine,
    private readonly f: KernelFeatures,
    private readonly mm: CallerMmOps,
  ) {}

  /** 6.5+: block direct I/O pins (iov_iter_extract_pages → FOLL_PIN); before: FOLL_GET (gup §1, §2.5 case 1). */
  get pins(): boolean {
    return atLeast(this.f.version, 6, 5);
  }

  /**
   * Submit an O_DIRECT read or write of `len` bytes at user address `addr`: the pages are taken
   * (short-term, no FOLL_LONGTERM) and the I/O is in flight. Returns `{ ret: id > 0 }` or −errno.
   */
  submit(pid: number, addr: bigint, len: bigint, read: boolean): number {
    return this.m.within(read ? 'blkdev_read_iter' : 'blkdev_write_iter', () =>
      this.m.within('__blkdev_direct_IO_simple', () => {
        if (((addr | len) & (DIO_BLOCK_SIZE - 1n)) !== 0n) return -ERRNO.EINVAL; // logical block alignment
        if (len === 0n) return 0;
        const nr = pagesSpanned(addr, len);
        const base = addr & ~(PAGE_SIZE - 1n);
        const flags = read ? ['FOLL_WRITE'] : [];
        const helper = this.pins ? 'iov_iter_extract_pages' : atLeast(this.f.version, 6, 0) ? 'iov_iter_get_pages2' : 'iov_iter_get_pages';
        const r = this.m.within('bio_iov_iter_get_pages', () =>
          this.m.within(helper, () => this.mm.gup(this.pins ? 'pin_user_pages_fast' : 'get_user_pages_fast', pid, base, nr, flags)),
        );
        if (r.ret <= 0) return r.ret === 0 ? -ERRNO.EFAULT : r.ret;
        // A short GUP gives a short bio: only the bytes of the pages obtained move. [unverified: chosen]
        const end = base + BigInt(r.ret) * PAGE_SIZE;
        const bytes = Number((end < addr + len ? end : addr + len) - addr);
        const id = this.ids.next;
        this.m.journal.set(this.ids, 'next', id + 1);
        this.m.journal.mapSet(this.inflight, id, { pid, read, pages: r.pages, pinned: this.pins, bytes });
        return id;
      }),
    );
  }

  /** bio completion: reads dirty their pages (bio_set_pages_dirty), then bio_release_pages (unpin or put_page). Returns bytes. */
  complete(id: number): number {
    const io = this.inflight.get(id);
    if (!io) throw new Error(`no O_DIRECT I/O ${id} in flight`);
    return this.m.within('blkdev_bio_end_io_simple', () => {
      if (io.read) this.m.within('bio_set_pages_dirty', () => { for (const p of io.pages) this.mm.markDirty(p); });
      this.m.within('bio_release_pages', () => {
        for (const p of io.pages) this.mm.release(io.pinned ? 'unpin_user_page' : 'put_page', [p]);
      });
      this.m.journal.mapDelete(this.inflight, id);
      return io.bytes;
    });
  }
}

// ---------------------------------------------------------------------------------------------
// process_vm_readv / process_vm_writev

/** PVM_MAX_KMALLOC_PAGES / sizeof(struct page *): remote pages pinned per loop (64-bit). */
export const PVM_MAX_PP_PER_LOOP = (2 * 4096) / 8;

export class ProcessVm {
  constructor(
    private readonly m: Machine,
    private readonly f: KernelFeatures,
    private readonly spaces: AddressSpaces,
    private readonly mm: CallerMmOps,
  ) {}

  /**
   * process_vm_rw_core(): copy `len` bytes between local `laddr` and remote `raddr`. `write` =
   * process_vm_writev (remote pages written: FOLL_WRITE, dirtied on unpin; the local side is only
   * read). Returns bytes copied, or −errno when nothing was copied (PVM).
   */
  rw(localPid: number, laddr: bigint, remotePid: number, raddr: bigint, len: bigint, write: boolean, flags = 0): number {
    return this.m.within(write ? 'process_vm_writev' : 'process_vm_readv', () =>
      this.m.within('process_vm_rw_core', () => {
        if (flags !== 0) return -ERRNO.EINVAL;
        this.spaces.proc(localPid);
        if (!this.spaces.procs.has(remotePid)) return -ERRNO.ESRCH;
        if (len === 0n) return 0;
        let copied = 0n;
        const r = this.m.within('process_vm_rw_single_vec', () => {
          const pinApi = atLeast(this.f.version, 5, 6) ? 'pin_user_pages_remote' : 'get_user_pages_remote';
          let pa = raddr & ~(PAGE_SIZE - 1n);
          let off = raddr - pa;
          let left = len;
          let nr = pagesSpanned(raddr, len);
          while (nr > 0) {
            const want = Math.min(nr, PVM_MAX_PP_PER_LOOP);
            const g = this.mm.gup(pinApi, remotePid, pa, want, write ? ['FOLL_WRITE'] : [], { locked: 1 });
            if (g.ret <= 0) return -ERRNO.EFAULT;
            let bytes = BigInt(g.ret) * PAGE_SIZE - off;
            if (bytes > left) bytes = left;
            // process_vm_rw_pages(): the local side is accessed by the CPU (copy_to/from_user)
            let rc = 0;
            this.m.within('process_vm_rw_pages', () => {
              for (let b = 0n; b < bytes; b += PAGE_SIZE) {
                const la = laddr + copied + b;
                if (!this.mm.touch(localPid, la, !write)) { rc = -ERRNO.EFAULT; break; }
              }
            });
            // "If vm_write is set, the pages need to be made dirty" (gup §6: only the remote side of a write)
            if (pinApi === 'pin_user_pages_remote') this.mm.release('unpin_user_pages_dirty_lock', g.pages, write);
            else {
              if (write) for (const p of g.pages) this.mm.markDirty(p);
              this.mm.release('put_page', g.pages);
            }
            if (rc) return rc;
            copied += bytes;
            left -= bytes;
            off = 0n;
            nr -= g.ret;
            pa += BigInt(g.ret) * PAGE_SIZE;
          }
          return 0;
        });
        return copied > 0n ? Number(copied) : r;
      }),
    );
  }
}
