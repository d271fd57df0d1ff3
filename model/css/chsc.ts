/**
 * CHANNEL SUBSYSTEM CALL (css §5.6): store-subchannel-description (SSD, 0x0004) and
 * store-channel-path-description (SCPD, 0x0002), with the request/response layouts as field
 * tables (one table, many readers) and the response codes of css §5.6.
 *
 * Request block: halfword length, halfword command, parameter words; the response follows the
 * request at offset `length`: halfword length, halfword response code, a parameter word, data.
 * Operand checks (QEMU `ioinst_handle_chsc`): request not 4K aligned → specification exception;
 * length < 16, > 4088 or not a multiple of 8 → operand exception; cc 0 always.
 * Layouts: SSD from Linux `struct chsc_ssd_area`, SCPD from QEMU `ioinst_handle_chsc_scpd` /
 * `css_collect_chp_desc` (format-0 descriptors, 8 bytes each).
 */
import type { CssCore } from './context';
import { byName, extract, type FieldDef } from './fields';
import { ProgramInterruption } from './program-interruption';
import { checkCpuAccess } from './storageAccess';
import { facilities } from './facilities';

const R = 'css §5.6';
const f = (name: string, word: number, bit: number, width: number, meaning: string): FieldDef => ({ name, word, bit, width, meaning, ref: R });

export const CHSC_CMD = { SCPD: 0x0002, SSD: 0x0004, SEI: 0x000e, SCSC: 0x0010, SECM: 0x0016, SADC: 0x0021, SSQD: 0x0024, SDA: 0x0031 } as const;

/** Response codes (css §5.6). */
export const CHSC_RC = {
  OK: 0x0001, INVALID_COMMAND: 0x0002, REQUEST_ERROR: 0x0003, NOT_INSTALLED: 0x0004, NO_DATA: 0x0005,
  FORMAT_ERROR: 0x0007, INVALID_CSSID: 0x0008, INVALID_RESPONSE_FORMAT: 0x0009, INVALID_SSID: 0x000a, BUSY: 0x000b,
} as const;

export const CHSC_RC_NAMES: Readonly<Record<number, string>> = {
  0x0001: 'OK', 0x0002: 'invalid command', 0x0003: 'request error', 0x0004: 'not installed', 0x0005: 'no data',
  0x0007: 'format error', 0x0008: 'invalid CSSID', 0x0009: 'invalid response format', 0x000a: 'invalid SSID', 0x000b: 'busy',
};

/** Response header, words relative to the response (css §5.6). */
export const CHSC_RESPONSE_FIELDS: readonly FieldDef[] = [
  f('len', 0, 0, 16, 'response length in bytes'),
  f('code', 0, 16, 16, 'response code (0x0001 OK, 0x0003 request error, 0x0004 not installed, ...)'),
  f('param', 1, 0, 32, 'response parameter (SCPD: response format)'),
];

/** SSD response entry, words relative to the response (Linux `struct chsc_ssd_area`). */
export const CHSC_SSD_FIELDS: readonly FieldDef[] = [
  ...CHSC_RESPONSE_FIELDS,
  f('sch_valid', 2, 0, 1, 'subchannel valid'),
  f('dev_valid', 2, 1, 1, 'device number valid'),
  f('st', 2, 2, 3, 'subchannel type (0 I/O)'),
  f('unit_addr', 2, 8, 8, 'unit address'),
  f('devno', 2, 16, 16, 'device number'),
  f('path_mask', 3, 0, 8, 'installed paths whose chpid entries are valid (the model stores PIM) [unverified: chosen]'),
  f('fla_valid_mask', 3, 8, 8, 'full-link-address valid mask (always 0 in the model)'),
  f('sch', 3, 16, 16, 'subchannel number'),
  ...Array.from({ length: 8 }, (_, i) => f(`chpid${i}`, 4 + (i >> 2), (i & 3) * 8, 8, `CHPID of path ${i} (mask bit 0x${(0x80 >> i).toString(16)})`)),
];

/** SCPD response with its first format-0 channel-path descriptor (QEMU `css_collect_chp_desc`). */
export const CHSC_SCPD_FIELDS: readonly FieldDef[] = [
  ...CHSC_RESPONSE_FIELDS,
  f('flags', 2, 0, 8, 'descriptor flags (0x80 valid)'),
  f('lsn', 2, 8, 8, 'logical switch number'),
  f('desc', 2, 16, 8, 'channel-path type'),
  f('chpid', 2, 24, 8, 'CHPID'),
  f('swla', 3, 0, 8, 'switch link address'),
  f('chla', 3, 16, 8, 'channel link address'),
  f('chpp', 3, 24, 8, 'channel-path parameters'),
];

export const CHSC_SSD_FIELD = byName(CHSC_SSD_FIELDS);
export const CHSC_SCPD_FIELD = byName(CHSC_SCPD_FIELDS);

export interface ChscResult {
  command: number;
  /** Response bytes (header + data), big-endian. */
  response: Uint8Array;
  code: number;
}

function put16(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 8) & 0xff;
  b[o + 1] = v & 0xff;
}

function put32(b: Uint8Array, o: number, v: number): void {
  put16(b, o, v >>> 16);
  put16(b, o + 2, v & 0xffff);
}

function header(len: number, code: number, param = 0): Uint8Array {
  const b = new Uint8Array(len);
  put16(b, 0, len);
  put16(b, 2, code);
  put32(b, 4, param);
  return b;
}

const MIN_RESP = 8;

/** SSD (css §5.6): request words param0 = (ssid in bits 10–11 of the first halfword, f_sch), param1 = l_sch. */
export function chscSsd(core: CssCore, len: number, p0: number, p1: number, p2: number): Uint8Array {
  const ssid = (p0 >>> 20) & 3;
  const resv0 = p0 & 0xffcf0000;
  const first = p0 & 0xffff;
  const last = p1 & 0xffff;
  if (len !== 0x0010 || resv0 || (p1 & 0xffff0000) || p2 || last < first) return header(MIN_RESP, CHSC_RC.REQUEST_ERROR);
  if (ssid !== 0) return header(MIN_RESP, CHSC_RC.INVALID_SSID);
  const n = last - first + 1;
  // [unverified: chosen — one 32-byte entry per subchannel in the range (Linux asks for one);
  //  the response is capped at what fits in the 4K block after the 16-byte request]
  const count = Math.min(n, Math.floor((4096 - 16 - MIN_RESP) / 32));
  const b = header(MIN_RESP + 32 * count, CHSC_RC.OK);
  for (let k = 0; k < count; k++) {
    const sch = first + k;
    const o = MIN_RESP + 32 * k;
    put16(b, o + 6, sch);
    if (!core.exists(sch)) continue; // sch_valid = 0
    const s = core.schib;
    const dnv = s.get(sch, 'pmcw.dnv');
    b[o] = 0x80 | (dnv ? 0x40 : 0) | ((s.get(sch, 'pmcw.st') & 7) << 3);
    b[o + 1] = 0; // unit address [unverified: chosen 0]
    put16(b, o + 2, dnv ? s.get(sch, 'pmcw.dev') : 0);
    b[o + 4] = s.get(sch, 'pmcw.pim');
    b[o + 5] = 0;
    for (let i = 0; i < 8; i++) b[o + 8 + i] = s.get(sch, `pmcw.chpid${i}`);
  }
  return b;
}

/** SCPD (css §5.6, QEMU `ioinst_handle_chsc_scpd`): param0 = M, C, FMT, CSSID, RFMT, first chpid; param1 = last chpid. */
export function chscScpd(core: CssCore, len: number, p0: number, p1: number, p2: number): Uint8Array {
  let rfmt = (p0 >>> 8) & 0xf;
  if (rfmt === 0 || rfmt === 1) rfmt = p0 & 0x10000000 ? 1 : 0;
  if (len !== 0x0010 || (p0 & 0xc000f000) || (p1 & 0xffffff00) || p2) return header(MIN_RESP, CHSC_RC.REQUEST_ERROR, rfmt);
  if (p0 & 0x0f000000) return header(MIN_RESP, CHSC_RC.FORMAT_ERROR, rfmt);
  const cssid = (p0 >>> 16) & 0xff;
  if (cssid !== 0) return header(MIN_RESP, CHSC_RC.INVALID_CSSID, rfmt);
  const first = p0 & 0xff;
  const last = p1 & 0xff;
  if (last < first) return header(MIN_RESP, CHSC_RC.REQUEST_ERROR, rfmt);
  const size = rfmt === 0 ? 8 : 32;
  const descs: number[][] = [];
  for (let c = first; c <= last; c++) {
    const p = core.chpids.get(c);
    if (!p) continue;
    const d = new Array<number>(size).fill(0);
    d[0] = 0x80; // QEMU: flags = 0x80
    d[2] = p.type;
    d[3] = c;
    descs.push(d);
  }
  const b = header(MIN_RESP + size * descs.length, CHSC_RC.OK, rfmt);
  descs.forEach((d, i) => b.set(d, MIN_RESP + size * i));
  return b;
}

/** SEI response (nt0 area, Linux `struct chsc_sei` / `chsc_sei_nt0_area`), words relative to the response. */
export const CHSC_SEI_FIELDS: readonly FieldDef[] = [
  ...CHSC_RESPONSE_FIELDS,
  f('nt', 1, 24, 8, 'notification type (0)'),
  f('flags', 2, 0, 8, 'flags: 0x80 more events pending, 0x40 overflow'),
  f('vf', 2, 8, 8, 'validity flags'),
  f('rs', 2, 16, 8, 'reporting source (4 = channel path)'),
  f('cc', 2, 24, 8, 'content code (1 link incident, 2 resource accessibility, 7 chp availability, 8 chp configuration)'),
  f('fla', 3, 0, 16, 'full link address'),
  f('rsid', 3, 16, 16, 'reporting-source ID'),
  f('ccdf0', 6, 0, 8, 'first content-code-dependent byte (cc 8: 0 configure, 1 deconfigure, 2 cancel)'),
];

/**
 * SCSC response: the first words of the general and the CHSC characteristics (QEMU
 * `ioinst_handle_chsc_scsc` values). [unverified: which facility each bit names is not in the
 * reference; the model answers QEMU's words verbatim]
 */
export const CHSC_SCSC_FIELDS: readonly FieldDef[] = [
  ...CHSC_RESPONSE_FIELDS,
  ...[0, 1, 2, 3].map((i) => f(`general${i}`, 2 + i, 0, 32, `general characteristics word ${i} (QEMU ${['0x03000000', '0x00079000', '0', '0x00080000'][i]})`)),
  ...[0, 1, 2, 3].map((i) => f(`chsc${i}`, 2 + 510 + i, 0, 32, `CHSC characteristics word ${i} (QEMU ${['0x40000000', '0', '0', '0x00040000'][i]})`)),
];

export const CHSC_SEI_FIELD = byName(CHSC_SEI_FIELDS);
export const CHSC_SCSC_FIELD = byName(CHSC_SCSC_FIELDS);

/**
 * SEI (css §5.6, QEMU `ioinst_handle_chsc_sei`): one pending event per call, nt0 area; flags
 * 0x80 while more are pending; none pending → response code 0x0005 "no data" (length 8). When
 * the last event is stored the CSS event is no longer pending (the next one queues a CRW RSC 0xB
 * again). [unverified: chosen — length ≠ 16 → request error 0x0003, as SCSC; QEMU does not check]
 */
export function chscSei(core: CssCore, len: number): Uint8Array {
  if (len !== 0x0010) return header(MIN_RESP, CHSC_RC.REQUEST_ERROR);
  const st = facilities(core);
  if (st.sei.length === 0) {
    if (st.seiPending) core.m.journal.set(st, 'seiPending', false);
    return header(MIN_RESP, CHSC_RC.NO_DATA);
  }
  const ev = core.m.journal.shift(st.sei)!;
  const more = st.sei.length > 0;
  if (!more) core.m.journal.set(st, 'seiPending', false);
  // header 8 + nt0 area: flags vf rs cc, fla rsid, 2 reserved words, ccdf
  const b = header(MIN_RESP + 16 + Math.max(8, ev.ccdf.length), CHSC_RC.OK, 0);
  b[8] = more ? 0x80 : 0;
  b[9] = 0;
  b[10] = ev.rs & 0xff;
  b[11] = ev.cc & 0xff;
  put16(b, 12, ev.fla);
  put16(b, 14, ev.rsid);
  b.set(ev.ccdf.map((x) => x & 0xff), 24);
  return b;
}

/** SCSC (QEMU `ioinst_handle_chsc_scsc`): response length 4080, QEMU's characteristics words. */
export function chscScsc(len: number, p0: number, p1: number, p2: number): Uint8Array {
  if (len !== 0x0010) return header(MIN_RESP, CHSC_RC.REQUEST_ERROR);
  if (p0 & 0x000f0000) return header(MIN_RESP, CHSC_RC.FORMAT_ERROR);
  if ((p0 & 0x0000ff00) !== 0) return header(MIN_RESP, CHSC_RC.INVALID_CSSID); // the model provides CSS 0 only
  if ((p0 & 0xdff000ff) || p1 || p2) return header(MIN_RESP, CHSC_RC.REQUEST_ERROR);
  const b = header(4080, CHSC_RC.OK);
  put32(b, 8, 0x03000000);
  put32(b, 12, 0x00079000);
  put32(b, 20, 0x00080000);
  put32(b, 8 + 2040, 0x40000000);
  put32(b, 8 + 2040 + 12, 0x00040000);
  return b;
}

/**
 * SDA (QEMU `ioinst_handle_chsc_sda`): request length must be 0x0400 and param0 reserved bits
 * (0xF0FF0000) zero → else 0x0003; format (0x0F000000) ≠ 0 → 0x0007; operation code 0 enables
 * MCSS-E, 2 enables MSS (0x0001), others → 0x0003. The model keeps one CSS and one subchannel
 * set; enabling only turns on the chained second CRWs of css §6.1 (RSC 3, RCHP), as in QEMU.
 */
export function chscSda(core: CssCore, len: number, p0: number): Uint8Array {
  if (len !== 0x0400 || (p0 & 0xf0ff0000)) return header(MIN_RESP, CHSC_RC.REQUEST_ERROR);
  if (p0 & 0x0f000000) return header(MIN_RESP, CHSC_RC.FORMAT_ERROR);
  const oc = p0 & 0xffff;
  const st = facilities(core);
  if (oc === 0) core.m.journal.set(st, 'mcsse', true);
  else if (oc === 2) core.m.journal.set(st, 'mss', true);
  else return header(MIN_RESP, CHSC_RC.REQUEST_ERROR);
  core.m.emit({ kind: 'log', source: 'css', text: `CHSC SDA: ${oc === 0 ? 'MCSS-E' : 'MSS'} enabled (the model keeps CSS 0 / subchannel set 0; RSC 3 and RCHP CRWs are now chained, css §6.1)` }, 'instruction');
  return header(MIN_RESP, CHSC_RC.OK);
}

/** Dispatch one CHSC request given its header words (no guest memory involved). */
export function chscRequest(core: CssCore, len: number, command: number, p0: number, p1: number, p2: number): ChscResult {
  let response: Uint8Array;
  switch (command) {
    case CHSC_CMD.SSD: response = core.m.within('chsc_ssd', () => chscSsd(core, len, p0, p1, p2)); break;
    case CHSC_CMD.SCPD: response = core.m.within('ioinst_handle_chsc_scpd', () => chscScpd(core, len, p0, p1, p2)); break;
    case CHSC_CMD.SEI: response = core.m.within('ioinst_handle_chsc_sei', () => chscSei(core, len)); break;
    case CHSC_CMD.SCSC: response = core.m.within('ioinst_handle_chsc_scsc', () => chscScsc(len, p0, p1, p2)); break;
    case CHSC_CMD.SDA: response = core.m.within('ioinst_handle_chsc_sda', () => chscSda(core, len, p0)); break;
    // QEMU answers every other command (SECM, SADC, SSQD, ...) with "not installed" (css §5.6)
    default: response = header(MIN_RESP, CHSC_RC.NOT_INSTALLED);
  }
  const code = (response[2] << 8) | response[3];
  return { command, response, code };
}

/** CHSC on a request block in guest memory (css §5.1, §5.6): cc 0; response stored after the request. */
export function chscInstruction(core: CssCore, addr: number): ChscResult & { cc: number } {
  return core.m.within('ioinst_handle_chsc', () => {
    const hex = (n: number) => `0x${n.toString(16)}`;
    if (addr & 0xfff) throw new ProgramInterruption('specification', `CHSC request block ${hex(addr)} is not 4K aligned (css §5.6)`);
    // css §11.6: the 4K block is fetched (request) and stored (response after it): checked as a
    // store, so a mismatched key faults even with F = 0 and low-address protection applies
    checkCpuAccess(core.cpu, core.mem, addr, 4096, 'store', 'CHSC request block');
    const req = core.mem.read(addr, 16)!;
    const w = (i: number) => ((req[i] << 24) | (req[i + 1] << 16) | (req[i + 2] << 8) | req[i + 3]) >>> 0;
    const len = (req[0] << 8) | req[1];
    const command = (req[2] << 8) | req[3];
    if (len < 16 || len > 4088 || len & 7) throw new ProgramInterruption('operand', `CHSC request length ${len} must be 16..4088 and a multiple of 8 (css §5.6)`);
    const r = chscRequest(core, len, command, w(4), w(8), w(12));
    core.mem.write(addr + len, r.response);
    core.m.emit({ kind: 'instr', name: 'CHSC', sch: 0, cc: 0, detail: `command ${hex(command)} response code ${hex(r.code)} (${CHSC_RC_NAMES[r.code] ?? '?'})` }, 'instruction');
    return { ...r, cc: 0 };
  });
}

/** Read a named field of a stored response (`code`, `path_mask`, `chpid0`, ...). */
function responseTable(command: number): readonly FieldDef[] {
  switch (command) {
    case CHSC_CMD.SSD: return CHSC_SSD_FIELDS;
    case CHSC_CMD.SCPD: return CHSC_SCPD_FIELDS;
    case CHSC_CMD.SEI: return CHSC_SEI_FIELDS;
    case CHSC_CMD.SCSC: return CHSC_SCSC_FIELDS;
    default: return CHSC_RESPONSE_FIELDS;
  }
}

export function chscField(r: ChscResult, name: string): number | undefined {
  const table = r.command === CHSC_CMD.SSD ? CHSC_SSD_FIELD : r.command === CHSC_CMD.SCPD ? CHSC_SCPD_FIELD
    : r.command === CHSC_CMD.SEI ? CHSC_SEI_FIELD : r.command === CHSC_CMD.SCSC ? CHSC_SCSC_FIELD : byName(CHSC_RESPONSE_FIELDS);
  const d = table.get(name);
  if (!d) return undefined;
  const o = d.word * 4;
  const b = r.response;
  const word = o + 3 < b.length ? ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0 : 0;
  return extract(d, word);
}

export function chscFieldNames(command: number): string[] {
  return responseTable(command).map((x) => x.name);
}
