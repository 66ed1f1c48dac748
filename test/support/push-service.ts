import {
  createDecipheriv,
  createECDH,
  createHmac,
  createPublicKey,
  type ECDH,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  verify,
} from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import forge from 'node-forge';
import type { PushSubscriptionRecord, PushUrgency } from '../../src/adapters/push/push-sender.js';

/** A push the service accepted, decrypted. */
export interface PushMessage {
  endpointId: string;
  ttl: number;
  urgency: PushUrgency | null;
  topic: string | null;
  /** The plaintext parsed as JSON, or the text when it is not JSON; null for a push without a body. */
  payload: unknown;
  at: number;
}

/** A push the service refused, and why. */
export interface PushRefusal {
  endpointId: string | null;
  status: number;
  reason: string;
  at: number;
}

interface Endpoint {
  ua: ECDH;
  uaPublic: Buffer;
  auth: Buffer;
  applicationServerKey: Buffer | null;
  gone: boolean;
  received: PushMessage[];
}

/** RFC 8030 §7.2: a push service must take at least 4,096 bytes of encrypted body. */
const MAX_BODY = 4096;
const VAPID_MAX_AHEAD_S = 24 * 60 * 60;
const URGENCIES: readonly string[] = ['very-low', 'low', 'normal', 'high'];
const ONE = Buffer.from([1]);

/** A push answered with `status` (not 201); the message is the reason. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    reason: string,
  ) {
    super(reason);
  }
}

/**
 * A Web Push service on 127.0.0.1 (HTTPS, its own certificate: trust `ca`) that checks a push as
 * a browser's push service and the browser together would: the VAPID token (RFC 8292), the
 * headers (RFC 8030) and the encryption (RFC 8291 over RFC 8188), decrypted here with node:crypto
 * alone so that the check does not share code with the sender.
 */
export class PushService {
  /** Every push answered other than 201, in order. */
  readonly refusals: PushRefusal[] = [];
  /** `https://127.0.0.1:<port>`: the VAPID audience. */
  readonly origin: string;
  readonly #endpoints = new Map<string, Endpoint>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    /** The certificate (PEM) to trust: `new https.Agent({ ca })`. */
    readonly ca: string,
  ) {
    this.origin = `https://127.0.0.1:${port}`;
  }

  /** Listens on 127.0.0.1 at a free port, with a new self-signed certificate. */
  static async start(): Promise<PushService> {
    const { key, cert } = selfSignedCertificate();
    const server = createServer({ key, cert });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const service = new PushService(server, (server.address() as AddressInfo).port, cert);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void service.handle(req, res));
    return service;
  }

  /**
   * A browser-side subscription: a fresh P-256 key pair and auth secret, and an endpoint here. With
   * `applicationServerKey` (base64url), only pushes signed by that VAPID key are taken (else 403).
   */
  subscribe(o: { applicationServerKey?: string } = {}): {
    subscription: PushSubscriptionRecord;
    received: PushMessage[];
  } {
    let applicationServerKey: Buffer | null = null;
    if (o.applicationServerKey !== undefined) {
      applicationServerKey = Buffer.from(o.applicationServerKey, 'base64url');
      if (applicationServerKey.length !== 65) throw new Error('applicationServerKey is not a 65-byte point');
    }
    const id = randomBytes(16).toString('base64url');
    const ua = createECDH('prime256v1');
    const uaPublic = ua.generateKeys();
    const auth = randomBytes(16);
    const received: PushMessage[] = [];
    this.#endpoints.set(id, { ua, uaPublic, auth, applicationServerKey, gone: false, received });
    const keys = { p256dh: uaPublic.toString('base64url'), auth: auth.toString('base64url') };
    return { subscription: { endpoint: `${this.origin}/push/${id}`, keys }, received };
  }

  /** The subscription ends (the user revoked it): its endpoint answers 410 from now on. */
  expire(subscription: PushSubscriptionRecord): void {
    const ep = this.#endpoints.get(subscription.endpoint.split('/').pop() ?? '');
    if (!ep) throw new Error('not a subscription of this push service');
    ep.gone = true;
  }

  /** Stops listening and cuts the connections still open. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const id = /^\/push\/([A-Za-z0-9_-]+)$/.exec(req.url ?? '')?.[1] ?? null;
    try {
      const body = await readBody(req);
      const ep = id === null ? undefined : this.#endpoints.get(id);
      if (!ep || id === null) throw new Refusal(404, 'no such subscription');
      if (req.method !== 'POST') throw new Refusal(405, `method ${req.method}`);
      if (ep.gone) throw new Refusal(410, 'the subscription has expired');
      if (body === null) throw new Refusal(413, `body over ${MAX_BODY} bytes`);
      checkVapid(req.headers, this.origin, ep.applicationServerKey);
      const h = checkHeaders(req.headers, body.length > 0);
      let payload: unknown = null;
      if (body.length > 0) {
        const text = decrypt(body, ep).toString('utf8');
        try {
          payload = JSON.parse(text);
        } catch {
          payload = text;
        }
      }
      ep.received.push({ endpointId: id, ...h, payload, at: Date.now() });
      res.writeHead(201, { Location: `/message/${randomBytes(8).toString('hex')}` }).end();
    } catch (err) {
      const status = err instanceof Refusal ? err.status : 400;
      const reason = err instanceof Refusal ? err.message : `cannot decrypt: ${(err as Error).message}`;
      this.refusals.push({ endpointId: id, status, reason, at: Date.now() });
      res.writeHead(status, { 'Content-Type': 'text/plain' }).end(reason);
    }
  }
}

/** The body, or null when it is over MAX_BODY (read to its end all the same, so the answer arrives). */
async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size <= MAX_BODY) chunks.push(c as Buffer);
  }
  return size > MAX_BODY ? null : Buffer.concat(chunks);
}

const b64url = (s: string): Buffer | null =>
  /^[A-Za-z0-9_-]*$/.test(s) ? Buffer.from(s, 'base64url') : null;

/** RFC 8292 §2–§4: `Authorization: vapid t=<ES256 JWT>, k=<public key>`. Throws a 401 or 403. */
function checkVapid(headers: IncomingHttpHeaders, origin: string, expected: Buffer | null): void {
  const m = /^vapid\s+(.+)$/i.exec(headers.authorization ?? '');
  if (!m?.[1]) throw new Refusal(401, 'no vapid Authorization');
  const params = new Map<string, string>();
  for (const part of m[1].split(',')) {
    const kv = /^\s*([a-z]+)\s*=\s*(\S+)\s*$/i.exec(part);
    if (!kv?.[1] || !kv[2]) throw new Refusal(401, `malformed vapid parameter "${part.trim()}"`);
    params.set(kv[1].toLowerCase(), kv[2]);
  }
  const t = params.get('t');
  const kBytes = b64url(params.get('k') ?? '');
  if (!t) throw new Refusal(401, 'vapid t= missing');
  if (!kBytes || kBytes.length !== 65 || kBytes[0] !== 4)
    throw new Refusal(401, 'vapid k= is not a P-256 point');
  let key: KeyObject;
  try {
    const x = kBytes.subarray(1, 33).toString('base64url');
    const y = kBytes.subarray(33).toString('base64url');
    key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x, y }, format: 'jwk' });
  } catch {
    throw new Refusal(401, 'vapid k= is not on P-256');
  }
  const [h64 = '', c64 = '', s64 = '', ...rest] = t.split('.');
  const header = json(b64url(h64));
  const claims = json(b64url(c64));
  const sig = b64url(s64);
  if (rest.length > 0 || !header || !claims || !sig) throw new Refusal(401, 'the token is not a JWS');
  if (header.alg !== 'ES256') throw new Refusal(401, `token alg ${String(header.alg)}, not ES256`);
  const signed = Buffer.from(`${h64}.${c64}`);
  // JWS ES256 signatures are r || s (64 bytes), not DER.
  if (sig.length !== 64 || !verify('sha256', signed, { key, dsaEncoding: 'ieee-p1363' }, sig))
    throw new Refusal(401, 'the token signature does not verify with k');
  if (claims.aud !== origin) throw new Refusal(401, `aud ${String(claims.aud)} is not ${origin}`);
  const now = Date.now() / 1000;
  const exp = claims.exp;
  if (typeof exp !== 'number' || !Number.isInteger(exp)) throw new Refusal(401, 'exp is not an integer');
  if (exp <= now) throw new Refusal(401, 'the token has expired');
  if (exp > now + VAPID_MAX_AHEAD_S) throw new Refusal(401, 'exp is more than 24 h ahead');
  if (!validSubject(claims.sub)) throw new Refusal(401, 'sub is not a mailto: or https: URL');
  if (expected && !expected.equals(kBytes))
    throw new Refusal(403, 'k is not the applicationServerKey of the subscription');
}

function json(b: Buffer | null): Record<string, unknown> | null {
  if (!b) return null;
  try {
    const v: unknown = JSON.parse(b.toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function validSubject(sub: unknown): boolean {
  if (typeof sub !== 'string') return false;
  try {
    const u = new URL(sub);
    return u.protocol === 'mailto:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** RFC 8030 §5.2–§5.4 and RFC 8291 §4. Throws a 400 or 415. */
function checkHeaders(
  headers: IncomingHttpHeaders,
  hasBody: boolean,
): { ttl: number; urgency: PushUrgency | null; topic: string | null } {
  const one = (v: string | string[] | undefined): string | undefined =>
    typeof v === 'string' ? v : undefined;
  const ttl = one(headers.ttl);
  if (ttl === undefined || !/^\d{1,10}$/.test(ttl))
    throw new Refusal(400, 'TTL missing or not delta-seconds');
  if (hasBody && headers['content-encoding'] !== 'aes128gcm')
    throw new Refusal(415, `Content-Encoding ${headers['content-encoding'] ?? 'missing'}, not aes128gcm`);
  const urgency = one(headers.urgency) ?? null;
  if (urgency !== null && !URGENCIES.includes(urgency)) throw new Refusal(400, `Urgency ${urgency}`);
  const topic = one(headers.topic) ?? null;
  if (topic !== null && !/^[A-Za-z0-9_-]{1,32}$/.test(topic)) throw new Refusal(400, `Topic ${topic}`);
  return { ttl: Number(ttl), urgency: urgency as PushUrgency | null, topic };
}

const hmac = (key: Buffer, ...data: Buffer[]): Buffer =>
  createHmac('sha256', key).update(Buffer.concat(data)).digest();

/** RFC 8291 §3.4 key derivation over RFC 8188 aes128gcm, one record. Throws when it does not decrypt. */
function decrypt(body: Buffer, ep: Endpoint): Buffer {
  if (body.length < 21) throw new Error('shorter than the aes128gcm header');
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20];
  if (rs < 18) throw new Error(`record size ${rs} is under 18`);
  if (idlen !== 65) throw new Error(`keyid of ${idlen} bytes, not the 65 of a P-256 point`);
  const asPublic = body.subarray(21, 86);
  const record = body.subarray(86);
  if (record.length > rs) throw new Error(`a record of ${record.length} bytes over rs ${rs}`);
  if (record.length < 17) throw new Error('a record shorter than its tag and delimiter');
  const ecdhSecret = ep.ua.computeSecret(asPublic);
  const prkKey = hmac(ep.auth, ecdhSecret);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), ep.uaPublic, asPublic]);
  const ikm = hmac(prkKey, keyInfo, ONE);
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0'), ONE).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0'), ONE).subarray(0, 12);
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce, { authTagLength: 16 });
  decipher.setAuthTag(record.subarray(-16));
  const plain = Buffer.concat([decipher.update(record.subarray(0, -16)), decipher.final()]);
  let end = plain.length - 1;
  while (end >= 0 && plain[end] === 0) end--;
  if (end < 0) throw new Error('no padding delimiter');
  if (plain[end] !== 2) throw new Error(`delimiter ${plain[end]}: not the last record`);
  return plain.subarray(0, end);
}

/** A self-signed certificate for 127.0.0.1 (RSA 2048, one day), PEM. */
function selfSignedCertificate(): { key: string; cert: string } {
  const pair = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(pair.publicKey);
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 24 * 60 * 60 * 1000);
  const name = [{ name: 'commonName', value: 'wtp test push service' }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true },
    { name: 'keyUsage', keyCertSign: true, digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(pair.privateKey), forge.md.sha256.create());
  return { key: pair.privateKey, cert: forge.pki.certificateToPem(cert) };
}

/** Waits until `received` holds a message `predicate` accepts; rejects after `ms`. */
export async function untilPush(
  received: readonly PushMessage[],
  predicate: (m: PushMessage) => boolean = () => true,
  ms = 5000,
): Promise<PushMessage> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = received.find(predicate);
    if (found) return found;
    if (Date.now() >= deadline)
      throw new Error(`no matching push within ${ms} ms (${received.length} received)`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** POSTs a raw push (a test's own bytes) to an endpoint, trusting `ca`. */
export function postRaw(
  endpoint: string,
  headers: OutgoingHttpHeaders,
  body: Buffer,
  ca: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(endpoint, { method: 'POST', headers, ca, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
