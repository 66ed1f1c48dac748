import type { Agent } from 'node:https';
import webpush from 'web-push';
import { z } from 'zod';
import { appError } from '../../protocol/error-messages.js';
import { base64urlBytes, p256PublicKeySchema, type VapidKeys } from './vapid-keys.js';

/** A browser's push subscription as `PushSubscription.toJSON()` gives it (RFC 8030, RFC 8291). */
export interface PushSubscriptionRecord {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** What became of one push. `gone`: the push service answered 404 or 410, so forget the subscription. */
export type PushOutcome =
  { ok: true; status: number } | { ok: false; gone: boolean; status: number | null; reason: string };

/** RFC 8030 §5.3 urgencies. */
export type PushUrgency = 'very-low' | 'low' | 'normal' | 'high';

export interface PushOptions {
  /** How long the push service keeps the message for an unreachable device (RFC 8030 §5.2). */
  ttlSeconds: number;
  urgency: PushUrgency;
  /** Replaces an undelivered message with the same topic (RFC 8030 §5.4): 1–32 base64url characters. */
  topic?: string;
}

export interface PushSenderOptions {
  vapid: VapidKeys;
  /** The VAPID `sub` claim: a `mailto:` address or an `https:` URL the push service may contact. */
  subject: string;
  /** Whether to POST to this endpoint hostname (lowercase; IPv6 in brackets): `pushHostAllowed`. */
  allowedHosts: (host: string) => boolean;
  /** Ports other than 443 an endpoint may name (tests: the stand-in's); none by default. */
  allowedPorts?: readonly number[];
  /** The whole request's deadline; 10 s by default. */
  timeoutMs?: number;
  /** The HTTPS agent (tests: one whose `ca` trusts the stand-in); the default agent otherwise. */
  agent?: Agent;
}

/**
 * The browsers' push services (the hosts of `PushSubscription.endpoint`): Chrome and the Chromium
 * browsers (FCM), Firefox (autopush), Safari (Apple allows `*.push.apple.com`), Edge on Windows
 * (WNS). `android.googleapis.com` is left out: GCM was shut down in 2019, and web-push sends its
 * `/gcm/send` endpoints a GCM key instead of VAPID.
 */
export const KNOWN_PUSH_SERVICES: readonly string[] = [
  'fcm.googleapis.com',
  'updates.push.services.mozilla.com',
  'web.push.apple.com',
  '*.push.apple.com',
  '*.notify.windows.com',
];

/**
 * Whether `host` (a URL's hostname) is a known push service, or exactly one of `extra`. A
 * wildcard stands for one DNS label.
 */
export function pushHostAllowed(host: string, extra: readonly string[] = []): boolean {
  const h = host.toLowerCase();
  if (extra.some((e) => e.toLowerCase() === h)) return true;
  return KNOWN_PUSH_SERVICES.some((known) => {
    if (!known.startsWith('*.')) return known === h;
    const suffix = known.slice(1);
    return h.endsWith(suffix) && /^[a-z0-9-]+$/.test(h.slice(0, -suffix.length));
  });
}

/** The plaintext limit: a single 4,096-byte aes128gcm record holds 3,993 bytes; FCM takes 4,096 in all. */
export const MAX_PUSH_PAYLOAD_BYTES = 3000;
const DEFAULT_TIMEOUT_MS = 10_000;
/** FCM's ceiling (four weeks), which the other services accept too. */
const MAX_TTL_SECONDS = 2_419_200;

const subscriptionSchema = z.object({
  endpoint: z.string().min(1).max(2048),
  keys: z.object({ p256dh: p256PublicKeySchema, auth: base64urlBytes(16) }),
});

const optionsSchema = z.object({
  ttlSeconds: z.number().int().min(0).max(MAX_TTL_SECONDS),
  urgency: z.enum(['very-low', 'low', 'normal', 'high']),
  topic: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, '1 to 32 base64url characters')
    .optional(),
});

type Checked = z.infer<typeof optionsSchema>;

const refused = (reason: string): PushOutcome => ({ ok: false, gone: false, status: null, reason });

function summary(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ');
}

/**
 * Sends Web Push messages (RFC 8030) straight to each browser's push service, encrypted for the
 * subscription (RFC 8291, aes128gcm) and signed with the daemon's VAPID key (RFC 8292). An
 * endpoint comes from a browser and is POSTed to, so it is checked before any connection: https
 * only, no userinfo, port 443 unless allowed, an allowed host.
 */
export class PushSender {
  // Private fields stay out of util.inspect, so a logged sender never shows the key.
  readonly #vapid: { subject: string; publicKey: string; privateKey: string };
  readonly #allowedHosts: (host: string) => boolean;
  readonly #allowedPorts: readonly number[];
  readonly #timeoutMs: number;
  readonly #agent: Agent | undefined;

  constructor(o: PushSenderOptions) {
    if (
      !p256PublicKeySchema.safeParse(o.vapid.publicKey).success ||
      !base64urlBytes(32).safeParse(o.vapid.privateKey).success
    )
      throw appError('CONFIG_INVALID', { field: 'vapid' });
    if (!validSubject(o.subject)) throw appError('CONFIG_INVALID', { field: 'subject', subject: o.subject });
    this.#vapid = { subject: o.subject, publicKey: o.vapid.publicKey, privateKey: o.vapid.privateKey };
    this.#allowedHosts = o.allowedHosts;
    this.#allowedPorts = o.allowedPorts ?? [];
    this.#timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#agent = o.agent;
  }

  /**
   * Pushes `payload` (JSON-encoded, at most 3,000 bytes) to one subscription. Never throws: a
   * refusal before sending has `status: null`, as has a network failure or the deadline.
   */
  /** Why this subscription would be refused (malformed, not a push service), or null. */
  refuses(sub: PushSubscriptionRecord): string | null {
    const s = subscriptionSchema.safeParse(sub);
    if (!s.success) return `malformed subscription: ${summary(s.error)}`;
    const url = this.#checkEndpoint(s.data.endpoint);
    return typeof url === 'string' ? url : null;
  }

  async send(sub: PushSubscriptionRecord, payload: unknown, o: PushOptions): Promise<PushOutcome> {
    const s = subscriptionSchema.safeParse(sub);
    if (!s.success) return refused(`malformed subscription: ${summary(s.error)}`);
    const url = this.#checkEndpoint(s.data.endpoint);
    if (typeof url === 'string') return refused(url);
    const opts = optionsSchema.safeParse(o);
    if (!opts.success) return refused(`invalid push options: ${summary(opts.error)}`);
    let text: string | undefined;
    try {
      text = JSON.stringify(payload);
    } catch (err) {
      return refused(`payload cannot be JSON-encoded: ${(err as Error).message}`);
    }
    if (text === undefined) return refused('payload cannot be JSON-encoded');
    const body = Buffer.from(text, 'utf8');
    if (body.length > MAX_PUSH_PAYLOAD_BYTES)
      return refused(`payload is ${body.length} bytes JSON-encoded, over ${MAX_PUSH_PAYLOAD_BYTES}`);
    // The WHATWG serialization, so web-push's legacy url.parse sees the host checked here.
    return this.#post({ endpoint: url.href, keys: s.data.keys }, body, opts.data);
  }

  /** The endpoint as a URL, or why it is refused. */
  #checkEndpoint(endpoint: string): URL | string {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      return 'endpoint is not a URL';
    }
    if (url.protocol !== 'https:') return `endpoint scheme ${url.protocol} is not https:`;
    if (url.username !== '' || url.password !== '') return 'endpoint has userinfo';
    if (url.port !== '' && !this.#allowedPorts.includes(Number(url.port)))
      return `endpoint port ${url.port} is not allowed`;
    if (!this.#allowedHosts(url.hostname)) return `endpoint host ${url.hostname} is not a known push service`;
    return url;
  }

  async #post(sub: PushSubscriptionRecord, body: Buffer, o: Checked): Promise<PushOutcome> {
    const ms = this.#timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    // web-push's `timeout` is a socket idle timeout; this bounds the whole request.
    const deadline = new Promise<PushOutcome>((resolve) => {
      timer = setTimeout(() => resolve(refused(`no answer within ${ms} ms`)), ms);
    });
    const sent = webpush
      .sendNotification(sub, body, {
        vapidDetails: this.#vapid,
        contentEncoding: 'aes128gcm',
        TTL: o.ttlSeconds,
        urgency: o.urgency,
        timeout: ms,
        ...(o.topic === undefined ? {} : { topic: o.topic }),
        ...(this.#agent === undefined ? {} : { agent: this.#agent }),
      })
      .then(
        (r): PushOutcome => ({ ok: true, status: r.statusCode }),
        (err: unknown) => failure(err),
      );
    try {
      return await Promise.race([sent, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** `mailto:` or `https:`; not localhost, whose tokens Apple's push service refuses (BadJwtToken). */
function validSubject(subject: string): boolean {
  try {
    const u = new URL(subject);
    return u.protocol === 'mailto:' || (u.protocol === 'https:' && u.hostname !== 'localhost');
  } catch {
    return false;
  }
}

function failure(err: unknown): PushOutcome {
  if (err instanceof webpush.WebPushError) {
    const status = err.statusCode;
    // The body is the push service's text: printable and short, for a log line.
    const said = String(err.body ?? '')
      .replace(/[^\x20-\x7e]+/g, ' ')
      .trim()
      .slice(0, 200);
    return {
      ok: false,
      gone: status === 404 || status === 410,
      status,
      reason: `push service answered ${status}${said ? `: ${said}` : ''}`,
    };
  }
  const e = err as NodeJS.ErrnoException;
  return refused(`request failed: ${e.message || e.code || String(err)}`);
}
