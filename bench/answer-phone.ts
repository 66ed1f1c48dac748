import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request } from 'node:https';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import type WebSocket from 'ws';
import type { WtpEvent } from '../src/protocol/events.js';
import { pushMessageSchema, type PushMessage as Pushed } from '../src/protocol/push.js';
import { PushService, untilPush, type PushMessage } from '../test/support/push-service.js';
import type { AnswerMode } from './answer-modes.js';
import { maybeStats } from './answer-rounds.js';
import { nowMs } from './proc.js';
import { latencyBaseline, latencyResult, type BenchResult } from './report.js';
import type { RigAgent } from './rig-agent.js';
import { openWs } from './state-latency.js';

const PUSH_MS = 30_000;

/** One HTTPS request to the remote listener as the paired phone's browser sends it. */
function phoneRequest(
  origin: string,
  fingerprint: string,
  path: string,
  o: { method?: string; cookie?: string; body?: unknown },
): Promise<{ status: number; body: string; cookie: string | null }> {
  const url = new URL(path, origin);
  const body = o.body === undefined ? undefined : JSON.stringify(o.body);
  const headers: Record<string, string> = {
    host: url.host,
    origin,
    'sec-fetch-site': 'same-origin',
    ...(o.cookie ? { cookie: o.cookie } : {}),
    ...(body === undefined
      ? {}
      : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }),
  };
  return new Promise((resolve, reject) => {
    // The local CA is not in the bench's trust store: the listener's certificate is pinned instead.
    const req = request(
      url,
      { method: o.method ?? 'GET', headers, agent: false, rejectUnauthorized: false },
      (res) => {
        const seen = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (seen !== fingerprint)
            return reject(new Error(`the listener showed another certificate (${seen})`));
          const cookie = res.headers['set-cookie']?.[0]?.split(';')[0] ?? null;
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), cookie });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The phone's side of the `answers` part: a push service, and the config that sends to it. */
export interface PhoneRig {
  /** The daemon's `notifications:` block: push only, to the test push service, never held back. */
  notifications: string;
  /** The notification's Approve, for the agent of `r` (pairs a device and subscribes it first). */
  mode(r: RigAgent): Promise<PhoneMode>;
  close(): Promise<void>;
}

export interface PhoneMode extends AnswerMode {
  /** The daemon's needs_permission → the push at the push service, against → its events WebSocket. */
  pushFigure(): BenchResult;
}

export async function startPhoneRig(): Promise<PhoneRig> {
  const service = await PushService.start();
  const files = mkdtempSync(join(tmpdir(), 'wtp-bench-phone-'));
  const caFile = join(files, 'push-ca.pem');
  writeFileSync(caFile, service.ca);
  const notifications =
    'notifications:\n  desktop: false\n  toast: false\n  bell: false\n  dedupeMs: 0\n  maxPerMinute: 1000\n' +
    `  push:\n    extraServices: ["127.0.0.1:${service.port}"]\n    caFile: ${caFile}\n`;
  const close = async (): Promise<void> => {
    await service.close();
    rmSync(files, { recursive: true, force: true });
  };
  return { notifications, mode: (r) => phoneMode(r, service), close };
}

async function phoneMode(r: RigAgent, service: PushService): Promise<PhoneMode> {
  const { client } = r.session;
  const on = await client.call('remoteOn', { body: { listen: '127.0.0.1:0' } });
  const origin = new URL(on.url ?? '').origin;
  const pair = await client.call('remotePair', { body: {} });
  const code = new URLSearchParams(new URL(pair.url).hash.slice(1)).get('code');
  const pin = pair.fingerprint256;
  const paired = await phoneRequest(origin, pin, '/remote/pair', {
    method: 'POST',
    body: { code, name: 'bench-phone' },
  });
  const cookie = paired.cookie;
  if (paired.status !== 200 || cookie === null)
    throw new Error(`pairing failed (${paired.status}): ${paired.body}`);
  const settings = JSON.parse((await phoneRequest(origin, pin, '/api/v1/push', { cookie })).body) as {
    publicKey: string;
  };
  const { subscription, received } = service.subscribe({ applicationServerKey: settings.publicKey });
  const prefs = { kinds: ['permission'] };
  const sub = await phoneRequest(origin, pin, '/api/v1/push/subscription', {
    method: 'POST',
    cookie,
    body: { subscription, prefs },
  });
  if (sub.status !== 200) throw new Error(`subscribing failed (${sub.status}): ${sub.body}`);

  // Each needs_permission: the daemon's own time of it, and when its event reached a local client.
  const asked: { ts: number; wsAt: number }[] = [];
  const { latestSeq } = await client.call('listEvents', { query: { limit: 1 } });
  const query = { types: 'agent.stateChanged', agent: r.id, since: latestSeq };
  const ws: WebSocket = await openWs(r.session, '/api/v1/events', query, 'hello', (data, isBinary) => {
    const wsAt = Date.now();
    if (isBinary) return;
    const msg = JSON.parse(data.toString('utf8')) as { type: string; event?: WtpEvent };
    if (
      msg.type === 'event' &&
      msg.event?.type === 'agent.stateChanged' &&
      msg.event.data.to === 'needs_permission'
    )
      asked.push({ ts: Date.parse(msg.event.ts), wsAt });
  });
  const what =
    'the notification’s Approve from a paired phone: POST https://<remote listener>/api/v1/agents/:agent/answer {"action":"approve","via":"dashboard","expect":<the pushed dialog>} with the device’s cookie, as the service worker sends it';
  return {
    name: 'phone',
    what,
    act: async (a) => {
      // The push of the dialog the agent waits on (every dialog is pushed, whichever mode answers it).
      const since = (await client.call('getAgent', { params: { agent: a.id } })).agent.stateSince;
      const got: PushMessage = await untilPush(
        received,
        (m) => (m.payload as Pushed).expect?.since === since,
        PUSH_MS,
      );
      const msg: Pushed = pushMessageSchema.parse(got.payload);
      const body = { action: 'approve', via: 'dashboard', expect: msg.expect };
      const sentAt = nowMs();
      const res = await phoneRequest(origin, pin, `/api/v1/agents/${a.id}/answer`, {
        method: 'POST',
        cookie,
        body,
      });
      const doneAt = nowMs();
      return res.status === 200
        ? { sentAt, doneAt }
        : { sentAt, doneAt, failed: `HTTP ${res.status}: ${res.body.slice(0, 200)}` };
    },
    close: async () => {
      ws.close();
      await client.call('remoteOff', { body: {} }).catch(() => undefined);
    },
    pushFigure: () => pushFigure(asked, received),
  };
}

function pushFigure(
  asked: readonly { ts: number; wsAt: number }[],
  received: readonly PushMessage[],
): BenchResult {
  // The device takes permissions only, one push per dialog, in order.
  const pushed = received.filter((m) => (m.payload as Pushed).kind === 'permission');
  const n = Math.min(asked.length, pushed.length);
  const pushMs = asked.slice(0, n).map((a, i) => (pushed[i]?.at ?? Number.NaN) - a.ts);
  const wsMs = asked.slice(0, n).map((a) => a.wsAt - a.ts);
  const note =
    'The daemon’s needs_permission for the real Claude Code’s Bash dialog (its agent.stateChanged ts, wall clock, ms) → the push decrypted at a Web Push service on 127.0.0.1 (test/support/push-service.ts: VAPID checked, RFC 8291 decrypted, `at` after decryption), sent by the daemon’s push channel to one paired device. Baseline: the same event → its arrival on a local /api/v1/events WebSocket (what the local dashboard sees). Every round of the phone run, warm-up included (each dialog is pushed). Same machine, same wall clock.';
  const extra = { dialogs: asked.length, pushes: pushed.length, p99: maybeStats(pushMs)?.p99 ?? null };
  if (n === 0)
    return { value: Number.NaN, unit: 'ms', samples: 0, failed: 'no dialog was pushed', note, extra };
  return latencyResult({
    samples: pushMs,
    baseline: latencyBaseline('the same event on the local events WebSocket', wsMs),
    note,
    extra,
  });
}
