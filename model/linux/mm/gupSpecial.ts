/**
 * The slow walk's exceptional pages (`__get_user_pages`, gup §2.4): a PTE without a struct page,
 * the x86-64 gate page outside every VMA, and the fault (`faultin_page`) with its FOLL_NOWAIT
 * retry. Functions of their own, not closures in the page loop (gup.ts `slowRun`): a closure there
 * made every page's loop scope a heap context (issue 12).
 */
import type { Machine } from '../../engine/machine';
import type { KernelFeatures } from '../../kernel/version';
import { atLeast } from '../../kernel/version';
import { ERRNO } from './errno';
import { FOLL_BIT, type FollBits } from './foll';
import { PAGE_SIZE, type AddressSpaces, type Process, type Vma } from './vma';

/** x86-64 vsyscall page (the gate area, get_gate_page). */
export const GATE_AREA = 0xffffffffff600000n;

/**
 * gup §2.4 −EEXIST: a PTE maps a PFN with no struct page. With a pages array: −EEXIST (E4 text);
 * [unverified: chosen ≈6.1] before "mm/gup: PFN-only entries: stop early", follow_pfn_pte() returned
 * −EFAULT for FOLL_GET | FOLL_PIN (from the ≈5.8 fix, applied here from 5.7; E1 always has FOLL_GET).
 * Without a pages array the entry is skipped as done.
 */
export function noStructPage(m: Machine, f: KernelFeatures, p: Process, vaddr: bigint, pfn: number, want: boolean): number {
  const eexist = atLeast(f.version, 6, 1);
  const ret = !want ? 0 : eexist ? -ERRNO.EEXIST : -ERRNO.EFAULT;
  m.emit({ kind: 'log', source: 'mm', text: `pid ${p.pid} 0x${vaddr.toString(16)}: PTE maps raw PFN 0x${pfn.toString(16)} without a struct page (follow_pfn_pte → −EEXIST)${!want ? '; no pages array: skipped as done' : eexist ? '; pages requested: −EEXIST (gup §2.4)' : '; FOLL_GET|FOLL_PIN: −EFAULT before ≈6.1 [unverified: chosen]'}` }, 'instruction');
  return ret;
}

/**
 * get_gate_page(): x86-64's vsyscall page at 0xffffffffff600000 lies outside every VMA. gup §2.4:
 * FOLL_WRITE → −EFAULT. [unverified: chosen] reads also get −EFAULT: with vsyscall=xonly (the
 * default of these eras) the page is not mapped; vsyscall=emulate would return it.
 */
export function gatePage(m: Machine, bits: number, vaddr: bigint, flags: FollBits): number | undefined {
  if (bits !== 64 || vaddr < GATE_AREA || vaddr >= GATE_AREA + PAGE_SIZE) return undefined;
  const write = (flags & FOLL_BIT.FOLL_WRITE) !== 0;
  m.within('get_gate_page', () => m.emit({ kind: 'log', source: 'mm', text: `0x${vaddr.toString(16)} is the gate (vsyscall) page: ${write ? 'FOLL_WRITE → −EFAULT (gup §2.4)' : 'not mapped with vsyscall=xonly → −EFAULT [unverified: chosen]'}` }, 'instruction'));
  return -ERRNO.EFAULT;
}

/**
 * faultin_page(): the fault in its frame; 0 or the errno. (issue 12: as a closure in slowRun
 * it made every page's loop scope a heap context, ~90 B a page).
 */
export function faultin(m: Machine, spaces: AddressSpaces, p: Process, vma: Vma, vaddr: bigint, write: boolean, unshare: boolean): number {
  // enter/leave, not within: no closure per fault (issue 12)
  const mark = m.enter('faultin_page');
  try {
    const fr = spaces.fault(p, vma, vaddr, write, unshare);
    return fr.ok ? 0 : fr.errno;
  } finally {
    m.leave(mark);
  }
}

/** The FOLL_NOWAIT log of a fault that would wait for file I/O (slowRun; apart for the reason of faultin). */
export function nowaitRetry(m: Machine, vaddr: bigint): void {
  m.within('faultin_page', () => m.emit({ kind: 'log', source: 'mm', text: `0x${vaddr.toString(16)}: FOLL_NOWAIT and the page must be read from the file → VM_FAULT_RETRY, −EBUSY, 0 progress ([unverified: chosen] only 'file' VMAs need I/O)` }, 'instruction'));
}
