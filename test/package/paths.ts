/** Where the package tests find the build: the repository root, seen from out/test/package/. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..', '..');

/** A build output the test needs, with the command that makes it when it is missing. */
export function built(relative: string, command: string): string {
  const file = path.join(REPO, relative);
  if (!fs.existsSync(file)) throw new Error(`${relative} is missing: run \`${command}\` first`);
  return file;
}
