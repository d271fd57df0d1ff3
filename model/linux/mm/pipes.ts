/**
 * Two FOLL_GET callers (issue 11): vmsplice() of user pages into a pipe, and /proc/PID/mem.
 * Neither pins: both take plain page references (FOLL_GET), so nothing is counted as pinned,
 * `maybe_dma_pinned` stays false and the FOLL_PIN vmstat counters do not move (gup §1, §4).
 *
 * vmsplice (fs/splice.c vmsplice_to_pipe → iter_to_pipe): the user range is an ITER_SOURCE
 * iov_iter, so iov_iter_get_pages2() calls get_user_pages_fast() without FOLL_WRITE, at most 16
 * pages per round; each page becomes one pipe buffer holding its reference until a read
 * consumes the buffer (pipe_buf_release → put_page). The pipe holds PIPE_DEF_BUFFERS (16)
 * buffers. [unverified: chosen] vmsplice with SPLICE_F_NONBLOCK semantics: a full pipe → -EAGAIN
 * instead of blocking; each page of the range is one buffer.
 *
 * /proc/PID/mem (fs/proc/base.c mem_rw → access_remote_vm → __access_remote_vm): one page at a
 * time, get_user_pages_remote(…, 1, FOLL_FORCE [| FOLL_WRITE], &page) — a FOLL_GET reference —,
 * copy, set_page_dirty_lock on a write, put_page. Nothing copied and the first page failing →
 * -EIO (mem_rw returns the bytes done, else the access error as -EIO).
 */
import type { Machine } from '../../engine/machine';
import { ERRNO } from './errno';
import type { CallerMmOps } from './callers';
import { PAGE_SHIFT, PAGE_SIZE } from './vma';

/** PIPE_DEF_BUFFERS: a new pipe has 16 buffers. */
export const PIPE_DEF_BUFFERS = 16;

/** One pipe buffer: a page reference and the byte range of it that holds data. */
export interface PipeBuffer {
  pfn: number;
  offset: number;
  len: number;
}

export interface Pipe {
  bufs: readonly PipeBuffer[];
}

export class Pipes {
  constructor(private readonly m: Machine, private readonly mm: CallerMmOps) {}

  /** vmsplice(pipe, {addr, len}): returns bytes queued or −errno; the pipe keeps one page reference per buffer. */
  vmsplice(pipe: Pipe, pid: number, addr: bigint, len: bigint): number {
    return this.m.within('vmsplice', () => this.m.within('vmsplice_to_pipe', () => {
      if (len < 0n) return -ERRNO.EINVAL;
      if (len === 0n) return 0;
      const free = PIPE_DEF_BUFFERS - pipe.bufs.length;
      if (free <= 0) return -ERRNO.EAGAIN;
      let done = 0n;
      let a = addr;
      let left = len;
      let slots = free;
      while (left > 0n && slots > 0) {
        const start = Number(a & (PAGE_SIZE - 1n));
        const span = Number(((a + left + PAGE_SIZE - 1n) >> PAGE_SHIFT) - (a >> PAGE_SHIFT));
        const want = Math.min(span, 16, slots);
        // iov_iter_get_pages2 → get_user_pages_fast(addr, n, 0): ITER_SOURCE, so no FOLL_WRITE
        const g = this.m.within('iov_iter_get_pages2', () => this.mm.gup('get_user_pages_fast', pid, a & ~(PAGE_SIZE - 1n), want, []));
        if (g.ret <= 0) return done > 0n ? Number(done) : g.ret < 0 ? g.ret : -ERRNO.EFAULT;
        const bufs = pipe.bufs.slice();
        let off = start;
        for (const pfn of g.pages) {
          const size = Number(BigInt(Math.min(Number(left), 4096 - off)));
          bufs.push(Object.freeze({ pfn, offset: off, len: size }));
          left -= BigInt(size);
          done += BigInt(size);
          a += BigInt(size);
          off = 0;
          slots--;
        }
        this.m.journal.set(pipe, 'bufs', Object.freeze(bufs));
      }
      return Number(done);
    }));
  }

  /** read(pipe, len): bytes read or −EAGAIN on an empty pipe; each buffer emptied drops its page reference. */
  read(pipe: Pipe, len: number): number {
    return this.m.within('pipe_read', () => {
      if (pipe.bufs.length === 0) return -ERRNO.EAGAIN;
      let left = len;
      let got = 0;
      const bufs = pipe.bufs.slice();
      while (left > 0 && bufs.length) {
        const b = bufs[0];
        const n = Math.min(left, b.len);
        got += n;
        left -= n;
        if (n === b.len) {
          bufs.shift();
          // user_page_pipe_buf_ops → pipe_buf_release → put_page
          this.m.within('pipe_buf_release', () => this.mm.release('put_page', [b.pfn]));
        } else bufs[0] = Object.freeze({ pfn: b.pfn, offset: b.offset + n, len: b.len - n });
      }
      this.m.journal.set(pipe, 'bufs', Object.freeze(bufs));
      return got;
    });
  }

  /** read/write of /proc/PID/mem at `addr`: bytes or −EIO. */
  procMem(pid: number, addr: bigint, len: bigint, write: boolean): number {
    return this.m.within(write ? 'mem_write' : 'mem_read', () => this.m.within('access_remote_vm', () => {
      let done = 0n;
      let a = addr;
      while (done < len) {
        const off = a & (PAGE_SIZE - 1n);
        const chunk = len - done < PAGE_SIZE - off ? len - done : PAGE_SIZE - off;
        const g = this.mm.gup('get_user_pages_remote', pid, a & ~(PAGE_SIZE - 1n), 1, write ? ['FOLL_FORCE', 'FOLL_WRITE'] : ['FOLL_FORCE']);
        if (g.ret <= 0) break;
        if (write) this.mm.markDirty(g.pages[0]); // copy_to_user_page + set_page_dirty_lock
        this.mm.release('put_page', g.pages);
        done += chunk;
        a += chunk;
      }
      return done > 0n ? Number(done) : -ERRNO.EIO;
    }));
  }
}
