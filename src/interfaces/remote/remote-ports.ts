import type { NewEvent } from '../../protocol/events.js';

/** A small JSON document kept in the state folder (0600, written whole and atomically). */
export interface JsonDoc {
  /** The document, or undefined when there is none. */
  read(): unknown;
  write(doc: unknown): void;
  remove(): void;
}

/** A certificate and its key for the listener, with what the phone will be shown. */
export interface ServerCert {
  certPem: string;
  keyPem: string;
  fingerprint256: string;
  notAfter: Date;
  /** The DNS names it is valid for (the Host a browser may send besides the address). */
  dnsNames: string[];
  /** The local CA's root (PEM and fingerprint), when the local CA made it. */
  ca: { certPem: string; fingerprint256: string } | null;
}

/** What the remote listener needs from the machine (the daemon wires the adapters). */
export interface RemotePorts {
  settings: JsonDoc;
  devices: JsonDoc;
  /** The local CA's certificate for `host` (made once, then reused), or the user's own files read. */
  certificate(
    choice: { kind: 'local-ca'; host: string } | { kind: 'files'; cert: string; key: string },
  ): Promise<ServerCert>;
  record(events: NewEvent[]): Promise<unknown>;
  /** Web Push (made on first use: the VAPID keys are kept in the remote folder). */
  push(subject: string): Promise<PushPort>;
  /** The dialog an agent waits on now, for a push's actions to name it; null when it is gone. */
  dialogOf(agentId: string): { state: string; since: string; about: string | null } | null;
}

/** Sends one push to one browser subscription. */
export interface PushPort {
  publicKey: string;
  /** Why a subscription would be refused (malformed; not a push service: no SSRF), or null. */
  refuses(subscription: { endpoint: string; keys: { p256dh: string; auth: string } }): string | null;
  send(
    subscription: { endpoint: string; keys: { p256dh: string; auth: string } },
    payload: unknown,
    o: { ttlSeconds: number; urgency: 'low' | 'normal' | 'high'; topic?: string },
  ): Promise<{ ok: true } | { ok: false; gone: boolean; reason: string }>;
}
