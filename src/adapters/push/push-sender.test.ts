import { createECDH, randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import webpush from 'web-push';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../core/errors.js';
import {
  KNOWN_PUSH_SERVICES,
  type PushOptions,
  PushSender,
  type PushSubscriptionRecord,
  pushHostAllowed,
} from './push-sender.js';

// A plain TCP listener stands where the push service would: every refusal must leave it untouched.
let trap: Server;
let port: number;
let connections: number;
const held = new Set<Socket>();

beforeEach(async () => {
  connections = 0;
  trap = createServer((s) => {
    connections++;
    held.add(s); // never answers: a push that gets here waits for its deadline
    s.on('error', () => {});
  });
  await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
  port = (trap.address() as AddressInfo).port;
});

afterEach(async () => {
  for (const s of held) s.destroy();
  held.clear();
  await new Promise((resolve) => trap.close(resolve));
});

const vapid = webpush.generateVAPIDKeys();
const opts: PushOptions = { ttlSeconds: 60, urgency: 'normal' };

function sender(o: { ports?: number[]; timeoutMs?: number } = {}): PushSender {
  return new PushSender({
    vapid,
    subject: 'mailto:ops@example.com',
    allowedHosts: (h) => pushHostAllowed(h, ['127.0.0.1']),
    allowedPorts: o.ports ?? [port],
    timeoutMs: o.timeoutMs ?? 300,
  });
}

function subscription(endpoint = `https://127.0.0.1:${port}/push/abc`): PushSubscriptionRecord {
  const ua = createECDH('prime256v1');
  return {
    endpoint,
    keys: { p256dh: ua.generateKeys('base64url'), auth: randomBytes(16).toString('base64url') },
  };
}

/** Expects a refusal made before any connection, its reason matching `why`. */
async function expectRefused(p: Promise<unknown>, why: RegExp): Promise<void> {
  const out = await p;
  expect(out).toEqual({ ok: false, gone: false, status: null, reason: expect.stringMatching(why) });
  await new Promise((r) => setTimeout(r, 30)); // a connection would be under way by now
  expect(connections).toBe(0);
}

describe('pushHostAllowed', () => {
  it('takes the browsers’ push services, one label for a wildcard, and exact extras only', () => {
    for (const h of [
      'fcm.googleapis.com',
      'updates.push.services.mozilla.com',
      'web.push.apple.com',
      'wns2-par02p.notify.windows.com',
    ])
      expect(pushHostAllowed(h, []), h).toBe(true);
    for (const h of [
      'notify.windows.com',
      'a.b.notify.windows.com',
      'evil-notify.windows.com',
      'fcm.googleapis.com.evil.example',
      'fcm.googleapis.com.',
      'android.googleapis.com',
      '127.0.0.1',
    ])
      expect(pushHostAllowed(h, []), h).toBe(false);
    expect(pushHostAllowed('127.0.0.1', ['127.0.0.1'])).toBe(true);
    expect(pushHostAllowed('127.0.0.2', ['127.0.0.1'])).toBe(false);
    expect(KNOWN_PUSH_SERVICES).toContain('*.notify.windows.com');
  });
});

describe('PushSender refuses before any connection', () => {
  it('an endpoint that is http:, has userinfo, names an unknown host or a port not allowed', async () => {
    const s = sender();
    await expectRefused(s.send(subscription(`http://127.0.0.1:${port}/push/abc`), {}, opts), /scheme http:/);
    await expectRefused(s.send(subscription(`https://u:p@127.0.0.1:${port}/push/abc`), {}, opts), /userinfo/);
    await expectRefused(
      s.send(subscription(`https://127.0.0.1:${port}@fcm.googleapis.com/push/abc`), {}, opts),
      /userinfo/,
    );
    await expectRefused(
      s.send(subscription(`https://localhost:${port}/push/abc`), {}, opts),
      /host localhost/,
    );
    await expectRefused(
      sender({ ports: [] }).send(subscription(), {}, opts),
      new RegExp(`port ${port} is not allowed`),
    );
    await expectRefused(s.send(subscription('not a url'), {}, opts), /not a URL/);
  });

  it('a payload over 3,000 bytes JSON-encoded, or one that JSON cannot encode', async () => {
    const s = sender();
    await expectRefused(s.send(subscription(), 'x'.repeat(2999), opts), /3001 bytes JSON-encoded, over 3000/);
    await expectRefused(s.send(subscription(), { n: 1n }, opts), /cannot be JSON-encoded/);
    await expectRefused(s.send(subscription(), undefined, opts), /cannot be JSON-encoded/);
  });

  it('a malformed subscription', async () => {
    const s = sender();
    const good = subscription();
    const offCurve = Buffer.from(good.keys.p256dh, 'base64url');
    offCurve[40] = (offCurve[40] ?? 0) ^ 1;
    const bad: unknown[] = [
      { ...good, keys: { ...good.keys, p256dh: good.keys.p256dh.slice(0, 86) } },
      { ...good, keys: { ...good.keys, p256dh: offCurve.toString('base64url') } },
      { ...good, keys: { ...good.keys, auth: randomBytes(15).toString('base64url') } },
      { ...good, keys: { ...good.keys, auth: `${good.keys.auth}==` } },
      { ...good, endpoint: `https://127.0.0.1:${port}/${'a'.repeat(2048)}` },
      { endpoint: good.endpoint },
      null,
    ];
    for (const sub of bad)
      await expectRefused(s.send(sub as PushSubscriptionRecord, {}, opts), /malformed subscription/);
  });

  it('options out of range: a negative or fractional TTL, an unknown urgency, a long topic', async () => {
    const s = sender();
    const sub = subscription();
    await expectRefused(s.send(sub, {}, { ...opts, ttlSeconds: -1 }), /ttlSeconds/);
    await expectRefused(s.send(sub, {}, { ...opts, ttlSeconds: 1.5 }), /ttlSeconds/);
    await expectRefused(s.send(sub, {}, { ...opts, urgency: 'now' as 'high' }), /urgency/);
    await expectRefused(s.send(sub, {}, { ...opts, topic: 'a'.repeat(33) }), /topic/);
  });
});

describe('PushSender', () => {
  it('sends what passes (3,000 bytes exactly) and gives up at its deadline', async () => {
    const started = Date.now();
    const out = await sender({ timeoutMs: 300 }).send(subscription(), 'x'.repeat(2998), opts);
    expect(out).toEqual({ ok: false, gone: false, status: null, reason: 'no answer within 300 ms' });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(connections).toBe(1);
  });

  it('refuses to be built with a bad subject or keys', () => {
    const build = (o: { subject?: string; publicKey?: string }) => () =>
      new PushSender({
        vapid: { ...vapid, publicKey: o.publicKey ?? vapid.publicKey },
        subject: o.subject ?? 'https://example.com/contact',
        allowedHosts: () => true,
      });
    expect(build({})).not.toThrow();
    expect(build({ subject: 'http://example.com' })).toThrow(AppError);
    expect(build({ subject: 'ops@example.com' })).toThrow(AppError);
    expect(build({ subject: 'https://localhost/contact' })).toThrow(AppError);
    expect(build({ publicKey: vapid.privateKey })).toThrow(AppError);
  });
});
