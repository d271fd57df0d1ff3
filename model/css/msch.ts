/**
 * MSCH (css §5.2, §5.3): only the program-modifiable PMCW fields and the MBA change; reserved
 * bits, QF, W and XMWME = 1 are operand exceptions; MBFC = 1 needs a 64-byte aligned MBA.
 * The facade takes the changes by field name instead of a whole SCHIB image.
 */
import type { CssCore } from './context';
import { ProgramInterruption } from './program-interruption';
import { checkFits, extractFromBytes, schibField, SCHIB_BYTES, SCHIB_FIELDS, type FieldDef } from './fields';
import { parseSid, checkOperandAddr } from './instructions';

/**
 * Fields the program may name although MSCH does not copy them: a nonzero value is an operand
 * exception (QEMU `ioinst_schib_valid`: word-1 mask 0xC300, word-6 mask 0xFF1FFFF8, XMWME), and
 * word 1 bit 5 is accepted and stored back as 0 (css §1.1).
 */
const OPERAND_CHECKED = new Set(['pmcw.qf', 'pmcw.w', 'pmcw.res1b', 'pmcw.res6a', 'pmcw.res6b', 'pmcw.xmwme']);
const IGNORED = new Set(['pmcw.res1a']);

/**
 * The fields MSCH reads from a SCHIB image (css §5.3, QEMU `copy_schib_from_guest` /
 * `ioinst_schib_valid` / `css_do_msch`): the program-modifiable ones (INTPARM, ISC, ENA, LM, MME,
 * MP, LPM, MBI, POM, MBFC, CSENSE, MBA), the reserved bits it checks, and word 1 bit 5 (ignored).
 * Everything else — TF, DNV, DEV, PNOM, LPUM, PIM, PAM, the CHPIDs, ST, the SCSW and the MDA — is
 * ignored, whatever the image holds.
 */
export const MSCH_IMAGE_FIELDS: readonly FieldDef[] = SCHIB_FIELDS.filter((d) => d.msch || OPERAND_CHECKED.has(d.name) || IGNORED.has(d.name));

/** The changes an MSCH takes from a 52-byte SCHIB image in guest memory (css §5.3). */
export function mschChangesFromImage(image: Uint8Array): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of MSCH_IMAGE_FIELDS) out[d.name] = extractFromBytes(d, image);
  return out;
}

/**
 * MSCH. `changes` names the fields to set; with `addr` the SCHIB operand is fetched from guest
 * memory instead (52 bytes, word aligned) and `changes` is not used: every program-modifiable
 * field takes the image's value (css §5.1, §5.3).
 */
export function msch(core: CssCore, sid: number, named: Record<string, number>, addr?: number): number {
  return core.m.within('ioinst_handle_msch', () => {
    // QEMU ioinst_handle_msch (css §5.1): the SCHIB address is checked (alignment → specification,
    // then the fetch → access) before the SID and the SCHIB contents (operand exception).
    checkOperandAddr(core, addr, SCHIB_BYTES, 'SCHIB', 'fetch'); // css §11.6 MSCH fetches the SCHIB
    const changes = addr === undefined ? named : mschChangesFromImage(core.mem.read(addr, SCHIB_BYTES)!);
    const { sch, provided } = parseSid(sid);
    const apply: Array<[FieldDef, number]> = [];
    for (const [name, value] of Object.entries(changes)) {
      const d = schibField(name); // throws on unknown names
      checkFits(d, value);
      if (OPERAND_CHECKED.has(name)) {
        if (value !== 0) throw new ProgramInterruption('operand', `MSCH: ${name} = ${value} is not allowed (css §5.3)`);
        continue;
      }
      if (IGNORED.has(name)) continue;
      if (!d.msch) throw new Error(`MSCH cannot change ${name}: not a program-modifiable field (css §5.3: INTPARM, ISC, ENA, LM, MME, MP, LPM, MBI, POM, MBFC, CSENSE, MBA)`);
      apply.push([d, value]);
    }
    {
      // QEMU ioinst_schib_valid checks the SCHIB image before looking the subchannel up (css §5.3),
      // so an unaligned format-1 MBA is an operand exception even for a subchannel that is not
      // provided; the unnamed fields of the image are those STSCH would store (zero if none).
      const known = provided && core.exists(sch);
      const after = (n: string) => (n in changes ? changes[n] : known ? core.schib.get(sch, n) : 0);
      if (after('pmcw.mbfc') === 1 && (after('mba.low') & 0x3f) !== 0) {
        throw new ProgramInterruption('operand', `MSCH: MBFC = 1 with MBA low word 0x${after('mba.low').toString(16)} not 64-byte aligned (css §1, §5.3)`);
      }
    }
    let cc: number;
    if (!provided || !core.exists(sch)) cc = 3;
    else {
      cc = core.m.within('css_do_msch', () => {
        const s = core.schib;
        if (s.get(sch, 'pmcw.dnv') !== 1) return 0; // css §5.2: DNV = 0 → no-op, cc 0
        if (core.statusPending(sch)) return 1;
        if (s.get(sch, 'scsw.fctl') !== 0) return 2;
        const wasEnabled = s.get(sch, 'pmcw.ena') === 1;
        for (const [d, v] of apply) s.set(sch, d, v);
        // QEMU css_do_msch "Has the channel been disabled?": the device's disable_cb (virtio-ccw
        // forgets its revision)
        if (wasEnabled && s.get(sch, 'pmcw.ena') === 0) core.devices.get(sch)?.onDisable();
        return 0;
      });
    }
    const detail = Object.entries(changes).map(([k, v]) => `${k}=0x${v.toString(16)}`).join(' ');
    core.m.emit({ kind: 'instr', name: 'MSCH', sch, cc, detail }, 'instruction');
    return cc;
  });
}
