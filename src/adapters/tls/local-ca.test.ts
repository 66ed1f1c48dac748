import { X509Certificate } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type ConnectionOptions } from 'node:tls';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../core/errors.js';
import { signServerCert, type PemPair } from './cert-builder.js';
import { caMayVouchFor, ensureLocalCa, ensureServerCert, type CertPair } from './local-ca.js';
import { parseHost, type CertHost } from './private-names.js';

const DAY_MS = 86_400_000;
const root = mkdtempSync(join(tmpdir(), 'wtp-local-ca-'));
const caDir = join(root, 'ca');
afterAll(() => rmSync(root, { recursive: true, force: true }));

// RSA keys take ~0.1 s each: one CA serves the whole file.
let ca: CertPair;
beforeAll(() => {
  ca = ensureLocalCa(caDir);
});

function host(text: string): CertHost {
  const parsed = parseHost(text);
  if (!parsed) throw new Error(`not a host: ${text}`);
  return parsed;
}

type Outcome = { authorized: boolean } | { error: Error & { code?: string } };

/** Serves `pair` on 127.0.0.1 and connects to it with `options`: the client's verdict. */
async function handshake(pair: PemPair, options: ConnectionOptions): Promise<Outcome> {
  const server = createServer({ cert: pair.certPem, key: pair.keyPem }, (s) => s.end());
  server.on('tlsClientError', () => {}); // the client hanging up on a refused certificate
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise<Outcome>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port, ...options }, () => {
        resolve({ authorized: socket.authorized });
        socket.destroy();
      });
      socket.on('error', (error) => resolve({ error }));
    });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

/** The AppError `fn` throws. */
function thrown(fn: () => unknown): { code: string; message: string; details: unknown } {
  try {
    fn();
  } catch (err) {
    if (isAppError(err)) return { code: err.code, message: err.message, details: err.details };
    throw err;
  }
  throw new Error('did not throw');
}

describe('name constraints, as OpenSSL enforces them', () => {
  it.each([
    ['example.com', 'example.com'],
    ['ts.net.evil.com', 'ts.net.evil.com'],
    ['8.8.8.8', 'wtp.local'],
    ['100.128.0.1', 'wtp.local'],
  ])('a leaf the CA signs for %s is refused by a client that trusts the CA', async (name, servername) => {
    const leaf = signServerCert(ca, [host(name)], new Date());
    // The name check is off: the chain itself is refused.
    const outcome = await handshake(leaf, {
      ca: [ca.certPem],
      servername,
      checkServerIdentity: () => undefined,
    });
    expect(outcome).toMatchObject({ error: { message: 'permitted subtree violation' } });
  });

  it('a leaf for every private name the CA may vouch for is accepted', async () => {
    const names = [
      '192.168.1.5',
      '100.101.102.103',
      'fd7a:115c:a1e0::1',
      'fe80::1',
      '::1',
      'pixel.tail1234.ts.net',
    ];
    const all = [
      ...names,
      '10.1.2.3',
      '172.31.0.1',
      '127.0.0.1',
      '169.254.1.1',
      'box.local',
      'nas.lan',
      'a.home.arpa',
    ];
    expect(all.every(caMayVouchFor)).toBe(true);
    const leaf = signServerCert(ca, [...all, 'x.internal', 'localhost'].map(host), new Date());
    expect(await handshake(leaf, { ca: [ca.certPem], servername: 'box.local' })).toEqual({
      authorized: true,
    });
  });
});

describe('ensureLocalCa', () => {
  it('makes the CA once, with private modes, and loads the same one again', () => {
    expect(ensureLocalCa(caDir).fingerprint256).toBe(ca.fingerprint256);
    expect(ca.fingerprint256).toBe(new X509Certificate(ca.certPem).fingerprint256);
    expect(ca.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const mode = (name: string): string => (statSync(join(caDir, name)).mode & 0o777).toString(8);
    expect([mode(''), mode('ca.crt'), mode('ca.key')]).toEqual(['700', '644', '600']);
  });

  it('makes a root of ten years with critical CA constraints and name constraints', () => {
    const cert = forge.pki.certificateFromPem(ca.certPem);
    expect(cert.getExtension('basicConstraints')).toMatchObject({
      critical: true,
      cA: true,
      pathLenConstraint: 0,
    });
    expect(cert.getExtension('keyUsage')).toMatchObject({ critical: true, keyCertSign: true, cRLSign: true });
    const nc = cert.getExtension('nameConstraints') as {
      critical: boolean;
      permittedSubtrees: { type: number }[];
    };
    expect(nc.critical).toBe(true);
    expect(nc.permittedSubtrees.filter((t) => t.type === 7)).toHaveLength(9);
    expect(nc.permittedSubtrees.filter((t) => t.type === 2)).toHaveLength(6);
    expect(ca.notAfter.getTime() - Date.now()).toBeGreaterThan(3650 * DAY_MS - 2 * 3_600_000);
    expect(cert.subject.getField('CN').value).toMatch(/^wezterm-parallel local CA \(.+\)$/);
  });
});

describe('ensureServerCert', () => {
  it('serves TLS that a client trusting the CA accepts, for the names in it only', async () => {
    const pair = ensureServerCert(caDir, ['127.0.0.1', 'wtp.local']);
    const leaf = new X509Certificate(pair.certPem);
    expect(leaf.subjectAltName).toBe('IP Address:127.0.0.1, DNS:wtp.local');
    expect(pair.notAfter.getTime() - Date.now()).toBeLessThanOrEqual(397 * DAY_MS);
    expect(await handshake(pair, { ca: [ca.certPem], servername: 'wtp.local' })).toEqual({
      authorized: true,
    });
    expect(await handshake(pair, { ca: [ca.certPem], servername: 'other.local' })).toMatchObject({
      error: { code: 'ERR_TLS_CERT_ALTNAME_INVALID' },
    });
    expect(await handshake(pair, { servername: 'wtp.local' })).toMatchObject({
      error: { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' },
    });
  });

  it('keeps the certificate for the same hosts, and makes a new one for others or near its end', () => {
    const hosts = ['192.168.1.5', 'fd7a:115c:a1e0::1', 'Box.local'];
    const first = ensureServerCert(caDir, hosts);
    const reordered = ensureServerCert(caDir, [
      'box.local',
      'fd7a:115c:a1e0:0::1',
      '192.168.1.5',
      'box.local',
    ]);
    expect(reordered.fingerprint256).toBe(first.fingerprint256);
    expect((statSync(join(caDir, 'server.key')).mode & 0o777).toString(8)).toBe('600');
    const other = ensureServerCert(caDir, ['192.168.1.5']);
    expect(other.fingerprint256).not.toBe(first.fingerprint256);
    const again = ensureServerCert(caDir, hosts);
    expect([first.fingerprint256, other.fingerprint256]).not.toContain(again.fingerprint256);
    const soon = new Date(again.notAfter.getTime() - 31 * DAY_MS);
    expect(ensureServerCert(caDir, hosts, soon).fingerprint256).toBe(again.fingerprint256);
    const late = new Date(again.notAfter.getTime() - 29 * DAY_MS);
    const renewed = ensureServerCert(caDir, hosts, late);
    expect(renewed.fingerprint256).not.toBe(again.fingerprint256);
    expect(renewed.notAfter.getTime()).toBeGreaterThan(again.notAfter.getTime());
  });

  it('refuses a host the CA may not vouch for, or one that is no host at all', () => {
    const refused = thrown(() => ensureServerCert(caDir, ['wtp.local', 'example.com']));
    expect(refused).toMatchObject({ code: 'REMOTE_CERT_INVALID', details: { host: 'example.com' } });
    expect(refused.message).toContain('The local CA may not vouch for example.com');
    expect(refused.message).toContain('wtp remote on --cert FILE --key FILE');
    expect(thrown(() => ensureServerCert(caDir, ['https://box.local']))).toMatchObject({
      code: 'REMOTE_CERT_INVALID',
      message: expect.stringContaining('"https://box.local" is neither an IP address nor a DNS name'),
    });
    expect(thrown(() => ensureServerCert(caDir, [])).code).toBe('REMOTE_CERT_INVALID');
  });
});

describe('caMayVouchFor', () => {
  it.each([
    '192.168.1.5',
    '100.101.102.103',
    'fd7a:115c:a1e0::1',
    'pixel.tail1234.ts.net',
    'box.local',
    'localhost',
  ])('may vouch for %s', (name) => expect(caMayVouchFor(name)).toBe(true));
  it.each([
    '8.8.8.8',
    'example.com',
    'ts.net.evil.com',
    '100.128.0.1',
    'evilts.net',
    '::ffff:192.168.1.5',
    'fe80::1%eth0',
  ])('may not vouch for %s', (name) => expect(caMayVouchFor(name)).toBe(false));
});

describe('refusals of a CA folder another user could have planted, or a broken one', () => {
  /** A folder holding a copy of the CA, for one test to spoil. */
  function copyOfCa(name: string): string {
    const dir = join(root, name);
    mkdirSync(dir, { mode: 0o700 });
    for (const file of ['ca.crt', 'ca.key']) copyFileSync(join(caDir, file), join(dir, file));
    chmodSync(join(dir, 'ca.key'), 0o600);
    return dir;
  }

  it('loads a copy as it is', () => {
    expect(ensureLocalCa(copyOfCa('copy')).fingerprint256).toBe(ca.fingerprint256);
  });

  it('refuses a symbolic link for ca.key', () => {
    const dir = copyOfCa('linked-key');
    rmSync(join(dir, 'ca.key'));
    symlinkSync(join(caDir, 'ca.key'), join(dir, 'ca.key'));
    expect(thrown(() => ensureLocalCa(dir))).toMatchObject({
      code: 'REMOTE_CERT_INVALID',
      message: expect.stringMatching(/ca\.key is a symbolic link, .* Delete .* to make a new local CA/),
    });
  });

  it('refuses a symbolic link for the folder', () => {
    const link = join(root, 'linked-dir');
    symlinkSync(caDir, link);
    expect(thrown(() => ensureLocalCa(link)).message).toContain(`${link} is a symbolic link`);
  });

  it('refuses a ca.key that others can read', () => {
    const dir = copyOfCa('open-key');
    chmodSync(join(dir, 'ca.key'), 0o644);
    expect(thrown(() => ensureLocalCa(dir)).message).toContain(
      'can be read or written by other users (mode 0644)',
    );
  });

  it('refuses a corrupt ca.crt and leaves it as it is', () => {
    const dir = copyOfCa('corrupt-crt');
    writeFileSync(join(dir, 'ca.crt'), '-----BEGIN CERTIFICATE-----\nnot one\n-----END CERTIFICATE-----\n');
    const refused = thrown(() => ensureLocalCa(dir));
    expect(refused.message).toMatch(
      /ca\.crt is not a readable certificate \(.*\)\. Delete .* install its new root/,
    );
    expect(readFileSync(join(dir, 'ca.crt'), 'utf8')).toContain('not one');
  });

  it('refuses a ca.key of another CA, half a CA, and a file too large to be ours', () => {
    const dir = copyOfCa('other-key');
    writeFileSync(join(dir, 'ca.key'), signServerCert(ca, [host('wtp.local')], new Date()).keyPem);
    expect(thrown(() => ensureLocalCa(dir)).message).toContain(
      'ca.key is not the private key of the certificate',
    );
    rmSync(join(dir, 'ca.key'));
    expect(thrown(() => ensureLocalCa(dir)).message).toContain('ca.key is missing beside ca.crt');
    writeFileSync(join(dir, 'ca.key'), 'x'.repeat(65 * 1024), { mode: 0o600 });
    expect(thrown(() => ensureLocalCa(dir)).message).toContain('ca.key is over 64 KiB');
  });
});
