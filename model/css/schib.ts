/**
 * The SCHIB store: 13 words per subchannel for all 65,536 subchannels of subchannel set 0, in
 * ONE Uint32Array (css §1), so a large configuration costs a single allocation and every change
 * is one journal entry (`setElem`). Access by field name goes through the field table.
 */
import type { Machine } from '../engine/machine';
import { SCHIB_WORDS, schibField, extract, insert, checkFits, wordsToBytes, type FieldDef } from './fields';

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
    const d = typeof f === 'string' ? schibField(f) : f;
    return extract(d, this.word(sch, d.word));
  }

  set(sch: number, f: FieldDef | string, value: number): void {
    const d = typeof f === 'string' ? schibField(f) : f;
    checkFits(d, value);
    this.setWord(sch, d.word, insert(d, this.word(sch, d.word), value));
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
    return wordsToBytes(this.view(sch));
  }
}
