/**
 * Reads fields of stored SCHIB and IRB images by the names the reference uses, from the css
 * field tables (one table, many readers), and applies the SCSW field-validity rules of css §1.3
 * so the UI can mark fields that mean nothing in the current state.
 */
import { SCHIB_FIELDS, SCSW_FIELDS, SCSW_WORD, extract, placeAt, type FieldDef } from '../css/fields';
import { IRB_FIELDS } from '../css/irb';

export type FieldLoc = FieldDef;

const IRB_SCSW = placeAt(SCSW_FIELDS, 0);
const IRB_BY_NAME = new Map(IRB_SCSW.map((f) => [f.name, f]));
/** css §4: expressions also read the ESW (`irb.esw.*`, `irb.erw.*`) and ECW (`irb.ecw.wN`) words. */
const IRB_ALL = new Map(IRB_FIELDS.map((f) => [f.name, f]));
const SCHIB_BY_NAME = new Map(SCHIB_FIELDS.map((f) => [f.name, f]));

export function schibFieldTable(): readonly FieldDef[] {
  return SCHIB_FIELDS;
}

export function locateField(image: 'schib' | 'irb', name: string): FieldDef | undefined {
  return (image === 'irb' ? IRB_ALL : SCHIB_BY_NAME).get(name);
}

export function fieldNames(image: 'schib' | 'irb'): string[] {
  return [...(image === 'irb' ? IRB_BY_NAME : SCHIB_BY_NAME).keys()];
}

/**
 * css §1.3 validity of SCSW fields, from SCSW word 0 (`words[SCSW_WORD]` of a SCHIB).
 * Fields outside the SCSW are always valid.
 */
export function scswFieldValid(words: ArrayLike<number>, name: string, scswWord = SCSW_WORD): boolean {
  if (!name.startsWith('scsw.')) return true;
  const w0 = words[scswWord] >>> 0;
  const fctl = (w0 >>> 12) & 7;
  const actl = (w0 >>> 5) & 0x7f;
  const stctl = w0 & 0x1f;
  const start = (fctl & 4) !== 0;
  const pending = (stctl & 1) !== 0;
  const intermediate = (stctl & 8) !== 0;
  const alert = (stctl & 0x10) !== 0;
  const cc = (w0 >>> 24) & 3;
  switch (name) {
    case 'scsw.key': case 'scsw.sctl': case 'scsw.fmt': case 'scsw.pfch': case 'scsw.isic': case 'scsw.alcc': case 'scsw.ssi':
      return start;
    case 'scsw.eswf': return pending;
    case 'scsw.cc': return start && pending;
    case 'scsw.zcc': return start && intermediate;
    case 'scsw.ectl': return pending && !intermediate && alert;
    case 'scsw.pno': return fctl !== 0 && pending && (!intermediate || (actl & 1) !== 0);
    case 'scsw.dstat': case 'scsw.cstat': return pending && cc !== 3;
    default: return true;
  }
}

export interface ImageGroup {
  name: string;
  words: number[];
  fields: Array<FieldDef & { value: number; valid: boolean }>;
}

/** Decode a stored image into its groups (SCHIB: PMCW/SCSW/MBA/MDA; IRB: SCSW). */
export function imageFields(bytes: Uint8Array, image: 'schib' | 'irb'): ImageGroup[] {
  const words: number[] = [];
  for (let i = 0; i + 3 < bytes.length; i += 4) words.push(((bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]) >>> 0);
  const table = image === 'irb' ? IRB_SCSW : SCHIB_FIELDS;
  const scswWord = image === 'irb' ? 0 : SCSW_WORD;
  const groups = new Map<string, ImageGroup>();
  for (const f of table) {
    const g = f.name.split('.')[0].toUpperCase();
    let grp = groups.get(g);
    if (!grp) groups.set(g, (grp = { name: g, words: [], fields: [] }));
    grp.fields.push({ ...f, value: extract(f, words[f.word] ?? 0), valid: scswFieldValid(words, f.name, scswWord) });
  }
  for (const grp of groups.values()) {
    const ws = [...new Set(grp.fields.map((f) => f.word))].sort((a, b) => a - b);
    grp.words = ws.map((w) => words[w] ?? 0);
  }
  return [...groups.values()];
}
