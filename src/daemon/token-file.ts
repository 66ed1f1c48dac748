import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { writeFileAtomic } from '../adapters/profiles/json-file.js';

/** Reads the API token, creating it (32 random bytes, hex) with mode 0600 on first use. */
export function ensureToken(file: string): string {
  try {
    const token = readFileSync(file, 'utf8').trim();
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    if (/^[0-9a-f]{64}$/.test(token)) return token;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const token = randomBytes(32).toString('hex');
  writeFileAtomic(file, `${token}\n`, 0o600); // a full disk leaves no empty token file behind
  return token;
}
