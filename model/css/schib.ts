/**
 * The SCHIB store: 13 words per subchannel for all 65,536 subchannels of subchannel set 0, in
 * ONE Uint32Array (css §1), so a large configuration costs a single allocation and every change
 * is one journal entry (`setElem`). Access by field name goes through the field table.
 */
import type { Machine } from '../engine/machine';
import { SCHIB_WORDS, SCHIB_FIELDS, schibField, checkFits, fieldMask, fieldMax, fieldShift, type FieldDef } from './fields';

/** A field's position precomputed from the field table (hot path: every SCSW access of every CCW). */
interface Accessor {
  readonly def: FieldDef;
  readonly word: number;
  readonly shift: number;
  /** Mask of the field in its word, unsigned. */
  readonly mask: number;
  readonly max: number;
}

function accessor(def: FieldDef): Accessor {
  return { def, word: def.word, shift: fieldShift(def), mask: fieldMask(def), max: fieldMax(def) };
}

const BY_NAME = new Map<string, Accessor>(SCHIB_FIELDS.map((d) => [d.name, accessor(d)]));
const BY_DEF = new WeakMap<FieldDef, Accessor>(SCHIB_FIELDS.map((d) => [d, BY_NAME.get(d.name)!]));

function access(f: FieldDef | string): Accessor {
  if (typeof f === 'string') return BY_NAME.get(f) ?? accessor(schibField(f));
  let a = BY_DEF.get(f);
  if (!a) BY_DEF.set(f, (a = accessor(f)));
  return a;
}

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
    this.m.journal.setElem(this, 'words', sch * SCHIB_WORDS + i, value >>> 0);
  }

  get(sch: number, f: FieldDef | string): number {
    const a = access(f);
    return ((this.words[sch * SCHIB_WORDS + a.word] >>> a.shift) & a.max) >>> 0;
  }

  set(sch: number, f: FieldDef | string, value: number): void {
    const a = access(f);
    if (!Number.isInteger(value) || value < 0 || value > a.max) checkFits(a.def, value);
    const i = sch * SCHIB_WORDS + a.word;
    this.m.journal.setElem(this, 'words', i, ((this.words[i] & ~a.mask) | ((value << a.shift) & a.mask)) >>> 0);
  }

  /**
   * Word `i` of `sch` with field `f` replaced by `value` (checked as `set` checks it), not stored:
   * several fields of one word built with `put` and stored once with `setWord` are one journal
   * entry instead of one per field (SSCH sets 14 fields of SCSW word 0: issue 12 profile).
   */
  put(i: number, word: number, f: FieldDef | string, value: number): number {
    const a = access(f);
    if (a.word !== i) throw new Error(`internal: ${a.def.name} is not in SCHIB word ${i}`);
    if (!Number.isInteger(value) || value < 0 || value > a.max) checkFits(a.def, value);
    return ((word & ~a.mask) | ((value << a.shift) & a.mask)) >>> 0;
  }

  /** OR bits into a field (e.g. STCTL), journaled. */
  or(sch: number, f: string, bits: number): void {
    this.set(sch, f, this.get(sch, f) | bits);
  }

  /** Clear bits of a field (e.g. ACTL), journaled. */
  clear(sch: number, f: string, bits: number): void {
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
