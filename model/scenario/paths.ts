/**
 * What names an expression can read (PRODUCT §2 "expectations"): the last condition code and
 * return value, stored IRB/SCHIB images, live subchannel fields, pages, vmstat and memory.
 */
import { resolveVfioPath, VFIO_PATH_HEADS } from './vfioPaths';
import { DEVICE_PATH_HEADS, resolveDevicePath } from './devicePaths';
import type { Runner } from './runner';
import { EvalError, toNumber, type Value } from './evaluate';
import { fieldNames, locateField, scswFieldValid } from './fieldLocator';
import { suggestion } from './diagnostics';
import { ERRNO } from '../linux/mm/errno';
import { CRW_FIELD, CRW_FIELDS } from '../css/crw';
import { extract } from '../css/fields';
import { chscField, chscFieldNames } from '../css/chsc';
import { MB_FIELD_NAMES } from '../css/facilities';
import { CPU_PATH_HEADS, resolveCpuPath } from './cpuPaths';

type Part = { field: string } | { index: number };

export const PATH_HEADS = [
  'cc', 'exception', 'cr6', 'warnings', 'warned', 'notes', 'noted', 'ret', 'errno', 'failures', 'time', 'irb', 'schib', 'sch', 'intcode', 'page', 'vmstat', 'mem', 'pins_held',
  'crw', 'crwq', 'chsc', 'chpid', 'mb', 'cpsw', 'facility', 'valid',
  'locked_vm', 'pinned_vm', 'has_pinned', 'vfio_pfn', 'gup_test',
  'device', 'virtio', 'cio',
  ...CPU_PATH_HEADS,
] as const;

/** Page fields; `mapcount` and `cow_shared` are the fork view (gup §3.3): page_mapcount() and PageAnonExclusive clear. */
export const PAGE_FIELDS = ['pfn', 'refcount', 'pincount', 'maybe_dma_pinned', 'dirty', 'zero_page', 'order', 'mapcount', 'cow_shared', 'pincount_page'] as const;

function fieldPath(parts: Part[], col: number, what: string): string {
  const names = parts.map((p) => ('field' in p ? p.field : undefined));
  // one-word fields (the SCHIB's `mda`) stand alone; the others are GROUP.FIELD
  const single = names.length === 1 && names[0] === 'mda';
  if ((names.length < 2 && !single) || names.some((n) => n === undefined)) throw new EvalError(col, `expected ${what}.GROUP.FIELD, e.g. ${what}.scsw.stctl`);
  return names.join('.');
}

/** Decode field `name` from a big-endian image (SCHIB 52 bytes or IRB 64 bytes). */
function decodeImage(bytes: Uint8Array, image: 'schib' | 'irb', name: string, col: number): bigint {
  const loc = locateField(image, name);
  if (!loc) throw new EvalError(col, `unknown ${image} field '${name}'${suggestion(name, fieldNames(image))}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const word = dv.getUint32(loc.word * 4);
  // IBM numbering: bit 0 is the most significant bit of the word (css §0).
  const shift = 32 - loc.bit - loc.width;
  const mask = loc.width === 32 ? 0xffffffff : (1 << loc.width) - 1;
  return BigInt(((word >>> shift) & mask) >>> 0);
}

function pageField(r: Runner, pfn: number, parts: Part[], col: number): bigint {
  const f = parts[0];
  if (!f || !('field' in f)) throw new EvalError(col, `expected a page field: ${PAGE_FIELDS.join(', ')}`);
  if (f.field === 'pfn') return BigInt(pfn); // also a raw PFN without a struct page (VM_MIXEDMAP)
  const info = r.mm.pageInfo(pfn);
  switch (f.field) {
    case 'refcount': return BigInt(info.refcount);
    case 'pincount': return BigInt(info.pincount ?? 0);
    case 'maybe_dma_pinned': return info.maybeDmaPinned ? 1n : 0n;
    case 'dirty': return info.dirty ? 1n : 0n;
    case 'zero_page': return info.zeroPage || info.kind === 'hugezero' ? 1n : 0n;
    case 'order': return BigInt(info.order);
    case 'mapcount': return BigInt(info.mapcount);
    case 'cow_shared': return info.cowShared ? 1n : 0n;
    // gup §3.2: which struct page of the folio holds the exact counter (1 = page[1], 2 = page[2]; 0 = none, the bias is used)
    case 'pincount_page': return BigInt(info.pincountPage ?? 0);
  }
  throw new EvalError(col, `unknown page field '${f.field}'${suggestion(f.field, PAGE_FIELDS)}`);
}

const CRW_NAMES = ['raw', ...CRW_FIELDS.map((f) => f.name.slice(4))];

/** css §5.6, §6: the last CRW, the machine CRW queue, the last CHSC response, channel paths. */
function cssPath(r: Runner, head: string, args: Value[], parts: Part[], col: number): Value {
  const f = parts[0];
  const name = f && 'field' in f ? f.field : '';
  switch (head) {
    case 'crw': {
      const w = r.state.crw;
      if (w === undefined) throw new EvalError(col, 'no CRW stored yet (run stcrw first)');
      if (name === 'raw') return BigInt(w >>> 0);
      const d = CRW_FIELD.get(`crw.${name}`);
      if (!d) throw new EvalError(col, `expected crw.FIELD: ${CRW_NAMES.join(', ')}${suggestion(name, CRW_NAMES)}`);
      return BigInt(extract(d, w));
    }
    case 'crwq': {
      const q = r.css.crwQueue();
      if (name === 'count') return BigInt(q.crws.length);
      if (name === 'lost') return q.overflow ? 1n : 0n;
      throw new EvalError(col, `expected crwq.count or crwq.lost${suggestion(name, ['count', 'lost'])}`);
    }
    case 'chsc': {
      const res = r.state.chsc;
      if (!res) throw new EvalError(col, 'no CHSC response stored yet (run chsc first)');
      const v = chscField(res, name);
      if (v === undefined) throw new EvalError(col, `unknown CHSC response field '${name}': ${chscFieldNames(res.command).join(', ')}${suggestion(name, chscFieldNames(res.command))}`);
      return BigInt(v);
    }
    case 'chpid': {
      const chpid = Number(toNumber(args[0] ?? -1n, col, 'chpid(0xXX)'));
      const st = r.css.chpidState(chpid);
      if (!st) throw new EvalError(col, `no channel path 0x${chpid.toString(16)} defined`);
      const names = ['configured', 'operational', 'type'];
      if (!names.includes(name)) throw new EvalError(col, `expected chpid(XX).configured, .operational or .type${suggestion(name, names)}`);
      const v = st[name as keyof typeof st];
      return typeof v === 'boolean' ? (v ? 1n : 0n) : BigInt(v);
    }
    default:
      return cssFacilityPath(r, head, args, name, col);
  }
  throw new EvalError(col, `unknown name '${head}'`);
}

/**
 * css §1.3 field validity: `valid(sch(SID).scsw.F)` (live SCHIB), `valid(schib.scsw.F)` (last
 * stsch), `valid(irb.scsw.F)` (last tsch): 1 when the field means something in the SCSW's
 * current state (L-asm scsw_cmd_is_valid_*), else 0. Fields outside the SCSW are always valid.
 */
function validPath(r: Runner, args: Value[], parts: Part[], col: number): bigint {
  const p0 = parts[0];
  const head = p0 && 'field' in p0 ? p0.field : '';
  const rest = parts.slice(1);
  const usage = 'expected valid(sch(SID).scsw.FIELD), valid(schib.scsw.FIELD) or valid(irb.scsw.FIELD)';
  let words: ArrayLike<number>;
  let image: 'schib' | 'irb' = 'schib';
  let scswWord: number | undefined;
  if (head === 'sch') {
    const sch = Number(toNumber(args[0] ?? -1n, col, 'sch(ID)'));
    if (!r.css.hasSubchannel(sch)) throw new EvalError(col, `no subchannel 0.0.${sch.toString(16).padStart(4, '0')}`);
    words = r.css.schibWords(sch);
  } else if (head === 'schib' || head === 'irb') {
    const img = head === 'irb' ? r.state.irb : r.state.schib;
    if (!img) throw new EvalError(col, head === 'irb' ? 'no IRB stored yet (run tsch first)' : 'no SCHIB stored yet (run stsch first)');
    const dv = new DataView(img.buffer, img.byteOffset, img.byteLength);
    const ws: number[] = [];
    for (let i = 0; i + 3 < img.byteLength; i += 4) ws.push(dv.getUint32(i));
    words = ws;
    if (head === 'irb') { image = 'irb'; scswWord = 0; }
  } else throw new EvalError(col, usage);
  const name = fieldPath(rest, col, `valid(${head})`);
  if (!locateField(image, name)) throw new EvalError(col, `unknown ${image} field '${name}'${suggestion(name, fieldNames(image))}`);
  return scswFieldValid(words, name, scswWord) ? 1n : 0n;
}

const FACILITY_NAMES = ['address_limit', 'monitor', 'origin', 'mcsse', 'mss', 'sei_pending'];

/** css §5.1: mb(SID).FIELD (measurement block), cpsw(XX) / cpsw.count (last STCPS), facility.F (SAL, SCHM, SDA, SEI). */
function cssFacilityPath(r: Runner, head: string, args: Value[], name: string, col: number): Value {
  if (head === 'mb') {
    const sch = Number(toNumber(args[0] ?? -1n, col, 'mb(SID)'));
    if (!r.css.hasSubchannel(sch)) throw new EvalError(col, `no subchannel 0.0.${sch.toString(16).padStart(4, '0')}`);
    if (!MB_FIELD_NAMES.includes(name)) throw new EvalError(col, `expected mb(SID).FIELD: ${MB_FIELD_NAMES.join(', ')}${suggestion(name, MB_FIELD_NAMES)}`);
    const v = r.css.measurement(sch, name);
    if (v === undefined) throw new EvalError(col, `no measurement block for 0.0.${sch.toString(16).padStart(4, '0')}: measurement is off (schm on origin ADDR)${name.startsWith('device_busy') || name.startsWith('initial') ? ' or the block is format 0' : ''}`);
    return BigInt(v);
  }
  if (head === 'cpsw') {
    const w = r.state.cpsw;
    if (!w) throw new EvalError(col, 'no channel-path-status word stored yet (run stcps first)');
    if (args.length === 0) {
      if (name !== 'count') throw new EvalError(col, 'expected cpsw(0xXX) or cpsw.count');
      let n = 0;
      for (const b of w) for (let x = b; x; x &= x - 1) n++;
      return BigInt(n);
    }
    const chpid = Number(toNumber(args[0], col, 'cpsw(0xXX)'));
    if (chpid < 0 || chpid > 0xff) throw new EvalError(col, 'a CHPID is 0..0xff');
    return (w[chpid >> 3] & (0x80 >> (chpid & 7))) ? 1n : 0n;
  }
  const f = r.css.facilityState();
  switch (name) {
    case 'address_limit': return BigInt(f.addressLimit);
    case 'monitor': return f.monitor.active ? 1n : 0n;
    case 'origin': return BigInt(f.monitor.origin);
    case 'mcsse': return f.mcsse ? 1n : 0n;
    case 'mss': return f.mss ? 1n : 0n;
    case 'sei_pending': return BigInt(f.seiPending);
  }
  throw new EvalError(col, `expected facility.FIELD: ${FACILITY_NAMES.join(', ')}${suggestion(name, FACILITY_NAMES)}`);
}

/**
 * gup §10, IOU, §8: locked_vm(PROC), pinned_vm(PROC), has_pinned(PROC), vfio_pfn(IOVA).ref_count|pfn,
 * gup_test.size; errno names (EFAULT …) as positive constants (`-EFAULT` is folded by the parser).
 */
function mmPath(r: Runner, head: string, args: Value[], parts: Part[], col: number): Value | undefined {
  const proc = () => {
    const a = args[0];
    const pid = typeof a === 'bigint' ? Number(a) : typeof a === 'string' ? r.processes.get(a) : undefined;
    if (pid === undefined) throw new EvalError(col, `expected ${head}(PROCESS)`);
    return pid;
  };
  switch (head) {
    case 'locked_vm': return BigInt(r.mm.lockedVm(proc()));
    case 'pinned_vm': return BigInt(r.mm.pinnedVm(proc()));
    case 'has_pinned': return r.mm.hasPinned(proc()) ? 1n : 0n;
    case 'vfio_pfn': {
      const iova = toNumber(args[0] ?? -1n, col, 'vfio_pfn(IOVA)');
      const v = r.mm.vfio.vpfn(iova);
      const f = parts[0] && 'field' in parts[0] ? parts[0].field : '';
      if (f === 'ref_count') return BigInt(v?.refCount ?? 0);
      if (f === 'pfn') {
        if (!v) throw new EvalError(col, `iova 0x${iova.toString(16)} is not pinned`);
        return BigInt(v.pfn);
      }
      throw new EvalError(col, `expected vfio_pfn(IOVA).ref_count or .pfn${suggestion(f, ['ref_count', 'pfn'])}`);
    }
    case 'gup_test': {
      const f = parts[0] && 'field' in parts[0] ? parts[0].field : '';
      const l = r.mm.gupTest.last;
      if (f === 'size') return l.size;
      if (f === 'get_delta_usec') return BigInt(l.getDeltaUsec);
      if (f === 'put_delta_usec') return BigInt(l.putDeltaUsec);
      throw new EvalError(col, `expected gup_test.size, .get_delta_usec or .put_delta_usec${suggestion(f, ['size', 'get_delta_usec', 'put_delta_usec'])}`);
    }
  }
  if (parts.length === 0 && args.length === 0 && Object.prototype.hasOwnProperty.call(ERRNO, head)) return BigInt(ERRNO[head as keyof typeof ERRNO]);
  return undefined;
}

export function resolvePath(r: Runner, head: string, args: Value[], parts: Part[], col: number): Value {
  const s = r.state;
  switch (head) {
    // issue 11: no value before the first instruction or after a failed statement
    case 'cc':
      if (s.cc < 0n) throw new EvalError(col, 'cc has no value: no instruction set it, or the last statement failed');
      return s.cc;
    case 'exception': return s.exception;
    // issue 11: kernel/QEMU warnings and the model's own notes are counted apart
    case 'warnings': return BigInt(r.warnings.length);
    case 'notes': return BigInt(r.notes.length);
    case 'warned':
    case 'noted': {
      if (typeof args[0] !== 'string') throw new EvalError(col, `expected ${head}("TEXT"): how many ${head === 'warned' ? 'warnings' : 'notes'} contain TEXT`);
      const text = args[0];
      return BigInt((head === 'warned' ? r.warnings : r.notes).filter((w) => w.includes(text)).length);
    }
    case 'cr6': return BigInt((r.vfio ? r.vfio.qemu.core.irq : r.css.core.irq).cr.cr6);
    case 'ret':
    case 'errno':
      if (!s.retValid) throw new EvalError(col, `${head} has no value: no statement returned one, or the last statement failed`);
      return head === 'ret' ? s.ret : s.ret < 0n ? -s.ret : 0n;
    case 'failures': return BigInt(s.failures);
    case 'time': return BigInt(r.m.state.time);
    case 'pins_held': return BigInt(r.mm.pinsHeld());
    case 'irb':
    case 'schib': {
      const img = head === 'irb' ? s.irb : s.schib;
      if (!img) throw new EvalError(col, head === 'irb' ? 'irb has no value: no IRB stored (run tsch first; a failed statement or a TSCH with cc 3 stores none)' : 'schib has no value: no SCHIB stored (run stsch first; STSCH cc 3 stores none)');
      return decodeImage(img, head, fieldPath(parts, col, head), col);
    }
    case 'sch': {
      const sch = Number(toNumber(args[0] ?? -1n, col, 'sch(ID)'));
      if (!r.css.hasSubchannel(sch)) throw new EvalError(col, `no subchannel 0.0.${sch.toString(16).padStart(4, '0')}`);
      return BigInt(r.css.field(sch, fieldPath(parts, col, 'sch(ID)')));
    }
    case 'valid': return validPath(r, args, parts, col);
    case 'intcode': {
      const ic = s.intcode;
      const f = parts[0];
      if (!ic) throw new EvalError(col, 'no interruption code stored yet (run tpi first)');
      if (!f || !('field' in f) || !(f.field in ic)) throw new EvalError(col, 'expected intcode.sid, intcode.intparm or intcode.iid');
      return BigInt(ic[f.field as keyof typeof ic]);
    }
    case 'crw': case 'crwq': case 'chsc': case 'chpid': case 'mb': case 'cpsw': case 'facility':
      return cssPath(r, head, args, parts, col);
    case 'page': {
      if (args.length !== 2 || typeof args[0] !== 'bigint' && typeof args[0] !== 'string') throw new EvalError(col, 'expected page(PROCESS, ADDRESS)');
      const addr = toNumber(args[1], col, 'the page address');
      const pid = typeof args[0] === 'bigint' ? Number(args[0]) : undefined;
      const procPid = pid ?? r.processes.get(String(args[0]));
      if (procPid === undefined) throw new EvalError(col, `unknown process '${String(args[0])}'`);
      const pfn = r.mm.pageAt(procPid, addr);
      if (pfn === undefined) throw new EvalError(col, `no page mapped at 0x${addr.toString(16)} (not faulted in)`);
      return pageField(r, pfn, parts, col);
    }
    case 'vmstat': {
      const f = parts[0];
      const names = Object.keys(r.mm.vmstat);
      if (!f || !('field' in f) || !names.includes(f.field)) {
        throw new EvalError(col, `expected vmstat.NAME: ${names.join(', ')}${f && 'field' in f ? suggestion(f.field, names) : ''}`);
      }
      return BigInt(r.mm.vmstat[f.field as keyof typeof r.mm.vmstat]);
    }
    case 'mem': {
      const addr = Number(toNumber(args[0] ?? -1n, col, 'mem(ADDRESS, LENGTH)'));
      const len = Number(toNumber(args[1] ?? 1n, col, 'the length'));
      const bytes = r.mem.read(addr, len);
      if (!bytes) throw new EvalError(col, `mem(0x${addr.toString(16)}, ${len}) is outside guest memory`);
      return bytes;
    }
  }
  const dv = resolveDevicePath(r, head, args, parts, col);
  if (dv !== undefined) return dv;
  const cpuv = resolveCpuPath(r, head, args, parts, col);
  if (cpuv !== undefined) return cpuv;
  const mmv = mmPath(r, head, args, parts, col);
  if (mmv !== undefined) return mmv;
  const vfioValue = resolveVfioPath(r, head, args, parts, col);
  if (vfioValue !== undefined) return vfioValue;
  const bound = r.bindings.get(head);
  if (bound) {
    const p = parts[0];
    if (p && 'field' in p && p.field === 'count') return BigInt(bound.length);
    if (p && 'index' in p) {
      if (p.index >= bound.length) throw new EvalError(col, `${head}[${p.index}]: only ${bound.length} pages are bound`);
      return pageField(r, bound[p.index], parts.slice(1), col);
    }
    throw new EvalError(col, `expected ${head}.count or ${head}[i].FIELD`);
  }
  if (r.processes.has(head) && parts.length === 0) return head;
  throw new EvalError(col, `unknown name '${head}'${suggestion(head, [...PATH_HEADS, ...VFIO_PATH_HEADS, ...DEVICE_PATH_HEADS, ...r.bindings.keys(), ...r.processes.keys()])}`);
}
