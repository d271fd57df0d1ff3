/** Executes memory-management statements: processes, VMAs, GUP calls and releases, the callers (gup §2–§8, §10). */
import type { Stmt } from '../ast';
import type { Runner } from '../runner';
import type { VmaKind } from '../../linux/mm/mm';
import type { Zone } from '../../linux/mm/pageStore';
import type { PendingSignal } from '../../linux/mm/gup';
import type { VfioIommuType } from '../../linux/mm/vfioType1';
import { runToEnd } from '../../engine/steps';
import { resumableSteps } from './resumable';

/** Returns false when `st` is not a memory-management statement. */
export function execGup(r: Runner, st: Stmt): boolean {
  const j = r.m.journal;
  const setRet = (v: number) => r.setRet(BigInt(v));
  const bound = (name: string) => {
    const pages = r.bindings.get(name);
    if (!pages) throw new Error(`no pages are bound to '${name}'`);
    return pages;
  };
  const pageAt = (proc: string, addr: bigint) => {
    const pfn = r.mm.pageAt(r.pid(proc), addr);
    if (pfn === undefined) throw new Error(`no page mapped at 0x${addr.toString(16)} in '${proc}' (touch it first)`);
    return pfn;
  };
  switch (st.k) {
    case 'process':
      if (r.processes.has(st.name)) throw new Error(`process '${st.name}' already exists`);
      r.mm.addProcess(st.pid, st.name);
      j.mapSet(r.processes, st.name, st.pid);
      return true;
    case 'vma': {
      const opts: { zone?: Zone; folioOrder?: number } = {};
      if (st.zone) opts.zone = st.zone as Zone;
      if (st.order !== undefined) opts.folioOrder = st.order;
      r.mm.addVma(r.pid(st.proc), st.start, st.size, st.kind as VmaKind, { read: st.read, write: st.write }, opts);
      return true;
    }
    case 'gup':
    case 'release':
      // resumable work (exec/resumable.ts): all slices at once here, in slices from the console
      runToEnd(resumableSteps(r, st)!);
      return true;
    case 'mm_op':
      execMmOp(r, st, bound, pageAt);
      return true;
    case 'vfio_type1':
      execVfio(r, st, setRet);
      return true;
    case 'io_uring': {
      const pid = r.pid(st.proc);
      setRet(st.op === 'register' ? r.mm.ioUring.registerBuffers(pid, st.iovecs) : r.mm.ioUring.unregisterBuffers(pid));
      return true;
    }
    case 'dio': {
      if (st.op === 'complete') {
        const key = `dio:${st.bind}`;
        const ids = r.bindings.get(key);
        if (!ids) throw new Error(`no O_DIRECT I/O named '${st.bind}' is in flight`);
        setRet(r.mm.dio.complete(ids[0]));
        j.mapDelete(r.bindings, key);
        return true;
      }
      const id = r.mm.dio.submit(r.pid(st.proc!), st.addr!, st.len!, st.op === 'read');
      if (id <= 0) { setRet(id); return true; }
      if (st.bind) {
        // in flight: the pages are visible as NAME[i]; `dio_complete NAME` finishes it
        j.mapSet(r.bindings, `dio:${st.bind}`, [id]);
        j.mapSet(r.bindings, st.bind, r.mm.dio.inflight.get(id)!.pages);
        setRet(0);
      } else setRet(r.mm.dio.complete(id));
      return true;
    }
    case 'pipe': {
      let pipe = r.pipes.get(st.pipe);
      if (!pipe) {
        if (st.op === 'read') throw new Error(`no pipe named '${st.pipe}' (vmsplice into it first)`);
        pipe = { bufs: Object.freeze([]) };
        j.mapSet(r.pipes, st.pipe, pipe);
      }
      if (st.len > 0x7fffffffn) throw new Error(`length ${st.len} is too large (at most 0x7fffffff)`);
      setRet(st.op === 'vmsplice' ? r.mm.pipes.vmsplice(pipe, r.pid(st.proc!), st.addr!, st.len) : r.mm.pipes.read(pipe, Number(st.len)));
      // PIPE[i] / PIPE.count: the pages the pipe's buffers hold
      j.mapSet(r.bindings, st.pipe, pipe.bufs.map((b) => b.pfn));
      return true;
    }
    case 'proc_mem':
      if (st.len > 0x7fffffffn) throw new Error(`length ${st.len} is too large (at most 0x7fffffff)`);
      setRet(r.mm.pipes.procMem(r.pid(st.proc), st.addr, st.len, st.write));
      return true;
    case 'pvm':
      setRet(r.mm.pvm.rw(r.pid(st.local), st.laddr, r.processes.get(st.remote) ?? -1, st.raddr, st.len, st.write));
      return true;
    case 'gup_test':
    case 'gup_test_ioctl':
      // resumable work (exec/resumable.ts): all slices at once here, in slices from the console
      runToEnd(resumableSteps(r, st)!);
      return true;
    default:
      return false;
  }
}

function execMmOp(
  r: Runner,
  st: Extract<Stmt, { k: 'mm_op' }>,
  bound: (name: string) => number[],
  pageAt: (proc: string, addr: bigint) => number,
): void {
  switch (st.op) {
    case 'folio_add_pin':
    case 'folio_add_pins': {
      const pages = bound(st.target!);
      if (!pages.length) throw new Error(`'${st.target}' holds no pages`);
      r.mm.folioAddPins(pages[0], st.num ?? 1, st.op);
      return;
    }
    case 'set_refcount': return r.mm.setRefcount(pageAt(st.proc!, st.addr!), st.num!);
    case 'hwpoison': return r.mm.poison(pageAt(st.proc!, st.addr!));
    case 'signal_pending': return r.mm.setSignalPending(st.word as PendingSignal);
    case 'fail_migration': return r.m.journal.set(r.mm.longterm.knobs, 'failMigration', st.num === 1);
    case 'touch':
      if (!r.mm.touch(r.pid(st.proc!), st.addr!, st.word === 'w')) {
        r.m.emit({ kind: 'warn', message: `touch ${st.proc} 0x${st.addr!.toString(16)}: SIGSEGV (no VMA or no ${st.word === 'w' ? 'write' : 'read'} permission)`, ref: 'gup §2.4', note: true }, 'instruction');
      }
      return;
    case 'setrlimit': return r.mm.setRlimitMemlock(r.pid(st.proc!), st.num!);
    case 'capability': return r.mm.setCapIpcLock(r.pid(st.proc!), st.num === 1);
    case 'arch': return r.mm.setBits(st.num === 32 ? 32 : 64);
    case 'fork': {
      if (r.processes.has(st.word!)) throw new Error(`process '${st.word}' already exists`);
      const res = r.mm.fork(r.pid(st.proc!), st.word!, st.num);
      r.m.journal.mapSet(r.processes, st.word!, res.pid);
      return;
    }
    case 'get_page': {
      const pfn = pageAt(st.proc!, st.addr!);
      r.mm.getPage(pfn, st.num ?? 1);
      if (st.target) r.m.journal.mapSet(r.bindings, st.target, [pfn]);
      return;
    }
    case 'memfd_pin_folios': {
      const res = r.mm.memfdPinFolios(r.pid(st.proc!), st.addr!, st.args![0], st.args![1], st.num!);
      r.setRet(BigInt(res.ret));
      if (st.target) r.m.journal.mapSet(r.bindings, st.target, res.folios);
      return;
    }
  }
  throw new Error(`unknown mm operation '${st.op}'`);
}

function execVfio(r: Runner, st: Extract<Stmt, { k: 'vfio_type1' }>, setRet: (v: number) => void): void {
  const v = r.mm.vfio;
  const range = (iova: bigint, n: number) => {
    if (!Number.isInteger(n) || n < 0) throw new Error(`npage must be a non-negative integer, got ${n}`);
    if (n > 100000) throw new Error(`npage ${n} is beyond what the model will build an array for`);
    return Array.from({ length: n }, (_, i) => iova + BigInt(i) * 4096n);
  };
  switch (st.op) {
    case 'set_iommu': return v.setConfig('iommuType', st.word as VfioIommuType);
    case 'map': return runToEnd(resumableSteps(r, st)!); // resumable work (exec/resumable.ts)
    case 'unmap': return runToEnd(resumableSteps(r, st)!); // resumable work (exec/resumable.ts)
    case 'dirty': return v.setConfig('dirtyTracking', st.num === 1);
    case 'pin': {
      const res = v.pin(range(st.iova!, st.npage!), st.prot!);
      setRet(res.ret);
      if (st.bind) r.m.journal.mapSet(r.bindings, st.bind, res.pfns);
      return;
    }
    case 'unpin': return setRet(v.unpin(range(st.iova!, st.npage!)));
    case 'hook':
      switch (st.word) {
        case 'iommu_domain': return v.setConfig('iommuDomain', st.num === 1);
        case 'group_devices': return v.setConfig('groupDevices', st.num!);
        case 'notifier': return v.setConfig('notifier', st.num === 1);
        case 'device_open': return v.setConfig('deviceOpen', st.num === 1);
      }
  }
  throw new Error(`unknown vfio operation '${st.op}'`);
}
