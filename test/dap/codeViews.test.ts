/**
 * Disassembly and memory (issue 9): `disassemble` decodes CCWs at guest addresses (css §3.1–3.4,
 * TIC targets as the program's labels), `readMemory` / `writeMemory` on guest memory with bounds
 * checks, `memory` events, and Step Back undoing a write.
 */
import * as assert from 'node:assert/strict';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { b64, example, fixture, launch, runTo, step, unb64, useAdapter } from './client';

const HELLO = example('hello.vlab');

describe('DAP: disassemble (css §3)', function () {
  this.timeout(30000);
  let dc: DebugClient;
  useAdapter((c) => (dc = c));

  it('advertises the state and code capabilities', async () => {
    const init = await dc.initializeRequest({ adapterID: 'vlab', pathFormat: 'path' });
    const c = init.body!;
    assert.equal(c.supportsDisassembleRequest, true);
    assert.equal(c.supportsReadMemoryRequest, true);
    assert.equal(c.supportsWriteMemoryRequest, true);
    assert.equal(c.supportsSetVariable, true);
    assert.equal(c.supportsSetExpression, true);
  });

  it('decodes the program block: names, flags, counts, data labels, the source line (css §3.1–3.3)', async () => {
    await launch(dc, HELLO);
    await runTo(dc, HELLO, 18); // the program is stored by now
    const r = await dc.send('disassemble', { memoryReference: '0x1000', instructionCount: 3 }) as DebugProtocol.DisassembleResponse;
    const [a, b, c] = r.body!.instructions;
    assert.equal(a.address, '0x1000');
    assert.equal(a.symbol, 'echo');
    assert.equal(a.instruction, 'WRITE CC count 16 cda 0x2000 <msg>'); // css §3.3 0x01 write, §3.2 CC 0x40
    assert.equal(a.instructionBytes, '01 40 00 10 00 00 20 00'); // css §3.1 format 1: cmd, flags, count, cda
    assert.equal(a.line, 14);
    assert.equal(b.address, '0x1008');
    assert.equal(b.instruction, 'READ SLI count 16 cda 0x3000 <buf>'); // §3.3 0x02 read, §3.2 SLI 0x20
    assert.equal(b.line, 15);
    assert.equal(c.address, '0x1010');
    assert.equal(c.instruction, 'invalid 0x00 count 0 cda 0x0'); // css §3.3 xxxx 0000 invalid
  });

  it('decodes a format-0 program: command, CDA in bytes 1-3, flags in byte 4, count in bytes 6-7 (css §3.1)', async () => {
    const file = example('css-program-check.vlab');
    await launch(dc, file);
    await runTo(dc, file, 31); // `program f0 at 0x1200 format 0` is stored by now
    const r = await dc.send('disassemble', { memoryReference: '0x1200', instructionCount: 2 }) as DebugProtocol.DisassembleResponse;
    const [a, b] = r.body!.instructions;
    assert.equal(a.symbol, 'f0');
    assert.equal(a.instructionBytes, '03 00 00 00 40 00 00 01'); // NOP 0x03, CDA 0, flags CC 0x40, count 1
    assert.equal(a.instruction, 'NOP CC count 1 cda 0x0');
    assert.equal(b.instructionBytes, '02 00 30 00 00 00 00 00'); // READ 0x02, CDA 0x003000, flags 0, count 0
    assert.equal(b.instruction, 'READ count 0 cda 0x3000 <buf>');
    assert.equal(b.line, 29);
  });

  it('shows a TIC target as the program label (css §3.4) and honours instructionOffset', async () => {
    const loop = fixture('tic-loop.vlab');
    await launch(dc, loop);
    await runTo(dc, loop, 9);
    const r = await dc.send('disassemble', { memoryReference: '0x1010', instructionOffset: -2, instructionCount: 2 }) as DebugProtocol.DisassembleResponse;
    const [top, tic] = r.body!.instructions;
    assert.equal(top.address, '0x1000');
    assert.equal(top.symbol, 'top'); // the CCW label beats the program name at the same address
    assert.equal(top.instruction, 'WRITE CC count 1 cda 0x2000 <msg>');
    assert.equal(tic.address, '0x1008');
    assert.equal(tic.instruction, 'TIC → top (0x1000)');
  });

  it('marks addresses outside guest memory invalid and refuses bad arguments with one line', async () => {
    await launch(dc, HELLO);
    // memory 1M: 0x100000 is the first address past the end
    const r = await dc.send('disassemble', { memoryReference: '0xffff8', instructionCount: 2 }) as DebugProtocol.DisassembleResponse;
    assert.equal(r.body!.instructions[0].presentationHint, undefined);
    assert.equal(r.body!.instructions[1].address, '0x100000');
    assert.equal(r.body!.instructions[1].instruction, '(outside guest memory)');
    assert.equal(r.body!.instructions[1].presentationHint, 'invalid');
    await assert.rejects(dc.send('disassemble', { memoryReference: 'main', instructionCount: 1 }), /memoryReference 'main' is not an address/);
    await assert.rejects(dc.send('disassemble', { memoryReference: '0x1000', instructionCount: 5000 }), /at most 4096 instructions per request/);
    await assert.rejects(dc.send('disassemble', { memoryReference: '0x1000', instructionCount: -1 }), /^Error: disassemble: 'instructionCount' must be between 0 and 9007199254740991$/);
    const t = await dc.threadsRequest();
    assert.ok(t.body.threads.length >= 1); // still usable
  });

  it('gives CCW frames an instruction pointer reference the disassembly starts at', async () => {
    await launch(dc, HELLO);
    await runTo(dc, HELLO, 14);
    const f = (await dc.stackTraceRequest({ threadId: 0x10007 })).body.stackFrames[0];
    assert.equal(f.instructionPointerReference, '0x1000');
    const r = await dc.send('disassemble', { memoryReference: f.instructionPointerReference, instructionCount: 1 }) as DebugProtocol.DisassembleResponse;
    assert.equal(r.body!.instructions[0].instruction, 'WRITE CC count 16 cda 0x2000 <msg>');
  });
});

describe('DAP: readMemory / writeMemory on guest memory', function () {
  this.timeout(30000);
  let dc: DebugClient;
  useAdapter((c) => (dc = c), async () => {
    await launch(dc, HELLO);
  });

  const read = async (memoryReference: string, count: number, offset?: number) =>
    ((await dc.send('readMemory', { memoryReference, count, offset })) as DebugProtocol.ReadMemoryResponse).body!;

  it('reads guest bytes as base64, with unreadable bytes past the end', async () => {
    await runTo(dc, HELLO, 11); // `data msg` has run
    const r = await read('0x2000', 16);
    assert.equal(r.address, '0x2000');
    assert.equal(unb64(r.data!), 'HELLO, CHANNEL!!');
    assert.equal(r.unreadableBytes, 0);
    const o = await read('0x2000', 5, 7);
    assert.equal(unb64(o.data!), 'CHANN');
    const end = await read('0xffffc', 8); // memory 1M
    assert.equal(unb64(end.data!).length, 4);
    assert.equal(end.unreadableBytes, 4);
    await assert.rejects(dc.send('readMemory', { memoryReference: '0x100000', count: 4 }), /address 0x100000 is outside guest memory \(0x0–0xfffff\)/);
    await assert.rejects(dc.send('readMemory', { memoryReference: 'x', count: 4 }), /memoryReference 'x' is not a guest address/);
    await assert.rejects(dc.send('readMemory', { memoryReference: '0x0', count: 2_000_000 }), /at most 1048576 bytes per request/);
  });

  it('writes through the journal: a memory event, the new bytes, and Step Back undoes exactly the write', async () => {
    await runTo(dc, HELLO, 13); // both data blocks stored; stopped at a statement
    const events: DebugProtocol.Event[] = [];
    dc.on('memory', (e: DebugProtocol.Event) => events.push(e));
    const w = await dc.send('writeMemory', { memoryReference: '0x3000', data: b64('AB') }) as DebugProtocol.WriteMemoryResponse;
    assert.equal(w.body!.bytesWritten, 2);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(events.map((e) => e.body), [{ memoryReference: '0x3000', offset: 0, count: 2 }]);
    assert.equal(unb64((await read('0x3000', 3)).data!), 'AB\0');
    assert.equal(unb64((await read('0x2000', 5)).data!), 'HELLO'); // nothing else changed
    await step(dc, 'stepBack');
    assert.equal(unb64((await read('0x3000', 2)).data!), '\0\0'); // `data buf … zero 16` as stored
    assert.equal(unb64((await read('0x2000', 5)).data!), 'HELLO');
  });

  it('refuses writes out of range, bad data, or in the middle of a statement, changing nothing', async () => {
    await runTo(dc, HELLO, 13);
    await assert.rejects(dc.send('writeMemory', { memoryReference: '0xffffe', data: b64('ABCD') }), /4 bytes at 0xffffe do not fit in guest memory \(0x0–0xfffff\)/);
    await assert.rejects(dc.send('writeMemory', { memoryReference: '0x3000', data: '***' }), /data must be base64/);
    assert.equal(unb64((await read('0xffffe', 2)).data!), '\0\0');
    await runTo(dc, HELLO, 15); // a CCW stop, inside `wait interrupt`
    await assert.rejects(dc.send('writeMemory', { memoryReference: '0x3000', data: b64('Z') }), /state can be edited only when stopped at a statement/);
  });
});
