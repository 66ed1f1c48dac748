import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import forge from 'node-forge';
import { PRIVATE_DOMAINS, PRIVATE_RANGES, type CertHost, type PrivateRange } from './private-names.js';

const { asn1, pki } = forge;

const DAY_MS = 86_400_000;
/** Certificates start an hour back, so a phone whose clock is a little behind accepts them. */
const BACKDATE_MS = 3_600_000;
/** Ten years: the root is installed on the phone by hand, once. */
const CA_DAYS = 3652;
/** Browsers refuse leaf certificates valid for more than 398 days. */
const SERVER_DAYS = 397;

/** PEM texts of a certificate and of its private key (PKCS#8). */
export interface PemPair {
  readonly certPem: string;
  readonly keyPem: string;
}

// node:crypto makes the key (fast, native); node-forge only builds and signs the X.509 structure.
function newKeys(): { publicKey: forge.pki.PublicKey; keyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKey: pki.publicKeyFromPem(publicKey), keyPem: privateKey };
}

function newCertificate(publicKey: forge.pki.PublicKey, now: Date, days: number): forge.pki.Certificate {
  const cert = pki.createCertificate();
  cert.publicKey = publicKey;
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x40; // positive, and no leading zero byte that DER would drop
  cert.serialNumber = serial.toString('hex');
  const start = now.getTime() - BACKDATE_MS;
  cert.validity.notBefore = new Date(start);
  cert.validity.notAfter = new Date(start + days * DAY_MS);
  return cert;
}

const binary = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

function prefixMask(range: PrivateRange): Uint8Array {
  return range.bytes.map((_, i) => (0xff << (8 - Math.min(8, Math.max(0, range.prefix - 8 * i)))) & 0xff);
}

/** GeneralSubtree ::= SEQUENCE { base GeneralName } with an implicitly tagged GeneralName. */
function subtree(tag: number, value: string): forge.asn1.Asn1 {
  const base = asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag, false, value);
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [base]);
}

/**
 * The DER of a NameConstraints extension (RFC 5280 4.2.1.10) whose permittedSubtrees are the private
 * ranges (iPAddress [7]: address bytes then mask bytes) and domains (dNSName [2]).
 */
export function privateNameConstraints(): string {
  const permitted = [
    ...PRIVATE_RANGES.map((r) => subtree(7, binary(r.bytes) + binary(prefixMask(r)))),
    ...PRIVATE_DOMAINS.map((d) => subtree(2, d)),
  ];
  const trees = asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, permitted);
  return asn1.toDer(asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [trees])).getBytes();
}

/** This machine's name as PrintableString allows it, short enough for a 64-character common name. */
function machineName(): string {
  return hostname()
    .replace(/[^A-Za-z0-9 '()+,./:=?-]/g, '-')
    .slice(0, 32);
}

/** A new root: CA:true pathlen 0, keyCertSign + cRLSign, and name constraints to private names. */
export function makeCaCert(now: Date): PemPair {
  const { publicKey, keyPem } = newKeys();
  const cert = newCertificate(publicKey, now, CA_DAYS);
  const name = [{ name: 'commonName', value: `wezterm-parallel local CA (${machineName()})` }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
    { id: '2.5.29.30', critical: true, value: privateNameConstraints() },
  ]);
  cert.sign(pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  return { certPem: pki.certificateToPem(cert), keyPem };
}

/**
 * A server certificate for `hosts` signed by `ca`, without asking whether the CA may vouch for them
 * (ensureServerCert asks; the tests use this to show that TLS clients refuse what it may not).
 */
export function signServerCert(ca: PemPair, hosts: readonly CertHost[], now: Date): PemPair {
  const caCert = pki.certificateFromPem(ca.certPem);
  const { publicKey, keyPem } = newKeys();
  const cert = newCertificate(publicKey, now, SERVER_DAYS);
  // Not a host name, so no verifier reads the common name as one.
  cert.setSubject([{ name: 'commonName', value: 'wezterm-parallel daemon' }]);
  cert.setIssuer(caCert.subject.attributes);
  const altNames = hosts.map((h) =>
    h.kind === 'ip' ? { type: 7, value: binary(h.bytes) } : { type: 2, value: h.name },
  );
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(pki.privateKeyFromPem(ca.keyPem), forge.md.sha256.create());
  return { certPem: pki.certificateToPem(cert), keyPem };
}
