/**
 * Structured state at every stop and frames that teach (issue 9): the CCW, Page and vfio-ccw
 * program scopes with exact values from the references, kernel frames with generated sources
 * whose line is the current step, and the real frames of threads that did not stop.
 */
import * as assert from 'node:assert/strict';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { ADAPTER, example, expand, fixture, frames, launch, runTo, scope, scopes, step, useAdapter } from './client';

const HELLO = example('hello.vlab');
const CHANNEL7 = 0x10000 + 7;

describe('DAP: structured state and explained frames (issue 9)', function () {
  this.timeout(30000);
  let dc: DebugClient;
  useAdapter((c) => (dc = c), async () => {
    await launch(dc, HELLO);
  });

  it('shows the CCW scope at a CCW stop: command, flags, count, cda, channel state (css §1.3, §3.1–3.3)', async () => {
    const ev = await runTo(dc, HELLO, 15); // READ SLI count 16 data buf
    assert.equal(ev.body.threadId, CHANNEL7);
    const names = (await scopes(dc, CHANNEL7)).map((s) => s.name);
    assert.deepEqual(names, ['CCW', 'Statement', 'Subchannels', 'Pages']);
    const ccw = await scope(dc, CHANNEL7, 'CCW');
    // the one-line event text stays, as a label
    assert.equal(ccw.get('event')?.value, 'sch 0x7 fetch CCW @0x1008 cmd=0x2 flags=0x20 count=16 cda=0x3000');
    assert.equal(ccw.get('command')?.value, 'READ (0x02)'); // css §3.3 xxxx xx10 read
    assert.equal(ccw.get('flags')?.value, '0x20 SLI'); // css §3.2 SLI = 0x20
    const flags = await expand(dc, ccw.get('flags'));
    assert.deepEqual([...flags.keys()], ['CD', 'CC', 'SLI', 'SKP', 'PCI', 'IDA', 'S', 'MIDA']);
    assert.match(flags.get('SLI')!.value, /^set: suppress incorrect-length indication/);
    assert.match(flags.get('CC')!.value, /^clear:/);
    assert.equal(ccw.get('count')?.value, '16');
    assert.equal(ccw.get('cda')?.value, '0x3000');
    assert.equal(ccw.get('cda')?.memoryReference, '0x3000');
    assert.equal(ccw.get('ccw address')?.memoryReference, '0x1008');
    // css §3.2: no CD / CC → the program ends after this command
    assert.equal(ccw.get('channel')?.value, 'pending: end of the program after this command (no CD/CC, css §3.2)');
    const ch = await expand(dc, ccw.get('channel'));
    assert.equal(ch.get('residual count')?.evaluateName, 'sch(0.0.0007).scsw.count');
    assert.equal(ch.get('pmcw.lpum')?.value, '0x80'); // css §5.5 the path used: ORB LPM 0x80
    assert.equal(ch.get('CCWs fetched')?.value, '2');
    assert.equal(ch.get('orb.cpa')?.value, '0x1000');
  });

  it('shows the bytes moved and the chaining decision as the channel goes on (css §3.2, §1.3)', async () => {
    await runTo(dc, HELLO, 14); // WRITE CC count 16 data msg
    await step(dc, 'stepIn', CHANNEL7); // ccw_dstream_read: the 16 bytes
    let ccw = await scope(dc, CHANNEL7, 'CCW');
    assert.equal(ccw.get('transfer')?.value, 'write (memory → device) 16 bytes @0x2000');
    assert.equal(ccw.get('bytes')?.value, '48 45 4c 4c 4f 2c 20 43 48 41 4e 4e 45 4c 21 21'); // "HELLO, CHANNEL!!"
    assert.equal(ccw.get('transferred so far')?.value, '16 bytes for command WRITE');
    await step(dc, 'stepIn', CHANNEL7); // the chaining decision
    ccw = await scope(dc, CHANNEL7, 'CCW');
    assert.equal(ccw.get('channel')?.value, 'command chaining → 0x1008 (css §3.2)'); // CC flag: next CCW is a new command
    await step(dc, 'stepIn', CHANNEL7); // fetch READ
    await step(dc, 'stepIn', CHANNEL7); // data
    await step(dc, 'stepIn', CHANNEL7); // status
    ccw = await scope(dc, CHANNEL7, 'CCW');
    // css §4 CE+DE = 0x0c, §1.3 STCTL primary+secondary+pending = 0x07; CPA = last CCW + 8
    assert.equal(ccw.get('channel')?.value, 'end: status stctl 0x7 dstat 0xc cstat 0x0 (css §1.3, §4)');
    const ch = await expand(dc, ccw.get('channel'));
    assert.equal(ch.get('scsw.cpa')?.value, '0x1010');
    assert.equal(ch.get('residual count')?.value, '0');
  });

  it('shows the Page scope at a page grab: counts before/after, FOLL flags, the rule (gup §3.1)', async () => {
    await runTo(dc, HELLO, 31); // pin_user_pages qemu 0x7f0000000000 4 FOLL_WRITE|FOLL_LONGTERM -> bufs
    await step(dc, 'stepIn'); // do_anonymous_page: the fault
    let page = await scope(dc, 1, 'Page');
    assert.equal(page.get('vaddr')?.value, '0x7f0000000000');
    assert.equal(page.get('zero page')?.value, 'no'); // FOLL_WRITE: a write fault allocates a page
    await step(dc, 'next'); // try_grab_folio
    const f = await frames(dc, 1);
    assert.equal(f[0].name, 'try_grab_folio'); // GUP-E4 slow-path grab helper (gup §3.1)
    page = await scope(dc, 1, 'Page');
    // gup §3.1 E4: FOLL_PIN on a small page adds GUP_PIN_COUNTING_BIAS (1024) to refcount 1
    assert.equal(page.get('refcount')?.value, '1 → 1025');
    assert.equal(page.get('refcount')?.evaluateName, 'page(qemu, 0x7f0000000000).refcount');
    assert.equal(page.get('pincount')?.value, 'no exact counter for this folio (gup §3.2)');
    assert.equal(page.get('rule')?.value, 'FOLL_PIN on a small page: refcount +1 × GUP_PIN_COUNTING_BIAS (1024) (gup §3.1)');
    assert.equal(page.get('FOLL flags')?.value, 'FOLL_WRITE|FOLL_LONGTERM|FOLL_PIN');
    assert.equal(page.get('kind')?.value, 'FOLL_PIN via the slow path (__get_user_pages)');
    assert.equal(page.get('order')?.value, '0');
    assert.equal(page.get('maybe_dma_pinned')?.value, 'true'); // gup §3.3 refcount ≥ BIAS
  });

  it('gives kernel frames a generated source whose line is the current step; nothing is "Unknown Source"', async () => {
    await runTo(dc, HELLO, 15);
    const f = await frames(dc, CHANNEL7);
    assert.deepEqual(f.map((x) => x.name), ['CCW @0x1008 cmd 0x02', 'css_interpret_ccw', 'sch_handle_start_func_virtual', 'do_subchannel_work_virtual', 'wait interrupt']);
    for (const x of f) assert.ok(x.source && (x.source.path || x.source.sourceReference), `${x.name} has a source`);
    assert.equal(f[0].instructionPointerReference, '0x1008');
    const interp = f[1];
    assert.equal(interp.source?.name, 'css_interpret_ccw()');
    assert.equal(interp.source?.origin, 'QEMU hw/s390x/css.c');
    const text = (await dc.sourceRequest({ source: interp.source, sourceReference: interp.source!.sourceReference! })).body.content;
    const lines = text.split('\n');
    assert.equal(lines[0], 'css_interpret_ccw()  —  QEMU hw/s390x/css.c');
    // the CCW fetch is step 1 of css_interpret_ccw: the frame's line is that step
    assert.match(lines[interp.line - 1], /^ {3}1\. Fetch the CCW at the channel-program address/);
    // the outer frame's line is the step that calls the inner one
    const outer = f[2];
    const outerText = (await dc.sourceRequest({ source: outer.source, sourceReference: outer.source!.sourceReference! })).body.content.split('\n');
    assert.match(outerText[outer.line - 1], /css_interpret_ccw fetches and executes the CCW/);
    await assert.rejects(dc.sourceRequest({ sourceReference: 9999 }), /no source with reference 9999/);
  });

  it('shows the real frames of threads that did not stop, never a placeholder', async () => {
    await runTo(dc, HELLO, 18); // ssch: the channel program is queued, not started
    await step(dc, 'next'); // expect cc == 0 — channel 7 has its first CCW queued
    const ch = await frames(dc, CHANNEL7);
    assert.deepEqual(ch.map((x) => x.name), ['next CCW @0x1000 cmd 0x01', 'css_interpret_ccw (next CCW, runs at t=1)']);
    assert.equal(ch[0].line, 14); // the CCW's line in the program block
    assert.equal(ch[0].instructionPointerReference, '0x1000');
    assert.ok(ch[1].source?.sourceReference);
    // stopped in the channel thread: the guest CPU shows its own statement
    await runTo(dc, HELLO, 15);
    const cpu = await frames(dc, 1);
    assert.deepEqual(cpu.map((x) => `${x.name}@${x.line}`), ['wait interrupt@20']);
    for (const t of (await dc.threadsRequest()).body.threads) {
      for (const x of await frames(dc, t.id)) assert.doesNotMatch(x.name, /running \(not the stopped thread\)/);
    }
  });
});

describe('DAP: the CCW scope of an IDA CCW lists its IDAWs (css §3.5)', function () {
  this.timeout(30000);
  it('a 16-byte READ from 0x57f8 through a format-1 IDAL needs two IDAWs, 2 KiB blocks', async () => {
    const dc = new DebugClient('node', ADAPTER, 'vlab');
    await dc.start();
    try {
      const file = fixture('ida-read.vlab');
      await launch(dc, file);
      await runTo(dc, file, 8); // READ SLI IDA count 16 data list
      const ccw = await scope(dc, CHANNEL7, 'CCW');
      assert.equal(ccw.get('flags')?.value, '0x24 SLI IDA'); // css §3.2 SLI 0x20 + IDA 0x04
      assert.equal(ccw.get('cda')?.value, '0x4000 (IDAL)');
      // css §3.5: ((0x57f8 mod 2048) + 16 + 2047) / 2048 = 2 IDAWs with ORB C64 = 0 (format 1)
      assert.equal(ccw.get('idaws')?.value, '2 IDAWs');
      const idaws = await expand(dc, ccw.get('idaws'));
      assert.equal(idaws.get('[0]')?.value, '0x57f8 (format-1 IDAW @0x4000, 2048-byte blocks)');
      assert.equal(idaws.get('[0]')?.memoryReference, '0x57f8');
      assert.equal(idaws.get('[1]')?.value, '0x5800 (format-1 IDAW @0x4004, 2048-byte blocks)');
    } finally {
      await dc.stop();
    }
  });
});

describe('DAP: the host kernel thread shows its queued work (css §8.4)', function () {
  this.timeout(30000);
  it('after chchp -c 0 41 the crw work item of 0.0.0007 waits on the host kernel thread', async () => {
    const dc = new DebugClient('node', ADAPTER, 'vlab');
    await dc.start();
    try {
      const file = example('vfio-chchp-configure.vlab');
      await launch(dc, file);
      await runTo(dc, file, 23); // expect ret == 1, right after `chchp -c 0 41`
      // css §8.4: CHP_OFFLINE queued a CRW for user space; the crw work item has not run yet
      const host = await frames(dc, 2);
      assert.deepEqual(host.map((x) => x.name), ['vfio_ccw_crw_todo (queued work of 0.0.0007, runs at t=0)']);
      assert.equal(host[0].source?.name, 'vfio_ccw_crw_todo()');
      const text = (await dc.sourceRequest({ source: host[0].source, sourceReference: host[0].source!.sourceReference! })).body.content;
      assert.match(text, /signal the crw eventfd/);
      assert.deepEqual(await frames(dc, 3), []); // QEMU has nothing queued: no frame, no placeholder
    } finally {
      await dc.stop();
    }
  });
});

describe('DAP: the vfio-ccw program scope (css §8.3, §9)', function () {
  this.timeout(30000);
  let dc: DebugClient;
  const LPM = example('vfio-orb-lpm.vlab');
  useAdapter((c) => (dc = c), async () => {
    await launch(dc, LPM);
  });

  it('gives the pinned page of guest memory a memory reference at its guest address (css §9.2, gup §10)', async () => {
    await runTo(dc, LPM, 21);
    let f = await frames(dc, 1);
    for (let i = 0; i < 6 && f[0].name !== 'try_grab_folio'; i++) {
      await step(dc, 'stepIn');
      f = await frames(dc, 1);
    }
    assert.deepEqual(f.slice(0, 1).map((x) => x.name), ['try_grab_folio']);
    assert.ok(f.some((x) => x.name === 'vfio_pin_page_external'), f.map((x) => x.name).join(' < '));
    const page = await scope(dc, 1, 'Page');
    // QEMU maps guest absolute 0 at 0x7f0000000000: the READ's buffer at 0x3000 (css §9.2)
    assert.equal(page.get('vaddr')?.value, '0x7f0000003000');
    assert.equal(page.get('vaddr')?.memoryReference, '0x3000');
    // gup §10.1: vaddr_get_pfns pins FOLL_WRITE|FOLL_LONGTERM through pin_user_pages_remote, which
    // ORs in FOLL_PIN|FOLL_TOUCH|FOLL_REMOTE (gup §2.1)
    assert.equal(page.get('FOLL flags')?.value, 'FOLL_WRITE|FOLL_TOUCH|FOLL_REMOTE|FOLL_LONGTERM|FOLL_PIN');
  });

  it('shows the channel_program, its chain and the host copy while the program runs', async () => {
    await runTo(dc, LPM, 21); // ssch 0.0.0007 cpa=rd lpm=0x80
    let f = await frames(dc, 1);
    // past cp_prefetch: fsm_io_helper starts the translated program (css §8.3, §9.2)
    for (let i = 0; i < 12 && !f.some((x) => x.name === 'fsm_io_helper'); i++) {
      await step(dc, 'stepIn');
      f = await frames(dc, 1);
    }
    assert.deepEqual(f.slice(0, 3).map((x) => x.name), ['ioinst_handle_ssch', 'fsm_io_helper', 'fsm_io_request']);
    const cp = await scope(dc, 1, 'vfio-ccw program');
    assert.equal(cp.get('subchannel')?.value, '0.0.0007');
    assert.equal(cp.get('fsm state')?.evaluateName, 'fsm(0.0.0007).state');
    // css §8.3: fsm_io_request runs for IO_REQ in IDLE
    assert.equal(cp.get('fsm event')?.value, 'fsm_io_request, run for IDLE+IO_REQ (css §8.3)');
    assert.equal(cp.get('orb.cpa')?.value, '0x1000');
    const chains = await expand(dc, cp.get('chains'));
    const c0 = chains.get('[0]')!;
    // css §9.1: one chain, the guest head at ORB CPA, the host copy in the DMA area
    assert.equal(c0.value, 'guest 0x1000 → host 0x40000000, 1 CCWs (css §9.1)');
    const ccws = await expand(dc, c0);
    const ccw0 = ccws.get('[0] @0x1000')!;
    assert.equal(ccw0.value, 'READ SLI count 16 cda 0x3000 <buf>');
    const detail = await expand(dc, ccw0);
    assert.match(detail.get('host copy')!.value, /^READ SLI IDA count 16 cda 0x4[0-9a-f]+ @0x40000000 \(css §9\.2\)$/); // css §9.2 IDA set in the host CCW
    assert.equal(detail.get('guest IDAWs')?.value, '1');
    assert.match(detail.get('pinned')!.value, /^1 page\(s\) at iova 0x3000/);
  });
});
