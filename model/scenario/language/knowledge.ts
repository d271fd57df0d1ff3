/**
 * What the editor features know about names, built from the model's own tables (STYLE §2 "one
 * table, many readers"): statements, SCHIB/SCSW/ORB/CRW field tables, FOLL_* flags, CCW commands
 * and flags, expression path heads, page fields and vmstat counters. Nothing here is a copy of
 * a table; a statement or field added to a table appears in completion and hover by itself.
 */
import { STATEMENT_BY_NAME, CCW_COMMANDS, CCW_FLAGS, MSCH_FIELDS } from '../statements';
import { PATH_HEADS, PAGE_FIELDS } from '../paths';
import { fieldNames, locateField } from '../fieldLocator';
import { SCHIB_FIELD, type FieldDef } from '../../css/fields';
import { ORB_FIELD } from '../../css/orb';
import { CRW_FIELDS } from '../../css/crw';
import { CCW_FLAG_BITS, commandClass } from '../../css/ccw';
import { FOLL_FLAGS, FOLL_FLAGS_REMOVED } from '../../linux/mm/foll';
import { NODE_STAT_INDEX } from '../../linux/mm/vmstat';
import type { Runner } from '../runner';

/** `intcode.*` (from the last `tpi`): typed against the runner's state, so a new member breaks the build here. */
export const INTCODE_FIELDS: Readonly<Record<keyof NonNullable<Runner['state']['intcode']>, string>> = {
  sid: 'subchannel id of the interruption (css §5.4)',
  intparm: 'interruption parameter (css §5.4)',
  iid: 'interruption identification word: ISC (css §5.4)',
};

/** Page fields (paths.ts PAGE_FIELDS) and their meaning, keyed by the table itself. */
export const PAGE_FIELD_DOC: Readonly<Record<(typeof PAGE_FIELDS)[number], string>> = {
  pfn: 'page frame number',
  refcount: 'page refcount (a FOLL_PIN adds GUP_PIN_COUNTING_BIAS = 1024 to small pages, gup §1)',
  pincount: 'folio pincount: the exact FOLL_PIN count where the kernel keeps one (gup §1)',
  maybe_dma_pinned: 'folio_maybe_dma_pinned(): refcount ≥ bias or pincount > 0 (gup §1)',
  dirty: 'page dirty flag (set by unpin_user_pages_dirty_lock, gup §6)',
  zero_page: 'the shared zero page (anonymous read fault, gup §3.1)',
  order: 'folio order (0 = small page)',
  mapcount: 'page_mapcount(): how many page tables map the page (fork shares anon pages copy-on-write, gup §3.3)',
  cow_shared: '1 when the anon page is shared copy-on-write after fork (not exclusive), gup §3.3',
  pincount_page: 'which struct page of the folio holds the exact pin counter: 2 = page[2] (E2 hpage_pinned_refcount, E5 32-bit), 1 = page[1] (E3+); 0 = none (bias), gup §3.2',
};

const KEY_FIELD_DOC: Record<string, string> = {
  acc: 'access-control bits 0–3 (compared with the access key), css §11.1', fetch: 'F: fetch protection (1 = fetches are key-checked too), css §11.1',
  ref: 'R: reference bit, css §11.1', change: 'C: change bit, css §11.1',
};
const PSW_FIELD_DOC: Record<string, string> = {
  key: 'PSW key, bits 8–11: the access key of CPU storage accesses, css §11.3', problem_state: 'PSW bit 15: 1 = problem state (privileged instructions → 0x02), css §11.3',
};

const HEAD_DOC: Record<string, string> = {
  pic: 'the program-interruption code of the last statement (0x02 privileged operation, 0x04 protection, 0x05 addressing, 0x06 specification, 0x15 operand; 0 when none), css §11.3',
  psw: 'psw.key (PSW key, bits 8–11) and psw.problem_state (PSW bit 15) of the guest CPU, css §11.3',
  cr0: "the guest's control register 0 (bit 35 = 0x10000000 low-address protection, 0x02000000 fetch-protection override, 0x01000000 storage-protection override), css §11.3",
  skey: 'the key byte the last iske inserted (ACC 0xF0, F 0x08, R 0x04, C 0x02); .acc .fetch .ref .change, css §11.1',
  storage_key: 'storage_key(ADDR): the key of the frame holding ADDR now; .acc .fetch .ref .change, css §11.1',
  cc: 'the last condition code (css §5.2)', warnings: 'how many warnings the model printed so far (WARN, bad page, RLIMIT_MEMLOCK …)', warned: 'warned("TEXT"): how many warnings contain TEXT', cr6: "the guest's control register 6 (I/O-interruption subclass mask in bits 0-7, css §5.4)", exception: 'the program exception of the last statement ("operand", "specification", …; "" when none), css §5.1', ret: 'the last return value (page count or -errno)',
  errno: '-ret when ret is negative', failures: 'failed expects so far', time: 'virtual time',
  device: 'device(SID).FIELD: the machine device of a subchannel — type ("echo", "virtio-net", …) and its SENSE ID identity cu_type, cu_model, dev_type, dev_model (css §3.3)',
  virtio: 'virtio(SID).FIELD: a virtio-ccw device — revision (-1 before negotiation), status, device_id, host_features, guest_features, indicators, conf_indicators, summary_indicator, thinint, queues, vq[N].num|num_max|desc',
  cio: "cio.subchannels, cio(SID).registered|driver: the host's registered subchannels (vfio topology, css §6.4, §8.3)",
  irb: 'the IRB stored by the last tsch (irb.scsw.FIELD)', schib: 'the SCHIB stored by the last stsch (schib.pmcw.FIELD, schib.scsw.FIELD)',
  sch: 'sch(SID).GROUP.FIELD: the live SCHIB field of a subchannel', valid: 'valid(sch(SID).scsw.FIELD), valid(schib.scsw.FIELD), valid(irb.scsw.FIELD): 1 when the SCSW field is valid in the current state (css §1.3), else 0', intcode: 'the interruption code stored by the last tpi',
  page: 'page(PROCESS, ADDRESS).FIELD', vmstat: '/proc/vmstat FOLL_PIN counters (gup §4)', mem: 'mem(ADDRESS, LENGTH): guest bytes',
  pins_held: 'FOLL_PIN references outstanding',
};

export interface Named {
  name: string;
  detail: string;
  doc: string;
}

export function statementDoc(name: string): Named | undefined {
  const s = STATEMENT_BY_NAME.get(name);
  return s && { name, detail: s.syntax, doc: `${s.help} (${s.ref})` };
}

export function fieldDoc(f: FieldDef, shown = f.name): string {
  const hi = f.bit;
  const lo = f.bit + f.width - 1;
  const bits = f.width === 1 ? `bit ${hi}` : `bits ${hi}–${lo}`;
  return `**${shown}** — word ${f.word}, ${bits} (${f.width} bit${f.width === 1 ? '' : 's'})${f.msch ? ', MSCH-modifiable' : ''}\n\n${f.meaning} (${f.ref})`;
}

export function follDoc(name: string): string | undefined {
  const f = FOLL_FLAGS[name];
  if (f) {
    const old = f.old === undefined ? 'not verified' : `0x${f.old.toString(16)}`;
    return `**${name}** — ${f.doc}\n\n| era | value |\n| --- | --- |\n| E1–E3 (≤ 6.2, \`#define\`) | ${old} |\n| E4–E5 (6.3+, enum bit) | 0x${f.e5.toString(16)} |\n\n` +
      `${f.since ? `since ${f.since}; ` : ''}${f.internal ? 'internal to mm/ from 6.3: rejected from callers (gup §2.3)' : 'caller-visible'} (gup §2.2)`;
  }
  const r = FOLL_FLAGS_REMOVED[name];
  return r && `**${name}** — old value 0x${r.old.toString(16)}, removed in ${r.until} (gup §2.2); not accepted by the model`;
}

export function ccwCommandDoc(name: string): string | undefined {
  const code = CCW_COMMANDS[name];
  if (code === undefined) return undefined;
  return `**${name}** — command code 0x${code.toString(16).padStart(2, '0')}, class ${commandClass(code)} (css §3.3)`;
}

export function ccwCodeDoc(code: number): string {
  const names = Object.entries(CCW_COMMANDS).filter(([, v]) => v === code).map(([k]) => k);
  return `command code 0x${code.toString(16).padStart(2, '0')}${names.length ? ` (${names.join(', ')})` : ''}, class ${commandClass(code)} (css §3.3)`;
}

export function ccwFlagDoc(name: string): string | undefined {
  const mask = CCW_FLAGS[name];
  if (mask === undefined) return undefined;
  const b = CCW_FLAG_BITS.find((x) => x.name === name);
  return `**${name}** — CCW flag 0x${mask.toString(16).padStart(2, '0')}${b ? `: ${b.meaning}` : ''} (css §3.2)`;
}

export function orbFieldDoc(name: string): string | undefined {
  const f = ORB_FIELD.get(`orb.${name}`);
  return f && fieldDoc(f, `ORB.${name}`);
}

export function mschFieldDoc(name: string): string | undefined {
  if (!(MSCH_FIELDS as readonly string[]).includes(name)) return undefined;
  const f = SCHIB_FIELD.get(`pmcw.${name}`) ?? (name === 'mba' ? SCHIB_FIELD.get('mba.low') : undefined);
  return f ? fieldDoc(f, `PMCW.${name}`) : `**${name}** — program-modifiable PMCW field (css §5.3)`;
}

/** The image a path head reads, for its dotted field names. */
function imageOf(head: string): 'irb' | 'schib' | undefined {
  if (head === 'irb') return 'irb';
  if (head === 'schib' || head === 'sch') return 'schib';
  return undefined;
}

/**
 * Children of a path: `irb` → `scsw`; `irb.scsw` → its fields; `page(..)` / `bufs[i]` → page
 * fields; `vmstat` → counters. `bindings` are names bound by `-> NAME`.
 */
export function pathChildren(head: string, parts: string[], indexed: boolean, bindings: ReadonlySet<string>): Named[] {
  const img = imageOf(head);
  if (img) {
    const prefix = parts.length ? parts.join('.') + '.' : '';
    const out = new Map<string, Named>();
    for (const full of fieldNames(img)) {
      if (!full.startsWith(prefix)) continue;
      const rest = full.slice(prefix.length).split('.');
      const name = rest[0];
      if (out.has(name)) continue;
      const f = rest.length === 1 ? locateField(img, full) : undefined;
      out.set(name, f ? { name, detail: `${full} [${f.width} bit${f.width === 1 ? '' : 's'}]`, doc: fieldDoc(f, `${head}.${full}`) } : { name, detail: `${head}.${prefix}${name}`, doc: `field group ${name.toUpperCase()}` });
    }
    return [...out.values()];
  }
  if (parts.length > 0) return [];
  if (head === 'page' || (bindings.has(head) && indexed)) {
    return PAGE_FIELDS.map((name) => ({ name, detail: 'page field', doc: PAGE_FIELD_DOC[name] }));
  }
  if (bindings.has(head)) return [{ name: 'count', detail: 'number of pages bound', doc: `how many pages ${head} holds` }];
  if (head === 'vmstat') return Object.keys(NODE_STAT_INDEX).map((name) => ({ name, detail: 'vmstat counter', doc: `/proc/vmstat ${name} (gup §4)` }));
  if (head === 'intcode') return Object.entries(INTCODE_FIELDS).map(([name, doc]) => ({ name, detail: 'interruption code', doc }));
  // css §11.1, §11.3: storage-key fields and the PSW fields
  if (head === 'skey' || head === 'storage_key') return Object.entries(KEY_FIELD_DOC).map(([name, doc]) => ({ name, detail: 'storage-key field', doc }));
  if (head === 'psw') return Object.entries(PSW_FIELD_DOC).map(([name, doc]) => ({ name, detail: 'PSW field', doc }));
  return [];
}

/** Path heads `expect` can read (paths.ts PATH_HEADS), with bound names. */
export function pathHeads(bindings: Iterable<string>): Named[] {
  return [
    ...PATH_HEADS.map((name) => ({ name, detail: 'value', doc: HEAD_DOC[name] ?? name })),
    ...[...bindings].map((name) => ({ name, detail: 'bound pages', doc: `${name}.count, ${name}[i].FIELD` })),
  ];
}

/** Hover text for a field path segment, e.g. (`irb`, [`scsw`, `dstat`]). */
export function pathDoc(head: string, parts: string[], indexed: boolean, bindings: ReadonlySet<string>): string | undefined {
  if (parts.length === 0) {
    if (HEAD_DOC[head]) return `**${head}** — ${HEAD_DOC[head]}`;
    if (bindings.has(head)) return `**${head}** — pages bound by \`-> ${head}\``;
    return undefined;
  }
  const last = parts[parts.length - 1];
  const img = imageOf(head);
  if (img) {
    const f = locateField(img, parts.join('.'));
    return f ? fieldDoc(f, `${head}.${parts.join('.')}`) : `field group **${parts.join('.')}** of the ${img.toUpperCase()}`;
  }
  const kids = pathChildren(head, parts.slice(0, -1), indexed, bindings);
  const k = kids.find((x) => x.name === last);
  return k && `**${head}${indexed ? '[i]' : ''}.${last}** — ${k.doc}`;
}

export const CRW_FIELD_NAMES = CRW_FIELDS.map((f) => f.name);
