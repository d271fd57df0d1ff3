/** Executes memory-management statements: processes, VMAs, GUP calls and releases (gup §2–§6). */
import type { Stmt } from '../ast';
import type { Runner } from '../runner';
import type { VmaKind } from '../../linux/mm/mm';

/** Returns false when `st` is not a memory-management statement. */
export function execGup(r: Runner, st: Stmt): boolean {
  const j = r.m.journal;
  switch (st.k) {
    case 'process':
      if (r.processes.has(st.name)) throw new Error(`process '${st.name}' already exists`);
      r.mm.addProcess(st.pid, st.name);
      j.mapSet(r.processes, st.name, st.pid);
      return true;
    case 'vma':
      r.mm.addVma(r.pid(st.proc), st.start, st.size, st.kind as VmaKind, { read: st.read, write: st.write });
      return true;
    case 'gup': {
      const res = r.mm.gup(st.api, r.pid(st.proc), st.start, st.nr, st.flags);
      j.set(r.state, 'ret', BigInt(res.ret));
      if (st.bind) j.mapSet(r.bindings, st.bind, res.pages);
      return true;
    }
    case 'release': {
      const pages = r.bindings.get(st.target);
      if (!pages) throw new Error(`no pages are bound to '${st.target}'`);
      r.mm.release(st.api, st.api === 'unpin_user_page' || st.api === 'put_page' ? pages.slice(0, 1) : pages, st.makeDirty);
      return true;
    }
    default:
      return false;
  }
}
