import { randomBytes } from 'node:crypto';
import type { IdGenerator } from '../../core/ports/daemon.js';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

/** `<prefix>-` + 10 random base32 characters (50 bits). */
export const randomIds: IdGenerator = {
  next(prefix: string): string {
    const bytes = randomBytes(10);
    let out = '';
    for (const b of bytes) out += ALPHABET[b & 31];
    return `${prefix}-${out}`;
  },
};
