import * as assert from 'node:assert/strict';
import { Machine } from '../../../model/engine/machine';
import { PageStore, ZONE_INDEX } from '../../../model/linux/mm/pageStore';
import { anonRw, BUF, PID, setup } from './helpers';

describe('mm: page store and journal', () => {
  it('zonesSeen holds every zone a slot holds, after undo and redo too (the gup §5 scan is skipped only when no slot can be refused)', () => {
    const { m, mm } = setup('6.18');
    const s = mm.pages;
    const held = () => {
      let b = 0;
      for (let i = 0; i < s.count; i++) b |= 1 << s.zone[i];
      return b;
    };
    const covered = (what: string) => assert.equal(held() & ~s.zonesSeen, 0, `${what}: zones held 0b${held().toString(2)}, seen 0b${s.zonesSeen.toString(2)}`);
    anonRw(mm, 4);
    for (let i = 0n; i < 4n; i++) assert.ok(mm.touch(PID, BUF + i * 4096n, true));
    covered('normal pages');
    assert.equal(s.zonesSeen, 1, 'only ZONE_NORMAL so far');
    const before = m.journal.position;
    const MOV = 0x200000000n;
    mm.addVma(PID, MOV, 2n * 4096n, 'anon', { read: true, write: true }, { zone: 'movable' });
    assert.ok(mm.touch(PID, MOV, true));
    const old = mm.pageAt(PID, MOV)!;
    assert.equal(mm.pageInfo(old).zone, 'movable');
    covered('a movable page');
    // gup §5 (≈5.13+): ZONE_MOVABLE is not long-term pinnable: the pin migrates the page to ZONE_NORMAL
    const r = mm.gup('pin_user_pages', PID, MOV, 1, ['FOLL_WRITE', 'FOLL_LONGTERM']);
    assert.equal(r.ret, 1);
    assert.notEqual(r.pages[0], old);
    assert.equal(mm.pageInfo(r.pages[0]).zone, 'normal');
    const after = m.journal.position;
    m.journal.undoTo(before);
    covered('undone');
    assert.notEqual(s.zonesSeen & (1 << ZONE_INDEX.movable), 0, 'movable stays seen after the undo (never cleared)');
    m.journal.redoTo(after);
    covered('redone');
    assert.equal(mm.pageInfo(r.pages[0]).refcount, 1025); // gup §3.1: small page, 1 + GUP_PIN_COUNTING_BIAS
  });

  it('1,000,000 pages fit in under 32 MiB', () => {
    const m = new Machine();
    m.journal.recording = false; // bulk setup
    const s = new PageStore(m);
    for (let i = 0; i < 1_000_000; i++) s.alloc(0, 'anon', 'normal', 1);
    assert.equal(s.count, 1_000_000);
    assert.ok(s.byteLength < 32 * 1024 * 1024, `byteLength ${s.byteLength}`);
    assert.equal(s.refcount[999_999], 1);
  });

  it('undo to 0 after pin + unpin restores every array slot, vmstat and the processes', () => {
    const { m, mm } = setup('6.18');
    const snap = () => ({
      count: mm.pages.count,
      arrays: [mm.pages.refcount, mm.pages.pincount, mm.pages.flags, mm.pages.order, mm.pages.headOff, mm.pages.zone, mm.pages.kind, mm.pages.ownerPid, mm.pages.ownerVpn].map((a) => Array.from(a)),
      vmstat: { ...mm.vmstat },
      procs: mm.processes().length,
      zero: mm.spaces.zero.pfn,
    });
    anonRw(mm, 2048);
    mm.addVma(PID, 0x200000000n, 4n << 20n, 'thp', { read: true, write: true });
    const midPos = m.journal.position;
    const mid = snap();
    const a = mm.gup('pin_user_pages', PID, BUF, 1500, ['FOLL_WRITE']); // forces growth past 1024 slots
    const z = mm.gup('pin_user_pages_fast', PID, BUF + 1500n * 4096n, 3, []);
    const t = mm.gup('pin_user_pages', PID, 0x200000000n, 600, ['FOLL_WRITE']);
    mm.release('unpin_user_pages_dirty_lock', a.pages, true);
    mm.release('unpin_user_pages', z.pages);
    mm.release('unpin_user_pages', t.pages);
    assert.ok(mm.pages.capacity >= 2048);
    const end = snap();
    m.journal.undoTo(midPos);
    const lenAtMid = mid.arrays[0].length;
    const now = snap();
    assert.deepEqual({ ...now, arrays: now.arrays.map((x) => x.slice(0, lenAtMid)) }, mid);
    assert.ok(now.arrays.every((x) => x.slice(lenAtMid).every((v) => v === 0)), 'grown slots are zero again');
    m.journal.redoTo(m.journal.length);
    assert.deepEqual(snap(), end);
    m.journal.undoTo(0);
    const zero = snap();
    assert.equal(zero.count, 0);
    assert.ok(zero.arrays.every((x) => x.every((v) => v === 0)));
    assert.deepEqual(zero.vmstat, { nr_foll_pin_acquired: 0, nr_foll_pin_released: 0 });
    assert.equal(zero.procs, 0);
    assert.equal(zero.zero, -1);
  });
});
