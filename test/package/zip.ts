/**
 * The entry names and sizes of a ZIP archive (a VSIX), read from its central directory (PKWARE
 * APPNOTE 4.3.12 / 4.3.16), so the package tests need no unzip tool or library.
 */
import * as fs from 'node:fs';

export interface ZipEntry {
  name: string;
  compressedSize: number;
  size: number;
}

const EOCD_SIGNATURE = 0x06054b50; // end of central directory record
const CDH_SIGNATURE = 0x02014b50; // central directory file header

export function zipEntries(file: string): ZipEntry[] {
  const buf = fs.readFileSync(file);
  // The EOCD record is 22 bytes plus a comment of at most 65,535 bytes, at the very end.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${file}: not a ZIP archive (no end of central directory record)`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== CDH_SIGNATURE) throw new Error(`${file}: bad central directory header at ${p}`);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    entries.push({
      name: buf.toString('utf8', p + 46, p + 46 + nameLen),
      compressedSize: buf.readUInt32LE(p + 20),
      size: buf.readUInt32LE(p + 24),
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}
