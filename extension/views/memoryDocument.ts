/**
 * "Open guest memory at an address" (issue 10): a read-only virtual document
 * `vfio-lab-memory:/0x00001000.hexdump?session=ID&count=256` whose text is a hex dump fetched with
 * the standard DAP `readMemory` request (memoryReference = the guest absolute address in 0x hex).
 * Nothing is cached: reopening reads the memory of the session's current stop.
 */
import * as vscode from 'vscode';

export const MEMORY_SCHEME = 'vfio-lab-memory';
/** Bytes shown by default, and at most (a dump is for reading, not for bulk transfer). */
export const DEFAULT_DUMP_BYTES = 256;
export const MAX_DUMP_BYTES = 64 * 1024;
/** Guest absolute addresses are 31-bit (css §2). */
const MAX_GUEST_ADDRESS = 0x7fffffff;

/** Parse a typed address: `0x` hex or decimal, inside 31-bit guest storage. */
export function parseGuestAddress(input: string): { ok: true; value: number } | { ok: false; error: string } {
  const t = input.trim();
  if (!/^(0x[0-9a-f]+|[0-9]+)$/i.test(t)) return { ok: false, error: `'${t}' is not an address: type 0x hex or decimal.` };
  const v = Number(BigInt(t) > BigInt(MAX_GUEST_ADDRESS) ? -1 : BigInt(t));
  if (v < 0) return { ok: false, error: `${t} is outside 31-bit guest storage (0..0x7fffffff, css §2).` };
  return { ok: true, value: v };
}

export function memoryUri(sessionId: string, address: number, count = DEFAULT_DUMP_BYTES): vscode.Uri {
  const a = address.toString(16).padStart(8, '0');
  return vscode.Uri.from({ scheme: MEMORY_SCHEME, path: `/0x${a}.hexdump`, query: `session=${encodeURIComponent(sessionId)}&count=${count}` });
}

/** `00001000  c1 c2 … |AB..|`: 16 bytes a line, the address in hex, ASCII beside. */
export function hexDump(address: number, bytes: Uint8Array, unreadable = 0): string {
  const lines: string[] = [];
  for (let off = 0; off < bytes.length; off += 16) {
    const row = bytes.subarray(off, off + 16);
    const hex = Array.from(row, (b) => b.toString(16).padStart(2, '0')).join(' ').padEnd(47, ' ');
    const ascii = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${(address + off).toString(16).padStart(8, '0')}  ${hex}  |${ascii}|`);
  }
  if (unreadable) lines.push(`… ${unreadable} byte(s) past the end of guest memory are not readable`);
  return lines.join('\n') + '\n';
}

function base64ToBytes(data: string): Uint8Array {
  const bin = atob(data);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export class MemoryDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly sessionById: (id: string) => vscode.DebugSession | undefined) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const m = /^\/0x([0-9a-f]+)\.hexdump$/.exec(uri.path);
    const q = new URLSearchParams(uri.query);
    const id = q.get('session') ?? '';
    const count = Math.min(MAX_DUMP_BYTES, Math.max(1, Number(q.get('count') ?? DEFAULT_DUMP_BYTES) || DEFAULT_DUMP_BYTES));
    if (!m) return `not a VFIO Lab memory address: ${uri.path}\n`;
    const address = parseInt(m[1]!, 16);
    const session = this.sessionById(id);
    if (!session) return `The debug session of this dump has ended: open the address again in a running session.\n`;
    try {
      const r = (await session.customRequest('readMemory', { memoryReference: `0x${address.toString(16)}`, offset: 0, count })) as { address?: string; data?: string; unreadableBytes?: number } | undefined;
      // an adapter without readMemory may answer an empty success: that is no answer
      if (r?.data === undefined) return `readMemory at 0x${address.toString(16)} failed: the debug adapter returned no data\n`;
      const bytes = base64ToBytes(r.data);
      const start = r?.address !== undefined ? Number(r.address) : address;
      return `Guest absolute storage at 0x${address.toString(16)} (${bytes.length} bytes, read with DAP readMemory at this stop; read-only)\n\n${hexDump(start, bytes, r?.unreadableBytes ?? 0)}`;
    } catch (err) {
      return `readMemory at 0x${address.toString(16)} failed: ${err instanceof Error ? err.message : String(err)}\n`;
    }
  }
}

export function registerMemoryDocuments(sessionById: (id: string) => vscode.DebugSession | undefined): vscode.Disposable {
  return vscode.workspace.registerTextDocumentContentProvider(MEMORY_SCHEME, new MemoryDocuments(sessionById));
}
