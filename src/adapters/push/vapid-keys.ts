import { ECDH, createECDH, randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import webpush from 'web-push';
import { z } from 'zod';
import type { AppError } from '../../core/errors.js';
import { appError } from '../../protocol/error-messages.js';

/** The daemon's VAPID key pair (RFC 8292), base64url as `webpush.generateVAPIDKeys()` makes it. */
export interface VapidKeys {
  /** The uncompressed P-256 point (65 bytes): the `applicationServerKey` browsers subscribe with. */
  publicKey: string;
  /** The P-256 private scalar (32 bytes). Never logged. */
  privateKey: string;
}

const FILE = 'vapid.json';
const MAX_BYTES = 16 * 1024;

/**
 * A base64url string (unpadded, canonical) that decodes to exactly `bytes` bytes. Messages never
 * repeat the value: it may be a private key.
 */
export function base64urlBytes(bytes: number): z.ZodType<string> {
  return z
    .string()
    .max(Math.ceil((bytes * 4) / 3))
    .regex(/^[A-Za-z0-9_-]+$/, 'not base64url')
    .refine((s) => {
      const b = Buffer.from(s, 'base64url');
      return b.length === bytes && b.toString('base64url') === s;
    }, `not ${bytes} bytes of base64url`);
}

/** A P-256 public key as an uncompressed point (65 bytes, 0x04 | x | y) on the curve, base64url. */
export const p256PublicKeySchema = base64urlBytes(65).refine((s) => {
  const b = Buffer.from(s, 'base64url');
  if (b[0] !== 0x04) return false;
  try {
    ECDH.convertKey(b, 'prime256v1');
    return true;
  } catch {
    return false;
  }
}, 'not an uncompressed P-256 point');

const vapidFileSchema = z
  .strictObject({ publicKey: p256PublicKeySchema, privateKey: base64urlBytes(32) })
  .refine((k) => publicOf(k.privateKey)?.equals(Buffer.from(k.publicKey, 'base64url')) === true, {
    message: 'the keys are not a P-256 key pair',
  });

/** The public point of a private scalar, or null when it is no P-256 private key. */
function publicOf(privateKey: string): Buffer | null {
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(Buffer.from(privateKey, 'base64url'));
    return ecdh.getPublicKey();
  } catch {
    return null;
  }
}

function refuse(path: string, reason: string): AppError {
  return appError('CONFIG_INVALID', { path, reason, issues: [{ path, message: reason }] });
}

/**
 * The daemon's VAPID keys, kept in `<dir>/vapid.json`: made once (the folder 0700, the file 0600,
 * written atomically), read back ever after, since the browsers' subscriptions are bound to the
 * public key. Refuses (CONFIG_INVALID) a file that is a symbolic link, not a regular file, owned
 * by another user, readable or writable by group or others, over 16 KiB, or not a P-256 key pair.
 */
export function ensureVapidKeys(dir: string): VapidKeys {
  privateDir(dir);
  const path = join(dir, FILE);
  const found = readKeys(path);
  if (found) return found;
  const keys = webpush.generateVAPIDKeys();
  writeNew(dir, path, `${JSON.stringify({ publicKey: keys.publicKey, privateKey: keys.privateKey })}\n`);
  return { publicKey: keys.publicKey, privateKey: keys.privateKey };
}

function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = statSync(dir);
  if (!st.isDirectory()) throw refuse(dir, 'its folder is not a directory');
  if (!ownedByMe(st.uid)) throw refuse(dir, 'its folder belongs to another user');
  if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700); // a folder made before by hand, or by a looser umask
}

function ownedByMe(uid: number): boolean {
  return process.getuid === undefined || uid === process.getuid();
}

/** The keys in `path`, or null when there is no such file. */
function readKeys(path: string): VapidKeys | null {
  let fd: number;
  try {
    // O_NOFOLLOW: a link is refused when opened, not checked before (no window to swap it in).
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP' || code === 'EMLINK') throw refuse(path, 'it is a symbolic link');
    throw err;
  }
  let text: string;
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw refuse(path, 'it is not a regular file');
    if (!ownedByMe(st.uid)) throw refuse(path, 'it belongs to another user');
    if ((st.mode & 0o077) !== 0)
      throw refuse(
        path,
        `group or others may read it (mode ${(st.mode & 0o777).toString(8)}; 600 is needed)`,
      );
    if (st.size > MAX_BYTES) throw refuse(path, `it is larger than ${MAX_BYTES} bytes`);
    const buf = Buffer.alloc(MAX_BYTES + 1);
    let n = 0;
    for (let r; n < buf.length && (r = readSync(fd, buf, n, buf.length - n, null)) > 0;) n += r;
    if (n > MAX_BYTES) throw refuse(path, `it is larger than ${MAX_BYTES} bytes`);
    text = buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw refuse(path, 'it is not JSON');
  }
  const parsed = vapidFileSchema.safeParse(json);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`).join('; ');
    throw refuse(path, `it does not hold a P-256 key pair (${why})`);
  }
  return parsed.data;
}

function writeNew(dir: string, path: string, text: string): void {
  const tmp = join(dir, `.${FILE}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      const buf = Buffer.from(text, 'utf8');
      for (let n = 0; n < buf.length;) n += writeSync(fd, buf, n);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  syncDir(dir);
}

/** Makes the rename durable: a key lost in a crash would orphan every paired phone's subscription. */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // not every platform can fsync a directory; the file itself is synced
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
