/** Growing the engine's typed-array columns (history records, journal entries and runs). */

export type Growable = Uint32Array | Int32Array | Uint8Array | Float64Array;

/** A copy of `a` with room for `cap` elements (cap may be smaller: the first cap are kept). */
export function grow<A extends Growable>(a: A, cap: number): A {
  const b = new (a.constructor as new (n: number) => A)(cap);
  b.set(a.length > cap ? (a.subarray(0, cap) as A) : a);
  return b;
}
