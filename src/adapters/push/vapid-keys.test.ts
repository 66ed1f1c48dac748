import { createECDH } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../core/errors.js';
import { ensureVapidKeys } from './vapid-keys.js';

let root: string;
let dir: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'wtp-vapid-'));
  dir = join(root, 'push');
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

/** ensureVapidKeys' error, which must be a CONFIG_INVALID that never shows a private key. */
function refusal(secret?: string): AppError {
  try {
    ensureVapidKeys(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    const e = err as AppError;
    expect(e.code).toBe('CONFIG_INVALID');
    if (secret) expect(JSON.stringify({ m: e.message, d: e.details })).not.toContain(secret);
    return e;
  }
  throw new Error('ensureVapidKeys accepted the file');
}

function writeKeys(text: string, mode = 0o600): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, 'vapid.json'), text, { mode });
  chmodSync(join(dir, 'vapid.json'), mode);
}

describe('ensureVapidKeys', () => {
  it('makes a P-256 pair once (folder 0700, file 0600, no temporary file left) and reads the same back', () => {
    const made = ensureVapidKeys(dir);
    expect(Buffer.from(made.publicKey, 'base64url')).toHaveLength(65);
    expect(Buffer.from(made.privateKey, 'base64url')).toHaveLength(32);
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(Buffer.from(made.privateKey, 'base64url'));
    expect(ecdh.getPublicKey('base64url')).toBe(made.publicKey);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'vapid.json')).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['vapid.json']);
    expect(ensureVapidKeys(dir)).toEqual(made);
    expect(JSON.parse(readFileSync(join(dir, 'vapid.json'), 'utf8'))).toEqual(made);
  });

  it('tightens an existing folder others may enter to 0700', () => {
    ensureVapidKeys(dir);
    chmodSync(dir, 0o755);
    ensureVapidKeys(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('refuses a symbolic link, even to a good key file', () => {
    const made = ensureVapidKeys(dir);
    const real = join(root, 'elsewhere.json');
    writeFileSync(real, JSON.stringify(made), { mode: 0o600 });
    rmSync(join(dir, 'vapid.json'));
    symlinkSync(real, join(dir, 'vapid.json'));
    expect(refusal(made.privateKey).details?.reason).toBe('it is a symbolic link');
  });

  it('refuses a file group or others may read (0644), without showing the key', () => {
    const made = ensureVapidKeys(dir);
    chmodSync(join(dir, 'vapid.json'), 0o644);
    expect(refusal(made.privateKey).message).toMatch(/group or others may read it \(mode 644/);
  });

  it.runIf(process.getuid?.() === 0)('refuses a file another user owns', () => {
    ensureVapidKeys(dir);
    chownSync(join(dir, 'vapid.json'), 65534, 65534);
    expect(refusal().details?.reason).toBe('it belongs to another user');
  });

  it('refuses a file over 16 KiB', () => {
    writeKeys(' '.repeat(16 * 1024 + 1));
    expect(refusal().details?.reason).toBe('it is larger than 16384 bytes');
  });

  it('refuses garbage: not JSON, keys of the wrong size, and two keys that are not a pair', () => {
    writeKeys('{"publicKey": ');
    expect(refusal().details?.reason).toBe('it is not JSON');

    const a = ensureVapidKeys(join(root, 'a'));
    const b = ensureVapidKeys(join(root, 'b'));
    writeKeys(JSON.stringify({ publicKey: a.publicKey, privateKey: a.privateKey.slice(0, 40) }));
    expect(refusal(a.privateKey).message).toMatch(/privateKey: not 32 bytes of base64url/);

    writeKeys(JSON.stringify({ publicKey: a.publicKey, privateKey: b.privateKey }));
    expect(refusal(b.privateKey).message).toMatch(/not a P-256 key pair/);

    const offCurve = Buffer.from(a.publicKey, 'base64url');
    offCurve[40] = (offCurve[40] ?? 0) ^ 1;
    writeKeys(JSON.stringify({ publicKey: offCurve.toString('base64url'), privateKey: a.privateKey }));
    expect(refusal(a.privateKey).message).toMatch(/publicKey: not an uncompressed P-256 point/);

    writeKeys(JSON.stringify({ ...a, extra: 1 }));
    refusal(a.privateKey);
  });
});
