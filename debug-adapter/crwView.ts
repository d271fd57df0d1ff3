/**
 * Decodes a CRW word for the CRW Queues view (css §6.1 layout, RSC/ERC names of css §6.1).
 */
import type { CrwView } from './protocol';

const RSC: Readonly<Record<number, string>> = {
  0x2: 'monitoring facility', 0x3: 'subchannel', 0x4: 'channel path', 0x9: 'configuration-alert facility', 0xb: 'channel subsystem',
};

const ERC: Readonly<Record<number, string>> = {
  0x00: 'event information pending', 0x01: 'available', 0x02: 'initialized', 0x03: 'temporary error',
  0x04: 'installed parameters initialized', 0x05: 'terminal', 0x06: 'permanent error, not initialized',
  0x07: 'permanent error, initialized', 0x08: 'installed parameters modified', 0x0a: 'PIM/PAM/CHPID restored',
};

export function decodeCrw(raw: number): CrwView {
  const w = raw >>> 0;
  const rsc = (w >>> 24) & 0x0f;
  const erc = (w >>> 16) & 0x3f;
  const rsid = w & 0xffff;
  const v: CrwView = {
    raw: w, rsc, erc, rsid,
    sol: (w & 0x40000000) !== 0, oflw: (w & 0x20000000) !== 0, chn: (w & 0x10000000) !== 0, anc: (w & 0x00800000) !== 0,
    decoded: '',
  };
  const flags = [v.sol && 'SOL', v.oflw && 'OFLW', v.chn && 'CHN', v.anc && 'ANC'].filter(Boolean).join(' ');
  v.decoded = `RSC ${rsc} ${RSC[rsc] ?? 'reserved'}, ERC ${erc} ${ERC[erc] ?? 'reserved'}, RSID 0x${rsid.toString(16)}${flags ? ' ' + flags : ''}`;
  return v;
}
