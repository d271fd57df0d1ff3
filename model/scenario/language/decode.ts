/**
 * Decoding numbers for hovers: a value compared with (or assigned to) a status field is shown
 * as its bit names (`0x0c` after `dstat ==` → CE|DE), a CRW word as RSC/ERC/RSID, any other
 * number in hex, decimal and binary. The bit tables are the model's (css/status.ts, css/crw.ts).
 */
import { ACTL_BITS, CSTAT_BITS, DSTAT_BITS, FCTL_BITS, STCTL_BITS, SENSE0_BITS, DSTAT, CSTAT, type BitName } from '../../css/status';
import { CCW_FLAG_BITS } from '../../css/ccw';
import { decodeCrwWord, ERC, RSC } from '../../css/crw';

/** Short architecture names for status bits (css §4), from the constant tables. */
const SHORT: ReadonlyMap<readonly BitName[], Readonly<Record<string, number>>> = new Map<readonly BitName[], Readonly<Record<string, number>>>([
  [DSTAT_BITS, DSTAT],
  [CSTAT_BITS, CSTAT],
]);

/** Which bit table decodes a field, by the field's last name (`irb.scsw.dstat` → dstat). */
export const BIT_TABLES: Readonly<Record<string, readonly BitName[]>> = {
  dstat: DSTAT_BITS, cstat: CSTAT_BITS, stctl: STCTL_BITS, actl: ACTL_BITS, fctl: FCTL_BITS, flags: CCW_FLAG_BITS, sense0: SENSE0_BITS,
};

export function radixLine(v: bigint): string {
  const neg = v < 0n;
  const a = neg ? -v : v;
  return `${neg ? '-' : ''}0x${a.toString(16)} = ${v.toString()} = ${neg ? '-' : ''}0b${a.toString(2)}`;
}

/** `0x0c` with the dstat table → `CE|DE (channel end, device end)`. */
export function decodeBits(table: readonly BitName[], value: number): string {
  const set = table.filter((b) => (value & b.mask) !== 0);
  const short = SHORT.get(table);
  const nameOf = (b: BitName) => (short ? Object.keys(short).find((k) => short[k] === b.mask) ?? b.name : b.name);
  const unknown = value & ~table.reduce((m, b) => m | b.mask, 0);
  const names = set.map(nameOf);
  if (unknown) names.push(`0x${unknown.toString(16)}?`);
  return set.length || unknown ? `${names.join('|')} (${set.map((b) => b.meaning).join(', ')})` : 'no bits set';
}

const keyOf = (o: Readonly<Record<string, number>>, v: number) => Object.keys(o).find((k) => o[k] === v);

/** A CRW word (css §6.1) decoded into its fields. */
export function decodeCrw(word: number): string {
  const c = decodeCrwWord(word >>> 0);
  const flags = [c.sol && 'SOL', c.oflw && 'OFLW', c.chn && 'CHN', c.anc && 'ANC'].filter(Boolean).join('|') || 'none';
  return `CRW 0x${(word >>> 0).toString(16).padStart(8, '0')}: RSC 0x${c.rsc.toString(16)} (${keyOf(RSC, c.rsc) ?? 'unknown'}), ` +
    `ERC 0x${c.erc.toString(16).padStart(2, '0')} (${keyOf(ERC, c.erc) ?? 'unknown'}), RSID 0x${c.rsid.toString(16).padStart(4, '0')}, flags ${flags} (css §6.1)`;
}
