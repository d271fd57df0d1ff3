/**
 * REQ eventfd and unplug (css §8.2, §6.3, §10.1), DMA unmap with pins (css §9.3), host CHSC SEI
 * (css §5.6, §6.2), fault injection (css §8.1, §8.4, §9.2, §10.2) and guest XSCH / RSCH
 * (css §10.2, §12). Each test cites its section.
 */
import * as assert from 'node:assert/strict';
import { drain, events, exceptions, header, run, SCH, SID } from './helpers';
import { checkInvariants } from './invariants';
import { CHP_CFG_OP, SEI_CC, SEI_FLAG } from '../../../model/linux/cio/chsc';
import { CHSC_RC } from '../../../model/css/chsc';
import { VFIO_IRQ_INFO_EVENTFD } from '../../../model/linux/vfio-ccw/driver';
import { parseScenario } from '../../../model/scenario/parser';
import { formatDiagnostic } from '../../../model/scenario/diagnostics';
import { cpIovaPinned } from '../../../model/linux/vfio-ccw/cp';

const warns = (r: Parameters<typeof events>[0]) => events(r, 'warn');

describe('REQ eventfd (css §8.2)', () => {
  // css §8.2 GET_IRQ_INFO index ≥ 3 → -EINVAL; num_irqs 3 once the REQ index exists, 2 in 5.8
  for (const [kernel, n] of [['6.18', 3], ['5.11', 3], ['5.8', 2]] as const) {
    it(`css §8.2 GET_IRQ_INFO in ${kernel}: indexes < ${n} → count 1 EVENTFD, index ${n} → -EINVAL`, () => {
      const { v } = run(header(kernel));
      for (let i = 0; i < n; i++) assert.deepEqual(v.vfio.getIrqInfo(SCH, i), { ret: 0, count: 1, flags: VFIO_IRQ_INFO_EVENTFD });
      assert.equal(v.vfio.getIrqInfo(SCH, n).ret, -22);
      assert.equal(v.vfio.getIrqInfo(SCH, 3).ret, -22);
      assert.equal(v.vfio.getIrqInfo(SCH, -1).ret, -22);
    });
  }
  it('css §8.2 REQ signal → QEMU unplugs: CRW RSC 3 ERC 4 (css §6.3), STSCH cc 3, fd closed (STANDBY)', () => {
    const { r, v } = run(header());
    assert.equal(v.vfio.request(SCH, 0), true);
    assert.equal(v.vfio.device(SCH).eventfds.req.signals, 1);
    assert.ok(v.qemu.devices.has(SCH), 'QEMU reacts from its main loop (a queued action), not inside the signal');
    drain(r);
    assert.equal(v.qemu.devices.has(SCH), false);
    assert.equal(v.vfio.device(SCH).open, false);
    assert.equal(v.vfio.device(SCH).state, 'STANDBY');
    assert.deepEqual(v.qemu.crws.crws, [0x03040007]);
    assert.equal(v.qemu.stsch(SID).cc, 3);
    assert.ok(warns(r).some((w) => w.ref.includes('css §8.2')));
    assert.deepEqual(checkInvariants(r), []);
  });
  it('css §8.2 unplug withdraws a pending guest I/O interruption (css §6.3 ERC IPI clears pending interrupts)', () => {
    const { r, v } = run(header() + 'program p at 0x1000\n  NOP\nend\nssch 0.0.0007 cpa=p\nwait interrupt\n');
    assert.ok(v.qemu.interruptionPending());
    v.vfio.request(SCH, 0);
    drain(r);
    assert.equal(v.qemu.interruptionPending(), false);
  });
  it('css §8.2 no REQ eventfd installed → no signal, notice; unbind gives up with -EBUSY', () => {
    const { r, v } = run(header());
    v.vfio.setIrq(SCH, 'req', false);
    assert.equal(v.vfio.request(SCH, 0), false);
    assert.ok(warns(r).some((w) => /No device request channel/.test(w.message)));
    assert.equal(v.vfio.unbind(SCH), -16);
    assert.ok(v.vfio.devices.has(SCH));
  });
  it('css §8.2 unbind: requests until QEMU released the device, then vfio_ccw_sch_remove (disabled, CRW list freed)', () => {
    const { v } = run(header());
    assert.equal(v.vfio.unbind(SCH), 0);
    assert.equal(v.vfio.devices.has(SCH), false);
    assert.equal(v.cio.subchannel(SCH).driver, 'none');
    assert.equal(v.css.field(SCH, 'pmcw.ena'), 0);
  });
});

describe('DMA unmap while a channel program holds pins (css §9.3)', () => {
  const prog = 'data buf at 0x3000 zero 8\nprogram rd at 0x1000\n  READ SLI count 8 data buf\nend\nrule 0.0.0007 cmd=READ data "ABCDEFGH" delay 50\nssch 0.0.0007 cpa=rd\n';
  it('css §9.3 cp_iova_pinned: true only for ranges covering a pinned page', () => {
    const { v } = run(header() + prog);
    const cp = v.vfio.device(SCH).cp;
    assert.equal(cpIovaPinned(cp, 0x3000, 0x1000), true);
    assert.equal(cpIovaPinned(cp, 0x2000, 0x1000), false);
    assert.equal(cpIovaPinned(cp, 0x4000, 0x1000), false);
    assert.equal(cpIovaPinned(cp, 0, 0x100000), true);
  });
  for (const kernel of ['6.18', '5.8']) {
    it(`css §9.3 ${kernel}: unmap of a pinned range resets the device and releases every pin first`, () => {
      const { r, v } = run(header(kernel) + prog);
      assert.equal(v.vfio.device(SCH).state, 'CP_PENDING');
      assert.equal(v.vfio.iommu.unmapGuestRam(0, 0x100000), 0x100000);
      assert.equal(v.vfio.dmaUnmapResets.count, 1);
      assert.equal(v.vfio.device(SCH).cp.initialized, false);
      assert.equal(v.vfio.iommu.pinnedCount(), 0);
      assert.equal(v.vfio.iommu.lockedVm, 0);
      assert.equal(v.vfio.device(SCH).state, 'IDLE');
      assert.ok(warns(r).some((w) => w.ref === 'css §9.3'));
      assert.equal(warns(r).some((w) => /still pinned by the vendor driver/.test(w.message)), false, 'the driver released the pins, not the container');
      assert.deepEqual(checkInvariants(r), []);
    });
  }
  it('css §9.3 an unmap with no pinned page in range does not reset', () => {
    const { v } = run(header());
    v.vfio.iommu.unmapGuestRam(0, 0x100000);
    assert.equal(v.vfio.dmaUnmapResets.count, 0);
  });
});

describe('host CHSC SEI (css §5.6, §6.2 last row)', () => {
  it('css §5.6 SEI store: flag 0x80 while more remain, 0x40 after an overflow, 0x0005 when empty; one CRW RSC 0xB per batch (css §6.3)', () => {
    const { v } = run(header());
    const port = v.cio.port;
    port.queueSei({ cc: SEI_CC.RES_ACC, rs: 4, rsid: 0x41 });
    port.queueSei({ cc: SEI_CC.LINK_INCIDENT, rs: 4, rsid: 0x40 }, true);
    assert.deepEqual(v.css.crws.crws, [0x0b000000]);
    const a = port.chscSei();
    assert.equal(a.code, CHSC_RC.OK);
    assert.equal(a.flags, SEI_FLAG.MORE | SEI_FLAG.OVERFLOW);
    const b = port.chscSei();
    assert.equal(b.flags, 0);
    assert.equal(b.event?.cc, SEI_CC.LINK_INCIDENT);
    assert.equal(port.chscSei().code, CHSC_RC.NO_DATA);
    port.queueSei({ cc: SEI_CC.RES_ACC, rs: 4, rsid: 0x41 });
    assert.equal(v.css.crws.crws.length, 2, 'drained: the next event raises a new CRW');
  });
  it('css §5.6 code 8 op 1 deconfigure → SCLP → CHP_OFFLINE → guest CRW 0x04060041; op 0 → 0x04020041', () => {
    const { r, v } = run(header() + 'machine sei chp-config 41 deconfigure\nwait idle\n');
    assert.deepEqual(v.qemu.crws.crws, [0x04060041]);
    assert.equal(v.cio.port.configured(0x41), 0);
    v.cio.port.queueSei({ cc: SEI_CC.CHP_CONFIG, rs: 0, rsid: 0, op: CHP_CFG_OP.configure, chpids: [0x41] });
    drain(r);
    assert.deepEqual(v.qemu.crws.crws, [0x04060041, 0x04020041]);
  });
  it('css §5.6 code 8 op 2 cancels a deconfigure still pending (same SEI batch)', () => {
    const { v } = run(header() + 'machine sei chp-config 41 deconfigure\nmachine sei chp-config 41 cancel\nwait idle\n');
    assert.equal(v.cio.port.configured(0x41), 1);
    assert.equal(v.qemu.crws.crws.length, 0);
  });
  it('css §5.6 code 8 with a CHPID list handles each path', () => {
    const { v } = run(header() + 'machine sei chp-config 40,41 deconfigure\nwait idle\n');
    assert.deepEqual(v.qemu.crws.crws, [0x04060040, 0x04060041]);
  });
  it('css §5.6 code 2 res-acc → CHP_ONLINE (ERC 2); nothing when the chp is varied off (css §6.2 filters)', () => {
    const { v } = run(header() + 'machine sei res-acc 41\nwait idle\n');
    assert.deepEqual(v.qemu.crws.crws, [0x04020041]);
    const b = run(header() + 'chchp -v 0 41\nmachine sei res-acc 41\nwait idle\n');
    assert.equal(b.v.qemu.crws.crws.length, 0);
  });
  it('css §5.6 flag 0x40 overflow → every subchannel re-evaluated (warn)', () => {
    const { r } = run(header() + 'machine sei overflow\nwait idle\n');
    assert.ok(warns(r).some((w) => /re-evaluated/.test(w.message) && w.ref.includes('css §5.6')));
  });
  it('css §5.6 machine sei in the native topology makes a machine SEI event pending (CRW RSC 0xB); overflow needs vfio', () => {
    const { r } = run('chpid 41\nmachine sei res-acc 41\n');
    assert.deepEqual(exceptions(r), []);
    assert.equal(r.css.facilityState().seiPending, 1);
    assert.deepEqual(r.css.crwQueue().crws.map((c) => (c >>> 24) & 0x0f), [0xb]); // css §6.1 RSC 0xB channel subsystem
    // issue 11: knowable statically — a diagnostic at the operand before anything runs
    assert.deepEqual(parseScenario('chpid 41\nmachine sei overflow\n', 'o.vlab').diagnostics.map(formatDiagnostic),
      ["o.vlab:2:13: error: 'machine sei overflow' needs 'topology vfio' (host cio re-evaluation, css §6.4)"]);
  });
});

describe('fault injection (css §8.1, §8.4, §9.2, §10.2)', () => {
  it('css §8.4 crw-alloc-fail: the CRW is dropped silently, the next one goes through', () => {
    const { v } = run(header() + 'inject vfio-ccw crw-alloc-fail once\nchchp -c 0 41\nchchp -c 1 41\nwait idle\n');
    assert.deepEqual(v.qemu.crws.crws, [0x04020041]);
    assert.equal(v.vfio.faults.hits['crw-alloc-fail'], 1);
  });
  it('css §8.1 io-mutex-busy: the io-region write returns -EAGAIN; QEMU retries (css §10.2), guest cc 0', () => {
    const { v } = run(header() + 'program p at 0x1000\n  NOP\nend\ninject vfio-ccw io-mutex-busy times 3\nssch 0.0.0007 cpa=p\n');
    assert.equal(v.qemu.device(SCH)!.stats.eagainRetries, 3);
    assert.equal(v.vfio.device(SCH).state, 'CP_PENDING');
  });
  it('css §8.1 io-mutex-busy on the async region: HSCH retried', () => {
    const { v } = run(header() + 'inject vfio-ccw io-mutex-busy once\nhsch 0.0.0007\n');
    assert.equal(v.qemu.device(SCH)!.stats.eagainRetries, 1);
  });
  it('css §10.2 io-mutex-busy always: the model stops after 100 attempts → unit exception (warn)', () => {
    const { r, v } = run(header() + 'program p at 0x1000\n  NOP\nend\ninject vfio-ccw io-mutex-busy always\nssch 0.0.0007 cpa=p\n');
    assert.equal(v.qemu.device(SCH)!.stats.unitExceptions, 1);
    assert.ok(warns(r).some((w) => /100 attempts/.test(w.message)));
  });
  it('css §9.2 pin-partial: everything pinned for the CCW released, -EINVAL, unit exception', () => {
    const { r, v } = run(header() + 'data big at 0x3000 zero 4104\nprogram p at 0x1000\n  READ SLI count 4104 data big\nend\ninject vfio-ccw pin-partial\nssch 0.0.0007 cpa=p c64=1\n');
    assert.equal(v.vfio.iommu.pinnedCount(), 0);
    assert.equal(v.vfio.iommu.lockedVm, 0);
    assert.equal(v.qemu.device(SCH)!.stats.unitExceptions, 1);
    assert.equal(v.vfio.device(SCH).state, 'IDLE');
    assert.deepEqual(checkInvariants(r), []);
  });
  it('css §9.2 pin-fail in the second CCW: the first CCW\'s pins are released too (cp_free on error)', () => {
    const { v } = run(header() + 'data a at 0x3000 zero 8\ndata b at 0x5000 zero 8\nprogram p at 0x1000\n  READ CC SLI count 8 data a\n  READ SLI count 8 data b\nend\ninject vfio-ccw pin-fail\ninject vfio-ccw pin-fail once\n' +
      'ssch 0.0.0007 cpa=p\n');
    assert.equal(v.vfio.iommu.pinnedCount(), 0);
    assert.equal(v.qemu.device(SCH)!.stats.unitExceptions, 1);
  });
  it('css §9.2 guest-fault: -EFAULT → unit exception with CPA = channel program + 8 (css §10.2)', () => {
    const { v } = run(header() + 'program p at 0x1000\n  NOP\nend\ninject vfio-ccw guest-fault\nssch 0.0.0007 cpa=p\n');
    assert.equal(v.qemu.device(SCH)!.stats.unitExceptions, 1);
    assert.equal(v.qemu.core.schib.get(SCH, 'scsw.cpa'), 0x1008);
    assert.equal(v.qemu.core.schib.get(SCH, 'scsw.dstat'), 0x01);
  });
  it('injections are journaled: stepping back re-arms them', () => {
    const { r, v } = run(header() + 'inject vfio-ccw guest-fault times 2\n');
    assert.equal(v.vfio.faults.armed['guest-fault'], 2);
    const mark = r.m.journal.length;
    v.vfio.fault('guest-fault');
    assert.equal(v.vfio.faults.armed['guest-fault'], 1);
    r.m.journal.undoTo(mark);
    assert.equal(v.vfio.faults.armed['guest-fault'], 2);
  });
});

describe('guest XSCH and RSCH over vfio-ccw (css §10.2, §12)', () => {
  it('css §10.2 XSCH is local: cc 0 on QEMU\'s copy, warn, the host program still completes and is reported', () => {
    const { r, v } = run(header() + 'data buf at 0x3000 zero 8\nprogram rd at 0x1000\n  READ SLI count 8 data buf\nend\nrule 0.0.0007 cmd=READ data "ABCDEFGH" delay 50\nssch 0.0.0007 cpa=rd\nxsch 0.0.0007\n');
    assert.equal(r.state.cc, 0n);
    assert.ok(warns(r).some((w) => /XSCH handled on QEMU's copy only/.test(w.message) && w.ref.includes('css §10.2')));
    assert.equal(v.vfio.device(SCH).state, 'CP_PENDING');
    drain(r);
    assert.ok(v.qemu.interruptionPending());
    assert.equal(v.guest.read(0x3000, 8)![0], 0x41);
  });
  it('css §10.2 RSCH is forwarded as a new start [unverified: chosen] with a warn; cc 2 on a non-suspended copy', () => {
    const { r } = run(header() + 'program p at 0x1000\n  NOP\nend\nrsch 0.0.0007\n');
    assert.equal(r.state.cc, 2n);
  });
});
