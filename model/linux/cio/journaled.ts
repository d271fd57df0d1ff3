/**
 * Journaled stores that record only what changes, for the vfio-ccw stack's fixed-size byte
 * structs (the region structs and the IRB of `vfio_ccw_private`, css §8.1; the host's cached
 * SCHIB, css §8.1 `cio_update_schib`; QEMU's saved ESW and sense, css §10.4) and its small
 * records (ORBs, css §2). Issue 12: a vfio-ccw cycle used to copy each struct and journal the
 * copy, though from one I/O to the next almost none of their bytes change.
 *
 * A struct is immutable while the journal records: a change stores a new copy through one journal
 * entry, the old one stays with the entry for stepping back (and may be referenced elsewhere). A
 * store that changes nothing records nothing. Headless (lean) runs keep no entries, so there the
 * struct is changed in place (what the journal's setElemIn does when it does not record). Both
 * give the same bytes.
 */
import type { Machine } from '../../engine/machine';
import type { OrbFields } from '../../css/orb';

/** `owner[field][at + i] = src[from + i]` for i < len (a memcpy into the struct). */
export function storeBytes<T extends object, K extends keyof T & string>(m: Machine, owner: T, field: K, at: number, src: ArrayLike<number>, from = 0, len = src.length - from): void {
  const dst = owner[field] as unknown as Uint8Array;
  if (!m.journal.recording) {
    // lean runs: setElemIn would only store (as GuestMemory.write); a whole byte array is one
    // copy (issue 12: the io region is written whole by every SSCH and every interrupt)
    if (from === 0 && len === src.length && src instanceof Uint8Array) dst.set(src, at);
    else for (let k = 0; k < len; k++) dst[at + k] = src[from + k] & 0xff;
    return;
  }
  let i = 0;
  while (i < len && dst[at + i] === (src[from + i] & 0xff)) i++;
  if (i === len) return; // nothing changes
  const next = dst.slice();
  for (; i < len; i++) next[at + i] = src[from + i];
  m.journal.set(owner, field, next as unknown as T[K]);
}

const WORD = new Uint8Array(4);

/** A big-endian word stored into the struct (ret_code fields, SCSW words). */
export function storeU32<T extends object, K extends keyof T & string>(m: Machine, owner: T, field: K, at: number, v: number): void {
  WORD[0] = v >>> 24;
  WORD[1] = v >>> 16;
  WORD[2] = v >>> 8;
  WORD[3] = v;
  storeBytes(m, owner, field, at, WORD, 0, 4);
}

/**
 * Do two ORBs hold the same fields (css §2: every field of ORB_FIELDS, and the reserved bits)?
 * Named reads, one per field (a loop over key names made every read a megamorphic keyed load:
 * issue 12 profile); test/unit/vfio/journaled.test.ts checks each ORB field is compared.
 */
export function sameOrb(a: Readonly<OrbFields> | undefined, b: Readonly<OrbFields>): boolean {
  if (a === undefined) return false;
  return a === b || (
    a.intparm === b.intparm && a.key === b.key && a.spnd === b.spnd && a.str === b.str && a.mod === b.mod &&
    a.sync === b.sync && a.fmt === b.fmt && a.pfch === b.pfch && a.isic === b.isic && a.alcc === b.alcc &&
    a.ssic === b.ssic && a.b === b.b && a.c64 === b.c64 && a.i2k === b.i2k && a.lpm === b.lpm && a.ils === b.ils &&
    a.midaw === b.midaw && a.orbx === b.orbx && a.cpa === b.cpa && a.reserved === b.reserved);
}
