/**
 * The pages array a GUP statement binds (`-> NAME`, gup §2.1 `pages`) is reused by a later call of
 * the same size only when its binding let go of it in a lean run (issue 12: a fresh 1 GiB array
 * costs ~7 ms). These tests show the reuse happens, and that an array still bound, one a journal
 * entry keeps for undo, and one an in-flight O_DIRECT I/O holds are never overwritten.
 */
import * as assert from 'node:assert/strict';
import { parseScenario } from '../../../model/scenario/parser';
import { Runner } from '../../../model/scenario/runner';

const SETUP = ['kernel 6.18', 'process p pid 1000', 'vma p 0x100000000 size 1M anon rw'];

function runner(lines: string[], lean: boolean): Runner {
  const text = [...SETUP, ...lines].join('\n') + '\n';
  const r = new Runner(parseScenario(text, 'recycle.vlab').scenario);
  if (lean) r.m.setLean();
  const setup = SETUP.length - 1; // `kernel` is the header, not a statement
  while (r.state.pc < setup && r.step());
  return r;
}

/** Run the statement at pc to its end. */
function stmt(r: Runner): void {
  const pc = r.state.pc;
  while (r.state.pc === pc && r.step());
}

/** The PFNs mapped at addr … addr + n pages (what a pin of those pages returns, gup §2.1). */
function pfnsAt(r: Runner, addr: bigint, n: number): number[] {
  return Array.from({ length: n }, (_, i) => r.mm.pageAt(1000, addr + BigInt(i) * 4096n)!);
}

describe('mm: pages arrays recycled in a lean run (issue 12)', () => {
  it('a loop rebinding `-> b` fills the array b let go of; another binding keeps its own pages', () => {
    const r = runner([
      'pin_user_pages p 0x100000000 4 FOLL_WRITE -> b',
      'pin_user_pages p 0x100010000 4 FOLL_WRITE -> c',
      'pin_user_pages p 0x100020000 4 FOLL_WRITE -> b',
      'pin_user_pages p 0x100030000 4 FOLL_WRITE -> b',
      'pin_user_pages p 0x100040000 3 FOLL_WRITE -> b',
    ], true);
    stmt(r);
    const first = r.bindings.get('b')!;
    stmt(r);
    const c = r.bindings.get('c')!;
    stmt(r); // b rebound: its first array is let go of (a lean run keeps no journal)
    const second = r.bindings.get('b')!;
    assert.notEqual(second, first);
    stmt(r); // the next 4-page pin fills the array b let go of
    assert.equal(r.bindings.get('b'), first);
    assert.deepEqual(first, pfnsAt(r, 0x100030000n, 4));
    assert.deepEqual(c, pfnsAt(r, 0x100010000n, 4), 'c is still bound: never reused');
    stmt(r); // another size: a fresh array (the spare is of length 4)
    const third = r.bindings.get('b')!;
    assert.notEqual(third, second);
    assert.deepEqual(third, pfnsAt(r, 0x100040000n, 3));
    // gup §3.1: every page pinned once (small pages: refcount 1 + 1 × GUP_PIN_COUNTING_BIAS)
    for (const pfn of [...c, ...first, ...third]) assert.equal(r.mm.pages.refcount[pfn], 1025);
  });

  it('a journaled run reuses no array: undo gives back each earlier binding with its pages', () => {
    const lines = [
      'pin_user_pages p 0x100000000 4 FOLL_WRITE -> b',
      'pin_user_pages p 0x100020000 4 FOLL_WRITE -> b',
      'pin_user_pages p 0x100030000 4 FOLL_WRITE -> b',
    ];
    const r = runner(lines, false);
    const seen: number[][] = [];
    const marks: number[] = [];
    for (let k = 0; k < lines.length; k++) {
      stmt(r);
      seen.push(r.bindings.get('b')!);
      marks.push(r.m.journal.position);
    }
    assert.equal(new Set(seen).size, 3, 'three distinct arrays');
    assert.deepEqual(seen[0], pfnsAt(r, 0x100000000n, 4));
    assert.deepEqual(seen[1], pfnsAt(r, 0x100020000n, 4));
    r.m.journal.undoTo(marks[0]);
    assert.equal(r.bindings.get('b'), seen[0]);
    assert.deepEqual(r.bindings.get('b'), pfnsAt(r, 0x100000000n, 4));
  });

  it('pages an in-flight O_DIRECT I/O holds are never reused, even when a pin rebinds its name', () => {
    const r = runner([
      'o_direct_read p 0x100040000 8K -> io',
      'pin_user_pages p 0x100000000 2 FOLL_WRITE -> io',
      'pin_user_pages p 0x100010000 2 FOLL_WRITE -> io',
      'pin_user_pages p 0x100020000 2 FOLL_WRITE -> x',
      'pin_user_pages p 0x100030000 2 FOLL_WRITE -> y',
    ], true);
    stmt(r);
    const dio = r.bindings.get('io')!;
    const dioPages = [...dio];
    assert.deepEqual(dioPages, pfnsAt(r, 0x100040000n, 2)); // gup §2.5: the I/O's pinned buffer
    stmt(r); // io rebound by a pin: the I/O's array is not the pin's to give back
    const pin1 = r.bindings.get('io')!;
    stmt(r); // rebound again: pin1 is let go of
    stmt(r); // x fills pin1
    assert.equal(r.bindings.get('x'), pin1);
    stmt(r); // y: no spare left (pin1 is bound to x), the I/O's array untouched
    assert.notEqual(r.bindings.get('y'), dio);
    assert.deepEqual(dio, dioPages);
    assert.deepEqual(r.bindings.get('y'), pfnsAt(r, 0x100030000n, 2));
  });
});
