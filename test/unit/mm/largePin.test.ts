import * as assert from 'node:assert/strict';
import { PageTable, PTRS_PER_PTE } from '../../../model/linux/mm/pageTable';
import { GUP_PIN_COUNTING_BIAS } from '../../../model/linux/mm/counting';
import { anonRw, BUF, PID, setup } from './helpers';

/** Issue 12: exact undo of a large pin, and the value of one page at a stop inside it. */
describe('mm: a large pin, stepped back', () => {
  const N = 8192; // 16 page tables of 512 entries

  it('step back after pin_user_pages_fast(FOLL_WRITE|FOLL_LONGTERM) of 8192 pages restores every refcount, pincount and flag exactly', () => {
    const { m, mm } = setup('6.18');
    anonRw(mm, N);
    const fault = mm.gup('pin_user_pages', PID, BUF, N, ['FOLL_WRITE']);
    mm.release('unpin_user_pages', fault.pages);
    const s = mm.pages;
    const snap = () => ({
      refcount: Array.from(s.refcount.subarray(0, s.count)),
      pincount: Array.from(s.pincount.subarray(0, s.count)),
      flags: Array.from(s.flags.subarray(0, s.count)),
      vmstat: { ...mm.vmstat },
    });
    const before = snap();
    const pos = m.journal.position;
    const records = m.history.length;
    const r = mm.gup('pin_user_pages_fast', PID, BUF, N, ['FOLL_WRITE', 'FOLL_LONGTERM']);
    assert.equal(r.ret, N);
    // gup §3.1: FOLL_PIN on a small page adds GUP_PIN_COUNTING_BIAS to the idle refcount 1 (one PTE mapping)
    assert.ok(r.pages.every((p) => s.refcount[p] === 1 + GUP_PIN_COUNTING_BIAS && s.pincount[p] === 0));
    // gup §4: one nr_foll_pin_acquired per pinned page
    assert.equal(mm.vmstat.nr_foll_pin_acquired, before.vmstat.nr_foll_pin_acquired + N);

    // a stop inside the pin: the grab of page 5000 (Pages view / data breakpoint state at that record)
    const k = 5000;
    const grabs = m.history.slice(records).filter((h) => h.event.kind === 'page.grab');
    assert.equal(grabs.length, N);
    const stop = grabs[k];
    assert.ok(stop.event.kind === 'page.grab' && stop.event.pfn === r.pages[k]);
    m.journal.undoTo(stop.journalPos);
    assert.equal(s.refcount[r.pages[k]], 1 + GUP_PIN_COUNTING_BIAS, 'page k pinned at its own stop');
    assert.equal(s.refcount[r.pages[k - 1]], 1 + GUP_PIN_COUNTING_BIAS, 'the page before it too');
    assert.equal(s.refcount[r.pages[k + 1]], 1, 'the page after it not yet');
    assert.equal(mm.vmstat.nr_foll_pin_acquired, before.vmstat.nr_foll_pin_acquired + k + 1);

    m.journal.undoTo(pos);
    assert.deepEqual(snap(), before);
    m.journal.redoTo(m.journal.length);
    assert.ok(r.pages.every((p) => s.refcount[p] === 1 + GUP_PIN_COUNTING_BIAS));
  });

  it('page tables: a fault creates the 512-entry table through the journal; undo removes it, redo brings it back', () => {
    const { m, mm } = setup('6.18');
    anonRw(mm, 2 * PTRS_PER_PTE, BUF);
    const p = mm.spaces.proc(PID);
    const pos = m.journal.position;
    // the last page of the first table and the first of the second
    const a = mm.gup('pin_user_pages', PID, BUF + BigInt(PTRS_PER_PTE - 1) * 4096n, 2, ['FOLL_WRITE']);
    assert.equal(a.ret, 2);
    const vpn = Number(BUF >> 12n) + PTRS_PER_PTE - 1;
    assert.deepEqual([...p.ptes.keys()], [vpn, vpn + 1]);
    assert.deepEqual([...p.ptes].map(([, e]) => Math.floor(e / 2)), a.pages);
    assert.equal(p.ptes.get(vpn)! % 2, 1, 'writable PTE (pfn * 2 + 1)');
    assert.equal(p.ptes.dir.size, 2);
    m.journal.undoTo(pos);
    assert.equal(p.ptes.get(vpn), undefined);
    assert.equal(p.ptes.dir.size, 0);
    m.journal.redoTo(m.journal.length);
    assert.deepEqual([...p.ptes].map(([, e]) => Math.floor(e / 2)), a.pages);
  });

  it('a page table refuses entries outside its Int32 range with a one-line error', () => {
    const { m } = setup('6.18');
    const t = new PageTable();
    assert.throws(() => t.set(m.journal, 0, 0x7fffffff), /PTE entry 2147483647 out of range/);
    t.set(m.journal, 0x7f0000000, 7);
    assert.equal(t.get(0x7f0000000), 7);
    assert.equal(t.get(0x7f0000001), undefined);
  });
});
