/**
 * Path selection for a start function (css §5.5): candidates are the mask bits set in ORB.LPM,
 * PIM and PAM; a candidate whose channel path is not operational is dropped from POM and
 * recorded in PNOM; LPUM records the path used. No candidate left → deferred cc 3.
 */

export interface PathChoice {
  /** Mask bit of the selected path (0x80 >> i), or 0 when none was found. */
  lpum: number;
  /** Candidates found not operational on the way (→ PMCW.PNOM, SCSW.PNO). */
  pnom: number;
  /** The candidate mask before operational checks. */
  candidates: number;
}

/** Does the device of subchannel `sch` respond on path-mask bit index `i`? (CssCore.pathWorks) */
export interface PathProbe {
  pathWorks(sch: number, i: number): boolean;
}

/**
 * [unverified: chosen — paths are tried from mask bit 0x80 downwards and the first operational
 *  one is used; the reference marks the exact PoP sequence unverified (css §12)]
 * `paths.pathWorks(sch, i)` says whether candidate i is operational (an object and the
 * subchannel, not a closure: every SSCH selects a path, issue 12).
 */
export function selectPath(orbLpm: number, pim: number, pam: number, paths: PathProbe, sch: number): PathChoice {
  const candidates = orbLpm & pim & pam & 0xff;
  let pnom = 0;
  for (let i = 0; i < 8; i++) {
    const bit = 0x80 >> i;
    if (!(candidates & bit)) continue;
    if (paths.pathWorks(sch, i)) return { lpum: bit, pnom, candidates };
    pnom |= bit;
  }
  return { lpum: 0, pnom, candidates };
}

/** Path-mask bits for a list of CHPIDs: entry i ↔ bit 0x80 >> i (css §0, §1.1). */
export function maskFor(count: number): number {
  let m = 0;
  for (let i = 0; i < count; i++) m |= 0x80 >> i;
  return m;
}
