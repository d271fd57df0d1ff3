/**
 * Code and memory views (issue 9): CCW disassembly, guest memory reads, and writes through the
 * journal (so Step Back undoes them). The work is in disassembly.ts and memory.ts; these answer.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { readMemory, prepareWrite } from './memory';
import { answer } from './answer';
import type { SessionCore } from './sessionCore';

/** Error response ids (body.error.id) of the memory and disassembly requests. */
const DISASSEMBLE_FAILED = 3011;
const READ_MEMORY_FAILED = 3012;
const WRITE_MEMORY_FAILED = 3013;

export function disassembleRequest(c: SessionCore, response: DebugProtocol.DisassembleResponse, args: DebugProtocol.DisassembleArguments): void {
  answer(c.port, response, DISASSEMBLE_FAILED, () => {
    if (!c.disassembler) throw new Error('no scenario is running');
    return { instructions: c.disassembler.disassemble(args ?? ({} as DebugProtocol.DisassembleArguments)) };
  });
}

export function readMemoryRequest(c: SessionCore, response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): void {
  answer(c.port, response, READ_MEMORY_FAILED, () => {
    if (!c.runner) throw new Error('no scenario is running');
    if (c.running) throw new Error('pause the scenario first');
    return readMemory(c.runner, args ?? ({} as DebugProtocol.ReadMemoryArguments));
  });
}

export function writeMemoryRequest(c: SessionCore, response: DebugProtocol.WriteMemoryResponse, args: DebugProtocol.WriteMemoryArguments): void {
  answer(c.port, response, WRITE_MEMORY_FAILED, () => {
    if (!c.runner) throw new Error('no scenario is running');
    const w = prepareWrite(c.runner, args ?? ({} as DebugProtocol.WriteMemoryArguments));
    c.edit(w.apply, { addr: w.addr, count: w.bytes.length });
    return { bytesWritten: w.bytes.length };
  });
}
