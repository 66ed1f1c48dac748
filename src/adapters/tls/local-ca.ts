import { createPrivateKey, X509Certificate } from 'node:crypto';
import { basename, join } from 'node:path';
import { AppError } from '../../core/errors.js';
import { appError } from '../../protocol/error-messages.js';
import { makeCaCert, signServerCert, type PemPair } from './cert-builder.js';
import { ensurePrivateDir, readPrivateFile, writePrivateFile } from './private-files.js';
import {
  caMayVouchFor,
  hostKey,
  parseHost,
  PRIVATE_DOMAINS,
  PRIVATE_RANGES,
  type CertHost,
} from './private-names.js';

export { caMayVouchFor } from './private-names.js';

/** PEM texts and the SHA-256 fingerprint (uppercase hex pairs joined by ':', as browsers show it). */
export interface CertPair {
  certPem: string;
  keyPem: string;
  fingerprint256: string;
  notAfter: Date;
}

/** A server certificate with less time left than this is made again. */
const MIN_REMAINING_MS = 30 * 86_400_000;

type Opened =
  { x509: X509Certificate; pair: CertPair } | { bad: 'cert' | 'key'; problem: string; cause?: unknown };

const reason = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause));

/** Parses a certificate and its key, and checks that they belong together. */
function openPair(pem: PemPair): Opened {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(pem.certPem);
  } catch (cause) {
    return { bad: 'cert', problem: `is not a readable certificate (${reason(cause)})`, cause };
  }
  let matches: boolean;
  try {
    matches = x509.checkPrivateKey(createPrivateKey(pem.keyPem));
  } catch (cause) {
    return { bad: 'key', problem: `is not a readable private key (${reason(cause)})`, cause };
  }
  if (!matches) return { bad: 'key', problem: 'is not the private key of the certificate beside it' };
  const pair = { ...pem, fingerprint256: x509.fingerprint256, notAfter: new Date(x509.validTo) };
  return { x509, pair };
}

/** Makes the CA once in `dir` (ca.crt 0644, ca.key 0600, dir 0700) or loads it; returns it. */
export function ensureLocalCa(dir: string, now: Date = new Date()): CertPair {
  // The phone trusts this root: it is never replaced behind the user's back (the advice: delete dir).
  const refuse = (path: string, problem: string, cause?: unknown): AppError =>
    appError('REMOTE_CERT_INVALID', { path, problem, ca: dir }, cause === undefined ? undefined : { cause });
  ensurePrivateDir(dir, refuse);
  const certPath = join(dir, 'ca.crt');
  const keyPath = join(dir, 'ca.key');
  const certPem = readPrivateFile(certPath, { secret: false, refuse });
  const keyPem = readPrivateFile(keyPath, { secret: true, refuse });
  if (certPem === undefined && keyPem === undefined) {
    const made = makeCaCert(now);
    writePrivateFile(keyPath, made.keyPem, 0o600);
    writePrivateFile(certPath, made.certPem, 0o644);
    return opened(made);
  }
  if (certPem === undefined || keyPem === undefined) {
    const [has, lacks] = certPem === undefined ? [keyPath, certPath] : [certPath, keyPath];
    throw refuse(lacks, `is missing beside ${basename(has)}`);
  }
  const ca = openPair({ certPem, keyPem });
  if ('bad' in ca) {
    const path = ca.bad === 'cert' ? certPath : keyPath;
    throw refuse(path, ca.problem, ca.cause);
  }
  if (ca.pair.notAfter <= now) {
    throw appError('REMOTE_CERT_INVALID', {
      path: certPath,
      ca: dir,
      notAfter: ca.pair.notAfter.toISOString(),
    });
  }
  return ca.pair;
}

/** The pair just made, described (it cannot fail to open). */
function opened(made: PemPair): CertPair {
  const o = openPair(made);
  if ('bad' in o)
    throw new AppError('INTERNAL', `A certificate just made ${o.problem}.`, {}, { cause: o.cause });
  return o.pair;
}

/** The hosts as the certificate names them, once each; refuses what the CA may not vouch for. */
function certHosts(hosts: readonly string[]): CertHost[] {
  if (hosts.length === 0) {
    throw appError('REMOTE_CERT_INVALID', { hosts: [] });
  }
  const byKey = new Map<string, CertHost>();
  for (const host of hosts) {
    const parsed = parseHost(host);
    if (!parsed) {
      throw appError('REMOTE_CERT_INVALID', { host });
    }
    if (!caMayVouchFor(host)) {
      const ranges = PRIVATE_RANGES.map((r) => r.text);
      throw appError('REMOTE_CERT_INVALID', { host, ranges, names: [...PRIVATE_DOMAINS] });
    }
    byKey.set(hostKey(parsed), parsed);
  }
  return [...byKey.values()];
}

/** The hostKey texts of a subjectAltName as node:crypto writes it ("DNS:a.local, IP Address:10.0.0.1"). */
function sanKeys(san: string | undefined): string[] {
  return (san ?? '').split(', ').map((entry) => {
    const [, type, value = ''] = /^(DNS|IP Address):(.*)$/.exec(entry) ?? [];
    const host = parseHost(value);
    return host && (host.kind === 'dns') === (type === 'DNS') ? hostKey(host) : `?${entry}`;
  });
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

/** The kept server pair, if it is still signed by `ca`, names exactly `hosts` and has 30 days left. */
function reusable(pem: PemPair, ca: CertPair, hosts: readonly CertHost[], now: Date): CertPair | undefined {
  const o = openPair(pem);
  if ('bad' in o) return undefined;
  const caX509 = new X509Certificate(ca.certPem);
  if (!o.x509.checkIssued(caX509) || !o.x509.verify(caX509.publicKey)) return undefined;
  if (new Date(o.x509.validFrom) > now) return undefined;
  if (o.pair.notAfter.getTime() - now.getTime() < MIN_REMAINING_MS) return undefined;
  return sameSet(sanKeys(o.x509.subjectAltName), hosts.map(hostKey)) ? o.pair : undefined;
}

/**
 * The server certificate for `hosts` (IPv4/IPv6 literals and DNS names), signed by the CA in `dir`:
 * kept in dir/server.crt + dir/server.key (0600) and reused while it covers exactly these hosts and
 * is valid for at least 30 more days; otherwise made again.
 */
export function ensureServerCert(dir: string, hosts: readonly string[], now: Date = new Date()): CertPair {
  const wanted = certHosts(hosts);
  const ca = ensureLocalCa(dir, now);
  const certPath = join(dir, 'server.crt');
  const keyPath = join(dir, 'server.key');
  // Made again when deleted: the advice names the file itself.
  const refuse = (path: string, problem: string): AppError =>
    appError('REMOTE_CERT_INVALID', { path, problem });
  const certPem = readPrivateFile(certPath, { secret: false, refuse });
  const keyPem = readPrivateFile(keyPath, { secret: true, refuse });
  const kept =
    certPem !== undefined && keyPem !== undefined
      ? reusable({ certPem, keyPem }, ca, wanted, now)
      : undefined;
  if (kept) return kept;
  const made = signServerCert(ca, wanted, now);
  // Key first: a pair interrupted between the two writes does not match, and is made again.
  writePrivateFile(keyPath, made.keyPem, 0o600);
  writePrivateFile(certPath, made.certPem, 0o600);
  return opened(made);
}
