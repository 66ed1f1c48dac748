import { createPrivateKey, sign } from 'node:crypto';
import { Agent } from 'node:https';
import webpush from 'web-push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PushOptions,
  PushSender,
  type PushSubscriptionRecord,
  pushHostAllowed,
} from '../../src/adapters/push/push-sender.js';
import { postRaw, PushService, untilPush } from './push-service.js';

// The real sender (web-push over node:https) against the stand-in push service, which decrypts on
// its own: what arrives intact there would arrive intact on a phone.
let service: PushService;
let agent: Agent;
let sender: PushSender;
const vapid = webpush.generateVAPIDKeys();
const subject = 'mailto:ops@example.com';

beforeAll(async () => {
  service = await PushService.start();
  agent = new Agent({ ca: service.ca });
  sender = makeSender(agent);
});

afterAll(async () => {
  agent.destroy();
  await service.close();
});

function makeSender(a?: Agent): PushSender {
  return new PushSender({
    vapid,
    subject,
    allowedHosts: (h) => pushHostAllowed(h, ['127.0.0.1']),
    allowedPorts: [service.port],
    timeoutMs: 5000,
    ...(a ? { agent: a } : {}),
  });
}

const opts: PushOptions = { ttlSeconds: 600, urgency: 'high', topic: 'agent-42' };

/** A push as web-push would send it, for a test to alter before POSTing it itself. */
function request(sub: PushSubscriptionRecord, payload: string) {
  const d = webpush.generateRequestDetails(sub, payload, {
    vapidDetails: { subject, ...vapid },
    contentEncoding: 'aes128gcm',
    TTL: 60,
  });
  return { headers: { ...d.headers }, body: Buffer.from(d.body) };
}

/** An ES256 JWT signed with the VAPID key, with any claims (web-push refuses to make some of these). */
function jwt(
  claims: Record<string, unknown>,
  header: Record<string, unknown> = { typ: 'JWT', alg: 'ES256' },
) {
  const pub = Buffer.from(vapid.publicKey, 'base64url');
  const key = createPrivateKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      d: vapid.privateKey,
      x: pub.subarray(1, 33).toString('base64url'),
      y: pub.subarray(33).toString('base64url'),
    },
    format: 'jwk',
  });
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const signed = `${enc(header)}.${enc(claims)}`;
  const sig = sign('sha256', Buffer.from(signed), { key, dsaEncoding: 'ieee-p1363' });
  return `vapid t=${signed}.${sig.toString('base64url')}, k=${vapid.publicKey}`;
}

describe('PushSender against a real push service', () => {
  it('delivers a push that decrypts to the exact payload, with its TTL, urgency and topic', async () => {
    const { subscription, received } = service.subscribe({ applicationServerKey: vapid.publicKey });
    const payload = {
      type: 'agent.stateChanged',
      agent: 'api',
      title: 'api wants to run `rm -rf dist` — ✓?',
    };
    expect(await sender.send(subscription, payload, opts)).toEqual({ ok: true, status: 201 });
    const got = await untilPush(received, () => true, 1000);
    expect(got).toMatchObject({ ttl: 600, urgency: 'high', topic: 'agent-42', payload });

    expect(await sender.send(subscription, 'plain', { ttlSeconds: 0, urgency: 'very-low' })).toEqual({
      ok: true,
      status: 201,
    });
    expect(received[1]).toMatchObject({ ttl: 0, urgency: 'very-low', topic: null, payload: 'plain' });
  });

  it('sends `Authorization: vapid t=<ES256 JWT>, k=<public key>` for the endpoint’s origin', () => {
    const { subscription } = service.subscribe();
    const { headers } = request(subscription, '{}');
    expect(headers.Authorization).toMatch(
      new RegExp(`^vapid t=[\\w-]+\\.[\\w-]+\\.[\\w-]{86}, k=${vapid.publicKey}$`),
    );
    const claims = JSON.parse(
      Buffer.from(String(headers.Authorization).split('.')[1] ?? '', 'base64url').toString('utf8'),
    ) as Record<string, unknown>;
    expect(claims).toMatchObject({ aud: service.origin, sub: subject });
    expect(headers).toMatchObject({ TTL: 60, 'Content-Encoding': 'aes128gcm', Urgency: 'normal' });
  });

  it('is refused with 403 for a subscription made with another application server key', async () => {
    const other = webpush.generateVAPIDKeys();
    const { subscription, received } = service.subscribe({ applicationServerKey: other.publicKey });
    const out = await sender.send(subscription, { hello: 1 }, opts);
    expect(out).toMatchObject({ ok: false, gone: false, status: 403 });
    expect(out.ok === false && out.reason).toMatch(/applicationServerKey/);
    expect(received).toEqual([]);
    expect(service.refusals.at(-1)).toMatchObject({ status: 403 });
  });

  it('reports gone: true once the subscription has expired (410)', async () => {
    const { subscription } = service.subscribe();
    expect(await sender.send(subscription, 1, opts)).toMatchObject({ ok: true });
    service.expire(subscription);
    expect(await sender.send(subscription, 2, opts)).toMatchObject({ ok: false, gone: true, status: 410 });
  });

  it('fails TLS without the agent that trusts the service’s certificate', async () => {
    const { subscription, received } = service.subscribe();
    const out = await makeSender().send(subscription, 1, opts);
    expect(out).toMatchObject({ ok: false, gone: false, status: null });
    expect(out.ok === false && out.reason).toMatch(/certificate/i);
    expect(received).toEqual([]);
  });
});

describe('PushService checks what a push service and a browser would', () => {
  it('takes web-push’s own request as is, and refuses it with one ciphertext byte flipped (400)', async () => {
    const { subscription, received } = service.subscribe({ applicationServerKey: vapid.publicKey });
    const good = request(subscription, '{"n":1}');
    expect((await postRaw(subscription.endpoint, good.headers, good.body, service.ca)).status).toBe(201);
    expect(received.map((m) => m.payload)).toEqual([{ n: 1 }]);

    const bad = request(subscription, '{"n":2}');
    bad.body[86 + 3] = (bad.body[86 + 3] ?? 0) ^ 0x01;
    const res = await postRaw(subscription.endpoint, bad.headers, bad.body, service.ca);
    expect(res).toMatchObject({ status: 400, text: expect.stringMatching(/^cannot decrypt/) });
    expect(received).toHaveLength(1);
  });

  it('refuses a bad record size, a record over it, a missing TTL and another encoding', async () => {
    const { subscription } = service.subscribe();
    const post = async (alter: (r: ReturnType<typeof request>) => void) => {
      const r = request(subscription, 'x'.repeat(40));
      alter(r);
      return postRaw(subscription.endpoint, r.headers, r.body, service.ca);
    };
    expect(await post((r) => r.body.writeUInt32BE(17, 16))).toMatchObject({ status: 400, text: /under 18/ });
    expect(await post((r) => r.body.writeUInt32BE(18, 16))).toMatchObject({
      status: 400,
      text: /over rs 18/,
    });
    expect(await post((r) => delete r.headers.TTL)).toMatchObject({ status: 400, text: /TTL/ });
    expect(await post((r) => (r.headers['Content-Encoding'] = 'aesgcm'))).toMatchObject({ status: 415 });
    expect(await post((r) => (r.headers.Urgency = 'urgent'))).toMatchObject({ status: 400 });
  });

  it('refuses VAPID tokens that are missing, unsigned, for another origin, expired or too long-lived (401)', async () => {
    const { subscription, received } = service.subscribe();
    const now = Math.floor(Date.now() / 1000);
    const claims = { aud: service.origin, exp: now + 3600, sub: subject };
    const cases: [string | undefined, RegExp][] = [
      [undefined, /no vapid/],
      [jwt(claims, { typ: 'JWT', alg: 'none' }), /not ES256/],
      [jwt({ ...claims, aud: 'https://127.0.0.1:1' }), /aud/],
      [jwt({ ...claims, exp: now - 10 }), /expired/],
      [jwt({ ...claims, exp: now + 25 * 3600 }), /24 h/],
      [jwt({ ...claims, sub: 'ops@example.com' }), /sub/],
      [jwt(claims).replace(/k=.*$/, `k=${webpush.generateVAPIDKeys().publicKey}`), /does not verify/],
    ];
    for (const [authorization, why] of cases) {
      const r = request(subscription, 'x');
      if (authorization === undefined) delete r.headers.Authorization;
      else r.headers.Authorization = authorization;
      const res = await postRaw(subscription.endpoint, r.headers, r.body, service.ca);
      expect(res, String(why)).toMatchObject({ status: 401, text: why });
    }
    const ok = request(subscription, 'x');
    ok.headers.Authorization = jwt(claims);
    expect((await postRaw(subscription.endpoint, ok.headers, ok.body, service.ca)).status).toBe(201);
    expect(received).toHaveLength(1);
  });
});
