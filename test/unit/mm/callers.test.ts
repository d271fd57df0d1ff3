import * as assert from 'node:assert/strict';
import { ERRNO } from '../../../model/linux/mm/mm';
import { gupTestCommands } from '../../../model/linux/mm/gupTest';
import { kernelFeatures, parseKernelVersion } from '../../../model/kernel/version';
import { BUF, PID, setup, warnings } from './helpers';

const THP = 0x200000000n;
const REMOTE = 200;

describe('mm callers: io_uring registered buffers (IOU, gup §5)', () => {
  it('a 2 MiB THP buffer: 512 pins, then (≈6.12+) coalesced to one pin per folio; unregister releases (gup §3.1, §4)', () => {
    const want: Record<string, { ref: number; pin: number; rel: number }> = {
      '6.3': { ref: 513, pin: 512, rel: 0 }, // gup §3.1 E4: ref +1 and _pincount +1 per subpage
      '6.18': { ref: 2, pin: 1, rel: 511 }, // IOU: unpin_user_folio(folio, nr − 1)
    };
    for (const [ver, w] of Object.entries(want)) {
      const { mm } = setup(ver);
      mm.addVma(PID, THP, 2n << 20n, 'thp', { read: true, write: true });
      assert.equal(mm.ioUring.registerBuffers(PID, [{ addr: THP, len: 2n << 20n }]), 0, ver);
      const head = mm.pageAt(PID, THP)!;
      const i = mm.pageInfo(head);
      assert.deepEqual([i.refcount, i.pincount, mm.vmstat.nr_foll_pin_acquired, mm.vmstat.nr_foll_pin_released], [w.ref, w.pin, 512, w.rel], ver);
      assert.equal(mm.pinnedVm(PID), 512);
      assert.equal(mm.ioUring.registerBuffers(PID, [{ addr: THP, len: 4096n }]), -ERRNO.EBUSY);
      assert.equal(mm.ioUring.unregisterBuffers(PID), 0);
      assert.deepEqual([mm.pageInfo(head).refcount, mm.pageInfo(head).pincount, mm.pinsHeld(), mm.pinnedVm(PID)], [1, 0, 0, 0], ver);
      assert.equal(mm.pageInfo(head).dirty, false, 'io_uring buffer release is a plain unpin (gup §6)');
      assert.equal(mm.ioUring.unregisterBuffers(PID), -ERRNO.ENXIO);
    }
  });

  it('small pages are not coalesced; bad iovecs fail with nothing left pinned', () => {
    const { mm } = setup('6.18');
    mm.addVma(PID, BUF, 16n * 4096n, 'anon', { read: true, write: true });
    assert.equal(mm.ioUring.registerBuffers(PID, [{ addr: BUF, len: 4n * 4096n }]), 0);
    assert.equal(mm.pageInfo(mm.pageAt(PID, BUF)!).refcount, 1025);
    assert.equal(mm.pinsHeld(), 4);
    mm.ioUring.unregisterBuffers(PID);
    assert.equal(mm.ioUring.registerBuffers(PID, []), -ERRNO.EINVAL);
    assert.equal(mm.ioUring.registerBuffers(PID, [{ addr: 0n, len: 4096n }]), -ERRNO.EFAULT);
    assert.equal(mm.ioUring.registerBuffers(PID, [{ addr: BUF, len: (1n << 30n) + 1n }]), -ERRNO.EFAULT);
    // second iovec runs past the VMA: the first buffer is released again
    assert.equal(mm.ioUring.registerBuffers(PID, [{ addr: BUF, len: 4096n }, { addr: BUF + 15n * 4096n, len: 8192n }]), -ERRNO.EFAULT);
    assert.equal(mm.pinsHeld(), 0);
    mm.setRlimitMemlock(PID, 4096);
    assert.equal(mm.ioUring.registerBuffers(PID, [{ addr: BUF, len: 8192n }]), -ERRNO.ENOMEM);
    assert.equal(mm.pinsHeld(), 0);
  });
});

describe('mm callers: O_DIRECT (gup §1 6.5, §2.5 case 1, §6)', () => {
  it('read into a buffer: FOLL_GET before 6.5, FOLL_PIN from 6.5; pages dirtied at completion', () => {
    const want: Record<string, { ref: number; acq: number }> = { '5.18': { ref: 2, acq: 0 }, '6.3': { ref: 2, acq: 0 }, '6.18': { ref: 1025, acq: 2 } };
    for (const [ver, w] of Object.entries(want)) {
      const { mm } = setup(ver);
      mm.addVma(PID, BUF, 16n * 4096n, 'anon', { read: true, write: true });
      const id = mm.dio.submit(PID, BUF, 8192n, true);
      assert.ok(id > 0);
      const pfn = mm.pageAt(PID, BUF)!;
      assert.equal(mm.pageInfo(pfn).refcount, w.ref, ver);
      assert.equal(mm.vmstat.nr_foll_pin_acquired, w.acq, ver);
      assert.equal(mm.dio.complete(id), 8192);
      assert.deepEqual([mm.pageInfo(pfn).refcount, mm.pageInfo(pfn).dirty, mm.pinsHeld()], [1, true, 0], ver);
    }
  });

  it('write from an untouched buffer reads the zero page: a reference before 6.5, nothing from 6.5 (gup §3.1)', () => {
    for (const [ver, ref] of [['6.3', 2], ['6.18', 1]] as const) {
      const { mm } = setup(ver);
      mm.addVma(PID, BUF, 4n * 4096n, 'anon', { read: true, write: true });
      const id = mm.dio.submit(PID, BUF, 4096n, false);
      const z = mm.pageAt(PID, BUF)!;
      assert.equal(mm.pageInfo(z).zeroPage, true);
      assert.equal(mm.pageInfo(z).refcount, ref, ver);
      mm.dio.complete(id);
      assert.deepEqual([mm.pageInfo(z).refcount, mm.pageInfo(z).dirty], [1, false]);
    }
  });

  it('misaligned buffer or length: −EINVAL, nothing taken', () => {
    const { mm } = setup('6.18');
    mm.addVma(PID, BUF, 4n * 4096n, 'anon', { read: true, write: true });
    assert.equal(mm.dio.submit(PID, BUF + 100n, 512n, true), -ERRNO.EINVAL);
    assert.equal(mm.dio.submit(PID, BUF, 100n, true), -ERRNO.EINVAL);
    assert.equal(mm.dio.submit(PID, BUF + 3n * 4096n, 8192n, true) > 0, true, 'short GUP → short I/O');
    assert.throws(() => mm.dio.complete(99), /no O_DIRECT I\/O 99/);
  });
});

describe('mm callers: process_vm_readv / process_vm_writev (PVM, gup §6)', () => {
  it('writev pins the remote pages with FOLL_WRITE and dirties only them; readv dirties nothing', () => {
    const { mm } = setup('6.18');
    mm.addProcess(REMOTE, 'target');
    mm.addVma(PID, BUF, 4n * 4096n, 'anon', { read: true, write: true });
    mm.addVma(REMOTE, BUF, 4n * 4096n, 'anon', { read: true, write: true });
    mm.touch(PID, BUF, true);
    assert.equal(mm.pvm.rw(PID, BUF, REMOTE, BUF, 4096n, true), 4096);
    const remote = mm.pageAt(REMOTE, BUF)!;
    const local = mm.pageAt(PID, BUF)!;
    assert.deepEqual([mm.pageInfo(remote).dirty, mm.pageInfo(remote).refcount], [true, 1]);
    assert.equal(mm.pageInfo(local).dirty, false);
    assert.deepEqual([mm.vmstat.nr_foll_pin_acquired, mm.vmstat.nr_foll_pin_released], [1, 1]);
    mm.touch(REMOTE, BUF + 4096n, true);
    assert.equal(mm.pvm.rw(PID, BUF + 4096n, REMOTE, BUF + 4096n, 4096n, false), 4096);
    assert.equal(mm.pageInfo(mm.pageAt(REMOTE, BUF + 4096n)!).dirty, false);
    assert.equal(mm.pvm.rw(PID, BUF, 999, BUF, 4096n, false), -ERRNO.ESRCH);
    assert.equal(mm.pvm.rw(PID, BUF, REMOTE, BUF, 4096n, false, 1), -ERRNO.EINVAL);
    // partial: the remote range runs off its VMA after 2 pages
    assert.equal(mm.pvm.rw(PID, BUF, REMOTE, BUF + 2n * 4096n, 4n * 4096n, true), 2 * 4096);
    assert.equal(mm.pvm.rw(PID, BUF, REMOTE, 0x1000n, 4096n, true), -ERRNO.EFAULT);
    assert.equal(mm.pinsHeld(), 0);
  });
});

describe('mm: gup_test / gup_benchmark (gup §8)', () => {
  const f = (v: string) => kernelFeatures(parseKernelVersion(v)!);
  it('ioctl numbers by era (gup §8.1)', () => {
    assert.deepEqual([...gupTestCommands(f('5.6')).entries()], [[1, 'GUP_FAST_BENCHMARK'], [2, 'GUP_LONGTERM_BENCHMARK'], [3, 'GUP_BENCHMARK']]);
    assert.equal(gupTestCommands(f('5.7')).get(4), 'PIN_FAST_BENCHMARK');
    assert.equal(gupTestCommands(f('5.7')).get(5), 'PIN_BENCHMARK');
    assert.equal(gupTestCommands(f('5.8')).get(5), 'PIN_LONGTERM_BENCHMARK');
    assert.equal(gupTestCommands(f('5.8')).get(2), 'GUP_BENCHMARK');
    assert.equal(gupTestCommands(f('6.18')).get(2), 'PIN_FAST_BENCHMARK');
    assert.equal(gupTestCommands(f('6.18')).get(6), 'DUMP_USER_PAGES_TEST');
  });

  it('selftest output lines by era; times labelled as the model\'s', () => {
    const a = setup('6.18');
    const r = a.mm.gupTest.selftest(['-m', '1', '-a', '-n', '512']);
    assert.equal(r.exitCode, 0);
    assert.match(r.lines[0], /^PIN_FAST_BENCHMARK: Time: get:\d+ put:\d+ us$/);
    assert.deepEqual([a.mm.vmstat.nr_foll_pin_acquired, a.mm.vmstat.nr_foll_pin_released], [256, 256]);
    assert.ok(a.m.history.some((h) => h.event.kind === 'log' && /model's own/.test(h.event.text)));
    const b = setup('5.7');
    assert.match(b.mm.gupTest.selftest(['-m', '1', '-b', '-r', '2']).lines.join('|'), /^Time: get:\d+ put:\d+ us\|Time: get:\d+ put:\d+ us$/);
    assert.deepEqual(setup('5.6').mm.gupTest.selftest(['-a']).lines, ["./gup_benchmark: invalid option -- 'a'"]);
    assert.equal(setup('6.18').mm.gupTest.selftest(['-m', '1', '-U']).lines[0], 'GUP_BASIC_TEST: done');
    assert.deepEqual(setup('6.18').mm.gupTest.selftest(['-m', '1', '-H']).lines, ['mmap: Invalid argument']);
  });

  it('-ct -F 0x1 0 19 0x1000: dumps pages 1 and 20, zeroes the out-of-range 4097 with a warning (gup §8.1, §8.3)', () => {
    const { mm, m } = setup('6.18');
    const r = mm.gupTest.selftest(['-ct', '-m', '2', '-F', '0x1', '0', '19', '0x1000']);
    assert.equal(r.lines[0], 'DUMP_USER_PAGES_TEST: done');
    assert.ok(warnings(m).includes('ZEROING due to out of range: .which_pages[2]: 4097'));
    assert.equal(m.history.filter((h) => h.event.kind === 'log' && h.event.text.startsWith('page:pfn')).length, 2);
    assert.equal(mm.pinsHeld(), 0);
  });

  it('a failing chunk truncates size; PIN_LONGTERM_TEST_START holds pins until STOP', () => {
    const { mm } = setup('6.18');
    mm.addVma(PID, BUF, 4n * 4096n, 'anon', { read: true, write: true });
    const r = mm.gupTest.ioctl(PID, 'PIN_BASIC_TEST', { addr: BUF, size: 8n * 4096n, nrPagesPerCall: 2, gupFlags: 1 });
    assert.deepEqual([r.ret, r.size], [0, 4n * 4096n]);
    assert.equal(mm.gupTest.ioctl(PID, 7, { addr: BUF, size: 2n * 4096n, nrPagesPerCall: 0, gupFlags: 1 }).ret, 0);
    assert.equal(mm.pinsHeld(), 2);
    assert.equal(mm.gupTest.ioctl(PID, 7, { addr: BUF, size: 4096n, nrPagesPerCall: 0, gupFlags: 0 }).ret, -ERRNO.EINVAL);
    mm.gupTest.ioctl(PID, 8, { addr: 0n, size: 0n, nrPagesPerCall: 0, gupFlags: 0 });
    assert.equal(mm.pinsHeld(), 0);
    assert.equal(mm.gupTest.ioctl(PID, 42, { addr: BUF, size: 4096n, nrPagesPerCall: 1, gupFlags: 0 }).ret, -ERRNO.EINVAL);
  });
});
