/**
 * The SCHIB store: 13 words per subchannel for all 65,536 subchannels of subchannel set 0, in
 * ONE Uint32Array (css §1), so a large configuration costs a single allocation and every change
 * is one journal entry (`setElem`). Access by field name goes through the field table.
 */
import type { Machine } from '../engine/machine';
import { SCHIB_WORDS, SCHIB_FIELDS, schibField, checkFits, fieldMask, fieldMax, fieldShift, type FieldDef } from './fields';

/**
 * A field's position precomputed from the field table (hot path: every SCSW access of every CCW).
 * The channel and the instructions name their fields through `FIELD` (resolved once, at module
 * load), not by string: no lookup per access (issue 12 profile).
 */
export class SchibAccess {
  readonly word: number;
  readonly shift: number;
  /** Mask of the field in its word, unsigned. */
  readonly mask: number;
  readonly max: number;

  constructor(readonly def: FieldDef) {
    this.word = def.word;
    this.shift = fieldShift(def);
    this.mask = fieldMask(def);
    this.max = fieldMax(def);
  }

  /** The field's value in `word`, a SCHIB word read once for several fields (issue 12). */
  of(word: number): number {
    return ((word >>> this.shift) & this.max) >>> 0;
  }
}

/**
 * `value` is an integer in 0…max (max < 2^32): `x >>> 0 === x` holds exactly for the integers in
 * 0…2^32 − 1, so this is `Number.isInteger(value) && value >= 0 && value <= max` in a form small
 * enough to be inlined into every store (issue 12: every CCW stores its residual count).
 */
const fits = (value: number, max: number): boolean => value >>> 0 === value && value <= max;

/** `put` of a field into a word that does not hold it: a bug of the caller (the message out of line: put stays small). */
function notInWord(a: SchibAccess, i: number): never {
  throw new Error(`internal: ${a.def.name} is not in SCHIB word ${i}`);
}

/** A SCHIB field: its accessor, its table entry, or its name (`scsw.stctl`). */
export type SchibFieldRef = SchibAccess | FieldDef | string;

const BY_NAME = new Map<string, SchibAccess>(SCHIB_FIELDS.map((d) => [d.name, new SchibAccess(d)]));
const BY_DEF = new WeakMap<FieldDef, SchibAccess>(SCHIB_FIELDS.map((d) => [d, BY_NAME.get(d.name)!]));

function access(f: SchibFieldRef): SchibAccess {
  if (f instanceof SchibAccess) return f;
  if (typeof f === 'string') return BY_NAME.get(f) ?? new SchibAccess(schibField(f));
  let a = BY_DEF.get(f);
  if (!a) BY_DEF.set(f, (a = new SchibAccess(f)));
  return a;
}

/** The accessor of a SCHIB field by name; throws on an unknown name. */
export function schibAccess(name: string): SchibAccess {
  return BY_NAME.get(name) ?? new SchibAccess(schibField(name));
}

const at = schibAccess;

/** The PMCW and SCSW fields the instructions and the channel use, by their reference names (css §1.1, §1.3). */
export const FIELD = {
  'pmcw.intparm': at('pmcw.intparm'), 'pmcw.isc': at('pmcw.isc'), 'pmcw.ena': at('pmcw.ena'),
  'pmcw.lm': at('pmcw.lm'), 'pmcw.mme': at('pmcw.mme'), 'pmcw.mp': at('pmcw.mp'), 'pmcw.dnv': at('pmcw.dnv'),
  'pmcw.dev': at('pmcw.dev'), 'pmcw.lpm': at('pmcw.lpm'), 'pmcw.pnom': at('pmcw.pnom'), 'pmcw.lpum': at('pmcw.lpum'),
  'pmcw.pim': at('pmcw.pim'), 'pmcw.mbi': at('pmcw.mbi'), 'pmcw.pom': at('pmcw.pom'), 'pmcw.pam': at('pmcw.pam'),
  'pmcw.st': at('pmcw.st'), 'pmcw.mbfc': at('pmcw.mbfc'), 'pmcw.xmwme': at('pmcw.xmwme'), 'pmcw.csense': at('pmcw.csense'),
  'scsw.key': at('scsw.key'), 'scsw.sctl': at('scsw.sctl'), 'scsw.eswf': at('scsw.eswf'), 'scsw.cc': at('scsw.cc'),
  'scsw.fmt': at('scsw.fmt'), 'scsw.pfch': at('scsw.pfch'), 'scsw.isic': at('scsw.isic'), 'scsw.alcc': at('scsw.alcc'),
  'scsw.ssi': at('scsw.ssi'), 'scsw.zcc': at('scsw.zcc'), 'scsw.ectl': at('scsw.ectl'), 'scsw.pno': at('scsw.pno'),
  'scsw.fctl': at('scsw.fctl'), 'scsw.actl': at('scsw.actl'), 'scsw.stctl': at('scsw.stctl'), 'scsw.cpa': at('scsw.cpa'),
  'scsw.dstat': at('scsw.dstat'), 'scsw.cstat': at('scsw.cstat'), 'scsw.count': at('scsw.count'),
} as const;

/** PMCW.CHPID0–7 by path-mask bit index (css §1.1). */
export const CHPID_FIELDS: readonly SchibAccess[] = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => at(`pmcw.chpid${i}`));

export const MAX_SUBCHANNELS = 0x10000;

export class SchibStore {
  /** All SCHIBs; word i of subchannel s is words[s * 13 + i]. Change only through `setWord`. */
  words = new Uint32Array(MAX_SUBCHANNELS * SCHIB_WORDS);

  constructor(private readonly m: Machine) {}

  /** A view (not a copy) of the 13 words of `sch`. */
  view(sch: number): Uint32Array {
    return this.words.subarray(sch * SCHIB_WORDS, (sch + 1) * SCHIB_WORDS);
  }

  word(sch: number, i: number): number {
    return this.words[sch * SCHIB_WORDS + i];
  }

  setWord(sch: number, i: number, value: number): void {
    this.store(sch * SCHIB_WORDS + i, value >>> 0);
  }

  /**
   * words[i] := value (a uint32, what the array holds), journaled: the journal notes the change
   * and the store is made here with a constant key (issue 12: `setElem`'s keyed access is shared
   * by every layer's arrays).
   */
  private store(i: number, value: number): void {
    const j = this.m.journal;
    // not recording (lean runs): noteElem would only return (every CCW stores its count, issue 12)
    if (j.recording) j.noteElem(this, 'words', i, this.words[i], value);
    this.words[i] = value;
  }

  get(sch: number, f: SchibFieldRef): number {
    const a = f instanceof SchibAccess ? f : access(f); // FIELD's accessors: no call (every CCW)
    return ((this.words[sch * SCHIB_WORDS + a.word] >>> a.shift) & a.max) >>> 0;
  }

  set(sch: number, f: SchibFieldRef, value: number): void {
    this.setField(sch, f instanceof SchibAccess ? f : access(f), value);
  }

  /** `set` of a field by its accessor (the channel's per-CCW store: no name path to inline, issue 12). */
  setField(sch: number, a: SchibAccess, value: number): void {
    if (!fits(value, a.max)) checkFits(a.def, value);
    const i = sch * SCHIB_WORDS + a.word;
    this.store(i, ((this.words[i] & ~a.mask) | ((value << a.shift) & a.mask)) >>> 0);
  }

  /**
   * Word `i` of `sch` with field `f` replaced by `value` (checked as `set` checks it), not stored:
   * several fields of one word built with `put` and stored once with `setWord` are one journal
   * entry instead of one per field (SSCH sets 14 fields of SCSW word 0: issue 12 profile).
   */
  put(i: number, word: number, f: SchibFieldRef, value: number): number {
    const a = f instanceof SchibAccess ? f : access(f);
    if (a.word !== i) notInWord(a, i);
    if (!fits(value, a.max)) checkFits(a.def, value);
    return ((word & ~a.mask) | ((value << a.shift) & a.mask)) >>> 0;
  }

  /** OR bits into a field (e.g. STCTL), journaled. */
  or(sch: number, f: SchibFieldRef, bits: number): void {
    this.set(sch, f, this.get(sch, f) | bits);
  }

  /** Clear bits of a field (e.g. ACTL), journaled. */
  clear(sch: number, f: SchibFieldRef, bits: number): void {
    this.set(sch, f, this.get(sch, f) & ~bits);
  }

  /** The 52-byte big-endian image STSCH stores (css §1). */
  image(sch: number): Uint8Array {
    // straight from the store, no subarray view in between: STSCH in a loop (issue 12 profile)
    const out = new Uint8Array(SCHIB_WORDS * 4);
    const base = sch * SCHIB_WORDS;
    for (let i = 0; i < SCHIB_WORDS; i++) {
      const w = this.words[base + i];
      out[i * 4] = w >>> 24;
      out[i * 4 + 1] = w >>> 16;
      out[i * 4 + 2] = w >>> 8;
      out[i * 4 + 3] = w;
    }
    return out;
  }
}
